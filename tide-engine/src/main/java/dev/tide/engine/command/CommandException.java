package dev.tide.engine.command;

/**
 * A command failed in a way the client should hear about: the message is the full Redis error
 * text ({@code "ERR ..."}, {@code "WRONGTYPE ..."}). Thrown from command code and turned into an
 * error reply by the executor; carries no stack trace because it is part of normal operation.
 */
public class CommandException extends RuntimeException {

  public CommandException(String message) {
    super(message, null, false, false);
  }
}
