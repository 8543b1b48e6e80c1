package epaprlab.ppc.disasm;

import static epaprlab.ppc.decode.Fields.*;

import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.decode.DecodeTable;
import epaprlab.ppc.decode.Form;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Renders instruction words the way GNU objdump 2.40 does with {@code -M e500mc} (32-bit) and
 * {@code -M e5500} (64-bit): the mnemonic family comes from the engine's own decode table, the
 * operand syntax from its {@link Form}, extended mnemonics and operand conventions follow
 * binutils' opcodes/ppc-opc.c and ppc-dis.c (decimal immediates, {@code r3}/{@code cr7}/
 * {@code 4*cr7+gt} names, {@code 0} for RA=0 in base registers, absolute branch targets, optional
 * operands omitted only when they all hold their default). Words the table does not decode, or
 * that set a reserved bit or an invalid form, render as {@code .long 0x...} like objdump.
 *
 * <p>Allocation-free it is not: meant for crash reports and the {@code disasm} command, never for
 * the interpreter's hot path.
 */
public final class Disassembler {
    private Disassembler() {}

    /** One rendered instruction: mnemonic and operand text (empty when there are none). */
    public record Insn(String mnemonic, String operands) {
        /** {@code "lwz r3,8(r1)"}: the crash-report form. */
        public String text() { return operands.isEmpty() ? mnemonic : mnemonic + " " + operands; }

        /** objdump's layout: the mnemonic padded to 7 columns, then a space and the operands. */
        public String objdumpText() {
            if (operands.isEmpty() || mnemonic.equals(".long")) return text();
            return mnemonic.length() < 7 ? "%-7s %s".formatted(mnemonic, operands) : mnemonic + " " + operands;
        }
    }

    /** Branch targets as objdump prints them without symbols: {@code 0x10038}. */
    public static final LongFunction<String> HEX_ADDRESS = a -> "0x" + Long.toHexString(a);

    /** The crash-report helper: {@code lwz r3,8(r1)} for the word at {@code pc}. */
    public static String render(CpuModel model, long pc, int word) {
        return disassemble(model, pc, word, HEX_ADDRESS).text();
    }

    public static Insn disassemble(CpuModel model, long pc, int word) {
        return disassemble(model, pc, word, HEX_ADDRESS);
    }

    /** Disassembles {@code word} at {@code pc}; {@code address} formats branch targets. */
    public static Insn disassemble(CpuModel model, long pc, int word, LongFunction<String> address) {
        DecodeTable table = DecodeTable.forModel(model);
        if (table.isIllegal(word)) return dotLong(word);
        return disassembleAs(model, pc, word, table.name(word), address);
    }

    /** Renders {@code word} as mnemonic family {@code name} (tests use it for forms no table binds yet). */
    static Insn disassembleAs(CpuModel model, long pc, int word, String name, LongFunction<String> address) {
        Form form = Form.of(name);
        if (form == null) return dotLong(word);
        if (!form.wellFormed(word)) {
            // binutils' e500mc table gives frsqrte the optional A_L operand in the FRA field
            // (ppc-opc.c, a one-bit field): objdump prints "frsqrte f0,f0,1" when FRA is 1
            if (name.equals("frsqrte") && !model.has64Bit() && ((word >>> 16) & 31) == 1
                    && Form.A_FP1.wellFormed(word & ~(0x1f << 16))) {
                int w = word;
                return new Insn(((w & 1) != 0 ? "frsqrte." : "frsqrte"), "f" + ((w >>> 21) & 31) + ",f"
                        + ((w >>> 11) & 31) + "," + ((w >>> 16) & 31));
            }
            return dotLong(word);
        }
        Insn insn = new Render(model, pc, word, name, address).render(form);
        return insn == null ? dotLong(word) : insn;
    }

    static Insn dotLong(int word) { return new Insn(".long", "0x" + Integer.toHexString(word)); }

    /**
     * Operand list with objdump's optional-operand rule (ppc-dis.c): an optional operand is
     * omitted when it and every optional operand after it hold their default value.
     */
    private static final class Ops {
        private final List<String> text = new ArrayList<>();
        private final List<Boolean> optional = new ArrayList<>();
        private final List<Boolean> isDefault = new ArrayList<>();

        Ops op(String s) { text.add(s); optional.add(false); isDefault.add(true); return this; }

        Ops opt(String s, boolean dflt) {
            text.add(s);
            optional.add(true);
            isDefault.add(dflt);
            return this;
        }

        private boolean skip(int i) {
            if (!optional.get(i)) return false;
            for (int j = i; j < text.size(); j++) if (optional.get(j) && !isDefault.get(j)) return false;
            return true;
        }

        String join() {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < text.size(); i++) {
                if (skip(i)) continue;
                if (!b.isEmpty()) b.append(',');
                b.append(text.get(i));
            }
            return b.toString();
        }
    }

    private static final String[] COND = {"lt", "gt", "eq", "so"};
    private static final String[] COND_TRUE = {"lt", "gt", "eq", "so"};
    private static final String[] COND_FALSE = {"ge", "le", "ne", "ns"};

    static String r(int n) { return "r" + n; }
    static String ra0(int n) { return n == 0 ? "0" : "r" + n; }
    static String f(int n) { return "f" + n; }
    static String cr(int n) { return "cr" + n; }
    /** A CR bit: {@code gt} in cr0, {@code 4*cr7+gt} elsewhere. */
    static String crb(int n) { return n < 4 ? COND[n] : "4*cr" + (n >> 2) + "+" + COND[n & 3]; }

    /** Trap condition names (TO field) in the order binutils' table lists them; null: none. */
    static String trapCond(int to) {
        return switch (to) {
            case 1 -> "lgt"; case 2 -> "llt"; case 4 -> "eq"; case 5 -> "lge"; case 6 -> "lle";
            case 8 -> "gt"; case 12 -> "ge"; case 16 -> "lt"; case 20 -> "le"; case 24 -> "ne";
            case 31 -> "u";
            default -> null;
        };
    }

    private record Render(CpuModel model, long pc, int w, String name, LongFunction<String> address) {
        Insn of(String mnemonic, Ops ops) { return new Insn(mnemonic, ops.join()); }
        Insn of(String mnemonic) { return new Insn(mnemonic, ""); }
        String dot(String m) { return rc(w) ? m + "." : m; }
        String withOe(String m) { return oe(w) ? m + "o" : m; }

        long target(long disp, boolean absolute) {
            if (absolute) return disp & 0xffffffffL;   // objdump prints absolute targets as 32-bit values
            long t = pc + disp;
            return model.has64Bit() ? t : t & 0xffffffffL;
        }

        Insn render(Form form) {
            return switch (form) {
                case D_ADD -> dAdd();
                case D_LOGIC -> {
                    if (w == 0x60000000) yield of("nop");
                    if (w == 0x68000000) yield of("xnop");
                    yield of(name, new Ops().op(r(ra(w))).op(r(rs(w))).op(Integer.toString(ui(w))));
                }
                case D_CMP -> cmp(true);
                case X_CMP -> cmp(false);
                case D_TRAP -> {
                    String c = trapCond(to(w));
                    String base = name.substring(0, 2);
                    yield c != null
                            ? of(base + c + "i", new Ops().op(r(ra(w))).op(Integer.toString(si(w))))
                            : of(name, new Ops().op(Integer.toString(to(w))).op(r(ra(w))).op(Integer.toString(si(w))));
                }
                case X_TRAP -> {
                    if (name.equals("tw") && to(w) == 31 && ra(w) == 0 && rb(w) == 0) yield of("trap");
                    String c = trapCond(to(w));
                    yield c != null
                            ? of(name + c, new Ops().op(r(ra(w))).op(r(rb(w))))
                            : of(name, new Ops().op(Integer.toString(to(w))).op(r(ra(w))).op(r(rb(w))));
                }
                case D_LOAD, DS_LOAD, D_FLOAD -> {
                    if (!updateFormValid()) yield null;
                    if (name.equals("lmw") && ra(w) >= rt(w)) yield null;   // RA in the range loaded
                    int disp = form == Form.DS_LOAD ? ds(w) : d(w);
                    String t = form == Form.D_FLOAD ? f(rt(w)) : r(rt(w));
                    yield of(name, new Ops().op(t).op(disp + "(" + ra0(ra(w)) + ")"));
                }
                case I_BRANCH -> {
                    String m = "b" + (lk(w) ? "l" : "") + (aa(w) ? "a" : "");
                    yield of(m, new Ops().op(address.apply(target(li(w), aa(w)))));
                }
                case B_BRANCH, XL_BRANCH -> branch(form == Form.B_BRANCH ? 0 : name.equals("bclr") ? 1 : 2);
                case SC -> of("sc", new Ops().opt(Integer.toString(lev(w)), lev(w) == 0));
                case XL_CRLOG -> crLogical();
                case XL_MCRF -> of(name, new Ops().op(cr(bf(w))).op(cr(bfa(w))));
                case NONE -> of(name);
                case XO_3 -> of(dot(withOe(name)), new Ops().op(r(rt(w))).op(r(ra(w))).op(r(rb(w))));
                case XO_2 -> of(dot(withOe(name)), new Ops().op(r(rt(w))).op(r(ra(w))));
                case XO_MULH -> of(dot(name), new Ops().op(r(rt(w))).op(r(ra(w))).op(r(rb(w))));
                case X_LOGIC -> {
                    if (rs(w) == rb(w) && name.equals("or")) yield of(dot("mr"), new Ops().op(r(ra(w))).op(r(rs(w))));
                    if (rs(w) == rb(w) && name.equals("nor")) yield of(dot("not"), new Ops().op(r(ra(w))).op(r(rs(w))));
                    yield of(dot(name), new Ops().op(r(ra(w))).op(r(rs(w))).op(r(rb(w))));
                }
                case X_UNARY -> of(dot(name), new Ops().op(r(ra(w))).op(r(rs(w))));
                case X_UNARY_NORC -> of(name, new Ops().op(r(ra(w))).op(r(rs(w))));
                case X_SHIFTI -> of(dot(name), new Ops().op(r(ra(w))).op(r(rs(w))).op(Integer.toString(sh(w))));
                case XS_SHIFTI -> of(dot(name), new Ops().op(r(ra(w))).op(r(rs(w))).op(Integer.toString(sh6(w))));
                case A_ISEL -> bc(w) < 3 && !rc(w)     // isellt/gt/eq; binutils' plain isel ignores bit 31
                        ? of("isel" + COND[bc(w)], new Ops().op(r(rt(w))).op(ra0(ra(w))).op(r(rb(w))))
                        : of(name, new Ops().op(r(rt(w))).op(ra0(ra(w))).op(r(rb(w))).op(crb(bc(w))));
                case M_RLWINM -> rlw(true);
                case M_RLWNM -> rlw(false);
                case MD -> md();
                case MDS -> {
                    if (name.equals("rldcl") && mb6(w) == 0) yield of(dot("rotld"), new Ops().op(r(ra(w))).op(r(rs(w))).op(r(rb(w))));
                    yield of(dot(name), new Ops().op(r(ra(w))).op(r(rs(w))).op(r(rb(w))).op(Integer.toString(mb6(w))));
                }
                case X_LOAD, X_FLOAD -> {
                    if (!updateFormValid()) yield null;
                    String t = form == Form.X_FLOAD ? f(rt(w)) : r(rt(w));
                    yield of(name, new Ops().op(t).op(ra0(ra(w))).op(r(rb(w))));
                }
                case X_LARX -> of(name, new Ops().op(r(rt(w))).op(ra0(ra(w))).op(r(rb(w))).opt(rc(w) ? "1" : "0", !rc(w)));
                case X_STCX -> of(name, new Ops().op(r(rs(w))).op(ra0(ra(w))).op(r(rb(w))));
                case X_MFCR -> {
                    if (oneField(w) && Integer.bitCount(fxm(w)) != 1) yield null;
                    if (oneField(w)) yield of("mfocrf", new Ops().op(r(rt(w))).op(Integer.toString(fxm(w))));
                    yield fxm(w) == 0 ? of("mfcr", new Ops().op(r(rt(w)))) : null;
                }
                case XFX_MTCRF -> {
                    if (oneField(w) && Integer.bitCount(fxm(w)) != 1) yield null;
                    if (oneField(w)) yield of("mtocrf", new Ops().op(Integer.toString(fxm(w))).op(r(rs(w))));
                    if (fxm(w) == 0xff) yield of("mtcr", new Ops().op(r(rs(w))));
                    yield of("mtcrf", new Ops().op(Integer.toString(fxm(w))).op(r(rs(w))));
                }
                case XFX_MFSPR -> name.equals("mftb") ? mftb() : sprName(true);
                case XFX_MTSPR -> sprName(false);
                case X_RT -> of(name, new Ops().op(r(rt(w))));
                case X_MTMSR -> of(name, new Ops().op(r(rs(w))).opt(Integer.toString((w >>> 16) & 1), (w & 0x10000) == 0));
                case X_WRTEEI -> of(name, new Ops().op(e(w) ? "1" : "0"));
                case X_BF -> of(name, new Ops().op(cr(bf(w))));
                case X_SYNC -> sync();
                case X_MBAR -> of(name, new Ops().opt(Integer.toString(rt(w)), rt(w) == 0));
                case X_WAIT -> switch ((w >>> 21) & 3) {
                    case 0 -> of("wait");
                    case 1 -> of("waitrsv");
                    case 2 -> of("waitimpl");
                    default -> of("wait", new Ops().op("3"));
                };
                case X_TLBRE -> of(name, new Ops().opt(r(rt(w)), rt(w) == 0).opt(r(ra(w)), ra(w) == 0)
                        .opt(Integer.toString(rb(w)), rb(w) == 0));
                case X_TLBSX -> of(dot(name), new Ops().opt(r(rt(w)), rt(w) == 0).op(ra0(ra(w))).op(r(rb(w))));
                case X_CACHE_L -> of(rt(w) == 1 ? name + "l" : name, new Ops().op(ra0(ra(w))).op(r(rb(w))));
                case X_CACHE -> of(name, new Ops().op(ra0(ra(w))).op(r(rb(w))));
                case X_DCBF -> {
                    int l = (w >>> 21) & 3;
                    if (l == 2) yield null;
                    if (l == 1 && model.has64Bit()) yield of("dcbfl", new Ops().op(ra0(ra(w))).op(r(rb(w))));
                    yield of(name, new Ops().op(ra0(ra(w))).op(r(rb(w))).opt(Integer.toString(l), l == 0));
                }
                case X_TOUCH -> rt(w) == 16 && model.has64Bit() && !name.equals("icbt")   // transient hint
                        ? of(name + "t", new Ops().op(ra0(ra(w))).op(r(rb(w))))
                        : of(name, new Ops().opt(Integer.toString(rt(w)), rt(w) == 0).op(ra0(ra(w))).op(r(rb(w))));
                case X_LOCK -> of(name, new Ops().opt(Integer.toString(rt(w)), rt(w) == 0).op(ra0(ra(w))).op(r(rb(w))));
                case X_TLBILX -> {
                    int t = (w >>> 21) & 3;
                    boolean high = (w & 0x03800000) != 0;  // bits 6..8: ignored by plain tlbilx only
                    if (t == 0 && !high) yield of("tlbilxlpid");     // binutils ignores RA/RB of these two
                    if (t == 1 && !high) yield of("tlbilxpid");
                    if (t == 3 && !high) yield of("tlbilxva", new Ops().op(ra0(ra(w))).op(r(rb(w))));
                    yield of(name, new Ops().op(Integer.toString(t)).op(ra0(ra(w))).op(r(rb(w))));
                }
                case X_RB -> of(name, new Ops().op(r(rb(w))));
                case X_STRING -> null;
                case A_FP3 -> of(dot(name), new Ops().op(f(rt(w))).op(f(ra(w))).op(f(rb(w))));
                case A_FMUL -> of(dot(name), new Ops().op(f(rt(w))).op(f(ra(w))).op(f(bc(w))));
                case A_FP4 -> of(dot(name), new Ops().op(f(rt(w))).op(f(ra(w))).op(f(bc(w))).op(f(rb(w))));
                case A_FP1 -> of(dot(name), new Ops().op(f(rt(w))).op(f(rb(w))));
                case X_FP1 -> !model.has64Bit() && (name.startsWith("fctid") || name.equals("fcfid"))
                        ? null   // 64-bit category: binutils gives fctid/fctidz/fcfid to e5500 only
                        : of(dot(name), new Ops().op(f(rt(w))).op(f(rb(w))));
                case X_FCMP -> of(name, new Ops().op(cr(bf(w))).op(f(ra(w))).op(f(rb(w))));
                case X_MFFS -> of(dot(name), new Ops().op(f(rt(w))));
                case XFL_MTFSF -> {
                    int flm = (w >>> 17) & 0xff, l = (w >>> 25) & 1, wb = (w >>> 16) & 1;
                    // L and W came with ISA 2.05; for e500mc binutils has the old form and ignores both bits
                    if (!model.has64Bit()) yield of(dot(name), new Ops().op(Integer.toString(flm)).op(f(rb(w))));
                    yield of(dot(name), new Ops().op(Integer.toString(flm)).op(f(rb(w)))
                            .opt(Integer.toString(l), l == 0).opt(Integer.toString(wb), wb == 0));
                }
                case X_MTFSFI -> {
                    int u = (w >>> 12) & 0xf, wb = (w >>> 16) & 1;
                    if (!model.has64Bit() && wb != 0) yield null;   // no W field before ISA 2.05
                    yield of(dot(name), new Ops().op(Integer.toString(bf(w))).op(Integer.toString(u))
                            .opt(Integer.toString(wb), wb == 0));
                }
                case X_MTFSB -> of(dot(name), new Ops().op(Integer.toString(bt(w))));
                case X_MCRFS -> of(name, new Ops().op(cr(bf(w))).op(cr(bfa(w))));
            };
        }

        /**
         * Update forms: RA=0 is invalid, and for loads also RA=RT (binutils RAL/RAS operands);
         * objdump prints such words as .long.
         */
        boolean updateFormValid() {
            boolean update = name.endsWith("u") || name.endsWith("ux");
            if (!update) return true;
            boolean load = name.startsWith("l") && !name.startsWith("lf");   // FP loads: RT is an FPR
            return ra(w) != 0 && !(load && ra(w) == rt(w));
        }

        Insn dAdd() {
            String si = Integer.toString(si(w));
            if (name.equals("addi") && ra(w) == 0) return of("li", new Ops().op(r(rt(w))).op(si));
            if (name.equals("addis") && ra(w) == 0) return of("lis", new Ops().op(r(rt(w))).op(si));
            return of(name, new Ops().op(r(rt(w))).op(r(ra(w))).op(si));
        }

        Insn cmp(boolean immediate) {
            boolean logical = name.startsWith("cmpl");
            String b = immediate ? (logical ? Integer.toString(ui(w)) : Integer.toString(si(w))) : r(rb(w));
            if (l(w) == 0 || model.has64Bit()) {
                String m = (logical ? "cmpl" : "cmp") + (l(w) == 0 ? "w" : "d") + (immediate ? "i" : "");
                return of(m, new Ops().opt(cr(bf(w)), bf(w) == 0).op(r(ra(w))).op(b));
            }
            return of(name, new Ops().opt(cr(bf(w)), bf(w) == 0).opt("1", false).op(r(ra(w))).op(b));
        }

        Insn crLogical() {
            int t = bt(w), a = ba(w), b = bb(w);
            if (name.equals("creqv") && t == a && a == b) return of("crset", new Ops().op(crb(t)));
            if (name.equals("crxor") && t == a && a == b) return of("crclr", new Ops().op(crb(t)));
            if (name.equals("cror") && a == b) return of("crmove", new Ops().op(crb(t)).op(crb(a)));
            if (name.equals("crnor") && a == b) return of("crnot", new Ops().op(crb(t)).op(crb(a)));
            return of(name, new Ops().op(crb(t)).op(crb(a)).op(crb(b)));
        }

        Insn rlw(boolean immediate) {
            int s = sh(w), b = mb(w), e = me(w);
            Ops base = new Ops().op(r(ra(w))).op(r(rs(w)));
            if (!immediate) {
                if (b == 0 && e == 31) return of(dot("rotlw"), base.op(r(rb(w))));
                return of(dot(name), base.op(r(rb(w))).op(Integer.toString(b)).op(Integer.toString(e)));
            }
            if (name.equals("rlwinm")) {
                if (b == 0 && e == 31) return of(dot("rotlwi"), base.op(Integer.toString(s)));
                if (s == 0 && e == 31) return of(dot("clrlwi"), base.op(Integer.toString(b)));
                if (s == 0 && b == 0) return of(dot("clrrwi"), base.op(Integer.toString(31 - e)));
                if (b == 0 && e == 31 - s) return of(dot("slwi"), base.op(Integer.toString(s)));
                if (e == 31 && s == 32 - b) return of(dot("srwi"), base.op(Integer.toString(b)));
            }
            return of(dot(name), base.op(Integer.toString(s)).op(Integer.toString(b)).op(Integer.toString(e)));
        }

        Insn md() {
            int s = sh6(w), m = mb6(w);
            Ops base = new Ops().op(r(ra(w))).op(r(rs(w)));
            if (name.equals("rldicl")) {
                if (m == 0) return of(dot("rotldi"), base.op(Integer.toString(s)));
                if (s == 0) return of(dot("clrldi"), base.op(Integer.toString(m)));
                if (s == 64 - m) return of(dot("srdi"), base.op(Integer.toString(m)));
            }
            if (name.equals("rldicr") && s == 0) return of(dot("clrrdi"), base.op(Integer.toString(63 - m)));
            if (name.equals("rldicr") && m == 63 - s) return of(dot("sldi"), base.op(Integer.toString(s)));
            return of(dot(name), base.op(Integer.toString(s)).op(Integer.toString(m)));
        }

        Insn sprName(boolean mf) {
            int n = spr(w);
            SprNames.Name x = SprNames.of(model, mf, n);
            String p = mf ? "mf" : "mt";
            if (x == null) {
                return mf ? of("mfspr", new Ops().op(r(rt(w))).op(Integer.toString(n)))
                        : of("mtspr", new Ops().op(Integer.toString(n)).op(r(rs(w))));
            }
            Ops ops = new Ops();
            if (mf) { ops.op(r(rt(w))); if (!x.index().isEmpty()) ops.op(x.index()); }
            else { if (!x.index().isEmpty()) ops.op(x.index()); ops.op(r(rs(w))); }
            return of(p + x.name(), ops);
        }

        Insn mftb() {
            // binutils has mftb for e5500 with TBR 268/269 only, for e500mc not at (there it is mfspr 268/269)
            if (!model.has64Bit()) return null;
            int n = spr(w);
            if (n == 268) return of("mftb", new Ops().op(r(rt(w))));
            if (n == 269) return of("mftbu", new Ops().op(r(rt(w))));
            return null;
        }

        Insn sync() {
            int l = (w >>> 21) & 3;
            if (model.has64Bit()) {
                return switch (l) {
                    case 0 -> of("msync");   // binutils lists the Book E name first for e5500 too
                    case 1 -> of("lwsync");
                    case 2 -> of("ptesync");
                    default -> null;
                };
            }
            return switch (l) {
                case 0 -> of("msync");
                case 1 -> of("lwsync");
                default -> null;
            };
        }

        /** bc (kind 0), bclr (1), bcctr (2): objdump's extended branch mnemonics. */
        Insn branch(int kind) {
            int bo = bo(w), bi = bi(w), bh = (w >>> 11) & 3;
            String tail = switch (kind) {
                case 0 -> (lk(w) ? "l" : "") + (aa(w) ? "a" : "");
                case 1 -> "lr" + (lk(w) ? "l" : "");
                default -> "ctr" + (lk(w) ? "l" : "");
            };
            String generic = switch (kind) { case 0 -> "bc"; case 1 -> "bclr"; default -> "bcctr"; }
                    + (lk(w) ? "l" : "") + (kind == 0 && aa(w) ? "a" : "");
            String hint = (bo & 0x14) == 0x14 ? "" : (bo & 0x10) != 0
                    ? ((bo & 8) == 0 ? "" : (bo & 1) == 0 ? "-" : "+")
                    : ((bo & 2) == 0 ? "" : (bo & 1) == 0 ? "-" : "+");
            Ops genericOps = new Ops().op(Integer.toString(bo)).op(crb(bi));
            Ops targetOrBh = new Ops();
            switch (bo) {
                case 0, 1, 2, 3, 8, 9, 10, 11 -> {       // decrement CTR and test a CR bit
                    if (kind != 0 && (bo & 1) != 0) return null;
                    if (kind == 2) return of(generic, bhOp(genericOps, bh));
                    String base = switch (bo >> 1) { case 0 -> "bdnzf"; case 1 -> "bdzf"; case 4 -> "bdnzt"; default -> "bdzt"; };
                    return of(base + tail, last(kind, new Ops().op(crb(bi)), bh));
                }
                case 4, 5, 6, 7, 12, 13, 14, 15 -> {    // test a CR bit only
                    if (kind != 0 && (bo & 3) == 1) return null;
                    String c = ((bo & 8) != 0 ? COND_TRUE : COND_FALSE)[bi & 3];
                    return of("b" + c + tail + hint, last(kind, new Ops().opt(cr(bi >> 2), bi >> 2 == 0), bh));
                }
                case 16, 17, 18, 19, 24, 25, 26, 27 -> { // decrement CTR only
                    if ((bo & 9) == 1 && (kind != 0 || bi != 0)) return null;   // at = 01 is reserved
                    if (kind == 2 || bi != 0) return of(generic + hint, last(kind, genericOps, bh));
                    return of(((bo & 2) == 0 ? "bdnz" : "bdz") + tail + hint, last(kind, new Ops(), bh));
                }
                case 20 -> {                             // branch always
                    if (kind == 0 || bi != 0) return of(generic, last(kind, genericOps, bh));
                    return of(kind == 1 ? "blr" + (lk(w) ? "l" : "") : "bctr" + (lk(w) ? "l" : ""),
                            bhOp(targetOrBh, bh));
                }
                default -> { return null; }
            }
        }

        /** The last operand: the target of bc, the optional BH of bclr/bcctr. */
        Ops last(int kind, Ops ops, int bh) {
            if (kind == 0) return ops.op(address.apply(target(bd(w), aa(w))));
            return bhOp(ops, bh);
        }

        Ops bhOp(Ops ops, int bh) { return ops.opt(Integer.toString(bh), bh == 0); }
    }
}
