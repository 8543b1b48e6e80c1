package epaprlab.host.cluster;

/**
 * Marks the messages that cross nodes of a host cluster; {@link HostSerializer} writes them (and
 * refuses to read any other class).
 */
public interface ClusterMessage {}
