package io.omnicontext.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Every problem body names its request: `requestId` equals the response's X-Request-Id (the id of the access
 * line), whichever layer refused, from the routes before any resource (token, body size) to the exception mapper and
 * the write's own refusals.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ProblemRequestIdIT {
  private final String tenant = Tokens.newTenant();
  private final String customer = Tokens.newId("c");
  private final String token = Tokens.mint(tenant, "agent", "ada", "voice", null);

  private static Http.Answer send(String method, String path, Map<String, String> headers, String body) {
    return Http.send(method, Nodes.one().base().resolve(path), headers, body);
  }

  private Map<String, String> authorized(String... more) {
    Map<String, String> h = new HashMap<>(Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json"));
    for (int i = 0; i < more.length; i += 2) h.put(more[i], more[i + 1]);
    return h;
  }

  /** Asserts a problem of this status and code whose requestId is the response's header, and returns that id. */
  private static String assertNamesItsRequest(Http.Answer a, int status, String code) {
    assertEquals(status, a.status(), a.body());
    assertEquals("application/problem+json", a.mediaType(), a.body());
    JsonNode p = read(a);
    assertEquals(code, p.path("code").asText(), a.body());
    String header = a.header("X-Request-Id");
    assertNotNull(header, "every answer carries X-Request-Id");
    assertEquals(header, p.path("requestId").asText(), "the problem's requestId is the response's X-Request-Id: " + a.body());
    return header;
  }

  private static JsonNode read(Http.Answer a) {
    try {
      return Client.JSON.readTree(a.body());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + a.body(), e);
    }
  }

  @Test
  void a_missing_token_is_a_401_that_names_its_request() {
    assertNamesItsRequest(send("GET", "/v1/customers/" + customer + "/context", Map.of(), null), 401, "unauthorized");
  }

  @Test
  void a_declared_body_over_the_limit_is_a_413_that_names_its_request() {
    // Content-Length alone is refused before the body is read (BodyLimit); the JDK client sends what it declares.
    String big = "{\"ops\":[],\"pad\":\"" + "x".repeat(300 * 1024) + "\"}";
    assertNamesItsRequest(send("POST", "/v1/customers/" + customer + "/changes", authorized(), big), 413, "too_large");
  }

  @Test
  void a_refusal_of_the_exception_mapper_names_its_request_and_keeps_the_callers_id() {
    String mine = "it-problem-" + UUID.randomUUID();
    Http.Answer notFound = send("GET", "/v1/customers/" + customer + "/context", authorized("X-Request-Id", mine), null);
    assertEquals(mine, assertNamesItsRequest(notFound, 404, "not_found"), "the caller's id is the one named");
    assertNamesItsRequest(send("POST", "/v1/customers/" + customer + "/changes", authorized(), "{not json"), 400, "bad_request");
    assertNamesItsRequest(send("POST", "/v1/customers/" + customer + "/changes", authorized(), "{\"ops\":[{\"op\":\"no.such\"}]}"),
        400, "unknown_op");
  }

  @Test
  void a_refused_write_names_its_request_and_its_retry_replays_the_first_answer() {
    String ops = "{\"ops\":[{\"op\":\"profile.set\",\"fields\":{\"a\":1}}]";
    assertEquals(200, send("POST", "/v1/customers/" + customer + "/changes", authorized(), ops + "}").status());
    String key = UUID.randomUUID().toString();
    String stale = ops + ",\"expectedVersion\":0}";
    Http.Answer first = send("POST", "/v1/customers/" + customer + "/changes", authorized("Idempotency-Key", key), stale);
    String firstId = assertNamesItsRequest(first, 409, "version_conflict");

    Http.Answer retry = send("POST", "/v1/customers/" + customer + "/changes", authorized("Idempotency-Key", key), stale);
    assertEquals(409, retry.status());
    assertEquals(read(first), read(retry), "a retry returns the first answer's body, requestId included");
    assertNotEquals(firstId, retry.header("X-Request-Id"), "the retry is a request of its own");
    assertEquals(firstId, read(retry).path("requestId").asText(), "the replayed body names the request that was refused");
  }
}
