package io.procpool.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.procpool.hazelcast.internal.ClusterKey;
import io.procpool.hazelcast.internal.MemberNames;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts one Hazelcast member that runs {@link HazelcastPool} tasks. Put your application's jar (the tasks' classes)
 * and procpool on its class path:
 *
 * <pre>
 * java -cp app.jar:pool-hazelcast.jar:... io.procpool.hazelcast.Member --cluster NAME --port N
 *      [--bind 127.0.0.1] [--member HOST[:PORT]]... [--threads N] [--auth-key-file PATH] [--stop-on-stdin-eof]
 * </pre>
 *
 * <ul>
 *   <li>{@code --cluster}: the cluster name clients and other members must use (required).</li>
 *   <li>{@code --port}: the first port to try (default 5701; the next free one of the following 100 is taken).</li>
 *   <li>{@code --bind}: the only address the member listens on and announces; default {@code 127.0.0.1}, so nothing
 *       outside this machine can reach it. Use the host's own address to form a cluster of several hosts; a member
 *       that binds an address other than loopback needs {@code --auth-key-file} and refuses to start without it.</li>
 *   <li>{@code --member}: another member to join over TCP (repeatable); without a port, ports N to N+2 are tried.
 *       Default: the bind address. Multicast and cloud auto-detection are off; phone-home is off.</li>
 *   <li>{@code --threads}: tasks run at once (default: the processor count).</li>
 *   <li>{@code --auth-key-file}: the cluster key (Python's {@code authkey}): the file's bytes, at least 16, in a file
 *       readable by its owner only (else the member refuses to start). The member then runs only tasks signed with
 *       that key, checking the signature before decoding anything, and signs its answers; pools need the same key
 *       ({@code HazelcastPool.builder().authKey(...)}).</li>
 *   <li>{@code --stop-on-stdin-eof}: shut down when standard input ends, so a parent that started the member stops
 *       it by closing the pipe (and no member outlives it).</li>
 * </ul>
 * When ready it prints one line on stdout: {@code procpool member ready at <host>:<port> (pid <pid>)}. Hazelcast's own
 * log goes to stderr at WARNING unless {@code java.util.logging.config.file} is set.
 *
 * <p>Threading: configures and starts the member on the main thread, which then waits for stdin to end (with
 * {@code --stop-on-stdin-eof}) or returns, leaving the member's own threads running.
 */
public final class Member {
    /** Kept so the level set on it is not lost to garbage collection. */
    private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");
    private static final int USAGE = 2;

    private Member() {
    }

    /** The parsed command line. */
    record Options(String cluster, int port, String bind, List<String> members, int threads, Path authKeyFile,
                   boolean stopOnEof) {

        static Options parse(String[] args) {
            String cluster = null;
            int port = 5701;
            String bind = "127.0.0.1";
            List<String> members = new ArrayList<>();
            int threads = Runtime.getRuntime().availableProcessors();
            Path authKeyFile = null;
            boolean stopOnEof = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--cluster" -> cluster = value(args, ++i);
                    case "--port" -> port = number(args, ++i);
                    case "--bind" -> bind = value(args, ++i);
                    case "--member" -> members.add(value(args, ++i));
                    case "--threads" -> threads = number(args, ++i);
                    case "--auth-key-file" -> authKeyFile = Paths.get(value(args, ++i));
                    case "--stop-on-stdin-eof" -> stopOnEof = true;
                    default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
                }
            }
            if (cluster == null || cluster.isBlank()) {
                throw new IllegalArgumentException("--cluster NAME is required");
            }
            if (port < 1 || port > 65535 || threads < 1) {
                throw new IllegalArgumentException("--port must be 1-65535 and --threads at least 1, got " + port
                        + " and " + threads);
            }
            return new Options(cluster, port, bind, members.isEmpty() ? List.of(bind) : members, threads, authKeyFile,
                    stopOnEof);
        }

        /**
         * The cluster key, read from {@link #authKeyFile}; refuses a member that other machines could reach without
         * one, since it would decode and run whatever they send.
         *
         * @return the key, or null for a loopback-only member without one
         * @throws IllegalArgumentException the key file is unusable, or the member would be reachable without a key
         */
        ClusterKey clusterKey() {
            if (authKeyFile != null) {
                return ClusterKey.readFile(authKeyFile);
            }
            if (!isLoopback(bind)) {
                throw new IllegalArgumentException("refusing to start: --bind " + bind + " is not a loopback address, "
                        + "so other machines can reach this member, and without a cluster key it would decode and run "
                        + "any task they send. Give it --auth-key-file PATH (the pools the same key: "
                        + "HazelcastPool.builder().authKeyFile(PATH)), or bind 127.0.0.1");
            }
            return null;
        }

        private static boolean isLoopback(String address) {
            try {
                return InetAddress.getByName(address).isLoopbackAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("--bind " + address + " is not an address of this machine: " + e);
            }
        }

        private static String value(String[] args, int i) {
            if (i >= args.length) {
                throw new IllegalArgumentException(args[i - 1] + " needs a value");
            }
            return args[i];
        }

        private static int number(String[] args, int i) {
            String value = value(args, i);
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(args[i - 1] + " needs a number, got '" + value + "'");
            }
        }
    }

    /**
     * Starts the member; see the class comment for the options.
     *
     * @param args the command line
     * @throws IOException standard input could not be read
     */
    public static void main(String[] args) throws IOException {
        Options options;
        ClusterKey key;
        try {
            options = Options.parse(args);
            key = options.clusterKey();
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + ". Usage: Member --cluster NAME [--port N] [--bind ADDRESS] "
                    + "[--member HOST[:PORT]]... [--threads N] [--auth-key-file PATH] [--stop-on-stdin-eof]");
            System.exit(USAGE);
            return;
        }
        io.procpool.internal.handles.HandleResolution.refuseRemoteHandles("a HazelcastPool member");
        if (System.getProperty("java.util.logging.config.file") == null) {
            HAZELCAST_LOG.setLevel(Level.WARNING);
        }
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config(options, key));
        com.hazelcast.cluster.Member local = member.getCluster().getLocalMember();
        System.out.println("procpool member ready at " + MemberNames.of(local).substring("member ".length())
                + " (pid " + ProcessHandle.current().pid() + ")");
        System.out.flush();
        if (options.stopOnEof()) {
            awaitEndOf(System.in);
            member.shutdown();
            System.exit(0);
        }
    }

    /**
     * The member's configuration: loopback-only by default, TCP join, nothing that calls out, and the cluster key (if
     * any) where the member's tasks find it.
     */
    static Config config(Options options, ClusterKey key) {
        Config config = new Config();
        if (key != null) {
            config.getUserContext().put(ClusterKey.USER_CONTEXT_NAME, key);
        }
        config.setClusterName(options.cluster());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        // procpool's envelopes are DataSerializable and never need Java serialization; Hazelcast's filter (its own
        // and the JDK's classes only, known gadget classes refused) closes that other way to run code on a member.
        config.getSerializationConfig().setJavaSerializationFilterConfig(new JavaSerializationFilterConfig());
        config.setProperty("hazelcast.local.localAddress", options.bind());
        config.setProperty("hazelcast.socket.bind.any", "false");
        if (System.getProperty("hazelcast.wait.seconds.before.join") == null) {
            config.setProperty("hazelcast.wait.seconds.before.join", "0");
        }
        config.getMemberAttributeConfig().setAttribute(MemberNames.PID_ATTRIBUTE,
                Long.toString(ProcessHandle.current().pid()));
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(options.port()).setPortAutoIncrement(true);
        network.getInterfaces().setEnabled(true).addInterface(options.bind());
        JoinConfig join = network.getJoin();
        join.getAutoDetectionConfig().setEnabled(false);
        join.getMulticastConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(options.members());
        config.getDurableExecutorConfig(HazelcastPool.DEFAULT_EXECUTOR).setPoolSize(options.threads());
        config.getExecutorConfig(HazelcastPool.DEFAULT_EXECUTOR).setPoolSize(options.threads());
        return config;
    }

    private static void awaitEndOf(InputStream in) throws IOException {
        byte[] buffer = new byte[256];
        while (in.read(buffer) >= 0) {
            // input is ignored; only its end matters
        }
    }
}
