package io.procpool.internal.protocol;

/**
 * Constants of the wire protocol shared by both sides.
 *
 * <p>Thread-safety: constants only.
 */
public final class Frames {
    /** Bumped whenever the layout or a payload changes; parent and worker must agree (checked at hello). */
    public static final int PROTOCOL_VERSION = 3; // 2: RETIRING frame, field kinds in failures; 3: STARTED frame
    /** Header bytes before the payload: magic, type, id, length. */
    public static final int HEADER_SIZE = 17;
    /** Trailer bytes after the payload: the CRC32C. */
    public static final int TRAILER_SIZE = 4;
    /** Largest payload a frame may carry; a larger task, argument or result is a serialization failure. */
    public static final int MAX_PAYLOAD = 1 << 30;

    private Frames() {
    }
}
