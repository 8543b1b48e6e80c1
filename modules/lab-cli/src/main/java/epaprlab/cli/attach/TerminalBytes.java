package epaprlab.cli.attach;

import java.io.ByteArrayOutputStream;

/**
 * A guest's console byte stream made safe for the operator's terminal, as {@code TerminalText}
 * does for lines: control characters become {@code \xNN} text, so an escape sequence cannot drive
 * the terminal, except those a console needs to look right (tab, newline, carriage return,
 * backspace). C1 controls count too: as single bytes 0x80-0x9F outside UTF-8 sequences and as
 * their UTF-8 form (C2 80 to C2 9F). Other bytes pass unchanged. Keeps one byte of state between
 * chunks; one instance per stream, not thread-safe.
 */
final class TerminalBytes {
    /** 0xC2 waiting for the next byte, or -1. */
    private int lead = -1;
    /** Continuation bytes still expected in the current UTF-8 sequence. */
    private int continuing;

    /** The bytes to show for {@code len} guest bytes at {@code off}. */
    byte[] filter(byte[] b, int off, int len) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(len + 8);
        for (int i = off; i < off + len; i++) {
            int c = b[i] & 0xFF;
            if (lead >= 0) {
                lead = -1;
                if (c >= 0x80 && c <= 0x9F) {
                    escape(out, c);                   // U+0080..U+009F: a C1 control
                    continue;
                }
                out.write(0xC2);
            }
            if (continuing > 0 && c >= 0x80 && c <= 0xBF) {
                continuing--;
                out.write(c);
            } else if (c == 0xC2) {
                continuing = 0;
                lead = c;
            } else if (c >= 0xC3 && c <= 0xF4) {
                continuing = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
                out.write(c);
            } else if (c < 0x20 ? c != '\t' && c != '\n' && c != '\r' && c != '\b' : c >= 0x7F && c <= 0x9F) {
                continuing = 0;
                escape(out, c);
            } else {
                continuing = 0;
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    private static void escape(ByteArrayOutputStream out, int c) {
        out.write('\\');
        out.write('x');
        out.write(Character.forDigit(c >> 4, 16));
        out.write(Character.forDigit(c & 0xF, 16));
    }
}
