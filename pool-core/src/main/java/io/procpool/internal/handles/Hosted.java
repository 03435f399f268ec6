package io.procpool.internal.handles;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The state of one object in its host (a queue's items, a lock's holder) and the engine every hosted type shares:
 * requests that cannot be answered yet wait in arrival order and are retried after each change, a waiting request
 * ends at its deadline or when its caller is interrupted, and a process that ends is removed from everything it held
 * ({@link #participantEnded}). Subclasses implement the operations as small state machines over their own fields.
 *
 * <p>Thread-safety: all state is guarded by this object's monitor; outcomes are handed to callers after leaving it
 * (a remote reply is a socket write, which must not stall the others).
 */
abstract class Hosted {
    final HandleId id;
    private final ArrayDeque<Call> waiting = new ArrayDeque<>();  // guarded by this
    private List<Map.Entry<Call, Outcome>> answered = new ArrayList<>(); // guarded by this

    Hosted(HandleId id) {
        this.id = id;
    }

    /**
     * Runs {@code call} now, or decides it waits.
     *
     * @return whether it was answered (through {@link #answer}); {@code false} to wait (retried after each change)
     */
    abstract boolean run(Call call);

    /**
     * A waiting call's deadline passed (or, with {@code interrupted}, its caller gave up): answer it, or return
     * {@code false} when it must go on waiting in another form (a condition wait that must get its lock back first).
     */
    boolean giveUp(Call call, boolean interrupted) {
        answer(call, interrupted ? Outcome.CANCELLED : Outcome.TIMED_OUT);
        return true;
    }

    /** Releases what {@code participant} held; its waiting calls are already gone. */
    void release(Participant participant) {
    }

    /** Answers {@code call}; the outcome is delivered once the monitor is left. */
    final void answer(Call call, Outcome outcome) {
        answered.add(Map.entry(call, outcome));
    }

    /** Whether {@code call} still waits (a condition's waiters are also kept in the condition). */
    final boolean isWaiting(Call call) {
        return waiting.contains(call);
    }

    final void submit(Call call, Broker broker) {
        if (call.op() == Ops.DISPOSE) {
            broker.remove(id.objectId());
            call.deliver(Outcome.done(0));
            return;
        }
        change(() -> {
            if (!run(call)) {
                long timeout = call.request.timeoutNanos();
                if (timeout > 0 || !giveUp(call, false)) {
                    waiting.add(call);
                    if (timeout > 0 && timeout != Request.FOREVER) {
                        call.timer = broker.schedule(() -> expire(call, false), timeout);
                    }
                }
            }
        });
    }

    /** The caller's deadline passed, or it was interrupted ({@code interrupted}). */
    final void expire(Call call, boolean interrupted) {
        change(() -> {
            if (waiting.contains(call) && giveUp(call, interrupted)) {
                waiting.remove(call);
            }
        });
    }

    /** A process ended: its waiting calls go, what it held is released, and whoever waited for that is answered. */
    final void participantEnded(Participant participant) {
        change(() -> {
            waiting.removeIf(call -> call.participant == participant);
            release(participant);
        });
    }

    /** Answers every waiting call with {@code outcome} (the object was closed). */
    final void failAllWaiting(Outcome outcome) {
        change(() -> {
            for (Call call : waiting) {
                answer(call, outcome);
            }
            waiting.clear();
        });
    }

    /**
     * Applies {@code change} under this object's monitor, retries the waiting calls it may have unblocked, then
     * delivers every outcome outside the monitor.
     */
    private void change(Runnable change) {
        List<Map.Entry<Call, Outcome>> done;
        synchronized (this) {
            change.run();
            retryWaiting();
            done = takeAnswered();
        }
        deliver(done);
    }

    /** Retries the waiting calls in arrival order until a pass answers none. */
    private void retryWaiting() {
        boolean progress = !waiting.isEmpty();
        while (progress) {
            progress = false;
            for (Iterator<Call> it = waiting.iterator(); it.hasNext(); ) {
                Call call = it.next();
                if (run(call)) {
                    it.remove();
                    progress = true;
                }
            }
        }
    }

    private List<Map.Entry<Call, Outcome>> takeAnswered() {
        if (answered.isEmpty()) {
            return List.of();
        }
        List<Map.Entry<Call, Outcome>> done = answered;
        answered = new ArrayList<>();
        return done;
    }

    private static void deliver(List<Map.Entry<Call, Outcome>> done) {
        for (Map.Entry<Call, Outcome> entry : done) {
            entry.getKey().deliver(entry.getValue());
        }
    }
}
