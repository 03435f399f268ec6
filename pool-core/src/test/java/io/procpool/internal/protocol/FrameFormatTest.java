package io.procpool.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.io.BaseEncoding;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameFormatTest {

    private static byte[] bytesOf(FrameType.Direction direction, Frame... frames) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(out, direction);
        for (Frame frame : frames) {
            writer.write(frame);
        }
        writer.flush();
        return out.toByteArray();
    }

    /**
     * The layout documented on {@link FrameType}, byte for byte. If this test changes, the protocol changed: bump
     * {@link Frames#PROTOCOL_VERSION}.
     */
    @Test
    void outputFrameMatchesGoldenBytes() throws IOException {
        byte[] actual = bytesOf(FrameType.Direction.TO_PARENT,
                new Frame(FrameType.OUTPUT, 1, "hi".getBytes(StandardCharsets.UTF_8)));
        String golden = "70703c70" // magic "pp<p"
                + "46"                 // OUTPUT
                + "0000000000000001"   // id: stream 1 (System.out)
                + "00000002"           // payload length
                + "6869"               // "hi"
                + "b3a3921b";          // CRC32C of type, id, length, payload
        assertEquals(golden, BaseEncoding.base16().lowerCase().encode(actual));
    }

    @Test
    void emptyShutdownFrameMatchesGoldenBytes() throws IOException {
        byte[] actual = bytesOf(FrameType.Direction.TO_WORKER, Frame.of(FrameType.SHUTDOWN, 0));
        assertEquals("70703e77" + "07" + "0000000000000000" + "00000000" + "2e650cdf",
                BaseEncoding.base16().lowerCase().encode(actual));
    }

    @Test
    void framesRoundTripAndEndCleanly() throws IOException {
        Frame a = new Frame(FrameType.CHUNK, 7, new byte[] {1, 2, 3});
        Frame b = Frame.of(FrameType.CANCEL, 7);
        FrameReader reader = new FrameReader(new ByteArrayInputStream(bytesOf(FrameType.Direction.TO_WORKER, a, b)),
                FrameType.Direction.TO_WORKER);
        assertEquals(a, reader.read());
        assertEquals(b, reader.read());
        assertNull(reader.read());
    }

    @Test
    void strayTextIsACorruptedChannelWithAHexDump() {
        byte[] stray = "Hello from native code\n".getBytes(StandardCharsets.UTF_8);
        FrameReader reader = new FrameReader(new ByteArrayInputStream(stray), FrameType.Direction.TO_PARENT);
        ChannelCorruptedException e = assertThrows(ChannelCorruptedException.class, reader::read);
        assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
        assertTrue(e.getMessage().contains("48 65 6c 6c 6f"), e.getMessage());
        assertTrue(e.getMessage().contains("|Hello from nativ|"), e.getMessage());
    }

    @Test
    void flippedPayloadBitFailsTheChecksum() throws IOException {
        byte[] bytes = bytesOf(FrameType.Direction.TO_PARENT, new Frame(FrameType.RESULT, 3, new byte[] {10, 20}));
        bytes[Frames.HEADER_SIZE] ^= 0x01;
        FrameReader reader = new FrameReader(new ByteArrayInputStream(bytes), FrameType.Direction.TO_PARENT);
        ChannelCorruptedException e = assertThrows(ChannelCorruptedException.class, reader::read);
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void frameFromTheWrongDirectionIsRejected() throws IOException {
        byte[] toWorker = bytesOf(FrameType.Direction.TO_WORKER, Frame.of(FrameType.SHUTDOWN, 0));
        FrameReader reader = new FrameReader(new ByteArrayInputStream(toWorker), FrameType.Direction.TO_PARENT);
        assertThrows(ChannelCorruptedException.class, reader::read);
    }

    @Test
    void streamEndingInsideAFrameIsAnEofNotData() throws IOException {
        byte[] bytes = bytesOf(FrameType.Direction.TO_PARENT, new Frame(FrameType.RESULT, 3, new byte[100]));
        byte[] truncated = java.util.Arrays.copyOf(bytes, 50);
        FrameReader reader = new FrameReader(new ByteArrayInputStream(truncated), FrameType.Direction.TO_PARENT);
        assertThrows(EOFException.class, reader::read);
    }

    @Test
    void startupNoiseBeforeTheFirstFrameIsHandedOverAsLines() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("[0.003s][info][gc] Using G1\nsecond line\n".getBytes(StandardCharsets.UTF_8));
        out.write(bytesOf(FrameType.Direction.TO_PARENT, Frame.of(FrameType.EXIT, 0)));
        List<String> noise = new ArrayList<>();
        FrameReader reader = new FrameReader(new ByteArrayInputStream(out.toByteArray()),
                FrameType.Direction.TO_PARENT);
        assertEquals(Frame.of(FrameType.EXIT, 0), reader.readFirst(noise::add));
        assertEquals(List.of("[0.003s][info][gc] Using G1", "second line"), noise);
        assertNull(reader.read());
    }
}
