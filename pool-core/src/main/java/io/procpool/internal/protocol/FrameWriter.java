package io.procpool.internal.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Writes frames in one {@link FrameType.Direction} onto a stream. Frames go into the stream's buffer; {@link #flush()}
 * pushes them out, so a caller that writes several frames in a row pays for one system call.
 *
 * <p>Thread-safety: every method is synchronized on this writer; a frame is never interleaved with another.
 */
public final class FrameWriter {
    private final OutputStream out;        // guarded by this
    private final int magic;
    private final byte[] header = new byte[Frames.HEADER_SIZE];   // guarded by this
    private final ByteBuffer headerView = ByteBuffer.wrap(header); // guarded by this
    private final byte[] trailer = new byte[Frames.TRAILER_SIZE]; // guarded by this
    private final CRC32C crc = new CRC32C();                      // guarded by this

    /**
     * @param out       the stream, normally a {@link java.io.BufferedOutputStream} over a pipe
     * @param direction which magic to stamp on each frame
     */
    public FrameWriter(OutputStream out, FrameType.Direction direction) {
        this.out = out;
        this.magic = direction.magic();
    }

    /** Writes one frame into the buffer; call {@link #flush()} to send it. */
    public synchronized void write(Frame frame) throws IOException {
        write(frame.type(), frame.id(), frame.payload(), 0, frame.payload().length);
    }

    /** Writes one frame whose payload is {@code payload[offset, offset + length)}. */
    public synchronized void write(FrameType type, long id, byte[] payload, int offset, int length)
            throws IOException {
        if (length > Frames.MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload of " + length + " bytes exceeds " + Frames.MAX_PAYLOAD);
        }
        headerView.clear();
        headerView.putInt(magic).put((byte) type.code()).putLong(id).putInt(length);
        crc.reset();
        crc.update(header, 4, Frames.HEADER_SIZE - 4);
        crc.update(payload, offset, length);
        ByteBuffer.wrap(trailer).putInt((int) crc.getValue());
        out.write(header);
        out.write(payload, offset, length);
        out.write(trailer);
    }

    /** Writes one frame and flushes. */
    public synchronized void writeAndFlush(Frame frame) throws IOException {
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
