package epaprlab.cli.report;

import epaprlab.orchestrator.lab.LabEvent;
import epaprlab.orchestrator.lab.LabObserver;
import epaprlab.orchestrator.vm.VmEvent.ConsoleLine;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code --logs DIR}: one console log file per VM ({@code DIR/<vm>.log}), written as lines come
 * and capped at {@code limitBytes}; a cut log ends with a marker line saying how much was left out.
 * Files are opened on a VM's first line and closed when it ends. Guardian thread only.
 */
public final class ConsoleLogs implements LabObserver, AutoCloseable {
    private final Path dir;
    private final long limitBytes;
    private final Map<String, Log> open = new HashMap<>();

    private static final class Log {
        final BufferedWriter out;
        long written;
        long dropped;

        Log(BufferedWriter out) { this.out = out; }
    }

    public ConsoleLogs(Path dir, long limitBytes) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.limitBytes = limitBytes;
    }

    static String cutMarker(long limit, long dropped) {
        return "[epapr-lab: console cut at " + limit + " bytes; " + dropped + " more bytes not kept]";
    }

    @Override
    public void onEvent(LabEvent event) {
        try {
            switch (event) {
                case LabEvent.OfVm(ConsoleLine c) -> {
                    Log log = open.get(c.vm());
                    if (log == null) {
                        log = new Log(Files.newBufferedWriter(dir.resolve(c.vm() + ".log"), StandardCharsets.UTF_8));
                        open.put(c.vm(), log);
                    }
                    byte[] bytes = (c.line() + "\n").getBytes(StandardCharsets.UTF_8);
                    if (log.written + bytes.length <= limitBytes) {
                        log.out.write(c.line());
                        log.out.write('\n');
                        log.written += bytes.length;
                    } else {
                        log.dropped += bytes.length;
                    }
                }
                case LabEvent.OfVm(VmFinished f) -> {
                    Log log = open.remove(f.vm());
                    if (log == null) {
                        Files.writeString(dir.resolve(f.vm() + ".log"), "");   // a VM that printed nothing
                    } else {
                        if (log.dropped > 0) log.out.write(cutMarker(limitBytes, log.dropped) + "\n");
                        log.out.close();
                    }
                }
                default -> { }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing console logs in " + dir, e);
        }
    }

    @Override
    public void close() throws IOException {
        for (Log log : open.values()) log.out.close();
        open.clear();
    }
}
