package dev.tide.bench;

import dev.tide.protocol.ProtocolLimits;
import dev.tide.protocol.RespRequestDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Decoding a pipeline of 16 SET requests with 100-byte values. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecoderBenchmark {

  private byte[] pipeline;
  private EmbeddedChannel channel;

  @Setup
  public void setup() {
    StringBuilder sb = new StringBuilder();
    String value = "v".repeat(100);
    for (int i = 0; i < 16; i++) {
      String key = "key:" + (100000 + i);
      sb.append("*3\r\n$3\r\nSET\r\n$").append(key.length()).append("\r\n").append(key)
          .append("\r\n$100\r\n").append(value).append("\r\n");
    }
    pipeline = sb.toString().getBytes(StandardCharsets.US_ASCII);
    channel = new EmbeddedChannel(new RespRequestDecoder(ProtocolLimits.DEFAULTS, true));
  }

  @Benchmark
  public void decodePipelineOf16(Blackhole bh) {
    ByteBuf in = Unpooled.wrappedBuffer(pipeline);
    channel.writeInbound(in);
    Object msg;
    while ((msg = channel.readInbound()) != null) {
      bh.consume(msg);
    }
  }
}
