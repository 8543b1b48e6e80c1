package epaprlab.machine.fdt;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class DeviceTreeNodeTest {
    record Bad(String name, Consumer<DeviceTreeNode.Builder> action, String messagePart) {}

    static final String NAME_31 = "a234567890123456789012345678901";
    static final String NAME_32 = NAME_31 + "2";

    @TestFactory Stream<DynamicTest> builderRejectsBadInput() {
        List<Bad> cases = List.of(
                new Bad("duplicate property", b -> b.u32("reg", 1).u32("reg", 2), "already has a property reg"),
                new Bad("duplicate property of another type", b -> b.empty("x").string("x", "y"), "already has a property x"),
                new Bad("property name of 32 characters", b -> b.empty(NAME_32), "32 characters long, at most 31"),
                new Bad("empty property name", b -> b.empty(""), "empty"),
                new Bad("space in property name", b -> b.empty("has idle"), "illegal character ' '"),
                new Bad("slash in property name", b -> b.empty("a/b"), "illegal character '/'"),
                new Bad("at sign in property name", b -> b.empty("a@b"), "illegal character '@'"),
                new Bad("node name of 32 characters", b -> b.child(NAME_32), "32 characters long, at most 31"),
                new Bad("node name with 32-character base and unit address", b -> b.child(NAME_32 + "@0"), "at most 31"),
                new Bad("node name with '#'", b -> b.child("cpu#0"), "illegal character '#'"),
                new Bad("node name with slash", b -> b.child("a/b"), "illegal character '/'"),
                new Bad("node name starting with a digit", b -> b.child("0cpu"), "must start with a letter"),
                new Bad("empty node name", b -> b.child(""), "empty"),
                new Bad("empty unit address", b -> b.child("cpu@"), "empty unit address"),
                new Bad("u32 without cells", b -> b.u32("reg"), "no cells"),
                new Bad("u64 without values", b -> b.u64("reg"), "no values"),
                new Bad("strings without values", b -> b.strings("compatible"), "no strings"),
                new Bad("string with NUL", b -> b.string("model", "a\0b"), "contains NUL"),
                new Bad("negative frequency", b -> b.u32OrU64("clock-frequency", -1), "negative"),
                new Bad("null raw value", b -> b.prop("x", null), "null"));
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            var e = assertThrows(IllegalArgumentException.class, () -> c.action().accept(DeviceTreeNode.root()));
            assertTrue(e.getMessage().contains(c.messagePart()), e.getMessage());
        }));
    }

    @Test void namesAtTheLimitsAreAccepted() {
        DeviceTreeNode.Builder b = DeviceTreeNode.root().empty(NAME_31).empty("#address-cells").empty("linux,stdout-path?")
                .empty("a.b_c+d-e");
        b.child(NAME_31 + "@ff,0");
        b.child("PowerPC,e500mc@0");
        DeviceTreeNode n = b.build();
        assertEquals(4, n.properties().size());
        assertTrue(n.child("PowerPC,e500mc@0").isPresent());
    }

    @Test void childIsGetOrCreateAndKeepsOrder() {
        DeviceTreeNode.Builder root = DeviceTreeNode.root();
        root.child("b").u32("x", 1);
        root.child("a");
        root.child("b").u32("y", 2);                     // same child again
        DeviceTreeNode n = root.build();
        assertEquals(List.of("b", "a"), n.children().stream().map(DeviceTreeNode::name).toList());
        assertEquals(List.of("x", "y"), n.require("/b").properties().stream().map(Property::name).toList());
    }

    @Test void typedValuesEncodeBigEndian() {
        DeviceTreeNode n = DeviceTreeNode.root()
                .u32("cells", 1, 0x12345678)
                .u64("wide", 0x0123_4567_89ab_cdefL)
                .strings("list", "a", "bc")
                .u32OrU64("small", 0xFFFF_FFFFL)
                .u32OrU64("big", 0x1_0000_0000L)
                .empty("flag")
                .build();
        assertArrayEquals(new byte[] {0, 0, 0, 1, 0x12, 0x34, 0x56, 0x78}, n.requireProperty("cells").value());
        assertArrayEquals(new int[] {1, 0x12345678}, n.requireProperty("cells").asU32s());
        assertArrayEquals(new byte[] {1, 0x23, 0x45, 0x67, (byte) 0x89, (byte) 0xab, (byte) 0xcd, (byte) 0xef},
                n.requireProperty("wide").value());
        assertEquals(0x0123_4567_89ab_cdefL, n.requireProperty("wide").asU64());
        assertArrayEquals(new byte[] {'a', 0, 'b', 'c', 0}, n.requireProperty("list").value());
        assertEquals(List.of("a", "bc"), n.requireProperty("list").asStrings());
        assertEquals(4, n.requireProperty("small").length());
        assertEquals(0xFFFF_FFFFL, n.requireProperty("small").asU32OrU64());
        assertEquals(8, n.requireProperty("big").length());
        assertEquals(0x1_0000_0000L, n.requireProperty("big").asU32OrU64());
        assertTrue(n.requireProperty("flag").isEmpty());
    }

    @Test void typedReadersRefuseTheWrongShape() {
        DeviceTreeNode n = DeviceTreeNode.root().u32("cells", 1, 2).strings("list", "a", "b").build();
        var e = assertThrows(IllegalStateException.class, () -> n.requireProperty("cells").asU32());
        assertTrue(e.getMessage().contains("cells is not one u32 cell"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> n.requireProperty("list").asString());
        assertThrows(IllegalStateException.class, () -> n.requireProperty("cells").asStrings());
    }

    @Test void findWalksAbsolutePaths() {
        DeviceTreeNode.Builder b = DeviceTreeNode.root();
        b.child("hypervisor").child("handles").child("byte-channel@0").u32("hv-handle", 0);
        DeviceTreeNode n = b.build();
        assertSame(n, n.find("/").orElseThrow());
        assertEquals(0, n.require("/hypervisor/handles/byte-channel@0").requireProperty("hv-handle").asU32());
        assertTrue(n.find("/hypervisor/handles/byte-channel").isEmpty(), "unit address is part of the name");
        assertTrue(n.find("/nope").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> n.find("hypervisor"));
        var e = assertThrows(NoSuchElementException.class, () -> n.require("/hypervisor").requireProperty("guest-id"));
        assertTrue(e.getMessage().contains("hypervisor") && e.getMessage().contains("guest-id"), e.getMessage());
    }

    @Test void builtTreesAreImmutableAndCompareByValue() {
        DeviceTreeNode.Builder b = DeviceTreeNode.root().prop("raw", new byte[] {1});
        DeviceTreeNode first = b.build();
        b.u32("later", 5);
        assertFalse(first.hasProperty("later"), "building again does not change an earlier tree");
        first.requireProperty("raw").value()[0] = 9;
        assertEquals(1, first.requireProperty("raw").value()[0]);
        assertThrows(UnsupportedOperationException.class, () -> first.properties().clear());
        assertEquals(DeviceTreeNode.root().prop("raw", new byte[] {1}).build(), first);
        assertNotEquals(DeviceTreeNode.root().prop("raw", new byte[] {2}).build(), first);
    }
}
