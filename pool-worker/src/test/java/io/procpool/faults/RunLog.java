package io.procpool.faults;

import io.procpool.JvmProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An append-only log of which task ran in which worker, written by the tasks themselves inside the workers: one line
 * {@code <task> <worker name>} per run, appended with one {@code write} to a file opened in append mode, so lines of
 * concurrent workers never mix. The test reads it afterwards to check that no task ran twice and that every failure
 * names the worker that really ran the task.
 *
 * <p>Thread-safety: {@link #append} is called by one task at a time per worker JVM; reading happens after the run.
 */
public final class RunLog {
    private RunLog() {
    }

    /** Records that {@code task} runs now in this worker. */
    public static void append(String log, int task) {
        String line = task + " " + JvmProcess.current().getName() + "\n";
        try {
            Files.write(Path.of(log), line.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The workers each task ran in, in the order they ran. */
    public static Map<Integer, List<String>> read(Path log) throws IOException {
        Map<Integer, List<String>> runs = new HashMap<>();
        for (String line : Files.readAllLines(log)) {
            String[] parts = line.split(" ", 2);
            runs.computeIfAbsent(Integer.parseInt(parts[0]), task -> new java.util.ArrayList<>()).add(parts[1]);
        }
        return runs;
    }
}
