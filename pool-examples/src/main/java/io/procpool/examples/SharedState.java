package io.procpool.examples;

import io.procpool.JvmProcess;
import io.procpool.SharedMap;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Managing shared state: each of ten processes puts one entry into a {@link SharedMap} (Python's
 * {@code Manager().dict()}, without the manager process: the parent's JVM hosts it); the parent prints them all.
 *
 * <p>Threading: the main thread only; the workers run in their own JVMs.
 */
public final class SharedState {
    private static final int PROCESSES = 10;

    private SharedState() {
    }

    /**
     * Runs the example.
     *
     * @param args unused
     * @throws InterruptedException interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        SharedMap<Integer, Integer> results = SharedMap.create();
        List<JvmProcess> workers = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            int n = i;
            workers.add(new JvmProcess(() -> results.put(n, n * 2)));
        }
        for (JvmProcess worker : workers) {
            worker.start();
        }
        for (JvmProcess worker : workers) {
            worker.join();
        }
        System.out.println("Results: " + new TreeMap<>(results.snapshot()));
    }
}
