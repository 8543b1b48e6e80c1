package epaprlab.orchestrator.lab;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The settings of a lab's own actor system ({@code epapr-lab run}): it is local, so Akka starts
 * only what a local system uses. Every jar on the class path adds its extensions to Akka's
 * start-up list, and the CLI's class path holds the host's cluster, remoting and HTTP jars: left
 * alone, each lab would first build their serializers and a stream materializer (a fifth of a
 * fresh JVM's CPU before its first VM). Dropped from the start-up list, an extension is still
 * built on first use.
 */
public final class LabActorSystem {
    private LabActorSystem() {}

    /** Akka's start-up extensions of a lab: the typed API's only (its own list then loads the receptionist lazily). */
    private static final Config LOCAL = ConfigFactory.parseString("""
            akka.library-extensions = ["akka.actor.typed.internal.adapter.ActorSystemAdapter$LoadTypedExtensions"]
            akka.actor.typed.library-extensions = []
            """);

    /** {@code loaded} (the JVM's configuration) with a lab's local-only start-up. */
    public static Config config(Config loaded) {
        return LOCAL.withFallback(loaded);
    }

    /**
     * Starts creating a lab's actor system on a thread of its own, so that its start (a fifth of a
     * fresh JVM's wait for a lab of clones) runs while the caller still loads the lab's file. Its
     * guardian waits for the lab ({@link LabGuardian#awaiting()}).
     */
    public static Launch launch(Config loaded) {
        CompletableFuture<ActorSystem<LabGuardian.Command>> made = new CompletableFuture<>();
        Thread.ofPlatform().name("epapr-lab-actor-system-start").daemon().start(() -> {
            try {
                made.complete(ActorSystem.create(LabGuardian.awaiting(), "epapr-lab", config(loaded)));
            } catch (Throwable t) {
                made.completeExceptionally(t);
            }
        });
        return new Launch(made);
    }

    /** An actor system being created: {@link #begin} hands it its lab, {@link #close} ends it if that never came. */
    public static final class Launch implements AutoCloseable {
        private final CompletableFuture<ActorSystem<LabGuardian.Command>> made;
        private boolean begun;

        private Launch(CompletableFuture<ActorSystem<LabGuardian.Command>> made) {
            this.made = made;
        }

        /** Waits for the actor system (if still starting) and gives its guardian the lab; it ends with the lab. */
        public ActorSystem<LabGuardian.Command> begin(LabGuardian.Begin lab) throws InterruptedException {
            ActorSystem<LabGuardian.Command> actors = system();
            begun = true;
            actors.tell(lab);
            return actors;
        }

        private ActorSystem<LabGuardian.Command> system() throws InterruptedException {
            try {
                return made.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                if (e.getCause() instanceof Error r) throw r;
                throw new IllegalStateException("the lab's actor system did not start", e.getCause());
            }
        }

        /** When the actor system has ended (after its lab, or after {@link #close} without one). */
        public CompletableFuture<?> whenTerminated() {
            return made.thenCompose(a -> a.getWhenTerminated().toCompletableFuture());
        }

        /** Without a lab (the command ended before it, e.g. on a bad config): the actor system is terminated once it is up. */
        @Override
        public void close() {
            if (!begun) made.thenAccept(ActorSystem::terminate);
        }
    }
}
