package dev.tide.server.config;

/** A setting has a bad value; the message names the setting and says what is accepted. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
