package io.procpool.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.RemoteException;
import io.procpool.TaskFunction;
import io.procpool.TaskSerializationException;
import io.procpool.internal.protocol.Payloads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

class CodecTest {

    private static final ClassLoader LOADER = CodecTest.class.getClassLoader();

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) {
        return (T) Codec.decode(Codec.encode(value, "value"), LOADER, Object.class, "value");
    }

    record Point(int x, String label) {
    }

    static final class NoDefaultConstructor {
        final int value;

        NoDefaultConstructor(int value) {
            this.value = value;
        }
    }

    /** Not Serializable, and captured by a lambda below. */
    static final class Multiplier {
        final int factor;

        Multiplier(int factor) {
            this.factor = factor;
        }
    }

    @Test
    void capturingLambdaTravelsWithNonSerializableCapture() throws Exception {
        Multiplier multiplier = new Multiplier(7);
        TaskFunction<Integer, Integer> fn = x -> x * multiplier.factor;
        TaskFunction<Integer, Integer> copy = roundTrip(fn);
        assertEquals(42, copy.apply(6));
    }

    @Test
    void methodReferenceTravels() throws Exception {
        TaskFunction<String, Integer> fn = String::length;
        assertEquals(5, roundTrip(fn).apply("hello"));
    }

    @Test
    void anonymousClassKeepsCapturedValues() throws Exception {
        int offset = 40;
        TaskFunction<Integer, Integer> fn = new TaskFunction<>() {
            @Override
            public Integer apply(Integer x) {
                return x + offset;
            }
        };
        assertEquals(42, roundTrip(fn).apply(2));
    }

    @Test
    void recordsImmutableCollectionsAndClassesWithoutNoArgConstructorTravel() {
        assertEquals(new Point(1, "a"), roundTrip(new Point(1, "a")));
        assertEquals(List.of(1, 2, 3), roundTrip(List.of(1, 2, 3)));
        assertEquals(Map.of("a", 1, "b", 2), roundTrip(Map.of("a", 1, "b", 2)));
        assertEquals(Set.of("x"), roundTrip(Set.of("x")));
        assertEquals(9, roundTrip(new NoDefaultConstructor(9)).value);
        assertArrayEquals(new int[] {1, 2}, roundTrip(new int[] {1, 2}));
        assertEquals(TimeUnit.SECONDS, roundTrip(TimeUnit.SECONDS));
    }

    @Test
    void jdkViewsTravelAsCopies() {
        List<Integer> backing = new ArrayList<>(List.of(1, 2, 3, 4));
        assertEquals(List.of(1, 2, 3, 4), roundTrip(Collections.unmodifiableList(backing)));
        assertEquals(List.of(2, 3), roundTrip(backing.subList(1, 3)));
        assertEquals(List.of(1, 2, 3, 4), roundTrip(Collections.synchronizedList(backing)));
        Map<String, Integer> map = new TreeMap<>(Map.of("a", 1, "b", 2));
        assertEquals(Set.of("a", "b"), roundTrip(map.keySet()));
        assertEquals(map, roundTrip(Collections.unmodifiableMap(map)));
        assertEquals(new HashMap<>(map), roundTrip(new HashMap<>(map)));
        EnumMap<TimeUnit, String> enumMap = new EnumMap<>(TimeUnit.class);
        enumMap.put(TimeUnit.DAYS, "d");
        assertEquals(enumMap, roundTrip(enumMap));
        assertThrows(UnsupportedOperationException.class,
                () -> roundTrip(Collections.unmodifiableList(backing)).add(5));
    }

    @Test
    void cyclicGraphTravels() {
        List<Object> self = new ArrayList<>();
        self.add(self);
        List<Object> copy = roundTrip(self);
        assertSame(copy, copy.get(0));
    }

    static class CustomException extends Exception {
        CustomException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Test
    void exceptionKeepsClassMessageFramesCauseAndSuppressed() {
        CustomException original = new CustomException("outer", new IllegalStateException("inner"));
        original.addSuppressed(new UncheckedIOException("io", new IOException("disk")));
        Throwable copy = roundTrip((Throwable) original);
        assertInstanceOf(CustomException.class, copy);
        assertEquals("outer", copy.getMessage());
        assertEquals(Arrays.toString(original.getStackTrace()), Arrays.toString(copy.getStackTrace()));
        assertInstanceOf(IllegalStateException.class, copy.getCause());
        assertEquals("inner", copy.getCause().getMessage());
        assertEquals(Arrays.toString(original.getCause().getStackTrace()), Arrays.toString(copy.getCause().getStackTrace()));
        Throwable suppressed = copy.getSuppressed()[0];
        assertInstanceOf(UncheckedIOException.class, suppressed);
        assertEquals("disk", suppressed.getCause().getMessage());
    }

    @Test
    void exceptionWithSelfCauseAndCycleTravels() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        Throwable copy = roundTrip((Throwable) b);
        assertEquals("a", copy.getCause().getMessage());
        assertNull(copy.getCause().getCause());
    }

    @Test
    void exceptionOfUnknownClassBecomesRemoteException() throws Exception {
        // A class loader that cannot see the test classes stands for a parent that lacks the worker's class.
        try (URLClassLoader isolated = new URLClassLoader(new URL[0], Codec.class.getClassLoader().getParent())) {
            byte[] bytes = Codec.encodeFailure(5, Payloads.TaskFailure.ofTask(0, new Object[0],
                    new CustomException("lost", new IllegalArgumentException("why"))));
            Throwable error = Codec.decodeFailure(bytes, isolated).value().error();
            RemoteException remote = assertInstanceOf(RemoteException.class, error);
            assertEquals(CustomException.class.getName(), remote.remoteClassName());
            assertEquals("lost", remote.remoteMessage());
            assertTrue(remote.getMessage().startsWith(CustomException.class.getName()));
            assertInstanceOf(IllegalArgumentException.class, remote.getCause());
            assertTrue(remote.getStackTrace().length > 0);
        }
    }

    static final class HoldsALock {
        final ReentrantLock lock = new ReentrantLock();
    }

    @Test
    void unencodableValueNamesTheClass() {
        TaskSerializationException e = assertThrows(TaskSerializationException.class,
                () -> Codec.encode(new HoldsALock(), "argument"));
        assertTrue(e.getMessage().contains(HoldsALock.class.getName()), e.getMessage());
        assertTrue(e.failedClassName().contains("ReentrantLock") || e.failedClassName().contains("HoldsALock"),
                e.failedClassName());
    }

    @Test
    void timedPayloadCarriesItsTime() {
        Codec.Timed<Object> timed = Codec.decodeTimed(Codec.encodeTimed(1234, "x", "result"), LOADER, "result");
        assertEquals(1234, timed.nanos());
        assertEquals("x", timed.value());
    }
}
