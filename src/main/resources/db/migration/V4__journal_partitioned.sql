-- The journal grows past one primary (docs/journal-scaling.md): change_journal hash-partitioned by tenant and
-- customer with PostgreSQL's declarative partitioning, 16 partitions. Every statement of the server already names
-- (tenant, customer_id), so each one touches one partition; the primary key includes the partition key, as
-- PostgreSQL requires; Citus can distribute the same table on the same key later (create_distributed_table).
-- The rows already journaled are carried over in this migration's transaction.
ALTER TABLE change_journal RENAME TO change_journal_unpartitioned;
ALTER TABLE change_journal_unpartitioned RENAME CONSTRAINT change_journal_pkey TO change_journal_unpartitioned_pkey;

CREATE TABLE change_journal (
  tenant       TEXT        NOT NULL,
  customer_id  TEXT        NOT NULL,
  version      BIGINT      NOT NULL,
  op           TEXT        NOT NULL,
  change_json  TEXT        NOT NULL,
  committed_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (tenant, customer_id, version)
) PARTITION BY HASH (tenant, customer_id);
CREATE TABLE change_journal_p00 PARTITION OF change_journal FOR VALUES WITH (MODULUS 16, REMAINDER 0);
CREATE TABLE change_journal_p01 PARTITION OF change_journal FOR VALUES WITH (MODULUS 16, REMAINDER 1);
CREATE TABLE change_journal_p02 PARTITION OF change_journal FOR VALUES WITH (MODULUS 16, REMAINDER 2);
CREATE TABLE change_journal_p03 PARTITION OF change_journal FOR VALUES WITH (MODULUS 16, REMAINDER 3);
CREATE TABLE change_journal_p04 PARTITION OF change_journal FOR VALUES WITH (MODULUS 16, REMAINDER 4);
CREATE TABLE change_journal_p05 PARTITION OF change_journal FOR VALUES WITH (MODULUS 16, REMAINDER 5);
CREATE TABLE change_journal_p06 PARTITION OF change_journal FOR VALUES WITH (MODULUS 16, REMAINDER 6);
CREATE TABLE change_journal_p07 PARTITION OF change_journal FOR VALUES WITH (MODULUS 16, REMAINDER 7);
CREATE TABLE change_journal_p08 PARTITION OF change_journal FOR VALUES WITH (MODULUS 16, REMAINDER 8);
CREATE TABLE change_journal_p09 PARTITION OF change_journal FOR VALUES WITH (MODULUS 16, REMAINDER 9);
CREATE TABLE change_journal_p10 PARTITION OF change_journal FOR VALUES WITH (MODULUS 16, REMAINDER 10);
CREATE TABLE change_journal_p11 PARTITION OF change_journal FOR VALUES WITH (MODULUS 16, REMAINDER 11);
CREATE TABLE change_journal_p12 PARTITION OF change_journal FOR VALUES WITH (MODULUS 16, REMAINDER 12);
CREATE TABLE change_journal_p13 PARTITION OF change_journal FOR VALUES WITH (MODULUS 16, REMAINDER 13);
CREATE TABLE change_journal_p14 PARTITION OF change_journal FOR VALUES WITH (MODULUS 16, REMAINDER 14);
CREATE TABLE change_journal_p15 PARTITION OF change_journal FOR VALUES WITH (MODULUS 16, REMAINDER 15);

INSERT INTO change_journal (tenant, customer_id, version, op, change_json, committed_at)
  SELECT tenant, customer_id, version, op, change_json, committed_at FROM change_journal_unpartitioned;
DROP TABLE change_journal_unpartitioned;
