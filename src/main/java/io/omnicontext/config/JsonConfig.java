package io.omnicontext.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnicontext.domain.Actor;
import io.omnicontext.domain.Change;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Wire details the framework-free domain records cannot say themselves: a change carries
 * `attention` only when it altered it, and an actor a customer sees has no `sub`.
 */
@Singleton
public class JsonConfig implements ObjectMapperCustomizer {

  @Override
  public void customize(ObjectMapper mapper) {
    mapper.addMixIn(Change.class, OmitNulls.class);
    mapper.addMixIn(Actor.class, OmitNulls.class);
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  interface OmitNulls {}
}
