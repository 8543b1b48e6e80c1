package epaprlab.orchestrator.lab;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

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
}
