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
    private final Broker broker;
    private final Map<Object, byte[]> entries = new HashMap<>();

    private HostedMap(HandleId id, Broker broker) {
        super(id);
        this.broker = broker;
    }

    /** Creates a map hosted by this JVM. */
    public static HandleId create() {
        Broker broker = Broker.current();
        return broker.host("SharedMap", id -> new HostedMap(id, broker));
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
        } catch (RuntimeException e) {
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
        try {
            result = function.apply(key, old == null ? null : Codec.decode(old, broker.loader(), "value"));
        } catch (Exception e) {
            answer(call, new Outcome(Outcome.Status.FAILED, Outcome.Failure.FUNCTION_FAILED, 0,
                    Codec.encode(e, "exception"), "compute(" + key + ") on " + id.describe() + " threw " + e));
            return;
        }
        byte[] encoded = result == null ? null : Codec.encode(result, "computed value");
        if (encoded == null) {
            entries.remove(key);
        } else {
            entries.put(key, encoded);
        }
        answer(call, Outcome.done(0, encoded));
    }

    private Object key(byte[] bytes) {
        return bytes == null ? null : Codec.decode(bytes, broker.loader(), "key");
    }
}
