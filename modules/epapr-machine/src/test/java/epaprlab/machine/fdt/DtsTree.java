package epaprlab.machine.fdt;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@code dtc -O dts} text read back as node path to (property name to value text), so two
 * trees can be compared node by node whatever order their blobs hold nodes and properties in.
 */
final class DtsTree {
    private DtsTree() {}

    static Map<String, Map<String, String>> parse(String dts) {
        Map<String, Map<String, String>> nodes = new LinkedHashMap<>();
        StringBuilder path = new StringBuilder();
        java.util.ArrayDeque<Integer> marks = new java.util.ArrayDeque<>();
        for (String raw : dts.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("/dts-v1/") || line.startsWith("/memreserve/")) continue;
            if (marks.isEmpty() && !line.equals("/ {")) continue;     // dtc's warnings around the tree
            if (line.endsWith("{")) {
                String name = line.substring(0, line.length() - 1).strip();
                marks.push(path.length());
                if (!name.equals("/")) path.append('/').append(name);
                nodes.put(path.isEmpty() ? "/" : path.toString(), new TreeMap<>());
            } else if (line.equals("};")) {
                path.setLength(marks.pop());
            } else {
                String body = line.substring(0, line.length() - 1);      // drop ';'
                int eq = body.indexOf(" = ");
                String name = eq < 0 ? body : body.substring(0, eq);
                String value = eq < 0 ? "" : body.substring(eq + 3);
                nodes.get(path.isEmpty() ? "/" : path.toString()).put(name, value);
            }
        }
        return nodes;
    }
}
