package io.procpool.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.ObjectArraySerializer;
import io.procpool.internal.protocol.Payloads;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The block encodings of {@code Object[]} (a map's items and results): every shape round-trips exactly, including
 * nulls, extremes and content that must fall back to Kryo's generic encoding, and a block is smaller on the wire
 * than the generic encoding it replaces.
 */
@Timeout(30)
class BulkArraySerializerTest {
    private static final ClassLoader LOADER = BulkArraySerializerTest.class.getClassLoader();

    private static Object[] roundTrip(Object[] items) {
        return Codec.decode(Codec.encode(items, "items"), LOADER, Object[].class, "items");
    }

    private static void assertRoundTrips(Object[] items) {
        Object[] back = roundTrip(items);
        assertEquals(Object[].class, back.getClass());
        assertArrayEquals(items, back);
        for (int i = 0; i < items.length; i++) {
            assertEquals(items[i] == null ? null : items[i].getClass(), back[i] == null ? null : back[i].getClass(),
                    "class of element " + i);
        }
    }

    /** What the same array costs with Kryo's own Object[] serializer, which the block encodings replace. */
    private static int genericSize(Object[] items) {
        Kryo kryo = Codec.newKryo();
        kryo.register(Object[].class, new ObjectArraySerializer(kryo, Object[].class));
        Output output = new Output(1024, -1);
        kryo.writeClassAndObject(output, items);
        return output.position();
    }

    private static int blockSize(Object[] items) {
        return Codec.encode(items, "items").length;
    }

    @Test
    void integersRoundTripIncludingExtremesAndNulls() {
        assertRoundTrips(new Object[] {0, 1, -1, 127, 128, -129, 16_384, Integer.MAX_VALUE, Integer.MIN_VALUE});
        assertRoundTrips(new Object[] {null, 5, null, null, 7, 8, null, 9, 10, null});
    }

    @Test
    void longsRoundTripIncludingExtremesAndNulls() {
        assertRoundTrips(new Object[] {0L, -1L, 1L << 40, -(1L << 50), Long.MAX_VALUE, Long.MIN_VALUE, null, 3L});
    }

    @Test
    void doublesRoundTripBitForBit() {
        Object[] items = {0.0, -0.0, 1.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.MIN_VALUE, Double.MAX_VALUE, null, Math.PI};
        Object[] back = roundTrip(items);
        for (int i = 0; i < items.length; i++) {
            assertEquals(items[i] == null ? null : Double.doubleToRawLongBits((Double) items[i]),
                    back[i] == null ? null : Double.doubleToRawLongBits((Double) back[i]), "element " + i);
        }
    }

    @Test
    void stringsRoundTripAsciiNonAsciiEmptyAndNull() {
        assertRoundTrips(new Object[] {"", "a", "hello world", "", null, "grüße", "日本語のテキスト", "\u0000x", null});
        assertRoundTrips(new Object[] {"\u00ff\u00fe", "\u0100", "\u07ff\u0800\uffff"});
    }

    @Test
    void stringsWithSurrogatesKeepThemIncludingLoneOnes() {
        assertRoundTrips(new Object[] {"emoji \uD83D\uDE00", "lone high \uD800", "\uDC00 lone low", "x"});
        assertRoundTrips(new Object[] {"\uD83D", "\uDE00", "split pair across two elements"});
    }

    @Test
    void emptyShortAndAllNullArraysRoundTrip() {
        assertRoundTrips(new Object[0]);
        assertRoundTrips(new Object[] {1});
        assertRoundTrips(new Object[] {1, 2});
        assertRoundTrips(new Object[] {null, null, null, null});
    }

    @Test
    void mixedContentFallsBackAndRoundTrips() {
        assertRoundTrips(new Object[] {1, 2, 3, 4L});
        assertRoundTrips(new Object[] {1, 2, "three", 4});
        assertRoundTrips(new Object[] {1.0, 2.0, 3.0f});
        assertRoundTrips(new Object[] {"a", "b", 'c'});
        assertRoundTrips(new Object[] {List.of(1, 2), new int[] {3}, "x", null, 5});
    }

    @Test
    void hugeArraysRoundTrip() {
        assertRoundTrips(IntStream.range(-500_000, 500_000).map(i -> i * 2_147).boxed().toArray());
        assertRoundTrips(LongStream.range(0, 300_000).map(i -> i * 0x9E3779B97F4A7C15L).boxed().toArray());
        assertRoundTrips(IntStream.range(0, 200_000).mapToObj(i -> i % 7 == 0 ? null : "item-" + i).toArray());
    }

    @Test
    void chunkRequestsAndTimedResultsCarryBlocks() {
        Object[] items = IntStream.range(0, 1000).boxed().toArray();
        Payloads.ChunkRequest request = Codec.decode(
                Codec.encode(new Payloads.ChunkRequest(7, items), "arguments"), LOADER, Payloads.ChunkRequest.class,
                "arguments");
        assertEquals(7, request.functionId());
        assertArrayEquals(items, request.items());
        Codec.Timed<Object> result = Codec.decodeTimed(Codec.encodeTimed(42, items, "result"), LOADER, "result");
        assertEquals(42, result.nanos());
        assertArrayEquals(items, (Object[]) result.value());
    }

    @Test
    void aChunkRequestIsSmallerThanKryosRecordEncodingOfIt() {
        Kryo generic = Codec.newKryo();
        generic.register(Payloads.ChunkRequest.class, new com.esotericsoftware.kryo.serializers.RecordSerializer<>());
        Payloads.ChunkRequest request = new Payloads.ChunkRequest(3, new Object[] {41});
        Output output = new Output(1024, -1);
        generic.writeClassAndObject(output, request);
        byte[] ours = Codec.encode(request, "arguments");
        assertTrue(ours.length < output.position(), "ours " + ours.length + ", record " + output.position());
        Payloads.ChunkRequest back = Codec.decode(ours, LOADER, Payloads.ChunkRequest.class, "arguments");
        assertEquals(3, back.functionId());
        assertArrayEquals(new Object[] {41}, back.items());
    }

    @Test
    void aBlockArrayReferencedTwiceArrivesAsOneArrayAndLaterReferencesStayAligned() {
        Object[] block = {1, 2, 3, 4, 5};
        List<Object> shared = new ArrayList<>(List.of("tail"));
        List<Object> graph = new ArrayList<>();
        graph.add(block);
        graph.add(shared);
        graph.add(block);
        graph.add(shared);
        List<?> back = Codec.decode(Codec.encode(graph, "graph"), LOADER, List.class, "graph");
        assertArrayEquals(block, (Object[]) back.get(0));
        assertSame(back.get(0), back.get(2));
        assertSame(back.get(1), back.get(3));
        assertEquals(shared, back.get(1));
    }

    @Test
    void anArrayHoldingItselfTakesTheGenericPath() {
        Object[] cyclic = new Object[4];
        cyclic[0] = 1;
        cyclic[1] = cyclic;
        cyclic[2] = 2;
        cyclic[3] = 3;
        Object[] back = roundTrip(cyclic);
        assertSame(back, back[1]);
        assertEquals(3, back[3]);
    }

    @Test
    void typedArraysKeepTheirComponentType() {
        String[] strings = {"a", "b", "c"};
        Object back = Codec.decode(Codec.encode(strings, "strings"), LOADER, Object.class, "strings");
        assertEquals(String[].class, back.getClass());
        assertArrayEquals(strings, (String[]) back);
    }

    @Test
    void blocksAreSmallerOnTheWireThanKryosGenericEncoding() {
        Object[][] shapes = {
            IntStream.range(0, 200_000).boxed().toArray(),
            IntStream.range(0, 100).boxed().toArray(),
            IntStream.range(0, 1000).mapToObj(i -> i % 3 == 0 ? null : i).toArray(),
            LongStream.range(0, 10_000).map(i -> i * 1_000_003L).boxed().toArray(),
            IntStream.range(0, 10_000).mapToObj(i -> i / 7.0).toArray(),
            IntStream.range(0, 10_000).mapToObj(i -> "w" + i).toArray(),
            IntStream.range(0, 1000).mapToObj(i -> "ü" + i).toArray(),
        };
        for (Object[] shape : shapes) {
            int generic = genericSize(shape);
            int block = blockSize(shape);
            assertTrue(block < generic, shape.length + " " + shape[1].getClass().getSimpleName()
                    + ": block " + block + " bytes, generic " + generic);
        }
        Object[] ints = IntStream.range(0, 200_000).boxed().toArray();
        assertTrue(blockSize(ints) <= genericSize(ints) * 3 / 4, "200,000 ints should shrink by a quarter or more");
    }
}
