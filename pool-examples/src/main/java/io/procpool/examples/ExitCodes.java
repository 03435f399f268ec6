package io.procpool.examples;

import io.procpool.JvmProcess;
import io.procpool.TaskRunnable;
import java.util.ArrayList;
import java.util.List;

/**
 * Exit codes in Python's convention: {@code System.exit(1)} gives 1, returning gives 0 (a returned value is
 * ignored), an uncaught exception gives 1 (its stack trace appears on stderr), and {@code terminate()} gives -15:
 * a negative code is the signal that killed the process.
 *
 * <p>Threading: the main thread only; the targets run in their own JVMs.
 */
public final class ExitCodes {
    private ExitCodes() {
    }

    static void exitError() {
        System.exit(1);
    }

    static void exitOk() {
        // returns normally
    }

    static int returnValue() {
        return 1;
    }

    static void raises() {
        throw new RuntimeException("There was an error!");
    }

    static void terminated() throws InterruptedException {
        Thread.sleep(3_000);
    }

    /** A target and the name its process gets (the seed's function names). */
    private record Function(String name, TaskRunnable target) {
    }

    /**
     * Runs the example.
     *
     * @param args unused
     * @throws InterruptedException interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        List<Function> functions = List.of(
                new Function("exit_error", ExitCodes::exitError),
                new Function("exit_ok", ExitCodes::exitOk),
                new Function("return_value", ExitCodes::returnValue),
                new Function("raises", ExitCodes::raises),
                new Function("terminated", ExitCodes::terminated));
        List<JvmProcess> jobs = new ArrayList<>();
        for (Function function : functions) {
            System.out.println("Starting process for " + function.name());
            JvmProcess job = new JvmProcess(function.name(), function.target());
            jobs.add(job);
            job.start();
        }
        jobs.get(jobs.size() - 1).terminate();
        for (JvmProcess job : jobs) {
            job.join();
            System.out.printf("%15s.exitCode = %d%n", job.getName(), job.exitCode().getAsInt());
        }
    }
}
