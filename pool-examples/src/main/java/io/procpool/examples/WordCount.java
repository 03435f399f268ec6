package io.procpool.examples;

import com.google.common.base.Stopwatch;
import com.google.common.primitives.Bytes;
import io.procpool.ProcessPool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Counts words over the text files of a directory tree (default: the running JDK's {@code java.home}): each worker
 * counts one file's words into a map, {@code imapUnordered} hands the maps back as they complete, and the parent
 * merges them. A file is text when its first 8 KiB hold no NUL byte (the test {@code git} and {@code grep} use); a
 * word is a run of letters and digits, compared in lower case.
 *
 * <p>Threading: the main thread walks the tree and merges; the counting runs in the pool's workers.
 */
public final class WordCount {
    private static final int SNIFF_BYTES = 8192;
    private static final int TOP = 10;
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{Nd}]+");

    private WordCount() {
    }

    /**
     * The words of one file.
     *
     * @param text   whether the file is text; a binary file is skipped and counts nothing
     * @param counts how often each word occurs
     */
    record FileWords(boolean text, Map<String, Long> counts) {
    }

    /** Runs in a worker: the word counts of one file, or nothing for a binary one. */
    static FileWords countWords(String path) throws IOException {
        Path file = Paths.get(path);
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(SNIFF_BYTES);
        }
        if (Bytes.contains(head, (byte) 0)) {
            return new FileWords(false, Map.of());
        }
        Map<String, Long> counts = new HashMap<>();
        Matcher words = WORD.matcher(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        while (words.find()) {
            counts.merge(words.group().toLowerCase(Locale.ROOT), 1L, Long::sum);
        }
        return new FileWords(true, counts);
    }

    /**
     * Runs the demo.
     *
     * @param args an optional directory; default: this JVM's {@code java.home}
     * @throws IOException          the tree could not be walked or a file read
     * @throws InterruptedException interrupted while waiting for the progress bar's last line
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        Path root = Paths.get(args.length > 0 ? args[0] : System.getProperty("java.home")).toAbsolutePath();
        List<String> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).filter(Files::isReadable).map(Path::toString)
                    .sorted().collect(Collectors.toList());
        }
        int workers = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "Counting words in the text files among %,d files under %s on a pool of %d "
                + "workers%n", files.size(), root, workers);
        Map<String, Long> total = new HashMap<>();
        int textFiles = 0;
        Stopwatch stopwatch = Stopwatch.createStarted();
        try (ProcessPool pool = ProcessPool.create(workers)) {
            ConsoleProgress bar = ConsoleProgress.onStderr("files");
            try (Stream<FileWords> perFile = pool.imapUnordered(WordCount::countWords, files.stream(), bar,
                    bar.cadence())) {
                for (FileWords words : (Iterable<FileWords>) perFile::iterator) {
                    if (words.text()) {
                        textFiles++;
                        words.counts().forEach((word, count) -> total.merge(word, count, Long::sum));
                    }
                }
            }
            bar.awaitLastReport();
        }
        long all = total.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf(Locale.ROOT, "words:    %,d (%,d distinct) in %,d text files, %,d ms with the pool's start%n",
                all, total.size(), textFiles, stopwatch.elapsed(TimeUnit.MILLISECONDS));
        System.out.println("top words:");
        total.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(TOP).forEach(e -> System.out.printf(Locale.ROOT, "  %,10d  %s%n", e.getValue(), e.getKey()));
    }
}
