package io.procpool.internal.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Writes the frames of one {@link FrameType.Direction} onto a stream. Frames go into the stream's buffer;
 * {@link #flush()} pushes them out, so a caller that writes several frames in a row pays for one system call.
 *
 * <p>Thread-safety: every method is synchronized on this writer; a frame is never interleaved with another.
 *
 * @param <F> the frames of its direction, {@link ToWorker} or {@link ToParent}
 */
public final class FrameWriter<F extends Frame> {
    /**
     * A payload larger than this is written in pieces of this size. Why: a stream's native write copies the whole
     * array into a buffer it mallocs for the call, and glibc maps (and the kernel zero-fills, page by page) any malloc
     * over 32 MiB anew each time: a 64 MiB payload cost 16,384 page faults per write. Pieces of 16 MiB come from the
     * malloc arena once the first was freed; smaller payloads stay one write (1 MiB pieces slowed 1 MiB echoes, whose
     * payload is a few bytes over 1 MiB, by a second small write each).
     */
    private static final int WRITE_SLICE = 16 << 20;
    private final OutputStream out;        // guarded by this
    private final int magic;
    private final byte[] header = new byte[Frames.HEADER_SIZE];   // guarded by this
    private final ByteBuffer headerView = ByteBuffer.wrap(header); // guarded by this
    private final byte[] trailer = new byte[Frames.TRAILER_SIZE]; // guarded by this
    private final CRC32C crc = new CRC32C();                      // guarded by this

    private FrameWriter(OutputStream out, FrameType.Direction direction) {
        this.out = out;
        this.magic = direction.magic();
    }

    /** A writer of a worker's stdin. @param out normally a {@link java.io.BufferedOutputStream} over a pipe */
    public static FrameWriter<ToWorker> toWorker(OutputStream out) {
        return new FrameWriter<>(out, FrameType.Direction.TO_WORKER);
    }

    /** A writer of a worker's stdout. @param out normally a {@link java.io.BufferedOutputStream} over a pipe */
    public static FrameWriter<ToParent> toParent(OutputStream out) {
        return new FrameWriter<>(out, FrameType.Direction.TO_PARENT);
    }

    /** Writes one frame into the buffer; call {@link #flush()} to send it. */
    public synchronized void write(F frame) throws IOException {
        byte[] payload = frame.wirePayload();
        if (payload.length > Frames.MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds "
                    + Frames.MAX_PAYLOAD);
        }
        headerView.clear();
        headerView.putInt(magic).put((byte) frame.type().code()).putLong(frame.wireId()).putInt(payload.length);
        crc.reset();
        crc.update(header, 4, Frames.HEADER_SIZE - 4);
        crc.update(payload);
        ByteBuffer.wrap(trailer).putInt((int) crc.getValue());
        out.write(header);
        for (int at = 0; at < payload.length; at += WRITE_SLICE) {
            out.write(payload, at, Math.min(WRITE_SLICE, payload.length - at));
        }
        out.write(trailer);
    }

    /** Writes one frame and flushes. */
    public synchronized void writeAndFlush(F frame) throws IOException {
        write(frame);
        out.flush();
    }

    /** Sends what is buffered. */
    public synchronized void flush() throws IOException {
        out.flush();
    }

    /** Flushes and closes the underlying stream. */
    public synchronized void close() throws IOException {
        out.close();
    }
}
