package dev.tide.cli.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A message repeated within the window passes {@code allowed} times, is announced once, then
 * dropped; other patterns and other loggers keep their own budget; a new window lets it through again.
 */
class RepeatLimitFilterTest {

  @Test
  void repeatsBeyondTheLimitAreDroppedPerPatternAndWindow() {
    LoggerContext ctx = new LoggerContext();
    AtomicLong now = new AtomicLong(1_000);
    RepeatLimitFilter f = new RepeatLimitFilter();
    f.setAllowed(3);
    f.setWindowMs(60_000);
    f.setClock(now::get);
    f.start();
    ctx.addTurboFilter(f);
    ListAppender<ILoggingEvent> list = new ListAppender<>();
    list.setContext(ctx);
    list.start();
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(list);
    Logger noisy = ctx.getLogger("com.alipay.remoting.Connection");
    Logger ours = ctx.getLogger("dev.tide.cluster.ClusterNode");

    for (int i = 0; i < 10; i++) {
      noisy.error("Create connection to {} error!", "127.0.0.1:" + (17000 + i));
      ours.info("partition {}: leader", i);
    }
    noisy.info("Node {} term {} start preVote.", "p1", 2); // another pattern: its own budget

    assertThat(list.list).filteredOn(e -> e.getMessage().equals("Create connection to {} error!")).hasSize(3);
    assertThat(list.list).filteredOn(e -> e.getFormattedMessage().contains("further \"Create connection to {} error!\""))
        .hasSize(1);
    assertThat(list.list).filteredOn(e -> e.getLoggerName().startsWith("dev.tide")).hasSize(10);
    assertThat(list.list).filteredOn(e -> e.getMessage().startsWith("Node {}")).hasSize(1);

    now.addAndGet(60_000);
    noisy.error("Create connection to {} error!", "127.0.0.1:17000");
    assertThat(list.list).filteredOn(e -> e.getMessage().equals("Create connection to {} error!")).hasSize(4);
  }
}
