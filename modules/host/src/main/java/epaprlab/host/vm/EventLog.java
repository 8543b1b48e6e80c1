package epaprlab.host.vm;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The recent history of one VM (or lab), numbered from 1 so a follower can ask for what came
 * after the last one it saw. The last {@code capacity} entries are kept. Written by one actor,
 * read by HTTP streams: synchronized.
 */
public final class EventLog {
    /**
     * One entry: {@code type} is {@code lifecycle} (a transition of the orchestrator's state
     * machine), {@code host} (what the host was asked to do), {@code finished} (a run ended) or
     * {@code lab}; {@code from}/{@code to} are lifecycle states or empty.
     */
    public record Entry(long seq, String vm, String type, String from, String to, String why, String at) {}

    private final int capacity;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long last;

    public EventLog(int capacity) {
        if (capacity <= 0) throw new IllegalArgumentException("event log capacity must be > 0");
        this.capacity = capacity;
    }

    public synchronized Entry add(String vm, String type, String from, String to, String why) {
        Entry e = new Entry(++last, vm, type, from, to, why, java.time.Instant.now().toString());
        entries.addLast(e);
        if (entries.size() > capacity) entries.removeFirst();
        return e;
    }

    /** Entries with a sequence number above {@code after}, oldest first. */
    public synchronized List<Entry> after(long after) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) if (e.seq() > after) out.add(e);
        return out;
    }

    public synchronized long last() { return last; }
}
