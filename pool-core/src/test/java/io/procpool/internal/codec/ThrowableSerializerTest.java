package io.procpool.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.RemoteException;
import io.procpool.internal.protocol.Payloads;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How exceptions travel as failures: rebuilt classes, cut chains, and getters that misbehave. In memory. */
@Timeout(30)
class ThrowableSerializerTest {
    private static final ClassLoader LOADER = ThrowableSerializerTest.class.getClassLoader();

    private static Throwable roundTrip(Throwable error) {
        byte[] bytes = Codec.encodeFailure(0, Payloads.TaskFailure.ofTask(0, new Object[0], error));
        return Codec.decodeFailure(bytes, LOADER).value().error();
    }

    private static List<Throwable> chainOf(Throwable top) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = top; t != null; t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    static class Prefixed extends IllegalStateException {
        Prefixed(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public String getMessage() {
            return "E42: " + super.getMessage();
        }
    }

    static class Constant extends RuntimeException {
        Constant(String ignored) {
            super(ignored);
        }

        @Override
        public String getMessage() {
            return "always the same";
        }
    }

    static class FromField extends RuntimeException {
        private final int code;

        FromField(int code) {
            this.code = code;
        }

        @Override
        public String getMessage() {
            return "code " + code;
        }
    }

    @Test
    void exceptionThatPrefixesItsMessageIsRebuiltAsItsOwnClassWithItsCause() {
        Throwable copy = roundTrip(new Prefixed("disk full", new ArithmeticException("x")));
        Prefixed prefixed = assertInstanceOf(Prefixed.class, copy);
        assertEquals("E42: disk full", prefixed.getMessage());
        assertInstanceOf(ArithmeticException.class, prefixed.getCause());
    }

    @Test
    void exceptionWithAConstantMessageIsRebuiltAsItsOwnClass() {
        assertInstanceOf(Constant.class, roundTrip(new Constant("whatever")));
    }

    @Test
    void exceptionWhoseMessageComesFromAFieldFallsBackToAStandInWithThatMessage() {
        RemoteException remote = assertInstanceOf(RemoteException.class, roundTrip(new FromField(7)));
        assertEquals(FromField.class.getName(), remote.remoteClassName());
        assertEquals("code 7", remote.remoteMessage());
    }

    @Test
    void undecoratedUndoesOnlyAPrefixAndSuffixDecoration() {
        assertEquals("m", ThrowableSerializer.undecorated("<m>", "<m>", "<<m>>"));
        assertNull(ThrowableSerializer.undecorated("m", "m", "x"));
        assertNull(ThrowableSerializer.undecorated("ab", "ab", "[ab]"));
    }

    private static RuntimeException chain(int depth) {
        RuntimeException chain = new IllegalArgumentException("root");
        for (int i = depth - 1; i > 0; i--) {
            chain = new RuntimeException("link " + i, chain);
        }
        return chain;
    }

    @Test
    void chainOfSixtyFourTravelsWhole() {
        List<Throwable> copy = chainOf(roundTrip(chain(64)));
        assertEquals(64, copy.size());
        assertEquals("link 63", copy.get(62).getMessage());
        assertEquals("root", copy.get(63).getMessage());
    }

    @Test
    void longChainKeepsItsHeadAndRootWithAMarkerCountingTheDropped() {
        List<Throwable> copy = chainOf(roundTrip(chain(65)));
        assertEquals(64, copy.size());
        assertEquals("link 62", copy.get(61).getMessage());
        CausesOmittedException marker = assertInstanceOf(CausesOmittedException.class, copy.get(62));
        assertTrue(marker.getMessage().startsWith("2 causes omitted here: the cause chain was 65 deep"),
                marker.getMessage());
        assertInstanceOf(IllegalArgumentException.class, copy.get(63));
    }

    /** Every call of getCause() makes up a new cause: an endless chain. */
    static class Endless extends RuntimeException {
        private final int depth;

        Endless(int depth) {
            super("depth " + depth);
            this.depth = depth;
        }

        @Override
        public synchronized Throwable getCause() {
            return new Endless(depth + 1);
        }
    }

    @Test
    void endlessCauseChainIsFollowedOnlySoFar() {
        List<Throwable> copy = chainOf(roundTrip(new Endless(0)));
        assertEquals(64, copy.size());
        assertTrue(copy.get(62).getMessage().startsWith("at least"), copy.get(62).getMessage());
    }

    @Test
    void wideTreeOfSuppressedExceptionsIsBounded() {
        RuntimeException top = new RuntimeException("top");
        for (int i = 0; i < 5_000; i++) {
            top.addSuppressed(new IllegalStateException("s" + i));
        }
        Throwable copy = roundTrip(top);
        assertEquals(ThrowableSerializer.MAX_THROWABLES - 1, copy.getSuppressed().length);
        assertEquals("s0", copy.getSuppressed()[0].getMessage());
    }

    @Test
    void deeplyNestedSuppressedExceptionsAreCutAtTheirDepthBound() {
        RuntimeException top = new RuntimeException("level 0");
        RuntimeException level = top;
        for (int i = 1; i < 50; i++) {
            RuntimeException next = new RuntimeException("level " + i);
            level.addSuppressed(next);
            level = next;
        }
        int depth = 0;
        for (Throwable t = roundTrip(top); t.getSuppressed().length > 0; t = t.getSuppressed()[0]) {
            depth++;
        }
        assertEquals(ThrowableSerializer.MAX_SUPPRESSED_DEPTH, depth);
    }
}
