package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console's pages in a real browser: Debian's chromium, headless, driven through its
 * chromedriver. Signing in, creating a user, uploading a newer bundle and seeing its version
 * change while a Smack client stays connected, and a refused configuration value. Screenshots
 * of each step are kept under target/console-screenshots.
 */
class ConsoleBrowserTest {
    private static final Path SCREENSHOTS = Path.of("target/console-screenshots");

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().set("parley.properties", "features", "core, im, admin").build();

    static WebDriver browser;

    @BeforeAll
    static void openBrowser() throws Exception {
        new AdminClient(server).awaitUp(Duration.ofSeconds(30));
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        // Headless as root in CI; the server's certificate is self-signed for this instance.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000");
        options.setAcceptInsecureCerts(true);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(120));
        // A click that submits a form can return before the next page is in: every element the
        // tests look for after a submit exists only on the answer page, and is waited for.
        browser.manage().timeouts().implicitlyWait(Duration.ofSeconds(30));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private static String url(String path) {
        return "https://localhost:" + server.httpsPort() + path;
    }

    private static void screenshot(String name) throws Exception {
        Path png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void signIn() throws Exception {
        browser.get(url("/console/style.css"));
        browser.manage().deleteAllCookies(); // each test signs in afresh
        browser.get(url("/console/"));
        assertTrue(browser.getCurrentUrl().endsWith("/console/sign-in"), browser.getCurrentUrl());
        browser.findElement(By.id("username")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys(AdminClient.initialAdminPassword(server));
        screenshot("1-sign-in");
        browser.findElement(By.id("sign-in-button")).click();
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.titleIs("Users - Parley"));
        assertEquals("admin", browser.findElement(By.id("admin")).getText());
    }

    @Test
    void anAdministratorSignsInCreatesAUserUpgradesABundleAndIsToldWhyAValueIsRefused() throws Exception {
        signIn();
        assertFalse(browser.getPageSource().contains("<script"), "no script in the console's pages");

        browser.findElement(By.id("new-username")).sendKeys("web-alice");
        browser.findElement(By.id("new-password")).sendKeys("pw-web-alice");
        browser.findElement(By.id("create-user-button")).click();
        assertEquals("Created web-alice@localhost.", browser.findElement(By.id("message")).getText());
        assertTrue(browser.findElement(By.id("users")).getText().contains("web-alice@localhost"));
        screenshot("2-user-created");
        XMPPTCPConnection alice = server.login(new Account("web-alice", "pw-web-alice", ParleyServer.DOMAIN));
        String stream = alice.getStreamId();

        Path upgrade = server.base().resolve("im-77.jar");
        Bundles.copyWithVersion(Bundles.imJar(server.dist()), upgrade, "77.0.0");
        browser.get(url("/console/bundles"));
        String before = browser.findElement(By.cssSelector("#bundle-org\\.parley\\.im .version")).getText();
        assertEquals(Bundles.version(Bundles.imJar(server.dist())), before);
        browser.findElement(By.id("jar")).sendKeys(upgrade.toAbsolutePath().toString());
        browser.findElement(By.id("upload-button")).click();
        String message = browser.findElement(By.id("message")).getText();
        assertTrue(message.startsWith("org.parley.im upgraded from " + before + " to 77.0.0, ACTIVE"), message);
        assertEquals("77.0.0", browser.findElement(By.cssSelector("#bundle-org\\.parley\\.im .version")).getText());
        screenshot("3-bundle-upgraded");
        assertTrue(alice.isConnected());
        assertEquals(stream, alice.getStreamId(), "the client stayed connected on its stream");
        Xmpp.pingServer(alice);

        browser.get(url("/console/config/org.parley.http"));
        var port = browser.findElement(By.id("v.port"));
        port.clear();
        port.sendKeys("70000");
        browser.findElement(By.id("apply")).click();
        String refused = browser.findElement(By.id("error")).getText();
        assertTrue(refused.contains("key 'port'") && refused.contains("70000"), refused);
        screenshot("4-value-refused");
        browser.get(url("/console/config/org.parley.http"));
        assertEquals(Integer.toString(server.httpsPort()), browser.findElement(By.id("v.port")).getAttribute("value"), "unchanged");

        browser.get(url("/console/audit"));
        String audit = browser.findElement(By.id("audit")).getText();
        assertTrue(audit.contains("created web-alice") && audit.contains("to 77.0.0"), audit);
        screenshot("5-audit");
    }

    @Test
    void aFormWithoutTheSessionsCsrfTokenChangesNothing() throws Exception {
        signIn();
        browser.get(url("/console/users"));
        // As a forged form would: the field is there, its value is not the session's.
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "document.querySelector('#create-user input[name=csrf]').value = 'forged';");
        browser.findElement(By.id("new-username")).sendKeys("forged-user");
        browser.findElement(By.id("new-password")).sendKeys("pw-forged");
        browser.findElement(By.id("create-user-button")).click();
        assertTrue(browser.findElement(By.id("error")).getText().contains("CSRF"));
        browser.get(url("/console/users?q=forged-user"));
        assertFalse(browser.findElement(By.id("users")).getText().contains("forged-user"), "no account was created");
    }
}
