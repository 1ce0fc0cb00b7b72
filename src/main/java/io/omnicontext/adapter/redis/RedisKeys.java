package io.omnicontext.adapter.redis;

import io.omnicontext.config.Digest;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.port.Topic;

/**
 * The only place Redis key and channel names are spelled.
 *
 * <p>Customers are spread over {@link #BUCKETS} buckets. A bucket is one hash tag, {b<n>}, so on Redis
 * Cluster a bucket is one slot: every key of a customer (context, log, idempotency records, lock, channel)
 * and its bucket's shared keys (journal outbox, due schedule, engagement leases) sit in the same slot, and
 * a commit that writes the context, the log and the outbox entry stays one atomic script. Nodes share out
 * the background work bucket by bucket. The customer's own part, {tenant:customerId}, follows the bucket
 * tag; Redis hashes only the first {...}. Identities ({tenant:id:hash}) and teams ({tenant#team:name}) live
 * in slots of their own; customer ids cannot hold '#' or '{', so the spellings never collide.
 *
 * <p>The bucket count is part of the key layout: changing it moves every customer to other keys (their
 * contexts are rebuilt from the journal on first use; the old buckets' outbox must be empty first).
 */
public final class RedisKeys {
  /** How many buckets customers are spread over: enough to spread a cluster's shards evenly, few enough to poll. */
  public static final int BUCKETS = 128;
  public static final String JOURNAL_GROUP = "journal";

  private RedisKeys() {}

  /** The bucket a customer's keys live in: stable for a tenant and customer id whatever the node. */
  public static int bucket(CustomerKey k) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update((k.tenant() + ":" + k.customerId()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return (int) (crc.getValue() % BUCKETS);
  }

  static String bucketTag(int bucket) { return "oc:{b" + bucket + "}"; }

  /** Commits of a bucket's customers waiting to be journaled in PostgreSQL (a stream read by the group {@link #JOURNAL_GROUP}). */
  public static String outbox(int bucket) { return bucketTag(bucket) + ":journal-outbox"; }
  public static String outbox(CustomerKey k) { return outbox(bucket(k)); }

  /** A bucket's customers with something falling due, scored by the epoch millisecond it falls due. */
  public static String due(int bucket) { return bucketTag(bucket) + ":due"; }
  public static String due(CustomerKey k) { return due(bucket(k)); }

  /** Engagement leases of a bucket's customers, scored by the epoch millisecond they run out. */
  public static String leases(int bucket) { return bucketTag(bucket) + ":engagement-leases"; }
  public static String leases(CustomerKey k) { return leases(bucket(k)); }

  /** Which node works a bucket's background work (outbox, due schedule, leases) for now: a lease with a TTL. */
  public static String bucketOwner(int bucket) { return bucketTag(bucket) + ":owner"; }

  /** Nodes alive, scored by the epoch millisecond of their last heartbeat (one small key, written every few seconds per node). */
  public static final String NODES = "oc:nodes";

  static String tag(CustomerKey k) { return bucketTag(bucket(k)) + ":{" + k.tenant() + ":" + k.customerId() + "}"; }
  static String teamTag(String tenant, String team) { return "oc:{" + tenant + "#team:" + team + "}"; }

  public static String context(CustomerKey k) { return tag(k) + ":ctx"; }
  public static String log(CustomerKey k) { return tag(k) + ":log"; }
  public static String idempotency(CustomerKey k, String idempotencyKey) { return tag(k) + ":idem:" + sha256(idempotencyKey); }
  /** A short hold on the customer ({@link RedisCustomerLocks}). */
  public static String lock(CustomerKey k) { return tag(k) + ":lock"; }
  /** The customer's idempotency records (zset of their keys by expiry ms): erasure reads it, as SCAN cannot find them on a cluster. */
  public static String idempotencyIndex(CustomerKey k) { return tag(k) + ":idem-index"; }
  /** SCAN pattern of a customer's idempotency records (ids cannot hold glob characters). */
  public static String idempotencyPattern(CustomerKey k) { return tag(k) + ":idem:*"; }

  public static String identity(String tenant, String type, String value) { return "oc:{" + tenant + ":id:" + sha256(type + "\n" + value) + "}"; }
  public static String teamSeq(String tenant, String team) { return teamTag(tenant, team) + ":seq"; }
  public static String teamLog(String tenant, String team) { return teamTag(tenant, team) + ":log"; }
  /** The run_id of the Redis process that numbered the team's feed last: another one means seqs may have rolled back. */
  public static String teamSeqRun(String tenant, String team) { return teamTag(tenant, team) + ":seqrun"; }
  public static String teamBoard(String tenant, String team) { return teamTag(tenant, team) + ":board"; }
  /** The customer version each board field was last written at, so a late settlement cannot undo a newer one. */
  public static String teamBoardVersions(String tenant, String team) { return teamTag(tenant, team) + ":boardv"; }
  /** Hand-off changes a team's feed took (zset by epoch ms), so each goes out exactly once however often it is settled. */
  public static String teamApplied(String tenant, String team) { return teamTag(tenant, team) + ":applied"; }

  public static String channel(Topic t) { return t.team() ? teamTag(t.tenant(), t.name()) : tag(t.customerKey()); }

  /** Member of a bucket's due schedule: tenant and customer id, split at the first '/' (tenants cannot hold '/'). */
  public static String dueMember(CustomerKey k) { return k.tenant() + "/" + k.customerId(); }
  public static CustomerKey fromDueMember(String m) {
    int i = m.indexOf('/');
    return new CustomerKey(m.substring(0, i), m.substring(i + 1));
  }

  static String sha256(String s) { return Digest.sha256(s); }

  static String sha1(String s) { return Digest.sha1(s); }

}
