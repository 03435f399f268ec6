package io.procpool.internal.handles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.PoolException;
import io.procpool.internal.process.HostProcess;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The rule of where a handle works, against real processes: this JVM, its parent, a child, a dead one. */
class HandleResolutionTest {

    @Test
    void aHandleOfThisJvmResolvesHere() {
        assertEquals(HandleResolution.Where.THIS_JVM,
                HandleResolution.resolve(new HandleId("ProcessQueue", HostProcess.current(), 1)));
    }

    @Test
    void aHandleOfTheParentProcessResolvesToAnAncestor() {
        HostProcess parent = HostProcess.of(ProcessHandle.current().parent().orElseThrow()).orElseThrow();
        assertEquals(HandleResolution.Where.ANCESTOR,
                HandleResolution.resolve(new HandleId("ProcessLock", parent, 2)));
    }

    @Test
    void aHandleOfAChildIsRefusedNamingWhy() throws Exception {
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            HostProcess host = HostProcess.of(child.toHandle()).orElseThrow();
            PoolException e = assertThrows(PoolException.class,
                    () -> HandleResolution.resolve(new HandleId("ProcessQueue", host, 3)));
            assertTrue(e.getMessage().contains("neither this process nor one of its ancestors"), e.getMessage());
            assertTrue(e.getMessage().contains("ProcessQueue #3 of process " + child.pid()), e.getMessage());
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aHandleOfAnExitedHostSaysSo() throws Exception {
        Process child = new ProcessBuilder("true").start();
        HostProcess host = HostProcess.of(child.toHandle()).orElse(new HostProcess(child.pid(), 1));
        child.waitFor(10, TimeUnit.SECONDS);
        PoolException e = assertThrows(PoolException.class,
                () -> HandleResolution.resolve(new HandleId("SharedLong", host, 4)));
        assertTrue(e.getMessage().contains("has exited"), e.getMessage());
    }

    @Test
    void aJvmThatRefusesRemoteHandlesRefusesEvenTheParentsButNotItsOwn() {
        HostProcess parent = HostProcess.of(ProcessHandle.current().parent().orElseThrow()).orElseThrow();
        HandleResolution.refuseRemoteHandles("a HazelcastPool member");
        try {
            PoolException e = assertThrows(PoolException.class,
                    () -> HandleResolution.resolve(new HandleId("ProcessEvent", parent, 5)));
            assertTrue(e.getMessage().contains("cannot be used in a HazelcastPool member"), e.getMessage());
            assertEquals(HandleResolution.Where.THIS_JVM,
                    HandleResolution.resolve(new HandleId("ProcessEvent", HostProcess.current(), 6)));
        } finally {
            HandleResolution.refuseRemoteHandles(null);
        }
    }
}
