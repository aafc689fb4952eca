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
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.titleIs("Dashboard - Parley"));
        assertEquals("admin", browser.findElement(By.id("admin")).getText());
    }

    @Test
    void anAdministratorSignsInCreatesAUserUpgradesABundleAndIsToldWhyAValueIsRefused() throws Exception {
        signIn();
        assertFalse(browser.getPageSource().contains("<script"), "no script in the console's pages");

        browser.get(url("/console/users"));
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

        click("rollback-org.parley.im");
        String rolledBack = browser.findElement(By.id("message")).getText();
        assertTrue(rolledBack.startsWith("org.parley.im rolled back from 77.0.0 to " + before + ", ACTIVE"), rolledBack);
        assertEquals(before, browser.findElement(By.cssSelector("#bundle-org\\.parley\\.im .version")).getText());
        screenshot("3b-bundle-rolled-back");
        assertEquals(stream, alice.getStreamId(), "still on its stream after the roll-back");
        Xmpp.pingServer(alice);

        browser.get(url("/console/config/org.parley.http"));
        assertTrue(browser.findElement(By.id("config")).getText().contains("(allowed: 1 to 65535)"), "the range beside the field");
        var port = browser.findElement(By.id("v.port"));
        port.clear();
        port.sendKeys("70000");
        browser.findElement(By.id("apply")).click();
        String refused = browser.findElement(By.id("error")).getText();
        assertTrue(refused.contains("key 'port'") && refused.contains("70000 is above the maximum 65535 (allowed: 1 to 65535"), refused);
        assertEquals("refused: 70000 is above the maximum 65535", browser.findElement(By.id("problem.port")).getText(),
                "the reason beside the field as well");
        screenshot("4-value-refused");
        browser.get(url("/console/config/org.parley.http"));
        assertEquals(Integer.toString(server.httpsPort()), browser.findElement(By.id("v.port")).getAttribute("value"), "unchanged");

        browser.get(url("/console/audit"));
        String audit = browser.findElement(By.id("audit")).getText();
        assertTrue(audit.contains("Created web-alice@localhost") && audit.contains("to 77.0.0") && audit.contains("rolled back from 77.0.0"), audit);
        screenshot("5-audit");
    }

    /** Clicks a button that submits a form and waits for the answer page: the page before may have a #message too. */
    private static void click(String id) {
        submit(browser.findElement(By.id(id)));
    }

    private static void submit(org.openqa.selenium.WebElement button) {
        org.openqa.selenium.WebElement before = browser.findElement(By.tagName("html"));
        button.click();
        // Waits until the page the button was on is gone. While the old document is being
        // replaced, chromedriver may answer "Node with given id does not belong to the document"
        // instead of "stale element": both mean it is gone.
        new WebDriverWait(browser, Duration.ofSeconds(60)).until(d -> {
            try {
                before.isEnabled();
                return false;
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                return true;
            } catch (org.openqa.selenium.WebDriverException e) {
                if (e.getMessage() != null && e.getMessage().contains("does not belong to the document")) {
                    return true;
                }
                throw e;
            }
        });
    }

    private static String message() {
        return browser.findElement(By.id("message")).getText();
    }

    private static String error() {
        return browser.findElement(By.id("error")).getText();
    }

    /**
     * Loads the page until the condition holds: what the server does after a click (a session
     * closing, a sample taken) is not the answer page's to wait for. Loaded with GET each time (a
     * refresh of a form's answer would post the form again).
     */
    private static void awaitOnReload(String path, String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        browser.get(url(path));
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                // On a loaded machine one load can take most of the wait: judge a page fetched now.
                browser.get(url(path));
                if (condition.getAsBoolean()) {
                    return;
                }
                throw new AssertionError("not within 45 s: " + what + "\n" + browser.getPageSource());
            }
            Thread.sleep(200);
            browser.get(url(path));
        }
    }

    @Test
    void theDashboardShowsTheFiguresAndChartsAndSaysSoWhenTheUsageBundleIsStopped() throws Exception {
        XMPPTCPConnection someone = server.login(server.newAccount("web-dash"));
        Xmpp.pingServer(someone);
        signIn();
        int online = Integer.parseInt(browser.findElement(By.id("online-users")).getText());
        assertTrue(online >= 0, "online users is a number");
        assertTrue(browser.findElement(By.id("uptime")).getText().contains("min"));
        assertTrue(browser.findElement(By.id("memory")).getText().contains("MiB"));
        for (String chart : java.util.List.of("chart-online", "chart-stanzas", "chart-logins", "chart-memory", "chart-weeks")) {
            assertEquals("svg", browser.findElement(By.id(chart)).getTagName(), chart);
        }
        awaitOnReload("/console/dashboard", "the sampler counted the online user",
                () -> Integer.parseInt(browser.findElement(By.id("online-users")).getText()) >= 1);
        // The charts draw the sampler's history, which has its first sample sampleSeconds after the start.
        awaitOnReload("/console/dashboard", "users and sessions drawn",
                () -> browser.findElements(By.cssSelector("#chart-online polyline")).size() == 2);
        assertFalse(browser.findElement(By.id("weeks")).getText().isEmpty());
        assertFalse(browser.getPageSource().contains("<script"));
        screenshot("6-dashboard");

        browser.get(url("/console/bundles"));
        click("stop-org.parley.usage");
        assertEquals("Stopped org.parley.usage.", message());
        browser.get(url("/console/dashboard"));
        assertTrue(browser.findElement(By.id("usage-missing")).getText().contains("not installed or not running"));
        assertTrue(browser.findElement(By.id("memory")).getText().contains("MiB"), "what the console knows itself is still shown");
        screenshot("7-dashboard-without-usage");
        browser.get(url("/console/bundles"));
        click("start-org.parley.usage");
        assertEquals("Started org.parley.usage.", message());
        assertEquals("ACTIVE", browser.findElement(By.cssSelector("#bundle-org\\.parley\\.usage .state")).getText());
        browser.get(url("/console/dashboard"));
        browser.findElement(By.id("chart-online"));
        someone.disconnect();
    }

    @Test
    void anAccountsPageShowsItsSessionsAndDisablesEnablesResetsAndDeletesIt() throws Exception {
        Account dora = server.newAccount("web-dora");
        org.jivesoftware.smackx.iqversion.VersionManager.setAutoAppendSmackVersion(false);
        XMPPTCPConnection phone = server.newConnection(server.smackConfig(dora, "phone").build());
        org.jivesoftware.smackx.iqversion.VersionManager.getInstanceFor(phone).setVersion("Console itest client", "2.0", "TestOS");
        phone.connect().login();
        signIn();
        awaitOnReload("/console/users/" + dora.local(), "the client's software is shown",
                () -> !browser.findElement(By.cssSelector("#sessions .client")).getText().isEmpty());
        String row = browser.findElement(By.cssSelector("#sessions .session")).getText();
        assertTrue(row.contains("phone") && row.contains("127.0.0.1") && row.contains("TLSv1.") && row.contains("SCRAM-SHA-")
                && row.contains("Console itest client 2.0 (TestOS)") && row.contains("available"), row);
        screenshot("8-account");

        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        phone.addConnectionListener(new org.jivesoftware.smack.ConnectionListener() {
            @Override
            public void connectionClosedOnError(Exception e) {
                closed.countDown();
            }
        });
        click("end-phone");
        assertTrue(message().startsWith("Ended session "), message());
        assertTrue(closed.await(30, java.util.concurrent.TimeUnit.SECONDS), "the client's stream was ended");
        awaitOnReload("/console/users/" + dora.local(), "the session is gone", 
                () -> browser.getPageSource().contains("id=\"no-sessions\""));

        click("disable");
        assertTrue(message().startsWith("Disabled " + dora.local()), message());
        assertTrue(browser.findElement(By.id("account-state")).getText().contains("disabled"));
        var refused = org.junit.jupiter.api.Assertions.assertThrows(org.jivesoftware.smack.sasl.SASLErrorException.class,
                () -> server.login(dora, "again"));
        assertEquals("account-disabled", refused.getSASLFailure().getSASLErrorString());
        click("enable");
        assertEquals("Enabled " + dora.local() + ".", message());

        browser.findElement(By.id("reset-password")).sendKeys("pw-new-dora");
        click("reset-password-button");
        assertEquals("Set a new password for " + dora.local() + ".", message());
        server.login(new Account(dora.local(), "pw-new-dora", ParleyServer.DOMAIN), "new").disconnect();

        // The box is required in the form; a request without it (as from a script) is refused by the server too.
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("document.getElementById('confirm-delete').required = false;");
        click("delete-button");
        assertTrue(error().contains("tick the confirmation box"), error());
        browser.findElement(By.id("confirm-delete")).click(); // a box: no page follows
        click("delete-button");
        assertEquals("Deleted " + dora.local() + "; its sessions were ended.", message());
        assertEquals("Users - Parley", browser.getTitle());
        browser.get(url("/console/users/" + dora.local()));
        assertTrue(error().contains("no account " + dora.local()), error());

        browser.get(url("/console/audit"));
        String audit = browser.findElement(By.id("audit")).getText();
        assertTrue(audit.contains("Disabled " + dora.local()) && audit.contains("Deleted " + dora.local())
                && audit.contains("tick the confirmation box"), audit);
    }

    @Test
    void roomsAreListedShownAndDestroyedAndThePageSaysSoWhenMultiUserChatIsNotRunning() throws Exception {
        XMPPTCPConnection owner = server.login(server.newAccount("web-owner"));
        org.jxmpp.jid.EntityBareJid jid = MucTest.room("webroom");
        org.jivesoftware.smackx.muc.MultiUserChat room = MucTest.instantRoom(owner, jid, "Owner");
        java.util.List<String> destroyed = new java.util.concurrent.CopyOnWriteArrayList<>();
        room.addUserStatusListener(new org.jivesoftware.smackx.muc.UserStatusListener() {
            @Override
            public void roomDestroyed(org.jivesoftware.smackx.muc.MultiUserChat alternate, String password, String reason) {
                destroyed.add(reason);
            }
        });
        signIn();
        browser.get(url("/console/rooms"));
        assertTrue(browser.findElement(By.id("rooms")).getText().contains(jid.toString()));
        browser.findElement(By.linkText(jid.toString())).click();
        assertEquals("no", browser.findElement(By.id("room-locked")).getText(), "an instant room is unlocked");
        String occupants = browser.findElement(By.id("occupants")).getText();
        assertTrue(occupants.contains("Owner") && occupants.contains(owner.getUser().toString()) && occupants.contains("owner"), occupants);
        screenshot("9-room");
        browser.findElement(By.id("destroy-reason")).sendKeys("closed by the console test");
        browser.findElement(By.id("confirm-destroy")).click();
        click("destroy-button");
        assertEquals("Destroyed " + jid + "; its occupants were told.", message());
        assertFalse(browser.findElement(By.id("rooms")).getText().contains(jid.toString()));
        MucTest.await("the occupant was told", () -> destroyed.contains("closed by the console test"));

        browser.get(url("/console/bundles"));
        click("stop-org.parley.muc");
        assertEquals("Stopped org.parley.muc.", message());
        browser.get(url("/console/rooms"));
        assertTrue(browser.findElement(By.id("rooms-missing")).getText().contains("not installed or not running"));
        screenshot("10-rooms-missing");
        browser.get(url("/console/bundles"));
        click("start-org.parley.muc");
        assertEquals("Started org.parley.muc.", message());
        awaitOnReload("/console/rooms", "the rooms are back", 
                () -> browser.getPageSource().contains("id=\"rooms\""));
        owner.disconnect();
    }

    @Test
    void anApiTokenIsShownOnceWorksAndIsRevoked() throws Exception {
        signIn();
        browser.get(url("/console/tokens"));
        browser.findElement(By.id("token-name")).sendKeys("monitoring script");
        click("create-token-button");
        assertTrue(message().contains("Copy it now"), message());
        String token = browser.findElement(By.id("new-token")).getText();
        assertTrue(token.length() >= 40, token);
        screenshot("11-token-created");
        AdminClient api = new AdminClient(server);
        assertEquals(200, api.raw("GET", "/api/users", null, java.net.http.HttpRequest.BodyPublishers.noBody(),
                "Authorization", "Bearer " + token).status());
        AdminClient.Answer usage = api.raw("GET", "/api/usage", null, java.net.http.HttpRequest.BodyPublishers.noBody(),
                "Authorization", "Bearer " + token);
        assertEquals(200, usage.status(), usage.toString());
        assertTrue(usage.json().get("now").has("onlineUsers") && usage.json().get("weeks").size() >= 1, usage.toString());

        browser.get(url("/console/tokens"));
        assertFalse(browser.getPageSource().contains(token), "shown once only");
        String row = browser.findElement(By.id("tokens")).getText();
        assertTrue(row.contains("monitoring script") && row.contains("active"), row);
        submit(browser.findElement(By.cssSelector("#tokens button")));
        assertTrue(message().startsWith("Revoked API token "), message());
        assertTrue(browser.findElement(By.id("tokens")).getText().contains("revoked"));
        AdminClient.Answer revoked = api.raw("GET", "/api/users", null, java.net.http.HttpRequest.BodyPublishers.noBody(),
                "Authorization", "Bearer " + token);
        assertEquals(401, revoked.status(), revoked.toString());
        browser.get(url("/console/audit"));
        assertFalse(browser.findElement(By.id("audit")).getText().contains(token), "the secret is not in the audit log");
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
