package io.procpool.internal.handles;

import io.procpool.TaskBiFunction;
import io.procpool.internal.codec.Codec;
import java.util.HashMap;
import java.util.Map;

/**
 * A shared map's state in its host: keys decoded (the host needs their {@code equals}), values kept as the bytes their
 * writer encoded (a reader decodes its own copy). {@code compute} decodes the function and the current value, runs
 * the function here, under this object's monitor, and stores its result: atomic for every process at once.
 *
 * <p>Thread-safety: guarded by this object's monitor ({@link Hosted}); a compute function runs under it, so it must
 * be short (it blocks every other operation on this map).
 */
public final class HostedMap extends Hosted {
    /** The map whose compute function this thread runs, if any: such a function must not wait on a handle. */
    private static final ThreadLocal<HandleId> COMPUTING = new ThreadLocal<>();
    private static final String KIND = "SharedMap";

    private final Broker broker;
    private final Map<Object, byte[]> entries = new HashMap<>();

    private HostedMap(HandleId id, Broker broker) {
        super(id);
        this.broker = broker;
    }

    /** Creates a map hosted by this JVM. */
    public static HandleId create() {
        Broker broker = Broker.current();
        return broker.host(KIND, id -> new HostedMap(id, broker));
    }

    @Override
    boolean run(Call call) {
        byte[] keyBytes = call.request.first();
        try {
            switch (call.op()) {
                case Ops.GET -> answer(call, Outcome.done(0, entries.get(key(keyBytes))));
                case Ops.MAP_PUT -> answer(call, Outcome.done(0, entries.put(key(keyBytes), call.request.second())));
                case Ops.REMOVE -> answer(call, Outcome.done(0, entries.remove(key(keyBytes))));
                case Ops.CONTAINS -> answer(call, Outcome.done(entries.containsKey(key(keyBytes)) ? 1 : 0));
                case Ops.MAP_SIZE -> answer(call, Outcome.done(entries.size()));
                case Ops.MAP_CLEAR -> {
                    entries.clear();
                    answer(call, Outcome.done(0));
                }
                case Ops.SNAPSHOT -> answer(call, Outcome.done(0, Codec.encode(new HashMap<>(entries), "snapshot")));
                case Ops.COMPUTE -> compute(call, key(keyBytes));
                default -> answer(call, Outcome.failed(Outcome.Failure.CLOSED, "unknown map operation " + call.op()));
            }
        } catch (Throwable e) {
            // the user's code runs here (a key's equals and hashCode, a compute function): whatever it throws is
            // that call's failure; escaping, it would end the caller's connection, which the broker takes for the
            // caller's death (its locks released while it still runs)
            answer(call, Outcome.failed(Outcome.Failure.FUNCTION_FAILED, id.describe() + ": " + e));
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private void compute(Call call, Object key) {
        TaskBiFunction<Object, Object, Object> function = (TaskBiFunction<Object, Object, Object>) Codec.decode(
                call.request.second(), broker.loader(), "compute function");
        byte[] old = entries.get(key);
        Object result;
        HandleId outer = COMPUTING.get();
        COMPUTING.set(id);
        try {
            result = function.apply(key, old == null ? null : Codec.decode(old, broker.loader(), "value"));
        } catch (Throwable e) { // an Error too: see run
            answer(call, new Outcome(Outcome.Status.FAILED, Outcome.Failure.FUNCTION_FAILED, 0,
                    Codec.encode(e, "exception"), "compute(" + key + ") on " + id.describe() + " threw " + e));
            return;
        } finally {
            COMPUTING.set(outer);
        }
        byte[] encoded = result == null ? null : Codec.encode(result, "computed value");
        if (encoded == null) {
            entries.remove(key);
        } else {
            entries.put(key, encoded);
        }
        answer(call, Outcome.done(0, encoded));
    }

    /**
     * Refuses, when this thread runs a compute function, an operation on {@code target} that may wait or that uses
     * another map. The function holds its map (and, for a remote caller, the reader of that caller's connection, so
     * not even its death would be seen): what it waits for may never come (a lock its own caller holds, an item nobody
     * puts), and two functions each using the other's map would hold one map each and wait for the other forever.
     *
     * @param mayWait whether the operation may wait (a timeout other than zero)
     * @throws IllegalStateException in a compute function
     */
    static void checkUseInCompute(HandleId target, boolean mayWait) {
        HandleId map = COMPUTING.get();
        if (map == null) {
            return;
        }
        if (mayWait) {
            throw new IllegalStateException("a compute function of " + map.describe() + " must not wait on "
                    + target.describe() + ": it runs in the host holding the map, so every process using the map "
                    + "would wait with it; use a zero timeout (tryLock, poll, tryAcquire with Duration.ZERO)");
        }
        if (target.kind().equals(KIND) && !target.equals(map)) {
            throw new IllegalStateException("a compute function of " + map.describe() + " must not use "
                    + target.describe() + ": it holds its own map, and a compute of that map using this one would "
                    + "wait for it forever (compute over one map, or read the other first)");
        }
    }

    private Object key(byte[] bytes) {
        return bytes == null ? null : Codec.decode(bytes, broker.loader(), "key");
    }
}
