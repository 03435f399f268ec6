package io.procpool.internal.handles;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A barrier's state in its host, as the JDK's {@code CyclicBarrier}: the parties waiting in this generation, whether
 * it is broken. A waiting party that times out gets a timeout and the barrier breaks for the others; a process that
 * dies while waiting, or dies (without exiting normally) after it once waited, breaks it too: its slot will never be
 * filled, so nobody waits for it in vain.
 *
 * <p>Thread-safety: guarded by this object's monitor ({@link Hosted}).
 */
public final class HostedBarrier extends Hosted {
    private static final Logger LOG = LoggerFactory.getLogger(HostedBarrier.class);
    private static final String BROKEN = "is broken";
    /** {@link Call#state} of a party answered by its generation's trip or break. */
    private static final Object ANSWERED = new Object();

    private final int parties;
    private final List<Call> arrived = new ArrayList<>();
    private final Set<Participant> members = new HashSet<>();
    private boolean broken;

    private HostedBarrier(HandleId id, int parties) {
        super(id);
        this.parties = parties;
    }

    /** Creates a barrier hosted by this JVM. */
    public static HandleId create(int parties) {
        return HandleCalls.host("ProcessBarrier", id -> new HostedBarrier(id, parties));
    }

    @Override
    boolean run(Call call) {
        switch (call.op()) {
            case Ops.ARRIVE -> {
                if (call.state == ANSWERED) {
                    return true; // answered when its generation tripped or broke
                }
                if (arrived.contains(call)) {
                    return false; // waits for the rest of its generation
                }
                if (broken) {
                    answer(call, brokenOutcome());
                    return true;
                }
                members.add(call.participant);
                arrived.add(call);
                if (arrived.size() < parties) {
                    return false;
                }
                for (int i = 0; i < arrived.size(); i++) {
                    answer(arrived.get(i), Outcome.done(parties - 1 - i));
                    arrived.get(i).state = ANSWERED; // the others leave the waiting list when next retried
                }
                arrived.clear();
            }
            case Ops.WAITING -> answer(call, Outcome.done(arrived.size()));
            case Ops.IS_BROKEN -> answer(call, Outcome.done(broken ? 1 : 0));
            case Ops.RESET -> {
                breakBarrier();
                broken = false;
                answer(call, Outcome.done(0));
            }
            default -> answer(call, Outcome.failed(Outcome.Failure.CLOSED, "unknown barrier operation "
                    + call.op()));
        }
        return true;
    }

    @Override
    boolean giveUp(Call call, boolean interrupted) {
        if (call.state == ANSWERED) {
            return true; // already answered with its arrival index
        }
        arrived.remove(call);
        answer(call, interrupted ? Outcome.CANCELLED : Outcome.TIMED_OUT);
        breakBarrier();
        return true;
    }

    @Override
    void release(Participant participant) {
        boolean wasWaiting = arrived.removeIf(call -> call.participant == participant);
        if (wasWaiting || members.remove(participant) && !participant.endedCleanly()) {
            LOG.warn("{} died {} {}: the barrier is broken", participant, wasWaiting ? "waiting at" : "a party of",
                    id.describe());
            breakBarrier();
        }
    }

    private void breakBarrier() {
        broken = true;
        for (Call call : arrived) {
            answer(call, brokenOutcome());
            call.state = ANSWERED;
        }
        arrived.clear();
    }

    private Outcome brokenOutcome() {
        return Outcome.failed(Outcome.Failure.BROKEN, id.describe() + " " + BROKEN);
    }
}
