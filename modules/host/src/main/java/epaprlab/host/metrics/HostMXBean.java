package epaprlab.host.metrics;

/** The host seen through JMX ({@code epaprlab:type=Host,port=N}): the same totals as /metrics. */
public interface HostMXBean {
    int getVms();
    int getRunningVms();
    long getStarts();
    long getResets();
    long getCrashes();
    long getGuestInstructions();
    long getDispatcherQueueDepth();
}
