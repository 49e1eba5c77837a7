package dev.tide.server.dispatch;

import dev.tide.engine.command.CommandSpec;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
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

  /** Specs with ids below this get their counters from an array instead of the map (hot path). */
  private static final int FAST_SLOTS = 4096;
  private volatile AtomicReferenceArray<Counters> bySpecId = new AtomicReferenceArray<>(FAST_SLOTS);

  public Counters of(String command) {
    return byCommand.computeIfAbsent(command, c -> new Counters());
  }

  /** The counters of a command, found by the spec's dense id without hashing its name. */
  public Counters of(CommandSpec spec) {
    int id = spec.id();
    AtomicReferenceArray<Counters> slots = bySpecId;
    if (id >= FAST_SLOTS) {
      return of(spec.name());
    }
    Counters c = slots.get(id);
    if (c == null) {
      c = of(spec.name());
      slots.set(id, c);
    }
    return c;
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
    bySpecId = new AtomicReferenceArray<>(FAST_SLOTS);
    byCommand.clear();
    errors.clear();
  }
}
