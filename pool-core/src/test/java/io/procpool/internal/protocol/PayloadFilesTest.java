package io.procpool.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.io.BaseEncoding;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Large payloads through {@link PayloadFiles}: what goes on the wire, what is left in the directory, what is refused. */
class PayloadFilesTest {
    private static final long TASK = 7;

    @TempDir
    Path directory;

    private FrameWriter<ToParent> writer(ByteArrayOutputStream out) {
        return FrameWriter.toParent(out, PayloadFiles.writer(() -> directory, "host-1-2"));
    }

    private static byte[] payload(int length) {
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) (i * 31);
        }
        return payload;
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        }
    }

    private static ToParent readOne(byte[] wire) throws IOException {
        return FrameReader.toParent(new ByteArrayInputStream(wire)).read();
    }

    @Test
    void largePayloadTravelsAsADescriptorAndItsFileIsDeletedOnceRead() throws IOException {
        byte[] payload = payload(PayloadFiles.THRESHOLD);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer(out).writeAndFlush(new ToParent.Result(TASK, new Encoded(payload)));
        byte[] wire = out.toByteArray();

        List<Path> written = files();
        assertEquals(1, written.size());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(written.get(0))));
        assertTrue(written.get(0).getFileName().toString().startsWith("host-1-2-payload-"), written.toString());
        // the layout of FrameType with the flag 0x80 on the type byte, and the descriptor as payload
        byte[] path = written.get(0).toString().getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer expected = ByteBuffer.allocate(Frames.HEADER_SIZE + 8 + path.length)
                .putInt(FrameType.Direction.TO_PARENT.magic()).put((byte) 0xc3).putLong(TASK).putInt(8 + path.length)
                .putInt(payload.length).putInt((int) crc.getValue()).put(path);
        assertEquals(BaseEncoding.base16().encode(expected.array()),
                BaseEncoding.base16().encode(wire, 0, wire.length - Frames.TRAILER_SIZE));

        ToParent.Result read = (ToParent.Result) readOne(wire);
        assertEquals(TASK, read.taskId());
        assertArrayEquals(payload, read.answer().bytes());
        assertEquals(List.of(), files());
    }

    @Test
    void payloadBelowTheThresholdStaysInTheFrame() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer(out).writeAndFlush(new ToParent.Result(TASK, new Encoded(payload(PayloadFiles.THRESHOLD - 1))));
        assertEquals(0x43, out.toByteArray()[4]);
        assertEquals(Frames.HEADER_SIZE + PayloadFiles.THRESHOLD - 1 + Frames.TRAILER_SIZE, out.size());
        assertEquals(List.of(), files());
    }

    @Test
    void filesNobodyReadAreDeletedWhenTheWriterCloses() throws IOException {
        FrameWriter<ToParent> writer = writer(new ByteArrayOutputStream());
        writer.write(new ToParent.Result(1, new Encoded(payload(PayloadFiles.THRESHOLD))));
        writer.write(new ToParent.Result(2, new Encoded(payload(PayloadFiles.THRESHOLD))));
        Path otherHosts = Files.write(directory.resolve("host-1-3-payload-1-0"), new byte[1]);
        assertEquals(3, files().size());
        writer.close();
        assertEquals(List.of(otherHosts), files());
    }

    @Test
    void withoutADirectoryLargePayloadsGoInline() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter<ToParent> writer = FrameWriter.toParent(out, PayloadFiles.writer(() -> {
            throw new IOException("no runtime directory");
        }, "host-1-2"));
        byte[] payload = payload(PayloadFiles.THRESHOLD);
        writer.writeAndFlush(new ToParent.Result(TASK, new Encoded(payload)));
        assertArrayEquals(payload, ((ToParent.Result) readOne(out.toByteArray())).answer().bytes());
    }

    @Test
    void alteredFileFailsItsChecksumAndIsDeleted() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer(out).writeAndFlush(new ToParent.Result(TASK, new Encoded(payload(PayloadFiles.THRESHOLD))));
        Path file = files().get(0);
        byte[] altered = Files.readAllBytes(file);
        altered[1000] ^= 1;
        Files.write(file, altered);
        ChannelCorruptedException e = assertThrows(ChannelCorruptedException.class, () -> readOne(out.toByteArray()));
        assertTrue(e.getMessage().contains("checksum mismatch in the payload file"), e.getMessage());
        assertEquals(List.of(), files());
    }

    @Test
    void missingFileIsACorruptedChannelNamingIt() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer(out).writeAndFlush(new ToParent.Result(TASK, new Encoded(payload(PayloadFiles.THRESHOLD))));
        Path file = files().get(0);
        Files.delete(file);
        ChannelCorruptedException e = assertThrows(ChannelCorruptedException.class, () -> readOne(out.toByteArray()));
        assertTrue(e.getMessage().contains("missing: " + file), e.getMessage());
    }

    /** A descriptor is never trusted to name any file: only payload files are read (and deleted). */
    @Test
    void descriptorNamingAnotherFileIsRefusedAndTheFileKept() throws IOException {
        Path victim = Files.write(directory.resolve("precious.txt"), new byte[] {1, 2, 3});
        byte[] path = victim.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(Frames.HEADER_SIZE + 8 + path.length + Frames.TRAILER_SIZE)
                .putInt(FrameType.Direction.TO_PARENT.magic()).put((byte) 0xc3).putLong(TASK).putInt(8 + path.length)
                .putInt(3).putInt(0).put(path);
        CRC32C crc = new CRC32C();
        crc.update(frame.array(), 4, frame.position() - 4);
        frame.putInt((int) crc.getValue());
        ChannelCorruptedException e = assertThrows(ChannelCorruptedException.class, () -> readOne(frame.array()));
        assertTrue(e.getMessage().contains("impossible payload file"), e.getMessage());
        assertTrue(Files.exists(victim));
    }
}
