package epaprlab.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's headless Chromium driven over the DevTools protocol (a WebSocket from java.net.http):
 * navigate, evaluate JavaScript in the page, wait for a condition on the live DOM, screenshot.
 * Fails loudly when chromium is not installed (bin/test installs it).
 */
final class Chromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_LIMIT = Duration.ofSeconds(30);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    static Path executable() {
        for (String p : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
            if (Files.isExecutable(Path.of(p))) return Path.of(p);
        }
        throw new AssertionError("chromium is not installed: the dashboard test needs Debian's chromium "
                + "(apt-get install chromium; bin/test installs it)");
    }

    Chromium() throws Exception {
        profile = Files.createTempDirectory("epapr-lab-chromium-");
        process = new ProcessBuilder(executable().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--window-size=1280,900", "--remote-debugging-port=0",
                "--user-data-dir=" + profile, "about:blank").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        URI browser = devToolsAddress();
        HttpClient http = HttpClient.newHttpClient();
        URI list = URI.create("http://" + browser.getHost() + ":" + browser.getPort() + "/json/list");
        String page = null;
        for (int i = 0; i < 100 && page == null; i++) {
            JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(list).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            for (JsonNode t : targets) if (t.path("type").asText().equals("page")) page = t.path("webSocketDebuggerUrl").asText();
            if (page == null) Thread.sleep(100);
        }
        if (page == null) throw new AssertionError("chromium opened no page");
        socket = http.newWebSocketBuilder().buildAsync(URI.create(page), new Listener()).get(30, TimeUnit.SECONDS);
        call("Page.enable", Map.of());
        call("Runtime.enable", Map.of());
    }

    /** Reads chromium's stderr until it names its DevTools WebSocket (bounded). */
    private URI devToolsAddress() throws Exception {
        CompletableFuture<URI> found = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    int at = line.indexOf("DevTools listening on ");
                    if (at >= 0) found.complete(URI.create(line.substring(at + 22).trim()));
                }
                found.completeExceptionally(new AssertionError("chromium ended without a DevTools address"));
            } catch (IOException e) {
                found.completeExceptionally(e);
            }
        }, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        return found.get(30, TimeUnit.SECONDS);
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode msg = JSON.readTree(partial.toString());
                    CompletableFuture<JsonNode> f = msg.has("id") ? pending.remove(msg.get("id").asInt()) : null;
                    if (f != null) f.complete(msg);
                } catch (IOException e) {
                    pending.values().forEach(f -> f.completeExceptionally(e));
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }

    JsonNode call(String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", JSON.valueToTree(params));
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        socket.sendText(JSON.writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
        JsonNode r = reply.get(CALL_LIMIT.toSeconds(), TimeUnit.SECONDS);
        if (r.has("error")) throw new AssertionError(method + ": " + r.get("error"));
        return r.path("result");
    }

    /** Opens {@code url} and waits until its document has loaded. */
    void navigate(String url) throws Exception {
        call("Page.navigate", Map.of("url", url));
        waitFor("location.href === " + JSON.writeValueAsString(url) + " && document.readyState === 'complete'",
                Duration.ofSeconds(30), "location.href + ' ' + document.readyState");
    }

    /** Evaluates {@code js} in the page (promises awaited) and returns its value. */
    JsonNode eval(String js) throws Exception {
        JsonNode r = call("Runtime.evaluate", Map.of("expression", js, "returnByValue", true, "awaitPromise", true));
        if (r.has("exceptionDetails")) throw new AssertionError("page script failed: " + r.get("exceptionDetails") + "\n" + js);
        return r.path("result").path("value");
    }

    /** Polls {@code js} until it is true, at most {@code limit}; the failure shows {@code show}'s value. */
    void waitFor(String js, Duration limit, String show) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (eval(js).asBoolean(false)) return;
            Thread.sleep(50);
        }
        throw new AssertionError("not true within " + limit + ": " + js + "\npage: " + eval(show));
    }

    void screenshot(Path file) throws Exception {
        JsonNode shot = call("Page.captureScreenshot", Map.of("format", "png"));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(shot.path("data").asText()));
    }

    @Override
    public void close() throws IOException {
        try {
            socket.abort();
        } finally {
            // Chromium's helpers (network service, renderers) outlive the browser process for a moment
            // and go on writing into the profile; list them before the browser goes, stop them all.
            var helpers = process.descendants().toList();
            process.destroy();
            helpers.forEach(ProcessHandle::destroy);
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                for (ProcessHandle helper : helpers) {
                    try {
                        helper.onExit().get(10, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                        helper.destroyForcibly();
                    }
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                helpers.forEach(ProcessHandle::destroyForcibly);
                Thread.currentThread().interrupt();
            }
            deleteProfile();
        }
    }

    /** Deletes the temporary profile; a file that vanishes meanwhile (Chromium's own temp files) is no error. */
    private void deleteProfile() throws IOException {
        for (int attempt = 0; attempt < 5 && Files.exists(profile); attempt++) {
            try (var walk = Files.walk(profile)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
                if (!(e instanceof java.nio.file.NoSuchFileException)
                        && !(e.getCause() instanceof java.nio.file.NoSuchFileException)) throw e;
            }
        }
    }
}
