package io.procpool;

import io.procpool.internal.handles.HandleCalls;
import io.procpool.internal.handles.HandleId;
import io.procpool.internal.handles.HandleResolution;
import io.procpool.internal.handles.Ops;
import io.procpool.internal.handles.Outcome;
import java.time.Duration;
import java.util.Objects;

/**
 * What every messaging handle is: the id of an object hosted by some JVM, and the calls that reach it there (see
 * {@code internal.handles}). The id is the handle's only field, so a handle travels with Kryo wherever a value travels
 * and means the same object in every process; where it may be used is {@link HandleResolution}'s rule.
 *
 * <p>Thread-safety: immutable; every operation is safe from any thread of any process that may use the handle.
 */
abstract class HostedHandle {
    final HandleId id;

    HostedHandle(HandleId id) {
        this.id = id;
    }

    /** An operation that may wait up to {@code timeout} ({@code null}: forever). */
    final Outcome call(int op, long arg, byte[] first, byte[] second, Duration timeout) throws InterruptedException {
        return check(HandleCalls.call(id, op, arg, first, second, timeout));
    }

    /** As {@link #call}, leaving the outcome unchecked (for failures that are checked exceptions). */
    final Outcome callUnchecked(int op, long arg, Duration timeout) throws InterruptedException {
        return HandleCalls.call(id, op, arg, null, null, timeout);
    }

    /** An operation that never waits in the host. */
    final Outcome quick(int op, long arg, byte[] first, byte[] second) {
        return check(HandleCalls.quick(id, op, arg, first, second));
    }

    /** Throws what a refused operation means; returns the outcome otherwise (done, timed out). */
    final Outcome check(Outcome outcome) {
        if (outcome.status() != Outcome.Status.FAILED) {
            return outcome;
        }
        throw switch (outcome.failure()) {
            case HOST_GONE -> HandleResolution.hostExited(id);
            case CLOSED -> closedFailure();
            case FUNCTION_FAILED -> new PoolException(outcome.message(), outcome.value() == null ? null
                    : HandleCalls.<Throwable>decode(outcome.value(), "exception"));
            default -> outcome.toException();
        };
    }

    /** What using the object after its {@code close()} throws. */
    RuntimeException closedFailure() {
        return HandleResolution.closed(id);
    }

    static byte[] encode(Object value, String what) {
        return HandleCalls.encode(Objects.requireNonNull(value, what), what);
    }

    static Duration checked(Duration timeout) {
        return Objects.requireNonNull(timeout, "timeout");
    }

    /** Frees the object in its host; using it afterwards (from any process) throws {@link PoolException}. */
    void dispose() {
        check(HandleCalls.quick(id, Ops.DISPOSE, 0, null, null));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HostedHandle that && getClass() == that.getClass() && id.equals(that.id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return id.describe();
    }
}
