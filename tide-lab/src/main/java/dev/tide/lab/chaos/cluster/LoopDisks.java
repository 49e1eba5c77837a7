package dev.tide.lab.chaos.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One small ext4 filesystem per node, in a sparse image file on a loop device, mounted as the
 * node's data directory. A real block device and filesystem, so that:
 * <ul>
 *   <li><b>disk full</b>: {@code fallocate} a filler file over the free space; writes and fsyncs
 *       of the node then fail with ENOSPC (healed by deleting the filler);</li>
 *   <li><b>slow disk</b>: the node's process is moved into a blkio cgroup that throttles write
 *       operations per second on its loop device, so every fsync of the Raft log waits (healed by
 *       moving it back and removing the cgroup). Needs cgroup v1's blkio controller (this machine
 *       has it); without it the fault is skipped with that reason.</li>
 * </ul>
 * Root only; without root data directories are plain directories and both faults are skipped.
 */
public final class LoopDisks implements AutoCloseable {

  /**
   * Size of each node's filesystem. A chaos run writes a few MB of log, but RocksDB (JRaft's log
   * store, one per partition) preallocates its write-ahead logs: 256 MB filled up at start-up with
   * 4 partitions. The image is sparse and fallocated blocks stay unwritten, so 2 GB costs little.
   */
  public static final long SIZE_MB = 2048;
  /** Write operations per second allowed on a slowed disk: one fsync'd Raft append takes ~3 I/Os, so ~7 commits/s. */
  public static final int SLOW_WRITE_IOPS = 20;
  static final Path BLKIO = Path.of("/sys/fs/cgroup/blkio");

  private final Path dir;
  private final List<Path> images = new ArrayList<>();
  private final List<String> devices = new ArrayList<>();
  private final List<Path> mounts = new ArrayList<>();
  private final List<Path> cgroups = new ArrayList<>();

  private LoopDisks(Path dir) {
    this.dir = dir;
  }

  /** Why disk faults cannot run here, or null. */
  public static String unavailableReason() {
    if (!Sh.isRoot()) {
      return "disk faults need root (loop devices, mount, cgroups); they are skipped";
    }
    if (!Sh.run("losetup", "--version").ok() || !Sh.run("mkfs.ext4", "-V").ok()) {
      return "disk faults need losetup and mkfs.ext4 (Debian: mount, e2fsprogs)";
    }
    return null;
  }

  /** Why the slow-disk fault cannot run here, or null. */
  public static String slowUnavailableReason() {
    String why = unavailableReason();
    if (why != null) {
      return why;
    }
    if (!Files.isRegularFile(BLKIO.resolve("blkio.throttle.write_iops_device"))) {
      return "slow disk needs the cgroup v1 blkio controller with throttling at " + BLKIO;
    }
    return null;
  }

  /** Makes {@code nodes} filesystems under {@code dir}: images {@code disk-i.img}, mounted at {@code data-i}. */
  public static LoopDisks create(Path dir, int nodes) {
    LoopDisks d = new LoopDisks(dir);
    try {
      for (int i = 0; i < nodes; i++) {
        d.make(i);
      }
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
    return d;
  }

  private void make(int i) {
    Path image = dir.resolve("disk-" + i + ".img");
    Path mount = dir.resolve("data-" + i);
    Sh.check("truncate", "-s", SIZE_MB + "M", image.toString());
    images.add(image);
    String dev = Sh.check("losetup", "-f", "--show", image.toString()).strip();
    devices.add(dev);
    Sh.check("mkfs.ext4", "-q", "-F", dev);
    try {
      Files.createDirectories(mount);
    } catch (IOException e) {
      Sh.unchecked(e);
    }
    Sh.check("mount", dev, mount.toString());
    mounts.add(mount);
  }

  /** Node i's data directory (the mount point). */
  public Path dataDir(int i) {
    return mounts.get(i);
  }

  private Path filler(int i) {
    return mounts.get(i).resolve("chaos-filler");
  }

  /** Fills node i's filesystem: what is left after the filler is only ext4's reserve for root (the node runs as root, so the reserve is taken too). */
  public void fill(int i) {
    try {
      long free = Files.getFileStore(mounts.get(i)).getUsableSpace();
      Sh.check("fallocate", "-l", Long.toString(Math.max(4096, free)), filler(i).toString());
      // Root may use the reserved blocks: a second filler takes what is left of them.
      long rest = Files.getFileStore(mounts.get(i)).getUnallocatedSpace();
      if (rest > 4096) {
        Sh.run("fallocate", "-l", Long.toString(rest - 4096), filler(i) + "-2");
      }
    } catch (IOException e) {
      Sh.unchecked(e);
    }
  }

  public void unfill(int i) {
    try {
      Files.deleteIfExists(filler(i));
      Files.deleteIfExists(Path.of(filler(i) + "-2"));
    } catch (IOException e) {
      Sh.unchecked(e);
    }
  }

  /** Free bytes on node i's filesystem (for reports and tests). */
  public long freeBytes(int i) {
    try {
      return Files.getFileStore(mounts.get(i)).getUnallocatedSpace();
    } catch (IOException e) {
      return -1;
    }
  }

  /** Throttles writes of process {@code pid} to node i's device. */
  public void slow(int i, long pid) {
    Path cg = BLKIO.resolve("tidechaos-" + ProcessHandle.current().pid() + "-" + i);
    try {
      if (!Files.isDirectory(cg)) {
        Files.createDirectory(cg);
        cgroups.add(cg);
      }
      String majMin = Sh.check("lsblk", "-dno", "MAJ:MIN", devices.get(i)).strip();
      Files.writeString(cg.resolve("blkio.throttle.write_iops_device"), majMin + " " + SLOW_WRITE_IOPS);
      Files.writeString(cg.resolve("cgroup.procs"), Long.toString(pid));
    } catch (IOException e) {
      Sh.unchecked(e);
    }
  }

  /** Moves process {@code pid} back to the root blkio cgroup (no throttle). */
  public void unslow(int i, long pid) {
    try {
      if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        Files.writeString(BLKIO.resolve("cgroup.procs"), Long.toString(pid));
      }
    } catch (IOException e) {
      // the process may have exited meanwhile
    }
  }

  @Override
  public void close() {
    for (Path cg : cgroups) {
      try {
        for (String pid : Files.readAllLines(cg.resolve("cgroup.procs"))) {
          Files.writeString(BLKIO.resolve("cgroup.procs"), pid.strip());
        }
      } catch (IOException | RuntimeException e) {
        // best effort
      }
      Sh.run("rmdir", cg.toString());
    }
    cgroups.clear();
    for (Path m : mounts) {
      Sh.run("umount", "-l", m.toString());
    }
    mounts.clear();
    for (String dev : devices) {
      Sh.run("losetup", "-d", dev);
    }
    devices.clear();
    for (Path img : images) {
      try {
        Files.deleteIfExists(img);
      } catch (IOException e) {
        // best effort
      }
    }
    images.clear();
  }
}
