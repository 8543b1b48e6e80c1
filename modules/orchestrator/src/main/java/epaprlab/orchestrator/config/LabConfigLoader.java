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
import epaprlab.machine.board.BoardSpec;
import epaprlab.machine.board.Ppce500Images;
import epaprlab.machine.boot.BootException;
import epaprlab.machine.boot.ElfImage;
import epaprlab.machine.boot.Ppce500Layout;
import epaprlab.machine.hcall.EnabledHypercalls;
import epaprlab.orchestrator.config.VmConfig.EngineTuning;
import epaprlab.orchestrator.config.VmConfig.Limits;
import epaprlab.orchestrator.config.VmConfig.ResultRules;
import epaprlab.orchestrator.policy.Policies;
import epaprlab.orchestrator.policy.RestartIntensity;
import epaprlab.orchestrator.snapshot.VmSnapshot;
import epaprlab.machine.snapshot.SnapshotFile;
import epaprlab.machine.snapshot.SnapshotFileException;
import epaprlab.orchestrator.vm.Outcome;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.TimeSource;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Reads a VM file ({@code vm { ... }}) or a lab file ({@code lab { name, concurrency, vms }}) and
 * checks every key against the defaults in {@code conf/reference.conf}. Every problem names the
 * file, line and key.
 *
 * <p>A lab entry is a path to a VM file (relative to the lab file), or an object: {@code file}
 * (optional) plus VM keys that override it, {@code count} (that many copies, named
 * {@code name-1..name-N}) and {@code matrix} (one VM per combination of the listed values, named
 * {@code name-value-value...}).
 */
public final class LabConfigLoader {
    private static final String DEFAULTS_PATH = "epapr-lab.vm";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final int MIN_RAM = 64 * 1024;
    private static final long MAX_RAM = 1L << 30;
    private static final int MAX_VCPUS = 64;
    private static final Set<String> ENTRY_KEYS = Set.of("file", "count", "matrix");
    /** The most VMs one lab may hold, whatever the heap. */
    static final int MAX_LAB_VMS = 1_000_000;
    /** The console's byte-channel queues and line buffer are allocated whole: keep them small. */
    static final long MAX_CONSOLE_BYTES = 1L << 20;
    private static final String EPAPR = "epapr", PPCE500 = "ppce500";
    /** Keys that only one board takes; given on the other, they are an error. */
    private static final List<String> EPAPR_ONLY = List.of("image", "clock-hz", "timebase-hz");
    private static final List<String> PPCE500_ONLY = List.of("bios", "kernel", "initrd");
    private static final long PPCE500_RAM_ALIGN = 64L << 20, PPCE500_DEFAULT_RAM = 128L << 20;
    /** Where the ppce500's PCI memory window starts (QEMU's tree): RAM must end below it. */
    private static final long PPCE500_MAX_RAM = 0xC_0000_0000L;
    private static final int PPCE500_MAX_VCPUS = 32;
    /** QEMU's fixed ppce500 clocks. */
    private static final long PPCE500_HZ = 400_000_000L;

    private final Config defaults;
    private final int defaultConcurrency;
    private final HeapBudget heap;
    /** The longest delay Akka's scheduler accepts: its tick times 2^31 - 1. */
    private final Duration maxTimer;
    /** Snapshot files read by this loader ({@code snapshot.from}), by path. */
    private final Map<Path, VmSnapshot> snapshotFiles = new HashMap<>();
    /** Image files looked into by this loader (ELF class, decompressed size), each counted once. */
    private final ImagePeek images = new ImagePeek(MAX_RAM + 1);

    /**
     * @param system the application config holding {@code epapr-lab} and {@code akka} (normally
     *               {@code ConfigFactory.load()}); the lab is checked against this JVM's max heap
     */
    public LabConfigLoader(Config system) {
        this(system, HeapBudget.ofThisJvm());
    }

    /** As {@link #LabConfigLoader(Config)}, checking labs against {@code heap} instead of this JVM's. */
    public LabConfigLoader(Config system, HeapBudget heap) {
        this.defaults = system.getConfig(DEFAULTS_PATH);
        this.defaultConcurrency = system.getInt("epapr-lab.lab.concurrency");
        this.heap = heap;
        this.maxTimer = system.getDuration("akka.scheduler.tick-duration").multipliedBy(Integer.MAX_VALUE);
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
            Config block = object(root, "vm");
            VmConfig vm = bind(block, "vm", 1);
            return new LabConfig(vm.name(), file, 1, List.of(vm));
        }
        return loadLab(file, root);
    }

    private LabConfig loadLab(Path file, Config root) throws ConfigProblem {
        Config lab = object(root, "lab");
        Set<String> known = Set.of("name", "vms", "concurrency");
        for (Map.Entry<String, ConfigValue> e : lab.root().entrySet()) {
            if (!known.contains(e.getKey())) {
                throw new ConfigProblem.BadValue(e.getValue().origin(), "lab." + e.getKey(),
                        "unknown key (known: concurrency, name, vms)");
            }
        }
        String name = lab.hasPath("name") ? get(lab, "name", "lab.name", Config::getString) : baseName(file);
        int concurrency = lab.hasPath("concurrency")
                ? wholeInt(lab, "concurrency", "lab.concurrency") : defaultConcurrency;
        if (concurrency < 1) {
            throw new ConfigProblem.BadValue(lab.getValue("concurrency").origin(), "lab.concurrency", "must be >= 1");
        }
        ConfigList entries = get(lab, "vms", "lab.vms", Config::getList);
        if (entries.isEmpty()) throw new ConfigProblem.BadValue(entries.origin(), "lab.vms", "a lab needs at least one VM");
        List<VmConfig> vms = new ArrayList<>();
        Map<String, String> byName = new HashMap<>();
        long planned = 0;
        for (int i = 0; i < entries.size(); i++) {
            String key = "lab.vms[" + i + "]";
            planned += expansionSize(entries.get(i), key, planned);   // refuses millions before making them
            for (VmConfig vm : expand(file, entries.get(i), key, vms.size() + 1)) {
                String before = byName.putIfAbsent(vm.name(), key);
                if (before != null) {
                    throw new ConfigProblem.BadValue(entries.get(i).origin(), key + ".name",
                            "VM name \"" + vm.name() + "\" is used twice in this lab (also by " + before + ")");
                }
                vms.add(vm);
            }
        }
        return new LabConfig(name, file, concurrency, vms);
    }

    /**
     * How many VMs an entry will expand to (count times the product of its matrix lists), checked
     * against the lab's limits before any is made: {@code already} VMs come before it.
     */
    private long expansionSize(ConfigValue value, String key, long already) throws ConfigProblem {
        if (value.valueType() != ConfigValueType.OBJECT) return 1;
        Config entry = ((ConfigObject) value).toConfig();
        long size = entry.hasPath("count") ? Math.max(1, wholeLong(entry, "count", key + ".count")) : 1;
        ConfigOrigin at = entry.hasPath("count") ? entry.getValue("count").origin() : value.origin();
        String what = entry.hasPath("count") ? key + ".count" : key;
        if (entry.hasPath("matrix") && entry.getValue("matrix").valueType() == ConfigValueType.OBJECT) {
            for (Map.Entry<String, ConfigValue> axis : entry.getConfig("matrix").entrySet()) {
                if (axis.getValue().valueType() == ConfigValueType.LIST) {
                    try {
                        size = Math.multiplyExact(size, Math.max(1, ((ConfigList) axis.getValue()).size()));
                    } catch (ArithmeticException overflow) {
                        size = Long.MAX_VALUE;
                    }
                }
            }
            if (!entry.hasPath("count")) {
                at = entry.getValue("matrix").origin();
                what = key + ".matrix";
            }
        }
        long total = size == Long.MAX_VALUE ? size : already + size;
        long most = Math.min(MAX_LAB_VMS, heap.mostVms());
        if (size > most || total > most) {
            throw new ConfigProblem.BadValue(at, what, "the lab would hold %s VMs (this entry: %s = count × matrix); "
                    .formatted(count(total), count(size)) + "at most %s fit %s".formatted(count(most),
                    most == MAX_LAB_VMS ? "in one lab" : "in this JVM's heap of " + HeapBudget.mib(heap.maxHeapBytes())
                            + " (raise it with -Xmx, e.g. EPAPR_LAB_JAVA_OPTS=-Xmx8g)"));
        }
        return size;
    }

    private static String count(long n) {
        return n == Long.MAX_VALUE ? "more than 2^63" : String.format(Locale.ROOT, "%,d", n);
    }

    /** One lab entry as one or more VMs: a file path, or an object with file/count/matrix/overrides. */
    private List<VmConfig> expand(Path labFile, ConfigValue value, String key, int firstPosition) throws ConfigProblem {
        Path dir = labFile.toAbsolutePath().getParent();
        if (value.valueType() == ConfigValueType.STRING) {
            return List.of(bind(vmBlockOf(resolve(dir, (String) value.unwrapped(), value.origin(), key), value.origin(), key), key,
                    firstPosition));
        }
        if (value.valueType() != ConfigValueType.OBJECT) {
            throw new ConfigProblem.BadValue(value.origin(), key, "expected a VM file path or a VM object, found " + value.valueType());
        }
        Config entry = ((ConfigObject) value).toConfig();
        Config vm = entry.withoutPath("count").withoutPath("matrix").withoutPath("file");
        if (entry.hasPath("file")) {
            Path vmFile = resolve(dir, get(entry, "file", key + ".file", Config::getString), entry.getValue("file").origin(), key + ".file");
            vm = vm.withFallback(vmBlockOf(vmFile, entry.getValue("file").origin(), key + ".file"));
        }
        int count = entry.hasPath("count") ? wholeInt(entry, "count", key + ".count") : 1;
        if (count < 1 || count > 1_000_000) {
            throw new ConfigProblem.BadValue(entry.getValue("count").origin(), key + ".count", "must be 1..1000000, got " + count);
        }
        List<Config> variants = new ArrayList<>();
        List<String> suffixes = new ArrayList<>();
        variants.add(vm);
        suffixes.add("");
        if (entry.hasPath("matrix")) {
            for (Map.Entry<String, ConfigValue> axis : matrixAxes(entry, key).entrySet()) {
                List<Config> nextVariants = new ArrayList<>();
                List<String> nextSuffixes = new ArrayList<>();
                ConfigList values = (ConfigList) axis.getValue();
                for (int v = 0; v < variants.size(); v++) {
                    for (ConfigValue choice : values) {
                        nextVariants.add(variants.get(v).withValue(axis.getKey(), choice));
                        nextSuffixes.add(suffixes.get(v) + "-" + slug(choice.unwrapped()));
                    }
                }
                variants = nextVariants;
                suffixes = nextSuffixes;
            }
        }
        List<VmConfig> out = new ArrayList<>();
        int position = firstPosition;
        for (int v = 0; v < variants.size(); v++) {
            VmConfig base = bind(variants.get(v), key, position, suffixes.get(v));
            if ((count > 1 || variants.size() > 1) && base.snapshot().file().isPresent() && !base.snapshot().bootOnce()) {
                throw bad(variants.get(v), "snapshot.file", key, "every VM of this entry (count × matrix) would write "
                        + base.snapshot().file().get() + ": with boot-once = true only the VM that boots writes it");
            }
            if (count == 1) {
                out.add(base);
                position++;
                continue;
            }
            boolean autoId = variants.get(v).withFallback(defaults).getInt("guest-id") == 0;
            int width = String.valueOf(count).length();
            // the copies' names are longer than the entry's, and every copy's is as long: the tree holds it
            checkBoots(variants.get(v).withFallback(defaults), key,
                    base.renamed(base.name() + "-" + "0".repeat(width), base.board().guestId()));
            for (int c = 1; c <= count; c++) {
                String name = base.name() + "-" + String.format(Locale.ROOT, "%0" + width + "d", c);
                checkName(name, variants.get(v), key);
                out.add(base.renamed(name, autoId ? position : base.board().guestId()));
                position++;
            }
        }
        return out;
    }

    private Map<String, ConfigValue> matrixAxes(Config entry, String key) throws ConfigProblem {
        ConfigValue m = entry.getValue("matrix");
        if (m.valueType() != ConfigValueType.OBJECT) {
            throw new ConfigProblem.BadValue(m.origin(), key + ".matrix", "expected an object of key = [values]");
        }
        Map<String, ConfigValue> axes = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : ((ConfigObject) m).toConfig().entrySet()) {
            if (e.getValue().valueType() != ConfigValueType.LIST || ((ConfigList) e.getValue()).isEmpty()) {
                throw new ConfigProblem.BadValue(e.getValue().origin(), key + ".matrix." + e.getKey(), "expected a non-empty list of values");
            }
            if (!defaults.hasPathOrNull(e.getKey())) {
                throw new ConfigProblem.BadValue(e.getValue().origin(), key + ".matrix." + e.getKey(), "unknown VM key");
            }
            if (e.getKey().equals("name")) {      // it replaced the entry's name and was added again: VMs "a-a", "b-b"
                throw new ConfigProblem.BadValue(e.getValue().origin(), key + ".matrix.name", "a matrix's VMs are named "
                        + "<name>-<value>-<value>... after the entry's name: give the entry a name, not a matrix of names");
            }
            axes.put(e.getKey(), e.getValue());
        }
        return axes;
    }

    private Config vmBlockOf(Path vmFile, ConfigOrigin namedAt, String key) throws ConfigProblem {
        FileKind kind = FileKind.of(vmFile);
        if (kind == FileKind.MISSING) throw new ConfigProblem.BadValue(namedAt, key, "no such VM file: " + vmFile);
        if (kind != FileKind.REGULAR) throw new ConfigProblem.BadValue(namedAt, key, "the VM file " + kind.problem(vmFile));
        Config root = parse(vmFile);
        if (!root.hasPath("vm")) {
            throw new ConfigProblem.BadValue(root.root().origin(), "vm", "expected a `vm { ... }` block in " + vmFile);
        }
        return object(root, "vm");
    }

    private VmConfig bind(Config vm, String prefix, int position) throws ConfigProblem {
        return bind(vm, prefix, position, "");
    }

    /** Checks and binds one VM's keys over the defaults; {@code nameSuffix} comes from a matrix. */
    private VmConfig bind(Config vm, String prefix, int position, String nameSuffix) throws ConfigProblem {
        for (String entryKey : ENTRY_KEYS) {
            if (vm.hasPathOrNull(entryKey) && prefix.equals("vm")) {
                throw new ConfigProblem.BadValue(vm.getValue(entryKey).origin(), prefix + "." + entryKey,
                        "only lab entries take `" + entryKey + "`");
            }
        }
        rejectUnknownKeys(vm, prefix);
        Config c = vm.withFallback(defaults);
        ConfigOrigin own = vm.root().origin();
        String name = required(c, "name", prefix, own) + nameSuffix;
        checkName(name, c, prefix);
        String boardName = choice(c, "board", prefix, new String[] {EPAPR, PPCE500}, b -> b);
        boolean ppce500 = boardName.equals(PPCE500);
        rejectOtherBoardKeys(vm, prefix, boardName, ppce500 ? EPAPR_ONLY : PPCE500_ONLY);
        Path image;
        Optional<VmConfig.Ppce500Files> files = Optional.empty();
        if (ppce500) {
            VmConfig.Ppce500Files f = new VmConfig.Ppce500Files(file(c, "bios", prefix), file(c, "kernel", prefix),
                    file(c, "initrd", prefix));
            if (f.bios().isEmpty() && f.kernel().isEmpty()) {
                throw new ConfigProblem.BadValue(c.getValue("board").origin(), prefix + ".bios",
                        "a ppce500 VM needs `bios` (firmware such as U-Boot) or `kernel` (or both)");
            }
            if (f.kernel().isEmpty()) {         // QEMU refuses both without -kernel: nothing would read them
                if (!get(c, "bootargs", prefix + ".bootargs", Config::getString).isEmpty()) {
                    throw bad(c, "bootargs", prefix, "bootargs are the kernel's command line: give `kernel` too "
                            + "(QEMU: -append only allowed with -kernel option)");
                }
                if (f.initrd().isPresent()) {
                    throw bad(c, "initrd", prefix, "an initrd is the kernel's: give `kernel` too (QEMU: -initrd only allowed "
                            + "with -kernel option)");
                }
            }
            files = Optional.of(f);
            image = f.bios().orElseGet(() -> f.kernel().orElseThrow());
        } else {
            String imageText = required(c, "image", prefix, own);
            image = resolve(baseDir(c.getValue("image").origin()), imageText, c.getValue("image").origin(), prefix + ".image").normalize();
            FileKind kind = FileKind.of(image);
            if (kind == FileKind.MISSING) throw bad(c, "image", prefix, "no such image file: " + image);
            if (kind != FileKind.REGULAR) throw bad(c, "image", prefix, "the image " + kind.problem(image));
        }

        CpuModel cpu = choice(c, "cpu", prefix, CpuModel.values(), CpuModel::configName);
        // the payload CPU 0 enters: a ppce500 kernel given with a bios is only copied for the firmware
        String payloadKey = ppce500 ? (files.orElseThrow().bios().isPresent() ? "bios" : "kernel") : "image";
        if (!cpu.has64Bit() && isElf64(image)) {
            throw bad(c, payloadKey, prefix, image + " is an ELF64 image; cpu = " + cpu.configName()
                    + " runs 32-bit code only (use cpu = e5500, or a 32-bit image)");
        }
        long ram = ppce500 && !vm.hasPath("ram") ? PPCE500_DEFAULT_RAM : bytes(c, "ram", prefix + ".ram");
        if (ppce500 && (ram <= 0 || ram % PPCE500_RAM_ALIGN != 0)) {
            throw bad(c, "ram", prefix, "RAM of a ppce500 VM must be a multiple of 64 MiB (as QEMU's ppce500 requires), got "
                    + ram + " bytes");
        }
        if (ppce500 && ram > PPCE500_MAX_RAM) {
            throw bad(c, "ram", prefix, "RAM of a ppce500 VM must be at most 48 GiB (above it RAM would cover the PCI memory"
                    + " window at 0xC_0000_0000 that the device tree gives the guest), got " + ram + " bytes");
        }
        if (!ppce500 && (ram < MIN_RAM || ram > MAX_RAM || ram % 4096 != 0)) {
            throw bad(c, "ram", prefix, "RAM must be a multiple of 4 KiB between 64 KiB and 1 GiB, got " + ram + " bytes");
        }
        if (ppce500) {
            checkFitsRam(c, prefix, files.orElseThrow(), ram);
            checkPlacement(c, prefix, files.orElseThrow(), ram, payloadKey, image);
        }
        int vcpus = wholeInt(c, "vcpus", prefix + ".vcpus");
        int maxVcpus = ppce500 ? PPCE500_MAX_VCPUS : MAX_VCPUS;
        if (vcpus < 1 || vcpus > maxVcpus) throw bad(c, "vcpus", prefix, "must be 1.." + maxVcpus + ", got " + vcpus);
        int guestId = wholeInt(c, "guest-id", prefix + ".guest-id");
        if (guestId < 0) throw bad(c, "guest-id", prefix, "must be >= 0 (0 = position in the lab)");

        BoardSpec board = new BoardSpec(name, guestId == 0 ? position : guestId, cpu, ram, vcpus,
                new EnabledHypercalls(flag(c, "hypercalls.reset", prefix), flag(c, "hypercalls.shutdown", prefix),
                        flag(c, "hypercalls.result", prefix)),
                flag(c, "hypercalls.idle", prefix), bootargs(c, prefix, ppce500),
                ppce500 ? PPCE500_HZ : positive(c, "clock-hz", prefix), ppce500 ? PPCE500_HZ : positive(c, "timebase-hz", prefix),
                consoleBytes(c, "console.buffer", prefix),
                choice(c, "time-base", prefix, TimeSource.values(), LabConfigLoader::lower),
                compileThreshold(c, prefix));

        Policies policies = new Policies(
                choice(c, "on-reset", prefix, Policies.OnReset.values(), LabConfigLoader::lower),
                choice(c, "on-shutdown", prefix, Policies.OnShutdown.values(), LabConfigLoader::lower),
                choice(c, "on-crash", prefix, Policies.OnFault.values(), LabConfigLoader::lower),
                choice(c, "on-watchdog", prefix, Policies.OnFault.values(), LabConfigLoader::lower),
                intensity(c, prefix));
        long maxInstructions = wholeLong(c, "limits.max-instructions", prefix + ".limits.max-instructions");
        if (maxInstructions < 0) throw bad(c, "limits.max-instructions", prefix, "must be >= 0 (0 = no limit)");
        Duration silence = nonNegativeDuration(c, "limits.console-silence", prefix);
        Limits limits = new Limits(positiveDuration(c, "limits.wall-timeout", prefix), maxInstructions, silence);
        ResultRules result = new ResultRules(pattern(c, "result.pass-pattern", prefix),
                pattern(c, "result.fail-pattern", prefix), flag(c, "result.end-on-result", prefix));
        EngineTuning engine = new EngineTuning(positive(c, "engine.turn-instructions", prefix),
                nonNegativeDuration(c, "engine.spin-poll", prefix), traceBranches(c, prefix), gdb(c, prefix));
        VmConfig bound = new VmConfig(image, board, policies, limits, result, expect(c, prefix), engine,
                consoleBytes(c, "console.max-line", prefix), consoleSteps(c, prefix), files,
                snapshotRules(c, prefix, prefix + nameSuffix, boardName, board));
        checkBoots(c, prefix, bound);
        return bound;
    }

    /**
     * On the ePAPR board, that the VM can boot (else it could only end {@code crashed} at its
     * first boot): an ELF image is one the image loader takes (its headers checked as the loader
     * checks them; a file that is no ELF at all is left to the loader), its segments fit in RAM, and the device tree blob (with the bootargs, on the
     * longest boot) and the spin table fit in RAM after it, as the board places them.
     */
    private void checkBoots(Config c, String prefix, VmConfig vm) throws ConfigProblem {
        if (vm.ppce500().isPresent()) return;
        BoardSpec b = vm.board();
        long end;
        try {
            ElfImage headers = images.headers(vm.image());
            headers.checkFits(b.ramBytes());
            end = headers.highestPhysicalEnd();
        } catch (BootException.NotElf notElf) {
            return;                           // no ELF at all (a stand-in file): the loader names it at boot
        } catch (BootException e) {
            throw bad(c, "image", prefix, e.getMessage());
        } catch (java.io.IOException e) {
            throw bad(c, "image", prefix, "cannot read " + vm.image() + ": " + e.getMessage());
        }
        int blob = DeviceTreeRoom.blobBytes(b, b.bootargs());
        if (DeviceTreeRoom.fits(end, blob, b)) return;
        long most = DeviceTreeRoom.mostBootargs(end, b);
        if (most < 0 || b.bootargs().isEmpty()) {
            throw bad(c, "image", prefix, "%s loads up to 0x%x; the device tree blob (%d bytes%s) goes after it, at the next 4 KiB"
                    .formatted(vm.image(), end, DeviceTreeRoom.blobBytes(b, ""), b.vcpus() > 1 ? ", then the spin table" : "")
                    + " boundary, and does not fit in the VM's RAM (ram = %d bytes): give the VM more RAM".formatted(b.ramBytes()));
        }
        throw bad(c, "bootargs", prefix, ("%d bytes do not fit: the ePAPR board puts the device tree blob that holds them "
                + "(%d bytes) after the image, which loads up to 0x%x, in the VM's RAM (ram = %d bytes); at most %d bytes of "
                + "bootargs fit there (more RAM fits more)").formatted(DeviceTreeRoom.utf8Bytes(b.bootargs()), blob, end,
                b.ramBytes(), most));
    }

    /** {@code snapshot { at, console-pattern, file, from }} and {@code boot-once}. */
    private VmConfig.SnapshotRules snapshotRules(Config c, String prefix, String group, String boardName, BoardSpec board)
            throws ConfigProblem {
        VmConfig.SnapshotAt at = choice(c, "snapshot.at", prefix, VmConfig.SnapshotAt.values(), LabConfigLoader::lower);
        Optional<Pattern> pattern = pattern(c, "snapshot.console-pattern", prefix);
        if (at == VmConfig.SnapshotAt.CONSOLE && pattern.isEmpty()) {
            throw bad(c, "snapshot.at", prefix, "snapshot.at = console needs snapshot.console-pattern");
        }
        if (at != VmConfig.SnapshotAt.CONSOLE && pattern.isPresent()) {
            throw bad(c, "snapshot.console-pattern", prefix, "is used only with snapshot.at = console");
        }
        Optional<Path> save = Optional.empty();
        if (c.hasPath("snapshot.file")) {
            String text = get(c, "snapshot.file", prefix + ".snapshot.file", Config::getString);
            if (text.isBlank()) throw bad(c, "snapshot.file", prefix, "must not be empty");
            ConfigOrigin origin = c.getValue("snapshot.file").origin();
            Path p = resolve(baseDir(origin), text, origin, prefix + ".snapshot.file").normalize();
            FileKind kind = FileKind.of(p.getParent());
            if (kind != FileKind.DIRECTORY) throw bad(c, "snapshot.file", prefix, "cannot be written: its directory " + kind.problem(p.getParent()));
            if (FileKind.of(p) != FileKind.MISSING && FileKind.of(p) != FileKind.REGULAR) {
                throw bad(c, "snapshot.file", prefix, "cannot be written: " + FileKind.of(p).problem(p));
            }
            save = Optional.of(p);
        }
        Optional<VmSnapshot> from = Optional.empty();
        Optional<Path> fromFile = file(c, "snapshot.from", prefix);
        if (fromFile.isPresent()) from = Optional.of(storedSnapshot(c, prefix, fromFile.get(), boardName, board));
        boolean bootOnce = flag(c, "boot-once", prefix);
        if (bootOnce && at == VmConfig.SnapshotAt.NONE) {
            throw bad(c, "boot-once", prefix, "needs a snapshot point: snapshot.at = hypercall or console");
        }
        return new VmConfig.SnapshotRules(at, pattern, save, from, bootOnce, group);
    }

    /**
     * The snapshot file {@code path} ({@code snapshot.from}), read once per loader: every VM that
     * names it shares one immutable snapshot. A damaged file, one of another format version, or one
     * of another board, RAM size or vCPU count is refused here, naming the file.
     */
    private VmSnapshot storedSnapshot(Config c, String prefix, Path path, String boardName, BoardSpec board)
            throws ConfigProblem {
        VmSnapshot s = snapshotFiles.get(path);
        if (s == null) {
            try {
                s = new VmSnapshot(SnapshotFile.read(path), "snapshot file " + path);
            } catch (SnapshotFileException e) {
                throw bad(c, "snapshot.from", prefix, "refused: " + e.getMessage());
            } catch (java.io.IOException e) {
                throw bad(c, "snapshot.from", prefix, "cannot read " + path + ": " + e.getMessage());
            }
            snapshotFiles.put(path, s);
        }
        String mismatch = s.machine().mismatch(boardName, board.cpu().configName(), board.ramBytes(), board.vcpus());
        if (mismatch != null) throw bad(c, "snapshot.from", prefix, path + ": " + mismatch);
        return s;
    }

    private static final Set<String> STEP_KEYS = Set.of("wait", "send", "timeout");

    /** {@code console.steps}: a list of {@code { wait = REGEX, send = LINE, timeout = DURATION }}. */
    private List<VmConfig.ConsoleStep> consoleSteps(Config c, String prefix) throws ConfigProblem {
        String key = "console.steps";
        ConfigList list = get(c, key, prefix + "." + key, Config::getList);
        Duration defaultTimeout = positiveDuration(c, "console.step-timeout", prefix);
        List<VmConfig.ConsoleStep> steps = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = prefix + "." + key + "[" + i + "]";
            if (!(list.get(i) instanceof ConfigObject object)) {
                throw new ConfigProblem.BadValue(list.get(i).origin(), at,
                        "a step is an object { wait = REGEX, send = LINE, timeout = DURATION }");
            }
            Config step = object.toConfig();
            for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
                if (!STEP_KEYS.contains(e.getKey())) {
                    throw new ConfigProblem.BadValue(e.getValue().origin(), at + "." + e.getKey(),
                            "unknown key (step keys: send, timeout, wait)");
                }
            }
            if (!step.hasPath("wait")) throw new ConfigProblem.BadValue(object.origin(), at + ".wait", "is required");
            Optional<Pattern> wait = pattern(step, "wait", at);
            if (wait.isEmpty()) throw bad(step, "wait", at, "must not be empty");
            Optional<String> send = step.hasPath("send")
                    ? Optional.of(get(step, "send", at + ".send", Config::getString)) : Optional.empty();
            Duration timeout = step.hasPath("timeout") ? positiveDuration(step, "timeout", at) : defaultTimeout;
            steps.add(new VmConfig.ConsoleStep(i + 1, wait.get(), send, timeout));
        }
        return steps;
    }

    private RestartIntensity intensity(Config c, String prefix) throws ConfigProblem {
        int max = wholeInt(c, "restart.max-restarts", prefix + ".restart.max-restarts");
        if (max < 0) throw bad(c, "restart.max-restarts", prefix, "must be >= 0");
        Duration within = positiveDuration(c, "restart.within", prefix);
        Duration min = nonNegativeDuration(c, "restart.backoff-min", prefix);
        Duration maxBackoff = nonNegativeDuration(c, "restart.backoff-max", prefix);
        if (maxBackoff.compareTo(min) < 0) throw bad(c, "restart.backoff-max", prefix, "must be >= restart.backoff-min");
        return new RestartIntensity(max, within, min, maxBackoff);
    }

    private static Set<Outcome> expect(Config c, String prefix) throws ConfigProblem {
        ConfigValue v = c.getValue("expect");
        List<String> names = v.valueType() == ConfigValueType.LIST
                ? get(c, "expect", prefix + ".expect", Config::getStringList)
                : List.of(get(c, "expect", prefix + ".expect", Config::getString));
        if (names.isEmpty()) throw bad(c, "expect", prefix, "name at least one outcome");
        Set<Outcome> out = EnumSet.noneOf(Outcome.class);
        for (String n : names) {
            out.add(Outcome.byConfigName(n).orElseThrow(() -> bad(c, "expect", prefix, "unknown final state \"" + n
                    + "\" (expected one of: " + Arrays.stream(Outcome.values()).map(Outcome::configName)
                    .collect(Collectors.joining(", ")) + ")")));
        }
        return out;
    }

    private static Optional<Pattern> pattern(Config c, String key, String prefix) throws ConfigProblem {
        String text = get(c, key, prefix + "." + key, Config::getString);
        if (text.isEmpty()) return Optional.empty();
        try {
            return Optional.of(Pattern.compile(text));
        } catch (PatternSyntaxException e) {
            throw bad(c, key, prefix, "not a regular expression: " + e.getDescription() + " at index " + e.getIndex());
        }
    }

    private static <E> E choice(Config c, String key, String prefix, E[] values, java.util.function.Function<E, String> nameOf)
            throws ConfigProblem {
        String text = get(c, key, prefix + "." + key, Config::getString);
        for (E v : values) if (nameOf.apply(v).equals(text)) return v;
        throw bad(c, key, prefix, "unknown value \"" + text + "\" (expected " + Arrays.stream(values).map(nameOf)
                .collect(Collectors.joining(" or ")) + ")");
    }

    private static String lower(Enum<?> e) { return e.name().toLowerCase(Locale.ROOT).replace('_', '-'); }

    /** A key of the other board given for this one (in the VM's own keys, not the defaults). */
    private static void rejectOtherBoardKeys(Config vm, String prefix, String board, List<String> foreign) throws ConfigProblem {
        for (String key : foreign) {
            if (vm.hasPath(key)) {
                throw new ConfigProblem.BadValue(vm.getValue(key).origin(), prefix + "." + key,
                        "not a key of board = " + board + " (" + String.join(", ", foreign) + " belong to board = "
                                + (board.equals(EPAPR) ? PPCE500 : EPAPR) + ")");
            }
        }
    }

    /** An optional file key, resolved against the file that names it; it must exist. */
    private static Optional<Path> file(Config c, String key, String prefix) throws ConfigProblem {
        if (!c.hasPath(key)) return Optional.empty();
        String text = get(c, key, prefix + "." + key, Config::getString);
        if (text.isBlank()) throw bad(c, key, prefix, "must not be empty");
        ConfigOrigin origin = c.getValue(key).origin();
        Path p = resolve(baseDir(origin), text, origin, prefix + "." + key).normalize();
        FileKind kind = FileKind.of(p);
        if (kind == FileKind.MISSING) throw bad(c, key, prefix, "no such file: " + p);
        if (kind != FileKind.REGULAR) throw bad(c, key, prefix, "the " + key + " file " + kind.problem(p));
        return Optional.of(p);
    }

    private void rejectUnknownKeys(Config vm, String prefix) throws ConfigProblem {
        for (Map.Entry<String, ConfigValue> e : vm.entrySet()) {
            if (!defaults.hasPathOrNull(e.getKey())) {
                // name the keys of the deepest block the defaults know (restart.max: restart's keys)
                List<String> path = com.typesafe.config.ConfigUtil.splitPath(e.getKey());
                String block = "";
                for (int n = path.size() - 1; n > 0 && block.isEmpty(); n--) {
                    String parent = com.typesafe.config.ConfigUtil.joinPath(path.subList(0, n));
                    if (defaults.hasPath(parent) && defaults.getValue(parent) instanceof com.typesafe.config.ConfigObject) block = parent;
                }
                Set<String> known = new TreeSet<>(block.isEmpty() ? defaults.root().keySet() : defaults.getConfig(block).root().keySet());
                throw new ConfigProblem.BadValue(e.getValue().origin(), prefix + "." + e.getKey(),
                        "unknown key (" + (block.isEmpty() ? "top-level VM keys" : "keys of " + block) + ": " + String.join(", ", known) + ")");
            }
        }
    }

    /** A valid VM name (and, for the host API, lab name): letters, digits, . _ -, at most 63, not starting with . _ -. */
    public static boolean isValidName(String name) {
        return NAME.matcher(name).matches();
    }

    private static void checkName(String name, Config c, String prefix) throws ConfigProblem {
        if (!isValidName(name)) {
            ConfigOrigin origin = c.hasPath("name") ? c.getValue("name").origin() : c.root().origin();
            throw new ConfigProblem.BadValue(origin, prefix + ".name",
                    "\"" + name + "\" is not a valid VM name (letters, digits, . _ -; at most 63)");
        }
    }

    /** A matrix value as part of a VM name. */
    private static String slug(Object value) {
        return String.valueOf(value).replaceAll("[^A-Za-z0-9._-]+", "_");
    }

    private static Config parse(Path file) throws ConfigProblem {
        Config read = readFile(file);
        try {
            return read.resolve();
        } catch (StackOverflowError e) {          // the resolver recurses once per link of a ${...} chain
            throw new ConfigProblem.Unreadable(file + ": substitutions (${...}) refer to each other in a chain too long "
                    + "to resolve (a config needs a few links)", null);
        } catch (ConfigException e) {
            throw unreadable(e);
        }
    }

    /** The largest config file read: configs are kilobytes (a lab of 100,000 inline VMs about 10 MiB). */
    static final long MAX_CONFIG_BYTES = 64L << 20;

    /**
     * Reads a HOCON file as it is written, substitutions unresolved (the caller resolves it, alone
     * or over other configs): only a regular file, and no object or list nested deeper than
     * {@link ConfigNesting#MAX_DEPTH}, refused by line before the parser's recursion could
     * overflow the stack on it. Every problem names the file and, where known, the line.
     */
    public static Config readFile(Path file) throws ConfigProblem {
        FileKind kind = FileKind.of(file);
        if (kind != FileKind.REGULAR) throw new ConfigProblem.Unreadable(kind.problem(file), null);
        String text;
        try {
            long size = Files.size(file);
            if (size > MAX_CONFIG_BYTES) {          // a disk image given by mistake: refused before it fills the heap
                throw new ConfigProblem.Unreadable("%s: %,d bytes; a config file may have at most %d MiB (is it the config?)"
                        .formatted(file, size, MAX_CONFIG_BYTES >> 20), null);
            }
            text = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new ConfigProblem.Unreadable(file + ": cannot read: " + e.getMessage(), e);
        }
        var deepLine = ConfigNesting.tooDeep(text);
        if (deepLine.isPresent()) throw new ConfigProblem.Unreadable(file + ":" + deepLine.getAsInt() + ": " + ConfigNesting.problem(), null);
        Config parsed;
        try {
            // a bare file name has no parent for Typesafe Config: its relative includes were looked up on
            // the class path instead of next to it ("run lab.conf" skipped them, or refused a required one)
            java.io.File source = file.getParent() == null ? Path.of(".").resolve(file).toFile() : file.toFile();
            parsed = ConfigFactory.parseFile(source, ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (StackOverflowError e) {          // the parser recurses once per level: a hostile nesting of included files
            throw new ConfigProblem.Unreadable(file + ": " + ConfigNesting.problem(), null);
        } catch (ConfigException e) {
            throw missingInclude(file, text, e).orElseGet(() -> unreadable(e));
        }
        var deep = ConfigNesting.tooDeep(parsed.root());
        if (deep.isPresent()) throw new ConfigProblem.Unreadable(ConfigProblem.where(deep.get()) + ConfigNesting.problem(), null);
        return parsed;
    }

    /** Typesafe Config's words for an include it could not read: "NAME: java.io.SomeException: why". */
    private static final java.util.regex.Pattern INCLUDE_UNREADABLE =
            java.util.regex.Pattern.compile("^(.+?): java\\.io\\.\\w+: (.*)$", java.util.regex.Pattern.DOTALL);

    /**
     * A {@code include required(...)} of {@code file} that could not be read (missing, unreadable),
     * named by the line that includes it: Typesafe Config names only the included file, not who
     * asked for it. Empty for other problems and for an include made by an included file (its own
     * text is not here; the library's message stands).
     */
    private static java.util.Optional<ConfigProblem> missingInclude(Path file, String text, ConfigException e) {
        if (!(e instanceof ConfigException.IO) || e.getMessage() == null) return java.util.Optional.empty();
        var m = INCLUDE_UNREADABLE.matcher(e.getMessage());
        if (!m.matches()) return java.util.Optional.empty();
        String quoted = "\"" + m.group(1) + "\"";
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("include") && lines[i].contains(quoted)) {
                // "include was not found", "resource not found on classpath", "(No such file or directory)":
                // the library's and the JDK's words for a missing file; anything else (permissions) as they say it
                String why = m.group(2).contains("not found") || m.group(2).contains("(No such file or directory)")
                        ? "no such file " + m.group(1) : m.group(2);
                return java.util.Optional.of(new ConfigProblem.Unreadable(
                        file + ":" + (i + 1) + ": " + lines[i].strip() + ": " + why, e));
            }
        }
        return java.util.Optional.empty();
    }

    /** Typesafe Config writes "file: 2: problem"; ours is "file:2: problem", as everywhere else. */
    private static ConfigProblem unreadable(ConfigException e) {
        String prefix = e.origin() == null ? null : e.origin().description() + ": ";
        return new ConfigProblem.Unreadable(prefix != null && e.getMessage().startsWith(prefix)
                ? ConfigProblem.where(e.origin()) + e.getMessage().substring(prefix.length()) : e.getMessage(), e);
    }

    private static Config object(Config c, String key) throws ConfigProblem {
        return get(c, key, key, Config::getConfig);
    }

    /** A required key; when it is missing the error points at the user's block ({@code own}), not the defaults. */
    private static String required(Config c, String key, String prefix, ConfigOrigin own) throws ConfigProblem {
        if (!c.hasPath(key)) throw new ConfigProblem.BadValue(own, prefix + "." + key, "is required");
        String value = get(c, key, prefix + "." + key, Config::getString);
        if (value.isBlank()) throw bad(c, key, prefix, "must not be empty");
        return value;
    }

    private static boolean flag(Config c, String key, String prefix) throws ConfigProblem {
        return get(c, key, prefix + "." + key, Config::getBoolean);
    }

    /** The most branches a vCPU may keep: the ring is allocated whole for every vCPU. */
    public static final int MAX_TRACE_BRANCHES = 65536;

    private static VmConfig.Gdb gdb(Config c, String prefix) throws ConfigProblem {
        VmConfig.GdbMode mode = choice(c, "debug.gdb", prefix, VmConfig.GdbMode.values(), LabConfigLoader::lower);
        int port = wholeInt(c, "debug.gdb-port", prefix + ".debug.gdb-port");
        if (port < 0 || port > 65535) throw bad(c, "debug.gdb-port", prefix, "must be 0 (any free port) to 65535, got " + port);
        return new VmConfig.Gdb(mode, port);
    }

    private static int traceBranches(Config c, String prefix) throws ConfigProblem {
        String key = "debug.trace-branches";
        int v = wholeInt(c, key, prefix + "." + key);
        if (v < 0 || v > MAX_TRACE_BRANCHES) {
            throw bad(c, key, prefix, "must be 0 (off) to " + MAX_TRACE_BRANCHES + ", got " + v);
        }
        return v;
    }

    private static int compileThreshold(Config c, String prefix) throws ConfigProblem {
        String key = "engine.compile-threshold";
        int v = wholeInt(c, key, prefix + "." + key);
        if (v < 0) throw bad(c, key, prefix, "must be >= 0 (0 = never compile), got " + v);
        return v;
    }

    private static long positive(Config c, String key, String prefix) throws ConfigProblem {
        return checkPositive(c, key, prefix, wholeLong(c, key, prefix + "." + key));
    }

    /** Console buffers are allocated whole for every VM: at most {@link #MAX_CONSOLE_BYTES}. */
    private static int consoleBytes(Config c, String key, String prefix) throws ConfigProblem {
        long v = checkPositive(c, key, prefix, bytes(c, key, prefix + "." + key));
        if (v > MAX_CONSOLE_BYTES) {
            throw bad(c, key, prefix, "must be at most 1 MiB (" + MAX_CONSOLE_BYTES + " bytes), got " + v);
        }
        return (int) v;
    }

    private static long checkPositive(Config c, String key, String prefix, long v) throws ConfigProblem {
        if (v <= 0) throw bad(c, key, prefix, "must be > 0, got " + v);
        return v;
    }

    private Duration positiveDuration(Config c, String key, String prefix) throws ConfigProblem {
        Duration d = boundedDuration(c, key, prefix);
        if (d.isZero()) throw bad(c, key, prefix, "must be a positive duration, got " + Durations.format(d));
        return d;
    }

    private Duration nonNegativeDuration(Config c, String key, String prefix) throws ConfigProblem {
        return boundedDuration(c, key, prefix);
    }

    /** Every duration may become a timer, and the scheduler refuses delays beyond {@link #maxTimer}. */
    private Duration boundedDuration(Config c, String key, String prefix) throws ConfigProblem {
        Duration d = get(c, key, prefix + "." + key, Config::getDuration);
        // Typesafe Config saturates at 2^63 ns (292 years): name the value as the user wrote it.
        String written = c.getValue(key).valueType() == ConfigValueType.STRING ? (String) c.getValue(key).unwrapped()
                : Durations.format(d);
        if (d.isNegative()) throw bad(c, key, prefix, "must not be negative, got " + written);
        if (d.compareTo(maxTimer) > 0) {
            throw bad(c, key, prefix, "must be at most " + Durations.format(maxTimer.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                    + " (the longest timer of akka.scheduler.tick-duration × 2^31), got " + written);
        }
        return d;
    }

    /** An integer key; {@link #requireWhole} first, since Typesafe Config's getInt truncates 2.5 to 2. */
    private static int wholeInt(Config c, String key, String shownKey) throws ConfigProblem {
        requireWhole(c, key, shownKey);
        return get(c, key, shownKey, Config::getInt);
    }

    /** A size in bytes ({@code 256M}, or a plain number, which must then be whole: getBytes saturates 1e300 to 2^63 - 1). */
    private static long bytes(Config c, String key, String shownKey) throws ConfigProblem {
        if (c.hasPath(key) && c.getValue(key).valueType() == com.typesafe.config.ConfigValueType.NUMBER) requireWhole(c, key, shownKey);
        return get(c, key, shownKey, Config::getBytes);
    }

    private static long wholeLong(Config c, String key, String shownKey) throws ConfigProblem {
        requireWhole(c, key, shownKey);
        return get(c, key, shownKey, Config::getLong);
    }

    /** A count such as {@code vcpus = 2.5} (or {@code 1e20}) is refused, as written, instead of silently becoming 2 (or 2^63 - 1). */
    private static void requireWhole(Config c, String key, String shownKey) throws ConfigProblem {
        Number n = get(c, key, shownKey, Config::getNumber);
        if (n instanceof Double d && d != Math.rint(d)) {
            throw new ConfigProblem.BadValue(c.getValue(key).origin(), shownKey,
                    "must be a whole number, got " + c.getValue(key).render());
        }
        if (n instanceof Double d && Math.abs(d) >= 0x1p63) {      // getLong would saturate 1e20 to 2^63 - 1
            throw new ConfigProblem.BadValue(c.getValue(key).origin(), shownKey,
                    "out of range, got " + c.getValue(key).render());
        }
    }

    /** Reads a key, turning Typesafe Config's unchecked errors into a {@link ConfigProblem}. */
    private static <T> T get(Config c, String key, String shownKey, Getter<T> getter) throws ConfigProblem {
        try {
            return getter.get(c, key);
        } catch (ConfigException.Null e) {
            // `key = null` in the user's file hides the default: point at that line, not at the merge
            ConfigOrigin origin = e.origin() != null ? e.origin() : c.root().origin();
            throw new ConfigProblem.BadValue(origin, shownKey, "is null: give a value, or leave the key out for its default");
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

    private static boolean isElf64(Path image) throws ConfigProblem {
        try {
            return ImagePeek.isElf64(image);
        } catch (java.io.IOException e) {
            throw new ConfigProblem.Unreadable(image + ": cannot read the image: " + e.getMessage(), e);
        }
    }

    /**
     * A ppce500 file larger than the VM's RAM can never be loaded (QEMU refuses such an initrd at
     * start too): refused here, before the lab starts and before the file is read into the heap.
     * A gzip {@code bios} or {@code kernel} (decompressed on load) counts by its decompressed size,
     * so a gzip bomb is refused without holding a byte of it.
     */
    private void checkFitsRam(Config c, String prefix, VmConfig.Ppce500Files files, long ram) throws ConfigProblem {
        List<Map.Entry<String, Optional<Path>>> named = List.of(Map.entry("bios", files.bios()),
                Map.entry("kernel", files.kernel()), Map.entry("initrd", files.initrd()));
        for (Map.Entry<String, Optional<Path>> e : named) {
            if (e.getValue().isEmpty()) continue;
            Path p = e.getValue().get();
            long size;
            try {
                size = Files.size(p);
            } catch (java.io.IOException io) {
                throw bad(c, e.getKey(), prefix, "cannot read " + p + ": " + io.getMessage());
            }
            if (size > ram) {
                throw bad(c, e.getKey(), prefix, "%s is %d bytes, larger than the VM's RAM (ram = %d bytes)".formatted(p, size, ram));
            }
            if (size > Ppce500Images.MAX_IMAGE_BYTES) {
                throw bad(c, e.getKey(), prefix, "%s is %d bytes; files of a ppce500 VM may have at most 1 GiB".formatted(p, size));
            }
            if (e.getKey().equals("initrd")) continue;          // copied as it is: Linux unpacks it
            long inflated = inflatedSize(c, e.getKey(), prefix, p);
            if (inflated > ram) {
                throw bad(c, e.getKey(), prefix, "%s decompresses to more than the VM's RAM (ram = %d bytes)".formatted(p, ram));
            }
            if (inflated > Ppce500Images.MAX_IMAGE_BYTES) {
                throw bad(c, e.getKey(), prefix, "%s decompresses to more than 1 GiB, the most a ppce500 image may have".formatted(p));
            }
        }
    }

    /**
     * That the ppce500 board can load the payload and place a raw kernel, the initrd and the
     * device tree after it, by the board's own rule ({@link Ppce500Layout}, QEMU's): QEMU refuses
     * such a VM at start ("could not load initial ram disk", "not enough memory for device tree"),
     * so it is refused here rather than at its first boot. The payload is an ELF (by its headers)
     * or a uImage (its data at its load address), each checked as the board's loader checks it; a
     * file that is neither is left to the board, which names it at boot.
     */
    private void checkPlacement(Config c, String prefix, VmConfig.Ppce500Files files, long ram, String payloadKey, Path payload)
            throws ConfigProblem {
        long end;
        try {
            Optional<ImagePeek.UImageLoad> uimage = images.ppce500UImage(payload);
            if (uimage.isPresent()) {
                end = uimage.get().end();
            } else {
                ElfImage elf = images.ppce500Headers(payload);
                elf.checkFits(ram);
                end = Ppce500Layout.payloadEnd(elf);
            }
        } catch (BootException.NotElf neither) {
            return;                          // neither ELF nor uImage: the board names it at boot
        } catch (BootException refused) {
            throw bad(c, payloadKey, prefix, refused.getMessage());
        } catch (java.io.IOException io) {
            throw bad(c, payloadKey, prefix, "cannot read the headers of " + payload + ": " + io.getMessage());
        }
        long blobsEnd = Ppce500Layout.rawKernelAddress(end);
        if (files.bios().isPresent() && files.kernel().isPresent()) {     // the kernel goes raw after the firmware
            Path k = files.kernel().get();
            long bytes = imageBytes(c, "kernel", prefix, k);
            if (blobsEnd + bytes > ram) {
                throw bad(c, "kernel", prefix, "%s (%d bytes) goes at 0x%x on the ppce500 board (after the firmware, as QEMU places"
                        .formatted(k, bytes, blobsEnd) + " it) and does not fit the VM's RAM (ram = %d bytes)".formatted(ram));
            }
            blobsEnd += bytes;
        }
        if (files.initrd().isPresent()) {
            Path rd = files.initrd().get();
            long at = Ppce500Layout.initrdAddress(blobsEnd), bytes = imageBytes(c, "initrd", prefix, rd);
            if (at + bytes > ram) {
                throw bad(c, "initrd", prefix, ("%s (%d bytes) goes at 0x%x on the ppce500 board (as QEMU places it: 32 MiB past the"
                        + " images before it, aligned down to 16 MiB, so at 64 MiB or above), beyond the VM's RAM (ram = %d bytes;"
                        + " QEMU: could not load initial ram disk); give ram = %dM or more").formatted(rd, bytes, at, ram, ramFor(at + bytes) >> 20));
            }
        }
        long dtb = Ppce500Layout.dtbAddress(end);
        if (dtb + Ppce500Layout.DTB_SLOT > ram) {
            throw bad(c, payloadKey, prefix, "%s loads up to 0x%x; the ppce500 device tree goes at 0x%x and needs %d MiB there, beyond"
                    .formatted(payload, end, dtb, Ppce500Layout.DTB_SLOT >> 20) + " the VM's RAM (ram = %d bytes; QEMU: not enough memory"
                    .formatted(ram) + " for device tree); give ram = %dM or more".formatted(ramFor(dtb + Ppce500Layout.DTB_SLOT) >> 20));
        }
    }

    /** The least ppce500 RAM (a multiple of 64 MiB) that holds {@code end} bytes. */
    private static long ramFor(long end) {
        return (end + PPCE500_RAM_ALIGN - 1) / PPCE500_RAM_ALIGN * PPCE500_RAM_ALIGN;
    }

    /** A ppce500 file's size as the board loads it: decompressed when gzip (bios, kernel), else as it is (initrd). */
    private long imageBytes(Config c, String key, String prefix, Path p) throws ConfigProblem {
        long inflated = key.equals("initrd") ? 0 : inflatedSize(c, key, prefix, p);
        if (inflated > 0) return inflated;
        try {
            return Files.size(p);
        } catch (java.io.IOException io) {
            throw bad(c, key, prefix, "cannot read " + p + ": " + io.getMessage());
        }
    }

    /** The decompressed size of a gzip {@code bios} or {@code kernel} (0 when not gzip), beyond RAM at most by one. */
    private long inflatedSize(Config c, String key, String prefix, Path p) throws ConfigProblem {
        try {
            return images.inflatedSize(p);
        } catch (java.util.zip.ZipException | java.io.EOFException broken) {
            throw bad(c, key, prefix, p + " starts like gzip but cannot be decompressed: " + broken.getMessage());
        } catch (java.io.IOException io) {
            throw bad(c, key, prefix, "cannot read " + p + ": " + io.getMessage());
        }
    }

    /**
     * The longest -append QEMU can be given: Linux passes a program no argument longer than
     * MAX_ARG_STRLEN (131,072 bytes, its NUL included; one byte more and exec fails with E2BIG).
     * QEMU's 1 MiB ppce500 tree holds that much (checked with {@code dumpdtb}).
     */
    static final int MAX_PPCE500_BOOTARGS = 128 * 1024 - 1;

    /** {@code bootargs}; on ppce500 they are QEMU's -append, so bounded as QEMU's are. */
    private static String bootargs(Config c, String prefix, boolean ppce500) throws ConfigProblem {
        String text = get(c, "bootargs", prefix + ".bootargs", Config::getString);
        int nul = text.indexOf('\0');
        if (nul >= 0) {     // a device tree string ends at its NUL (and QEMU's -append, an exec argument, cannot hold one)
            throw bad(c, "bootargs", prefix, "holds a NUL character (\\u0000) at offset " + nul + "; a device tree string cannot");
        }
        int bytes = DeviceTreeRoom.utf8Bytes(text);
        if (ppce500 && bytes > MAX_PPCE500_BOOTARGS) {
            throw bad(c, "bootargs", prefix, "%d bytes; a ppce500 VM takes at most %d (the longest -append QEMU can be given)"
                    .formatted(bytes, MAX_PPCE500_BOOTARGS));
        }
        return text;
    }

    /** {@code text} resolved against {@code dir}; a text that names no file (a NUL in it) is an error at {@code key}, not a trace. */
    private static Path resolve(Path dir, String text, ConfigOrigin origin, String key) throws ConfigProblem {
        try {
            return dir.resolve(text);
        } catch (InvalidPathException e) {
            throw new ConfigProblem.BadValue(origin, key, "not a file path: " + e.getReason() + " (\"" + text + "\")");
        }
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
