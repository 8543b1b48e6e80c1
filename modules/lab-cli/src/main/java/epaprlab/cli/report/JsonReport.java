package epaprlab.cli.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import epaprlab.orchestrator.config.LabConfig;
import epaprlab.orchestrator.debug.CrashReport;
import epaprlab.orchestrator.debug.VcpuSnapshot;
import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.vm.Outcome;
import epaprlab.orchestrator.vm.VmResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import epaprlab.ppc.cpu.TimeSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code --json FILE}: the lab's summary and every VM's result as one JSON document. */
public final class JsonReport {
    private JsonReport() {}

    public static void write(Path file, LabFinished lab, Duration wall, int exitCode) throws IOException {
        write(file, lab, wall, exitCode, null);
    }

    /**
     * As {@link #write(Path, LabFinished, Duration, int)}, with each VM's {@code replay}: what
     * reruns it alone ({@code epapr-lab run FILE --only VM}), its image's SHA-256, and whether
     * the rerun repeats it exactly (the instruction time base, any number of vCPUs: the same instruction
     * count, console and outcome, unless it ended on a wall-clock limit or a host stop).
     */
    public static void write(Path file, LabFinished lab, Duration wall, int exitCode, LabConfig config) throws IOException {
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
        Map<Path, String> digests = new HashMap<>();
        for (VmResult r : lab.results()) {
            Map<String, Object> vm = new LinkedHashMap<>();
            vm.put("vm", r.vm());
            vm.put("outcome", r.outcome().configName());
            vm.put("expected", r.expected().stream().sorted().map(Outcome::configName).toList());
            vm.put("asExpected", r.asExpected());
            vm.put("boots", r.boots());
            vm.put("restarts", r.restarts());
            vm.put("restores", r.restores());
            vm.put("restoredFrom", r.restoredFrom().orElse(null));
            vm.put("instructions", r.instructions());
            vm.put("wallSeconds", r.wallTime().toNanos() / 1e9);
            vm.put("detail", r.detail());
            vm.put("guestResets", r.guestResets());
            vm.put("resetSeconds", r.resetTime().toNanos() / 1e9);
            vm.put("resultCode", r.resultCode().isPresent() ? r.resultCode().getAsLong() : null);
            vm.put("crash", r.crash().map(JsonReport::crash).orElse(null));
            if (config != null) vm.put("replay", replay(config, r, digests));
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

    private static Map<String, Object> replay(LabConfig config, VmResult r, Map<Path, String> digests) {
        Map<String, Object> m = new LinkedHashMap<>();
        Path source = config.source().toAbsolutePath().normalize();
        m.put("config", source.toString());
        m.put("vm", r.vm());
        m.put("command", "epapr-lab run " + source + " --only " + r.vm());
        config.vms().stream().filter(v -> v.name().equals(r.vm())).findFirst().ifPresent(v -> {
            Path image = v.image().toAbsolutePath().normalize();
            m.put("image", image.toString());
            m.put("imageSha256", digests.computeIfAbsent(image, JsonReport::sha256));
            m.put("timeBase", v.board().timeSource().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            m.put("vcpus", v.board().vcpus());
            m.put("exact", v.board().timeSource() == TimeSource.INSTRUCTIONS   // several vCPUs: in round robin
                    && v.consoleSteps().isEmpty()       // input arrives when the host sees a pattern: wall-clock timing
                    && r.outcome() != Outcome.TIMED_OUT && r.outcome() != Outcome.STOPPED
                    && r.outcome() != Outcome.CONSOLE_SILENT && r.outcome() != Outcome.STEP_TIMED_OUT);
        });
        return m;
    }

    private static String sha256(Path file) {
        try (var in = Files.newInputStream(file)) {
            var md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            return null;                       // the image went away after the run: no digest
        }
    }
}
