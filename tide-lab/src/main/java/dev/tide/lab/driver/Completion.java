package dev.tide.lab.driver;

/** The outcome of one operation, reported exactly once by a driver, from any thread. */
@FunctionalInterface
public interface Completion {

  /**
   * @param writtenNs when the final attempt was written (System.nanoTime), for service time
   * @param retries redirects and retries it took (MOVED, ASK, TRYAGAIN, LOADING); 0 for most
   * @param error null on success, else a short reason (the server's error text, "timeout", ...)
   */
  void complete(long writtenNs, int retries, String error);
}
