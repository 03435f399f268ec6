package io.procpool.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.RoutingMode;
import com.hazelcast.core.HazelcastInstance;
import io.procpool.PoolException;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster key across real JVMs: one member started with {@code --auth-key-file} on loopback, and pools with no
 * key, another key and the right key; a relay that alters one byte of a task or of an answer on its way; members that refuse to start.
 *
 * <p>"Never decoded" is observed, not assumed: the tasks carry a {@link Tripwire}, which leaves a file behind in
 * whichever JVM decodes it; the right key's test shows those files appear when decoding does happen.
 *
 * <p>Threading: JUnit's; the member is shared by the class's tests; each test uses its own pool and closes it.
 */
class ClusterKeyTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);
    private static final byte[] KEY = "the cluster's key: 32 bytes long".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    static Path keys;
    @TempDir
    Path traces;
    private static Path keyFile;
    private static TestCluster cluster;

    @BeforeAll
    static void startKeyedMember() throws IOException {
        keyFile = keyFile("key", KEY, "rw-------");
        // Bound to loopback like every test member: the key's checks do not depend on the address, and tests send
        // traffic to loopback only. The refusal test below names a non-loopback address; that member never binds it.
        cluster = TestCluster.start(1, List.of("--auth-key-file", keyFile.toString()));
    }

    @AfterAll
    static void stopMember() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Path keyFile(String name, byte[] key, String mode) throws IOException {
        Path file = keys.resolve(name);
        Files.write(file, key);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    /** An IPv4 address of this machine other than loopback, or the wildcard address when it has none. */
    private static String nonLoopbackAddress() {
        try {
            return firstNonLoopbackAddress();
        } catch (SocketException e) {
            return "0.0.0.0";
        }
    }

    private static String firstNonLoopbackAddress() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLinkLocalAddress()) {
                        return address.getHostAddress();
                    }
                }
            }
        }
        return "0.0.0.0";
    }

    private String member() {
        return cluster.members.get(0).address();
    }

    /** Runs {@code apply(t -> t, tripwire)} and returns what it failed with. */
    private static PayloadSignatureException refused(HazelcastPool pool, Tripwire tripwire) {
        CompletableFuture<Tripwire> echo = pool.applyAsync(t -> t, tripwire);
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> echo.get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS));
        return assertInstanceOf(PayloadSignatureException.class, e.getCause());
    }

    @Test
    void theRightKeyRunsTasksAndDecodesTheirSignedAnswers() throws Exception {
        try (HazelcastPool pool = cluster.poolBuilder().authKeyFile(keyFile).build()) {
            List<Integer> items = IntStream.range(0, 50).boxed().toList();
            assertEquals(items.stream().map(x -> x * x).toList(), pool.map(x -> x * x, items));
            Tripwire echoed = pool.applyAsync(t -> t, new Tripwire(traces, "right key"))
                    .get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
            assertEquals("right key", echoed.tag());
            assertEquals(1, Tripwire.decodingsIn(traces, cluster.members.get(0).pid()), "decoded on the member");
            assertEquals(1, Tripwire.decodingsIn(traces, ProcessHandle.current().pid()), "decoded here");
        }
    }

    @Test
    void aPoolWithoutAKeyIsRefusedAndItsTaskIsNeverDecoded() throws Exception {
        try (HazelcastPool pool = cluster.poolBuilder().build()) {
            PayloadSignatureException e = refused(pool, new Tripwire(traces, "no key"));
            assertTrue(e.getMessage().startsWith("member " + member() + " refused CALL #"), e::getMessage);
            assertTrue(e.getMessage().contains("the task carries no signature, and this member takes only tasks "
                    + "signed with the cluster key"), e::getMessage);
            assertEquals(0, Tripwire.decodings(traces), "nothing of the task was decoded");
        }
    }

    @Test
    void aPoolWithAnotherKeyIsRefusedAndItsTaskIsNeverDecoded() throws Exception {
        byte[] otherKey = Arrays.copyOf(KEY, KEY.length);
        otherKey[0] ^= 1;
        try (HazelcastPool pool = cluster.poolBuilder().authKey(otherKey).build()) {
            PayloadSignatureException e = refused(pool, new Tripwire(traces, "wrong key"));
            assertTrue(e.getMessage().contains("the task's signature does not match this member's cluster key"),
                    e::getMessage);
            assertEquals(0, Tripwire.decodings(traces), "nothing of the task was decoded");
        }
    }

    @Test
    void aTaskAlteredInFlightIsRefusedAndNeverDecoded() throws Exception {
        try (TamperingProxy proxy = TamperingProxy.start(member(), "ALTER-ME-ON-THE-WAY-OUT",
                TamperingProxy.Direction.TO_MEMBER)) {
            HazelcastInstance client = clientThrough(proxy);
            try (HazelcastPool pool = HazelcastPool.builder().instance(client).authKey(KEY).build()) {
                PayloadSignatureException e = refused(pool, new Tripwire(traces, "ALTER-ME-ON-THE-WAY-OUT!"));
                assertEquals(1, proxy.flips(), "the proxy altered the task");
                assertTrue(e.getMessage().contains("the task's signature does not match this member's cluster key "
                        + "(the pool has another key, or the bytes were altered on the way); it was not decoded"),
                        e::getMessage);
                assertEquals(0, Tripwire.decodings(traces), "nothing of the task was decoded");
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void anAnswerAlteredInFlightIsRejectedAndNeverDecoded() throws Exception {
        String directory = traces.toString();
        try (TamperingProxy proxy = TamperingProxy.start(member(), "ALTER-ME-ON-THE-WAY-BACK",
                TamperingProxy.Direction.TO_CLIENT)) {
            HazelcastInstance client = clientThrough(proxy);
            try (HazelcastPool pool = HazelcastPool.builder().instance(client).authKey(KEY).build()) {
                CompletableFuture<Tripwire> answer = pool.applyAsync(
                        tag -> new Tripwire(Path.of(directory), tag), "ALTER-ME-ON-THE-WAY-BACK!");
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> answer.get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS));
                PayloadSignatureException rejected = assertInstanceOf(PayloadSignatureException.class, e.getCause());
                assertEquals(1, proxy.flips(), "the proxy altered the answer");
                assertTrue(rejected.getMessage().contains("has a signature that does not match this pool's cluster "
                        + "key"), rejected::getMessage);
                assertEquals(0, Tripwire.decodings(traces), "the answer was not decoded");
            } finally {
                client.shutdown();
            }
        }
    }

    /** A task a client could send in place of procpool's envelope: plain Java serialization, which has no signature. */
    static final class JavaSerializedTask implements Callable<String>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public String call() {
            return "ran on the member";
        }
    }

    @Test
    void aMemberRefusesJavaSerializedTasksWhichCarryNoSignature() throws Exception {
        try (HazelcastPool unkeyed = cluster.poolBuilder().build()) {
            Future<String> ran = unkeyed.instance().getExecutorService(HazelcastPool.DEFAULT_EXECUTOR).submit(
                    new JavaSerializedTask());
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> ran.get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS));
            assertTrue(String.valueOf(e.getCause()).contains("Resolving class " + JavaSerializedTask.class.getName()
                    + " is not allowed"), () -> String.valueOf(e.getCause()));
        }
    }

    /** A client that reaches the member only through the proxy (one connection, no direct route around it). */
    private static HazelcastInstance clientThrough(TamperingProxy proxy) {
        ClientConfig config = new ClientConfig();
        config.setClusterName(cluster.name);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.getNetworkConfig().addAddress(proxy.address());
        config.getNetworkConfig().getClusterRoutingConfig().setRoutingMode(RoutingMode.SINGLE_MEMBER);
        config.getConnectionStrategyConfig().getConnectionRetryConfig()
                .setClusterConnectTimeoutMillis(HANG_GUARD.toMillis());
        return HazelcastClient.newHazelcastClient(config);
    }

    @Test
    void aMemberReachableFromOtherMachinesRefusesToStartWithoutAKey() {
        String address = nonLoopbackAddress();
        PoolException e = assertThrows(PoolException.class, () -> MemberProcess.start("unkeyed", List.of(),
                classPath(), List.of(), List.of("--bind", address)));
        assertTrue(e.getMessage().contains("exited with code 2 before it was ready"), e::getMessage);
        assertTrue(e.getMessage().contains("refusing to start: --bind " + address + " is not a loopback address, "
                + "so other machines can reach this member, and without a cluster key it would decode and run any "
                + "task they send. Give it --auth-key-file PATH"), e::getMessage);
    }

    @Test
    void aMemberRefusesAKeyFileOthersCanRead() throws IOException {
        Path readable = keyFile("readable", KEY, "rw-r--r--");
        PoolException e = assertThrows(PoolException.class, () -> MemberProcess.start("leaky", List.of(),
                classPath(), List.of(), List.of("--auth-key-file", readable.toString())));
        assertTrue(e.getMessage().contains("the cluster key file " + readable + " has mode rw-r--r--; it must be "
                + "readable by its owner only (chmod 600 " + readable + ")"), e::getMessage);
    }

    private static List<String> classPath() {
        return Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
    }
}
