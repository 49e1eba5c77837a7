package dev.tide.autoscaler.config;

/** A bad configuration: the message names the file, line and field. */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }
}
