package io.procpool.faults;

/**
 * Exceptions and values written as a hostile (or merely careless) user would: getters that throw or return
 * {@code null}, causes that point at themselves, messages decorated by an override, chains 10,000 deep. They are
 * thrown inside worker JVMs, and the pool must carry what can be read and keep the worker alive.
 */
public final class HostileExceptions {
    private HostileExceptions() {
    }

    /** {@code getMessage()} throws. */
    public static class MessageThrows extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @Override
        public String getMessage() {
            throw new IllegalStateException("getMessage is hostile");
        }
    }

    /** {@code getLocalizedMessage()} throws (and so does the default {@code toString()}). */
    public static class LocalizedMessageThrows extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public LocalizedMessageThrows(String message) {
            super(message);
        }

        @Override
        public String getLocalizedMessage() {
            throw new IllegalStateException("getLocalizedMessage is hostile");
        }
    }

    /** {@code toString()} throws. */
    public static class ToStringThrows extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ToStringThrows(String message) {
            super(message);
        }

        @Override
        public String toString() {
            throw new IllegalStateException("toString is hostile");
        }
    }

    /** {@code toString()} returns {@code null}. */
    public static class ToStringNull extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ToStringNull(String message) {
            super(message);
        }

        @Override
        public String toString() {
            return null;
        }
    }

    /** {@code getStackTrace()} throws. */
    public static class StackTraceThrows extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public StackTraceThrows(String message) {
            super(message);
        }

        @Override
        public StackTraceElement[] getStackTrace() {
            throw new IllegalStateException("getStackTrace is hostile");
        }
    }

    /** {@code getStackTrace()} returns {@code null}. */
    public static class StackTraceNull extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public StackTraceNull(String message) {
            super(message);
        }

        @Override
        public StackTraceElement[] getStackTrace() {
            return null;
        }
    }

    /** {@code getCause()} throws. */
    public static class CauseThrows extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public CauseThrows(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable getCause() {
            throw new IllegalStateException("getCause is hostile");
        }
    }

    /** {@code getMessage()} throws and the exception is its own cause. */
    public static class SelfCauseMessageThrows extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @Override
        public String getMessage() {
            throw new UnsupportedOperationException("no message for you");
        }

        @Override
        public synchronized Throwable getCause() {
            return this;
        }
    }

    /** An {@link Error} subclass whose {@code getMessage()} and {@code toString()} throw. */
    public static class HostileError extends Error {
        private static final long serialVersionUID = 1L;

        @Override
        public String getMessage() {
            throw new IllegalStateException("hostile error message");
        }

        @Override
        public String toString() {
            throw new IllegalStateException("hostile error toString");
        }
    }

    /** Overrides {@code getMessage()} to decorate the message it was built with, as many domain exceptions do. */
    public static class DecoratedMessage extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public DecoratedMessage(String message) {
            super(message);
        }

        @Override
        public String getMessage() {
            return "[order service] " + super.getMessage() + " (see the runbook)";
        }
    }

    /** A result whose {@code toString()} throws. */
    public record LoudResult(int value) {
        @Override
        public String toString() {
            throw new IllegalStateException("toString of a result is hostile");
        }
    }

    /** {@code b} caused by {@code a} caused by {@code b}: a cause cycle of length 2. */
    public static RuntimeException causeCycle() {
        RuntimeException a = new IllegalArgumentException("a");
        RuntimeException b = new IllegalStateException("b", a);
        a.initCause(b);
        return b;
    }

    /** A chain {@code depth} links deep whose root is an {@link IllegalArgumentException} "the root cause". */
    public static RuntimeException deepChain(int depth) {
        RuntimeException chain = new IllegalArgumentException("the root cause");
        for (int i = depth - 1; i > 0; i--) {
            chain = new RuntimeException("link " + i, chain);
        }
        return chain;
    }

    /** An exception whose suppressed exception's {@code getMessage()} throws. */
    public static RuntimeException withHostileSuppressed() {
        RuntimeException outer = new IllegalStateException("outer");
        outer.addSuppressed(new MessageThrows());
        return outer;
    }
}
