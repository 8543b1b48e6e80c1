package epaprlab.orchestrator.debug;

import epaprlab.machine.api.Vcpu;
import epaprlab.machine.board.Machine;
import epaprlab.machine.board.Ppce500Board;
import epaprlab.machine.device.MmioBus;
import epaprlab.orchestrator.config.VmConfig;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.Spr;
import epaprlab.ppc.cpu.Watchpoint;
import epaprlab.ppc.mem.GuestMemory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A GDB remote-protocol server for one VM (all-stop, vCPUs as threads 1..n), for
 * {@code gdb-multiarch}: registers (GPRs, FPRs, PC, MSR, CR, LR, CTR, XER, FPSCR, in the layout
 * of gdb's {@code powerpc:common} / {@code powerpc:common64} target description, which it serves,
 * then the Book E SPRs of {@link BookeSprs}, read and written one at a time with {@code p}/{@code P}),
 * memory through the guest's current translation (device registers too, read as a guest load
 * reads them), breakpoints ({@code Z0}, {@code Z1}), watchpoints
 * ({@code Z2}-{@code Z4}), single step,
 * continue, Ctrl-C, detach and kill (which ends the VM). One debugger at a time, on 127.0.0.1; its own platform thread.
 * The vCPUs are only touched while {@link DebugGate} holds the VM.
 */
public final class GdbStub implements Runnable {
    private static final Duration POLL = Duration.ofMillis(50);
    private static final HexFormat HEX = HexFormat.of();
    /** The longest packet payload taken: the PacketSize qSupported offers (0x4000). */
    private static final int PACKET_SIZE = 0x4000;

    private final String vm;
    private final ServerSocket server;
    private final DebugGate gate;
    private final GuestMemory ram;
    /** The board's device windows, or null on a board without (the ePAPR board). */
    private final MmioBus devices;
    private final boolean wide;
    private final BookeSprs sprs;
    /** The thread gdb's register and step requests name (1-based vCPU id + 1). */
    private int thread = 1;
    private OutputStream out;
    private InputStream in;

    private GdbStub(String vm, ServerSocket server, DebugGate gate, Machine board, CpuModel model) {
        this.vm = vm;
        this.server = server;
        this.gate = gate;
        this.ram = board.vm().memory();
        this.devices = board instanceof Ppce500Board p ? p.bus() : null;
        this.wide = model == CpuModel.E5500;
        this.sprs = BookeSprs.of(model);
    }

    /** Opens the port and serves on a thread of its own; prints where to attach. */
    public static void start(String vm, VmConfig.Gdb gdb, DebugGate gate, Machine board, CpuModel model) {
        try {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), gdb.port()));
            GdbStub stub = new GdbStub(vm, server, gate, board, model);
            System.err.println("epapr-lab: vm " + vm + ": gdb stub on 127.0.0.1:" + server.getLocalPort()
                    + (gdb.mode() == VmConfig.GdbMode.HOLD ? " (held at its first instruction until gdb continues)"
                    : " (a crash waits for gdb)") + "; gdb-multiarch -ex 'target remote 127.0.0.1:" + server.getLocalPort() + "'");
            Thread t = new Thread(stub, "gdb-" + vm);
            t.setDaemon(true);
            t.start();
        } catch (IOException e) {
            // the VM runs on without a debugger; saying so is all that can be done
            System.err.println("epapr-lab: vm " + vm + ": cannot open gdb port " + gdb.port() + ": " + e.getMessage());
            gate.resume(-1);
        }
    }

    @Override
    public void run() {
        try {
            listen();
        } finally {
            // whatever ended the stub, a VM it held must not stay held with nobody to continue it
            if (gate.endedPacket() == null && gate.isHeld()) gate.resume(-1);
        }
    }

    private void listen() {
        try (server) {
            while (gate.endedPacket() == null) {
                server.setSoTimeout((int) POLL.toMillis());
                Socket s;
                try {
                    s = server.accept();
                } catch (java.net.SocketTimeoutException e) {
                    continue;
                }
                try (s) {
                    s.setTcpNoDelay(true);
                    in = s.getInputStream();
                    out = s.getOutputStream();
                    s.setSoTimeout((int) POLL.toMillis());
                    serve(s);
                }
            }
        } catch (IOException | InterruptedException e) {
            // the debugger went away: let the VM run on (run() resumes it)
        }
    }

    /** One debugger session; returns when it detaches, disconnects or the VM ends. */
    private void serve(Socket s) throws IOException, InterruptedException {
        while (true) {
            String packet = readPacket(false);
            if (packet == null) return;                          // disconnected
            if (packet.equals("\u0003")) {
                gate.interrupt();
                continue;
            }
            if (!answered(packet)) return;
        }
    }

    /**
     * {@link #handle}, with a malformed packet (a missing field, a number that is not hex or too
     * large, odd hex data) answered {@code E22} as QEMU's stub does, and the session kept.
     */
    private boolean answered(String packet) throws IOException, InterruptedException {
        if (packet.isEmpty()) {
            send("");
            return true;
        }
        try {
            return handle(packet);
        } catch (IllegalArgumentException | IndexOutOfBoundsException malformed) {
            send("E22");
            return true;
        }
    }

    /** Answers one packet; false ends the session. */
    private boolean handle(String p) throws IOException, InterruptedException {
        if (gate.endedPacket() != null && !p.startsWith("q")) {
            send(gate.endedPacket());
            return false;
        }
        char c = p.charAt(0);
        switch (c) {
            case '?' -> send(stopReply(awaitHeld()));
            case 'g' -> send(readRegisters(vcpu()));
            case 'G' -> { writeRegisters(vcpu(), p.substring(1)); send("OK"); }
            case 'p' -> send(readRegister(vcpu(), Integer.parseInt(p.substring(1), 16)));
            case 'P' -> {
                int eq = p.indexOf('=');
                send(writeRegister(vcpu(), Integer.parseInt(p.substring(1, eq), 16), p.substring(eq + 1)));
            }
            case 'm' -> send(readMemory(p.substring(1)));
            case 'M' -> send(writeMemory(p.substring(1)));
            case 'H' -> send(selectThread(p.substring(2)));
            case 'T' -> send(p.substring(1).equals("0") || isThread(Integer.parseInt(p.substring(1), 16)) ? "OK" : "E22");
            // C and S carry a signal to deliver: a guest has no signals, so they continue and step
            case 'c', 'C' -> { return resume(-1); }
            case 's', 'S' -> { return resume(thread - 1); }
            case 'Z', 'z' -> send(breakpoint(c == 'Z', p.substring(1)));
            case 'D' -> { send("OK"); gate.resume(-1); return false; }
            case 'k' -> { gate.kill(); return false; }      // no reply: gdb does not wait for one
            case 'q' -> send(query(p));
            case 'v' -> send("");             // vCont and friends: gdb falls back to c, s and Hc
            default -> send("");
        }
        return true;
    }

    private String query(String p) {
        if (p.startsWith("qSupported")) return "PacketSize=" + Integer.toHexString(PACKET_SIZE) + ";qXfer:features:read+";
        if (p.equals("qfThreadInfo")) {
            StringBuilder b = new StringBuilder("m");
            for (int i = 1; i <= gate.vcpus().size(); i++) b.append(i == 1 ? "" : ",").append(Integer.toHexString(i));
            return b.toString();
        }
        if (p.equals("qsThreadInfo")) return "l";
        if (p.equals("qC")) return "QC" + Integer.toHexString(thread);
        if (p.equals("qAttached")) return "1";
        if (p.startsWith("qXfer:features:read:target.xml:")) {
            String[] range = p.substring("qXfer:features:read:target.xml:".length()).split(",");
            int off = Integer.parseInt(range[0], 16), len = Integer.parseInt(range[1], 16);
            String xml = targetXml();
            if (off >= xml.length()) return "l";
            String part = xml.substring(off, Math.min(xml.length(), off + len));
            return (off + part.length() >= xml.length() ? "l" : "m") + part;
        }
        if (p.startsWith("qThreadExtraInfo,")) {
            int t = Integer.parseInt(p.substring("qThreadExtraInfo,".length()), 16);
            if (!isThread(t)) return "E22";
            return HEX.formatHex(("vCPU " + (t - 1)).getBytes(StandardCharsets.US_ASCII));
        }
        return "";
    }

    /** Resumes and waits for the next stop (or Ctrl-C, or the end of the VM). */
    private boolean resume(int stepVcpu) throws IOException, InterruptedException {
        gate.resume(stepVcpu);
        while (true) {
            Optional<DebugGate.StopEvent> stop = gate.awaitStop(POLL);
            if (stop != null) {
                if (stop.isEmpty()) {
                    send(gate.endedPacket());
                    return false;
                }
                thread = stop.get().vcpu() + 1;
                send(stopReply(stop.get()));
                return true;
            }
            String packet = readPacket(true);                   // only a Ctrl-C is expected now
            if (packet == null) return false;
            if (packet.equals("\u0003")) gate.interrupt();
        }
    }

    private DebugGate.StopEvent awaitHeld() throws InterruptedException, IOException {
        if (!gate.isHeld()) gate.interrupt();                   // attaching to a running VM stops it
        while (true) {
            Optional<DebugGate.StopEvent> stop = gate.awaitStop(POLL);
            if (stop != null) return stop.orElse(new DebugGate.StopEvent(9, 0));
        }
    }

    private String stopReply(DebugGate.StopEvent e) {
        if (gate.endedPacket() != null) return gate.endedPacket();
        thread = e.vcpu() + 1;
        return "T%02xthread:%x;%s".formatted(e.signal(), e.vcpu() + 1, e.detail());
    }

    private Vcpu vcpu() {
        int i = Math.max(0, Math.min(gate.vcpus().size() - 1, thread - 1));
        return gate.vcpus().get(i);
    }

    /**
     * {@code Hg}/{@code Hc}: -1 (all) and 0 (any) keep the current thread; a thread that is no vCPU
     * is E22, as QEMU's stub answers (taken, a step of it stepped no vCPU: the VM ran on and gdb
     * waited for a stop that never came).
     */
    private String selectThread(String text) {
        if (text.equals("-1") || text.equals("0")) return "OK";
        int t = Integer.parseInt(text, 16);
        if (!isThread(t)) return "E22";
        thread = t;
        return "OK";
    }

    private boolean isThread(int t) { return t >= 1 && t <= gate.vcpus().size(); }

    // ---- registers: gdb's powerpc core + fpu layout (r0-r31, f0-f31, pc, msr, cr, lr, ctr, xer, fpscr),
    // the `g` packet; then the SPRs from COUNT on, only through `p`/`P` (a `G` cannot then rewrite
    // TSR or DEC with stale values as a side effect)

    private static final int PC = 64, MSR = 65, CR = 66, LR = 67, CTR = 68, XER = 69, FPSCR = 70, COUNT = 71;

    private int width(int reg) {
        if (reg >= 32 && reg < 64) return 8;
        if (reg == CR || reg == XER || reg == FPSCR) return 4;
        return wide ? 8 : 4;
    }

    private long value(Vcpu v, int reg) {
        if (reg < 32) return v.gpr(reg);
        if (reg < 64) return v.fpr(reg - 32);
        return switch (reg) {
            case PC -> v.pc();
            case MSR -> v.msr();
            case CR -> v.cr() & 0xFFFF_FFFFL;
            case LR -> v.spr(Spr.LR);
            case CTR -> v.spr(Spr.CTR);
            case XER -> v.spr(Spr.XER) & 0xFFFF_FFFFL;
            case FPSCR -> v.fpscr() & 0xFFFF_FFFFL;
            default -> throw new IllegalArgumentException("register " + reg);
        };
    }

    private void set(Vcpu v, int reg, long x) {
        if (reg < 32) v.setGpr(reg, x);
        else if (reg < 64) v.setFpr(reg - 32, x);
        else switch (reg) {
            case PC -> v.setPc(x);
            case MSR -> v.setMsr(x);
            case CR -> v.setCr((int) x);
            case LR -> v.setSpr(Spr.LR, x);
            case CTR -> v.setSpr(Spr.CTR, x);
            case XER -> v.setSpr(Spr.XER, x);
            case FPSCR -> v.setFpscr((int) x);
            default -> throw new IllegalArgumentException("register " + reg);
        }
    }

    private static String hex(long x, int bytes) {
        return String.format("%0" + (2 * bytes) + "x", bytes == 4 ? x & 0xFFFF_FFFFL : x);
    }

    private String readRegisters(Vcpu v) {
        if (!gate.isStopped()) return "E01";
        StringBuilder b = new StringBuilder();
        for (int r = 0; r < COUNT; r++) b.append(hex(value(v, r), width(r)));
        return b.toString();
    }

    private void writeRegisters(Vcpu v, String data) {
        if (!gate.isStopped()) return;
        int at = 0;
        for (int r = 0; r < COUNT && at < data.length(); r++) {
            int w = width(r) * 2;
            set(v, r, Long.parseUnsignedLong(data.substring(at, at + w), 16));
            at += w;
        }
    }

    private String readRegister(Vcpu v, int reg) {
        if (!gate.isStopped()) return "E01";
        if (reg < COUNT) return hex(value(v, reg), width(reg));
        if (reg - COUNT < sprs.count()) {
            BookeSprs.Reg r = sprs.reg(reg - COUNT);
            return hex(BookeSprs.read(v, r), r.bytes());
        }
        return "E02";
    }

    /** OK, E01 (the VM runs), E02 (no such register) or E03 (mtspr cannot write it: read-only). */
    private String writeRegister(Vcpu v, int reg, String data) {
        if (!gate.isStopped()) return "E01";
        long x = Long.parseUnsignedLong(data, 16);
        if (reg < COUNT) {
            set(v, reg, x);
            return "OK";
        }
        if (reg - COUNT >= sprs.count()) return "E02";
        return BookeSprs.write(v, sprs.reg(reg - COUNT), x) ? "OK" : "E03";
    }

    // ---- memory, through the stopped vCPU's translation --------------------------------------

    /**
     * RAM, and device registers as QEMU's stub reads them: each naturally aligned access of up to 8
     * bytes is one load of the device, with its side effects (reading the UART's RBR takes the
     * byte from its FIFO, as a guest load would). Addresses in no RAM and no device window fail.
     */
    private String readMemory(String args) {
        if (!gate.isStopped()) return "E01";
        String[] f = args.split(",");
        long addr = Long.parseUnsignedLong(f[0], 16);
        int len = Math.min(0x1000, Integer.parseInt(f[1], 16));
        if (len < 0) return "E22";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < len; ) {
            long pa = vcpu().debugPhysical(addr + i, false);
            if (pa >= 0 && ram.contains(pa, 1)) {
                b.append(String.format("%02x", ram.load8(pa)));
                i++;
                continue;
            }
            int size = deviceAccess(pa, len - i);
            if (size == 0) return "E14";          // any byte unreadable: all refused, as QEMU's stub does (not a partial reply)
            b.append(hex(devices.forCpu(vcpu().id()).read(pa, size), size));
            i += size;
        }
        return b.toString();
    }

    /**
     * The size of the device load at {@code pa} for at most {@code left} bytes: the largest of 8,
     * 4, 2, 1 that is aligned and stays inside one device window; 0 outside every window.
     */
    private int deviceAccess(long pa, int left) {
        if (devices == null || pa < 0) return 0;
        String window = devices.windowAt(pa);
        if (window == null) return 0;
        for (int size = 8; size > 1; size >>= 1) {
            if ((pa & (size - 1)) == 0 && size <= left && window.equals(devices.windowAt(pa + size - 1))) return size;
        }
        return 1;
    }

    private String writeMemory(String args) {
        if (!gate.isStopped()) return "E01";
        int colon = args.indexOf(':');
        String[] f = args.substring(0, colon).split(",");
        long addr = Long.parseUnsignedLong(f[0], 16);
        long length = Long.parseUnsignedLong(f[1], 16);
        String hex = args.substring(colon + 1);
        // QEMU's stub: data shorter than the length named is E22; hex digits past it are ignored
        if (length > hex.length() / 2) return "E22";
        byte[] data = HEX.parseHex(hex, 0, (int) length * 2);
        for (int i = 0; i < data.length; i++) {
            long pa = vcpu().debugPhysical(addr + i, false);
            if (pa < 0 || !ram.contains(pa, 1)) return "E14";     // device registers too (QEMU's stub drops such writes)
            ram.store8(pa, data[i]);              // the engine checks code words against RAM: no stale block runs
        }
        return "OK";
    }

    /**
     * {@code Z0}/{@code Z1} (software and hardware breakpoints: both stop before the instruction
     * at the address, whichever tier runs it) and {@code Z2}/{@code Z3}/{@code Z4} (write, read and
     * access watchpoints: the engine stops after the accessing instruction).
     */
    private String breakpoint(boolean insert, String args) {
        String[] f = args.split(",");
        long addr = Long.parseUnsignedLong(f[1], 16);
        Watchpoint.Kind kind;
        switch (f[0]) {
            case "0", "1" -> {
                if (insert) gate.addBreakpoint(addr);
                else gate.removeBreakpoint(addr);
                return "OK";
            }
            case "2" -> kind = Watchpoint.Kind.WRITE;
            case "3" -> kind = Watchpoint.Kind.READ;
            case "4" -> kind = Watchpoint.Kind.ACCESS;
            default -> { return ""; }                 // a kind the protocol may add later: not supported
        }
        int length = Integer.parseInt(f[2], 16);
        if (length <= 0) return "E22";
        return gate.setWatchpoint(new Watchpoint(addr, length, kind), insert) ? "OK" : "E01";
    }

    private String targetXml() {
        int w = wide ? 64 : 32;
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n")
                .append("<architecture>").append(wide ? "powerpc:common64" : "powerpc:common").append("</architecture>\n")
                .append("<feature name=\"org.gnu.gdb.power.core\">\n");
        for (int r = 0; r < 32; r++) {
            b.append("<reg name=\"r").append(r).append("\" bitsize=\"").append(w).append("\" type=\"uint").append(w)
                    .append("\" regnum=\"").append(r).append("\"/>\n");
        }
        b.append("<reg name=\"pc\" bitsize=\"").append(w).append("\" type=\"code_ptr\" regnum=\"64\"/>\n")
                .append("<reg name=\"msr\" bitsize=\"").append(w).append("\" type=\"uint").append(w).append("\"/>\n")
                .append("<reg name=\"cr\" bitsize=\"32\" type=\"uint32\"/>\n")
                .append("<reg name=\"lr\" bitsize=\"").append(w).append("\" type=\"code_ptr\"/>\n")
                .append("<reg name=\"ctr\" bitsize=\"").append(w).append("\" type=\"uint").append(w).append("\"/>\n")
                .append("<reg name=\"xer\" bitsize=\"32\" type=\"uint32\"/>\n</feature>\n")
                .append("<feature name=\"org.gnu.gdb.power.fpu\">\n");
        for (int r = 0; r < 32; r++) {
            b.append("<reg name=\"f").append(r).append("\" bitsize=\"64\" type=\"ieee_double\" regnum=\"").append(32 + r).append("\"/>\n");
        }
        b.append("<reg name=\"fpscr\" bitsize=\"32\" group=\"float\" regnum=\"70\"/>\n</feature>\n");
        sprs.appendFeature(b, COUNT);
        b.append("</target>\n");
        return b.toString();
    }

    // ---- packets ------------------------------------------------------------------------------

    /**
     * The next packet's payload (acknowledged), "\u0003" for a Ctrl-C, or null when the debugger
     * disconnected (or, with {@code poll}, nothing arrived within the poll time: "").
     */
    private String readPacket(boolean poll) throws IOException {
        StringBuilder b = new StringBuilder();
        boolean inPacket = false;
        while (true) {
            int ch;
            try {
                ch = in.read();
            } catch (java.net.SocketTimeoutException e) {
                if (poll && !inPacket) return "";
                if (gate.endedPacket() != null && !inPacket) return null;
                continue;
            }
            if (ch < 0) return null;
            if (!inPacket) {
                if (ch == 3) return "\u0003";
                if (ch == '$') inPacket = true;
                continue;                              // '+' and '-' acks
            }
            if (ch == '#') {
                in.read();
                in.read();                             // checksum: TCP has checked the bytes already
                out.write('+');
                out.flush();
                return b.toString();
            }
            if (b.length() == PACKET_SIZE) {           // longer than offered: dropped unanswered, as QEMU's stub
                b.setLength(0);                        // does, so a client cannot fill the lab's heap
                inPacket = false;
                continue;
            }
            b.append((char) ch);
        }
    }

    private void send(String payload) throws IOException {
        int sum = 0;
        for (int i = 0; i < payload.length(); i++) sum += payload.charAt(i);
        out.write(("$" + payload + "#" + String.format("%02x", sum & 0xFF)).getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public String toString() { return "gdb stub of vm " + vm + " on port " + server.getLocalPort(); }
}
