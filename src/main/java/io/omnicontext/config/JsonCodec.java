package io.omnicontext.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;

/**
 * JSON in and out with Quarkus' ObjectMapper (and the wire details of {@link JsonConfig}), for what the
 * service stores and pushes itself. What it wrote it can read: a failure here is a bug, not bad input.
 */
@ApplicationScoped
public class JsonCodec {
  private final ObjectMapper json;

  public JsonCodec(ObjectMapper json) { this.json = json; }

  public String write(Object o) {
    try {
      return json.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public <T> T read(String s, Class<T> type) {
    try {
      return json.readValue(s, type);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public <T> T read(String s, TypeReference<T> type) {
    try {
      return json.readValue(s, type);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public ObjectMapper mapper() { return json; }
}
