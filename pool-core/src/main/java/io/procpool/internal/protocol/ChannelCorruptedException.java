package io.procpool.internal.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The bytes on a pipe are not a valid frame: wrong magic, unknown type, impossible length or a checksum mismatch.
 * Something other than the protocol wrote on the channel (native code writing to fd 1, a JVM message on stdout). The
 * message holds a hex dump of what was read.
 *
 * <p>Thread-safety: immutable once thrown.
 */
public class ChannelCorruptedException extends IOException {
    private static final long serialVersionUID = 1L;
    /** How many bytes after the bad ones go into the hex dump, at most. */
    private static final int DUMP_LIMIT = 256;

    public ChannelCorruptedException(String message) {
        super(message);
    }

    /** The fault, with a dump of the bad bytes and of whatever follows them on {@code in} that is readable now. */
    static ChannelCorruptedException of(String what, byte[] bad, InputStream in) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        seen.write(bad);
        int available = Math.min(in.available(), DUMP_LIMIT);
        if (available > 0) {
            byte[] more = new byte[available];
            int n = in.read(more);
            seen.write(more, 0, Math.max(n, 0));
        }
        return new ChannelCorruptedException("corrupted channel: " + what + "; bytes read:\n"
                + HexDump.of(seen.toByteArray()));
    }
}
