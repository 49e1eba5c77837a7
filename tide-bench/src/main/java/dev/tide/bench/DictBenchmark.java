package dev.tide.bench;

import dev.tide.engine.dict.ByteDict;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Lookups and overwrites in a keyspace-sized ByteDict. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DictBenchmark {

  @Param({"100000", "1000000"})
  int size;

  private ByteDict<Object> dict;
  private byte[][] keys;
  private int next;

  @Setup
  public void setup() {
    dict = new ByteDict<>();
    keys = new byte[size][];
    for (int i = 0; i < size; i++) {
      keys[i] = ("key:" + i).getBytes(StandardCharsets.US_ASCII);
      dict.put(keys[i], keys[i]);
    }
  }

  @Benchmark
  public Object get() {
    next = (next + 7919) % size;
    return dict.get(keys[next]);
  }

  @Benchmark
  public Object overwrite() {
    next = (next + 7919) % size;
    return dict.put(keys[next], keys[next]);
  }
}
