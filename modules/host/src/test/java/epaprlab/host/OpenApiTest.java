package epaprlab.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The committed OpenAPI description against the routes of a running host: every documented
 * operation is routed (it answers with one of its documented statuses, never the router's
 * "no such route" 404 or 405), and requests that are not documented are not routed.
 */
@Timeout(120)
class OpenApiTest {
    static Host host;
    static HostClient api;
    static JsonNode spec;

    @BeforeAll
    static void up() throws Exception {
        host = HostApiTest.startHost(Optional.empty());
        api = new HostClient(host.port(), Optional.empty());
        try (InputStream in = OpenApiTest.class.getResourceAsStream("/openapi.json")) {
            spec = new ObjectMapper().readTree(in);
        }
    }

    @AfterAll
    static void down() throws Exception { host.close(); }

    record Operation(String method, String path, List<Integer> statuses) {}

    static List<Operation> documented() {
        List<Operation> ops = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : spec.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> method : path.getValue().properties()) {
                List<Integer> statuses = new ArrayList<>();
                method.getValue().path("responses").fieldNames().forEachRemaining(s -> statuses.add(Integer.parseInt(s)));
                ops.add(new Operation(method.getKey().toUpperCase(Locale.ROOT), path.getKey(), statuses));
            }
        }
        return ops;
    }

    @Test
    void everyDocumentedOperationIsRoutedAndAnswersADocumentedStatus() throws Exception {
        assertEquals(201, api.post("/api/v1/vms", "{\"name\": \"doc\", \"image\": \"hello-e500mc.elf\"}").status());
        var lab = api.post("/api/v1/labs", "{\"lab\": {\"name\": \"doc\", \"vms\": [{\"name\": \"h\", \"image\": \"hello-e500mc.elf\"}]}}");
        String labId = lab.json().path("id").asText();
        List<Operation> ops = documented();
        assertTrue(ops.size() >= 18, "operations: " + ops);
        // the order matters only for the VM: actions before its removal
        ops.sort((a, b) -> Boolean.compare(a.method().equals("DELETE"), b.method().equals("DELETE")));
        for (Operation op : ops) {
            String path = op.path().replace("{id}", op.path().startsWith("/api/v1/labs/") ? labId : "doc")
                    + (op.path().endsWith("/console") || op.path().endsWith("/events") ? "?follow=false" : "");
            String body = op.path().equals("/api/v1/labs") ? "{\"lab\": {\"vms\": [{\"name\": \"h\", \"image\": \"hello-e500mc.elf\"}]}}"
                    : op.path().equals("/api/v1/vms") ? "{\"name\": \"doc2\", \"image\": \"hello-e500mc.elf\"}" : "x";
            HttpRequest.Builder b = api.request(path).method(op.method(),
                    op.method().equals("POST") ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
            HttpResponse<String> r = api.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
            String where = op.method() + " " + path + " -> " + r.statusCode() + " " + r.body();
            assertTrue(op.statuses().contains(r.statusCode()), "undocumented status: " + where);
            assertFalse(r.statusCode() == 405 || r.body().contains("\"field\":\"(request)\""), "not routed: " + where);
        }
    }

    @Test
    void undocumentedRequestsAreNotRouted() throws Exception {
        for (String[] req : new String[][] {{"PUT", "/api/v1/vms"}, {"GET", "/api/v1/vms/x/start"}, {"GET", "/api/v1/vms/x/bogus"},
                {"PATCH", "/api/v1/vms/x"}, {"GET", "/api/v2/vms"}, {"POST", "/metrics"}}) {
            HttpResponse<String> r = api.http().send(api.request(req[1]).method(req[0], HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(r.statusCode() == 404 || r.statusCode() == 405, req[0] + " " + req[1] + " -> " + r.statusCode());
            assertTrue(spec.path("paths").path(req[1]).path(req[0].toLowerCase(Locale.ROOT)).isMissingNode(), req[1]);
        }
        assertEquals(200, api.get("/openapi.json").status());
    }
}
