package io.procpool.internal.handles;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One request inside the host, from its arrival until its {@link Outcome}: who asked, what, and (for a request that
 * waits) the hosted type's own progress in {@link #state}. A local caller waits on {@link #future}; a remote one gets
 * a REPLY frame, unless the request was one-way.
 *
 * <p>Thread-safety: {@link #state} and {@link #timer} are guarded by the hosted object's monitor; {@link #future} is
 * thread-safe.
 */
final class Call {
    final Participant participant;
    final long requestId;
    final Request request;
    final boolean oneWay;
    final CompletableFuture<Outcome> future = new CompletableFuture<>();
    /** The hosted type's progress of a waiting call (a condition wait's phase, say). */
    Object state;
    ScheduledFuture<?> timer;

    Call(Participant participant, long requestId, Request request, boolean oneWay) {
        this.participant = participant;
        this.requestId = requestId;
        this.request = request;
        this.oneWay = oneWay;
    }

    int op() {
        return request.op();
    }

    /** Whether this call and {@code other} come from the same thread of the same process (lock ownership). */
    boolean sameThread(Call other) {
        return other != null && participant == other.participant && request.threadId() == other.request.threadId();
    }

    /** Hands the outcome to whoever waits; called outside the hosted object's monitor. */
    void deliver(Outcome outcome) {
        if (timer != null) {
            timer.cancel(false);
        }
        if (!future.complete(outcome) || oneWay || participant == Participant.HOST) {
            return;
        }
        participant.send(outcome.toFrame(requestId));
    }
}
