package io.procpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What will not serialize fails clearly, naming the class, and never hangs or breaks a worker. */
class SerializationTest {
    private static ProcessPool pool;

    @BeforeAll
    static void startPool() {
        pool = ProcessPool.builder().workers(1).name("codec").build();
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    /** Kryo cannot rebuild a JDK lock without opening java.base. */
    static final class Unserializable {
        final ReentrantLock lock = new ReentrantLock();
    }

    @Test
    void unserializableTaskFailsAtSubmitNamingTheClass() {
        Unserializable captured = new Unserializable();
        TaskSerializationException e = assertThrows(TaskSerializationException.class,
                () -> pool.applyAsync(() -> captured.lock.isLocked()));
        assertTrue(e.getMessage().contains("task"), e.getMessage());
        assertTrue(e.getMessage().contains("ReentrantLock") || e.getMessage().contains("Unserializable"),
                e.getMessage());
    }

    @Test
    void unserializableArgumentFailsAtSubmitNamingTheClassAndIndex() {
        TaskSerializationException e = assertThrows(TaskSerializationException.class,
                () -> pool.map((Object o) -> o.hashCode(), List.of("fine", new Unserializable())));
        assertTrue(e.getMessage().contains("index 1"), e.getMessage());
        assertTrue(e.getMessage().contains(Unserializable.class.getName()), e.getMessage());
    }

    @Test
    void unserializableArgumentOfApplyAsyncNamesTheArgument() {
        TaskSerializationException e = assertThrows(TaskSerializationException.class,
                () -> pool.applyAsync((Object o) -> o.hashCode(), new Unserializable()));
        assertTrue(e.getMessage().contains("argument"), e.getMessage());
    }

    @Test
    void unserializableResultFailsTheTaskAndTheWorkerGoesOn() throws Exception {
        long pidBefore = pool.apply(() -> ProcessHandle.current().pid());
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> pool.applyAsync(Unserializable::new).get());
        assertTrue(e.getCause() instanceof TaskSerializationException, e.getCause().toString());
        assertTrue(e.getCause().getMessage().contains("result"), e.getCause().getMessage());
        assertTrue(e.getCause().getMessage().contains("Unserializable")
                || e.getCause().getMessage().contains("ReentrantLock"), e.getCause().getMessage());
        long pidAfter = pool.apply(() -> ProcessHandle.current().pid());
        assertEquals(pidBefore, pidAfter, "the same worker still serves");
    }

    @Test
    void unserializableResultInAMapNamesTheItem() {
        TaskSerializationException e = assertThrows(TaskSerializationException.class,
                () -> pool.map((Integer x) -> x == 2 ? new Unserializable() : x, List.of(0, 1, 2, 3)));
        assertTrue(e.getMessage().contains("result"), e.getMessage());
    }

    @Test
    void nullTaskIsRejectedWithItsName() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> pool.apply(null));
        assertTrue(e.getMessage().contains("task"), e.getMessage());
    }
}
