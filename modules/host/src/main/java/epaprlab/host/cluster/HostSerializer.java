package epaprlab.host.cluster;

import akka.actor.ExtendedActorSystem;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.SerializerWithStringManifest;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.io.NotSerializableException;

/**
 * The host cluster's messages as JSON (Jackson, records as they are), actor references as their
 * serialized paths. Only classes that implement {@link ClusterMessage} are read, so a peer cannot
 * make this node build an arbitrary class. Bound in {@code Host}'s cluster config.
 */
public final class HostSerializer extends SerializerWithStringManifest {
    /** Akka reserves 0..40; any other fixed number will do. */
    private static final int IDENTIFIER = 413_0001;

    private final ObjectMapper json = new ObjectMapper();

    @SuppressWarnings({"rawtypes", "unchecked"})   // Jackson registers by raw class; any ActorRef is written the same way
    public HostSerializer(ExtendedActorSystem system) {
        ActorRefResolver refs = ActorRefResolver.get(Adapter.toTyped(system));
        SimpleModule module = new SimpleModule("actor-refs");
        module.addSerializer(ActorRef.class, new JsonSerializer<>() {
            @Override
            public void serialize(ActorRef ref, JsonGenerator gen, SerializerProvider p) throws IOException {
                gen.writeString(refs.toSerializationFormat(ref));
            }
        });
        module.addDeserializer(ActorRef.class, new JsonDeserializer<>() {
            @Override
            public ActorRef<?> deserialize(JsonParser parser, DeserializationContext c) throws IOException {
                return refs.resolveActorRef(parser.getValueAsString());
            }
        });
        json.registerModule(module);
    }

    @Override
    public int identifier() { return IDENTIFIER; }

    @Override
    public String manifest(Object o) { return o.getClass().getName(); }

    @Override
    public byte[] toBinary(Object o) {
        try {
            return json.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot serialize " + o.getClass().getName(), e);
        }
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        Class<?> type;
        try {
            type = Class.forName(manifest, false, getClass().getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new NotSerializableException("unknown message class " + manifest);
        }
        if (!ClusterMessage.class.isAssignableFrom(type)) throw new NotSerializableException("not a cluster message: " + manifest);
        try {
            return json.readValue(bytes, type);
        } catch (IOException e) {
            throw new NotSerializableException("cannot read " + manifest + ": " + e.getMessage());
        }
    }
}
