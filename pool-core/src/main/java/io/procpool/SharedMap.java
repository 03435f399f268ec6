package io.procpool;

import io.procpool.internal.handles.HandleCalls;
import io.procpool.internal.handles.HandleId;
import io.procpool.internal.handles.HostedMap;
import io.procpool.internal.handles.Ops;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Python's {@code Manager().dict()}, without the manager process: a map hosted by the JVM that created it and used by
 * every process that may use the handle. Keys and values are copied (encoded by the writer, decoded by each reader);
 * a key's {@code equals} and {@code hashCode} are evaluated in the host. {@link #compute} runs its function in the
 * host, atomically with respect to every other operation of every process (keep it short: it holds the map).
 * {@link #snapshot()} is the one bulk read. {@code null} keys and values are refused with
 * {@link NullPointerException}.
 *
 * <p>Thread-safety: every method is safe from any thread of any process that may use the handle.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class SharedMap<K, V> extends HostedHandle {

    SharedMap(HandleId id) {
        super(id);
    }

    /**
     * An empty map hosted by this JVM.
     *
     * @param <K> the key type
     * @param <V> the value type
     * @return a handle of the new map, hosted by this JVM
     */
    public static <K, V> SharedMap<K, V> create() {
        return new SharedMap<>(HostedMap.create());
    }

    /**
     * The value of {@code key}, or {@code null}.
     *
     * @param key the key; {@code null} is refused
     * @return the value, or {@code null}
     */
    public V get(K key) {
        return decoded(quick(Ops.GET, 0, encode(key, "key"), null).value());
    }

    /**
     * Maps {@code key} to {@code value}; returns the previous value or {@code null}.
     *
     * @param key the key; {@code null} is refused
     * @param value the value; {@code null} is refused
     * @return the previous value, or {@code null}
     */
    public V put(K key, V value) {
        return decoded(quick(Ops.MAP_PUT, 0, encode(key, "key"), encode(value, "value")).value());
    }

    /**
     * Removes {@code key}; returns its value or {@code null}.
     *
     * @param key the key; {@code null} is refused
     * @return the removed value, or {@code null}
     */
    public V remove(K key) {
        return decoded(quick(Ops.REMOVE, 0, encode(key, "key"), null).value());
    }

    /**
     * Tells whether the map holds the key.
     *
     * @param key the key; {@code null} is refused
     * @return whether {@code key} is mapped
     */
    public boolean containsKey(K key) {
        return quick(Ops.CONTAINS, 0, encode(key, "key"), null).number() != 0;
    }

    /** {@return the number of entries} */
    public int size() {
        return (int) quick(Ops.MAP_SIZE, 0, null, null).number();
    }

    /** Removes every entry. */
    public void clear() {
        quick(Ops.MAP_CLEAR, 0, null, null);
    }

    /**
     * Replaces the value of {@code key} by {@code function(key, current value or null)}, in the host, atomically; a
     * {@code null} result removes the key. The function holds the map while it runs, so it must not wait: an operation
     * on a handle that may wait ({@code take}, {@code lock}, {@code await}, any timeout but zero) throws
     * {@link IllegalStateException} in it, instead of blocking every process that uses the map; so does an operation
     * on another {@code SharedMap} (two functions each using the other's map would wait for each other forever).
     *
     * @return the new value, or {@code null}
     * @throws PoolException if the function threw (its exception, an {@code Error} too, is the cause)
     * @param key the key; {@code null} is refused
     * @param function computes the new value from the key and the current value ({@code null} if none); runs in the host
     */
    public V compute(K key, TaskBiFunction<? super K, ? super V, ? extends V> function) {
        Objects.requireNonNull(function, "function");
        return decoded(quick(Ops.COMPUTE, 0, encode(key, "key"), encode(function, "compute function")).value());
    }

    /**
     * A copy of every entry, read at one instant.
     *
     * @return a copy of every entry
     */
    public Map<K, V> snapshot() {
        Map<K, byte[]> encoded = HandleCalls.decode(quick(Ops.SNAPSHOT, 0, null, null).value(), "snapshot");
        Map<K, V> copy = new HashMap<>();
        encoded.forEach((key, value) -> copy.put(key, decoded(value)));
        return copy;
    }

    /** Frees the map in its host; using it afterwards throws {@link PoolException}. */
    public void close() {
        dispose();
    }

    private V decoded(byte[] value) {
        return HandleCalls.decode(value, "value");
    }
}
