package io.procpool.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.internal.protocol.FrameReader;
import io.procpool.internal.protocol.FrameWriter;
import io.procpool.internal.protocol.ToParent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How worker output becomes OUTPUT frames, checked on an in-memory pipe. */
@Timeout(30)
class LineFrameOutputStreamTest {

    private static List<String> linesOf(byte[] written) throws IOException {
        ByteArrayOutputStream pipe = new ByteArrayOutputStream();
        FrameWriter<ToParent> frames = FrameWriter.toParent(pipe);
        LineFrameOutputStream out = new LineFrameOutputStream(frames, ToParent.OutputLine.Stream.OUT);
        out.write(written, 0, written.length);
        out.flushPartialLine();
        FrameReader<ToParent> reader = FrameReader.toParent(new ByteArrayInputStream(pipe.toByteArray()));
        List<String> lines = new ArrayList<>();
        for (ToParent frame; (frame = reader.read()) != null; ) {
            assertTrue(frame.wirePayload().length <= 64 * 1024, "a piece of " + frame.wirePayload().length + " bytes");
            lines.add(assertInstanceOf(ToParent.OutputLine.class, frame).line());
        }
        return lines;
    }

    @Test
    void longLineOfMultiByteCharactersIsCutBetweenCharacters() throws IOException {
        String text = "é€😀".repeat(30_000); // 2-, 3- and 4-byte characters, 270,000 bytes, no newline
        List<String> pieces = linesOf(text.getBytes(StandardCharsets.UTF_8));
        assertTrue(pieces.size() >= 5, "pieces: " + pieces.size());
        assertEquals(text, String.join("", pieces), "no character was split");
    }

    @Test
    void newlinesInsideOneWriteStillEndLines() throws IOException {
        assertEquals(List.of("a", "", "b\u00e9"), linesOf("a\n\nb\u00e9\n".getBytes(StandardCharsets.UTF_8)));
    }
}
