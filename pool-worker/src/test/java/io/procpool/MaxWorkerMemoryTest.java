package io.procpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code maxWorkerMemory}: a worker whose resident memory grows past the limit is replaced after a task, the way
 * {@code maxTasksPerWorker} replaces one, and no task fails.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MaxWorkerMemoryTest {
    private static final String[] OPTIONS = {"-Xmx1g", "-XX:+UseSerialGC"};

    /** What one worker JVM keeps: 64 MiB more per call, as a leaking cache would. */
    static final class Leak {
        static final List<byte[]> KEPT = new ArrayList<>();

        static int keepAnother() {
            byte[] block = new byte[64 << 20];
            for (int i = 0; i < block.length; i += 4096) {
                block[i] = 1; // resident, whatever the heap's zeroing did
            }
            KEPT.add(block);
            return KEPT.size();
        }
    }

    /** In which worker a call ran and how many blocks that worker held after it. */
    record Run(int call, String worker, int blocksKept) {
    }

    private static long residentBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
            }
        }
        throw new AssertionError("no VmRSS for " + pid);
    }

    @Test
    void aWorkerWhoseMemoryGrowsPastTheLimitIsReplacedAndEveryResultIsRight() throws Exception {
        long idle;
        try (ProcessPool probe = ProcessPool.builder().workers(1).jvmOptions(OPTIONS).build()) {
            probe.apply(() -> 1);
            idle = residentBytes(probe.workers().get(0).pid());
        }
        long limit = idle + (150L << 20);

        List<Run> runs = new ArrayList<>();
        List<EndedWorker> ended;
        try (ProcessPool pool = ProcessPool.builder().workers(1).name("leaky").jvmOptions(OPTIONS)
                .maxWorkerMemory(limit).build()) {
            for (int call = 1; call <= 10; call++) {
                int number = call;
                runs.add(pool.apply(() -> new Run(number, JvmProcess.current().getName(), Leak.keepAnother())));
            }
            ended = pool.insights().endedWorkers();
        }

        Set<String> workers = new HashSet<>();
        int expectedBlocks = 0;
        String current = null;
        for (Run run : runs) {
            expectedBlocks = run.worker().equals(current) ? expectedBlocks + 1 : 1;
            current = run.worker();
            workers.add(run.worker());
            assertEquals(expectedBlocks, run.blocksKept(), "a call's result is its worker's own count: " + runs);
            assertTrue(run.blocksKept() <= 5, "a worker kept " + run.blocksKept() + " blocks of 64 MiB (reads are 50 ms apart), past "
                    + "the limit of idle (" + (idle >> 20) + " MiB) + 150 MiB: " + runs);
        }
        assertTrue(workers.size() >= 2, "no worker was replaced: " + runs);
        assertTrue(ended.stream().anyMatch(w -> w.reason().contains("memory")), "end reasons: " + ended);
    }
}
