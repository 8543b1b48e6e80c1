package epaprlab.host.vm;

import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The VMs of this host by id, as the HTTP side reads them: each VM's latest {@link VmView}, its
 * console and its history. Only the VM's own actor writes its entry; anyone may read.
 */
public final class HostedVms {
    /** One VM's published state. */
    public static final class Entry {
        private final String id;
        private final ConsoleLog console;
        private final EventLog events;
        private volatile VmView view;

        Entry(String id, ConsoleLog console, EventLog events, VmView view) {
            this.id = id;
            this.console = console;
            this.events = events;
            this.view = view;
        }

        public String id() { return id; }
        public ConsoleLog console() { return console; }
        public EventLog events() { return events; }
        public VmView view() { return view; }
        void publish(VmView v) { view = v; }
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final HostCounters counters = new HostCounters();

    public HostCounters counters() { return counters; }

    public Optional<Entry> get(String id) { return Optional.ofNullable(entries.get(id)); }

    public Collection<Entry> all() { return entries.values(); }

    public int size() { return entries.size(); }

    /** Adds an entry for a new VM; empty if the id is taken. */
    public Optional<Entry> add(String id, int consoleBytes, VmView first) {
        Entry e = new Entry(id, new ConsoleLog(consoleBytes), new EventLog(1000), first);
        return entries.putIfAbsent(id, e) == null ? Optional.of(e) : Optional.empty();
    }

    void remove(String id) { entries.remove(id); }
}
