package epaprlab.host.vm;

import akka.actor.typed.ActorRef;

/**
 * An action on a VM as it travels between nodes: flat, so it serializes without type tags.
 * {@code why} is the reason a start gives (for example {@code host-failover}); {@code input}
 * the console bytes of an {@code INPUT}.
 */
public record VmAction(Kind kind, String why, byte[] input) {
    public enum Kind { START, STOP, RESET, REMOVE, INPUT, SNAPSHOT }

    public static VmAction of(Kind kind) { return new VmAction(kind, "", new byte[0]); }

    public HostedVm.Request toRequest(ActorRef<HostedVm.Reply> replyTo) {
        return switch (kind) {
            case START -> new HostedVm.Start(why.isEmpty() ? "start requested through the API" : why, replyTo);
            case STOP -> new HostedVm.Stop(replyTo);
            case RESET -> new HostedVm.Reset(replyTo);
            case REMOVE -> new HostedVm.Remove(replyTo);
            case INPUT -> new HostedVm.Input(input, replyTo);
            case SNAPSHOT -> new HostedVm.Snapshot(replyTo);
        };
    }
}
