package epaprlab.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard in a real headless Chromium: the page lists the VMs, its buttons start and reset
 * one (checked on the live DOM and through the API), its console shows a guest's output and sends
 * it a line, and a lab's progress appears. Screenshots: target/screenshots/dashboard-*.png.
 */
@Timeout(180)
class DashboardBrowserTest {
    static final Path SHOTS = Path.of("target/screenshots");

    static String row(String vm, String cls) {
        return "document.querySelector('tr[data-vm=\"" + vm + "\"] td." + cls + "')?.textContent";
    }

    @Test
    void startResetConsoleAndLabThroughTheDashboard() throws Exception {
        try (Host host = HostApiTest.startHost(Optional.empty()); Chromium chrome = new Chromium()) {
            HostClient api = new HostClient(host.port(), Optional.empty());
            assertEquals(201, api.post("/api/v1/vms", "{\"name\": \"web-idle\", " + HostApiTest.IDLE + "}").status());
            assertEquals(201, api.post("/api/v1/vms", "{\"name\": \"web-echo\", \"image\": \"echo-e500mc.elf\"}").status());
            chrome.navigate("http://127.0.0.1:" + host.port() + "/");
            String table = "document.querySelector('#vms')?.outerHTML";
            chrome.waitFor(row("web-idle", "state") + " === 'created'", Duration.ofSeconds(20), table);
            chrome.screenshot(SHOTS.resolve("dashboard-1-created.png"));

            chrome.eval("document.querySelector('tr[data-vm=\"web-idle\"] button[data-action=start]').click()");
            chrome.waitFor(row("web-idle", "state") + " === 'running' && " + row("web-idle", "boots") + " === '1'",
                    Duration.ofSeconds(20), table);
            assertEquals("running", api.get("/api/v1/vms/web-idle").json().path("state").asText());
            assertTrue(chrome.eval("document.querySelector('tr[data-vm=\"web-idle\"]').className").asText().contains("state-running"));
            chrome.screenshot(SHOTS.resolve("dashboard-2-started.png"));

            chrome.eval("document.querySelector('tr[data-vm=\"web-idle\"] button[data-action=reset]').click()");
            chrome.waitFor(row("web-idle", "starts") + " === '1' && " + row("web-idle", "resets") + " === '1' && "
                    + row("web-idle", "state") + " === 'running' && " + row("web-idle", "boots") + " === '2'",
                    Duration.ofSeconds(20), table);
            var afterReset = api.get("/api/v1/vms/web-idle").json();
            assertEquals(1, afterReset.path("starts").asInt(), "a reset is not a new run");
            assertEquals(1, afterReset.path("resets").asInt());
            chrome.screenshot(SHOTS.resolve("dashboard-3-reset.png"));

            chrome.eval("document.querySelector('tr[data-vm=\"web-echo\"] button[data-action=start]').click()");
            chrome.eval("document.querySelector('tr[data-vm=\"web-echo\"] button[data-action=console]').click()");
            // console bytes come as the guest writes them: the prompt "echo> " shows before any input
            chrome.waitFor(row("web-echo", "state") + " === 'running' && !document.querySelector('#console-panel').hidden",
                    Duration.ofSeconds(20), table);
            chrome.waitFor("document.querySelector('#console').textContent.endsWith('echo> ')", Duration.ofSeconds(20),
                    "document.querySelector('#console-panel').outerHTML");
            chrome.eval("document.querySelector('#console-input').value = 'hi from chromium'; "
                    + "document.querySelector('#console-send').click()");
            chrome.waitFor("document.querySelector('#console').textContent.includes('echo> you said: hi from chromium')",
                    Duration.ofSeconds(20), "document.querySelector('#console-panel').outerHTML");
            chrome.screenshot(SHOTS.resolve("dashboard-4-console.png"));

            String lab = api.post("/api/v1/labs", "{\"lab\": {\"name\": \"weblab\", \"vms\": [{\"name\": \"h\", "
                    + "\"image\": \"hello-e500mc.elf\", \"count\": 2}]}}").json().path("id").asText();
            chrome.waitFor("document.querySelector('tr[data-lab=\"" + lab + "\"] td.progress')?.textContent === '2/2' && "
                    + "document.querySelector('tr[data-lab=\"" + lab + "\"] td.state')?.textContent === 'finished'",
                    Duration.ofSeconds(30), "document.querySelector('#labs').outerHTML");
            chrome.screenshot(SHOTS.resolve("dashboard-5-lab.png"));

            chrome.eval("document.querySelector('tr[data-vm=\"web-idle\"] button[data-action=stop]').click()");
            chrome.waitFor(row("web-idle", "outcome") + "?.startsWith('stopped')", Duration.ofSeconds(20), table);
            assertTrue(Files.size(SHOTS.resolve("dashboard-3-reset.png")) > 1000);
        }
    }

    @Test
    void withATokenTheDashboardAsksForItAndThenWorks() throws Exception {
        String token = "dashboard-token-0123456789";
        try (Host host = HostApiTest.startHost(Optional.of(token)); Chromium chrome = new Chromium()) {
            HostClient api = new HostClient(host.port(), Optional.of(token));
            assertEquals(201, api.post("/api/v1/vms", "{\"name\": \"guarded\", " + HostApiTest.IDLE + "}").status());
            chrome.navigate("http://127.0.0.1:" + host.port() + "/");
            chrome.waitFor("document.querySelector('#token-form')?.hidden === false", Duration.ofSeconds(20), "document.body.outerHTML");
            assertEquals(0, chrome.eval("document.querySelectorAll('#vms tbody tr').length").asInt());
            chrome.eval("document.querySelector('#token').value = '" + token + "'; "
                    + "document.querySelector('#token-form').requestSubmit()");
            chrome.waitFor(row("guarded", "state") + " === 'created'", Duration.ofSeconds(20), "document.body.outerHTML");
            chrome.eval("document.querySelector('tr[data-vm=\"guarded\"] button[data-action=start]').click()");
            chrome.waitFor(row("guarded", "state") + " === 'running'", Duration.ofSeconds(20), "document.body.outerHTML");
            chrome.screenshot(SHOTS.resolve("dashboard-6-token.png"));
        }
    }
}
