package dev.tide.engine.command;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandSpecSubcommandsTest {

  private final List<String> ran = new ArrayList<>();

  private CommandSpec container(Command own) {
    CommandSpec.Builder b = CommandSpec.builder("box", -2, "").subcommands(
        CommandSpec.builder("open", 2, "fast").impl(ctx -> ran.add("open")),
        CommandSpec.builder("put", -3, "").impl(ctx -> ran.add("put " + ctx.argString(2))));
    if (own != null) {
      b.impl(own);
    }
    return b.build();
  }

  private static byte[][] argv(String... args) {
    byte[][] out = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      out[i] = args[i].getBytes(StandardCharsets.UTF_8);
    }
    return out;
  }

  private void run(CommandSpec spec, String... args) {
    byte[][] a = argv(args);
    spec.impl().execute(new CommandContext().reset(spec, a, null, 0, null, null, false));
  }

  @Test
  void subcommandsAreNamedContainerBarSubAndFoundInAnyCase() {
    CommandSpec box = container(null);
    assertThat(box.hasSubcommands()).isTrue();
    assertThat(box.subcommands()).extracting(CommandSpec::name).containsExactly("box|open", "box|put");
    assertThat(box.subcommand("OPEN".getBytes(StandardCharsets.UTF_8)).name()).isEqualTo("box|open");
    assertThat(box.subcommand("nope".getBytes(StandardCharsets.UTF_8))).isNull();
    assertThat(box.resolve(argv("box", "Put", "x")).name()).isEqualTo("box|put");
    assertThat(box.resolve(argv("box")).name()).isEqualTo("box");
    assertThat(box.subcommand("open".getBytes(StandardCharsets.UTF_8)).has(CommandFlag.FAST)).isTrue();
  }

  @Test
  void containerDispatchesAndChecksTheSubcommandsArity() {
    CommandSpec box = container(null);
    run(box, "box", "open");
    run(box, "BOX", "PUT", "thing");
    assertThat(ran).containsExactly("open", "put thing");
    assertThatThrownBy(() -> run(box, "box", "open", "extra")).isInstanceOf(CommandException.class)
        .hasMessage("ERR wrong number of arguments for 'box|open' command");
    assertThatThrownBy(() -> run(box, "box", "nosuch")).isInstanceOf(CommandException.class)
        .hasMessage("ERR unknown subcommand 'nosuch'. Try BOX HELP.");
    assertThatThrownBy(() -> run(box, "box")).isInstanceOf(CommandException.class)
        .hasMessage("ERR wrong number of arguments for 'box' command");
  }

  @Test
  void containerWithItsOwnImplementationRunsItWithoutASubcommand() {
    CommandSpec box = container(ctx -> ran.add("own"));
    run(box, "box");
    run(box, "box", "open");
    assertThat(ran).containsExactly("own", "open");
  }

  @Test
  void unknownSubcommandIsCutTo128Characters() {
    String longName = "x".repeat(300);
    assertThat(Errors.unknownSubcommand(longName, "client"))
        .isEqualTo("ERR unknown subcommand '" + "x".repeat(128) + "'. Try CLIENT HELP.");
  }

  @Test
  void subcommandRegisteredTwiceIsRefused() {
    assertThatThrownBy(() -> CommandSpec.builder("box", -2, "").subcommands(
        CommandSpec.builder("a", 2, "").impl(ctx -> { }),
        CommandSpec.builder("a", 2, "").impl(ctx -> { })).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("box|a");
  }
}
