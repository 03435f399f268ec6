package io.procpool.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.procpool.internal.protocol.Payloads;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The encoder's size hint: bulk data at the top of a value or one level down, nothing from big containers. */
class SizeHintTest {

    @Test
    void arraysAndStringsAtTheTopOrInAChunkCount() {
        assertEquals(1 << 20, SizeHint.of(new byte[1 << 20]));
        assertEquals(8 * 1000, SizeHint.of(new long[1000]));
        assertEquals(3 * (1 << 16), SizeHint.of(new Payloads.ChunkRequest(1, new Object[] {new byte[1 << 16],
                new byte[1 << 16], new byte[1 << 16]})));
        assertEquals(100 + 4 * 10, SizeHint.of(List.of("x".repeat(100), new int[10])));
    }

    @Test
    void deeperOrBigContainersAreNotWalked() {
        assertEquals(0, SizeHint.of(List.of(List.of(new byte[1 << 20]))));
        List<Object> many = new ArrayList<>(Collections.nCopies(65, new byte[10]));
        assertEquals(0, SizeHint.of(many));
        assertEquals(0, SizeHint.of(42));
    }

    @Test
    void aHintedValueEncodesAndDecodesAsBefore() {
        byte[] big = new byte[20 << 20];
        big[big.length - 1] = 7;
        byte[] back = (byte[]) Codec.decode(Codec.encode(big, "result"), getClass().getClassLoader(), "result");
        assertArrayEquals(big, back);
    }
}
