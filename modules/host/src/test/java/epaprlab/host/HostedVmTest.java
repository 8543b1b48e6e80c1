package epaprlab.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import epaprlab.host.vm.HostedVm;
import epaprlab.host.vm.HostedVms;
import epaprlab.host.vm.VmView;
import epaprlab.orchestrator.config.LabConfigLoader;
import epaprlab.orchestrator.config.VmConfig;
import epaprlab.orchestrator.vm.ImageCache;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class HostedVmTest {
    private static final ActorTestKit kit = ActorTestKit.create(Host.systemConfig(null));

    @AfterAll
    static void down() { kit.shutdownTestKit(); }

    static Path samples() { return Path.of("../../sample-vms").toAbsolutePath().normalize(); }

    @Test
    void helloRunsToShutdownAndKeepsItsOutcomeAndConsole() throws Exception {
        VmConfig config = new LabConfigLoader(Host.systemConfig(null)).load(samples().resolve("hello-32.conf")).vms().getFirst();
        HostedVms book = new HostedVms();
        var entry = book.add("hello-32", 4096, VmView.created("hello-32", "hello", "e500mc")).orElseThrow();
        var vm = kit.spawn(HostedVm.create(entry, config, "hello", book, new ImageCache()));
        TestProbe<HostedVm.Reply> probe = kit.createTestProbe();
        vm.tell(new HostedVm.Start("test", probe.ref()));
        probe.expectMessageClass(HostedVm.Reply.Done.class);
        probe.awaitAssert(Duration.ofSeconds(20), () -> {
            assertEquals("shutdown", entry.view().outcome(), entry.view().toString());
            return null;
        });
        assertEquals("stopped", entry.view().state());
        assertEquals(1, entry.view().boots());
    }
}
