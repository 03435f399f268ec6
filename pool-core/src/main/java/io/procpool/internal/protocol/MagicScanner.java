package io.procpool.internal.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * Finds where the next frame begins: reads until the last four bytes read are the direction's magic. The one loop for
 * every way a stream is read: strictly (the first byte that cannot begin a frame fails the read), or tolerantly
 * (bytes that cannot begin a frame go to a consumer, each run of them reported before the scanner blocks for more, so
 * a stray byte shows when it arrives, not when the next frame comes). The common case, a frame right where the last
 * one ended, costs four compares and no allocation.
 *
 * <p>Thread-safety: not thread-safe; it belongs to its reader's thread.
 */
final class MagicScanner {
    private final InputStream in;
    private final FrameType.Direction direction;

    MagicScanner(InputStream in, FrameType.Direction direction) {
        this.in = in;
        this.direction = direction;
    }

    /**
     * Reads up to and including the next magic.
     *
     * @param noise gets the bytes skipped before the magic, or {@code null} when none may be skipped
     * @return whether the magic was read; false when the stream ended first
     * @throws ChannelCorruptedException {@code noise} is {@code null} and a byte cannot begin a frame
     */
    boolean skipToMagic(Consumer<byte[]> noise) throws IOException {
        int matched = 0;                    // how many bytes of the magic the last bytes read are
        ByteArrayOutputStream skipped = null; // bytes known not to begin a frame, not reported yet
        while (matched < Integer.BYTES) {
            if (skipped != null && skipped.size() > 0 && in.available() == 0) { // report before blocking
                noise.accept(skipped.toByteArray());
                skipped.reset();
            }
            int next = in.read();
            if (next < 0) {
                if (noise != null && (matched > 0 || skipped != null)) {
                    ByteArrayOutputStream rest = skipped != null ? skipped : new ByteArrayOutputStream();
                    rest.write(magicPrefix(matched, -1), 0, matched);
                    if (rest.size() > 0) {
                        noise.accept(rest.toByteArray());
                    }
                }
                return false;
            }
            if ((byte) next == magicByte(matched)) {
                matched++;
                continue;
            }
            byte[] seen = magicPrefix(matched, next);
            if (noise == null) {
                throw ChannelCorruptedException.of("bad magic (expected 0x" + Integer.toHexString(direction.magic())
                        + " for " + direction + ")", seen, in);
            }
            if (skipped == null) {
                skipped = new ByteArrayOutputStream();
            }
            matched = magicPrefixAtEnd(seen); // those last bytes may still begin a frame
            skipped.write(seen, 0, seen.length - matched);
        }
        if (skipped != null && skipped.size() > 0) {
            noise.accept(skipped.toByteArray());
        }
        return true;
    }

    /** The first {@code length} bytes of the magic, followed by {@code next} unless it is negative. */
    private byte[] magicPrefix(int length, int next) {
        byte[] bytes = new byte[next < 0 ? length : length + 1];
        for (int i = 0; i < length; i++) {
            bytes[i] = magicByte(i);
        }
        if (next >= 0) {
            bytes[length] = (byte) next;
        }
        return bytes;
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
        return (byte) (direction.magic() >>> (8 * (Integer.BYTES - 1 - index)));
    }
}
