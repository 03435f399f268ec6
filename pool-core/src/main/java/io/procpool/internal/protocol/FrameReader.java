package io.procpool.internal.protocol;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * Reads the frames of one {@link FrameType.Direction} from a stream, checks each one (magic, type, length, checksum)
 * and decodes it into its record, once. Anything else on the stream is reported as a {@link ChannelCorruptedException}
 * with a hex dump; it is never interpreted as data.
 *
 * <p>Finding where a frame begins is {@link MagicScanner}'s job: a strict reader fails on a byte that cannot begin a
 * frame; a tolerant one (a child's stdout, where native code may write) reports the bytes between frames to its noise
 * consumer and reads on, the way Maven Surefire warns about a forked JVM's corrupted stdout. A payload too large for
 * this JVM's heap is read past (and checksummed) instead of held: {@link #read()} then throws
 * {@link PayloadOutOfMemoryException}, and the stream stays on a frame boundary. {@link #stalledMidFrameNanos} tells a
 * watchdog when a frame has begun but no byte of it arrived for a while: a writer stopped mid-frame.
 *
 * <p>Thread-safety: not thread-safe; one thread reads. {@link #stalledMidFrameNanos} may be called from any thread.
 *
 * @param <F> the frames of its direction, {@link ToWorker} or {@link ToParent}
 */
public final class FrameReader<F extends Frame> {
    /** Piece size for reading past a payload too large for the heap. */
    private static final int SKIP_BUFFER = 64 * 1024;
    /** A payload is read in slices of this size, each one progress for {@link #stalledMidFrameNanos}. */
    private static final int PROGRESS_SLICE = 1 << 20;

    private final DataInputStream in;
    private final FrameType.Direction direction;
    private final Class<F> frames;
    private final MagicScanner scanner;
    /** Where bytes between frames go in a tolerant reader; null in a strict one. */
    private final Consumer<byte[]> noise;
    private final byte[] header = new byte[Frames.HEADER_SIZE];
    private final CRC32C crc = new CRC32C();
    /** When the last byte of an unfinished frame arrived; 0 between frames. Written by the reader only. */
    private volatile long midFrameSince;

    private FrameReader(InputStream in, FrameType.Direction direction, Class<F> frames, Consumer<byte[]> noise) {
        this.in = new DataInputStream(in);
        this.direction = direction;
        this.frames = frames;
        this.scanner = new MagicScanner(this.in, direction);
        this.noise = noise;
    }

    /** A strict reader of a worker's stdin. @param in normally a {@link java.io.BufferedInputStream} over a pipe */
    public static FrameReader<ToWorker> toWorker(InputStream in) {
        return new FrameReader<>(in, FrameType.Direction.TO_WORKER, ToWorker.class, null);
    }

    /** A strict reader of a worker's stdout: any byte that is not a frame fails the read. */
    public static FrameReader<ToParent> toParent(InputStream in) {
        return new FrameReader<>(in, FrameType.Direction.TO_PARENT, ToParent.class, null);
    }

    /**
     * A tolerant reader of a child's stdout, on which user code can write raw bytes: bytes between frames go to
     * {@code noise} and are skipped; a frame that begins with the magic must still be whole and valid.
     */
    public static FrameReader<ToParent> toParent(InputStream in, Consumer<byte[]> noise) {
        return new FrameReader<>(in, FrameType.Direction.TO_PARENT, ToParent.class, noise);
    }

    /**
     * Reads the next frame.
     *
     * @return the frame, or {@code null} at end of stream on a frame boundary
     * @throws EOFException              the stream ended inside a frame (the writer died mid-frame)
     * @throws ChannelCorruptedException the bytes are not a valid frame (in a tolerant reader: a frame whose magic
     *                                   was right but whose header or checksum is not)
     */
    public F read() throws IOException {
        return scanner.skipToMagic(noise) ? readAfterMagic() : null;
    }

    /**
     * Reads the first frame of a stream on which the JVM may print before the program takes over (a
     * {@code JAVA_TOOL_OPTIONS} with {@code -Xlog}, for one): bytes before the first magic are handed to
     * {@code startupLines} line by line instead of failing the channel.
     *
     * @return the first frame, or {@code null} if the stream ended before any frame
     */
    public F readFirst(Consumer<String> startupLines) throws IOException {
        ByteArrayOutputStream startup = new ByteArrayOutputStream();
        boolean found = scanner.skipToMagic(startup::writeBytes);
        for (String line : startup.toString(StandardCharsets.UTF_8).split("\\R")) {
            if (!line.isEmpty()) {
                startupLines.accept(line);
            }
        }
        return found ? readAfterMagic() : null;
    }

    /**
     * How long an unfinished frame has waited for its next byte, or 0 between frames.
     *
     * @param now {@link System#nanoTime()}
     */
    public long stalledMidFrameNanos(long now) {
        long since = midFrameSince;
        return since == 0 ? 0 : now - since;
    }

    /** Reads the rest of a frame whose magic was just read, checks it and decodes it. */
    private F readAfterMagic() throws IOException {
        try {
            midFrameSince = System.nanoTime();
            ByteBuffer.wrap(header).putInt(direction.magic());
            in.readFully(header, Integer.BYTES, Frames.HEADER_SIZE - Integer.BYTES);
            midFrameSince = System.nanoTime();
            ByteBuffer view = ByteBuffer.wrap(header, Integer.BYTES, Frames.HEADER_SIZE - Integer.BYTES);
            int code = view.get() & 0xFF;
            FrameType type = FrameType.fromCode(code);
            if (type == null || type.direction() != direction) {
                throw ChannelCorruptedException.of("unknown frame type 0x" + Integer.toHexString(code) + " for "
                        + direction, header, in);
            }
            long id = view.getLong();
            int length = view.getInt();
            if (length < 0 || length > Frames.MAX_PAYLOAD) {
                throw ChannelCorruptedException.of("impossible payload length " + length, header, in);
            }
            return frames.cast(decode(type, id, readPayload(type, id, length))); // the type's direction is checked
        } finally {
            midFrameSince = 0;
        }
    }

    /**
     * The record of a frame whose header and checksum were checked: the one place that knows what a header id and a
     * payload mean for each type (a switch over an enum must cover every constant, so no type is forgotten).
     */
    private static Frame decode(FrameType type, long id, byte[] payload) {
        return switch (type) {
            case INIT -> new ToWorker.Init(new Encoded(payload));
            case FUNCTION -> new ToWorker.RegisterFunction(id, new Encoded(payload));
            case CHUNK -> new ToWorker.Chunk(id, new Encoded(payload));
            case CALL -> new ToWorker.Call(id, new Encoded(payload));
            case FORGET -> new ToWorker.Forget(id);
            case CANCEL -> new ToWorker.Cancel(id);
            case SHUTDOWN -> new ToWorker.Shutdown();
            case START_PROCESS -> new ToWorker.StartProcess(new Encoded(payload));
            case UNQUEUE -> new ToWorker.Unqueue(id);
            case HELLO -> new ToParent.Hello(new Encoded(payload));
            case INIT_FAILED -> new ToParent.InitFailed(new Encoded(payload));
            case RESULT -> new ToParent.Result(id, new Encoded(payload));
            case FAILURE -> new ToParent.Failure(id, new Encoded(payload));
            case CANCELLED -> new ToParent.Cancelled(id);
            case OUTPUT -> new ToParent.OutputLine(ToParent.OutputLine.Stream.of(id),
                    new String(payload, StandardCharsets.UTF_8));
            case EXIT -> new ToParent.Exit(id);
            case RETIRING -> new ToParent.Retiring();
            case STARTED -> new ToParent.Started(id);
        };
    }

    /** Reads and checksums the payload and the trailer. */
    private byte[] readPayload(FrameType type, long id, int length) throws IOException {
        byte[] payload;
        try {
            payload = new byte[length];
        } catch (OutOfMemoryError e) {
            skipPayload(type, length);
            throw new PayloadOutOfMemoryException(type, id, length, e);
        }
        for (int offset = 0; offset < length; offset += PROGRESS_SLICE) { // a big payload shows progress as it comes
            in.readFully(payload, offset, Math.min(PROGRESS_SLICE, length - offset));
            midFrameSince = System.nanoTime();
        }
        crc.reset();
        crc.update(header, Integer.BYTES, Frames.HEADER_SIZE - Integer.BYTES);
        crc.update(payload);
        checkTrailer(type, length);
        return payload;
    }

    /** Reads past a payload that could not be held, checksumming it, so the next frame can be read. */
    private void skipPayload(FrameType type, int length) throws IOException {
        byte[] piece = new byte[SKIP_BUFFER];
        crc.reset();
        crc.update(header, Integer.BYTES, Frames.HEADER_SIZE - Integer.BYTES);
        for (int left = length; left > 0; ) {
            int n = Math.min(left, piece.length);
            in.readFully(piece, 0, n);
            crc.update(piece, 0, n);
            left -= n;
        }
        checkTrailer(type, length);
    }

    private void checkTrailer(FrameType type, int length) throws IOException {
        int expected = in.readInt();
        if ((int) crc.getValue() != expected) {
            throw ChannelCorruptedException.of("checksum mismatch on a " + type + " frame of " + length + " bytes",
                    header, in);
        }
    }
}
