package io.omnicontext.api.ws;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Closes a WebSocket whose frame or message is over the limit with 1009, as the contract says.
 * Vert.x closes the TCP connection at once when Netty's decoder meets a frame over
 * quarkus.websockets-next.server.max-frame-size, with the rest of the frame still unread: the peer
 * gets a reset, not the close frame (1006), and a message over max-message-size is dropped without
 * a word. Neither has a hook in WebSockets Next or the Vert.x API, so this handler sits in the
 * connection's Netty pipeline (reached through Vert.x 4's ConnectionBase): it sends close 1009,
 * reads and discards whatever still comes, and ends the connection once the peer closed or after
 * {@link #LINGER_SECONDS}.
 */
@ApplicationScoped
public class FrameLimit {
  static final String NAME = "omnicontext-frame-limit";
  static final int LINGER_SECONDS = 2;
  private final int maxMessageBytes;

  public FrameLimit(@ConfigProperty(name = "quarkus.websockets-next.server.max-message-size", defaultValue = "65536") int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  void install(@Observes Router router) {
    router.route("/v1/stream").order(-200).handler(ctx -> {
      if ("websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade")) && ctx.request().connection() instanceof ConnectionBase c) {
        ChannelPipeline pipeline = c.channel().pipeline();
        if (pipeline.get("handler") != null && pipeline.get(NAME) == null) pipeline.addBefore("handler", NAME, new Guard(maxMessageBytes));
      }
      ctx.next();
    });
  }

  /** One connection's guard: counts each message's bytes, closes with 1009 past the limit. */
  static final class Guard extends ChannelInboundHandlerAdapter {
    private final int maxMessageBytes;
    private long messageBytes;
    private boolean closing;

    Guard(int maxMessageBytes) { this.maxMessageBytes = maxMessageBytes; }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (closing) { // our close is on its way: drain until the peer closes
        ReferenceCountUtil.release(msg);
        if (msg instanceof CloseWebSocketFrame) ctx.close();
        return;
      }
      if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
        WebSocketFrame frame = (WebSocketFrame) msg;
        messageBytes = (msg instanceof ContinuationWebSocketFrame ? messageBytes : 0) + frame.content().readableBytes();
        if (messageBytes > maxMessageBytes) {
          ReferenceCountUtil.release(msg);
          tooLarge(ctx);
          return;
        }
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof CorruptedWebSocketFrameException c && c.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()) {
        tooLarge(ctx); // the decoder now discards the rest of the connection's bytes
        return;
      }
      ctx.fireExceptionCaught(cause);
    }

    private void tooLarge(ChannelHandlerContext ctx) {
      if (closing) return;
      closing = true;
      ctx.writeAndFlush(new CloseWebSocketFrame(CloseCode.TOO_LARGE.code(), CloseCode.TOO_LARGE.text()));
      ctx.executor().schedule(() -> { ctx.close(); }, LINGER_SECONDS, TimeUnit.SECONDS);
    }
  }
}
