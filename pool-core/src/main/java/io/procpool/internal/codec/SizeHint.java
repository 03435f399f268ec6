package io.procpool.internal.codec;

import io.procpool.internal.protocol.Payloads;
import java.util.List;
import java.util.RandomAccess;

/**
 * How many bytes a value's encoding will at least take, counted from the bulk data (arrays of primitives, strings)
 * at the top of it or one level down (a chunk of a few items, a list of a few arrays), without walking big graphs.
 *
 * <p>Why: the encoder's buffer starts at 4 KiB and doubles as it fills, and a buffer over 16 MiB is not kept between
 * encodings. A 64 MiB {@code byte[]} thus cost 14 regrowths of humongous arrays, each copied, and encoded at 0.1-0.3
 * GB/s against 1-4 GB/s into a buffer of the right size (measured on the build machine; issue 19). With the hint, the
 * buffer is made large enough once.
 *
 * <p>Thread-safety: stateless.
 */
final class SizeHint {
    /** Containers with more elements than this are not scanned: a chunk of many items is rarely one of big ones. */
    private static final int SCANNED_ELEMENTS = 64;

    private SizeHint() {
    }

    /** At least how many bytes {@code value} encodes to; 0 when nothing cheap says. */
    static long of(Object value) {
        if (value instanceof Payloads.ChunkRequest chunk) {
            return of(chunk.items(), 1);
        }
        return of(value, 1);
    }

    private static long of(Object value, int depth) {
        if (value instanceof byte[] bytes) {
            return bytes.length;
        } else if (value instanceof long[] longs) {
            return (long) longs.length * Long.BYTES;
        } else if (value instanceof double[] doubles) {
            return (long) doubles.length * Double.BYTES;
        } else if (value instanceof int[] ints) {
            return (long) ints.length * Integer.BYTES;
        } else if (value instanceof float[] floats) {
            return (long) floats.length * Float.BYTES;
        } else if (value instanceof String string) {
            return string.length();
        } else if (depth == 0) {
            return 0;
        } else if (value instanceof Object[] array && array.length <= SCANNED_ELEMENTS) {
            long sum = 0;
            for (Object element : array) {
                sum += of(element, depth - 1);
            }
            return sum;
        } else if (value instanceof List<?> list && list instanceof RandomAccess && list.size() <= SCANNED_ELEMENTS) {
            long sum = 0;
            for (int i = 0; i < list.size(); i++) {
                sum += of(list.get(i), depth - 1);
            }
            return sum;
        }
        return 0;
    }
}
