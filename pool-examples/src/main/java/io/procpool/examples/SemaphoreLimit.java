package io.procpool.examples;

import io.procpool.JvmProcess;
import io.procpool.ProcessQueue;
import io.procpool.ProcessSemaphore;
import io.procpool.SharedMap;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Controlling concurrent access to resources: six processes, at most two at a time inside a section guarded by a
 * {@link ProcessSemaphore}. Each adds itself to the active set (a {@link SharedMap}) after it acquires and removes
 * itself before it releases, and logs the active set it sees; the parent prints the log and the largest set seen,
 * which never exceeds the two permits.
 *
 * <p>Threading: the main thread only; the workers run in their own JVMs.
 */
public final class SemaphoreLimit {
    private static final int PROCESSES = 6;
    private static final int PERMITS = 2;

    private SemaphoreLimit() {
    }

    /**
     * Runs the example.
     *
     * @param args unused
     * @throws InterruptedException interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        ProcessSemaphore permits = ProcessSemaphore.create(PERMITS);
        SharedMap<String, Boolean> active = SharedMap.create();
        ProcessQueue<Integer> sizes = ProcessQueue.create();
        List<JvmProcess> workers = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            workers.add(new JvmProcess("worker-" + i, () -> {
                String name = JvmProcess.current().getName();
                permits.acquire();
                try {
                    active.put(name, true);
                    TreeSet<String> now = new TreeSet<>(active.snapshot().keySet());
                    System.out.println("Now running: " + now);
                    sizes.put(now.size());
                    Thread.sleep(100);
                    active.remove(name);
                } finally {
                    permits.release();
                }
            }));
        }
        for (JvmProcess worker : workers) {
            worker.start();
        }
        for (JvmProcess worker : workers) {
            worker.join();
        }
        sizes.close();
        int most = sizes.stream().mapToInt(Integer::intValue).max().orElse(0);
        System.out.println("Most active at once: " + most + " (permits: " + PERMITS + ")");
    }
}
