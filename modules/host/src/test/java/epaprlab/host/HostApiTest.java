package epaprlab.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import epaprlab.host.HostClient.Answer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The API against a running host, through a real HTTP client. */
@Timeout(120)
class HostApiTest {
    static Host host;
    static HostClient api;

    static final String IDLE = "\"image\": \"chaos-e500mc.elf\", \"bootargs\": \"mode=idle\", \"ram\": \"256K\"";

    @BeforeAll
    static void up() throws Exception {
        host = startHost(Optional.empty());
        api = new HostClient(host.port(), Optional.empty());
    }

    static Host startHost(Optional<String> token) throws Exception {
        var system = Host.systemConfig(ConfigFactory.parseString("akka.loglevel = WARNING"));
        return Host.start(HostSettings.from(system).withPort(0).withToken(token).withImages(images()), system);
    }

    static Path images() { return Path.of("../../sample-vms/images").toAbsolutePath().normalize(); }

    @AfterAll
    static void down() throws Exception { host.close(); }

    @Test
    void aVmIsCreatedStartedResetStoppedAndRemoved() throws Exception {
        Answer created = api.post("/api/v1/vms", "{\"name\": \"life\", " + IDLE + "}");
        assertEquals(201, created.status(), created.text());
        assertEquals("life", created.json().path("id").asText());
        assertEquals("created", created.json().path("state").asText());
        assertEquals(202, api.post("/api/v1/vms/life/start").status());
        api.await("/api/v1/vms/life", j -> j.path("state").asText().equals("running"), Duration.ofSeconds(20));
        assertEquals(202, api.post("/api/v1/vms/life/reset").status());
        Answer reset = api.await("/api/v1/vms/life",
                j -> j.path("boots").asInt() == 2 && j.path("state").asText().equals("running"), Duration.ofSeconds(20));
        assertEquals(1, reset.json().path("starts").asInt(), "a reset is not a new run");
        assertEquals(1, reset.json().path("resets").asInt());
        assertEquals(202, api.post("/api/v1/vms/life/stop").status());
        Answer stopped = api.await("/api/v1/vms/life", j -> j.path("state").asText().equals("stopped"), Duration.ofSeconds(20));
        assertEquals("stopped", stopped.json().path("outcome").asText());
        Answer listed = api.get("/api/v1/vms");
        assertTrue(listed.text().contains("\"id\":\"life\""), listed.text());
        Answer events = api.get("/api/v1/vms/life/events?follow=false");
        assertEquals(200, events.status());
        assertTrue(events.text().contains("event:lifecycle"), events.text());
        assertTrue(events.text().contains("reset requested through the API"), events.text());
        assertEquals(202, api.delete("/api/v1/vms/life").status());
        api.await("/api/v1/vms", j -> !j.toString().contains("\"life\""), Duration.ofSeconds(20));
        assertEquals(404, api.get("/api/v1/vms/life").status());
    }

    /** A snapshot of a running VM is taken on request (it runs on); a VM that does not run has none to take. */
    @Test
    void aSnapshotIsTakenOfARunningVmAndRefusedForOneThatDoesNotRun() throws Exception {
        assertEquals(201, api.post("/api/v1/vms", "{\"name\": \"snap\", " + IDLE + "}").status());
        Answer early = api.post("/api/v1/vms/snap/snapshot");
        assertEquals(409, early.status(), early.text());
        assertEquals(202, api.post("/api/v1/vms/snap/start").status());
        api.await("/api/v1/vms/snap", j -> j.path("state").asText().equals("running"), Duration.ofSeconds(20));
        Answer taken = api.post("/api/v1/vms/snap/snapshot");
        assertEquals(200, taken.status(), taken.text());
        assertEquals("running", taken.json().path("state").asText());
        assertEquals(200, api.post("/api/v1/vms/snap/snapshot").status(), "again: it ran on");
        String events = api.get("/api/v1/vms/snap/events?follow=false").text();
        assertTrue(events.contains("event:snapshot"), events);
        assertTrue(events.contains("snapshot of vm snap (the host asked for a snapshot)"), events);
        assertTrue(events.contains("snapshotting"), events);
        assertEquals(202, api.post("/api/v1/vms/snap/stop").status());
        api.await("/api/v1/vms/snap", j -> j.path("state").asText().equals("stopped"), Duration.ofSeconds(20));
        assertEquals(409, api.post("/api/v1/vms/snap/snapshot").status());
        assertEquals(404, api.post("/api/v1/vms/nobody/snapshot").status());
        assertEquals(202, api.delete("/api/v1/vms/snap").status());
    }

    /** reset-loop refusing its own reset (on-reset = decline) idles; a host reset shows in its boot line. */
    @Test
    void aHostResetIsARealResetWithTheNextBootCountAndReasonHostRequest() throws Exception {
        assertEquals(201, api.post("/api/v1/vms", "{\"name\": \"hreset\", \"image\": \"reset-loop-e500mc.elf\", "
                + "\"on-reset\": \"decline\"}").status());
        assertEquals(202, api.post("/api/v1/vms/hreset/start").status());
        awaitConsole("hreset", "boot 1 reason power-on\nreset refused: status 9\n");
        assertEquals(202, api.post("/api/v1/vms/hreset/reset").status());
        awaitConsole("hreset", "boot 1 reason power-on\nreset refused: status 9\n"
                + "boot 2 reason host-request\nreset refused: status 9\n");
        Answer vm = api.await("/api/v1/vms/hreset", j -> j.path("state").asText().equals("running"), Duration.ofSeconds(20));
        assertEquals(2, vm.json().path("boots").asInt());
        assertEquals(1, vm.json().path("resets").asInt());
        assertEquals(1, vm.json().path("starts").asInt());
        String events = api.get("/api/v1/vms/hreset/events?follow=false").text();
        assertTrue(events.contains("reset by the host"), events);
        assertEquals(202, api.delete("/api/v1/vms/hreset").status());
    }

    /** echo prints "echo> " without a newline and waits: the prompt is on the console before any input. */
    @Test
    void aPromptWithoutANewlineIsOnTheConsoleAtOnce() throws Exception {
        assertEquals(201, api.post("/api/v1/vms", "{\"name\": \"prompt\", \"image\": \"echo-e500mc.elf\"}").status());
        assertEquals(202, api.post("/api/v1/vms/prompt/start").status());
        awaitConsole("prompt", "echo> ");
        assertEquals(202, api.post("/api/v1/vms/prompt/console", "hi\n").status());
        awaitConsole("prompt", "echo> you said: hi\necho> ");
        Thread.sleep(300);       // nothing comes twice or late
        assertEquals("echo> you said: hi\necho> ", api.get("/api/v1/vms/prompt/console?follow=false").text());
        assertEquals(202, api.delete("/api/v1/vms/prompt").status());
    }

    /** An idle guest never reads its console: what it has not read is capped, the rest refused with 413 (the heap stays bounded). */
    @Test
    void consoleInputAGuestDoesNotReadIsCappedPerVm() throws Exception {
        assertEquals(201, api.post("/api/v1/vms", "{\"name\": \"deaf\", " + IDLE + "}").status());
        assertEquals(202, api.post("/api/v1/vms/deaf/start").status());
        String chunk = "x".repeat(40 * 1024);
        assertEquals(202, api.post("/api/v1/vms/deaf/console", chunk).status());
        Answer over = api.post("/api/v1/vms/deaf/console", chunk);
        assertEquals(413, over.status(), over.text());
        assertTrue(over.message().contains("VM deaf: console input of 40960 bytes refused: 40960 bytes already wait unread"),
                over.text());
        assertTrue(over.message().contains("at most 65536"), over.text());
        assertEquals(202, api.post("/api/v1/vms/deaf/console", "x".repeat(24 * 1024)).status(), "up to the limit is taken");
        assertEquals(413, api.post("/api/v1/vms/deaf/console", "y").status());
        assertEquals(202, api.delete("/api/v1/vms/deaf").status());
    }

    /** Waits until the VM's whole console is {@code text}. */
    static void awaitConsole(String vm, String text) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String seen = "";
        while (System.nanoTime() < end) {
            seen = api.get("/api/v1/vms/" + vm + "/console?follow=false").text();
            if (seen.equals(text)) return;
            Thread.sleep(50);
        }
        assertEquals(text, seen, "console of " + vm);
    }

    @Test
    void eventsFollowARunAsServerSentEvents() throws Exception {
        assertEquals(201, api.post("/api/v1/vms", "{\"name\": \"sse\", \"image\": \"reset-loop-e500mc.elf\"}").status());
        HttpResponse<java.util.stream.Stream<String>> events = api.http().send(
                api.request("/api/v1/vms/sse/events").header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, events.statusCode());
        assertTrue(events.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        assertEquals(202, api.post("/api/v1/vms/sse/start").status());
        List<String> seen = new java.util.ArrayList<>();
        try (var lines = events.body()) {
            var it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                seen.add(line);
                if (line.startsWith("event:finished")) break;
            }
        }
        String all = String.join("\n", seen);
        assertTrue(all.contains("\"to\":\"booting\"") || all.contains("\"to\":\"running\""), all);
        assertEquals(3, seen.stream().filter(l -> l.contains("\"to\":\"resetting\"")).count() + 1,
                "reset-loop resets twice (3 boots): " + all);
        assertTrue(all.contains("\"to\":\"shutdown\""), all);
        assertTrue(seen.stream().filter(l -> l.startsWith("id:")).map(l -> Long.parseLong(l.substring(3).trim()))
                .reduce((a, b) -> { assertTrue(b > a, "ids increase"); return b; }).isPresent());
        assertEquals(202, api.delete("/api/v1/vms/sse").status());
    }

    /** A ppce500 VM's files resolve against --images as image does (they resolved against a scratch file). */
    @Test
    void ppce500FilesResolveAgainstTheImagesDirectory() throws Exception {
        Answer a = api.post("/api/v1/vms", "{\"name\": \"p5\", \"board\": \"ppce500\", \"kernel\": \"hello-e500mc.elf\", "
                + "\"initrd\": \"hello-e500mc.elf\", \"ram\": \"2G\"}");
        assertEquals(201, a.status(), a.text());
        assertEquals(202, api.delete("/api/v1/vms/p5").status());
    }

    @Test
    void aVmConfigMayBeHoconAsInAVmFile() throws Exception {
        Answer a = api.send(api.request("/api/v1/vms").header("Content-Type", "application/hocon")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        # as in sample-vms/hello-64.conf, image relative to --images
                        vm {
                          name = hocon-64
                          image = hello-e5500.elf
                          cpu = e5500
                          limits { wall-timeout = 30s }
                        }
                        """)));
        assertEquals(201, a.status(), a.text());
        assertEquals("e5500", a.json().path("cpu").asText());
        assertEquals(202, api.post("/api/v1/vms/hocon-64/start").status());
        Answer done = api.await("/api/v1/vms/hocon-64", j -> "shutdown".equals(j.path("outcome").asText()), Duration.ofSeconds(20));
        assertTrue(done.json().path("asExpected").asBoolean());
        assertTrue(api.get("/api/v1/vms/hocon-64/console?follow=false").text().contains("hello from hocon-64 (64-bit"));
        assertEquals(202, api.delete("/api/v1/vms/hocon-64").status());
    }

    record Bad(String body, String field) {}

    static List<Bad> badVms() {
        String ok = "\"image\": \"hello-e500mc.elf\"";
        return List.of(
                new Bad("{\"name\": \"b\", " + ok + ", \"ram\": \"3 KiB\"}", "vm.ram"),
                new Bad("{\"name\": \"b\", " + ok + ", \"cpu\": \"e600\"}", "vm.cpu"),
                new Bad("{\"name\": \"b\", " + ok + ", \"vcpus\": 0}", "vm.vcpus"),
                new Bad("{\"name\": \"b\", " + ok + ", \"guest-id\": -1}", "vm.guest-id"),
                new Bad("{\"name\": \"b\", " + ok + ", \"colour\": \"red\"}", "vm.colour"),
                new Bad("{\"name\": \"b\", " + ok + ", \"expect\": \"won\"}", "vm.expect"),
                new Bad("{\"name\": \"b\", " + ok + ", \"on-crash\": \"explode\"}", "vm.on-crash"),
                new Bad("{\"name\": \"b\", " + ok + ", \"limits\": {\"wall-timeout\": \"-1s\"}}", "vm.limits.wall-timeout"),
                new Bad("{\"name\": \"b\", " + ok + ", \"result\": {\"pass-pattern\": \"(\"}}", "vm.result.pass-pattern"),
                new Bad("{\"name\": \"b\", " + ok + ", \"hypercalls\": {\"reset\": \"maybe\"}}", "vm.hypercalls.reset"),
                new Bad("{\"name\": \"b\", " + ok + ", \"engine\": {\"turn-instructions\": 0}}", "vm.engine.turn-instructions"),
                new Bad("{\"name\": \"b\", " + ok + ", \"time-base\": \"sundial\"}", "vm.time-base"),
                new Bad("{\"name\": \"b\", \"image\": \"../hello-32.conf\"}", "vm.image"),
                new Bad("{\"name\": \"b\", \"image\": \"/etc/passwd\"}", "vm.image"),
                new Bad("{\"name\": \"b\", \"image\": \"no-such.elf\"}", "vm.image"),
                new Bad("{\"name\": \"b\", \"image\": 7}", "vm.image"),
                new Bad("{" + ok + "}", "vm.name"),
                new Bad("{\"name\": \"bad name!\", " + ok + "}", "vm.name"),
                new Bad("{\"vm\": {\"name\": \"b\", " + ok + "}, \"extra\": 1}", "(body)"),
                new Bad("{\"name\": ", "(body)"),
                new Bad("", "(body)"),
                // every key that names a host file stays under --images, not only image
                new Bad("{\"name\": \"b\", \"board\": \"ppce500\", \"bios\": \"/etc/passwd\"}", "vm.bios"),
                new Bad("{\"name\": \"b\", \"board\": \"ppce500\", \"kernel\": \"../../pom.xml\"}", "vm.kernel"),
                new Bad("{\"name\": \"b\", \"board\": \"ppce500\", \"kernel\": \"hello-e500mc.elf\", \"initrd\": \"/etc/passwd\"}",
                        "vm.initrd"),
                new Bad("{\"name\": \"b\", " + ok + ", \"snapshot\": {\"at\": \"hypercall\", \"file\": \"/tmp/s.bin\"}}",
                        "vm.snapshot.file"),
                new Bad("{\"name\": \"b\", " + ok + ", \"snapshot\": {\"from\": \"/etc/passwd\"}}", "vm.snapshot.from"),
                // HOCON that would read the host's files or environment
                new Bad("include file(\"/etc/hostname\")\nname = b\n" + ok.replace("\"image\": ", "image = "), "(body)"),
                new Bad("name = b\nimage = ${HOME}", "(body)"),
                // nesting that overflowed the parser's stack ended the host's JVM (Akka exits on fatal errors)
                new Bad("{\"vm\": " + "{\"a\": ".repeat(20_000) + "1" + "}".repeat(20_000) + "}", "(body)"),
                new Bad("{\"name\": \"b\", " + ok + ", \"x\": " + "[".repeat(70) + "]".repeat(70) + "}", "(body)"));
    }

    @ParameterizedTest
    @MethodSource("badVms")
    void aBadFieldIsA400ThatNamesIt(Bad bad) throws Exception {
        Answer a = api.post("/api/v1/vms", bad.body());
        assertEquals(400, a.status(), a.text());
        assertEquals(bad.field(), a.field(), a.text());
        assertTrue(a.message().length() > 10, a.text());
        assertTrue(!a.message().contains(System.getProperty("java.io.tmpdir") + "/epapr-lab-host"), a.text());
    }

    /** A body too deep for the parser is refused by its line; a ${...} chain too long for the resolver is named as one. */
    @Test
    void aHostileNestingIsRefusedByLineAndALongSubstitutionChainByName() throws Exception {
        Answer deep = api.post("/api/v1/vms", "name = b\n" + "a {\n".repeat(20_000) + "}\n".repeat(20_000));
        assertEquals(400, deep.status(), deep.text());
        assertTrue(deep.message().startsWith("line 65: objects or lists nested more than 64 levels deep"), deep.text());
        StringBuilder chain = new StringBuilder("name = b\nimage = hello-e500mc.elf\nguest-id = ${a0}\n");
        for (int i = 0; i < 30_000; i++) chain.append("a").append(i).append(" = ${a").append(i + 1).append("}\n");
        Answer links = api.post("/api/v1/vms", chain.append("a30000 = 1\n").toString());
        assertEquals(400, links.status(), links.text());
        assertTrue(links.message().contains("chain too long to resolve"), links.text());
        assertEquals(200, api.get("/api/v1/vms").status(), "the host serves on");
    }

    /**
     * An error quotes at most {@link epaprlab.host.api.HostApi#MAX_MESSAGE_CHARS} of the request
     * (a 100,000-character key came back twice in a 200 KB answer), and a body over the host's
     * limit is a 413 saying so in one line (it was Akka's text naming its settings, over two lines).
     */
    @Test
    void errorsQuoteABoundedPartOfTheRequestAndATooLargeBodyIsNamed() throws Exception {
        Answer key = api.post("/api/v1/vms", "{\"name\": \"q\", " + IDLE + ", \"" + "k".repeat(100_000) + "\": 1}");
        assertEquals(400, key.status(), key.text().substring(0, 300));
        assertTrue(key.text().length() < 5_000, "answer of " + key.text().length() + " characters");
        assertTrue(key.message().endsWith(" characters more)"), key.message());
        Answer big = api.send(api.request("/api/v1/vms").expectContinue(true)      // the host answers before the body, as to curl
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(9 << 20))));
        assertEquals(413, big.status(), big.text());
        assertEquals("the request body is larger than the host takes (8388608 bytes; akka.http.server.parsing.max-content-length)",
                big.message());
        assertEquals(200, api.get("/api/v1/vms").status(), "the host serves on");
    }

    @Test
    void requestsThatDoNotFitTheStateOrTheResourceAre4xx() throws Exception {
        assertEquals(201, api.post("/api/v1/vms", "{\"name\": \"dup\", " + IDLE + "}").status());
        Answer dup = api.post("/api/v1/vms", "{\"name\": \"dup\", " + IDLE + "}");
        assertEquals(409, dup.status());
        assertEquals("vm.name", dup.field());
        assertEquals(409, api.post("/api/v1/vms/dup/stop").status());
        assertEquals(409, api.post("/api/v1/vms/dup/reset").status());
        assertEquals(409, api.post("/api/v1/vms/dup/console", "x").status());
        assertEquals(202, api.post("/api/v1/vms/dup/start").status());
        Answer twice = api.post("/api/v1/vms/dup/start");
        assertEquals(409, twice.status());
        assertTrue(twice.message().contains("already running"), twice.text());
        assertEquals(404, api.post("/api/v1/vms/nobody/start").status());
        assertEquals("id", api.post("/api/v1/vms/nobody/start").field());
        assertEquals(400, api.get("/api/v1/vms/dup/console?from=abc").status());
        assertEquals(405, api.send(api.request("/api/v1/vms").PUT(HttpRequest.BodyPublishers.noBody())).status());
        assertEquals(404, api.get("/api/v1/nothing").status());
        Answer foreign = api.send(api.request("/api/v1/vms/dup/stop").header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(403, foreign.status());
        assertEquals(202, api.delete("/api/v1/vms/dup").status());
    }

    /** A bad offset or flag is a 400 naming the parameter, never a stream that follows for ever or starts anywhere. */
    @Test
    void badQueryParametersAre400sThatNameThem() throws Exception {
        assertEquals(201, api.post("/api/v1/vms", "{\"name\": \"query\", " + IDLE + "}").status());
        record Bad(String path, String header, String field) {}
        for (Bad bad : List.of(new Bad("/api/v1/vms/query/console?from=-5&follow=false", null, "from"),
                new Bad("/api/v1/vms/query/console?from=abc", null, "from"),
                new Bad("/api/v1/vms/query/console?from=99999999999999999999", null, "from"),
                new Bad("/api/v1/vms/query/console?follow=maybe", null, "follow"),
                new Bad("/api/v1/vms/query/events?after=-1&follow=false", null, "after"),
                new Bad("/api/v1/vms/query/events?follow=yes", null, "follow"),
                new Bad("/api/v1/vms/query/events?follow=false", "x", "Last-Event-ID"))) {
            HttpRequest.Builder r = api.request(bad.path()).GET();
            if (bad.header() != null) r.header("Last-Event-ID", bad.header());
            // headers only: without the check some of these would stream for ever
            java.net.http.HttpResponse<java.io.InputStream> answer = api.http().send(r.build(),
                    java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream body = answer.body()) {
                assertEquals(400, answer.statusCode(), bad.path());
                String text = new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertTrue(text.contains("\"field\":\"" + bad.field() + "\""), bad.path() + ": " + text);
            }
        }
        assertEquals(200, api.get("/api/v1/vms/query/console?from=0&follow=false").status());
        assertEquals(202, api.delete("/api/v1/vms/query").status());
    }

    @Test
    void theConsoleStreamDeliversEveryByteInOrderAndInputReachesTheGuest() throws Exception {
        assertEquals(201, api.post("/api/v1/vms", "{\"name\": \"echo\", \"image\": \"echo-e500mc.elf\"}").status());
        CompletableFuture<HttpResponse<InputStream>> stream = api.http().sendAsync(
                api.request("/api/v1/vms/echo/console?from=0").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(202, api.post("/api/v1/vms/echo/start").status());
        StringBuilder expected = new StringBuilder();
        int lines = 300;
        for (int i = 0; i < lines; i++) {
            String line = "line " + i + " " + "x".repeat(i % 50);
            assertEquals(202, api.post("/api/v1/vms/echo/console", line + "\n").status());
            expected.append("echo> you said: ").append(line).append('\n');
        }
        assertEquals(202, api.post("/api/v1/vms/echo/console", "quit\n").status());
        expected.append("echo> bye\n");
        byte[] want = expected.toString().getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (InputStream in = stream.get(20, TimeUnit.SECONDS).body()) {
            byte[] buf = new byte[4096];
            while (got.size() < want.length) {
                int n = in.read(buf);
                if (n < 0) break;
                got.write(buf, 0, n);
            }
        }
        assertEquals(expected.toString(), got.toString(StandardCharsets.US_ASCII));
        api.await("/api/v1/vms/echo", j -> "shutdown".equals(j.path("outcome").asText()), Duration.ofSeconds(20));
        assertEquals(202, api.delete("/api/v1/vms/echo").status());
    }

    @Test
    void theHostStaysUpWhileGuestsCrash() throws Exception {
        for (int i = 0; i < 8; i++) {
            assertEquals(201, api.post("/api/v1/vms", "{\"name\": \"crash-" + i + "\", \"image\": \"chaos-e500mc.elf\", "
                    + "\"bootargs\": \"mode=crash\"" + (i % 2 == 0 ? ", \"on-crash\": \"restart\"" : "") + "}").status());
            assertEquals(202, api.post("/api/v1/vms/crash-" + i + "/start").status());
        }
        for (int i = 0; i < 8; i++) {
            String want = i % 2 == 0 ? "restart-limit" : "crashed";
            Answer a = api.await("/api/v1/vms/crash-" + i, j -> want.equals(j.path("outcome").asText()), Duration.ofSeconds(30));
            assertEquals("failed", a.json().path("state").asText());
            assertTrue(a.json().path("crashes").asInt() >= 1, a.text());
        }
        assertEquals(201, api.post("/api/v1/vms", "{\"name\": \"after-crashes\", \"image\": \"hello-e500mc.elf\"}").status());
        assertEquals(202, api.post("/api/v1/vms/after-crashes/start").status());
        api.await("/api/v1/vms/after-crashes", j -> "shutdown".equals(j.path("outcome").asText()), Duration.ofSeconds(20));
        String metrics = api.get("/metrics").text();
        assertTrue(metrics.contains("epapr_vm_crashes_total"), metrics);
        for (int i = 0; i < 8; i++) assertEquals(202, api.delete("/api/v1/vms/crash-" + i).status());
        assertEquals(202, api.delete("/api/v1/vms/after-crashes").status());
    }

    @Test
    void aLabIsSubmittedAndFollowedToItsEnd() throws Exception {
        Answer lab = api.post("/api/v1/labs", """
                {"lab": {"name": "mini", "concurrency": 2, "vms": [
                  {"name": "hello", "image": "hello-e500mc.elf", "count": 3},
                  {"name": "loop", "image": "reset-loop-e5500.elf", "cpu": "e5500"}]}}""");
        assertEquals(201, lab.status(), lab.text());
        String id = lab.json().path("id").asText();
        Answer done = api.await("/api/v1/labs/" + id, j -> j.path("state").asText().equals("finished"), Duration.ofSeconds(60));
        assertEquals(4, done.json().path("finished").asInt());
        assertEquals(4, done.json().path("asExpected").asInt());
        String console = api.get("/api/v1/labs/" + id + "/console?follow=false").text();
        assertTrue(console.contains("[hello-1] hello from hello-1"), console);
        Answer badLab = api.post("/api/v1/labs", "{\"lab\": {\"vms\": [{\"name\": \"x\", \"image\": \"hello-e500mc.elf\", \"ram\": 1}]}}");
        assertEquals(400, badLab.status());
        assertEquals("lab.vms[0].ram", badLab.field(), badLab.text());
        Answer fileEntry = api.post("/api/v1/labs", "{\"lab\": {\"vms\": [\"../hello-32.conf\"]}}");
        assertEquals("lab.vms[0]", fileEntry.field(), fileEntry.text());
    }

    /**
     * A lab name that is no valid name is a 400 at lab.name; it used to become the name of the
     * lab's actor, which Akka refused by failing the host's guardian: the whole host ended.
     */
    @Test
    void aBadLabNameIsA400AndTheHostServesOn() throws Exception {
        String vms = "\"vms\": [{\"name\": \"h\", \"image\": \"hello-e500mc.elf\"}]";
        for (String name : List.of("\"../x\"", "\"a b\"", "\"\"", "5", "[1]", "\"x\\u00e9\"")) {
            Answer a = api.post("/api/v1/labs", "{\"lab\": {\"name\": " + name + ", " + vms + "}}");
            assertEquals(400, a.status(), name + ": " + a.text());
            assertEquals("lab.name", a.field(), a.text());
        }
        Answer unnamed = api.post("/api/v1/labs", "{\"lab\": {" + vms + "}}");
        assertEquals(201, unnamed.status(), unnamed.text());
        assertEquals("lab", unnamed.json().path("name").asText(), "not the scratch file's name");
        String id = unnamed.json().path("id").asText();
        assertEquals("finished", api.await("/api/v1/labs/" + id, j -> j.path("state").asText().equals("finished"),
                Duration.ofSeconds(60)).json().path("state").asText(), "the host serves on");
    }
}
