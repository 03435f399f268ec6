package io.procpool.internal.process;

import java.time.Instant;
import java.util.Optional;

/**
 * One process of this machine, named so that a recycled pid is not mistaken for it: its pid and the instant it
 * started (milliseconds). Handles of hosted objects (queues, locks, shared memory) carry their host's
 * {@code HostProcess}; whether a process may use such a handle follows from {@link #isThisJvm()} and
 * {@link #isAncestorOfThisJvm()}, and whether what it left behind can be removed from {@link #isAlive()}.
 *
 * <p>Thread-safety: an immutable value.
 */
public record HostProcess(long pid, long startMillis) {
    private static final HostProcess CURRENT = of(ProcessHandle.current())
            .orElseGet(() -> new HostProcess(ProcessHandle.current().pid(), 0));

    /** This JVM. */
    public static HostProcess current() {
        return CURRENT;
    }

    /** The process behind {@code handle}, if the OS tells when it started (it does on Linux and macOS). */
    public static Optional<HostProcess> of(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toEpochMilli).map(start -> new HostProcess(handle.pid(), start));
    }

    /** Whether this is the running JVM. */
    public boolean isThisJvm() {
        return equals(CURRENT);
    }

    /** Whether this process still runs (the same one: same pid and same start). */
    public boolean isAlive() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).flatMap(HostProcess::of)
                .map(this::equals).orElse(false);
    }

    /** Whether this process started the running JVM, or started one of its ancestors. */
    public boolean isAncestorOfThisJvm() {
        for (Optional<ProcessHandle> up = ProcessHandle.current().parent(); up.isPresent(); up = up.get().parent()) {
            if (up.get().pid() == pid) {
                return of(up.get()).map(this::equals).orElse(false);
            }
        }
        return false;
    }

    /** {@code host-<pid>-<startMillis>}: how files and sockets of this host are named. */
    public String fileStem() {
        return "host-" + pid + "-" + startMillis;
    }

    /** The host a {@link #fileStem()} (and whatever follows it) names, if {@code fileName} is such a name. */
    public static Optional<HostProcess> fromFileName(String fileName) {
        String[] parts = fileName.split("[-.]", 4);
        if (parts.length < 3 || !parts[0].equals("host")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new HostProcess(Long.parseLong(parts[1]), Long.parseLong(parts[2])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
