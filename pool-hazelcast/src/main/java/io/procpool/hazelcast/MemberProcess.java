package io.procpool.hazelcast;

import io.procpool.PoolException;
import io.procpool.internal.process.ChildJvm;
import io.procpool.internal.process.LaunchSpec;
import io.procpool.internal.process.ExitStatus;
import io.procpool.internal.process.StderrPump;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;

import java.util.ArrayList;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A {@link Member} in a JVM of its own on this machine, started by this JVM and tied to it: it stops when
 * {@link #close()} closes its standard input, or when this JVM ends (its stdin ends too). For demos, tests and
 * single-machine scale-out; on real hosts start {@link Member} with your own tooling.
 *
 * <pre>{@code
 * try (MemberProcess first = MemberProcess.start("demo", List.of(), classPath, List.of("-Xmx256m"));
 *      MemberProcess second = MemberProcess.start("demo", List.of(first.address()), classPath, List.of("-Xmx256m"));
 *      HazelcastPool pool = HazelcastPool.builder().clusterName("demo").addresses(first.address()).build()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safety: thread-safe. Two daemon threads copy the member's stdout and stderr to this JVM's, a line at a
 * time; the last lines of its stderr explain a member that does not start.
 */
public final class MemberProcess implements AutoCloseable {
    private static final String READY = "procpool member ready at ";
    private static final long START_TIMEOUT_SECONDS = 60;
    private static final long STOP_GRACE_SECONDS = 10;
    /** The access to JDK internals Hazelcast asks for on Java 9+ (else it warns and runs slower paths). */
    private static final List<String> HAZELCAST_JDK_ACCESS = List.of("--add-modules", "java.se",
            "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.management/sun.management=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

    private final Process process;
    private final String address;

    private MemberProcess(Process process, String address) {
        this.process = process;
        this.address = address;
    }

    /**
     * Starts a member on 127.0.0.1 (the first free port from 5701) and waits until it has joined its cluster.
     *
     * @param cluster    the cluster name
     * @param join       addresses ({@code host:port}) of running members to join; empty for the first member
     * @param classPath  the member's class path: procpool, Hazelcast and the tasks' classes
     * @param jvmOptions options for the member's JVM, such as {@code -Xmx256m}, after the {@code --add-opens} options
     *                   Hazelcast asks for
     * @return the running member
     * @throws PoolException the member did not start (with the reason it gave)
     */
    public static MemberProcess start(String cluster, List<String> join, List<String> classPath,
                                      List<String> jvmOptions) {
        return start(cluster, join, classPath, jvmOptions, List.of());
    }

    /**
     * As {@link #start(String, List, List, List)}, with more {@link Member} options, such as
     * {@code --auth-key-file PATH} or {@code --threads N}.
     *
     * @param cluster       the cluster name
     * @param join          addresses ({@code host:port}) of running members to join; empty for the first member
     * @param classPath     the member's class path: procpool, Hazelcast and the tasks' classes
     * @param jvmOptions    options for the member's JVM, after the {@code --add-opens} options Hazelcast asks for
     * @param memberOptions options for {@link Member} after {@code --cluster} and the {@code --member}s
     * @return the running member
     * @throws PoolException the member did not start (with the reason it gave)
     */
    public static MemberProcess start(String cluster, List<String> join, List<String> classPath,
                                      List<String> jvmOptions, List<String> memberOptions) {
        List<String> options = new ArrayList<>(HAZELCAST_JDK_ACCESS);
        options.addAll(jvmOptions);
        List<String> args = new ArrayList<>(List.of("--cluster", cluster, "--stop-on-stdin-eof"));
        for (String member : join) {
            args.addAll(List.of("--member", member));
        }
        args.addAll(memberOptions);
        LaunchSpec spec = new LaunchSpec(Paths.get(System.getProperty("java.home")), classPath, options);
        ChildJvm.Started started = ChildJvm.launchMain("member", spec, Member.class.getName(), args); // one launcher
        Process process = started.process();
        List<String> command = started.commandLine();
        CompletableFuture<String> ready = new CompletableFuture<>();
        StderrPump stderr = StderrPump.start(process.getErrorStream(), "member-" + process.pid());
        copyLines(process, process.getInputStream(), "stdout", line -> {
            if (!ready.isDone() && line.startsWith(READY)) {
                ready.complete(line.substring(READY.length(), line.indexOf(' ', READY.length())));
            } else {
                System.out.println(line);
            }
        }, () -> ready.completeExceptionally(new IllegalStateException(ExitStatus.describe(
                ExitStatus.pythonExitCode(process.onExit().join().exitValue(), null)) + " before it was ready")));
        try {
            return new MemberProcess(process, ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (TimeoutException | ExecutionException e) {
            process.destroyForcibly();
            String why = e instanceof TimeoutException ? "did not say it was ready within " + START_TIMEOUT_SECONDS
                    + " s" : e.getCause().getMessage();
            // The member is dead (or killed just above), so the pump ends at the pipe's end: the bound only matters
            // on a machine so loaded that 1 s was seen to pass before the pump read the member's last words.
            throw new PoolException("the member (pid " + process.pid() + ") " + why + ".\nCommand line: "
                    + String.join(" ", command) + "\nLast lines of its stderr:\n" + stderr.tail(STOP_GRACE_SECONDS
                    * 1_000), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new PoolException("interrupted while starting a member", e);
        }
    }

    /** Hands each line of a member's stdout to {@code each} on a daemon thread, then runs {@code atEnd}. */
    private static void copyLines(Process process, InputStream stream, String name, Consumer<String> each,
                                  Runnable atEnd) {
        Thread thread = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    each.accept(line);
                }
            } catch (IOException e) {
                // the member is gone; atEnd reports it
            }
            atEnd.run();
        }, "member-" + process.pid() + "-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /** {@return where the member listens, {@code host:port}, for clients and other members} */
    public String address() {
        return address;
    }

    /** {@return the member JVM's process id} */
    public long pid() {
        return process.pid();
    }

    /** {@return whether the member's JVM still runs} */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the member's JVM at once (SIGKILL), as a crash would, and waits until it has gone. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(STOP_GRACE_SECONDS);
    }

    /**
     * Stops the member: closes its standard input, so it shuts down (handing its partitions to the others), then kills
     * it if it has not exited within a grace period. Idempotent.
     */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // the pipe is already broken: the member is gone or going
        }
        if (!awaitExit(STOP_GRACE_SECONDS)) {
            kill();
        }
    }

    private boolean awaitExit(long seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return false;
        }
    }

    @Override
    public String toString() {
        return "MemberProcess[" + address + ", pid " + process.pid() + "]";
    }
}
