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
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class FrameFormatTest {

    private static byte[] bytesOf(ToWorker... frames) throws IOException {
        return bytesOf(FrameWriter::toWorker, List.of(frames));
    }

    private static byte[] bytesOf(ToParent... frames) throws IOException {
        return bytesOf(FrameWriter::toParent, List.of(frames));
    }

    private static <F extends Frame> byte[] bytesOf(Function<OutputStream, FrameWriter<F>> writerOn, List<F> frames)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter<F> writer = writerOn.apply(out);
        for (F frame : frames) {
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
        byte[] actual = bytesOf(new ToParent.OutputLine(ToParent.OutputLine.Stream.OUT, "hi"));
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
        byte[] actual = bytesOf(new ToWorker.Shutdown());
        assertEquals("70703e77" + "07" + "0000000000000000" + "00000000" + "2e650cdf",
                BaseEncoding.base16().lowerCase().encode(actual));
    }

    @Test
    void framesRoundTripAndEndCleanly() throws IOException {
        ToWorker a = new ToWorker.Chunk(7, new Encoded(new byte[] {1, 2, 3}));
        ToWorker b = new ToWorker.Cancel(7);
        FrameReader<ToWorker> reader = FrameReader.toWorker(new ByteArrayInputStream(bytesOf(a, b)));
        assertEquals(a, reader.read());
        assertEquals(b, reader.read());
        assertNull(reader.read());
    }

    /**
     * A payload over 16 MiB goes out in several writes (so the native write never mallocs more than 16 MiB), and they
     * add up to the same frame.
     */
    @Test
    void largePayloadIsWrittenInPiecesThatMakeTheSameFrame() throws IOException {
        byte[] payload = new byte[40 << 20];
        for (int i = 0; i < payload.length; i += 4093) {
            payload[i] = (byte) i;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] largestWrite = {0};
        FrameWriter<ToWorker> writer = FrameWriter.toWorker(new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                largestWrite[0] = Math.max(largestWrite[0], length);
                out.write(bytes, offset, length);
            }
        });
        ToWorker.Call call = new ToWorker.Call(9, new Encoded(payload));
        writer.writeAndFlush(call);
        assertEquals(16 << 20, largestWrite[0]);
        assertEquals(call, FrameReader.toWorker(new ByteArrayInputStream(out.toByteArray())).read());
    }

    /** Each type is read back as its own record, equal to the one written: the reader decodes every type. */
    @Test
    void everyFrameTypeRoundTripsAsItsRecord() throws IOException {
        Encoded payload = new Encoded(new byte[] {4, 5, 6});
        List<ToWorker> toWorker = List.of(new ToWorker.Init(payload), new ToWorker.RegisterFunction(3, payload),
                new ToWorker.Chunk(7, payload), new ToWorker.Call(8, payload), new ToWorker.Forget(3),
                new ToWorker.Cancel(7), new ToWorker.Shutdown(), new ToWorker.StartProcess(payload),
                new ToWorker.Unqueue(8));
        List<ToParent> toParent = List.of(new ToParent.Hello(payload), new ToParent.InitFailed(payload),
                new ToParent.Result(7, payload), new ToParent.Failure(8, payload), new ToParent.Cancelled(9),
                new ToParent.OutputLine(ToParent.OutputLine.Stream.ERR, "line \u00e9"), new ToParent.Exit(15),
                new ToParent.Retiring(), new ToParent.Started(7));
        FrameReader<ToWorker> workerSide = FrameReader.toWorker(new ByteArrayInputStream(
                bytesOf(toWorker.toArray(new ToWorker[0]))));
        for (ToWorker frame : toWorker) {
            assertEquals(frame, workerSide.read());
        }
        FrameReader<ToParent> parentSide = FrameReader.toParent(new ByteArrayInputStream(
                bytesOf(toParent.toArray(new ToParent[0]))));
        for (ToParent frame : toParent) {
            assertEquals(frame, parentSide.read());
        }
        List<FrameType> covered = new ArrayList<>();
        toWorker.forEach(frame -> covered.add(frame.type()));
        toParent.forEach(frame -> covered.add(frame.type()));
        assertEquals(List.of(FrameType.values()), covered, "a frame type without its record in this test");
    }

    @Test
    void strayTextIsACorruptedChannelWithAHexDump() {
        byte[] stray = "Hello from native code\n".getBytes(StandardCharsets.UTF_8);
        FrameReader<ToParent> reader = FrameReader.toParent(new ByteArrayInputStream(stray));
        ChannelCorruptedException e = assertThrows(ChannelCorruptedException.class, reader::read);
        assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
        assertTrue(e.getMessage().contains("48 65 6c 6c 6f"), e.getMessage());
        assertTrue(e.getMessage().contains("|Hello from nativ|"), e.getMessage());
    }

    @Test
    void flippedPayloadBitFailsTheChecksum() throws IOException {
        byte[] bytes = bytesOf(new ToParent.Result(3, new Encoded(new byte[] {10, 20})));
        bytes[Frames.HEADER_SIZE] ^= 0x01;
        FrameReader<ToParent> reader = FrameReader.toParent(new ByteArrayInputStream(bytes));
        ChannelCorruptedException e = assertThrows(ChannelCorruptedException.class, reader::read);
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void frameFromTheWrongDirectionIsRejected() throws IOException {
        byte[] toWorker = bytesOf(new ToWorker.Shutdown());
        FrameReader<ToParent> reader = FrameReader.toParent(new ByteArrayInputStream(toWorker));
        assertThrows(ChannelCorruptedException.class, reader::read);
    }

    @Test
    void streamEndingInsideAFrameIsAnEofNotData() throws IOException {
        byte[] bytes = bytesOf(new ToParent.Result(3, new Encoded(new byte[100])));
        byte[] truncated = java.util.Arrays.copyOf(bytes, 50);
        FrameReader<ToParent> reader = FrameReader.toParent(new ByteArrayInputStream(truncated));
        assertThrows(EOFException.class, reader::read);
    }

    @Test
    void startupNoiseBeforeTheFirstFrameIsHandedOverAsLines() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("[0.003s][info][gc] Using G1\nsecond line\n".getBytes(StandardCharsets.UTF_8));
        out.write(bytesOf(new ToParent.Exit(0)));
        List<String> noise = new ArrayList<>();
        FrameReader<ToParent> reader = FrameReader.toParent(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(new ToParent.Exit(0), reader.readFirst(noise::add));
        assertEquals(List.of("[0.003s][info][gc] Using G1", "second line"), noise);
        assertNull(reader.read());
    }
}
