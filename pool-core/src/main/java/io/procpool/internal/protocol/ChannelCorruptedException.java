package io.procpool.internal.protocol;

import java.io.IOException;

/**
 * The bytes on a pipe are not a valid frame: wrong magic, unknown type, impossible length or a checksum mismatch.
 * Something other than the protocol wrote on the channel (native code writing to fd 1, a JVM message on stdout). The
 * message holds a hex dump of what was read.
 *
 * <p>Thread-safety: immutable once thrown.
 */
public class ChannelCorruptedException extends IOException {
    private static final long serialVersionUID = 1L;

    public ChannelCorruptedException(String message) {
        super(message);
    }
}
