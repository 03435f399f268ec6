package io.procpool.internal.handles;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A queue's state in its host: the encoded items in order, the capacity, whether it is closed and, for a joinable
 * queue, the items each process took and has not marked done. When a process dies, the items it took and did not
 * mark done go back to the head of the queue (in the order it took them), so another consumer takes them and
 * {@code join()} neither hangs nor loses them.
 *
 * <p>Thread-safety: guarded by this object's monitor ({@link Hosted}).
 */
public final class HostedQueue extends Hosted {
    private static final Logger LOG = LoggerFactory.getLogger(HostedQueue.class);

    private final Broker broker;
    private final int capacity;
    private final boolean joinable;
    private final ArrayDeque<byte[]> items = new ArrayDeque<>();
    private final Map<Participant, ArrayDeque<byte[]>> takenNotDone = new HashMap<>();
    /** Items put and not yet marked done (joinable queues): in the queue plus taken and not done. */
    private long unfinished;
    private boolean closed;

    HostedQueue(HandleId id, Broker broker, int capacity, boolean joinable) {
        super(id);
        this.broker = broker;
        this.capacity = capacity;
        this.joinable = joinable;
    }

    /** Creates a queue hosted by this JVM; {@code capacity} 0 for unbounded. */
    public static HandleId create(int capacity, boolean joinable) {
        Broker broker = Broker.current();
        return broker.host(joinable ? "JoinableProcessQueue" : "ProcessQueue",
                id -> new HostedQueue(id, broker, capacity, joinable));
    }

    @Override
    boolean run(Call call) {
        switch (call.op()) {
            case Ops.PUT -> {
                if (closed) {
                    answer(call, Outcome.failed(Outcome.Failure.QUEUE_CLOSED, "put on " + id.describe()
                            + " after it was closed"));
                    return true;
                }
                if (capacity > 0 && items.size() >= capacity) {
                    return false;
                }
                items.addLast(call.request.first());
                unfinished++;
                answer(call, Outcome.done(1));
                return true;
            }
            case Ops.TAKE -> {
                byte[] item = items.pollFirst();
                if (item != null) {
                    if (joinable) {
                        takenNotDone.computeIfAbsent(call.participant, p -> new ArrayDeque<>()).addLast(item);
                    }
                    answer(call, Outcome.done(1, item));
                    freeIfClosedAndDrained();
                    return true;
                }
                if (closed) {
                    answer(call, Outcome.failed(Outcome.Failure.QUEUE_CLOSED, id.describe()
                            + " is closed and drained"));
                    return true;
                }
                return false;
            }
            case Ops.SIZE -> answer(call, Outcome.done(items.size()));
            case Ops.CLOSE -> {
                if (!closed) {
                    closed = true;
                    broker.announceClosed(id.objectId());
                }
                answer(call, Outcome.done(0));
                freeIfClosedAndDrained();
            }
            case Ops.TASK_DONE -> taskDone(call);
            case Ops.JOIN -> {
                if (unfinished > 0) {
                    return false;
                }
                answer(call, Outcome.done(1));
            }
            default -> answer(call, Outcome.failed(Outcome.Failure.CLOSED, "unknown queue operation " + call.op()));
        }
        return true;
    }

    /**
     * Frees a closed plain queue once it is drained (API.md): nothing can enter it again, and a program that makes a
     * queue per job would otherwise grow its host without bound. Its waiting takers are still answered "closed and
     * drained" by this change; later callers find no object and get {@code QueueClosedException}. A joinable queue
     * stays: its {@code join()} and {@code taskDone()} still have answers to give.
     */
    private void freeIfClosedAndDrained() {
        if (closed && items.isEmpty() && !joinable) {
            broker.forget(id.objectId());
        }
    }

    private void taskDone(Call call) {
        if (unfinished <= items.size()) {
            answer(call, Outcome.failed(Outcome.Failure.ILLEGAL_STATE, "taskDone() on " + id.describe()
                    + " called more times than items were taken"));
            return;
        }
        unfinished--;
        ArrayDeque<byte[]> mine = takenNotDone.get(call.participant);
        if (mine == null || mine.isEmpty()) {
            // marked done by another process than the one that took it (allowed, as in Python): count it off anyone's
            Iterator<ArrayDeque<byte[]>> held = takenNotDone.values().iterator();
            while (held.hasNext() && (mine == null || mine.isEmpty())) {
                mine = held.next();
            }
        }
        if (mine != null) {
            mine.pollFirst();
        }
        answer(call, Outcome.done(0));
    }

    @Override
    void release(Participant participant) {
        ArrayDeque<byte[]> held = takenNotDone.remove(participant);
        if (held == null || held.isEmpty()) {
            return;
        }
        for (Iterator<byte[]> it = held.descendingIterator(); it.hasNext(); ) {
            items.addFirst(it.next());
        }
        LOG.warn("{} ended holding {} item(s) of {} that it took and did not mark done: they are back at the head "
                + "of the queue", participant, held.size(), id.describe());
    }
}
