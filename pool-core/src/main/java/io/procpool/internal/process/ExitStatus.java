package io.procpool.internal.process;

/**
 * Turns what the JVM reports about a dead child into Python's exit code convention: {@code n} for
 * {@code System.exit(n)}, {@code -N} for death by signal N.
 *
 * <p>The JDK reports a signal death as {@code 128 + N}, which looks like {@code System.exit(128 + N)}; a child that
 * went through its shutdown hook announces how it ended (EXIT frame), which settles it. Without an announcement
 * (SIGKILL, {@code Runtime.halt}, a crash) a code above 128 is taken as a signal, except SIGTERM, SIGINT and SIGHUP
 * once the child catches those ({@link #CAUGHT_SIGNALS}): a caught one is always announced, so {@code 143} without an
 * announcement is {@code Runtime.halt(143)}, not SIGTERM. (A child started with {@code -Xrs} catches none; its SIGTERM
 * then reads as exit code 143.)
 *
 * <p>Thread-safety: stateless; every method is thread-safe.
 */
public final class ExitStatus {
    /** EXIT frame id meaning "ended through System.exit or normally; the OS exit code is the truth". */
    public static final long ANNOUNCED_EXIT = 0;
    /** The signals a procpool child catches (before its first frame) to announce them: SIGHUP, SIGINT, SIGTERM. */
    public static final java.util.Set<Integer> CAUGHT_SIGNALS = java.util.Set.of(1, 2, 15);

    private ExitStatus() {
    }

    /**
     * As {@link #pythonExitCode(int, Long, boolean)} for a child that may not have caught any signal yet.
     */
    public static int pythonExitCode(int osExitCode, Long announcement) {
        return pythonExitCode(osExitCode, announcement, false);
    }

    /**
     * @param osExitCode     what {@link Process#exitValue()} returned
     * @param announcement   the EXIT frame's id, or {@code null} when the child sent none
     * @param catchesSignals whether the child had set up its catching of {@link #CAUGHT_SIGNALS} (it sent a frame)
     * @return the exit code in Python's convention
     */
    public static int pythonExitCode(int osExitCode, Long announcement, boolean catchesSignals) {
        if (announcement != null) {
            return announcement == ANNOUNCED_EXIT ? osExitCode : -announcement.intValue();
        }
        int signal = osExitCode - 128;
        boolean bySignal = signal > 0 && signal < 65 && !(catchesSignals && CAUGHT_SIGNALS.contains(signal));
        return bySignal ? -signal : osExitCode;
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
