package epaprlab.cli.report;

/**
 * What a guest prints, made safe for the operator's terminal: C0 and C1 control characters
 * (except tab) and DEL become {@code \xNN}, so an escape sequence ({@code ESC [ 2 J}) shows as
 * text instead of clearing the screen. Logs and reports keep the real characters.
 */
public final class TerminalText {
    private TerminalText() {}

    public static String escape(String s) {
        int i = 0;
        while (i < s.length() && !isControl(s.charAt(i))) i++;
        if (i == s.length()) return s;                   // the common case: nothing to escape
        StringBuilder b = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isControl(c)) b.append("\\x").append(Character.forDigit(c >> 4 & 0xF, 16)).append(Character.forDigit(c & 0xF, 16));
            else b.append(c);
        }
        return b.toString();
    }

    private static boolean isControl(char c) {
        return (c < 0x20 && c != '\t') || (c >= 0x7F && c <= 0x9F);
    }
}
