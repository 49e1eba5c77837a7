package dev.tide.server.dispatch;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-command counters for INFO commandstats and the metrics endpoint: calls, time spent,
 * calls rejected before running (arity, auth, OOM ...) and calls that failed while running.
 */
public final class CommandStats {

  /** Counters of one command. */
  public static final class Counters {
    public final LongAdder calls = new LongAdder();
    public final LongAdder micros = new LongAdder();
    public final LongAdder rejected = new LongAdder();
    public final LongAdder failed = new LongAdder();
  }

  private final Map<String, Counters> byCommand = new ConcurrentHashMap<>();
  /** Errors by their code ("ERR", "WRONGTYPE", ...), as INFO errorstats. */
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

  public Counters of(String command) {
    return byCommand.computeIfAbsent(command, c -> new Counters());
  }

  public void error(String message) {
    int space = message.indexOf(' ');
    String code = space > 0 ? message.substring(0, space) : message;
    errors.computeIfAbsent(code, c -> new LongAdder()).increment();
  }

  public Map<String, Counters> snapshot() {
    return new TreeMap<>(byCommand);
  }

  public Map<String, Long> errorCounts() {
    Map<String, Long> out = new TreeMap<>();
    errors.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  public void reset() {
    byCommand.clear();
    errors.clear();
  }
}
