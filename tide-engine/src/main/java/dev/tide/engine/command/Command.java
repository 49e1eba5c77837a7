package dev.tide.engine.command;

/** A command's implementation. Errors are thrown as {@link CommandException}. */
@FunctionalInterface
public interface Command {
  void execute(CommandContext ctx);
}
