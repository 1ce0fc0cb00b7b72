package io.omnicontext.adapter.postgres;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.OffsetDateTime;

/** One journaled change; the change record itself is kept as its JSON, exactly as it was pushed. */
@Entity
@Table(name = "change_journal")
@IdClass(JournalRow.Key.class)
public class JournalRow {
  @Id public String tenant;
  @Id @Column(name = "customer_id") public String customerId;
  @Id public long version;
  public String op;
  @Column(name = "change_json") public String changeJson;
  @Column(name = "committed_at") public OffsetDateTime committedAt;

  public static class Key implements Serializable {
    public String tenant;
    public String customerId;
    public long version;

    @Override public boolean equals(Object o) {
      return o instanceof Key k && k.tenant.equals(tenant) && k.customerId.equals(customerId) && k.version == version;
    }

    @Override public int hashCode() { return java.util.Objects.hash(tenant, customerId, version); }
  }
}
