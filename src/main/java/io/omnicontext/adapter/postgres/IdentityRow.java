package io.omnicontext.adapter.postgres;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;

/** A linked identity (email, phone, loyalty, device) and its customer. */
@Entity
@Table(name = "identity_link")
@IdClass(IdentityRow.Key.class)
public class IdentityRow {
  @Id public String tenant;
  @Id public String kind;
  @Id public String value;
  @Column(name = "customer_id") public String customerId;

  public static class Key implements Serializable {
    public String tenant;
    public String kind;
    public String value;

    @Override public boolean equals(Object o) {
      return o instanceof Key k && k.tenant.equals(tenant) && k.kind.equals(kind) && k.value.equals(value);
    }

    @Override public int hashCode() { return java.util.Objects.hash(tenant, kind, value); }
  }
}
