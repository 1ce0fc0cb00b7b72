package io.omnicontext.api.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnicontext.api.access.AccessPolicy;
import io.omnicontext.api.auth.Principal;
import io.omnicontext.domain.Refusal;
import io.omnicontext.port.TeamFeed;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A team's waiting hand-offs for screens that poll (the WebSocket team feed pushes the same), and, asked with
 * status=accepted, the ones accepted and not completed yet, so a screen that reloads can still complete them.
 */
@Path("/v1/teams/{team}/handoffs")
@Produces(MediaType.APPLICATION_JSON)
public class TeamsResource {
  private static final Set<String> WAITING = Set.of("open", "overdue");
  private static final String ACCEPTED = "accepted";

  private final Caller caller;
  private final TeamFeed teams;
  private final ObjectMapper json;

  public TeamsResource(Caller caller, TeamFeed teams, ObjectMapper json) {
    this.caller = caller;
    this.teams = teams;
    this.json = json;
  }

  @GET
  public Uni<Map<String, Object>> waiting(@PathParam("team") String team, @QueryParam("status") String status) {
    Principal p = caller.get();
    AccessPolicy.team(p, team);
    Set<String> wanted = status == null || status.isBlank() ? WAITING
        : Arrays.stream(status.split(",")).map(String::trim).collect(Collectors.toSet());
    if (!wanted.stream().allMatch(s -> WAITING.contains(s) || ACCEPTED.equals(s))) {
      throw Refusal.badRequest("status lists open, overdue and/or accepted (completed hand-offs leave the team's lists)");
    }
    return teams.board(p.tenant(), team).map(board -> {
      List<JsonNode> items = new ArrayList<>();
      List<String> stored = new ArrayList<>(board.waitingJson());
      if (wanted.contains(ACCEPTED)) stored.addAll(board.acceptedJson());
      for (String item : stored) {
        JsonNode n = read(item);
        if (wanted.contains(n.path("status").asText())) items.add(n);
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("team", team);
      out.put("seq", board.seq());
      out.put("handoffs", items);
      return out;
    });
  }

  private JsonNode read(String s) {
    try {
      return json.readTree(s);
    } catch (Exception e) {
      throw new IllegalStateException("unreadable board item", e);
    }
  }
}
