package dev.tide.server.protocol;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A separate process that holds many idle connections to a server, so that the test process needs
 * file descriptors only for the server's side. Driven over stdin/stdout, one batch at a time:
 *
 * <pre>
 *   args: port count batchSize
 *   out:  OPENED n        (after each batch; waits for "NEXT" on stdin before the next one)
 *   out:  READY n         (all open; waits for "CLOSE")
 *   out:  CLOSED          (all closed; exits)
 * </pre>
 *
 * It closes everything and exits if stdin ends (the test died) or after {@link #MAX_LIFETIME_MS}.
 */
public final class IdleConnectionHolder {

  /** The holder never outlives a broken test by more than this. */
  static final long MAX_LIFETIME_MS = TimeUnit.MINUTES.toMillis(5);
  /** A connect that takes longer than this fails the batch. */
  private static final long CONNECT_TIMEOUT_MS = 30_000;

  private IdleConnectionHolder() {
  }

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(args[0]);
    int count = Integer.parseInt(args[1]);
    int batchSize = Integer.parseInt(args[2]);
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(MAX_LIFETIME_MS);
      } catch (InterruptedException e) {
        return;
      }
      System.exit(2);
    });
    watchdog.setDaemon(true);
    watchdog.start();

    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    List<SocketChannel> open = new ArrayList<>(count);
    InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
    try (Selector selector = Selector.open()) {
      while (open.size() < count) {
        int batch = Math.min(batchSize, count - open.size());
        for (int i = 0; i < batch; i++) {
          SocketChannel ch = SocketChannel.open();
          ch.configureBlocking(false);
          if (ch.connect(server)) {
            open.add(ch);
          } else {
            ch.register(selector, SelectionKey.OP_CONNECT);
          }
        }
        long deadline = System.currentTimeMillis() + CONNECT_TIMEOUT_MS;
        while (!selector.keys().isEmpty()) {
          if (System.currentTimeMillis() > deadline) {
            throw new IOException("connects did not complete within " + CONNECT_TIMEOUT_MS + " ms");
          }
          selector.select(1000);
          for (SelectionKey key : selector.selectedKeys()) {
            SocketChannel ch = (SocketChannel) key.channel();
            if (ch.finishConnect()) {
              key.cancel();
              open.add(ch);
            }
          }
          selector.selectedKeys().clear();
          selector.selectNow(); // flush cancelled keys
        }
        System.out.println("OPENED " + open.size());
        System.out.flush();
        if (open.size() < count && !"NEXT".equals(in.readLine())) {
          break;
        }
      }
      if (open.size() == count) {
        System.out.println("READY " + open.size());
        System.out.flush();
        in.readLine(); // "CLOSE", or end of input
      }
    } finally {
      for (SocketChannel ch : open) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
      System.out.println("CLOSED");
      System.out.flush();
    }
  }
}
