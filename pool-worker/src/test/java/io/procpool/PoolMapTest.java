package io.procpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** map, mapAsync, starmap and apply against real worker JVMs. */
class PoolMapTest {
    private static ProcessPool pool;

    @BeforeAll
    static void startPool() {
        pool = ProcessPool.builder().workers(2).name("maptest").build();
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    record Point(int x, int y) {
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().collect(Collectors.toList());
    }

    @Test
    void mapOfTenThousandItemsKeepsInputOrder() {
        List<Integer> squares = pool.map(x -> x * x, range(10_000));
        assertEquals(range(10_000).stream().map(x -> x * x).collect(Collectors.toList()), squares);
    }

    @Test
    void chunkSizesOneAndOneThousandAgree() {
        List<Integer> input = range(3_000);
        TaskFunction<Integer, String> fn = x -> "#" + (x * 3 + 1);
        List<String> byOne = pool.map(fn, input, 1);
        List<String> byThousand = pool.map(fn, input, 1000);
        assertEquals(byOne, byThousand);
        assertEquals("#1", byOne.get(0));
        assertEquals(3_000, byOne.size());
    }

    @Test
    void mapAsyncCompletesWithTheList() throws Exception {
        assertEquals(List.of(2, 3, 4), pool.mapAsync(x -> x + 1, List.of(1, 2, 3)).get());
    }

    @Test
    void mapOfNothingIsEmpty() {
        assertEquals(List.of(), pool.map(x -> x, List.of()));
    }

    @Test
    void nullResultsArePreserved() {
        List<String> out = pool.map(x -> x % 2 == 0 ? null : "odd", range(4));
        assertEquals(java.util.Arrays.asList(null, "odd", null, "odd"), out);
    }

    @Test
    void starmapSpreadsEachPair() {
        List<Map.Entry<Integer, String>> pairs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            pairs.add(Map.entry(i, "v" + i));
        }
        pairs.add(new AbstractMap.SimpleEntry<>(7, "simple"));
        List<String> out = pool.starmap((Integer n, String s) -> s + ":" + n, pairs);
        assertEquals("v0:0", out.get(0));
        assertEquals("v99:99", out.get(99));
        assertEquals("simple:7", out.get(100));
    }

    @Test
    void recordsCapturedValuesAndCollectionsTravel() {
        int offset = 10;
        Map<String, Integer> weights = Map.of("a", 1, "b", 2);
        List<Point> out = pool.map((Point p) -> new Point(p.x() + offset, p.y() * weights.get("b")),
                List.of(new Point(1, 2), new Point(3, 4)));
        assertEquals(List.of(new Point(11, 4), new Point(13, 8)), out);
    }

    @Test
    void applyRunsOneTask() {
        long workerPid = pool.apply(() -> ProcessHandle.current().pid());
        assertTrue(pool.workers().stream().anyMatch(w -> w.pid() == workerPid), "ran in one of the workers");
        assertTrue(workerPid != ProcessHandle.current().pid());
    }

    @Test
    void applyAsyncWithAnArgument() throws Exception {
        assertEquals(49, pool.applyAsync((Integer x) -> x * x, 7).get());
    }

    @Test
    void negativeChunkSizeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pool.map(x -> x, List.of(1), -3));
        assertTrue(e.getMessage().contains("-3"));
    }

    @Test
    void workersAreNamedAfterThePool() {
        List<String> names = pool.workers().stream().map(WorkerInfo::name).sorted().toList();
        assertEquals(2, names.size());
        assertTrue(names.stream().allMatch(n -> n.startsWith("maptest-worker-")), names.toString());
        assertTrue(pool.workers().stream().allMatch(w -> w.state() == WorkerInfo.State.RUNNING));
    }
}
