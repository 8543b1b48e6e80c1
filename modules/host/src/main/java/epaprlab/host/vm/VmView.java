package epaprlab.host.vm;

/**
 * What the API and the dashboard show of one VM: an immutable snapshot, replaced by the VM's
 * actor on every change.
 *
 * @param state        {@code created} (never started), a lifecycle state while a run is on
 *                     ({@code booting}, {@code running}, {@code resetting}, {@code shutting-down}),
 *                     or how the last run ended ({@code stopped}, {@code failed})
 * @param outcome      the typed outcome of the last run (null while running or before the first)
 * @param boots        guest boots over every run (power-on, resets, restarts)
 * @param instructions guest instructions over every run
 */
public record VmView(String id, String state, String outcome, boolean asExpected, String detail, String image,
                     String cpu, int starts, int boots, int resets, int crashes, long instructions,
                     double instructionsPerSecond, long consoleBytes, String created, String lastStart) {

    /** A VM that has never run. */
    public static VmView created(String id, String image, String cpu) {
        return new VmView(id, "created", null, false, "", image, cpu, 0, 0, 0, 0, 0, 0, 0,
                java.time.Instant.now().toString(), "");
    }
}
