package io.procpool.examples;

import io.procpool.JvmProcess;

/**
 * Naming processes: {@code my_service} and {@code worker 1} are named, the third takes the default name
 * {@code JvmProcess-3} (the third process this JVM created). Each child finds its own name through
 * {@link JvmProcess#current()} and prints {@code <name> Starting} and {@code <name> Exiting}.
 *
 * <p>Threading: the main thread only; the targets run in their own JVMs.
 */
public final class Names {
    private Names() {
    }

    static void worker() throws InterruptedException {
        String name = JvmProcess.current().getName();
        System.out.println(name + " Starting");
        Thread.sleep(2_000);
        System.out.println(name + " Exiting");
    }

    static void myService() throws InterruptedException {
        String name = JvmProcess.current().getName();
        System.out.println(name + " Starting");
        Thread.sleep(3_000);
        System.out.println(name + " Exiting");
    }

    /**
     * Runs the example.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        JvmProcess service = new JvmProcess("my_service", Names::myService);
        JvmProcess worker1 = new JvmProcess("worker 1", Names::worker);
        JvmProcess worker2 = new JvmProcess(Names::worker); // default name
        worker1.start();
        worker2.start();
        service.start();
    }
}
