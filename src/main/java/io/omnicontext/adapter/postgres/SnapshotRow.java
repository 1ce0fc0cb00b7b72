package io.omnicontext.adapter.postgres;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.OffsetDateTime;

/** The latest periodic snapshot of one context. */
@Entity
@Table(name = "context_snapshot")
@IdClass(SnapshotRow.Key.class)
public class SnapshotRow {
  @Id public String tenant;
  @Id @Column(name = "customer_id") public String customerId;
  public long version;
  @Column(name = "context_json") public String contextJson;
  @Column(name = "taken_at") public OffsetDateTime takenAt;

  public static class Key implements Serializable {
    public String tenant;
    public String customerId;

    @Override public boolean equals(Object o) { return o instanceof Key k && k.tenant.equals(tenant) && k.customerId.equals(customerId); }

    @Override public int hashCode() { return java.util.Objects.hash(tenant, customerId); }
  }
}
