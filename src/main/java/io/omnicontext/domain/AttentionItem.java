package io.omnicontext.domain;

import java.time.Instant;

/** One actionable cue every channel shows: {kind, ref, since, severity}, plus where it applies. */
public record AttentionItem(String kind, String ref, Instant since, String severity, String detail) {
  boolean sameCue(AttentionItem o) { return kind.equals(o.kind) && ref.equals(o.ref); }
}
