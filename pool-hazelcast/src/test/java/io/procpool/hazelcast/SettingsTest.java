package io.procpool.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.PoolException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Settings of the pool and of the member launcher: defaults, and bad values named in the message. No cluster runs.
 *
 * <p>Threading: JUnit's; each test is self-contained.
 */
class SettingsTest {

    @Test
    void memberDefaultsToLoopbackAndJoinsItsBindAddress() {
        Member.Options options = Member.Options.parse(new String[] {"--cluster", "c"});
        assertEquals(new Member.Options("c", 5701, "127.0.0.1", List.of("127.0.0.1"),
                Runtime.getRuntime().availableProcessors(), null, false), options);
    }

    @Test
    void memberTakesEveryOption() {
        Member.Options options = Member.Options.parse(new String[] {"--cluster", "c", "--port", "6000", "--bind",
                "10.0.0.1", "--member", "10.0.0.2:6000", "--member", "10.0.0.3", "--threads", "3",
                "--auth-key-file", "/etc/key", "--stop-on-stdin-eof"});
        assertEquals(new Member.Options("c", 6000, "10.0.0.1", List.of("10.0.0.2:6000", "10.0.0.3"), 3,
                Paths.get("/etc/key"), true), options);
    }

    @Test
    void memberNamesWhatIsWrongWithItsCommandLine() {
        assertEquals("--cluster NAME is required", assertThrows(IllegalArgumentException.class,
                () -> Member.Options.parse(new String[] {"--port", "5701"})).getMessage());
        assertEquals("--port needs a number, got 'x'", assertThrows(IllegalArgumentException.class,
                () -> Member.Options.parse(new String[] {"--cluster", "c", "--port", "x"})).getMessage());
        assertEquals("unknown option '--verbose'", assertThrows(IllegalArgumentException.class,
                () -> Member.Options.parse(new String[] {"--cluster", "c", "--verbose"})).getMessage());
    }

    @Test
    void builderNamesTheBadValue() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> HazelcastPool.builder().threadsPerMember(0).build()).getMessage().contains("got 0"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> HazelcastPool.builder().connectTimeout(Duration.ZERO).build()).getMessage()
                .contains("connectTimeout"));
    }

    @Test
    void aMemberThatCannotStartFailsWithItsExitCodeAndStderr() {
        PoolException e = assertThrows(PoolException.class, () -> MemberProcess.start("c", List.of(),
                List.of(System.getProperty("java.class.path")), List.of("-XX:+NoSuchOption")));
        assertTrue(e.getMessage().contains("exited with code 1 before it was ready"), e::getMessage);
        assertTrue(e.getMessage().contains("Unrecognized VM option 'NoSuchOption'"), e::getMessage);
    }

    @Test
    void aClusterNobodyAnswersFailsTheBuildInsteadOfHanging() throws IOException {
        int unusedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            unusedPort = socket.getLocalPort();
        }
        PoolException e = assertThrows(PoolException.class, () -> HazelcastPool.builder().clusterName("nobody")
                .addresses("127.0.0.1:" + unusedPort).connectTimeout(Duration.ofSeconds(1)).build());
        assertTrue(e.getMessage().startsWith("no member of cluster 'nobody' answered at [127.0.0.1:" + unusedPort
                + "] within 1000 ms"), e::getMessage);
    }
}
