package io.procpool.internal.codec;

/**
 * Marks where causes were dropped from a cause chain too long to carry whole: it sits between the first causes and
 * the root cause, and its message says how many links are missing. It is never thrown; it only appears in rebuilt
 * chains (see {@link ThrowableSerializer}).
 *
 * <p>Thread-safety: immutable once built.
 */
public final class CausesOmittedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message how many causes were omitted, as {@link #message} words it
     */
    public CausesOmittedException(String message) {
        super(message);
    }

    /**
     * @param dropped how many causes are missing here
     * @param total   how long the chain was (at least, when {@code endless})
     * @param endless whether the chain was followed only as far as {@link ThrowableSerializer#MAX_TRAVERSED}
     */
    static String message(int dropped, int total, boolean endless) {
        String more = endless ? "at least " : "";
        return more + dropped + " causes omitted here: the cause chain was " + more + total + " deep; procpool keeps"
                + " the first " + ThrowableSerializer.KEPT_HEAD + " and the root cause";
    }
}
