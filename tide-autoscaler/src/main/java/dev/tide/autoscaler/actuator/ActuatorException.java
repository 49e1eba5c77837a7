package dev.tide.autoscaler.actuator;

/** An actuator refused or failed a request; the message says why in words. */
public final class ActuatorException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ActuatorException(String message) {
    super(message);
  }

  public ActuatorException(String message, Throwable cause) {
    super(message, cause);
  }
}
