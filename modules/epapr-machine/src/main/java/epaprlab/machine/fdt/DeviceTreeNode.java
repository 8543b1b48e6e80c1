package epaprlab.machine.fdt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * An immutable device tree node: its name (including any unit address, empty for the root), its
 * properties in insertion order and its children in insertion order.
 *
 * <p>Trees are made with a {@link Builder} ({@link #root()}), which checks names as they are
 * added, so a built tree is always writable as a blob. Equality is structural.
 */
public final class DeviceTreeNode {
    private final String name;
    private final List<Property> properties;
    private final List<DeviceTreeNode> children;

    private DeviceTreeNode(String name, List<Property> properties, List<DeviceTreeNode> children) {
        this.name = name;
        this.properties = List.copyOf(properties);
        this.children = List.copyOf(children);
    }

    /** A builder for a root node (empty name). */
    public static Builder root() { return new Builder(""); }

    public String name() { return name; }

    public List<Property> properties() { return properties; }

    public List<DeviceTreeNode> children() { return children; }

    public Optional<Property> property(String propertyName) {
        for (Property p : properties) if (p.name().equals(propertyName)) return Optional.of(p);
        return Optional.empty();
    }

    /** The named property; {@link NoSuchElementException} naming node and property when absent. */
    public Property requireProperty(String propertyName) {
        return property(propertyName).orElseThrow(() -> new NoSuchElementException(
                "node \"" + displayName() + "\" has no property " + propertyName));
    }

    public boolean hasProperty(String propertyName) { return property(propertyName).isPresent(); }

    public Optional<DeviceTreeNode> child(String childName) {
        for (DeviceTreeNode c : children) if (c.name.equals(childName)) return Optional.of(c);
        return Optional.empty();
    }

    /**
     * Finds a node by absolute path ({@code "/"}, {@code "/hypervisor/handles/byte-channel@0"}),
     * relative to this node taken as the root. Components must match full names incl. unit address.
     */
    public Optional<DeviceTreeNode> find(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("device tree path must be absolute, got " + path);
        }
        DeviceTreeNode at = this;
        for (String part : path.substring(1).split("/")) {
            if (part.isEmpty()) continue;           // "/" and trailing slashes
            Optional<DeviceTreeNode> next = at.child(part);
            if (next.isEmpty()) return Optional.empty();
            at = next.get();
        }
        return Optional.of(at);
    }

    /** Like {@link #find} but fails with the missing path. */
    public DeviceTreeNode require(String path) {
        return find(path).orElseThrow(() -> new NoSuchElementException("no device tree node at " + path));
    }

    private String displayName() { return name.isEmpty() ? "/" : name; }

    @Override public boolean equals(Object o) {
        return o instanceof DeviceTreeNode n && n.name.equals(name)
                && n.properties.equals(properties) && n.children.equals(children);
    }

    @Override public int hashCode() { return (name.hashCode() * 31 + properties.hashCode()) * 31 + children.hashCode(); }

    @Override public String toString() {
        return displayName() + " {" + properties.size() + " properties, " + children.size() + " children}";
    }

    /**
     * Mutable builder for one node and, through {@link #child}, its subtree. Property setters
     * return this builder; {@link #child} returns the child's builder (created on first use).
     */
    public static final class Builder {
        private final String name;
        private final Map<String, Property> properties = new LinkedHashMap<>();
        private final Map<String, Builder> children = new LinkedHashMap<>();

        private Builder(String name) { this.name = name; }

        public String name() { return name; }

        /** The child called {@code childName} (incl. unit address), created if absent. */
        public Builder child(String childName) {
            Builder existing = children.get(childName);
            if (existing != null) return existing;
            DeviceTreeNames.checkNodeName(childName);
            Builder b = new Builder(childName);
            children.put(childName, b);
            return b;
        }

        /** True when a child of that exact name was already added. */
        public boolean hasChild(String childName) { return children.containsKey(childName); }

        /** True when a property of that name was already added. */
        public boolean hasProperty(String propertyName) { return properties.containsKey(propertyName); }

        /** Adds a property with raw value bytes (copied). Duplicate names are rejected. */
        public Builder prop(String propertyName, byte[] raw) {
            Property p = new Property(propertyName, raw);
            if (properties.containsKey(propertyName)) {
                throw new IllegalArgumentException("node \"%s\" already has a property %s"
                        .formatted(name.isEmpty() ? "/" : name, propertyName));
            }
            properties.put(propertyName, p);
            return this;
        }

        /** One big-endian cell per value. At least one value. */
        public Builder u32(String propertyName, int... cells) {
            if (cells.length == 0) throw new IllegalArgumentException("property " + propertyName + ": no cells given");
            byte[] raw = new byte[cells.length * 4];
            for (int i = 0; i < cells.length; i++) putU32(raw, 4 * i, cells[i]);
            return prop(propertyName, raw);
        }

        /** Two cells per value, high cell first. At least one value. */
        public Builder u64(String propertyName, long... values) {
            if (values.length == 0) throw new IllegalArgumentException("property " + propertyName + ": no values given");
            byte[] raw = new byte[values.length * 8];
            for (int i = 0; i < values.length; i++) {
                putU32(raw, 8 * i, (int) (values[i] >>> 32));
                putU32(raw, 8 * i + 4, (int) values[i]);
            }
            return prop(propertyName, raw);
        }

        /** One cell when the value fits 32 bits unsigned, else two (as for clock frequencies). */
        public Builder u32OrU64(String propertyName, long value) {
            if (value < 0) throw new IllegalArgumentException("property " + propertyName + ": negative value " + value);
            return value <= 0xFFFF_FFFFL ? u32(propertyName, (int) value) : u64(propertyName, value);
        }

        public Builder string(String propertyName, String value) { return strings(propertyName, value); }

        /** A string list: each string UTF-8 encoded and NUL-terminated. At least one string. */
        public Builder strings(String propertyName, String... values) {
            if (values.length == 0) throw new IllegalArgumentException("property " + propertyName + ": no strings given");
            var out = new java.io.ByteArrayOutputStream();
            for (String s : values) {
                if (s == null) throw new IllegalArgumentException("property " + propertyName + ": null string");
                if (s.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("property " + propertyName + ": string contains NUL: " + s.replace('\0', '?'));
                }
                out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
                out.write(0);
            }
            return prop(propertyName, out.toByteArray());
        }

        /** A property without a value (a flag such as {@code has-idle}). */
        public Builder empty(String propertyName) { return prop(propertyName, new byte[0]); }

        /** Builds this node and its whole subtree; the builder may be used again afterwards. */
        public DeviceTreeNode build() {
            List<DeviceTreeNode> built = new ArrayList<>(children.size());
            for (Builder c : children.values()) built.add(c.build());
            return new DeviceTreeNode(name, new ArrayList<>(properties.values()), built);
        }

        private static void putU32(byte[] b, int off, int v) {
            b[off] = (byte) (v >>> 24);
            b[off + 1] = (byte) (v >>> 16);
            b[off + 2] = (byte) (v >>> 8);
            b[off + 3] = (byte) v;
        }
    }
}
