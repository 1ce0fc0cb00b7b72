package io.omnicontext.domain;

import java.util.List;

/** The contract's channels, in its order. */
public final class Channels {
  public static final List<String> ALL = List.of("web", "email", "chat", "voice", "store", "mobile", "social", "system");

  private Channels() {}

  public static boolean isChannel(String s) { return ALL.contains(s); }
}
