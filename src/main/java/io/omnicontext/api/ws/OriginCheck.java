package io.omnicontext.api.ws;

import io.omnicontext.config.OmnicontextConfig;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * omnicontext.limits.ws.allowed-origins: a browser (which always sends Origin) may open the WebSocket only from a
 * listed page; refused with 403. An empty list lets every origin through, and so does a handshake without Origin
 * (servers, mobile apps): the token authenticates, Origin only narrows where browsers may use one.
 */
@ApplicationScoped
public class OriginCheck implements HttpUpgradeCheck {
  private final Set<String> allowed;

  public OriginCheck(OmnicontextConfig config) {
    this.allowed = config.limits().ws().allowedOrigins().orElse(List.of()).stream().map(OriginCheck::normalized)
        .filter(o -> !o.isEmpty()).collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public Uni<CheckResult> perform(HttpUpgradeContext context) {
    String origin = context.httpRequest().getHeader("Origin");
    if (allowed.isEmpty() || origin == null || allowed.contains(normalized(origin))) return CheckResult.permitUpgrade();
    return CheckResult.rejectUpgrade(403, Map.of("Connection", List.of("close")));
  }

  private static String normalized(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
  }
}
