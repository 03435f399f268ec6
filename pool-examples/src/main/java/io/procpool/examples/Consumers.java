package io.procpool.examples;

import io.procpool.JoinableProcessQueue;
import io.procpool.JvmProcess;
import io.procpool.ProcessQueue;
import io.procpool.TaskCallable;
import java.util.stream.Stream;

/**
 * Passing messages to processes: consumers take work items (objects with a {@code call()} of their own) from a
 * {@link JoinableProcessQueue}, put each result on a {@link ProcessQueue}, mark each item done, and stop at a poison
 * pill, one per consumer. The parent {@code join()}s the work queue, then reads every result. The results queue shows
 * the built-in alternative to a pill: once closed, its {@code stream()} ends when it is drained.
 *
 * <p>Threading: the main thread only; the consumers run in their own JVMs.
 */
public final class Consumers {
    private static final int CONSUMERS = 2;
    private static final int JOBS = 10;

    private Consumers() {
    }

    /** A work item or the pill. */
    sealed interface Work permits Multiply, PoisonPill {
    }

    /** A work item: multiplies its two numbers. */
    record Multiply(int a, int b) implements Work, TaskCallable<String> {
        @Override
        public String call() {
            return a + " * " + b + " = " + a * b;
        }

        @Override
        public String toString() {
            return a + " * " + b;
        }
    }

    /** Tells a consumer to stop. */
    record PoisonPill() implements Work {
    }

    /** Takes work until the pill; a JvmProcess subclass whose queues travel as its fields. */
    static final class Consumer extends JvmProcess {
        private final JoinableProcessQueue<Work> tasks;
        private final ProcessQueue<String> results;

        Consumer(JoinableProcessQueue<Work> tasks, ProcessQueue<String> results) {
            this.tasks = tasks;
            this.results = results;
        }

        @Override
        public void run() throws Exception {
            String name = JvmProcess.current().getName();
            while (true) {
                Work next = tasks.take();
                if (next instanceof Multiply task) {
                    System.out.println(name + ": " + task);
                    results.put(task.call());
                    tasks.taskDone();
                } else {
                    System.out.println(name + ": Exiting");
                    tasks.taskDone();
                    return;
                }
            }
        }
    }

    /**
     * Runs the example.
     *
     * @param args unused
     * @throws InterruptedException interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        JoinableProcessQueue<Work> tasks = JoinableProcessQueue.create();
        ProcessQueue<String> results = ProcessQueue.create();
        System.out.println("Creating " + CONSUMERS + " consumers");
        for (int i = 0; i < CONSUMERS; i++) {
            new Consumer(tasks, results).start();
        }
        for (int i = 0; i < JOBS; i++) {
            tasks.put(new Multiply(i, i));
        }
        for (int i = 0; i < CONSUMERS; i++) {
            tasks.put(new PoisonPill());
        }
        tasks.join();
        results.close();
        try (Stream<String> all = results.stream()) {
            all.forEach(result -> System.out.println("Result: " + result));
        }
    }
}
