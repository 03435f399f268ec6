package io.procpool.worker;

import io.procpool.internal.protocol.FrameWriter;
import io.procpool.internal.protocol.ToParent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What {@code System.out} and {@code System.err} write to inside a worker: bytes are gathered into lines, and each
 * whole line leaves as one OUTPUT frame, so user output can never corrupt the channel and arrives line-atomic in the
 * parent. A partial line waits for its newline, or for {@link #flushPartialLine()} at the end of a task or at exit.
 * A line longer than {@link #MAX_LINE} bytes, even from a single {@code write}, leaves in pieces of at most that size
 * (cut between UTF-8 characters), so neither this JVM nor the parent ever holds more than one piece of it.
 *
 * <p>Thread-safety: synchronized; concurrent writers interleave at byte granularity, as on a real stream.
 */
final class LineFrameOutputStream extends OutputStream {
    /** A line longer than this is sent in pieces, so one runaway print cannot grow without bound. */
    private static final int MAX_LINE = 64 * 1024;

    private final FrameWriter<ToParent> frames;
    private final ToParent.OutputLine.Stream stream;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(); // guarded by this

    LineFrameOutputStream(FrameWriter<ToParent> frames, ToParent.OutputLine.Stream stream) {
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
                append(bytes, start, i - start);
                emit();
                start = i + 1;
            }
        }
        append(bytes, start, end - start);
    }

    /** Adds bytes without a newline to the line, sending a piece each time it reaches {@link #MAX_LINE}. */
    private void append(byte[] bytes, int offset, int length) throws IOException {
        int start = offset;
        int end = offset + length;
        while (start < end) {
            int take = Math.min(end - start, MAX_LINE - line.size());
            line.write(bytes, start, take);
            start += take;
            if (line.size() >= MAX_LINE) {
                emit();
            }
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
        if (length >= MAX_LINE) {
            // a piece of a longer line: end it on a UTF-8 character boundary, the rest starts the next piece
            int cut = characterStart(bytes, length);
            line.write(bytes, cut, length - cut);
            length = cut;
        } else if (length > 0 && bytes[length - 1] == '\r') {
            length--; // a Windows-style line end; the parent adds its own separator
        }
        synchronized (frames) {
            frames.write(new ToParent.OutputLine(stream, new String(bytes, 0, length, StandardCharsets.UTF_8)));
            frames.flush();
        }
    }

    /**
     * Where the UTF-8 character that {@code bytes[length]} would continue begins: {@code length} unless the last
     * bytes are an incomplete multi-byte character (at most 3 bytes back); bytes that are not UTF-8 are cut anywhere.
     */
    static int characterStart(byte[] bytes, int length) {
        for (int back = 1; back <= 3 && back <= length; back++) {
            int b = bytes[length - back] & 0xFF;
            if ((b & 0xC0) != 0x80) { // not a continuation byte: a character starts here
                int needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
                return needed > back ? length - back : length;
            }
        }
        return length;
    }
}
