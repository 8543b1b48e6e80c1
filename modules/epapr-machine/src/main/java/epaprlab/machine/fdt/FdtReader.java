package epaprlab.machine.fdt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Parses a flattened device tree blob (version 17, or any version whose last_comp_version is at
 * most 17) back into a {@link DeviceTreeNode}, with its header and reservation entries. Checks
 * every offset against the blob, so a damaged blob is reported, never half-read.
 */
public final class FdtReader {
    private FdtReader() {}

    public static Fdt read(byte[] blob) throws MalformedFdtException { return read("<blob>", blob); }

    /** @param origin file name or description used in error messages */
    public static Fdt read(String origin, byte[] blob) throws MalformedFdtException {
        if (blob.length < FdtHeader.SIZE) {
            throw new MalformedFdtException(origin, 0, "only %d bytes, the header alone is %d".formatted(blob.length, FdtHeader.SIZE));
        }
        ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.BIG_ENDIAN);
        FdtHeader h = new FdtHeader(b.getInt(0), b.getInt(4), b.getInt(8), b.getInt(12), b.getInt(16),
                b.getInt(20), b.getInt(24), b.getInt(28), b.getInt(32), b.getInt(36));
        if (h.magic() != FdtHeader.MAGIC) {
            throw new MalformedFdtException(origin, 0, "magic is 0x%08x, expected 0xd00dfeed".formatted(h.magic()));
        }
        if (h.version() < FdtHeader.VERSION || h.lastCompVersion() > FdtHeader.VERSION) {
            throw new MalformedFdtException(origin, 0x14, "version %d (last compatible %d) is not readable; need version >= 17 compatible with 17"
                    .formatted(h.version(), h.lastCompVersion()));
        }
        if (h.totalSize() < FdtHeader.SIZE || h.totalSize() > blob.length) {
            throw new MalformedFdtException(origin, 0x04, "totalsize %d but the blob has %d bytes"
                    .formatted(Integer.toUnsignedLong(h.totalSize()), blob.length));
        }
        int total = h.totalSize();
        checkBlock(origin, "memory reservation block", 0x10, h.offMemRsvmap(), 0, total);
        checkBlock(origin, "structure block", 0x08, h.offDtStruct(), h.sizeDtStruct(), total);
        checkBlock(origin, "strings block", 0x0C, h.offDtStrings(), h.sizeDtStrings(), total);
        if ((h.offMemRsvmap() & 7) != 0) {
            throw new MalformedFdtException(origin, 0x10, "memory reservation block at 0x%x is not 8-byte aligned".formatted(h.offMemRsvmap()));
        }
        if ((h.offDtStruct() & 3) != 0) {
            throw new MalformedFdtException(origin, 0x08, "structure block at 0x%x is not 4-byte aligned".formatted(h.offDtStruct()));
        }

        List<MemoryReservation> rsv = new ArrayList<>();
        for (int at = h.offMemRsvmap(); ; at += 16) {
            if (at + 16 > total) throw new MalformedFdtException(origin, at, "memory reservation block has no terminating entry");
            long addr = b.getLong(at), size = b.getLong(at + 8);
            if (addr == 0 && size == 0) break;
            if (size == 0) throw new MalformedFdtException(origin, at, "reservation at 0x%x has size 0".formatted(addr));
            try {
                rsv.add(new MemoryReservation(addr, size));
            } catch (IllegalArgumentException e) {
                throw new MalformedFdtException(origin, at, e.getMessage());
            }
        }

        DeviceTreeNode root = new StructParser(origin, b, h).parse();
        return new Fdt(h, rsv, root);
    }

    private static void checkBlock(String origin, String what, int field, int off, int size, int total)
            throws MalformedFdtException {
        long o = Integer.toUnsignedLong(off), s = Integer.toUnsignedLong(size);
        if (o < FdtHeader.SIZE || o + s > total) {
            throw new MalformedFdtException(origin, field, "%s at 0x%x size 0x%x does not fit in the blob's 0x%x bytes (after the header)"
                    .formatted(what, o, s, total));
        }
    }

    /** Walks the token stream with an explicit stack (no recursion limit on deep trees). */
    private static final class StructParser {
        private final String origin;
        private final ByteBuffer b;
        private final FdtHeader h;
        private final int end;
        private int pos;

        StructParser(String origin, ByteBuffer b, FdtHeader h) {
            this.origin = origin;
            this.b = b;
            this.h = h;
            this.pos = h.offDtStruct();
            this.end = h.offDtStruct() + h.sizeDtStruct();
        }

        DeviceTreeNode parse() throws MalformedFdtException {
            int token = nextToken();
            while (token == FdtWriter.FDT_NOP) token = nextToken();
            if (token != FdtWriter.FDT_BEGIN_NODE) throw bad(pos - 4, "structure block must start with FDT_BEGIN_NODE, found 0x%x".formatted(token));
            String rootName = cString(pos, end, "root node name");
            if (!rootName.isEmpty()) throw bad(pos, "root node name must be empty, found \"" + rootName + "\"");
            pos += FdtWriter.align4(1);
            DeviceTreeNode.Builder root = DeviceTreeNode.root();
            Deque<DeviceTreeNode.Builder> open = new ArrayDeque<>();
            open.push(root);
            boolean childSeen = false;
            while (!open.isEmpty()) {
                int at = pos;
                token = nextToken();
                switch (token) {
                    case FdtWriter.FDT_NOP -> { }
                    case FdtWriter.FDT_PROP -> {
                        if (childSeen) throw bad(at, "property after a child node in \"" + open.peek().name() + "\"");
                        int len = word(), nameOff = word();
                        if (len < 0 || pos + (long) len > end) throw bad(at, "property value of %d bytes runs past the structure block".formatted(len));
                        if (nameOff < 0 || nameOff >= h.sizeDtStrings()) throw bad(at + 8, "name offset 0x%x outside the strings block".formatted(nameOff));
                        String name = cString(h.offDtStrings() + nameOff, h.offDtStrings() + h.sizeDtStrings(), "property name");
                        byte[] value = new byte[len];
                        b.get(pos, value);
                        pos += FdtWriter.align4(len);
                        try {
                            if (open.peek().hasProperty(name)) throw bad(at, "duplicate property " + name + " in \"" + open.peek().name() + "\"");
                            open.peek().prop(name, value);
                        } catch (IllegalArgumentException e) {
                            throw bad(at, e.getMessage());
                        }
                    }
                    case FdtWriter.FDT_BEGIN_NODE -> {
                        String name = cString(pos, end, "node name");
                        pos += FdtWriter.align4(name.getBytes(StandardCharsets.UTF_8).length + 1);
                        try {
                            if (open.peek().hasChild(name)) throw bad(at, "duplicate node " + name);
                            open.push(open.peek().child(name));
                        } catch (IllegalArgumentException e) {
                            throw bad(at, e.getMessage());
                        }
                        childSeen = false;
                    }
                    case FdtWriter.FDT_END_NODE -> {
                        open.pop();
                        childSeen = true;           // the parent may now only have more children
                    }
                    default -> throw bad(at, "unexpected token 0x%x".formatted(token));
                }
            }
            token = nextToken();
            while (token == FdtWriter.FDT_NOP) token = nextToken();
            if (token != FdtWriter.FDT_END) throw bad(pos - 4, "expected FDT_END after the root node, found 0x%x".formatted(token));
            if (pos != end) throw bad(pos, "FDT_END at 0x%x but size_dt_struct ends the block at 0x%x".formatted(pos - 4, end));
            return root.build();
        }

        private int nextToken() throws MalformedFdtException { return word(); }

        private int word() throws MalformedFdtException {
            if (pos + 4 > end) throw bad(pos, "structure block ends in the middle of a token");
            int v = b.getInt(pos);
            pos += 4;
            return v;
        }

        private String cString(int from, int limit, String what) throws MalformedFdtException {
            for (int i = from; i < limit; i++) {
                if (b.get(i) == 0) {
                    byte[] raw = new byte[i - from];
                    b.get(from, raw);
                    return new String(raw, StandardCharsets.UTF_8);
                }
            }
            throw bad(from, what + " is not NUL-terminated inside its block");
        }

        private MalformedFdtException bad(long at, String why) { return new MalformedFdtException(origin, at, why); }
    }
}
