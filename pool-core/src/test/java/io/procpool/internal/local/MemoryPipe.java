package io.procpool.internal.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A bounded in-memory pipe with the end-of-stream rules of an OS pipe, for {@link FakeProcess}: bytes written before
 * the writing end closes are still read, then the reader sees end of stream; a write after the reading end closed
 * fails with "Broken pipe"; a full pipe makes the writer wait (back-pressure, as a 64 KiB kernel pipe does).
 * {@code java.io.PipedInputStream} will not do: it fails reads once the thread that last wrote has ended, and the
 * pool writes control frames from whichever thread cancels.
 *
 * <p>Thread-safety: thread-safe; writers that must not interleave synchronize themselves (the frame writers do), one
 * thread is expected to read. All state is guarded by {@code this}.
 */
final class MemoryPipe {
    private final byte[] buffer;
    private int head;               // guarded by this: index of the oldest unread byte
    private int size;               // guarded by this
    private boolean writerClosed;   // guarded by this
    private boolean readerClosed;   // guarded by this
    private final InputStream source = new Source();
    private final OutputStream sink = new Sink();

    MemoryPipe(int capacity) {
        this.buffer = new byte[capacity];
    }

    /** The reading end. */
    InputStream source() {
        return source;
    }

    /** The writing end. */
    OutputStream sink() {
        return sink;
    }

    private synchronized int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (size == 0 && !writerClosed && !readerClosed) {
            waitForChange(); // no bound: a pipe read blocks until the other end writes or closes, as an OS pipe does
        }
        if (readerClosed) {
            throw new IOException("Stream closed");
        }
        if (size == 0) {
            return -1;
        }
        int n = Math.min(length, size);
        for (int i = 0; i < n; i++) {
            into[offset + i] = buffer[(head + i) % buffer.length];
        }
        head = (head + n) % buffer.length;
        size -= n;
        notifyAll();
        return n;
    }

    private synchronized void write(byte[] from, int offset, int length) throws IOException {
        int written = 0;
        while (written < length) {
            while (size == buffer.length && !readerClosed && !writerClosed) {
                waitForChange(); // a full pipe blocks its writer until the reader drains it or goes away
            }
            if (readerClosed) {
                throw new IOException("Broken pipe");
            }
            if (writerClosed) {
                throw new IOException("Stream closed");
            }
            int n = Math.min(length - written, buffer.length - size);
            for (int i = 0; i < n; i++) {
                buffer[(head + size + i) % buffer.length] = from[offset + written + i];
            }
            size += n;
            written += n;
            notifyAll();
        }
    }

    private void waitForChange() throws IOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted on an in-memory pipe");
        }
    }

    /** Closes the writing end: the reader sees end of stream after what was written. */
    synchronized void closeWriter() {
        writerClosed = true;
        notifyAll();
    }

    /** Closes the reading end: writes fail with "Broken pipe". */
    synchronized void closeReader() {
        readerClosed = true;
        notifyAll();
    }

    private synchronized int available() {
        return size;
    }

    private final class Source extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return MemoryPipe.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return MemoryPipe.this.read(b, off, len);
        }

        @Override
        public int available() {
            return MemoryPipe.this.available();
        }

        @Override
        public void close() {
            closeReader();
        }
    }

    private final class Sink extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            MemoryPipe.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            MemoryPipe.this.write(b, off, len);
        }

        @Override
        public void close() {
            closeWriter();
        }
    }
}
