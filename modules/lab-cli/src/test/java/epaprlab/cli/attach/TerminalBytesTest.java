package epaprlab.cli.attach;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The attached console's escaping: what a terminal would act on becomes text; a console's own controls and UTF-8 pass. */
class TerminalBytesTest {
    record Case(String name, byte[] guest, String shown) {}

    static byte[] b(int... v) {
        byte[] r = new byte[v.length];
        for (int i = 0; i < v.length; i++) r[i] = (byte) v[i];
        return r;
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("plain text", "=> version\r\n".getBytes(StandardCharsets.US_ASCII), "=> version\r\n"),
                new Case("tab and backspace", b('1', 8, 8, '\t', '0'), "1\b\b\t0"),
                new Case("CSI clear screen", b(0x1b, '[', '2', 'J'), "\\x1b[2J"),
                new Case("bell and NUL", b(7, 0), "\\x07\\x00"),
                new Case("DEL", b(0x7f), "\\x7f"),
                new Case("UTF-8 e-acute and euro", "é€".getBytes(StandardCharsets.UTF_8), "é€"),
                new Case("UTF-8 no-break space (C2 A0)", b(0xc2, 0xa0), "\u00a0"),
                new Case("C1 CSI in UTF-8 (C2 9B)", b(0xc2, 0x9b, 'J'), "\\x9bJ"),
                new Case("C1 CSI as one byte", b(0x9b, '2', 'J'), "\\x9b2J"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void escapes(Case c) {
        assertEquals(c.shown(), new String(new TerminalBytes().filter(c.guest(), 0, c.guest().length), StandardCharsets.UTF_8));
        TerminalBytes t = new TerminalBytes();             // byte by byte: chunks may split anywhere
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < c.guest().length; i++) out.writeBytes(t.filter(c.guest(), i, 1));
        assertEquals(c.shown(), out.toString(StandardCharsets.UTF_8));
    }
}
