package io.procpool.internal.process;

/**
 * Turns what the JVM reports about a dead child into Python's exit code convention: {@code n} for
 * {@code System.exit(n)}, {@code -N} for death by signal N.
 *
 * <p>The JDK reports a signal death as {@code 128 + N}, which looks like {@code System.exit(128 + N)}; a child that
 * went through its shutdown hook announces how it ended (EXIT frame), which settles it. Without an announcement
 * (SIGKILL, {@code Runtime.halt}, a crash) a code above 128 is taken as a signal.
 *
 * <p>Thread-safety: stateless; every method is thread-safe.
 */
public final class ExitStatus {
    /** EXIT frame id meaning "ended through System.exit or normally; the OS exit code is the truth". */
    public static final long ANNOUNCED_EXIT = 0;

    private ExitStatus() {
    }

    /**
     * @param osExitCode   what {@link Process#exitValue()} returned
     * @param announcement the EXIT frame's id, or {@code null} when the child sent none
     * @return the exit code in Python's convention
     */
    public static int pythonExitCode(int osExitCode, Long announcement) {
        if (announcement != null) {
            return announcement == ANNOUNCED_EXIT ? osExitCode : -announcement.intValue();
        }
        return osExitCode > 128 && osExitCode < 128 + 65 ? -(osExitCode - 128) : osExitCode;
    }

    /** A human description of a Python-convention exit code, e.g. "killed by SIGKILL (-9)". */
    public static String describe(int pythonExitCode) {
        if (pythonExitCode >= 0) {
            return "exited with code " + pythonExitCode;
        }
        int signal = -pythonExitCode;
        String name = switch (signal) {
            case 1 -> "SIGHUP";
            case 2 -> "SIGINT";
            case 6 -> "SIGABRT";
            case 9 -> "SIGKILL";
            case 11 -> "SIGSEGV";
            case 15 -> "SIGTERM";
            default -> "signal " + signal;
        };
        return "killed by " + name + " (" + pythonExitCode + ")";
    }
}
