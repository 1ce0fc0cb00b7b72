package io.omnicontext.bench;

/** A server node under test: where it listens, and its PID for CPU, RSS and heap readings (0 = not measured). */
record Node(String host, int port, long pid) {
  static Node parse(String url, long pid) {
    String hp = url.replaceFirst("^https?://", "").replaceFirst("/.*$", "");
    int colon = hp.lastIndexOf(':');
    return new Node(hp.substring(0, colon), Integer.parseInt(hp.substring(colon + 1)), pid);
  }

  String name() { return host + ":" + port; }
}
