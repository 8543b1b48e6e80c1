package epaprlab.host.api;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.marshalling.sse.EventStreamMarshalling;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.Location;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.model.sse.ServerSentEvent;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.ExceptionHandler;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import epaprlab.host.HostGuardian;
import epaprlab.host.lab.HostedLab;
import epaprlab.host.metrics.HostMetrics;
import epaprlab.host.vm.ConsoleLog;
import epaprlab.host.vm.EventLog;
import epaprlab.host.vm.HostedVm;
import epaprlab.host.vm.VmAction;
import epaprlab.host.vm.VmDirectory;
import epaprlab.orchestrator.config.LabConfig;
import epaprlab.orchestrator.config.VmConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The host's HTTP interface: the API under {@code /api/v1} (described in {@code openapi.json}),
 * {@code /metrics}, and the dashboard at {@code /}. VM actions go to the VMs' actors (ask, one
 * reply each); reads come from the VMs' published views, consoles and histories. Errors are JSON
 * {@code {"status", "field", "message"}}.
 */
public final class HostApi extends AllDirectives {
    private static final String WEB = "epaprlab/host/web";
    private static final Duration POLL = Duration.ofMillis(20);
    private static final int CHUNK = 64 * 1024;
    private static final ContentType.WithCharset TEXT = ContentTypes.TEXT_PLAIN_UTF8;
    private static final ContentType PROMETHEUS = ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8");

    private final ActorSystem<HostGuardian.Command> system;
    private final VmDirectory vms;
    private final ConfigRequests configs;
    private final HostMetrics metrics;
    private final Optional<byte[]> bearer;
    private final int consoleBytes;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, HostedLab> labs = new ConcurrentHashMap<>();
    private final AtomicLong labSerial = new AtomicLong();
    private final Supplier<Map<String, Object>> node;

    public HostApi(ActorSystem<HostGuardian.Command> system, VmDirectory vms, ConfigRequests configs, HostMetrics metrics,
                   Optional<String> token, int consoleBytes, Supplier<Map<String, Object>> node) {
        this.node = node;
        this.system = system;
        this.vms = vms;
        this.configs = configs;
        this.metrics = metrics;
        this.bearer = token.map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8));
        this.consoleBytes = consoleBytes;
    }

    public Route routes() {
        return mapResponse(this::counted, () -> handleExceptions(exceptions(), () -> handleRejections(rejections(), () -> concat(
                pathSingleSlash(() -> get(() -> getFromResource(WEB + "/index.html", ContentTypes.TEXT_HTML_UTF8))),
                pathPrefix("web", () -> get(() -> getFromResourceDirectory(WEB))),
                path("openapi.json", () -> get(() -> getFromResource("openapi.json", ContentTypes.APPLICATION_JSON))),
                path("metrics", () -> authorized(() -> get(() -> complete(HttpResponse.create()
                        .withEntity(HttpEntities.create(PROMETHEUS, metrics.scrape().getBytes(StandardCharsets.UTF_8))))))),
                pathPrefix("api", () -> pathPrefix("v1", () -> authorized(() -> sameOrigin(() -> concat(
                        pathPrefix("vms", this::vmRoutes),
                        path(PathMatchers.segment("node").slash("vms"), () -> get(() -> complete(ok(Map.of("vms", vms.local()))))),
                        path("node", () -> get(() -> complete(ok(node.get())))),
                        pathPrefix("labs", this::labRoutes))))))))));
    }

    // ---- VMs ------------------------------------------------------------------------------------

    private Route vmRoutes() {
        return concat(
                pathEndOrSingleSlash(() -> concat(
                        get(() -> completeWithFuture(vms.list().thenApply(l -> ok(Map.of("vms", l, "count", l.size()))))),
                        post(() -> body(this::createVm)))),
                pathPrefix(PathMatchers.segment(), id -> concat(
                        pathEndOrSingleSlash(() -> concat(
                                get(() -> completeWithFuture(vms.view(id).thenApply(v -> v.map(this::ok).orElseGet(() -> noVm(id))))),
                                delete(() -> act(id, VmAction.of(VmAction.Kind.REMOVE))))),
                        path("start", () -> post(() -> act(id, VmAction.of(VmAction.Kind.START)))),
                        path("stop", () -> post(() -> act(id, VmAction.of(VmAction.Kind.STOP)))),
                        path("reset", () -> post(() -> act(id, VmAction.of(VmAction.Kind.RESET)))),
                        path("snapshot", () -> post(() -> act(id, VmAction.of(VmAction.Kind.SNAPSHOT), StatusCodes.OK))),
                        path("console", () -> concat(
                                get(() -> vmConsole(id)),
                                post(() -> entity(Unmarshaller.entityToByteString(), bytes ->
                                        act(id, new VmAction(VmAction.Kind.INPUT, "", bytes.toArray())))))),
                        path("events", () -> get(() -> vmEvents(id))))));
    }

    private Route createVm(String body) {
        ConfigRequests.CheckedVm checked;
        try {
            checked = configs.vm(body);
        } catch (ApiError e) {
            return complete(error(e));
        }
        VmConfig config = checked.config();
        String image = configs.images().relativize(config.image()).toString();
        CompletionStage<HostedVm.Reply> reply = vms.create(config, checked.text(), image);
        return completeWithFuture(reply.thenApply(r -> switch (r) {
            case HostedVm.Reply.Done d -> ok(d.view()).withStatus(StatusCodes.CREATED)
                    .addHeader(Location.create("/api/v1/vms/" + d.view().id()));
            case HostedVm.Reply.Refused f -> error(f.status(), "vm.name", f.message());
        }));
    }

    private Route act(String id, VmAction action) {
        return act(id, action, StatusCodes.ACCEPTED);
    }

    /** {@code done}: the status of a success (202 for what is under way, 200 for what is finished). */
    private Route act(String id, VmAction action, akka.http.javadsl.model.StatusCode done) {
        CompletionStage<HostedVm.Reply> reply = vms.act(id, action);
        return completeWithFuture(reply.thenApply(r -> switch (r) {
            case HostedVm.Reply.Done d -> ok(d.view()).withStatus(done);
            case HostedVm.Reply.Refused f -> error(f.status(), "id", f.message());
        }));
    }

    private HttpResponse noVm(String id) { return error(404, "id", "no VM with id " + id); }

    private Route vmConsole(String id) {
        return parameterOptional("from", from -> parameterOptional("follow", follow -> {
            long start = Query.offset("from", from);
            boolean keep = Query.flag("follow", follow);
            return onSuccess(vms.console(id, start, 0), first -> first.isEmpty() ? complete(noVm(id))
                    : consoleResponse(first.get().start(), keep, (at, max) -> vms.console(id, at, max)));
        }));
    }

    /** Reads a console from an offset: empty once the VM (or lab) is gone. */
    private interface ConsoleReader {
        CompletionStage<Optional<ConsoleLog.Chunk>> read(long from, int max);
    }

    /** Streams a console from {@code from}: chunked text, until it is gone (or caught up, without follow). */
    private Route consoleResponse(long from, boolean follow, ConsoleReader reader) {
        AtomicLong next = new AtomicLong(from);
        Source<ByteString, NotUsed> bytes = Source.tick(Duration.ZERO, POLL, Boolean.TRUE)
                .mapMaterializedValue(c -> NotUsed.getInstance())
                .mapAsync(1, tick -> reader.read(next.get(), CHUNK))
                .takeWhile(c -> c.isPresent() && (follow || c.get().bytes().length > 0), true)
                .mapConcat(c -> {
                    if (c.isEmpty() || c.get().bytes().length == 0) return List.<ByteString>of();
                    next.set(c.get().next());
                    return List.of(ByteString.fromArray(c.get().bytes()));
                });
        return complete(HttpResponse.create()
                .addHeader(RawHeader.create("X-Console-Start", Long.toString(from)))
                .withEntity(HttpEntities.createChunked(TEXT, bytes)));
    }

    /** Reads a history after a sequence number: empty once it is gone. */
    private interface EventReader {
        CompletionStage<Optional<List<EventLog.Entry>>> after(long seq);
    }

    private Route vmEvents(String id) {
        return onSuccess(vms.events(id, Long.MAX_VALUE), first -> first.isEmpty() ? complete(noVm(id))
                : eventStream(after -> vms.events(id, after)));
    }

    /** Server-sent events: one per history entry (id = its sequence number), from Last-Event-ID or ?after. */
    private Route eventStream(EventReader reader) {
        return optionalHeaderValueByName("Last-Event-ID", lastId -> parameterOptional("after", after ->
                parameterOptional("follow", follow -> {
            long from = after.isPresent() ? Query.offset("after", after) : Query.offset("Last-Event-ID", lastId);
            boolean keep = Query.flag("follow", follow);
            AtomicLong seen = new AtomicLong(from);
            Source<ServerSentEvent, NotUsed> source = Source.tick(Duration.ZERO, Duration.ofMillis(100), Boolean.TRUE)
                    .mapMaterializedValue(c -> NotUsed.getInstance())
                    .mapAsync(1, tick -> reader.after(seen.get()))
                    .takeWhile(e -> e.isPresent() && (keep || !e.get().isEmpty()), true)
                    .mapConcat(e -> {
                        if (e.isEmpty()) return List.<ServerSentEvent>of();
                        List<EventLog.Entry> fresh = e.get();
                        if (!fresh.isEmpty()) seen.set(fresh.getLast().seq());
                        return fresh.stream().map(x -> ServerSentEvent.create(text(x), x.type(), Long.toString(x.seq()))).toList();
                    })
                    .keepAlive(Duration.ofSeconds(10), ServerSentEvent::heartbeat);
            return completeOK(source, EventStreamMarshalling.toEventStream());
        })));
    }

    // ---- labs -----------------------------------------------------------------------------------

    private Route labRoutes() {
        return concat(
                pathEndOrSingleSlash(() -> concat(
                        get(() -> complete(ok(Map.of("labs", labs.values().stream().map(HostedLab::view)
                                .sorted(Comparator.comparing(HostedLab.LabView::id)).toList())))),
                        post(() -> body(this::submitLab)))),
                pathPrefix(PathMatchers.segment(), id -> {
                    HostedLab lab = labs.get(id);
                    if (lab == null) return complete(error(404, "id", "no lab with id " + id));
                    return concat(
                            pathEndOrSingleSlash(() -> concat(
                                    get(() -> complete(ok(lab.view()))),
                                    delete(() -> {
                                        if (!lab.done()) return complete(error(409, "id", "lab " + id + " is running; stop it first"));
                                        labs.remove(id);
                                        return complete(ok(lab.view()));
                                    }))),
                            path("stop", () -> post(() -> {
                                system.tell(new HostGuardian.StopLab(id));
                                return complete(ok(lab.view()).withStatus(StatusCodes.ACCEPTED));
                            })),
                            path("console", () -> get(() -> parameterOptional("from", from -> parameterOptional("follow", follow ->
                                    consoleResponse(Query.offset("from", from), Query.flag("follow", follow), labConsole(id)))))),
                            path("events", () -> get(() -> eventStream(labEvents(id)))));
                }));
    }

    /** A lab's console; it ends once the lab has finished and every byte was read. */
    private ConsoleReader labConsole(String id) {
        return (from, max) -> {
            HostedLab lab = labs.get(id);
            if (lab == null) return CompletableFuture.completedFuture(Optional.empty());
            boolean done = lab.done();
            ConsoleLog.Chunk c = lab.console().read(from, max);
            return CompletableFuture.completedFuture(done && c.bytes().length == 0 ? Optional.empty() : Optional.of(c));
        };
    }

    private EventReader labEvents(String id) {
        return after -> {
            HostedLab lab = labs.get(id);
            if (lab == null) return CompletableFuture.completedFuture(Optional.empty());
            boolean done = lab.done();
            List<EventLog.Entry> fresh = lab.events().after(after);
            return CompletableFuture.completedFuture(done && fresh.isEmpty() ? Optional.empty() : Optional.of(fresh));
        };
    }

    private Route submitLab(String body) {
        LabConfig lab;
        try {
            lab = configs.lab(body);
        } catch (ApiError e) {
            return complete(error(e));
        }
        String id = lab.name() + "-" + labSerial.incrementAndGet();
        HostedLab follower = new HostedLab(id, lab.name(), lab.vms().size(), consoleBytes);
        labs.put(id, follower);
        system.tell(new HostGuardian.SubmitLab(lab, follower));
        return complete(ok(follower.view()).withStatus(StatusCodes.CREATED).addHeader(Location.create("/api/v1/labs/" + id)));
    }

    // ---- plumbing -------------------------------------------------------------------------------

    private Route body(Function<String, Route> inner) {
        return entity(Unmarshaller.entityToString(), inner);
    }

    /** With a token configured, every request must carry it as {@code Authorization: Bearer <token>}. */
    private Route authorized(Supplier<Route> inner) {
        if (bearer.isEmpty()) return inner.get();
        return optionalHeaderValueByName("Authorization", given -> {
            boolean ok = given.isPresent()
                    && MessageDigest.isEqual(given.get().getBytes(StandardCharsets.UTF_8), bearer.get());
            if (ok) return inner.get();
            return complete(error(401, "Authorization", "this host needs `Authorization: Bearer <token>`")
                    .addHeader(RawHeader.create("WWW-Authenticate", "Bearer")));
        });
    }

    /**
     * Refuses requests a browser sends on behalf of another site (a page elsewhere posting to
     * 127.0.0.1): when an Origin is given it must be this host's own.
     */
    private Route sameOrigin(Supplier<Route> inner) {
        return optionalHeaderValueByName("Origin", origin -> optionalHeaderValueByName("Host", host -> {
            if (origin.isEmpty() || host.isPresent() && origin.get().equals("http://" + host.get())) return inner.get();
            return complete(error(403, "Origin", "requests from " + origin.get() + " are not accepted"));
        }));
    }

    private HttpResponse counted(HttpResponse r) {
        metrics.countRequest();
        return r;
    }

    private ExceptionHandler exceptions() {
        return ExceptionHandler.newBuilder()
                .match(Query.Bad.class, e -> complete(error(400, e.name(), e.getMessage())))
                .match(java.util.concurrent.TimeoutException.class, e -> complete(error(503, "(host)", "the host did not answer in time")))
                .build();
    }

    private RejectionHandler rejections() {
        return RejectionHandler.defaultHandler().mapRejectionResponse(r -> {
            if (r.entity().getContentType().equals(ContentTypes.APPLICATION_JSON)) return r;
            String text = r.entity() instanceof akka.http.javadsl.model.HttpEntity.Strict s ? s.getData().utf8String() : "";
            if (r.status().intValue() == 413) {           // Akka's own words name its settings and span lines
                text = "the request body is larger than the host takes (%d bytes; akka.http.server.parsing.max-content-length)"
                        .formatted(system.settings().config().getBytes("akka.http.server.parsing.max-content-length"));
            }
            return error(r.status().intValue(), "(request)", text.isEmpty() ? r.status().reason() : text);
        });
    }

    private HttpResponse ok(Object value) {
        try {
            return HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, json.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private HttpResponse error(ApiError e) { return error(e.status(), e.field(), e.getMessage()); }

    /** The most of an error's field or message a client gets: parser and config messages quote the request, which may be megabytes. */
    static final int MAX_MESSAGE_CHARS = 2_000;

    private static String bounded(String text) {
        if (text.length() <= MAX_MESSAGE_CHARS) return text;
        return text.substring(0, MAX_MESSAGE_CHARS) + "... (%,d characters more)".formatted(text.length() - MAX_MESSAGE_CHARS);
    }

    private HttpResponse error(int status, String field, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("field", bounded(field));
        body.put("message", bounded(message));
        return ok(body).withStatus(status);
    }

    private String text(EventLog.Entry e) {
        try {
            return json.writeValueAsString(e);
        } catch (JsonProcessingException x) {
            throw new IllegalStateException(x);
        }
    }
}
