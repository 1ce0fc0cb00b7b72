package io.omnicontext.adapter.postgres;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** The audit record of one erasure: no personal data, only a hash of the subject. */
@Entity
@Table(name = "erasure_audit")
public class ErasureRow {
  @Id @GeneratedValue(strategy = GenerationType.IDENTITY) public Long id;
  public String tenant;
  @Column(name = "subject_hash") public String subjectHash;
  public long versions;
  @Column(name = "erased_at") public OffsetDateTime erasedAt;
}
