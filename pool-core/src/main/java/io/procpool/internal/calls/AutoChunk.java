package io.procpool.internal.calls;

import io.procpool.internal.codec.Codec;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How many items go into one chunk when the caller lets the pool choose. A chunk must be worth a round trip (tiny
 * items travel by the thousand), must not be so large that the work stops balancing across workers, and must not be
 * so heavy in bytes that it stalls the pipe or the heap (1 MiB arrays travel one by one).
 *
 * <p>Thread-safety: stateless.
 */
final class AutoChunk {
    /** Chunks per worker for a map of known size: Python's rule, enough to balance uneven items. */
    private static final int CHUNKS_PER_WORKER = 4;
    /** What a chunk's arguments should weigh at most, so pipes stream and memory stays modest. */
    static final int TARGET_CHUNK_BYTES = 1 << 20;
    /** What an imap chunk should cost in the worker: far above the round trip, far below a human's patience. */
    private static final long TARGET_CHUNK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final int MAX_LAZY_CHUNK = 8192;

    private AutoChunk() {
    }

    /**
     * For a map over a list: about four chunks per worker, fewer items per chunk when the first item shows the items
     * are heavy.
     */
    static int forList(List<Object> items, int parallelism) {
        int byCount = Math.max(1, (int) Math.ceil(items.size() / (double) (CHUNKS_PER_WORKER * parallelism)));
        if (items.isEmpty() || byCount == 1) {
            return byCount;
        }
        int sampleBytes = Codec.encode(items.get(0), "argument").length;
        return Math.max(1, Math.min(byCount, TARGET_CHUNK_BYTES / Math.max(sampleBytes, 1)));
    }

    /**
     * For a lazy map: from the measured time and encoded size per item (negative while unknown), start at one item and
     * grow to what costs about 2 ms and weighs at most 1 MiB.
     */
    static int forStream(double nanosPerItem, double bytesPerItem) {
        if (nanosPerItem < 0) {
            return 1;
        }
        double byTime = TARGET_CHUNK_NANOS / Math.max(nanosPerItem, 1.0);
        double byBytes = bytesPerItem > 0 ? TARGET_CHUNK_BYTES / bytesPerItem : MAX_LAZY_CHUNK;
        return (int) Math.max(1, Math.min(MAX_LAZY_CHUNK, Math.min(byTime, byBytes)));
    }
}
