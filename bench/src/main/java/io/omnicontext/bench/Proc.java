package io.omnicontext.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and memory of a process from /proc/<pid>/stat and /proc/<pid>/status; the machine's CPU from /proc/stat. */
final class Proc {
  private Proc() {}

  /** CPU seconds (user + system) and resident memory of one process at one moment. */
  record Sample(long pid, double cpuSeconds, long rssKiB, long nanos) {
    /** Cores busy between two samples of the same process (1.0 = one core all the time). */
    double coresSince(Sample before) {
      double wall = (nanos - before.nanos) / 1e9;
      return wall <= 0 ? 0 : (cpuSeconds - before.cpuSeconds) / wall;
    }
  }

  /** Busy and total jiffies of the whole machine (first line of /proc/stat). */
  record MachineCpu(long busy, long total) {
    double busyShareSince(MachineCpu before) {
      long t = total - before.total;
      return t <= 0 ? 0 : (double) (busy - before.busy) / t;
    }
  }

  static long clockTicks = 100;   // CLK_TCK; bin/bench passes getconf's value

  static Sample sample(long pid) {
    long now = System.nanoTime();
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // fields after the ")" that closes comm: state is field 3, utime 14, stime 15
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) clockTicks;
      return new Sample(pid, cpu, statusKiB(pid, "VmRSS:"), now);
    } catch (IOException | RuntimeException e) {
      return new Sample(pid, Double.NaN, -1, now);   // the process is gone: the report shows n/a
    }
  }

  static long statusKiB(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(field)) return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  static MachineCpu machine() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) total += Long.parseLong(f[i]);   // user..steal
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);                      // idle + iowait
      return new MachineCpu(total - idle, total);
    } catch (IOException | RuntimeException e) {
      return new MachineCpu(0, 0);
    }
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "n/a";
    }
  }

  static long memTotalKiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo")))
        if (line.startsWith("MemTotal:")) return Long.parseLong(line.replaceAll("\\D", ""));
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }
}
