package epaprlab.machine.fdt;

/** Name rules of DTSpec 2.2.1 (nodes) and 2.2.4.1 (properties), checked at build time. */
final class DeviceTreeNames {
    static final int MAX_NAME = 31;

    private DeviceTreeNames() {}

    /** {@code node-name[@unit-address]}: node-name 1..31 of {@code 0-9a-zA-Z,._+-}, starting with a letter. */
    static void checkNodeName(String name) {
        if (name == null) throw new IllegalArgumentException("node name is null");
        int at = name.indexOf('@');
        String base = at < 0 ? name : name.substring(0, at);
        if (base.isEmpty()) throw new IllegalArgumentException("node name is empty: \"" + name + "\"");
        if (base.length() > MAX_NAME) {
            throw new IllegalArgumentException("node name \"%s\" is %d characters long, at most %d are allowed"
                    .formatted(base, base.length(), MAX_NAME));
        }
        if (!isLetter(base.charAt(0))) {
            throw new IllegalArgumentException("node name \"" + name + "\" must start with a letter");
        }
        for (int i = 0; i < base.length(); i++) {
            char c = base.charAt(i);
            if (!(isLetter(c) || isDigit(c) || ",._+-".indexOf(c) >= 0)) throw illegal("node", name, c);
        }
        if (at >= 0) {
            String unit = name.substring(at + 1);
            if (unit.isEmpty()) throw new IllegalArgumentException("node name \"" + name + "\" has an empty unit address");
            for (int i = 0; i < unit.length(); i++) {
                char c = unit.charAt(i);
                if (!(isLetter(c) || isDigit(c) || ",._+-".indexOf(c) >= 0)) throw illegal("node", name, c);
            }
        }
    }

    /** 1..31 characters of {@code 0-9a-zA-Z,._+?#-}. */
    static void checkPropertyName(String name) {
        if (name == null) throw new IllegalArgumentException("property name is null");
        if (name.isEmpty()) throw new IllegalArgumentException("property name is empty");
        if (name.length() > MAX_NAME) {
            throw new IllegalArgumentException("property name \"%s\" is %d characters long, at most %d are allowed"
                    .formatted(name, name.length(), MAX_NAME));
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(isLetter(c) || isDigit(c) || ",._+?#-".indexOf(c) >= 0)) throw illegal("property", name, c);
        }
    }

    private static boolean isLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

    private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

    private static IllegalArgumentException illegal(String kind, String name, char c) {
        return new IllegalArgumentException("%s name \"%s\" contains the illegal character '%s' (U+%04X)"
                .formatted(kind, name, Character.isISOControl(c) ? "?" : String.valueOf(c), (int) c));
    }
}
