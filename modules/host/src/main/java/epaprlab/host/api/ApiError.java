package epaprlab.host.api;

/**
 * A request the host refuses: the HTTP status, the field it is about (a config key such as
 * {@code vm.ram}, or {@code (body)}, {@code id}) and a message a person can act on. Sent as
 * {@code {"status":..,"field":..,"message":..}}.
 */
public final class ApiError extends Exception {
    private final int status;
    private final String field;

    public ApiError(int status, String field, String message) {
        super(message);
        this.status = status;
        this.field = field;
    }

    public int status() { return status; }

    public String field() { return field; }
}
