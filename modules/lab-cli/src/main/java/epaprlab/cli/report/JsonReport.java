package epaprlab.cli.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import epaprlab.orchestrator.debug.CrashReport;
import epaprlab.orchestrator.debug.VcpuSnapshot;
import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.vm.Outcome;
import epaprlab.orchestrator.vm.VmResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code --json FILE}: the lab's summary and every VM's result as one JSON document. */
public final class JsonReport {
    private JsonReport() {}

    public static void write(Path file, LabFinished lab, Duration wall, int exitCode) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("lab", lab.lab());
        doc.put("vms", lab.results().size());
        doc.put("asExpected", lab.results().stream().filter(VmResult::asExpected).count());
        doc.put("exitCode", exitCode);
        doc.put("wallSeconds", wall.toNanos() / 1e9);
        Map<String, Integer> outcomes = new TreeMap<>();
        lab.results().forEach(r -> outcomes.merge(r.outcome().configName(), 1, Integer::sum));
        doc.put("outcomes", outcomes);
        List<Map<String, Object>> vms = new ArrayList<>();
        for (VmResult r : lab.results()) {
            Map<String, Object> vm = new LinkedHashMap<>();
            vm.put("vm", r.vm());
            vm.put("outcome", r.outcome().configName());
            vm.put("expected", r.expected().stream().sorted().map(Outcome::configName).toList());
            vm.put("asExpected", r.asExpected());
            vm.put("boots", r.boots());
            vm.put("restarts", r.restarts());
            vm.put("instructions", r.instructions());
            vm.put("wallSeconds", r.wallTime().toNanos() / 1e9);
            vm.put("detail", r.detail());
            vm.put("guestResets", r.guestResets());
            vm.put("resetSeconds", r.resetTime().toNanos() / 1e9);
            vm.put("resultCode", r.resultCode().isPresent() ? r.resultCode().getAsLong() : null);
            vm.put("crash", r.crash().map(JsonReport::crash).orElse(null));
            vms.add(vm);
        }
        doc.put("results", vms);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), doc);
    }

    /** A crash report as JSON: addresses as hex strings (64-bit values do not fit a JSON number). */
    private static List<Map<String, Object>> crash(CrashReport report) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (VcpuSnapshot v : report.vcpus()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("vcpu", v.vcpu());
            m.put("pc", hex(v.pc()));
            m.put("symbol", v.where());
            m.put("instruction", v.insn().isPresent() ? "0x%08x".formatted(v.insn().getAsInt()) : null);
            m.put("disassembly", v.disassembly());
            m.put("instructions", v.instructions());
            m.put("gpr", v.gpr().stream().map(JsonReport::hex).toList());
            Map<String, String> regs = new LinkedHashMap<>();
            regs.put("msr", hex(v.msr()));
            regs.put("cr", hex(v.cr() & 0xFFFF_FFFFL));
            regs.put("lr", hex(v.lr()));
            regs.put("ctr", hex(v.ctr()));
            regs.put("xer", hex(v.xer()));
            v.sprs().forEach(spr -> regs.put(spr.name(), hex(spr.value())));
            m.put("registers", regs);
            m.put("backtrace", frames(v.backtrace()));
            m.put("branches", v.branches().stream().map(br -> {
                Map<String, String> b = new LinkedHashMap<>();
                b.put("from", hex(br.from()));
                b.put("fromSymbol", br.fromWhere());
                b.put("to", hex(br.to()));
                b.put("toSymbol", br.toWhere());
                return b;
            }).toList());
            out.add(m);
        }
        return out;
    }

    private static List<Map<String, String>> frames(List<VcpuSnapshot.Frame> frames) {
        return frames.stream().map(f -> {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("address", hex(f.address()));
            m.put("symbol", f.where());
            m.put("from", f.how());
            return m;
        }).toList();
    }

    private static String hex(long v) { return "0x" + Long.toHexString(v); }
}
