package io.procpool.examples;

import io.procpool.JvmProcess;

/**
 * Passing arguments to a process: the target is a lambda that captures them, and what it captures travels to the
 * child with Kryo (it need not be {@code Serializable}, where Python needs it picklable). Prints {@code Worker: 0}
 * to {@code Worker: 4}, in whatever order the children get there.
 *
 * <p>Threading: the main thread only; the targets run in their own JVMs.
 */
public final class Args {
    private Args() {
    }

    static void worker(int num) {
        System.out.println("Worker: " + num);
    }

    /**
     * Runs the example.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        for (int i = 0; i < 5; i++) {
            int num = i;
            new JvmProcess(() -> worker(num)).start();
        }
    }
}
