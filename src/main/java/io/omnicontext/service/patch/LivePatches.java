package io.omnicontext.service.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnicontext.domain.Audience;
import io.omnicontext.domain.Change;
import io.omnicontext.domain.Commit;
import io.omnicontext.domain.CustomerContext;
import io.omnicontext.domain.Redaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The live-document patches of a commit (contract, Additions v1.1): for every change, once per audience,
 * the RFC 6902 patch from the context at version - 1 to the context at version as that audience reads it
 * (GET context without customerId and version). Members that did not change are skipped by comparing the
 * records; only what changed is turned into JSON and diffed, so a patch costs what the change touched.
 */
@ApplicationScoped
public class LivePatches {
  /** The context's members in the order GET context writes them. */
  private static final Map<String, Function<CustomerContext, Object>> MEMBERS = members();

  private final ObjectMapper json;

  public LivePatches(ObjectMapper json) { this.json = json; }

  public Commit attach(Commit commit) {
    List<Change> attached = new ArrayList<>(commit.changes().size());
    CustomerContext staffBefore = commit.before();
    CustomerContext customerBefore = Redaction.context(staffBefore, Audience.CUSTOMER);
    for (int i = 0; i < commit.changes().size(); i++) {
      CustomerContext staffAfter = commit.steps().get(i);
      CustomerContext customerAfter = Redaction.context(staffAfter, Audience.CUSTOMER);
      attached.add(commit.changes().get(i).withPatches(diff(staffBefore, staffAfter), diff(customerBefore, customerAfter)));
      staffBefore = staffAfter;
      customerBefore = customerAfter;
    }
    return commit.withChanges(attached);
  }

  /** The patch between two views of a context. */
  public List<Map<String, Object>> diff(CustomerContext from, CustomerContext to) {
    List<Map<String, Object>> ops = new ArrayList<>();
    MEMBERS.forEach((name, member) -> values("/" + name, member.apply(from), member.apply(to), ops));
    return ops;
  }

  private void values(String path, Object from, Object to, List<Map<String, Object>> ops) {
    if (Objects.equals(from, to)) return;
    if (from instanceof Map<?, ?> a && to instanceof Map<?, ?> b) maps(path, a, b, ops);
    else JsonDiff.diff(path, tree(from), tree(to), ops);
  }

  /** Keyed members (offers by id, profile, preferences): only the entries that differ become JSON. */
  private void maps(String path, Map<?, ?> from, Map<?, ?> to, List<Map<String, Object>> ops) {
    for (Object k : from.keySet()) {
      if (!to.containsKey(k)) ops.add(JsonDiff.op("remove", JsonDiff.child(path, String.valueOf(k)), null));
    }
    to.forEach((k, v) -> {
      String at = JsonDiff.child(path, String.valueOf(k));
      if (!from.containsKey(k)) ops.add(JsonDiff.op("add", at, tree(v)));
      else values(at, from.get(k), v, ops);
    });
  }

  private JsonNode tree(Object value) { return json.valueToTree(value); }

  private static Map<String, Function<CustomerContext, Object>> members() {
    Map<String, Function<CustomerContext, Object>> m = new LinkedHashMap<>();
    m.put("profile", CustomerContext::profile);
    m.put("identities", CustomerContext::identities);
    m.put("offers", CustomerContext::offers);
    m.put("appointments", CustomerContext::appointments);
    m.put("reservations", CustomerContext::reservations);
    m.put("cases", CustomerContext::cases);
    m.put("notes", CustomerContext::notes);
    m.put("preferences", CustomerContext::preferences);
    m.put("interactions", CustomerContext::interactions);
    m.put("engagements", CustomerContext::engagements);
    m.put("handoffs", CustomerContext::handoffs);
    m.put("attention", CustomerContext::attention);
    m.put("mergedFrom", CustomerContext::mergedFrom);
    m.put("mergedInto", CustomerContext::mergedInto);
    return m;
  }
}
