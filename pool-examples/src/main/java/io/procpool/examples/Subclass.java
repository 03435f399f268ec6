package io.procpool.examples;

import io.procpool.JvmProcess;
import java.util.ArrayList;
import java.util.List;

/**
 * A subclass of {@link JvmProcess} that overrides {@code run()}: the instance itself travels to the child (fields
 * included), and {@code run()} runs there. Default names follow the class: prints {@code In Worker-1} to
 * {@code In Worker-5}.
 *
 * <p>Threading: the main thread only; each {@code run()} runs in its own JVM.
 */
public final class Subclass {
    private Subclass() {
    }

    /** Python's {@code class Worker(multiprocessing.Process)}. */
    public static final class Worker extends JvmProcess {
        @Override
        public void run() {
            System.out.println("In " + getName());
        }
    }

    /**
     * Runs the example.
     *
     * @param args unused
     * @throws InterruptedException interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        List<JvmProcess> jobs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            JvmProcess p = new Worker();
            jobs.add(p);
            p.start();
        }
        for (JvmProcess job : jobs) {
            job.join();
        }
    }
}
