package dev.tide.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tide} command. Subcommands: {@code server} (one node in the foreground), {@code up}
 * (a local cluster with everything on), {@code status} (a cluster's nodes and partitions). Bad arguments exit with code 2 and one line naming
 * the option.
 */
@Command(name = "tide", mixinStandardHelpOptions = true, version = "tide 0.1.0",
    description = "Tide: a self-scaling, Raft-replicated store that speaks the Redis protocol.",
    footer = {"", "The ./tide launcher also runs: test, bench (the lab), sim (the autoscaler simulator), "
        + "autoscale run|log (the live autoscaler and its decision log)."},
    subcommands = {ServerCommand.class, UpCommand.class, StatusCommand.class, CommandLine.HelpCommand.class})
public final class TideCli implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new TideCli());
    cli.setParameterExceptionHandler((ex, args) -> {
      CommandLine cmd = ex.getCommandLine();
      cmd.getErr().println("tide: " + ex.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
      return 2;
    });
    cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
      if (ex instanceof CliException || ex instanceof dev.tide.server.config.ConfigException) {
        cmd.getErr().println("tide: " + ex.getMessage());
        return 2;
      }
      throw ex;
    });
    return cli;
  }

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    if (code != 0 || args.length == 0 || !isLongRunning(args[0])) {
      System.exit(code);
    }
  }

  private static boolean isLongRunning(String command) {
    return command.equals("server") || command.equals("up");
  }
}
