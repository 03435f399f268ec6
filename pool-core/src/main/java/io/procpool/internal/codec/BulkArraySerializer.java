package io.procpool.internal.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.ObjectArraySerializer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Kryo's serializer for {@code Object[]}, the type that carries a map's items (in a chunk request) and its results
 * (in a chunk's answer). An array whose elements are all {@link Integer}, all {@link Long}, all {@link Double} or all
 * {@link String} (nulls allowed) travels as one block: the ints and longs as zigzag var-ints packed in one byte array,
 * the doubles as one raw array, the strings as their lengths plus one UTF-8 block. Kryo's generic path costs a class
 * id, a reference check and a serializer dispatch per element, dozens of calls that are slow until the JIT has
 * compiled them, which a fresh program's first map never waits for; a block costs a few bytecodes per element and is
 * smaller on the wire (no class id per element). Anything else (mixed content, other types, short arrays) takes
 * Kryo's own {@link ObjectArraySerializer}.
 *
 * <p>Wire format: one shape byte, then for {@link #GENERAL} Kryo's own encoding; for a block, var-int n, then a
 * null flag byte (1: a bitmap of n bits follows, a set bit is a null), then the non-null elements:
 * <ul>
 *   <li>{@link #INTS}, {@link #LONGS}: var-int byte count, then one zigzag var-int per element;</li>
 *   <li>{@link #DOUBLES}: 8 little-endian bytes per element;</li>
 *   <li>{@link #STRINGS}: one var-int char count per element, var-int byte count, then the UTF-8 bytes of all
 *       elements joined (strings holding surrogates take the generic path, which keeps lone surrogates intact).</li>
 * </ul>
 * Strings in a block lose their identity: {@code {s, s}} arrives as two equal strings, not one shared instance.
 *
 * <p>Thread-safety: like every Kryo serializer, used by one thread at a time (each pooled Kryo has its own).
 */
final class BulkArraySerializer extends Serializer<Object[]> {
    static final byte GENERAL = 0;
    static final byte INTS = 1;
    static final byte LONGS = 2;
    static final byte DOUBLES = 3;
    static final byte STRINGS = 4;
    /** Below this a block saves nothing over the generic encoding. */
    static final int MIN_BLOCK = 3;

    private final ObjectArraySerializer general;

    BulkArraySerializer(Kryo kryo) {
        general = new ObjectArraySerializer(kryo, Object[].class);
    }

    @Override
    public void write(Kryo kryo, Output output, Object[] array) {
        byte shape = array.length < MIN_BLOCK ? GENERAL : shapeOf(array);
        if (shape == GENERAL || !writeBlock(output, shape, array)) {
            output.writeByte(GENERAL);
            general.write(kryo, output, array);
        }
    }

    @Override
    public Object[] read(Kryo kryo, Input input, Class<? extends Object[]> type) {
        byte shape = input.readByte();
        if (shape == GENERAL) {
            return general.read(kryo, input, type);
        }
        int n = input.readVarInt(true);
        Object[] array = new Object[n];
        kryo.reference(array); // the writer registered the array before its elements, as Kryo's own serializer does
        byte[] nulls = input.readByte() == 1 ? input.readBytes((n + 7) >>> 3) : null;
        switch (shape) {
            case INTS, LONGS -> readVarInts(input, array, nulls, shape == INTS);
            case DOUBLES -> readDoubles(input, array, nulls);
            case STRINGS -> readStrings(input, array, nulls);
            default -> throw new IllegalStateException("unknown Object[] encoding " + shape
                    + " (the two sides of the pipe run different procpool versions?)");
        }
        return array;
    }

    /** The block shape the first non-null element suggests; {@link #writeBlock} checks the rest. */
    private static byte shapeOf(Object[] array) {
        for (Object element : array) {
            if (element != null) {
                return element instanceof Integer ? INTS : element instanceof Long ? LONGS
                        : element instanceof Double ? DOUBLES : element instanceof String ? STRINGS : GENERAL;
            }
        }
        return GENERAL;
    }

    /** Writes {@code array} as a block of {@code shape}, or nothing and false when an element does not fit it. */
    private static boolean writeBlock(Output output, byte shape, Object[] array) {
        int n = array.length;
        byte[] nulls = new byte[(n + 7) >>> 3];
        byte[] block = switch (shape) {
            case INTS, LONGS -> varInts(array, nulls, shape == INTS);
            case DOUBLES -> doubles(array, nulls);
            default -> strings(array, nulls);
        };
        if (block == null) {
            return false;
        }
        output.writeByte(shape);
        output.writeVarInt(n, true);
        boolean hasNulls = false;
        for (byte b : nulls) {
            hasNulls |= b != 0;
        }
        output.writeByte(hasNulls ? 1 : 0);
        if (hasNulls) {
            output.writeBytes(nulls);
        }
        output.writeBytes(block);
        return true;
    }

    /**
     * Var-int byte count + one zigzag var-int per element (an int and the long of the same value encode alike), or
     * null if an element is not an Integer ({@code ints}) or not a Long.
     */
    private static byte[] varInts(Object[] array, byte[] nulls, boolean ints) {
        byte[] bytes = new byte[array.length * (ints ? 5 : 10)];
        int at = 0;
        for (int i = 0; i < array.length; i++) {
            Object element = array[i];
            long v;
            if (ints && element instanceof Integer boxed) {
                v = boxed;
            } else if (!ints && element instanceof Long boxed) {
                v = boxed;
            } else if (element == null) {
                nulls[i >>> 3] |= (byte) (1 << (i & 7));
                continue;
            } else {
                return null;
            }
            v = (v << 1) ^ (v >> 63);
            while ((v & ~0x7FL) != 0) {
                bytes[at++] = (byte) (v | 0x80);
                v >>>= 7;
            }
            bytes[at++] = (byte) v;
        }
        Output block = new Output(at + 5);
        block.writeVarInt(at, true);
        block.writeBytes(bytes, 0, at);
        return block.toBytes();
    }

    /** Raw little-endian doubles (copied in bulk by the JDK), or null if an element is not a Double. */
    private static byte[] doubles(Object[] array, byte[] nulls) {
        double[] values = new double[array.length];
        int count = 0;
        for (int i = 0; i < array.length; i++) {
            Object element = array[i];
            if (element instanceof Double boxed) {
                values[count++] = boxed;
            } else if (element == null) {
                nulls[i >>> 3] |= (byte) (1 << (i & 7));
            } else {
                return null;
            }
        }
        byte[] bytes = new byte[count * 8];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().put(values, 0, count);
        return bytes;
    }

    /**
     * Var-int char counts, var-int byte count, the joined UTF-8 bytes; or null if an element is not a String or
     * holds a surrogate (UTF-8 would replace a lone one).
     */
    private static byte[] strings(Object[] array, byte[] nulls) {
        byte[] lengths = new byte[array.length * 5];
        int at = 0;
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < array.length; i++) {
            Object element = array[i];
            if (element instanceof String string) {
                joined.append(string);
                int v = string.length();
                while ((v & ~0x7F) != 0) {
                    lengths[at++] = (byte) (v | 0x80);
                    v >>>= 7;
                }
                lengths[at++] = (byte) v;
            } else if (element == null) {
                nulls[i >>> 3] |= (byte) (1 << (i & 7));
            } else {
                return null;
            }
        }
        String all = joined.toString();
        byte[] utf8 = all.getBytes(StandardCharsets.UTF_8);
        if (utf8.length != all.length() && hasSurrogate(all)) {
            return null;
        }
        Output block = new Output(at + 5 + utf8.length);
        block.writeBytes(lengths, 0, at);
        block.writeVarInt(utf8.length, true);
        block.writeBytes(utf8);
        return block.toBytes();
    }

    private static boolean hasSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isSurrogate(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNull(byte[] nulls, int i) {
        return nulls != null && (nulls[i >>> 3] & (1 << (i & 7))) != 0;
    }

    private static void readVarInts(Input input, Object[] array, byte[] nulls, boolean ints) {
        byte[] bytes = input.readBytes(input.readVarInt(true));
        int at = 0;
        for (int i = 0; i < array.length; i++) {
            if (isNull(nulls, i)) {
                continue;
            }
            long v = 0;
            int shift = 0;
            byte b;
            do {
                b = bytes[at++];
                v |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while (b < 0);
            v = (v >>> 1) ^ -(v & 1);
            array[i] = ints ? (Object) (int) v : (Object) v;
        }
    }

    private static void readDoubles(Input input, Object[] array, byte[] nulls) {
        int count = array.length;
        if (nulls != null) {
            for (int i = 0; i < array.length; i++) {
                count -= isNull(nulls, i) ? 1 : 0;
            }
        }
        double[] values = new double[count];
        ByteBuffer.wrap(input.readBytes(count * 8)).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(values);
        int next = 0;
        for (int i = 0; i < array.length; i++) {
            if (!isNull(nulls, i)) {
                array[i] = values[next++];
            }
        }
    }

    private static void readStrings(Input input, Object[] array, byte[] nulls) {
        int[] lengths = new int[array.length];
        for (int i = 0; i < array.length; i++) {
            lengths[i] = isNull(nulls, i) ? -1 : input.readVarInt(true);
        }
        String all = new String(input.readBytes(input.readVarInt(true)), StandardCharsets.UTF_8);
        int from = 0;
        for (int i = 0; i < array.length; i++) {
            if (lengths[i] >= 0) {
                array[i] = all.substring(from, from + lengths[i]);
                from += lengths[i];
            }
        }
    }
}
