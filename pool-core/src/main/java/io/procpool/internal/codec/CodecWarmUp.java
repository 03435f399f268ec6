package io.procpool.internal.codec;

import io.procpool.internal.protocol.Payloads;
import java.util.function.BooleanSupplier;

/**
 * Runs the codec's hot paths on dummy chunks so the JIT compiles them before a real map needs them: a chunk request
 * and its results, encoded and decoded, for each common shape of items (ints, longs, doubles, strings, and a mixed
 * array on the generic path). A fresh JVM interprets those loops until a few hundred chunks have gone through them;
 * this pays that cost while the JVM is idle instead of during the first map.
 *
 * <p>Bounded: at most {@link #ROUNDS} rounds of {@link #ITEMS}-item chunks (a few thousand chunks, tens of
 * milliseconds of one core when interpreted), and it stops between two chunks as soon as {@code keepGoing} says so.
 * It prints nothing and swallows nothing but its own failures, which only end the warm-up.
 *
 * <p>Thread-safety: {@link #run} may be called from any thread; it uses pooled codec contexts like any caller.
 */
public final class CodecWarmUp {
    static final int ROUNDS = 600;
    static final int ITEMS = 256;

    private CodecWarmUp() {
    }

    /**
     * Runs up to {@link #ROUNDS} rounds while {@code keepGoing} is true.
     *
     * @return how many chunks went through encode and decode
     */
    public static int run(BooleanSupplier keepGoing) {
        Object[][] shapes = shapes();
        ClassLoader loader = CodecWarmUp.class.getClassLoader();
        int chunks = 0;
        for (int round = 0; round < ROUNDS; round++) {
            for (Object[] items : shapes) {
                if (!keepGoing.getAsBoolean()) {
                    return chunks;
                }
                byte[] request = Codec.encode(new Payloads.ChunkRequest(round, items), "arguments");
                Object[] decoded = ((Payloads.ChunkRequest) Codec.decode(request, loader, "arguments")).items();
                Codec.decodeTimed(Codec.encodeTimed(round, decoded, "result"), loader, "result");
                chunks++;
            }
        }
        return chunks;
    }

    private static Object[][] shapes() {
        Object[] ints = new Object[ITEMS];
        Object[] longs = new Object[ITEMS];
        Object[] doubles = new Object[ITEMS];
        Object[] strings = new Object[ITEMS];
        Object[] mixed = new Object[ITEMS / 8];
        for (int i = 0; i < ITEMS; i++) {
            ints[i] = i * 997;
            longs[i] = i * 1_000_003L;
            doubles[i] = i / 3.0;
            strings[i] = "item-" + i;
        }
        for (int i = 0; i < mixed.length; i++) {
            mixed[i] = i % 2 == 0 ? ints[i] : strings[i];
        }
        return new Object[][] {ints, longs, doubles, strings, mixed};
    }
}
