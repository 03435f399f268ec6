package io.procpool.internal.protocol;

import com.google.common.io.BaseEncoding;
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
 * Reads frames in one {@link FrameType.Direction} from a stream and checks each one: magic, type, length, checksum.
 * Anything else on the stream is reported as a {@link ChannelCorruptedException} with a hex dump; it is never
 * interpreted as data.
 *
 * <p>A payload too large for this JVM's heap is read past (and checksummed) instead of held: {@link #read()} then
 * throws {@link PayloadOutOfMemoryException}, which names the frame, and the stream stays on a frame boundary, so the
 * caller can answer that frame and go on reading.
 *
 * <p>Stray bytes are caught when they arrive: the magic is checked byte by byte, so a byte that cannot start a frame
 * is known at once, not when the next frame comes. A strict reader fails on it; a tolerant one (a child's stdout,
 * where native code may write) reports the bytes between frames to its noise consumer and reads on, the way Maven
 * Surefire warns about a forked JVM's corrupted stdout. {@link #stalledMidFrameNanos} tells a watchdog when a frame
 * has begun (its magic read) but no byte of it arrived for a while: a writer stopped mid-frame.
 *
 * <p>Thread-safety: not thread-safe; one thread reads. {@link #stalledMidFrameNanos} may be called from any thread.
 */
public final class FrameReader {
    /** How many bytes after a bad header go into the hex dump, at most. */
    private static final int DUMP_LIMIT = 256;
    /** Piece size for reading past a payload too large for the heap. */
    private static final int SKIP_BUFFER = 64 * 1024;
    /** A payload is read in slices of this size, each one progress for {@link #stalledMidFrameNanos}. */
    private static final int PROGRESS_SLICE = 1 << 20;

    private final DataInputStream in;
    private final int magic;
    private final FrameType.Direction direction;
    private final byte[] header = new byte[Frames.HEADER_SIZE];
    private final CRC32C crc = new CRC32C();
    /** When the last byte of an unfinished frame arrived; 0 between frames. Written by the reader only. */
    private volatile long midFrameSince;
    /** Where bytes between frames go in a tolerant reader; null in a strict one. */
    private final Consumer<byte[]> noise;

    /**
     * A strict reader: any byte that is not a frame fails the read.
     *
     * @param in        the stream, normally a {@link java.io.BufferedInputStream} over a pipe
     * @param direction the direction frames on this stream travel in
     */
    public FrameReader(InputStream in, FrameType.Direction direction) {
        this(in, direction, null);
    }

    /**
     * A tolerant reader, for a stream that user code can write raw bytes on (a child's stdout): bytes between
     * frames go to {@code noise} and are skipped; a frame that begins with the magic must still be whole and valid.
     *
     * @param in        the stream, normally a {@link java.io.BufferedInputStream} over a pipe
     * @param direction the direction frames on this stream travel in
     * @param noise     gets the bytes skipped between frames, or {@code null} for a strict reader
     */
    public FrameReader(InputStream in, FrameType.Direction direction, Consumer<byte[]> noise) {
        this.in = new DataInputStream(in);
        this.magic = direction.magic();
        this.direction = direction;
        this.noise = noise;
    }

    /**
     * Reads the next frame.
     *
     * @return the frame, or {@code null} at end of stream on a frame boundary
     * @throws EOFException              the stream ended inside a frame (the writer died mid-frame)
     * @throws ChannelCorruptedException the bytes are not a valid frame (in a tolerant reader: a frame whose magic
     *                                   was right but whose header or checksum is not)
     */
    public Frame read() throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        header[0] = (byte) first;
        try {
            if (!readMagic()) {
                return null;
            }
            midFrameSince = System.nanoTime();
            in.readFully(header, Integer.BYTES, Frames.HEADER_SIZE - Integer.BYTES);
            midFrameSince = System.nanoTime();
            return readAfterHeader();
        } finally {
            midFrameSince = 0;
        }
    }

    /**
     * Reads until {@code header[0..4)} holds the magic, {@code header[0]} being read already. The common case costs
     * four compares; bytes that cannot begin a frame fail a strict reader at once, and a tolerant one hands them to
     * its noise consumer (before it blocks for more, so a stray byte is reported when it arrives) and goes on.
     *
     * @return false when the stream ended first
     */
    private boolean readMagic() throws IOException {
        for (int i = 0; i < Integer.BYTES; i++) {
            if (i > 0) {
                int b = in.read();
                if (b < 0) {
                    reportNoise(java.util.Arrays.copyOf(header, i));
                    return false;
                }
                header[i] = (byte) b;
            }
            if (header[i] != magicByte(i)) {
                if (noise == null) {
                    throw corrupted("bad magic (expected 0x" + Integer.toHexString(magic) + " for " + direction
                            + ")", java.util.Arrays.copyOf(header, i + 1));
                }
                return scanForMagic(java.util.Arrays.copyOf(header, i + 1));
            }
        }
        return true;
    }

    /** The tolerant reader's slow path: skips bytes until the magic, reporting what it skipped. */
    private boolean scanForMagic(byte[] readSoFar) throws IOException {
        ByteArrayOutputStream skipped = new ByteArrayOutputStream();
        int window = 0;
        for (byte b : readSoFar) {
            window = (window << 8) | (b & 0xFF);
            skipped.write(b);
        }
        int reported = 0;
        while (skipped.size() < Integer.BYTES || window != magic) {
            if (in.available() == 0) { // before blocking: show what cannot be the start of a frame
                byte[] sofar = skipped.toByteArray();
                int safe = sofar.length - magicPrefixAtEnd(sofar);
                if (safe > reported) {
                    reportNoise(java.util.Arrays.copyOfRange(sofar, reported, safe));
                    reported = safe;
                }
            }
            int b = in.read();
            if (b < 0) {
                reportNoise(java.util.Arrays.copyOfRange(skipped.toByteArray(), reported, skipped.size()));
                return false;
            }
            window = (window << 8) | b;
            skipped.write(b);
        }
        byte[] all = skipped.toByteArray();
        reportNoise(java.util.Arrays.copyOfRange(all, reported, all.length - Integer.BYTES));
        ByteBuffer.wrap(header).putInt(magic);
        return true;
    }

    /** How many of the last bytes (at most 3) could be the first bytes of the magic. */
    private int magicPrefixAtEnd(byte[] bytes) {
        for (int k = Math.min(Integer.BYTES - 1, bytes.length); k > 0; k--) {
            boolean prefix = true;
            for (int i = 0; i < k && prefix; i++) {
                prefix = bytes[bytes.length - k + i] == magicByte(i);
            }
            if (prefix) {
                return k;
            }
        }
        return 0;
    }

    private byte magicByte(int index) {
        return (byte) (magic >>> (8 * (Integer.BYTES - 1 - index)));
    }

    private void reportNoise(byte[] bytes) {
        if (bytes.length > 0 && noise != null) {
            noise.accept(bytes);
        }
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

    /**
     * Reads the first frame of a stream on which the JVM may print before the program takes over (a
     * {@code JAVA_TOOL_OPTIONS} with {@code -Xlog}, for one): bytes before the first magic are handed to
     * {@code noise} line by line instead of failing the channel.
     *
     * @return the first frame, or {@code null} if the stream ended before any frame
     */
    public Frame readFirst(Consumer<String> noise) throws IOException {
        ByteArrayOutputStream skipped = new ByteArrayOutputStream();
        int window = 0;
        int seen = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                reportNoise(skipped.toByteArray(), skipped.size(), noise);
                return null;
            }
            window = (window << 8) | b;
            seen++;
            skipped.write(b);
            if (seen >= 4 && window == magic) {
                reportNoise(skipped.toByteArray(), skipped.size() - 4, noise);
                ByteBuffer.wrap(header).putInt(magic);
                in.readFully(header, 4, Frames.HEADER_SIZE - 4);
                return readAfterHeader();
            }
        }
    }

    private static void reportNoise(byte[] bytes, int length, Consumer<String> noise) {
        if (length <= 0) {
            return;
        }
        for (String line : new String(bytes, 0, length, StandardCharsets.UTF_8).split("\\R")) {
            if (!line.isEmpty()) {
                noise.accept(line);
            }
        }
    }

    private Frame readAfterHeader() throws IOException {
        ByteBuffer view = ByteBuffer.wrap(header);
        int actualMagic = view.getInt();
        if (actualMagic != magic) {
            throw corrupted("bad magic 0x" + Integer.toHexString(actualMagic) + " (expected 0x"
                    + Integer.toHexString(magic) + " for " + direction + ")", header);
        }
        int code = view.get() & 0xFF;
        FrameType type = FrameType.fromCode(code);
        if (type == null || type.direction() != direction) {
            throw corrupted("unknown frame type 0x" + Integer.toHexString(code) + " for " + direction, header);
        }
        long id = view.getLong();
        int length = view.getInt();
        if (length < 0 || length > Frames.MAX_PAYLOAD) {
            throw corrupted("impossible payload length " + length, header);
        }
        byte[] payload;
        try {
            payload = new byte[length];
        } catch (OutOfMemoryError e) {
            skipPayload(type, length);
            throw new PayloadOutOfMemoryException(type, id, length, e);
        }
        for (int offset = 0; offset < length; offset += PROGRESS_SLICE) { // a big payload shows progress as it comes
            in.readFully(payload, offset, Math.min(PROGRESS_SLICE, length - offset));
            if (midFrameSince != 0) {
                midFrameSince = System.nanoTime();
            }
        }
        crc.reset();
        crc.update(header, 4, Frames.HEADER_SIZE - 4);
        crc.update(payload);
        checkTrailer(type, length);
        return new Frame(type, id, payload);
    }

    /** Reads past a payload that could not be held, checksumming it, so the next frame can be read. */
    private void skipPayload(FrameType type, int length) throws IOException {
        byte[] piece = new byte[SKIP_BUFFER];
        crc.reset();
        crc.update(header, 4, Frames.HEADER_SIZE - 4);
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
            throw corrupted("checksum mismatch on a " + type + " frame of " + length + " bytes", header);
        }
    }

    /** Builds the fault with a dump of the bad header and of whatever follows it that is already readable. */
    private ChannelCorruptedException corrupted(String what, byte[] bad) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        seen.write(bad);
        int available = Math.min(in.available(), DUMP_LIMIT);
        if (available > 0) {
            byte[] more = new byte[available];
            int n = in.read(more);
            seen.write(more, 0, Math.max(n, 0));
        }
        return new ChannelCorruptedException("corrupted channel: " + what + "; bytes read:\n" + hexDump(seen.toByteArray()));
    }

    /**
     * The heap could not hold a frame's payload ({@link OutOfMemoryError} allocating it); the payload was read past,
     * so the stream is positioned on the next frame. Unchecked, so that a reader which only knows I/O failures treats
     * it as the internal failure it is, not as the end of the channel.
     */
    public static final class PayloadOutOfMemoryException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient FrameType type;
        private final long id;
        private final int length;

        PayloadOutOfMemoryException(FrameType type, long id, int length, OutOfMemoryError cause) {
            super("out of memory allocating the " + length + "-byte payload of a " + type + " frame (id " + id
                    + "): " + cause.getMessage(), cause);
            this.type = type;
            this.id = id;
            this.length = length;
        }

        /** @return the type of the frame whose payload was skipped */
        public FrameType type() {
            return type;
        }

        /** @return its id (a task id for CALL and CHUNK) */
        public long id() {
            return id;
        }

        /** @return its payload length in bytes */
        public int length() {
            return length;
        }
    }

    /** Sixteen bytes a line: offset, hex, and the printable ASCII beside it, as {@code hexdump -C} shows them. */
    public static String hexDump(byte[] bytes) {
        StringBuilder dump = new StringBuilder();
        BaseEncoding hex = BaseEncoding.base16().lowerCase().withSeparator(" ", 2);
        for (int offset = 0; offset < bytes.length; offset += 16) {
            int end = Math.min(offset + 16, bytes.length);
            String hexPart = hex.encode(bytes, offset, end - offset);
            dump.append(String.format("%08x  %-47s  |", offset, hexPart));
            for (int i = offset; i < end; i++) {
                int c = bytes[i] & 0xFF;
                dump.append(c >= 0x20 && c < 0x7F ? (char) c : '.');
            }
            dump.append("|\n");
        }
        return dump.toString();
    }
}
