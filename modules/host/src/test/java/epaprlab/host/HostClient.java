package epaprlab.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/** A real HTTP client (java.net.http) for a host under test. */
public final class HostClient {
    /** A response: status and JSON body (null when the body is not JSON). */
    public record Answer(int status, JsonNode json, String text) {
        public String field() { return json == null ? null : json.path("field").asText(); }
        public String message() { return json == null ? null : json.path("message").asText(); }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final Optional<String> token;

    public HostClient(int port, Optional<String> token) {
        this.base = URI.create("http://127.0.0.1:" + port);
        this.token = token;
    }

    public URI uri(String path) { return base.resolve(path); }

    public HttpClient http() { return http; }

    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return b;
    }

    public Answer get(String path) throws IOException, InterruptedException { return send(request(path).GET()); }

    public Answer delete(String path) throws IOException, InterruptedException { return send(request(path).DELETE()); }

    public Answer post(String path, String body) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Answer post(String path) throws IOException, InterruptedException {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
    }

    public Answer send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) json = JSON.readTree(r.body());
        return new Answer(r.statusCode(), json, r.body());
    }

    /** Polls GET {@code path} until {@code ok} holds, at most {@code limit}; returns the last answer. */
    public Answer await(String path, Predicate<JsonNode> ok, Duration limit) throws IOException, InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        Answer a = get(path);
        while (!(a.json() != null && ok.test(a.json())) && System.nanoTime() < end) {
            Thread.sleep(20);
            a = get(path);
        }
        if (a.json() == null || !ok.test(a.json())) throw new AssertionError("not reached within " + limit + ": " + a.text());
        return a;
    }
}
