package epaprlab.host.metrics;

import epaprlab.host.vm.HostCounters;
import epaprlab.host.vm.HostedVms;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** Registers {@link HostMXBean} with the platform MBean server while the host runs. */
public final class HostJmx implements HostMXBean, AutoCloseable {
    private final HostedVms vms;
    private final HostCounters c;
    private final ObjectName name;

    public HostJmx(HostedVms vms, int port) throws JMException {
        this.vms = vms;
        this.c = vms.counters();
        this.name = new ObjectName("epaprlab:type=Host,port=" + port);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        server.registerMBean(this, name);
    }

    public ObjectName name() { return name; }

    @Override public int getVms() { return vms.size(); }
    @Override public int getRunningVms() {
        return (int) vms.all().stream().filter(e -> e.view().state().equals("running")).count();
    }
    @Override public long getStarts() { return c.starts.sum(); }
    @Override public long getResets() { return c.resets.sum(); }
    @Override public long getCrashes() { return c.crashes.sum(); }
    @Override public long getGuestInstructions() { return c.instructions.sum(); }
    @Override public long getDispatcherQueueDepth() { return MeteredExecutor.queued(); }

    @Override
    public void close() throws JMException {
        ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
    }
}
