package io.procpool.examples;

import io.procpool.JvmProcess;

/**
 * Python's {@code get_logger().setLevel(logging.INFO)}: the level of procpool's loggers is the binding's business;
 * with slf4j-simple it is the system property {@code org.slf4j.simpleLogger.log.io.procpool}. At INFO the DEBUG
 * lifecycle lines are gone, in the parent and in the child. Prints {@code Doing some work}.
 *
 * <p>Threading: the main thread only; the target runs in its own JVM.
 */
public final class LoggerLevel {
    private LoggerLevel() {
    }

    static void worker() {
        System.out.println("Doing some work");
    }

    /**
     * Runs the example.
     *
     * @param args unused
     * @throws InterruptedException interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        System.setProperty("org.slf4j.simpleLogger.log.io.procpool", "info"); // before the first logger exists
        JvmProcess p = new JvmProcess(LoggerLevel::worker);
        p.start();
        p.join();
    }
}
