package dev.tide.server.dispatch;

/**
 * Keeps used memory under {@code maxmemory} before commands that may grow it run (Redis's
 * {@code performEvictions}). The eviction package implements it.
 */
public interface MemoryGuard {

  /**
   * Evicts keys as the policy allows until used memory is under the limit.
   *
   * @return false when memory is still over the limit (the command must be refused with OOM)
   */
  boolean makeRoom();

  MemoryGuard NONE = () -> true;
}
