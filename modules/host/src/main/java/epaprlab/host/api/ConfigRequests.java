package epaprlab.host.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import epaprlab.orchestrator.config.ConfigNesting;
import epaprlab.orchestrator.config.ConfigProblem;
import epaprlab.orchestrator.config.LabConfig;
import epaprlab.orchestrator.config.LabConfigLoader;
import epaprlab.orchestrator.config.VmConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns a VM or lab config sent to the API (JSON or HOCON, the keys of a VM file) into a checked
 * {@link VmConfig} / {@link LabConfig}: the very validation of {@code epapr-lab run}
 * ({@link LabConfigLoader}), so every problem names its key. File paths ({@code image}, {@code bios},
 * {@code kernel}, {@code initrd}, {@code snapshot.from}, {@code snapshot.file}) resolve against the
 * images directory and may not leave it (no absolute paths, no {@code ..}, no symbolic link out);
 * HOCON {@code include} and substitutions from the host's environment are refused.
 *
 * <p>The loader reads files (it resolves relative paths against the file and names the file in
 * its messages), so the checked request is written to a scratch file; messages name it
 * {@code request} instead of the scratch path.
 */
public final class ConfigRequests {
    private static final String SHOWN_AS = "request";
    private static final long MAX_BODY_CHARS = 1 << 20;
    private static final ConfigParseOptions NO_INCLUDES = ConfigParseOptions.defaults().setIncluder(new RefusedInclude());

    /**
     * Refuses every form of {@code include} (plain, {@code file()}, {@code url()},
     * {@code classpath()}): an includer lacking one of the forms would leave it to the default one.
     */
    private static final class RefusedInclude implements ConfigIncluder, com.typesafe.config.ConfigIncluderFile,
            com.typesafe.config.ConfigIncluderURL, com.typesafe.config.ConfigIncluderClasspath {
        @Override public ConfigIncluder withFallback(ConfigIncluder fallback) { return this; }

        @Override public ConfigObject include(ConfigIncludeContext context, String what) { throw refused(what); }

        @Override public ConfigObject includeFile(ConfigIncludeContext context, java.io.File what) { throw refused(what.toString()); }

        @Override public ConfigObject includeURL(ConfigIncludeContext context, java.net.URL what) { throw refused(what.toString()); }

        @Override public ConfigObject includeResources(ConfigIncludeContext context, String what) { throw refused(what); }

        private static ConfigException refused(String what) {
            return new ConfigException.Generic("include is not accepted in a request (it would read the host's files): " + what);
        }
    }

    private final LabConfigLoader loader;
    private final Path images;
    private final Path imagesReal;
    private final Path scratch;
    private final AtomicLong serial = new AtomicLong();

    public ConfigRequests(LabConfigLoader loader, Path images, Path scratch) throws IOException {
        this.loader = loader;
        this.images = images.toAbsolutePath().normalize();
        this.imagesReal = this.images.toRealPath();
        this.scratch = Files.createDirectories(scratch);
    }

    public Path images() { return images; }

    /** A checked VM config and its text ({@code vm { ... }}, image relative to the images directory) to rebuild it from. */
    public record CheckedVm(VmConfig config, String text) {}

    /** A VM: either {@code {"vm": {...}}} or the VM keys at the top level. */
    public CheckedVm vm(String body) throws ApiError {
        Config root = parse(body);
        Config vm;
        if (root.hasPath("vm")) {
            if (root.root().size() != 1) throw new ApiError(400, "(body)", "next to `vm` no other top-level key is allowed");
            vm = object(root, "vm");
        } else {
            vm = root;
        }
        String text = vm.root().atKey("vm").root().render(ConfigRenderOptions.concise());   // image as named: each node resolves it
        return new CheckedVm(load(confineImage(vm, "vm").root().atKey("vm")).vms().getFirst(), text);
    }

    /** A VM again from the text of a {@link CheckedVm} (on another node of a cluster). */
    public VmConfig reload(String text) throws ApiError {
        Config root = parse(text);
        return load(confineImage(object(root, "vm"), "vm").root().atKey("vm")).vms().getFirst();
    }

    /** A lab: {@code {"lab": {"name": .., "concurrency": .., "vms": [ {VM keys, count, matrix}, ... ]}}}. */
    public LabConfig lab(String body) throws ApiError {
        Config root = parse(body);
        if (!root.hasPath("lab")) throw new ApiError(400, "lab", "expected a `lab { name, concurrency, vms = [...] }` object");
        Config lab = object(root, "lab");
        if (lab.hasPath("name")) {
            // the lab's id (and its actor's name) starts with it: letters, digits, . _ - as a VM name
            if (lab.getValue("name").valueType() != ConfigValueType.STRING || !LabConfigLoader.isValidName(lab.getString("name"))) {
                throw new ApiError(400, "lab.name", "\"" + lab.getValue("name").unwrapped()
                        + "\" is not a valid lab name (letters, digits, . _ -; at most 63)");
            }
        } else {
            lab = lab.withValue("name", ConfigValueFactory.fromAnyRef("lab"));   // not the scratch file's name
        }
        if (!lab.hasPath("vms") || lab.getValue("vms").valueType() != ConfigValueType.LIST) {
            throw new ApiError(400, "lab.vms", "expected a list of VM objects");
        }
        ConfigList entries = lab.getList("vms");
        List<Object> checked = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String key = "lab.vms[" + i + "]";
            ConfigValue e = entries.get(i);
            if (e.valueType() != ConfigValueType.OBJECT) {
                throw new ApiError(400, key, "through the API a lab entry is an object of VM keys (VM file paths are not read)");
            }
            Config entry = ((ConfigObject) e).toConfig();
            if (entry.hasPath("file")) {
                throw new ApiError(400, key + ".file", "not accepted through the API: put the VM keys in the entry");
            }
            checked.add(confineImage(entry, key).root().unwrapped());
        }
        Config fixed = lab.withValue("vms", ConfigValueFactory.fromIterable(checked));
        return load(fixed.root().atKey("lab"));
    }

    private static Config parse(String body) throws ApiError {
        if (body == null || body.isBlank()) throw new ApiError(400, "(body)", "empty body: send a VM config as JSON or HOCON");
        if (body.length() > MAX_BODY_CHARS) throw new ApiError(413, "(body)", "a config may be at most 1 MiB");
        var deepLine = ConfigNesting.tooDeep(body);          // before the parser's recursion meets it
        if (deepLine.isPresent()) throw new ApiError(400, "(body)", "line " + deepLine.getAsInt() + ": " + ConfigNesting.problem());
        Config parsed;
        try {
            // no include (it would read host files) and no ${VAR} from the host's environment
            parsed = ConfigFactory.parseString(body, NO_INCLUDES).resolve(ConfigResolveOptions.noSystem());
        } catch (StackOverflowError e) {
            // a ${...} chain too long for the resolver: escaping, it would end the host's JVM (Akka's exit on fatal errors)
            throw new ApiError(400, "(body)", "substitutions (${...}) refer to each other in a chain too long to resolve");
        } catch (ConfigException e) {
            throw new ApiError(400, "(body)", "not JSON or HOCON: " + e.getMessage());
        }
        var deep = ConfigNesting.tooDeep(parsed.root());
        if (deep.isPresent()) throw new ApiError(400, "(body)", "line " + deep.get().lineNumber() + ": " + ConfigNesting.problem());
        return parsed;
    }

    private static Config object(Config c, String key) throws ApiError {
        if (c.getValue(key).valueType() != ConfigValueType.OBJECT) throw new ApiError(400, key, "expected an object");
        return c.getConfig(key);
    }

    /**
     * The keys that name host files. A request may name only files under the images directory:
     * otherwise a client could load any file the host can read into a guest's RAM (a raw
     * {@code kernel} or {@code initrd} next to a firmware it types {@code md} into) or have a
     * snapshot written anywhere.
     */
    private static final List<String> FILE_KEYS = List.of("image", "bios", "kernel", "initrd", "snapshot.from");
    /** Written, not read: its directory must be under the images directory, the file need not exist. */
    private static final String WRITTEN_FILE_KEY = "snapshot.file";

    /** Replaces each file key with the absolute path under the images directory it names. */
    private Config confineImage(Config vm, String prefix) throws ApiError {
        Config confined = vm;
        for (String key : FILE_KEYS) confined = confine(confined, prefix, key, true);
        return confine(confined, prefix, WRITTEN_FILE_KEY, false);
    }

    private Config confine(Config vm, String prefix, String key, boolean mustExist) throws ApiError {
        if (!vm.hasPath(key)) return vm;
        String field = prefix + "." + key;
        if (vm.getValue(key).valueType() != ConfigValueType.STRING) throw new ApiError(400, field, "expected a path (a string)");
        String text = vm.getString(key);
        Path named;
        try {
            named = Path.of(text);
        } catch (java.nio.file.InvalidPathException e) {
            throw new ApiError(400, field, "not a path: " + e.getMessage());
        }
        Path resolved = images.resolve(named).normalize();
        if (named.isAbsolute() || !resolved.startsWith(images) || resolved.equals(images)) {
            throw new ApiError(400, field, "\"" + text + "\" is outside the images directory; name a file relative to it");
        }
        Path checked = mustExist ? resolved : resolved.getParent();
        if (mustExist && !Files.isRegularFile(resolved)) {
            throw new ApiError(400, field, "no such file under the images directory: " + text);
        }
        if (!mustExist && !Files.isDirectory(checked)) {
            throw new ApiError(400, field, "no such directory under the images directory for " + text);
        }
        try {
            if (!checked.toRealPath().startsWith(imagesReal)) {
                throw new ApiError(400, field, "\"" + text + "\" leads outside the images directory (symbolic link)");
            }
        } catch (IOException e) {
            throw new ApiError(400, field, "cannot read " + text + ": " + e.getMessage());
        }
        return vm.withValue(key, ConfigValueFactory.fromAnyRef(resolved.toString()));
    }

    private LabConfig load(Config root) throws ApiError {
        Path file = scratch.resolve("request-" + serial.incrementAndGet() + ".conf");
        try {
            Files.writeString(file, root.root().render(ConfigRenderOptions.concise()), StandardCharsets.UTF_8);
            return loader.load(file);
        } catch (ConfigProblem.BadValue p) {
            throw new ApiError(400, p.key(), shown(p.getMessage(), file));
        } catch (ConfigProblem p) {
            throw new ApiError(400, "(body)", shown(p.getMessage(), file));
        } catch (IOException e) {
            throw new ApiError(500, "(body)", "cannot check the request: " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a scratch file left behind costs a few bytes; the request was answered
            }
        }
    }

    private static String shown(String message, Path file) {
        return message.replace(file.toString(), SHOWN_AS);
    }
}
