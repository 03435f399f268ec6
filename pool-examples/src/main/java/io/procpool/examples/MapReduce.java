package io.procpool.examples;

import io.procpool.ProcessPool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * MapReduce over a {@link ProcessPool}, as Python's {@code SimpleMapReduce}: the map step counts the words of each
 * file in a worker ({@link WordCount#countWords}), the partition step in the parent groups the per-file counts by word,
 * and the reduce step sums each word's counts in the workers; the parent prints the top 20 words.
 *
 * <p>Threading: the main thread partitions and prints; map and reduce run in the pool's workers.
 */
public final class MapReduce {
    private static final int TOP = 20;

    private MapReduce() {
    }

    /** One word and its counts, one per file it occurs in: the input of a reduce. */
    record Partition(String word, List<Long> counts) {
    }

    /** One word's total: the output of a reduce. */
    record WordTotal(String word, long total) {
    }

    static WordTotal reduce(Partition partition) {
        return new WordTotal(partition.word(), partition.counts().stream().mapToLong(Long::longValue).sum());
    }

    /**
     * Runs the example.
     *
     * @param args an optional directory; default: this JVM's {@code java.home}
     * @throws IOException the tree could not be walked
     */
    public static void main(String[] args) throws IOException {
        Path root = Paths.get(args.length > 0 ? args[0] : System.getProperty("java.home")).toAbsolutePath();
        List<String> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).filter(Files::isReadable).map(Path::toString).sorted()
                    .collect(Collectors.toList());
        }
        try (ProcessPool pool = ProcessPool.create(Runtime.getRuntime().availableProcessors())) {
            List<WordCount.FileWords> mapped = pool.map(WordCount::countWords, files);
            Map<String, List<Long>> partitioned = new TreeMap<>();
            for (WordCount.FileWords file : mapped) {
                file.counts().forEach((word, count) -> partitioned.computeIfAbsent(word, w -> new ArrayList<>())
                        .add(count));
            }
            List<Partition> partitions = partitioned.entrySet().stream()
                    .map(entry -> new Partition(entry.getKey(), entry.getValue())).collect(Collectors.toList());
            List<WordTotal> totals = pool.map(MapReduce::reduce, partitions);
            System.out.printf("TOP %d WORDS BY FREQUENCY of %d words in %d files under %s%n", TOP, totals.size(),
                    mapped.stream().filter(WordCount.FileWords::text).count(), root);
            totals.stream().sorted(Comparator.comparingLong(WordTotal::total).reversed()
                            .thenComparing(WordTotal::word)).limit(TOP)
                    .forEach(total -> System.out.printf("%-20s: %5d%n", total.word(), total.total()));
        }
    }
}
