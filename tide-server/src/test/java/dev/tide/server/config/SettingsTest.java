package dev.tide.server.config;

import dev.tide.engine.keyspace.EvictionPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsTest {

  @Test
  void memoryValuesFollowRedisUnits() {
    assertThat(Settings.parseMemory("100")).isEqualTo(100);
    assertThat(Settings.parseMemory("1k")).isEqualTo(1000);
    assertThat(Settings.parseMemory("1KB")).isEqualTo(1024);
    assertThat(Settings.parseMemory("2mb")).isEqualTo(2L * 1024 * 1024);
    assertThat(Settings.parseMemory("3G")).isEqualTo(3_000_000_000L);
    assertThat(Settings.parseMemory("1gb")).isEqualTo(1L << 30);
    for (String bad : List.of("", "abc", "1.5gb", "10 mb", "+5", "-1", "0x10", "1tb", "99999999999gb")) {
      assertThatThrownBy(() -> Settings.parseMemory(bad)).as(bad).isInstanceOf(ConfigException.class)
          .hasMessage("argument must be a memory value");
    }
  }

  @Test
  void integersAreStrictAndRangeChecked() {
    assertThat(Settings.parseInteger("42", 0, 100)).isEqualTo(42);
    for (String bad : List.of("", " 5", "+5", "05", "1.0", "1k")) {
      assertThatThrownBy(() -> Settings.parseInteger(bad, 0, 100)).as(bad)
          .hasMessage("argument couldn't be parsed into an integer");
    }
    assertThatThrownBy(() -> Settings.parseInteger("101", 0, 100))
        .hasMessage("argument must be between 0 and 100 inclusive");
  }

  @Test
  void lookupFindsNamesAndAliasesInAnyCase() {
    assertThat(Settings.lookup("MAXMEMORY").name()).isEqualTo("maxmemory");
    assertThat(Settings.lookup("hash-max-ziplist-entries").name()).isEqualTo("hash-max-listpack-entries");
    assertThat(Settings.lookup("nosuch")).isNull();
    assertThat(Settings.matching("MaxMemory")).singleElement()
        .satisfies(m -> assertThat(m.reportedName()).isEqualTo("MaxMemory"));
    assertThat(Settings.matching("hash-max-*-entries")).extracting(Settings.Match::reportedName)
        .containsExactlyInAnyOrder("hash-max-listpack-entries", "hash-max-ziplist-entries");
  }

  @Test
  void prepareChecksWithoutChangingAnything() {
    ServerConfig c = new ServerConfig();
    Runnable store = Settings.lookup("maxmemory").prepare(c, "1mb");
    assertThat(c.maxmemoryBytes).isZero();
    store.run();
    assertThat(c.maxmemoryBytes).isEqualTo(1024 * 1024);
    assertThat(c.get("maxmemory")).isEqualTo("1048576");
  }

  @Test
  void hzIsClampedAsRedisDoes() {
    ServerConfig c = new ServerConfig();
    c.set("hz", "0");
    assertThat(c.hz).isEqualTo(1);
    c.set("hz", "100000");
    assertThat(c.hz).isEqualTo(500);
  }

  @Test
  void outputBufferLimitsUpdateOnlyTheNamedClasses() {
    ServerConfig c = new ServerConfig();
    c.set("client-output-buffer-limit", "pubsub 1mb 512kb 30");
    assertThat(c.outputLimitPubSubHard).isEqualTo(1024 * 1024);
    assertThat(c.outputLimitPubSubSoft).isEqualTo(512 * 1024);
    assertThat(c.outputLimitPubSubSoftSeconds).isEqualTo(30);
    assertThat(c.get("client-output-buffer-limit"))
        .isEqualTo("normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 524288 30");
    assertThatThrownBy(() -> c.set("client-output-buffer-limit", "normal 1 2"))
        .hasMessageContaining("client-output-buffer-limit")
        .hasMessageContaining("Wrong number of arguments in buffer limit configuration.");
  }

  @Test
  void configFileUsesTheSameTable(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("tide.conf");
    Files.writeString(file, """
        # comment
        maxmemory 64mb
        maxmemory-policy allkeys-lru
        hash-max-ziplist-entries 32
        requirepass "pass word"
        client-output-buffer-limit normal 0 0 0
        client-output-buffer-limit pubsub 16mb 4mb 10
        """);
    ServerConfig c = new ServerConfig().loadFile(file);
    assertThat(c.maxmemoryBytes).isEqualTo(64L * 1024 * 1024);
    assertThat(c.maxmemoryPolicy).isEqualTo(EvictionPolicy.ALLKEYS_LRU);
    assertThat(c.hashMaxListpackEntries).isEqualTo(32);
    assertThat(c.requirePass).isEqualTo("pass word");
    assertThat(c.outputLimitPubSubHard).isEqualTo(16L * 1024 * 1024);

    Files.writeString(file, "maxmemory lots\n");
    assertThatThrownBy(() -> new ServerConfig().loadFile(file)).isInstanceOf(ConfigException.class)
        .hasMessageContaining(":1:").hasMessageContaining("maxmemory")
        .hasMessageContaining("argument must be a memory value");
    Files.writeString(file, "nosuch 1\n");
    assertThatThrownBy(() -> new ServerConfig().loadFile(file)).hasMessageContaining("unknown setting 'nosuch'");
  }

  @Test
  void everySettingShowsAValueThatItAcceptsBack() {
    ServerConfig c = new ServerConfig();
    for (Setting<?> s : Settings.all()) {
      String shown = s.show(c);
      assertThat(shown).as(s.name()).isNotNull();
      if (s.mutable()) {
        ServerConfig copy = new ServerConfig();
        copy.set(s.name(), shown);
        assertThat(s.show(copy)).as(s.name()).isEqualTo(shown);
      }
    }
  }
}
