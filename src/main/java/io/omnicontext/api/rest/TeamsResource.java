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

/** A team's waiting hand-offs for screens that poll; the WebSocket team feed pushes the same. */
@Path("/v1/teams/{team}/handoffs")
@Produces(MediaType.APPLICATION_JSON)
public class TeamsResource {
  private static final Set<String> WAITING = Set.of("open", "overdue");

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
    if (!WAITING.containsAll(wanted)) throw Refusal.badRequest("status lists open and/or overdue (the board holds waiting hand-offs)");
    return teams.board(p.tenant(), team).map(board -> {
      List<JsonNode> items = new ArrayList<>();
      for (String item : board.waitingJson()) {
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
