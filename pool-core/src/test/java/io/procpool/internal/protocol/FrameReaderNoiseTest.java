package io.procpool.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bytes between frames, as native code writes them on a child's stdout: a tolerant reader skips them and reports
 * them (before it blocks for more, so a stray byte is shown when it arrives), a strict one fails on them.
 *
 * <p>Threading: JUnit's thread only (in-memory streams).
 */
class FrameReaderNoiseTest {

    private static byte[] frame(long id, String payload) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FrameWriter<ToParent> writer = FrameWriter.toParent(bytes);
        writer.writeAndFlush(new ToParent.Result(id, new Encoded(payload.getBytes(StandardCharsets.UTF_8))));
        return bytes.toByteArray();
    }

    private static InputStream concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return new ByteArrayInputStream(all.toByteArray());
    }

    @Test
    void bytesBetweenFramesAreSkippedAndReported() throws IOException {
        List<byte[]> noise = new ArrayList<>();
        FrameReader<ToParent> reader = FrameReader.toParent(concat(frame(1, "a"),
                "native says hi\n".getBytes(StandardCharsets.UTF_8), frame(2, "b")), noise::add);
        assertEquals(1, reader.read().wireId());
        assertEquals(2, reader.read().wireId());
        assertNull(reader.read());
        assertEquals("native says hi\n", new String(join(noise), StandardCharsets.UTF_8));
    }

    @Test
    void aStrayByteThatBeginsTheMagicIsSkippedWhenTheFrameComes() throws IOException {
        List<byte[]> noise = new ArrayList<>();
        byte first = (byte) (FrameType.Direction.TO_PARENT.magic() >>> 24);
        FrameReader<ToParent> reader = FrameReader.toParent(concat(new byte[] {first, first}, frame(7, "x")),
                noise::add);
        ToParent read = reader.read();
        assertEquals(7, read.wireId());
        assertEquals("x", new String(read.wirePayload(), StandardCharsets.UTF_8));
        assertArrayEquals(new byte[] {first, first}, join(noise));
    }

    @Test
    void aStrayByteIsReportedBeforeTheReaderBlocks() throws IOException {
        List<byte[]> noise = new ArrayList<>();
        InputStream strayThenNothing = new InputStream() { // a pipe with one byte in it and no more yet
            private boolean served;

            @Override
            public int read() {
                if (served) {
                    assertArrayEquals(new byte[] {'\n'}, join(noise), "reported before blocking");
                    return -1;
                }
                served = true;
                return '\n';
            }

            @Override
            public int available() {
                return 0;
            }
        };
        assertNull(FrameReader.toParent(strayThenNothing, noise::add).read());
    }

    @Test
    void aStrictReaderFailsOnTheFirstByteThatCannotBeginAFrame() throws IOException {
        FrameReader<ToParent> strict = FrameReader.toParent(concat("x".getBytes(StandardCharsets.UTF_8),
                frame(1, "a")));
        assertThrows(ChannelCorruptedException.class, strict::read);
    }

    private static byte[] join(List<byte[]> parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        parts.forEach(all::writeBytes);
        return all.toByteArray();
    }
}
