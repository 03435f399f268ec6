package io.procpool.internal.handles;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lock's state in its host: the holding thread (of some process), the conditions made from it and their waiters,
 * and the pid of a process that died holding it, which the next acquirer is told (its acquire answers that pid; the
 * handle keeps it for {@code ProcessLock.acquiredAfterDeathOf()}) and a WARN log names.
 *
 * <p>Not reentrant (Python's {@code Lock}): {@code lock()} by the holding thread is refused (a self-deadlock is always
 * a bug), {@code tryLock} by it answers "not acquired". A condition wait gives the lock up, waits for a signal (or its
 * deadline, or an interrupt), then waits to hold the lock again before it answers, as the JDK's {@code Condition}.
 *
 * <p>Thread-safety: guarded by this object's monitor ({@link Hosted}).
 */
public final class HostedLock extends Hosted {
    private static final Logger LOG = LoggerFactory.getLogger(HostedLock.class);
    /** Number of an acquire that did not get the lock (its deadline passed). */
    public static final long NOT_ACQUIRED = -1;

    /** The call whose thread holds the lock (its participant and thread id), or {@code null}. */
    private Call holder;
    private long diedHoldingPid;
    private final List<List<Call>> conditions = new ArrayList<>();

    /** A condition wait's progress, in {@link Call#state}. */
    private static final class ConditionWait {
        boolean signalled;
        /** What it answers once it holds the lock again: signalled, timed out or cancelled. */
        Outcome result = Outcome.done(1);
    }

    private HostedLock(HandleId id) {
        super(id);
    }

    /** Creates a lock hosted by this JVM. */
    public static HandleId create() {
        return HandleCalls.host("ProcessLock", HostedLock::new);
    }

    @Override
    boolean run(Call call) {
        switch (call.op()) {
            case Ops.LOCK, Ops.TRY_LOCK -> {
                if (call.sameThread(holder)) {
                    if (call.op() == Ops.LOCK) {
                        answer(call, Outcome.failed(Outcome.Failure.ILLEGAL_STATE, "lock() of " + id.describe()
                                + " by the thread that holds it: a ProcessLock is not reentrant"));
                    } else {
                        answer(call, Outcome.done(NOT_ACQUIRED));
                    }
                    return true;
                }
                return tryAcquire(call, Outcome.done(0));
            }
            case Ops.UNLOCK -> {
                if (!call.sameThread(holder)) {
                    answer(call, notHolder("unlock()"));
                } else {
                    holder = null;
                    answer(call, Outcome.done(0));
                }
            }
            case Ops.NEW_CONDITION -> {
                conditions.add(new ArrayList<>());
                answer(call, Outcome.done(conditions.size() - 1));
            }
            case Ops.AWAIT -> {
                if (call.state instanceof ConditionWait wait) {
                    return wait.signalled && tryAcquire(call, wait.result);
                }
                if (!call.sameThread(holder)) {
                    answer(call, notHolder("await()"));
                    return true;
                }
                holder = null;
                call.state = new ConditionWait();
                condition(call).add(call);
                return false;
            }
            case Ops.SIGNAL, Ops.SIGNAL_ALL -> {
                if (!call.sameThread(holder)) {
                    answer(call, notHolder(call.op() == Ops.SIGNAL ? "signal()" : "signalAll()"));
                    return true;
                }
                List<Call> waiters = condition(call);
                while (!waiters.isEmpty()) {
                    Call waiter = waiters.remove(0);
                    if (isWaiting(waiter)) {
                        ((ConditionWait) waiter.state).signalled = true;
                        if (call.op() == Ops.SIGNAL) {
                            break;
                        }
                    }
                }
                answer(call, Outcome.done(0));
            }
            default -> answer(call, Outcome.failed(Outcome.Failure.CLOSED, "unknown lock operation " + call.op()));
        }
        return true;
    }

    private boolean tryAcquire(Call call, Outcome acquired) {
        if (holder != null) {
            return false;
        }
        holder = call;
        if (diedHoldingPid != 0 && acquired.number() == 0) {
            acquired = Outcome.done(diedHoldingPid);
            diedHoldingPid = 0;
        }
        answer(call, acquired);
        return true;
    }

    private List<Call> condition(Call call) {
        int index = (int) call.request.arg();
        if (index < 0 || index >= conditions.size()) {
            throw new IllegalArgumentException("no condition " + index + " of " + id.describe());
        }
        return conditions.get(index);
    }

    private Outcome notHolder(String what) {
        return Outcome.failed(Outcome.Failure.NOT_HOLDER, what + " of " + id.describe()
                + " by a thread that does not hold it");
    }

    @Override
    boolean giveUp(Call call, boolean interrupted) {
        if (call.state instanceof ConditionWait wait) {
            // JDK Condition: the waiter holds the lock again before it returns, also on timeout or interrupt
            if (!wait.signalled) {
                wait.signalled = true;
                wait.result = interrupted ? Outcome.CANCELLED : Outcome.TIMED_OUT;
                condition(call).remove(call);
            }
            return false;
        }
        return super.giveUp(call, interrupted);
    }

    @Override
    void release(Participant participant) {
        for (List<Call> waiters : conditions) {
            waiters.removeIf(call -> call.participant == participant);
        }
        if (holder != null && holder.participant == participant) {
            holder = null;
            diedHoldingPid = participant.pid();
            LOG.warn("{} ended holding {}: the lock is released and its next holder is told", participant,
                    id.describe());
        }
    }
}
