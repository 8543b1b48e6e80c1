/*
 * echo.c - a guest that reads console input: it prints a prompt without a
 * newline, reads one line from the console byte channel
 * (EV_BYTE_CHANNEL_RECEIVE, one byte per call, so nothing after the newline
 * is taken early), and echoes it, until the line is "quit":
 *
 *   echo> hello
 *   you said: hello
 *   echo> quit
 *   bye
 *
 * Then it shuts the VM down. '\r' is ignored, '\n' ends a line, a line is
 * cut at 127 bytes. The ePAPR board raises no interrupt for the byte
 * channel, so the guest polls: its vCPU runs while it waits for input.
 */
#include "sdk.h"

static void read_line(char *line, size_t max)
{
    size_t n = 0;

    for (;;) {
        char c;
        size_t got = 0;

        if (ev_byte_channel_receive(console_handle(), &c, 1, &got) != EV_SUCCESS || got == 0)
            continue;
        if (c == '\n')
            break;
        if (c != '\r' && n + 1 < max)
            line[n++] = c;
    }
    line[n] = 0;
}

int main(const void *fdt)
{
    char line[128];

    console_init(fdt);
    for (;;) {
        console_puts("echo> ");
        read_line(line, sizeof line);
        if (strcmp(line, "quit") == 0)
            break;
        printf("you said: %s\n", line);
    }
    printf("bye\n");
    return 0;
}
