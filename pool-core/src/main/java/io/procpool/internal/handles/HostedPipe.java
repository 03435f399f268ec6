package io.procpool.internal.handles;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * A pipe's state in its host: for each end (0 left, 1 right) the messages waiting to be received there, the processes
 * that use it (sent, received or polled on it) and have not closed it, and the processes that closed it. An end is
 * finished once someone used it and every process that did has closed it or died; then its peer's receive answers
 * what is left, and after that "closed" (Python's {@code EOFError}).
 *
 * <p>Thread-safety: guarded by this object's monitor ({@link Hosted}).
 */
public final class HostedPipe extends Hosted {
    private final End[] ends = {new End(), new End()};

    private static final class End {
        final ArrayDeque<byte[]> inbox = new ArrayDeque<>();
        final Set<Participant> users = new HashSet<>();
        final Set<Participant> closedBy = new HashSet<>();
        boolean used;

        boolean finished() {
            return used && users.isEmpty();
        }
    }

    private HostedPipe(HandleId id) {
        super(id);
    }

    /** Creates a pipe hosted by this JVM. */
    public static HandleId create() {
        return HandleCalls.host("ProcessPipe", HostedPipe::new);
    }

    @Override
    boolean run(Call call) {
        int index = (int) call.request.arg();
        End end = ends[index];
        End peer = ends[1 - index];
        String name = id.describe() + (index == 0 ? " (left end)" : " (right end)");
        if (call.op() != Ops.CLOSE_END && end.closedBy.contains(call.participant)) {
            answer(call, Outcome.failed(Outcome.Failure.PIPE_CLOSED, name + " was closed in this process"));
            return true;
        }
        switch (call.op()) {
            case Ops.SEND -> {
                use(end, call);
                peer.inbox.addLast(call.request.first());
                answer(call, Outcome.done(0));
            }
            case Ops.RECV, Ops.POLL -> {
                use(end, call);
                if (!end.inbox.isEmpty()) {
                    answer(call, call.op() == Ops.POLL ? Outcome.done(1) : Outcome.done(1, end.inbox.pollFirst()));
                } else if (peer.finished()) {
                    answer(call, call.op() == Ops.POLL ? Outcome.done(1) : Outcome.failed(
                            Outcome.Failure.PIPE_CLOSED, name + ": the other end was closed, or its process died"));
                } else {
                    return false;
                }
            }
            case Ops.CLOSE_END -> {
                end.users.remove(call.participant);
                end.closedBy.add(call.participant);
                answer(call, Outcome.done(0));
            }
            default -> answer(call, Outcome.failed(Outcome.Failure.CLOSED, "unknown pipe operation " + call.op()));
        }
        return true;
    }

    private static void use(End end, Call call) {
        end.used = true;
        end.users.add(call.participant);
    }

    @Override
    void release(Participant participant) {
        for (End end : ends) {
            end.users.remove(participant);
            end.closedBy.remove(participant);
        }
    }
}
