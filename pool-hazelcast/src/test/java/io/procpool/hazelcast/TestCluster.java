package io.procpool.hazelcast;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * A cluster for one test class: member JVMs on 127.0.0.1, started one after the other (each joins the first), with
 * this JVM's class path so they load the tests' tasks, and a cluster name no other run shares.
 *
 * <p>Thread-safety: start and close it on the test class's thread.
 */
final class TestCluster implements AutoCloseable {
    private static final List<String> MEMBER_JVM = List.of("-Xmx256m", "-XX:+UseSerialGC",
            "-Dhazelcast.wait.seconds.before.join=0");

    final String name = "procpool-test-" + UUID.randomUUID();
    final List<MemberProcess> members = new ArrayList<>();

    static TestCluster start(int size) {
        return start(size, List.of());
    }

    /** A cluster whose members get {@code memberOptions} (such as {@code --auth-key-file PATH}) on their command line. */
    static TestCluster start(int size, List<String> memberOptions) {
        TestCluster cluster = new TestCluster();
        try {
            List<String> classPath = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
            MemberProcess first = MemberProcess.start(cluster.name, List.of(), classPath, MEMBER_JVM,
                    memberOptions);
            cluster.members.add(first);
            while (cluster.members.size() < size) {
                cluster.members.add(MemberProcess.start(cluster.name, List.of(first.address()), classPath,
                        MEMBER_JVM, memberOptions));
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** A pool with its own client on this cluster. */
    HazelcastPool.Builder poolBuilder() {
        return HazelcastPool.builder().clusterName(name).addresses(members.stream().map(MemberProcess::address)
                .toList());
    }

    @Override
    public void close() {
        members.forEach(MemberProcess::close);
    }
}
