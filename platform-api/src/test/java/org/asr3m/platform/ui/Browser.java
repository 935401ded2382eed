package org.asr3m.platform.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Debian Chromium in headless mode, driven by the Debian chromedriver (both paths given, so
 * Selenium Manager never looks for or downloads a browser), 1280 px wide like a laptop screen.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target/screenshots");

  final ChromeDriver driver;
  final String base;

  Browser(int port) {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      throw new IllegalStateException("the UI tests need " + CHROMIUM + " and " + CHROMEDRIVER
          + ": apt-get install -y chromium chromium-driver (.ci/run installs them)");
    }
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM.toFile());
    o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
        "--window-size=1280,1400");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    driver = new ChromeDriver(service, o);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    base = "http://127.0.0.1:" + port + "/";
  }

  /** Opens a page of the app ({@code #/runs/3}) and waits until it has loaded its data. */
  void open(String hash) {
    driver.get(base + hash);
    driver.navigate().refresh(); // a hash change alone would not reload the page when only the hash differs
    waitReady();
  }

  void waitReady() {
    new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> Boolean.TRUE.equals(((ChromeDriver) d)
        .executeScript("return document.getElementById('page')?.dataset.ready === '1'")));
  }

  WebDriverWait await() {
    return new WebDriverWait(driver, Duration.ofSeconds(30));
  }

  Object js(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  /** Writes target/screenshots/{name}.png of the whole page (up to 3000 px tall). */
  void screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    js("window.scrollTo(0, 0)");
    long h = ((Number) js("return document.documentElement.scrollHeight")).longValue();
    driver.manage().window().setSize(new Dimension(1280, (int) Math.min(3000, Math.max(800, h + 20))));
    js("document.querySelectorAll('[_echarts_instance_]').forEach(e => echarts.getInstanceByDom(e).resize())");
    Path png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(png, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    driver.manage().window().setSize(new Dimension(1280, 1400));
  }

  @Override
  public void close() {
    driver.quit();
  }
}
