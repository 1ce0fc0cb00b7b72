package io.omnicontext.service.push;

import io.omnicontext.config.OmnicontextConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** This node's open connections (WebSocket and SSE), so that a drain can end each of them and the node stays within its size. */
@ApplicationScoped
public class OpenSessions {
  /** A connection that can be asked to end so its client resumes elsewhere (WebSocket 1013, SSE end of stream). */
  public interface Drainable {
    void drain();
  }

  private final Set<Drainable> open = ConcurrentHashMap.newKeySet();
  private final int max;

  public OpenSessions(OmnicontextConfig config) { this.max = config.push().maxConnections(); }

  public void opened(Drainable s) { open.add(s); }

  public void closed(Drainable s) { open.remove(s); }

  public List<Drainable> snapshot() { return List.copyOf(open); }

  public int count() { return open.size(); }

  /** True when this node holds as many connections as it may: a new one should go to another node. */
  public boolean full() { return open.size() >= max; }
}
