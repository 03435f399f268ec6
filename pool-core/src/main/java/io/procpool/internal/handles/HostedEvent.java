package io.procpool.internal.handles;

/**
 * An event's state in its host: one flag; waiters are answered when it is set.
 *
 * <p>Thread-safety: guarded by this object's monitor ({@link Hosted}).
 */
public final class HostedEvent extends Hosted {
    private boolean set;

    private HostedEvent(HandleId id) {
        super(id);
    }

    /** Creates an event hosted by this JVM. */
    public static HandleId create() {
        return HandleCalls.host("ProcessEvent", HostedEvent::new);
    }

    @Override
    boolean run(Call call) {
        switch (call.op()) {
            case Ops.SET -> set = true;
            case Ops.CLEAR -> set = false;
            case Ops.IS_SET -> { }
            case Ops.WAIT -> {
                if (!set) {
                    return false;
                }
            }
            default -> {
                answer(call, Outcome.failed(Outcome.Failure.CLOSED, "unknown event operation " + call.op()));
                return true;
            }
        }
        answer(call, Outcome.done(set ? 1 : 0));
        return true;
    }
}
