package io.procpool.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.ProcessPool;
import io.procpool.TaskCallable;
import io.procpool.WorkerInfo;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard page in a real browser (Debian's headless Chromium driven by its chromedriver, both at
 * {@code /usr/bin}; nothing is downloaded): a real pool runs a slow {@code imap}; the page shows both workers with the
 * pids {@code workers()} reports and a progress bar that moves; a task halts its worker; the page shows the failure
 * and the respawn. A screenshot goes to {@code target/dashboard.png}.
 *
 * <p>Threading: the imap is consumed on a background thread; the test thread drives the browser and polls the page.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PoolDashboardBrowserTest {
    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");

    private ProcessPool pool;
    private PoolDashboard dashboard;
    private ChromeDriver browser;
    private CompletableFuture<Long> consumer;
    private Stream<Integer> results;

    /** A task of varying length, so the task stream shows bars of different widths. */
    static int slowSquare(int x) throws InterruptedException {
        Thread.sleep(60 + (x * 37) % 140);
        return x * x;
    }

    @BeforeEach
    void start() {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the browser test needs Debian's chromium and chromium-driver: apt-get install chromium chromium-driver");
        pool = ProcessPool.builder().workers(2).name("digest").recordArguments(true).build();
        dashboard = PoolDashboard.start(pool);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1440,1640", "--hide-scrollbars", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync");
        // the driver's path given explicitly: Selenium Manager does not run and nothing is downloaded
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (results != null) {
            results.close();
        }
        if (dashboard != null) {
            dashboard.close();
        }
        if (pool != null) {
            pool.terminate();
        }
    }

    @Test
    void showsWorkersProgressFailureAndRespawnOfARunningPool() throws Exception {
        List<Integer> items = IntStream.range(0, 600).boxed().toList();
        results = pool.imap(PoolDashboardBrowserTest::slowSquare, items.stream(), p -> { }, Duration.ofSeconds(1));
        consumer = CompletableFuture.supplyAsync(() -> results.mapToLong(Integer::longValue).sum());

        browser.get(dashboard.uri().toString());
        Set<String> pids = pool.workers().stream().map(w -> Long.toString(w.pid())).collect(Collectors.toSet());
        await().atMost(Duration.ofSeconds(30)).until(() -> workerPidsOnPage().equals(pids));
        double first = await().atMost(Duration.ofSeconds(30)).until(this::progressOnPage, f -> f > 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> progressOnPage() > first);
        // the page's Content-Security-Policy allows no style attributes: the bars get their widths through CSSOM
        assertTrue(browser.executeScript("var bar = document.querySelector('#calls .bar-fill');"
                + " return bar ? bar.style.width : '';").toString().endsWith("%"), "the progress bar has no width");

        TaskCallable<Integer> throwing = () -> {
            throw new IllegalArgumentException("checksum mismatch in part-0042.bin");
        };
        TaskCallable<Integer> halting = () -> {
            Runtime.getRuntime().halt(3); // kills the worker mid-task, skipping its shutdown hooks
            return 0;
        };
        pool.applyAsync(throwing).exceptionally(e -> -1).get(30, TimeUnit.SECONDS);
        pool.applyAsync(halting).exceptionally(e -> -1).get(60, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(30)).until(() -> count("#failures details[data-outcome='WORKER_DIED']") == 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> count("#ended tbody tr") == 1);
        String ended = text("#ended tbody tr");
        assertTrue(ended.contains("respawned"), ended);
        assertTrue(ended.contains("\t3\t") || ended.contains(" 3 "), "exit code 3: " + ended);
        assertEquals("1", text("#k-respawns"));
        assertTrue(text("#failures").contains("checksum mismatch"), text("#failures"));

        // the replacement shows up with its own pid, and the stream has drawn a while: the picture for the README
        Set<String> after = pool.workers().stream().filter(w -> w.state() == WorkerInfo.State.RUNNING)
                .map(w -> Long.toString(w.pid())).collect(Collectors.toSet());
        await().atMost(Duration.ofSeconds(60)).until(() -> pool.workers().size() == 2
                && workerPidsOnPage().equals(pool.workers().stream().map(w -> Long.toString(w.pid()))
                .collect(Collectors.toSet())));
        assertTrue(after.size() >= 1);
        browser.executeScript("document.querySelector(\"#failures details[data-outcome='FAILED']\").open = true;");
        String completed = text("#k-completed");
        await().atMost(Duration.ofSeconds(10)).until(() -> !text("#k-completed").equals(completed)); // one more redraw
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Path target = Paths.get("target", "dashboard.png");
        Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(target) > 10_000, "a real picture: " + Files.size(target) + " bytes");
    }

    // The page redraws every poll, so elements are read in one script each (a found element would go stale).

    @SuppressWarnings("unchecked")
    private Set<String> workerPidsOnPage() {
        List<String> pids = (List<String>) browser.executeScript("return Array.from(document.querySelectorAll("
                + "'#workers tbody tr')).map(function (r) { return r.getAttribute('data-pid'); });");
        return Set.copyOf(pids);
    }

    private double progressOnPage() {
        Object fraction = browser.executeScript("var bar = document.querySelector('#calls .bar-fill');"
                + " return bar ? bar.getAttribute('data-fraction') : '';");
        return fraction == null || fraction.toString().isEmpty() ? 0 : Double.parseDouble(fraction.toString());
    }

    private long count(String selector) {
        return (Long) browser.executeScript("return document.querySelectorAll(arguments[0]).length;", selector);
    }

    private String text(String selector) {
        return (String) browser.executeScript("var e = document.querySelector(arguments[0]);"
                + " return e ? e.innerText : '';", selector);
    }
}
