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
