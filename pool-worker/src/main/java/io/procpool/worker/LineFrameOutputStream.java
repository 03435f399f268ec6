package io.procpool.worker;

import io.procpool.internal.protocol.FrameType;
import io.procpool.internal.protocol.FrameWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * What {@code System.out} and {@code System.err} write to inside a worker: bytes are gathered into lines, and each
 * whole line leaves as one OUTPUT frame, so user output can never corrupt the channel and arrives line-atomic in the
 * parent. A partial line waits for its newline, or for {@link #flushPartialLine()} at the end of a task or at exit.
 *
 * <p>Thread-safety: synchronized; concurrent writers interleave at byte granularity, as on a real stream.
 */
final class LineFrameOutputStream extends OutputStream {
    /** A line longer than this is sent in pieces, so one runaway print cannot grow without bound. */
    private static final int MAX_LINE = 64 * 1024;

    private final FrameWriter frames;
    private final int stream;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(); // guarded by this

    LineFrameOutputStream(FrameWriter frames, int stream) {
        this.frames = frames;
        this.stream = stream;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        if (b == '\n') {
            emit();
        } else {
            line.write(b);
            if (line.size() >= MAX_LINE) {
                emit();
            }
        }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        int start = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (bytes[i] == '\n') {
                line.write(bytes, start, i - start);
                emit();
                start = i + 1;
            }
        }
        line.write(bytes, start, end - start);
        if (line.size() >= MAX_LINE) {
            emit();
        }
    }

    /** Sends a pending partial line as a line of its own. */
    synchronized void flushPartialLine() throws IOException {
        if (line.size() > 0) {
            emit();
        }
    }

    private void emit() throws IOException {
        byte[] bytes = line.toByteArray();
        line.reset();
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            length--; // a Windows-style line end; the parent adds its own separator
        }
        synchronized (frames) {
            frames.write(FrameType.OUTPUT, stream, bytes, 0, length);
            frames.flush();
        }
    }
}
