package io.procpool.hazelcast;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoSerializable;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

/**
 * A value whose decoding leaves a trace: when Kryo reads it, in whatever JVM, it writes the file
 * {@code decoded-<pid>-<tag>} into its directory. A test that a payload was never decoded counts those files.
 *
 * <p>Thread-safety: immutable once read.
 */
final class Tripwire implements KryoSerializable {
    private String directory;
    private String tag;

    /** For Kryo. */
    Tripwire() {
    }

    Tripwire(Path directory, String tag) {
        this.directory = directory.toString();
        this.tag = tag;
    }

    String tag() {
        return tag;
    }

    @Override
    public void write(Kryo kryo, Output output) {
        output.writeString(directory);
        output.writeString(tag);
    }

    @Override
    public void read(Kryo kryo, Input input) {
        directory = input.readString();
        tag = input.readString();
        try {
            Files.writeString(Paths.get(directory, "decoded-" + ProcessHandle.current().pid() + "-"
                    + System.nanoTime()), tag);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return how many times a tripwire of {@code directory} was decoded, in any JVM */
    static long decodings(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().startsWith("decoded-")).count();
        }
    }

    /** @return how many times a tripwire of {@code directory} was decoded in the JVM {@code pid} */
    static long decodingsIn(Path directory, long pid) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().startsWith("decoded-" + pid + "-")).count();
        }
    }
}
