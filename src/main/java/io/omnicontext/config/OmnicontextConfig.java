package io.omnicontext.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Every omnicontext.* key; README's configuration table lists them with their environment variables. */
@ConfigMapping(prefix = "omnicontext")
public interface OmnicontextConfig {

  /** HS256 secret (>= 32 bytes) that local and test runs verify tokens with (OMNICONTEXT_JWT_SECRET). */
  @WithName("jwt-secret")
  Optional<String> jwtSecret();

  /** Longest a commit may take (including retries after lost races) before it answers `unavailable`. */
  @WithDefault("5s")
  Duration commitTimeout();

  /** How often a commit recomputes after another writer won the race before it answers `unavailable`. */
  @WithDefault("64")
  int commitRaces();

  /** Largest request body accepted; larger ones get 413 too_large. */
  @WithDefault("262144")
  int maxBodyBytes();

  Redis redis();

  Journal journal();

  Limits limits();

  /**
   * How large a request and a context may grow (docs/limits.md; refusals are 400 validation_failed or 413 too_large),
   * and the abuse limits under ws and rest (docs/security.md). Abuse counters are per node: a caller spread over N
   * nodes gets up to N times these. Rates are sustained per second; a burst is what may arrive at once.
   */
  interface Limits {
    Ws ws();

    Rest rest();

    interface Ws {
      /**
       * Origins a browser page may open the WebSocket from (scheme://host[:port], comma-separated). Empty: any origin.
       * A handshake without Origin (not a browser) is always let through; the token is what authenticates.
       */
      Optional<List<String>> allowedOrigins();

      /** Subscriptions (customers, teams, reach) one connection may hold at once. */
      @WithDefault("256")
      int maxSubscriptions();

      /** Frames per second one connection may send. */
      @WithDefault("50")
      double messagesPerSecond();

      @WithDefault("100")
      int messageBurst();

      /** Frames per second one token may send over all its connections (on a node). */
      @WithDefault("100")
      double tokenMessagesPerSecond();

      @WithDefault("200")
      int tokenMessageBurst();

      /** rate_limited answers a connection may collect (refilling one per second) before it is closed with 4403. */
      @WithDefault("20")
      int refusalsBeforeClose();

      /**
       * Streams one token may hold open on a node, WebSocket connections and SSE streams together: one more
       * WebSocket is closed with 4403, one more SSE stream is 429 rate_limited with Retry-After.
       */
      @WithDefault("32")
      int connectionsPerToken();
    }

    interface Rest {
      /** Writes (POST, DELETE) per second of one customer token; more are 429 rate_limited with Retry-After. */
      @WithDefault("5")
      double customerWritesPerSecond();

      @WithDefault("20")
      int customerWriteBurst();

      /** Writes per second of one staff token (agent, supervisor, integration). */
      @WithDefault("200")
      double staffWritesPerSecond();

      @WithDefault("400")
      int staffWriteBurst();
    }

    /** Most ops one request may carry (at most 500). */
    @WithDefault("100")
    int opsPerRequest();

    /** Most top-level profile fields. */
    @WithDefault("200")
    int profileKeys();

    /** How deeply a profile value may nest objects and arrays. */
    @WithDefault("8")
    int profileDepth();

    /** Longest string in a profile value, member names included (in characters, as scalar values are bounded). */
    @WithDefault("4000")
    int profileText();

    @WithDefault("200")
    int preferences();

    @WithDefault("500")
    int notes();

    @WithDefault("200")
    int appointments();

    @WithDefault("200")
    int reservations();

    @WithDefault("200")
    int cases();

    @WithDefault("1000")
    int engagements();

    @WithDefault("200")
    int handoffs();

    @WithDefault("50")
    int identities();

    @WithDefault("200")
    int offers();

    /** Largest context document (its JSON, UTF-8). */
    @WithDefault("1048576")
    int documentBytes();

    /** Largest single change (its JSON, UTF-8, attention included). */
    @WithDefault("262144")
    int changeBytes();

    /**
     * Largest sum of the changes of one request (what its answer, the Redis log, the push and the journal
     * carry); each change that alters attention carries the whole list, so many ops on a busy context add up.
     */
    @WithDefault("1048576")
    int commitBytes();

    /**
     * A history page (GET .../changes) stops before the change that would take its changes' JSON past this many
     * bytes (the first change always comes) and names next; limit still caps the count.
     */
    @WithDefault("1048576")
    int historyPageBytes();

    /** Times of ops (at, until, dueBy, validUntil) must lie within this many years of now (and within 1970..9999). */
    @WithDefault("100")
    int yearsAround();

    /** The same limits as the pure rules take them. */
    default io.omnicontext.domain.Limits rules() {
      return new io.omnicontext.domain.Limits(opsPerRequest(), profileKeys(), profileDepth(), profileText(), preferences(), notes(), appointments(),
          reservations(), cases(), engagements(), handoffs(), identities(), offers(), yearsAround());
    }
  }

  /** When a write is acknowledged: after PostgreSQL has it too, or after the Redis commit. */
  enum Durability { JOURNAL, REDIS }

  interface Journal {
    /**
     * journal (default): acknowledged once the changes are in PostgreSQL too; redis: acknowledged after
     * the Redis commit, journaled asynchronously (faster; a Redis host crash may lose about a second).
     */
    @WithDefault("journal")
    String durability();

    default Durability mode() {
      try {
        return Durability.valueOf(durability().trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("omnicontext.journal.durability must be journal or redis, not \"" + durability() + "\"");
      }
    }

    /** Longest a `journal`-mode write waits for PostgreSQL before it answers `unavailable`. */
    @WithDefault("3s")
    Duration timeout();

    /** A context snapshot is journaled every this many versions (rehydration replays the rest). */
    @WithDefault("50")
    int snapshotEvery();

    /**
     * How often each node wakes to move the outbox entries of its buckets to PostgreSQL (it drains them batch by
     * batch); the scheduler wakes at most once a second, so less than 1s is not supported.
     */
    @WithDefault("1s")
    Duration relayInterval();

    /** Most outbox entries one relay step moves. */
    @WithDefault("100")
    int relayBatch();

    /**
     * In `journal` durability readiness is DOWN while more commits than this wait in the outbox. The lag is
     * shared by every replica, so they turn DOWN together: size it to what the relays catch up in about a minute.
     */
    @WithDefault("50000")
    long maxReadyLag();
  }

  Drain drain();

  interface Drain {
    /**
     * Draining (SIGTERM): readiness is DOWN at once, and the node's WebSockets are closed with 1013 spread
     * over this window, so their clients do not all come back in the same second.
     */
    @WithDefault("20s")
    Duration window();
  }

  Buckets buckets();

  /** Background work shared out by bucket (docs/buckets.md). */
  interface Buckets {
    /**
     * A node's lease on a bucket, renewed every second, and how long a silent node still counts as alive: a node that
     * dies has its buckets (outbox, due schedule, engagement leases) taken over within this plus a second. At least 2s.
     */
    @WithDefault("3s")
    Duration lease();
  }

  Sweep sweep();

  Push push();

  /** Each connection's outbound queue: a client that stops reading is closed (1013, resume later) before it passes these. */
  interface Push {
    /** Frames written to a connection and not yet on the wire. */
    @WithDefault("4096")
    int maxQueuedFrames();

    /** Bytes (characters) of frames written to a connection and not yet on the wire. */
    @WithDefault("4194304")
    long maxQueuedBytes();

    /** Subscriptions a node opens at once (each reads Redis); more wait their turn (OpenGate). */
    @WithDefault("64")
    int opensInFlight();

    /** Opens that may wait for their turn; one more is refused `unavailable` (retry). */
    @WithDefault("50000")
    int opensQueued();

    /**
     * WebSocket and SSE connections one node holds at once; one more is refused as a draining node refuses it
     * (WebSocket 1013, SSE 503 unavailable), so the client goes to another node instead of the pod outgrowing its
     * memory (docs/operations.md, "Sizes": 30,000 sockets per pod of 1792Mi).
     */
    @WithDefault("30000")
    int maxConnections();
  }

  interface Redis {
    /** Changes (and team frames) kept in Redis per customer (per team) for resume and history. */
    @WithDefault("1000")
    int logWindow();

    /** Idempotency-Key records are kept this long. */
    @WithDefault("24h")
    Duration idempotencyTtl();

    /** A request holding an Idempotency-Key gives it up after this long if it never answered (node died). */
    @WithDefault("30s")
    Duration idempotencyLease();

    /** Longest a hold on customers (a merge) lasts if its node dies before letting go. */
    @WithDefault("30s")
    Duration lockLease();

    /** Longest a merge waits for another one holding the same customers before it answers `unavailable`. */
    @WithDefault("10s")
    Duration lockWait();

    /** Reconnect delay of the pub/sub connection after it dropped. */
    @WithDefault("250ms")
    Duration feedReconnect();

    /**
     * Sharded pub/sub (SSUBSCRIBE/SPUBLISH) for the change feed; unset: on when quarkus.redis.client-type=cluster.
     * Redis 7 has it in standalone mode too.
     */
    Optional<Boolean> shardedPubsub();

    /** How long a subscribe waits for the pub/sub connection while it (re)connects before it answers `unavailable`. */
    @WithDefault("5s")
    Duration feedWait();
  }

  interface Sweep {
    /** How often each node looks for due time-driven changes (expiry, overdue) in its buckets; at least 1s (the scheduler's tick). */
    @WithDefault("1s")
    Duration interval();

    /** Most customers handled per sweep. */
    @WithDefault("100")
    int batch();
  }
}
