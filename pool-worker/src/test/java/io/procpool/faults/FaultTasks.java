package io.procpool.faults;

import io.procpool.TaskCallable;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Tasks that break their worker on purpose, each the way a real bug or operator would. They run inside a worker JVM;
 * none of them returns normally.
 */
public final class FaultTasks {
    private FaultTasks() {
    }

    /** Sends SIGKILL to its own worker, as the OOM killer or an operator would. */
    public static TaskCallable<Integer> sigkillSelf() {
        return () -> signalSelf("-KILL");
    }

    /** Stops its own worker with SIGSTOP, as a debugger or an operator's {@code kill -STOP} would: it hangs. */
    public static TaskCallable<Integer> sigstopSelf() {
        return () -> signalSelf("-STOP");
    }

    /** Sends SIGTERM to its own worker. */
    public static TaskCallable<Integer> sigtermSelf() {
        return () -> signalSelf("-TERM");
    }

    private static int signalSelf(String signal) throws Exception {
        long pid = ProcessHandle.current().pid();
        new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start().waitFor();
        Thread.sleep(60_000); // the signal ends the JVM long before this
        return -1;
    }

    /** Calls {@code System.exit(code)}: shutdown hooks run. */
    public static TaskCallable<Integer> exit(int code) {
        return () -> {
            System.exit(code);
            return -1;
        };
    }

    /** Calls {@code Runtime.halt(code)}: no hook runs. */
    public static TaskCallable<Integer> halt(int code) {
        return () -> {
            Runtime.getRuntime().halt(code);
            return -1;
        };
    }

    /** Fills the heap; run it in a worker started with a small -Xmx and -XX:+ExitOnOutOfMemoryError. */
    public static TaskCallable<Integer> exhaustHeap() {
        return () -> {
            List<long[]> hog = new ArrayList<>();
            while (true) {
                hog.add(new long[1 << 20]);
            }
        };
    }

    /** Never returns and ignores interrupts. */
    public static TaskCallable<Integer> spinForever() {
        return () -> {
            long spins = 0;
            while (spins >= 0) {
                spins++;
                Thread.onSpinWait();
            }
            return -1;
        };
    }

    /** Writes raw bytes on file descriptor 1, which carries the protocol, bypassing System.out; returns 7. */
    public static TaskCallable<Integer> writeGarbageToFd1() {
        return () -> {
            @SuppressWarnings("resource") // closing it would close fd 1 for the worker too
            FileOutputStream raw = new FileOutputStream(FileDescriptor.out);
            raw.write("native library says hello\n".getBytes(StandardCharsets.US_ASCII));
            raw.flush();
            return 7;
        };
    }

    /**
     * Returns at once, leaving a thread behind that writes one raw byte on file descriptor 1 a little later, while the
     * worker is idle (as a native library's stray {@code putchar} would), then creates the file {@code written}.
     */
    public static TaskCallable<Long> strayByteWhileIdle(int value, String written) {
        return () -> {
            Thread stray = new Thread(() -> {
                try {
                    Thread.sleep(300); // after this task's answer is out: the worker idles
                    @SuppressWarnings("resource") // closing it would close fd 1 for the worker too
                    FileOutputStream raw = new FileOutputStream(FileDescriptor.out);
                    raw.write(value);
                    raw.flush();
                    java.nio.file.Files.createFile(java.nio.file.Path.of(written));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            stray.setDaemon(true);
            stray.start();
            return ProcessHandle.current().pid();
        };
    }
}
