-- Outbox entries PostgreSQL refused (a value it cannot hold, a broken constraint): set aside here by the
-- journal relay, so the entries after them flow on. entry_json is the entry as JSON (strings escaped, so
-- it always fits); an operator fixes and replays it, or erases it with the customer.
CREATE TABLE journal_dead_letter (
  id            BIGSERIAL   PRIMARY KEY,
  tenant        TEXT        NOT NULL,
  customer_id   TEXT        NOT NULL,
  first_version BIGINT      NOT NULL,
  last_version  BIGINT      NOT NULL,
  entry_json    TEXT        NOT NULL,
  reason        TEXT        NOT NULL,
  set_aside_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX journal_dead_letter_customer ON journal_dead_letter (tenant, customer_id);
