package io.procpool.internal.handles;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A semaphore's state in its host: the available permits and how many each process holds (acquired and not
 * released). A process that dies gives its permits back; the next acquire is answered the dead process's pid (the
 * handle keeps it for {@code ProcessSemaphore.acquiredAfterDeathOf()}) and a WARN log names it. A release beyond
 * what a process holds raises the count, as the JDK's {@code Semaphore} allows.
 *
 * <p>Thread-safety: guarded by this object's monitor ({@link Hosted}).
 */
public final class HostedSemaphore extends Hosted {
    private static final Logger LOG = LoggerFactory.getLogger(HostedSemaphore.class);

    private long permits;
    private final Map<Participant, Long> held = new HashMap<>();
    private long diedHoldingPid;

    private HostedSemaphore(HandleId id, long permits) {
        super(id);
        this.permits = permits;
    }

    /** Creates a semaphore hosted by this JVM. */
    public static HandleId create(int permits) {
        return HandleCalls.host("ProcessSemaphore", id -> new HostedSemaphore(id, permits));
    }

    @Override
    boolean run(Call call) {
        long count = call.request.arg();
        switch (call.op()) {
            case Ops.ACQUIRE -> {
                if (permits < count) {
                    return false;
                }
                permits -= count;
                held.merge(call.participant, count, Long::sum);
                answer(call, Outcome.done(diedHoldingPid));
                diedHoldingPid = 0;
            }
            case Ops.RELEASE -> {
                permits += count;
                held.computeIfPresent(call.participant, (p, n) -> n > count ? n - count : null);
                answer(call, Outcome.done(0));
            }
            case Ops.AVAILABLE -> answer(call, Outcome.done(permits));
            default -> answer(call, Outcome.failed(Outcome.Failure.CLOSED, "unknown semaphore operation "
                    + call.op()));
        }
        return true;
    }

    @Override
    void release(Participant participant) {
        Long count = held.remove(participant);
        if (count != null) {
            permits += count;
            diedHoldingPid = participant.pid();
            LOG.warn("{} ended holding {} permit(s) of {}: they are released and the next acquirer is told",
                    participant, count, id.describe());
        }
    }
}
