package io.plasmite.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.server.PlasmiteServer;
import io.plasmite.server.ServeConfig;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web UI in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * which {@code .ci/run} installs): the pool list renders, a pool opens, a message appended by
 * {@code pls feed} appears in the live view, and the tag filter applies. The page as it was is
 * saved to {@code target/webui-live.png}.
 */
class WebUiBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void poolListLiveViewAndTagFilter() throws Exception {
    assertTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "needs Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver");
    Path pools = dir.resolve("pools");
    LocalClient local = new LocalClient().withPoolDir(pools);
    Files.createDirectories(pools);
    local.create(PoolRef.name("alpha"), PoolOptions.DEFAULTS);
    try (Pool chat = local.createAndOpen(PoolRef.name("chat"), PoolOptions.DEFAULTS)) {
      chat.appendJsonNow("{\"hello\":\"from history\"}", List.of(), Durability.FAST);
    }
    ServeConfig config =
        ServeConfig.builder(pools).bind("127.0.0.1:0").token("ui-token", false).build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
        "--user-data-dir=" + Files.createDirectories(dir.resolve("profile")));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    try (PlasmiteServer server = PlasmiteServer.start(config)) {
      String base = server.baseUri().toString();
      ChromeDriver browser = new ChromeDriver(service, options);
      try {
        browser.get(base + "/ui");
        // Without the token the list cannot load; with it, it does.
        await(() -> browser.findElement(By.id("error")).getText().contains("Permission"));
        browser.findElement(By.id("token")).sendKeys("ui-token");
        browser.findElement(By.cssSelector("#token-form button")).click();
        await(() -> browser.findElements(By.cssSelector("#pools tr")).size() == 2);
        List<String> names =
            browser.findElements(By.cssSelector("#pools tr")).stream()
                .map(tr -> tr.getAttribute("data-pool"))
                .toList();
        assertEquals(List.of("alpha", "chat"), names);

        browser.findElement(By.cssSelector("#pools tr[data-pool='chat']")).click();
        await(() -> present(browser, "#messages li[data-seq='1']"));
        assertTrue(browser.getCurrentUrl().endsWith("/ui/pools/chat"));
        await(() -> browser.findElement(By.id("status")).getText().startsWith("live"));

        Pls pls = new Pls(dir.resolve("client"));
        Pls.Run fed =
            pls.run(
                "",
                "feed",
                base + "/chat",
                "--token",
                "ui-token",
                "{\"from\":\"pls feed\",\"n\":2}");
        assertEquals(0, fed.status(), fed.stderr());
        await(() -> present(browser, "#messages li[data-seq='2']"));
        WebElement live = browser.findElement(By.cssSelector("#messages li[data-seq='2']"));
        assertTrue(live.getText().contains("\"from\": \"pls feed\""), live.getText());
        Path shot = Path.of("target", "webui-live.png");
        Files.createDirectories(shot.getParent());
        File png = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(shot) > 0);

        browser.findElement(By.id("tags")).sendKeys("urgent");
        browser.findElement(By.cssSelector("#filter-form button")).click();
        await(() -> browser.findElements(By.cssSelector("#messages li")).isEmpty());
        await(() -> browser.findElement(By.id("status")).getText().contains("tags: urgent"));
        pls.run("", "feed", base + "/chat", "--token", "ui-token", "{\"n\":3}");
        Pls.Run tagged =
            pls.run(
                "", "feed", base + "/chat", "--token", "ui-token", "--tag", "urgent", "{\"n\":4}");
        assertEquals(0, tagged.status(), tagged.stderr());
        await(() -> present(browser, "#messages li[data-seq='4']"));
        assertEquals(1, browser.findElements(By.cssSelector("#messages li")).size());
      } finally {
        browser.quit();
      }
    }
  }

  private static boolean present(ChromeDriver browser, String css) {
    return !browser.findElements(By.cssSelector(css)).isEmpty();
  }

  /** Waits until the condition holds, polling the page; fails after {@link #WAIT}. */
  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (WebDriverException e) {
        // the page is changing under the query; ask again
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError("condition not met within " + WAIT);
      }
      LockSupport.parkNanos(50_000_000L);
    }
  }
}
