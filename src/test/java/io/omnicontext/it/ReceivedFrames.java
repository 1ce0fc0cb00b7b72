package io.omnicontext.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every frame a test's WebSocket client ({@link Client.Stream}) receives, one JSON line each in
 * target/frames-received.jsonl, for {@link FramesCheck} to hold against the AsyncAPI document once the ITs ran.
 * Appended by all streams of the IT JVM (synchronized), bounded: at most {@link #PER_TYPE} frames of each type, so
 * a storm of changes does not fill the disk while every kind of frame still gets there.
 */
final class ReceivedFrames {
  static final Path FILE = Path.of("target", "frames-received.jsonl");
  static final int PER_TYPE = 2000;

  private static final Map<String, Integer> counts = new HashMap<>();
  private static Writer out;

  private ReceivedFrames() {}

  static synchronized void record(JsonNode frame) {
    String type = frame.path("type").asText("<none>");
    int n = counts.merge(type, 1, Integer::sum);
    if (n > PER_TYPE) return;
    try {
      if (out == null) {
        Files.createDirectories(FILE.getParent());
        out = Files.newBufferedWriter(FILE, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
      out.write(Client.JSON.writeValueAsString(frame));
      out.write('\n');
      out.flush(); // whole lines only, whenever the JVM ends
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record a frame in " + FILE, e);
    }
  }

  /** The frames recorded so far (by every IT JVM of this build); empty when none ran. */
  static List<JsonNode> read() throws IOException {
    List<JsonNode> frames = new ArrayList<>();
    if (!Files.exists(FILE)) return frames;
    for (String line : Files.readAllLines(FILE, StandardCharsets.UTF_8)) if (!line.isBlank()) frames.add(Client.JSON.readTree(line));
    return frames;
  }
}
