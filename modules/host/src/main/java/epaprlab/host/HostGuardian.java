package epaprlab.host;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import epaprlab.host.lab.HostedLab;
import epaprlab.host.vm.HostedVm;
import epaprlab.host.vm.HostedVms;
import epaprlab.host.vm.VmView;
import epaprlab.orchestrator.config.LabConfig;
import epaprlab.orchestrator.config.VmConfig;
import epaprlab.orchestrator.lab.LabGuardian;
import epaprlab.orchestrator.vm.ImageCache;
import java.util.HashMap;
import java.util.Map;

/**
 * The root of the host: one {@link HostedVm} per VM id and one orchestrator {@link LabGuardian}
 * per submitted lab. Routes API requests to the VM they name; an unknown id is answered 404
 * here, so no request is left without a reply.
 */
public final class HostGuardian {

    public sealed interface Command {}

    /** Create a VM (not started); answered with the new VM's first view, or 409 if the id is taken. */
    public record Create(String id, VmConfig config, String image, ActorRef<HostedVm.Reply> replyTo) implements Command {}

    /** A request for the VM {@code id}. */
    public record ToVm(String id, HostedVm.Request request) implements Command {}

    /** Run a lab to its end, followed through {@code follower}. */
    public record SubmitLab(LabConfig lab, HostedLab follower) implements Command {}

    /** Stop every VM of a lab (running ones end as stopped, waiting ones never start). */
    public record StopLab(String id) implements Command {}

    private record VmGone(String id) implements Command {}

    private record LabGone(String id) implements Command {}

    public static Behavior<Command> create(HostedVms book, int consoleBytes) {
        return Behaviors.setup(ctx -> new HostGuardian(ctx, book, consoleBytes).behavior());
    }

    private final ActorContext<Command> ctx;
    private final HostedVms book;
    private final int consoleBytes;
    private final ImageCache images = new ImageCache();
    private final Map<String, ActorRef<HostedVm.Command>> vms = new HashMap<>();
    private final Map<String, ActorRef<LabGuardian.Command>> labs = new HashMap<>();

    private HostGuardian(ActorContext<Command> ctx, HostedVms book, int consoleBytes) {
        this.ctx = ctx;
        this.book = book;
        this.consoleBytes = consoleBytes;
    }

    private Behavior<Command> behavior() {
        return Behaviors.receive(Command.class)
                .onMessage(Command.class, msg -> {
                    switch (msg) {
                        case Create c -> create(c);
                        case ToVm t -> {
                            ActorRef<HostedVm.Command> vm = vms.get(t.id());
                            if (vm == null) t.request().replyTo().tell(new HostedVm.Reply.Refused(404, "no VM with id " + t.id()));
                            else vm.tell(t.request());
                        }
                        case SubmitLab s -> {
                            ActorRef<LabGuardian.Command> lab = ctx.spawn(LabGuardian.create(s.lab(), s.follower()),
                                    // encoded: a name Akka refuses would fail the guardian and end the host
                                    "lab-" + java.net.URLEncoder.encode(s.follower().id(), java.nio.charset.StandardCharsets.UTF_8));
                            ctx.watchWith(lab, new LabGone(s.follower().id()));
                            labs.put(s.follower().id(), lab);
                        }
                        case StopLab s -> {
                            ActorRef<LabGuardian.Command> lab = labs.get(s.id());
                            if (lab != null) lab.tell(new LabGuardian.StopAll("stopped through the API"));
                        }
                        case VmGone g -> vms.remove(g.id());
                        case LabGone g -> labs.remove(g.id());
                    }
                    return Behaviors.same();
                })
                .build();
    }

    private void create(Create c) {
        VmView first = VmView.created(c.id(), c.image(), c.config().board().cpu().configName());
        var entry = vms.containsKey(c.id()) ? java.util.Optional.<HostedVms.Entry>empty() : book.add(c.id(), consoleBytes, first);
        if (entry.isEmpty()) {
            c.replyTo().tell(new HostedVm.Reply.Refused(409, "a VM with id " + c.id() + " exists already"));
            return;
        }
        ActorRef<HostedVm.Command> vm = ctx.spawn(HostedVm.create(entry.get(), c.config(), c.image(), book, images),
                "vm-" + c.id());
        ctx.watchWith(vm, new VmGone(c.id()));
        vms.put(c.id(), vm);
        c.replyTo().tell(new HostedVm.Reply.Done(first));
    }
}
