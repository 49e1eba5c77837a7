package dev.tide.server.dispatch;

import dev.tide.engine.command.CommandSpec;

/**
 * Told about every command that ran (not those rejected before running), on the thread that ran
 * it, right after its locks were released. The metrics endpoint records per-command latency
 * through this. Implementations are on the hot path: they must be quick, must not block, and
 * should not allocate.
 */
@FunctionalInterface
public interface CommandListener {

  /**
   * @param spec the command
   * @param durationNanos time from before its locks were taken until after they were released
   * @param failed whether it replied with an error
   */
  void commandCompleted(CommandSpec spec, long durationNanos, boolean failed);

  CommandListener NONE = (spec, durationNanos, failed) -> { };
}
