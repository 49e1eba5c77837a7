package dev.tide.engine.command;

/** What a command may know about the connection it runs for. The server implements it. */
public interface Session {

  long clientId();

  /** 2 or 3. */
  int protocol();

  /** True while the connection is queueing or executing a MULTI ... EXEC block. */
  boolean inTransaction();

  /** CLIENT NO-TOUCH: reads do not update LRU/LFU data. */
  default boolean noTouch() {
    return false;
  }
}
