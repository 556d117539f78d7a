package org.storage.stratisd.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What the kernel says of the daemon's process at one moment: resident memory, live threads, open
 * descriptors and CPU time used so far ({@code /proc/<pid>/status}, {@code fd}, {@code stat}).
 *
 * @param rssKib     resident set, KiB
 * @param threads    live threads
 * @param fds        open file descriptors
 * @param cpuSeconds user and system CPU time since the process started
 */
record DaemonSample(long rssKib, int threads, int fds, double cpuSeconds) {

    /** Clock ticks per second of {@code /proc/<pid>/stat}'s times: 100 on every Linux of this kind (USER_HZ). */
    private static final double TICKS_PER_SECOND = 100;

    /**
     * Reads the process now.
     *
     * @param pid the daemon's process id
     * @return the sample
     * @throws IOException if the process is gone
     */
    static DaemonSample of(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        long rss = 0;
        int threads = 0;
        for (String line : Files.readAllLines(proc.resolve("status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.substring(6).replace("kB", "").strip());
            } else if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.substring(8).strip());
            }
        }
        int fds;
        try (Stream<Path> open = Files.list(proc.resolve("fd"))) {
            fds = (int) open.count();
        }
        // Fields after the command name (which is in parentheses and may hold spaces): utime and stime are the 12th and 13th.
        String stat = Files.readString(proc.resolve("stat"));
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        double cpu = (Long.parseLong(after[11]) + Long.parseLong(after[12])) / TICKS_PER_SECOND;
        return new DaemonSample(rss, threads, fds, cpu);
    }
}
