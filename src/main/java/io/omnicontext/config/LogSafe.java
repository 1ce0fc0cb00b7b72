package io.omnicontext.config;

import java.net.URI;

/**
 * What may go into a log line about a failure or an address: no personal data, no credentials. A
 * parser's or database's message may quote the input it choked on, so failures are named by type.
 */
public final class LogSafe {
  private LogSafe() {}

  /** The failure's type and its cause's, never their messages. */
  public static String failure(Throwable t) {
    if (t == null) return "null";
    Throwable cause = t.getCause();
    return cause == null || cause == t ? t.getClass().getName() : t.getClass().getName() + " caused by " + cause.getClass().getName();
  }

  /** How many frames of each throwable {@link #stack} writes: where it failed, not the whole framework below. */
  private static final int FRAMES = 24;

  /**
   * A stack trace without a single message: each throwable of the cause chain by type, with its frames (as many as
   * {@link #FRAMES}). For the unexpected failures that need a stack to be fixed, whose messages may still quote data.
   */
  public static String stack(Throwable t) {
    StringBuilder out = new StringBuilder();
    java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
      out.append(c == t ? "" : "\nCaused by: ").append(c.getClass().getName());
      StackTraceElement[] frames = c.getStackTrace();
      for (int i = 0; i < Math.min(frames.length, FRAMES); i++) out.append("\n\tat ").append(frames[i]);
      if (frames.length > FRAMES) out.append("\n\t... ").append(frames.length - FRAMES).append(" more");
    }
    return out.toString();
  }

  /** A connection string without its user and password ("redis://:secret@host:6379/0" becomes "redis://host:6379/0"). */
  public static String address(String connectionString) {
    StringBuilder out = new StringBuilder();
    for (String one : connectionString.split(",")) {
      if (out.length() > 0) out.append(',');
      try {
        URI u = URI.create(one.trim());
        out.append(u.getUserInfo() == null ? u.toString() : new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null).toString());
      } catch (Exception notAUri) {
        out.append("<unparsable address>");
      }
    }
    return out.toString();
  }
}
