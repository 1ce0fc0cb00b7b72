-- The history of every customer: one row per committed change, keyed by (tenant, customer, version).
CREATE TABLE change_journal (
  tenant       TEXT        NOT NULL,
  customer_id  TEXT        NOT NULL,
  version      BIGINT      NOT NULL,
  op           TEXT        NOT NULL,
  change_json  TEXT        NOT NULL,
  committed_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (tenant, customer_id, version)
);

-- The latest periodic snapshot of each context: rehydration starts here and replays later journal rows.
CREATE TABLE context_snapshot (
  tenant       TEXT        NOT NULL,
  customer_id  TEXT        NOT NULL,
  version      BIGINT      NOT NULL,
  context_json TEXT        NOT NULL,
  taken_at     TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (tenant, customer_id)
);

-- Linked identities, so resolution survives a Redis that lost its keys.
CREATE TABLE identity_link (
  tenant      TEXT NOT NULL,
  kind        TEXT NOT NULL,
  value       TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  PRIMARY KEY (tenant, kind, value)
);
CREATE INDEX identity_link_customer ON identity_link (tenant, customer_id);

-- Erasures (GDPR art. 17): no personal data, only a salted hash of the subject, when, and how much was removed.
CREATE TABLE erasure_audit (
  id           BIGSERIAL   PRIMARY KEY,
  tenant       TEXT        NOT NULL,
  subject_hash TEXT        NOT NULL,
  versions     BIGINT      NOT NULL,
  erased_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX erasure_audit_subject ON erasure_audit (tenant, subject_hash);
