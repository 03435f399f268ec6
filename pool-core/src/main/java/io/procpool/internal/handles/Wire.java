package io.procpool.internal.handles;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.nio.channels.WritableByteChannel;
import java.util.zip.CRC32C;

/**
 * Frames on a broker's Unix-domain socket. The layout is the pool protocol's ({@code internal.protocol.FrameType}):
 * magic, type, id, payload length, payload, CRC32C of everything after the magic; only the magic ({@code "ppsb"}) and
 * the type codes are the broker's own. A frame is built whole in one buffer and written with one gathering call, so a
 * process that dies mid-write leaves a frame the reader sees cut off (end of stream inside the frame) and drops whole.
 *
 * <p>Thread-safety: stateless; a reader or a writer is used by one thread at a time (writers lock their channel).
 */
final class Wire {
    static final int MAGIC = 0x70707362;
    static final int HEADER = 17;
    static final int TRAILER = 4;
    /** Larger messages are refused in the sender: 1 GiB, the pool protocol's limit. */
    static final int MAX_PAYLOAD = 1 << 30;

    /** A frame's meaning. */
    enum Type {
        /** client to host, first frame: payload pid (8) and start millis (8) of the client. */
        HELLO,
        /** client to host: a request that wants a reply; id = request id, payload = {@link Request}. */
        REQUEST,
        /** client to host: a request without a reply (an unbounded put, a send); id = 0. */
        ONE_WAY,
        /** client to host: give up the waiting request with this id (the caller was interrupted). */
        CANCEL,
        /** client to host: this process ends normally (sent by its shutdown hook). */
        BYE,
        /** host to client: the outcome of request id; payload = {@link Outcome}. */
        REPLY,
        /** host to client: object id was closed (puts must now fail in the caller). */
        CLOSED;

        private static final Type[] BY_CODE = values();
    }

    /** One frame read from a socket. */
    record Frame(Type type, long id, ByteBuffer payload) {
    }

    private Wire() {
    }

    /** A buffer holding a whole frame of {@code type} whose payload the caller writes next, then {@link #seal}s. */
    static ByteBuffer start(Type type, long id, int payloadLength) {
        if (payloadLength > MAX_PAYLOAD) {
            throw new IllegalArgumentException("a message of " + payloadLength + " bytes is over the 1 GiB limit");
        }
        ByteBuffer frame = ByteBuffer.allocate(HEADER + payloadLength + TRAILER);
        frame.putInt(MAGIC).put((byte) type.ordinal()).putLong(id).putInt(payloadLength);
        return frame;
    }

    /** Appends the checksum and flips the buffer for writing. */
    static ByteBuffer seal(ByteBuffer frame) {
        CRC32C crc = new CRC32C();
        crc.update(frame.array(), 4, frame.position() - 4);
        frame.putInt((int) crc.getValue());
        return frame.flip();
    }

    /**
     * Writes the whole frame on a blocking channel; the caller holds the channel's write lock. A socket channel is
     * interruptible: a write by a thread whose interrupt flag is set would close it, and a closed connection is its
     * process's death to the host (its locks released, its items requeued). User threads write here (a put, or a host
     * thread whose operation answers a remote waiter), so the flag is cleared for the write and set again after it.
     */
    static void write(WritableByteChannel channel, ByteBuffer frame) throws IOException {
        write(channel, frame, null);
    }

    /**
     * As {@link #write(WritableByteChannel, ByteBuffer)}; a non-blocking channel waits in {@code whenFull} (on which
     * it is registered for writing, used by the write lock's holder only) while the socket's buffer is full. The
     * interrupt flag is cleared for the same reason, and because a selector returns at once while it is set.
     */
    static void write(WritableByteChannel channel, ByteBuffer frame, Selector whenFull) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            while (frame.hasRemaining()) {
                if (channel.write(frame) == 0 && whenFull != null) {
                    whenFull.select();
                    whenFull.selectedKeys().clear();
                    interrupted |= Thread.interrupted();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Reads one frame.
     *
     * @return the frame, or {@code null} at a clean end of stream (between frames)
     * @throws EOFException when the stream ends inside a frame (its writer died mid-write: the frame is dropped)
     * @throws IOException on a wrong magic, type or checksum (the stream is not to be trusted any more)
     */
    static Frame read(DataInputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        byte[] header = new byte[HEADER];
        header[0] = (byte) first;
        in.readFully(header, 1, HEADER - 1);
        int length = checkHeader(ByteBuffer.wrap(header), 0);
        byte[] payload = new byte[length];
        in.readFully(payload);
        return checked(header, payload, in.readInt());
    }

    /**
     * Takes one whole frame from {@code buffer} (in read mode) and advances past it, for a reader of a non-blocking
     * channel that collects bytes as they come.
     *
     * @return the frame, or {@code null} when the buffer does not hold a whole frame yet (nothing is consumed)
     * @throws IOException on a wrong magic, type or checksum
     */
    static Frame take(ByteBuffer buffer) throws IOException {
        int at = buffer.position();
        if (buffer.remaining() < HEADER) {
            return null;
        }
        int length = checkHeader(buffer, at);
        if (buffer.remaining() < HEADER + length + TRAILER) {
            return null;
        }
        byte[] header = new byte[HEADER];
        buffer.get(header);
        byte[] payload = new byte[length];
        buffer.get(payload);
        return checked(header, payload, buffer.getInt());
    }

    /** The size of the whole frame that starts {@code buffer} (read mode, at least a header in it). */
    static int frameSize(ByteBuffer buffer) throws IOException {
        return HEADER + checkHeader(buffer, buffer.position()) + TRAILER;
    }

    /** Checks the header at {@code at} (absolute) and returns its payload length. */
    private static int checkHeader(ByteBuffer buffer, int at) throws IOException {
        int magic = buffer.getInt(at);
        int code = buffer.get(at + 4) & 0xFF;
        int length = buffer.getInt(at + 13);
        if (magic != MAGIC || code >= Type.BY_CODE.length || length < 0 || length > MAX_PAYLOAD) {
            throw new IOException(String.format("not a broker frame: magic %08x, type %d, length %d", magic, code,
                    length));
        }
        return length;
    }

    private static Frame checked(byte[] header, byte[] payload, int expected) throws IOException {
        ByteBuffer view = ByteBuffer.wrap(header);
        Type type = Type.BY_CODE[view.get(4) & 0xFF];
        long id = view.getLong(5);
        CRC32C crc = new CRC32C();
        crc.update(header, 4, HEADER - 4);
        crc.update(payload);
        if ((int) crc.getValue() != expected) {
            throw new IOException("broker frame " + type + " " + id + " of " + payload.length
                    + " bytes fails its checksum");
        }
        return new Frame(type, id, ByteBuffer.wrap(payload));
    }
}
