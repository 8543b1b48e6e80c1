package epaprlab.orchestrator.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import epaprlab.machine.hcall.EnabledHypercalls;
import epaprlab.orchestrator.vm.Outcome;
import epaprlab.ppc.cpu.CpuModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a VM file ({@code vm { ... }}) or a lab file ({@code lab { name, vms = [...] }}) and
 * checks every key against the defaults in {@code conf/reference.conf}. Every problem names the
 * file, line and key.
 *
 * <p>A lab entry is a path to a VM file (relative to the lab file), an object with {@code file}
 * and keys that override that file's, or an inline VM object.
 */
public final class LabConfigLoader {
    private static final String DEFAULTS_PATH = "epapr-lab.vm";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final int MIN_RAM = 64 * 1024;
    private static final long MAX_RAM = 1L << 30;

    private final Config defaults;

    /** @param system the application config holding {@code epapr-lab.vm} (normally {@code ConfigFactory.load()}) */
    public LabConfigLoader(Config system) {
        this.defaults = system.getConfig(DEFAULTS_PATH);
    }

    public static LabConfigLoader withDefaults() {
        return new LabConfigLoader(ConfigFactory.load());
    }

    public LabConfig load(Path file) throws ConfigProblem {
        Config root = parse(file);
        boolean isLab = root.hasPath("lab");
        boolean isVm = root.hasPath("vm");
        if (isLab == isVm) {
            throw new ConfigProblem.BadValue(root.root().origin(), isLab ? "lab, vm" : "(top level)",
                    isLab ? "a file holds either a `lab { ... }` or a `vm { ... }` block, not both"
                          : "expected a `vm { ... }` block (one VM) or a `lab { ... }` block (several)");
        }
        if (isVm) {
            VmConfig vm = bind(object(root, "vm"), "vm", 1);
            return new LabConfig(vm.name(), file, List.of(vm));
        }
        return loadLab(file, root);
    }

    private LabConfig loadLab(Path file, Config root) throws ConfigProblem {
        Config lab = object(root, "lab");
        Set<String> known = Set.of("name", "vms");
        for (Map.Entry<String, ConfigValue> e : lab.root().entrySet()) {
            if (!known.contains(e.getKey())) {
                throw new ConfigProblem.BadValue(e.getValue().origin(), "lab." + e.getKey(), "unknown key (known: name, vms)");
            }
        }
        String name = lab.hasPath("name") ? get(lab, "name", "lab.name", Config::getString) : baseName(file);
        ConfigList entries = get(lab, "vms", "lab.vms", Config::getList);
        if (entries.isEmpty()) throw new ConfigProblem.BadValue(entries.origin(), "lab.vms", "a lab needs at least one VM");
        List<VmConfig> vms = new ArrayList<>();
        Map<String, VmConfig> byName = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            String key = "lab.vms[" + i + "]";
            VmConfig vm = bind(entry(file, entries.get(i), key), key, i + 1);
            if (byName.putIfAbsent(vm.name(), vm) != null) {
                throw new ConfigProblem.BadValue(entries.get(i).origin(), key + ".name",
                        "VM name \"" + vm.name() + "\" is used twice in this lab");
            }
            vms.add(vm);
        }
        return new LabConfig(name, file, vms);
    }

    /** One lab entry as a VM config: a file path, {@code {file = ..., overrides}}, or inline. */
    private Config entry(Path labFile, ConfigValue value, String key) throws ConfigProblem {
        Path dir = labFile.toAbsolutePath().getParent();
        if (value.valueType() == ConfigValueType.STRING) {
            return vmBlockOf(dir.resolve((String) value.unwrapped()), value.origin(), key);
        }
        if (value.valueType() != ConfigValueType.OBJECT) {
            throw new ConfigProblem.BadValue(value.origin(), key, "expected a VM file path or a VM object, found " + value.valueType());
        }
        Config entry = ((ConfigObject) value).toConfig();
        if (!entry.hasPath("file")) return entry;
        Path vmFile = dir.resolve(get(entry, "file", key + ".file", Config::getString));
        return entry.withoutPath("file").withFallback(vmBlockOf(vmFile, entry.getValue("file").origin(), key + ".file"));
    }

    private Config vmBlockOf(Path vmFile, ConfigOrigin namedAt, String key) throws ConfigProblem {
        if (!Files.isRegularFile(vmFile)) {
            throw new ConfigProblem.BadValue(namedAt, key, "no such VM file: " + vmFile);
        }
        Config root = parse(vmFile);
        if (!root.hasPath("vm")) {
            throw new ConfigProblem.BadValue(root.root().origin(), "vm", "expected a `vm { ... }` block in " + vmFile);
        }
        return object(root, "vm");
    }

    /** Checks and binds one VM's keys over the defaults. */
    private VmConfig bind(Config vm, String prefix, int position) throws ConfigProblem {
        rejectUnknownKeys(vm, prefix);
        Config c = vm.withFallback(defaults);
        String name = required(c, "name", prefix);
        if (!NAME.matcher(name).matches()) {
            throw bad(c, "name", prefix, "\"" + name + "\" is not a valid VM name (letters, digits, . _ -; at most 63)");
        }
        String imageText = required(c, "image", prefix);
        Path image = baseDir(c.getValue("image").origin()).resolve(imageText).normalize();
        if (!Files.isRegularFile(image)) throw bad(c, "image", prefix, "no such image file: " + image);

        String cpuName = get(c, "cpu", prefix + ".cpu", Config::getString);
        CpuModel cpu = CpuModel.byConfigName(cpuName).orElseThrow(() -> bad(c, "cpu", prefix,
                "unknown cpu model \"" + cpuName + "\" (expected e500mc or e5500)"));

        long ram = get(c, "ram", prefix + ".ram", Config::getBytes);
        if (ram < MIN_RAM || ram > MAX_RAM || ram % 4096 != 0) {
            throw bad(c, "ram", prefix, "RAM must be a multiple of 4 KiB between 64 KiB and 1 GiB, got " + ram + " bytes");
        }
        int vcpus = get(c, "vcpus", prefix + ".vcpus", Config::getInt);
        if (vcpus != 1) throw bad(c, "vcpus", prefix, "only 1 vCPU per VM is supported so far, got " + vcpus);
        int guestId = get(c, "guest-id", prefix + ".guest-id", Config::getInt);
        if (guestId < 0) throw bad(c, "guest-id", prefix, "must be >= 0 (0 = position in the lab)");

        String expectName = get(c, "expect", prefix + ".expect", Config::getString);
        Outcome expect = Outcome.byConfigName(expectName).orElseThrow(() -> bad(c, "expect", prefix,
                "unknown final state \"" + expectName + "\" (expected one of: " + Arrays.stream(Outcome.values())
                        .map(Outcome::configName).collect(Collectors.joining(", ")) + ")"));

        return new VmConfig(
                name, image, cpu, (int) ram, vcpus, guestId == 0 ? position : guestId,
                get(c, "bootargs", prefix + ".bootargs", Config::getString),
                positive(c, "clock-hz", prefix), positive(c, "timebase-hz", prefix),
                new EnabledHypercalls(flag(c, "hypercalls.reset", prefix), flag(c, "hypercalls.shutdown", prefix),
                        flag(c, "hypercalls.result", prefix)),
                flag(c, "hypercalls.idle", prefix),
                expect,
                positiveDuration(c, "limits.wall-timeout", prefix),
                positiveBytes(c, "console.buffer", prefix),
                positiveBytes(c, "console.max-line", prefix),
                positive(c, "engine.turn-instructions", prefix),
                get(c, "engine.idle-wait", prefix + ".engine.idle-wait", Config::getDuration));
    }

    private void rejectUnknownKeys(Config vm, String prefix) throws ConfigProblem {
        for (Map.Entry<String, ConfigValue> e : vm.entrySet()) {
            if (!defaults.hasPathOrNull(e.getKey())) {
                Set<String> known = new TreeSet<>();
                defaults.root().keySet().forEach(known::add);
                throw new ConfigProblem.BadValue(e.getValue().origin(), prefix + "." + e.getKey(),
                        "unknown key (top-level VM keys: " + String.join(", ", known) + ")");
            }
        }
    }

    private static Config parse(Path file) throws ConfigProblem {
        if (!Files.isRegularFile(file)) throw new ConfigProblem.Unreadable(file + ": no such file", null);
        try {
            return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
        } catch (ConfigException e) {
            throw new ConfigProblem.Unreadable(e.getMessage(), e);
        }
    }

    private static Config object(Config c, String key) throws ConfigProblem {
        return get(c, key, key, Config::getConfig);
    }

    private static String required(Config c, String key, String prefix) throws ConfigProblem {
        if (!c.hasPath(key)) throw new ConfigProblem.BadValue(c.root().origin(), prefix + "." + key, "is required");
        String value = get(c, key, prefix + "." + key, Config::getString);
        if (value.isBlank()) throw bad(c, key, prefix, "must not be empty");
        return value;
    }

    private static boolean flag(Config c, String key, String prefix) throws ConfigProblem {
        return get(c, key, prefix + "." + key, Config::getBoolean);
    }

    private static long positive(Config c, String key, String prefix) throws ConfigProblem {
        return checkPositive(c, key, prefix, get(c, key, prefix + "." + key, Config::getLong));
    }

    private static int positiveBytes(Config c, String key, String prefix) throws ConfigProblem {
        long v = checkPositive(c, key, prefix, get(c, key, prefix + "." + key, Config::getBytes));
        if (v > Integer.MAX_VALUE) throw bad(c, key, prefix, "must be below 2 GiB, got " + v);
        return (int) v;
    }

    private static long checkPositive(Config c, String key, String prefix, long v) throws ConfigProblem {
        if (v <= 0) throw bad(c, key, prefix, "must be > 0, got " + v);
        return v;
    }

    private static Duration positiveDuration(Config c, String key, String prefix) throws ConfigProblem {
        Duration d = get(c, key, prefix + "." + key, Config::getDuration);
        if (d.isNegative() || d.isZero()) throw bad(c, key, prefix, "must be a positive duration, got " + d);
        return d;
    }

    /** Reads a key, turning Typesafe Config's unchecked errors into a {@link ConfigProblem}. */
    private static <T> T get(Config c, String key, String shownKey, Getter<T> getter) throws ConfigProblem {
        try {
            return getter.get(c, key);
        } catch (ConfigException.Missing e) {
            throw new ConfigProblem.BadValue(c.root().origin(), shownKey, "is required");
        } catch (ConfigException e) {
            ConfigOrigin origin = e.origin() != null ? e.origin() : c.root().origin();
            throw new ConfigProblem.BadValue(origin, shownKey, stripOrigin(e.getMessage()));
        }
    }

    private static ConfigProblem.BadValue bad(Config c, String key, String prefix, String problem) {
        return new ConfigProblem.BadValue(c.getValue(key).origin(), prefix + "." + key, problem);
    }

    /** Typesafe Config starts its messages with the origin; ours puts it first already. */
    private static String stripOrigin(String message) {
        int i = message.indexOf(": ");
        int j = i < 0 ? -1 : message.indexOf(": ", i + 2);
        return j > 0 && message.substring(0, i).contains(".conf") ? message.substring(j + 2) : message;
    }

    private static Path baseDir(ConfigOrigin origin) {
        if (origin.filename() != null) {
            Path parent = Path.of(origin.filename()).toAbsolutePath().getParent();
            if (parent != null) return parent;
        }
        return Path.of("").toAbsolutePath();
    }

    private static String baseName(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    @FunctionalInterface
    private interface Getter<T> {
        T get(Config c, String key);
    }
}
