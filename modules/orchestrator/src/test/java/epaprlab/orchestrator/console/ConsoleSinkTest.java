package epaprlab.orchestrator.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ConsoleSinkTest {

    private static void write(ConsoleSink sink, String text) {
        byte[] b = ("xx" + text).getBytes(StandardCharsets.ISO_8859_1);
        sink.write(b, 2, b.length - 2);      // an offset, as the exit handler's drain buffer has
    }

    @Test
    void theTapGetsEveryByteAtOnceInOrderWhileLinesWaitForTheirNewline() {
        ByteArrayOutputStream tapped = new ByteArrayOutputStream();
        List<String> lines = new ArrayList<>();
        ConsoleSink sink = new ConsoleSink(8, lines::add, null, tapped::write);
        write(sink, "=> ");
        assertEquals("=> ", tapped.toString(StandardCharsets.ISO_8859_1), "the prompt, before any newline");
        assertEquals(List.of(), lines);
        write(sink, "help\r\n0123456789");
        assertEquals("=> help\r\n0123456789", tapped.toString(StandardCharsets.ISO_8859_1), "raw, \\r kept, no line cut");
        assertEquals(List.of("=> help", "01234567"), lines);
        write(sink, "");
        assertEquals(19, tapped.size(), "an empty write taps nothing");
    }
}
