package epaprlab.machine.fdt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * One device tree property: a name and its raw big-endian value bytes.
 *
 * <p>The value is copied in and out, so a property is immutable. The typed readers decode the
 * standard encodings (DTSpec 2.2.4) and throw {@link IllegalStateException} when the value does
 * not have that shape.
 */
public record Property(String name, byte[] value) {
    public Property {
        DeviceTreeNames.checkPropertyName(name);
        if (value == null) throw new IllegalArgumentException("property " + name + ": value is null");
        value = value.clone();
    }

    /** A copy of the raw value. */
    @Override public byte[] value() { return value.clone(); }

    public int length() { return value.length; }

    public boolean isEmpty() { return value.length == 0; }

    /** The single u32 cell of this property. */
    public int asU32() {
        if (value.length != 4) throw shape("one u32 cell");
        return u32At(0);
    }

    /** All cells of this property. */
    public int[] asU32s() {
        if (value.length % 4 != 0) throw shape("u32 cells");
        int[] cells = new int[value.length / 4];
        for (int i = 0; i < cells.length; i++) cells[i] = u32At(4 * i);
        return cells;
    }

    /** The single u64 (two cells, high first) of this property. */
    public long asU64() {
        if (value.length != 8) throw shape("one u64");
        return ((long) u32At(0) << 32) | (u32At(4) & 0xFFFF_FFFFL);
    }

    /** A one-cell or two-cell number, as frequency properties may be either (DTSpec 3.7.1). */
    public long asU32OrU64() {
        return switch (value.length) {
            case 4 -> u32At(0) & 0xFFFF_FFFFL;
            case 8 -> asU64();
            default -> throw shape("u32 or u64");
        };
    }

    /** The value as a single NUL-terminated string. */
    public String asString() {
        List<String> all = asStrings();
        if (all.size() != 1) throw shape("one string");
        return all.getFirst();
    }

    /** The value as a string list (each string NUL-terminated). */
    public List<String> asStrings() {
        if (value.length == 0 || value[value.length - 1] != 0) throw shape("NUL-terminated strings");
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < value.length; i++) {
            if (value[i] == 0) {
                out.add(new String(value, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return List.copyOf(out);
    }

    private int u32At(int off) {
        return ((value[off] & 0xFF) << 24) | ((value[off + 1] & 0xFF) << 16)
                | ((value[off + 2] & 0xFF) << 8) | (value[off + 3] & 0xFF);
    }

    private IllegalStateException shape(String expected) {
        return new IllegalStateException("property %s is not %s (%d bytes: %s)"
                .formatted(name, expected, value.length, HexFormat.of().formatHex(value)));
    }

    // Arrays need content equality; the record default would compare identities.
    @Override public boolean equals(Object o) {
        return o instanceof Property p && p.name.equals(name) && Arrays.equals(p.value, value);
    }

    @Override public int hashCode() { return name.hashCode() * 31 + Arrays.hashCode(value); }

    @Override public String toString() {
        return name + " = [" + HexFormat.of().formatHex(value) + "]";
    }
}
