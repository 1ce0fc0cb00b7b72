package io.omnicontext.adapter.redis;

import io.omnicontext.config.Digest;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.port.Topic;

/**
 * The only place Redis key and channel names are spelled. Every key of one customer shares the hash
 * tag {tenant:customerId} (and its channel too), so Redis Cluster can keep a customer in one slot; a
 * team's keys share {tenant#team:name}; customer ids cannot hold '#', so the two never collide.
 */
public final class RedisKeys {
  /** Customers with something falling due, scored by the epoch millisecond it falls due. */
  public static final String DUE = "oc:due";
  /** Commits waiting to be journaled in PostgreSQL (a stream read by the consumer group {@link #JOURNAL_GROUP}). */
  public static final String OUTBOX = "oc:journal-outbox";
  public static final String JOURNAL_GROUP = "journal";
  /** Engagement leases of open connections, scored by the epoch millisecond they run out. */
  public static final String LEASES = "oc:engagement-leases";

  private RedisKeys() {}

  static String tag(CustomerKey k) { return "oc:{" + k.tenant() + ":" + k.customerId() + "}"; }
  static String teamTag(String tenant, String team) { return "oc:{" + tenant + "#team:" + team + "}"; }

  public static String context(CustomerKey k) { return tag(k) + ":ctx"; }
  public static String log(CustomerKey k) { return tag(k) + ":log"; }
  public static String idempotency(CustomerKey k, String idempotencyKey) { return tag(k) + ":idem:" + sha256(idempotencyKey); }
  /** A short hold on the customer ({@link RedisCustomerLocks}). */
  public static String lock(CustomerKey k) { return tag(k) + ":lock"; }
  /** SCAN pattern of a customer's idempotency records (ids cannot hold glob characters). */
  public static String idempotencyPattern(CustomerKey k) { return tag(k) + ":idem:*"; }

  public static String identity(String tenant, String type, String value) { return "oc:{" + tenant + ":id:" + sha256(type + "\n" + value) + "}"; }
  public static String teamSeq(String tenant, String team) { return teamTag(tenant, team) + ":seq"; }
  public static String teamLog(String tenant, String team) { return teamTag(tenant, team) + ":log"; }
  public static String teamBoard(String tenant, String team) { return teamTag(tenant, team) + ":board"; }

  public static String channel(Topic t) { return t.team() ? teamTag(t.tenant(), t.name()) : tag(t.customerKey()); }

  /** Member of {@link #DUE}: tenant and customer id, split at the first '/' (tenants cannot hold '/'). */
  public static String dueMember(CustomerKey k) { return k.tenant() + "/" + k.customerId(); }
  public static CustomerKey fromDueMember(String m) {
    int i = m.indexOf('/');
    return new CustomerKey(m.substring(0, i), m.substring(i + 1));
  }

  static String sha256(String s) { return Digest.sha256(s); }

  static String sha1(String s) { return Digest.sha1(s); }

}
