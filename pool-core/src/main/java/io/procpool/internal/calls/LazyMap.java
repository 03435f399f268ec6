package io.procpool.internal.calls;

import io.procpool.TaskFunction;
import io.procpool.internal.task.FunctionRef;
import io.procpool.internal.task.Task;
import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * {@code imap} and {@code imapUnordered}: results as a lazy iterator. The input is read on the consumer's thread, only
 * when the consumer asks for a result and only while the items submitted but not yet handed to the consumer (in
 * flight plus buffered) stay under a window, so an infinite input runs in bounded memory. With automatic chunking the
 * chunk size follows the measured time per item, so tiny items travel in large chunks and slow items one by one.
 *
 * <p>When the pool is closed while a stream is half consumed, the pool still finishes the chunks it accepted: the
 * stream delivers their results, then throws the {@link RejectedExecutionException} that refused the next chunk, so
 * the consumer learns that the rest of the input was not processed instead of seeing a stream that just ends.
 *
 * <p>When the input's own iterator throws, the items read before it still run: the consumer gets their results, then
 * the input's exception (Python's {@code imap} yields the results before a failing input item, then raises).
 *
 * <p>Thread-safety: like any iterator, used by one consumer thread. Closing it (or dropping it: a {@link Cleaner}
 * notices) cancels the work still queued and releases the function in the workers.
 */
final class LazyMap<R> implements Iterator<R> {
    private static final Cleaner CLEANER = Cleaner.create();
    /** Fewest items kept ahead of the consumer, so chunk-of-one pipelines still fill both pipes. */
    private static final int MIN_WINDOW_ITEMS = 64;
    /** Chunks kept ahead per worker. */
    private static final int CHUNKS_AHEAD_PER_WORKER = 4;

    private final PoolCalls calls;
    private final TaskSink sink;
    private final Iterator<?> input;
    private final int fixedChunkSize;
    private final boolean ordered;
    private final FunctionRef function;
    private final ClassLoader loader;
    /** Submitted, not yet handed to the consumer; in input order. */
    private final ArrayDeque<Task> submitted = new ArrayDeque<>();
    /** Unordered mode: submitted tasks as they complete. */
    private final BlockingQueue<Task> completed = new LinkedBlockingQueue<>();
    private final Cleaner.Cleanable cleanable;
    private final ProgressTracker progress;
    private int itemsAhead;
    private int nextIndex;
    private boolean inputDone;
    private boolean closed;
    private Object[] current;
    private int position;
    private RuntimeException pendingFailure;
    /** The pool refused the next chunk (it was closed): thrown once the accepted chunks are delivered. */
    private RejectedExecutionException refused;
    /** The input's iterator threw: thrown once the results of the items read before it are delivered (Python's). */
    private RuntimeException inputFailure;
    private double nanosPerItem = -1;
    private double bytesPerItem = -1;

    LazyMap(PoolCalls calls, TaskSink sink, TaskFunction<?, ?> fn, Iterator<?> input, int chunkSize,
            boolean ordered, ProgressTracker progress) {
        this.calls = calls;
        this.sink = sink;
        this.input = input;
        this.fixedChunkSize = chunkSize;
        this.ordered = ordered;
        this.function = FunctionRef.of(fn); // encodes now: a bad function fails in the caller
        this.loader = PoolCalls.loaderOf(fn);
        this.progress = progress;
        this.cleanable = CLEANER.register(this, new Release(sink, function, submitted, progress));
    }

    Stream<R> stream() {
        Spliterator<R> spliterator = Spliterators.spliteratorUnknownSize(this, ordered ? Spliterator.ORDERED : 0);
        return StreamSupport.stream(spliterator, false).onClose(this::close);
    }

    @Override
    public boolean hasNext() {
        while (true) {
            if (current != null && position < current.length) {
                return true;
            }
            if (pendingFailure != null) {
                RuntimeException failure = pendingFailure;
                pendingFailure = null;
                close();
                throw failure;
            }
            if (closed) {
                return false;
            }
            topUp();
            if (submitted.isEmpty()) {
                close();
                if (inputFailure != null) {
                    throw inputFailure;
                }
                if (refused != null) {
                    throw new RejectedExecutionException(refused.getMessage() + "; this stream delivered the "
                            + nextIndex + " results the pool had accepted, the rest of its input was not processed",
                            refused);
                }
                return false;
            }
            Task next = ordered ? submitted.poll() : takeCompleted();
            itemsAhead -= next.itemCount();
            position = 0;
            try {
                current = (Object[]) PoolCalls.await(next.future());
                learn(next);
            } catch (RuntimeException e) {
                current = next.partialResults();
                pendingFailure = e;
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public R next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        R value = (R) current[position];
        current[position++] = null; // the consumer owns it now; keep memory flat
        return value;
    }

    private Task takeCompleted() {
        try {
            Task done = completed.take(); // one of the submitted tasks always completes
            submitted.remove(done);
            return done;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new io.procpool.PoolException("interrupted while waiting for imapUnordered results", e);
        }
    }

    private void topUp() {
        int chunkSize = chunkSize();
        int window = Math.max(MIN_WINDOW_ITEMS, chunkSize * sink.parallelism() * CHUNKS_AHEAD_PER_WORKER);
        while (!inputDone && itemsAhead < window) {
            List<Object> slice = new ArrayList<>(Math.min(chunkSize, 1024));
            try {
                while (slice.size() < chunkSize && input.hasNext()) {
                    slice.add(input.next());
                }
                if (!input.hasNext()) {
                    inputDone = true;
                }
            } catch (RuntimeException e) {
                // the items read so far still run and are delivered before the consumer sees this
                inputFailure = e;
                inputDone = true;
            }
            if (slice.isEmpty()) {
                break;
            }
            Task task = calls.chunk(function, slice, nextIndex, loader);
            double sampleBytes = (double) task.payload().length / slice.size();
            bytesPerItem = bytesPerItem < 0 ? sampleBytes : bytesPerItem * 0.7 + sampleBytes * 0.3;
            nextIndex += slice.size();
            try {
                sink.submit(task);
            } catch (RejectedExecutionException e) {
                nextIndex -= slice.size();
                refused = e;
                inputDone = true;
                break;
            }
            if (!ordered) {
                task.onOutcome(completed::add);
            }
            progress.watch(task);
            submitted.add(task);
            itemsAhead += slice.size();
        }
    }

    private int chunkSize() {
        return fixedChunkSize > 0 ? fixedChunkSize : AutoChunk.forStream(nanosPerItem, bytesPerItem);
    }

    private void learn(Task done) {
        if (done.runNanos() < 0 || done.itemCount() == 0) {
            return;
        }
        double sample = (double) done.runNanos() / done.itemCount();
        nanosPerItem = nanosPerItem < 0 ? sample : nanosPerItem * 0.7 + sample * 0.3;
    }

    /** Cancels what is still queued or running and releases the function. Idempotent. */
    void close() {
        closed = true;
        current = null;
        cleanable.clean();
    }

    /** What closing does; it holds no reference to the iterator, so an abandoned iterator can be cleaned. */
    private static final class Release implements Runnable {
        private final TaskSink sink;
        private final FunctionRef function;
        private final ArrayDeque<Task> submitted;
        private final ProgressTracker progress;
        private final AtomicBoolean done = new AtomicBoolean();

        Release(TaskSink sink, FunctionRef function, ArrayDeque<Task> submitted, ProgressTracker progress) {
            this.sink = sink;
            this.function = function;
            this.submitted = submitted;
            this.progress = progress;
        }

        @Override
        public void run() {
            if (done.compareAndSet(false, true)) {
                for (Task task : new ArrayList<>(submitted)) {
                    task.future().cancel(true);
                }
                sink.functionDone(function);
                progress.finish();
            }
        }
    }
}
