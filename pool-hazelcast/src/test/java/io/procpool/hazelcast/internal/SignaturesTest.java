package io.procpool.hazelcast.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.internal.protocol.Encoded;
import io.procpool.internal.protocol.FrameType;
import io.procpool.internal.protocol.ToParent;
import io.procpool.internal.task.Task;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signatures themselves, without a cluster: what a task's and an answer's signature bind together (so an altered
 * field, another key, or an answer moved to another task or pool fails the check), and how key files are read.
 * The cluster tests ({@code ClusterKeyTest}) show the same checks across real member JVMs.
 *
 * <p>Threading: JUnit's; each test is self-contained.
 */
class SignaturesTest {
    private static final ClusterKey KEY = ClusterKey.of("0123456789abcdef0123456789abcdef".getBytes(
            StandardCharsets.US_ASCII));
    private static final ClusterKey OTHER_KEY = ClusterKey.of("fedcba9876543210fedcba9876543210".getBytes(
            StandardCharsets.US_ASCII));

    @TempDir
    Path directory;

    private static Task call(long id) {
        return new Task(id, FrameType.CALL, new byte[] {1, 2, 3, 4}, null, 1, SignaturesTest.class.getClassLoader(),
                Runnable::run, "f", null);
    }

    private static RemoteAnswer answerTo(RemoteTask task, byte[] result, ClusterKey key) {
        return new RemoteAnswer(new ToParent.Result(task.taskId(), new Encoded(result)), task, "member a:1", 42, key);
    }

    @Test
    void aTaskSignatureCoversEveryFieldTheMemberActsOn() {
        RemoteTask task = new RemoteTask("pool-1", call(7), KEY);
        assertTrue(KEY.verifies(task.signature(), task.transcript()));
        assertFalse(OTHER_KEY.verifies(task.signature(), task.transcript()), "another key");
        RemoteTask otherPayload = new RemoteTask("pool-1", new Task(7, FrameType.CALL, new byte[] {1, 2, 3, 5}, null,
                1, getClass().getClassLoader(), Runnable::run, "f", null), null);
        assertFalse(KEY.verifies(task.signature(), otherPayload.transcript()), "one payload byte changed");
        assertFalse(KEY.verifies(task.signature(), new RemoteTask("pool-2", call(7), null).transcript()), "pool id");
        assertFalse(KEY.verifies(task.signature(), new RemoteTask("pool-1", call(8), null).transcript()), "task id");
        assertNull(new RemoteTask("pool-1", call(7), null).signature(), "no key, no signature");
    }

    @Test
    void aSignedAnswerIsAcceptedOnlyForTheTaskAndPoolItAnswers() {
        Task first = call(1);
        Task second = call(2);
        RemoteAnswer answer = answerTo(new RemoteTask("pool-1", first, KEY), new byte[] {9}, KEY);
        assertNull(answer.rejection("pool-1", first, KEY));
        String asOtherTask = answer.rejection("pool-1", second, KEY);
        assertNotNull(asOtherTask, "replayed as the answer of another task");
        assertTrue(asOtherTask.contains("signature that does not match") && asOtherTask.contains("CALL #2"), asOtherTask);
        assertNotNull(answer.rejection("pool-2", first, KEY), "replayed to another pool with the same task id");
        assertNotNull(answer.rejection("pool-1", first, OTHER_KEY), "checked with another key");
    }

    @Test
    void anUnsignedAnswerOrARefusalIsNeverAcceptedByAPoolWithAKey() {
        Task task = call(3);
        RemoteTask remote = new RemoteTask("pool-1", task, KEY);
        String unsigned = answerTo(remote, new byte[] {9}, null).rejection("pool-1", task, KEY);
        assertTrue(unsigned.contains("carries no signature"), unsigned);
        String refused = RemoteAnswer.refused(remote, "member a:1", 42, "no").rejection("pool-1", task, null);
        assertEquals("member a:1 refused CALL #3: no", refused);
    }

    @Test
    void aMemberRunsOnlyWhatItsOwnKeyVerifiesAndAMemberWithoutAKeyRefusesSignedTasks() {
        assertNull(MemberTasks.refusal(new RemoteTask("p", call(5), KEY), KEY), "signed with the member's key");
        assertNull(MemberTasks.refusal(new RemoteTask("p", call(5), null), null), "no key on either side");
        assertTrue(MemberTasks.refusal(new RemoteTask("p", call(5), null), KEY).startsWith("the task carries no "
                + "signature"));
        assertTrue(MemberTasks.refusal(new RemoteTask("p", call(5), OTHER_KEY), KEY).startsWith("the task's "
                + "signature does not match this member's cluster key"));
        assertTrue(MemberTasks.refusal(new RemoteTask("p", call(5), KEY), null).startsWith("the task is signed, "
                + "but this member has no cluster key"));
    }

    @Test
    void aKeyFileOpenToGroupOrOthersIsRefused() throws IOException {
        Path file = directory.resolve("key");
        Files.write(file, new byte[32]);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterKey.readFile(file));
        assertEquals("the cluster key file " + file + " has mode rw-r-----; it must be readable by its owner only "
                + "(chmod 600 " + file + ")", e.getMessage());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw----r--"));
        assertThrows(IllegalArgumentException.class, () -> ClusterKey.readFile(file));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertEquals("ClusterKey[32 bytes]", ClusterKey.readFile(file).toString());
    }

    @Test
    void aShortMissingOrOversizedKeyFileIsRefusedByName() throws IOException {
        Path file = directory.resolve("short");
        Files.write(file, new byte[15]);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        String shortFile = assertThrows(IllegalArgumentException.class, () -> ClusterKey.readFile(file)).getMessage();
        assertTrue(shortFile.startsWith("the cluster key file " + file + " is too short: a cluster key needs at "
                + "least 16 bytes, got 15"), shortFile);
        String missing = assertThrows(IllegalArgumentException.class,
                () -> ClusterKey.readFile(directory.resolve("none"))).getMessage();
        assertEquals("the cluster key file " + directory.resolve("none") + " does not exist", missing);
        assertThrows(IllegalArgumentException.class, () -> ClusterKey.of(null));
        assertEquals("the cluster key file " + directory + " is not a regular file", assertThrows(
                IllegalArgumentException.class, () -> ClusterKey.readFile(directory)).getMessage());
        Path large = directory.resolve("large");
        Files.write(large, new byte[ClusterKey.MAX_FILE_LENGTH + 1]);
        Files.setPosixFilePermissions(large, PosixFilePermissions.fromString("rw-------"));
        assertEquals("the cluster key file " + large + " holds 4097 bytes; a key file holds the key only (at most "
                + "4096 bytes)", assertThrows(IllegalArgumentException.class, () -> ClusterKey.readFile(large))
                .getMessage());
    }
}
