package io.procpool.internal.protocol;

import com.google.common.io.BaseEncoding;

/**
 * Bytes shown as {@code hexdump -C} shows them, for reports of what was on a channel instead of frames.
 *
 * <p>Thread-safety: stateless.
 */
public final class HexDump {
    private HexDump() {
    }

    /** Sixteen bytes a line: offset, hex, and the printable ASCII beside it. */
    public static String of(byte[] bytes) {
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
