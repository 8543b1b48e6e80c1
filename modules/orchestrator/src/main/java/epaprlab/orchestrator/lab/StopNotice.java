package epaprlab.orchestrator.lab;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.BehaviorInterceptor;
import akka.actor.typed.PostStop;
import akka.actor.typed.Signal;
import akka.actor.typed.TypedActorContext;
import akka.actor.typed.javadsl.Behaviors;

/**
 * Wraps a child's behavior so that the child itself tells {@code to} once when it stops, however
 * it stops (its own end, an exception in a message or in its setup, a stop from outside): what a
 * death watch would report, without the watch's system messages on both sides. The notice comes
 * after every message the child sent before it (one sender, one mailbox).
 */
final class StopNotice<T> extends BehaviorInterceptor<T, T> {

    static <T, N> Behavior<T> around(Behavior<T> child, Class<T> type, ActorRef<N> to, N notice) {
        return Behaviors.intercept(() -> new StopNotice<>(type, () -> to.tell(notice)), child);
    }

    private final Runnable tell;
    /** The notice goes once: a setup that throws is reported here and may reach PostStop too. */
    private boolean told;

    private StopNotice(Class<T> type, Runnable tell) {
        super(type);
        this.tell = tell;
    }

    @Override
    public Behavior<T> aroundStart(TypedActorContext<T> ctx, PreStartTarget<T> target) {
        try {
            return target.start(ctx);
        } catch (RuntimeException | Error e) {
            tellOnce();
            throw e;
        }
    }

    @Override
    public Behavior<T> aroundReceive(TypedActorContext<T> ctx, T msg, ReceiveTarget<T> target) {
        return target.apply(ctx, msg);
    }

    @Override
    public Behavior<T> aroundSignal(TypedActorContext<T> ctx, Signal signal, SignalTarget<T> target) {
        if (signal instanceof PostStop) {
            try {
                return target.apply(ctx, signal);
            } finally {
                tellOnce();
            }
        }
        return target.apply(ctx, signal);
    }

    private void tellOnce() {
        if (told) return;
        told = true;
        tell.run();
    }
}
