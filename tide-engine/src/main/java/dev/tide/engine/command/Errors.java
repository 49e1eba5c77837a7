package dev.tide.engine.command;

/** Redis 7's error texts, where clients and tests match them exactly. */
public final class Errors {

  private Errors() {
  }

  public static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
  public static final String SYNTAX = "ERR syntax error";
  public static final String NOT_INTEGER = "ERR value is not an integer or out of range";
  public static final String NOT_FLOAT = "ERR value is not a valid float";
  public static final String NO_SUCH_KEY = "ERR no such key";
  public static final String OVERFLOW = "ERR increment or decrement would overflow";
  public static final String OUT_OF_RANGE = "ERR index out of range";
  public static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";
  public static final String NOAUTH = "NOAUTH Authentication required.";
  public static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
  public static final String TIMEOUT_NOT_FLOAT = "ERR timeout is not a float or out of range";
  public static final String TIMEOUT_NEGATIVE = "ERR timeout is negative";

  public static CommandException wrongType() {
    return new CommandException(WRONGTYPE);
  }

  public static CommandException syntax() {
    return new CommandException(SYNTAX);
  }

  public static CommandException notInteger() {
    return new CommandException(NOT_INTEGER);
  }

  public static CommandException notFloat() {
    return new CommandException(NOT_FLOAT);
  }

  public static String wrongArity(String command) {
    return "ERR wrong number of arguments for '" + command + "' command";
  }

  /** Redis 7's reply to a container command with an unknown subcommand; the subcommand is cut to 128 characters. */
  public static String unknownSubcommand(String subcommand, String container) {
    String shown = subcommand.length() > 128 ? subcommand.substring(0, 128) : subcommand;
    return "ERR unknown subcommand '" + shown + "'. Try " + container.toUpperCase(java.util.Locale.ROOT) + " HELP.";
  }

  public static String unknownCommand(String name, String argsPreview) {
    return "ERR unknown command '" + name + "', with args beginning with: " + argsPreview;
  }
}
