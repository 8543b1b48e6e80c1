package epaprlab.orchestrator.debug;

import java.util.List;

/**
 * Where every vCPU of a VM was when it ended (crash, watchdog, timeout, instruction limit,
 * console silence, host stop, engine error, restart limit, step timeout): per vCPU the PC with its
 * symbol, the instruction, registers and a backtrace. Rendered as text for the console summary,
 * the {@code --logs} files and JUnit; the JSON report takes the records themselves.
 */
public record CrashReport(String image, List<VcpuSnapshot> vcpus) {
    public CrashReport {
        vcpus = List.copyOf(vcpus);
    }

    /** The multi-line text form (no trailing newline). */
    public String render() {
        StringBuilder b = new StringBuilder();
        for (VcpuSnapshot v : vcpus) {
            if (!b.isEmpty()) b.append('\n');
            render(b, v);
        }
        return b.toString();
    }

    private static void render(StringBuilder b, VcpuSnapshot v) {
        String w = v.is64() ? "%016x" : "%08x";
        b.append("vCPU ").append(v.vcpu()).append(" at 0x").append(w.formatted(v.pc())).append(' ').append(v.where())
                .append(": ");
        if (v.insn().isPresent()) b.append("0x%08x %s".formatted(v.insn().getAsInt(), v.disassembly()));
        else b.append("(no RAM at the PC)");
        b.append("  [").append(v.instructions()).append(" instructions]\n");
        int perRow = v.is64() ? 4 : 8;
        for (int r = 0; r < 32; r++) {
            b.append(r % perRow == 0 ? "  " : " ").append("%-4s".formatted("r" + r)).append(w.formatted(v.gpr().get(r)));
            if (r % perRow == perRow - 1) b.append('\n');
        }
        b.append("  msr ").append(w.formatted(v.msr())).append(" cr %08x".formatted(v.cr()))
                .append(" lr ").append(w.formatted(v.lr())).append(" ctr ").append(w.formatted(v.ctr()))
                .append(" xer %08x".formatted(v.xer())).append('\n');
        b.append(" ");
        for (VcpuSnapshot.Spr s : v.sprs()) b.append(' ').append(s.name()).append(' ').append(w.formatted(s.value()));
        b.append("\n  backtrace:");
        for (int i = 0; i < v.backtrace().size(); i++) {
            VcpuSnapshot.Frame f = v.backtrace().get(i);
            b.append("\n    #").append(i).append(" 0x").append(w.formatted(f.address())).append(' ').append(f.where());
            if (!f.how().equals("chain")) b.append(" (").append(f.how()).append(')');
        }
        if (!v.branches().isEmpty()) {
            b.append("\n  last ").append(v.branches().size()).append(" branches, oldest first:");
            for (VcpuSnapshot.Branch br : v.branches()) {
                b.append("\n    0x").append(w.formatted(br.from())).append(' ').append(br.fromWhere())
                        .append(" -> 0x").append(w.formatted(br.to())).append(' ').append(br.toWhere());
            }
        }
    }
}
