package epaprlab.ppc.exec;

/**
 * The interpreter's dispatch: an int id per hot mnemonic family and one {@code switch} over it,
 * so the JIT can inline the handlers into the run loop instead of calling through the
 * megamorphic {@link Op} interface for every instruction. Ids are derived from the family name
 * {@link epaprlab.ppc.decode.DecodeTable#name} returns, and each case calls exactly the handler
 * the table binds to that name, so the switch and {@code Op.exec} always agree (decode stays in
 * DecodeTable; this class only chooses how a decoded instruction is called). Families not
 * listed (privileged, rare, cache and TLB ops) get {@link #OTHER} and go through their Op.
 *
 * <p>Two levels. The switch in {@link Interpreter#run} holds the ids below {@link #FIRST_MORE}:
 * the families that make up about 97% of the instructions of GCC-compiled integer code
 * (measured on the coremix benchmark: bc, lwz, addi, rlwinm, cmpi, ...), so C2 compiles their
 * handlers into the loop. {@link #execMore} holds the other common families, one static call
 * away. Measured alternatives: one switch with every family in its own method is compiled
 * separately and then too big for C2 to inline ("already compiled into a big method"), costing
 * a call per instruction; every family inlined into the loop made C2 give up on the loop (3x
 * slower).
 * Id 0 means "not decoded" in the interpreter's predecode entries.
 */
final class Dispatch {
    private Dispatch() {}

    /** Decoded, called through its {@link Op}. */
    static final int OTHER = 1;
    static final int BC = 2;
    static final int LWZ = 3;
    static final int ADDI = 4;
    static final int RLWINM = 5;
    static final int CMPI = 6;
    static final int CMP = 7;
    static final int OR = 8;
    static final int ANDI_DOT = 9;
    static final int XOR = 10;
    static final int MULLW = 11;
    static final int ADD = 12;
    static final int XORI = 13;
    static final int XORIS = 14;
    static final int STW = 15;
    static final int LWZX = 16;
    static final int CMPLI = 17;
    static final int LD = 18;
    static final int RLDICL = 19;
    static final int RLDIC = 20;
    static final int B = 21;
    static final int STWU = 22;
    static final int CMPL = 23;
    static final int ISEL = 24;
    static final int STD = 25;
    static final int ADDIS = 26;
    static final int ADDC = 27;
    static final int ADDE = 28;
    static final int ADDZE = 29;
    static final int ADDIC = 30;
    static final int SUBF = 31;
    static final int SUBFC = 32;
    static final int SUBFE = 33;
    static final int SUBFIC = 34;
    static final int NEG = 35;
    static final int MULLI = 36;
    static final int MULHW = 37;
    static final int MULHWU = 38;
    static final int DIVW = 39;
    static final int DIVWU = 40;
    static final int AND = 41;
    static final int ANDC = 42;
    static final int NOR = 43;
    static final int ANDIS_DOT = 44;
    static final int ORI = 45;
    static final int ORIS = 46;
    static final int EXTSB = 47;
    static final int EXTSH = 48;
    static final int EXTSW = 49;
    static final int CNTLZW = 50;
    static final int SLW = 51;
    static final int SRW = 52;
    static final int SRAW = 53;
    static final int SRAWI = 54;
    static final int RLWIMI = 55;
    static final int RLWNM = 56;
    static final int RLDICR = 57;
    static final int RLDIMI = 58;
    static final int SLD = 59;
    static final int SRD = 60;
    static final int SRADI = 61;
    static final int MULLD = 62;
    static final int LWZU = 63;
    static final int LBZ = 64;
    static final int LBZU = 65;
    static final int LHZ = 66;
    static final int LHA = 67;
    static final int STB = 68;
    static final int STBU = 69;
    static final int STH = 70;
    static final int LBZX = 71;
    static final int LHZX = 72;
    static final int STWX = 73;
    static final int STBX = 74;
    static final int LDU = 75;
    static final int LWA = 76;
    static final int STDU = 77;
    static final int LDX = 78;
    static final int STDX = 79;
    static final int LWAX = 80;
    static final int BCLR = 81;
    static final int BCCTR = 82;
    static final int MFSPR = 83;
    static final int MTSPR = 84;
    static final int MFCR = 85;
    static final int MTCRF = 86;
    static final int CROR = 87;
    static final int CRXOR = 88;

    /** Ids from here on are executed by {@link #execMore}. */
    static final int FIRST_MORE = ADDIS;

    /** The id of a mnemonic family as DecodeTable names it. */
    static int idOf(String family) {
        return switch (family) {
            case "bc" -> BC;
            case "lwz" -> LWZ;
            case "addi" -> ADDI;
            case "rlwinm" -> RLWINM;
            case "cmpi" -> CMPI;
            case "cmp" -> CMP;
            case "or" -> OR;
            case "andi." -> ANDI_DOT;
            case "xor" -> XOR;
            case "mullw" -> MULLW;
            case "add" -> ADD;
            case "xori" -> XORI;
            case "xoris" -> XORIS;
            case "stw" -> STW;
            case "lwzx" -> LWZX;
            case "cmpli" -> CMPLI;
            case "ld" -> LD;
            case "rldicl" -> RLDICL;
            case "rldic" -> RLDIC;
            case "b" -> B;
            case "stwu" -> STWU;
            case "cmpl" -> CMPL;
            case "isel" -> ISEL;
            case "std" -> STD;
            case "addis" -> ADDIS;
            case "addc" -> ADDC;
            case "adde" -> ADDE;
            case "addze" -> ADDZE;
            case "addic" -> ADDIC;
            case "subf" -> SUBF;
            case "subfc" -> SUBFC;
            case "subfe" -> SUBFE;
            case "subfic" -> SUBFIC;
            case "neg" -> NEG;
            case "mulli" -> MULLI;
            case "mulhw" -> MULHW;
            case "mulhwu" -> MULHWU;
            case "divw" -> DIVW;
            case "divwu" -> DIVWU;
            case "and" -> AND;
            case "andc" -> ANDC;
            case "nor" -> NOR;
            case "andis." -> ANDIS_DOT;
            case "ori" -> ORI;
            case "oris" -> ORIS;
            case "extsb" -> EXTSB;
            case "extsh" -> EXTSH;
            case "extsw" -> EXTSW;
            case "cntlzw" -> CNTLZW;
            case "slw" -> SLW;
            case "srw" -> SRW;
            case "sraw" -> SRAW;
            case "srawi" -> SRAWI;
            case "rlwimi" -> RLWIMI;
            case "rlwnm" -> RLWNM;
            case "rldicr" -> RLDICR;
            case "rldimi" -> RLDIMI;
            case "sld" -> SLD;
            case "srd" -> SRD;
            case "sradi" -> SRADI;
            case "mulld" -> MULLD;
            case "lwzu" -> LWZU;
            case "lbz" -> LBZ;
            case "lbzu" -> LBZU;
            case "lhz" -> LHZ;
            case "lha" -> LHA;
            case "stb" -> STB;
            case "stbu" -> STBU;
            case "sth" -> STH;
            case "lbzx" -> LBZX;
            case "lhzx" -> LHZX;
            case "stwx" -> STWX;
            case "stbx" -> STBX;
            case "ldu" -> LDU;
            case "lwa" -> LWA;
            case "stdu" -> STDU;
            case "ldx" -> LDX;
            case "stdx" -> STDX;
            case "lwax" -> LWAX;
            case "bclr" -> BCLR;
            case "bcctr" -> BCCTR;
            case "mfspr" -> MFSPR;
            case "mtspr" -> MTSPR;
            case "mfcr" -> MFCR;
            case "mtcrf" -> MTCRF;
            case "cror" -> CROR;
            case "crxor" -> CRXOR;
            default -> OTHER;
        };
    }

    /** Executes {@code w}, decoded to {@code id}, when the interpreter's own switch does not hold it. */
    static void execMore(int id, Op[] ops, int idx, CpuState s, int w) {
        switch (id) {
            case CMPL -> FixedPoint.cmpl(s, w);
            case ISEL -> FixedPoint.isel(s, w);
            case STD -> LoadStore.std(s, w);
            case ADDIS -> FixedPoint.addis(s, w);
            case ADDC -> FixedPoint.addc(s, w);
            case ADDE -> FixedPoint.adde(s, w);
            case ADDZE -> FixedPoint.addze(s, w);
            case ADDIC -> FixedPoint.addic(s, w);
            case SUBF -> FixedPoint.subf(s, w);
            case SUBFC -> FixedPoint.subfc(s, w);
            case SUBFE -> FixedPoint.subfe(s, w);
            case SUBFIC -> FixedPoint.subfic(s, w);
            case NEG -> FixedPoint.neg(s, w);
            case MULLI -> FixedPoint.mulli(s, w);
            case MULHW -> FixedPoint.mulhw(s, w);
            case MULHWU -> FixedPoint.mulhwu(s, w);
            case DIVW -> FixedPoint.divw(s, w);
            case DIVWU -> FixedPoint.divwu(s, w);
            case AND -> FixedPoint.and(s, w);
            case ANDC -> FixedPoint.andc(s, w);
            case NOR -> FixedPoint.nor(s, w);
            case ANDIS_DOT -> FixedPoint.andisDot(s, w);
            case ORI -> FixedPoint.ori(s, w);
            case ORIS -> FixedPoint.oris(s, w);
            case EXTSB -> FixedPoint.extsb(s, w);
            case EXTSH -> FixedPoint.extsh(s, w);
            case EXTSW -> FixedPoint.extsw(s, w);
            case CNTLZW -> FixedPoint.cntlzw(s, w);
            case SLW -> FixedPoint.slw(s, w);
            case SRW -> FixedPoint.srw(s, w);
            case SRAW -> FixedPoint.sraw(s, w);
            case SRAWI -> FixedPoint.srawi(s, w);
            case RLWIMI -> FixedPoint.rlwimi(s, w);
            case RLWNM -> FixedPoint.rlwnm(s, w);
            case RLDICR -> FixedPoint.rldicr(s, w);
            case RLDIMI -> FixedPoint.rldimi(s, w);
            case SLD -> FixedPoint.sld(s, w);
            case SRD -> FixedPoint.srd(s, w);
            case SRADI -> FixedPoint.sradi(s, w);
            case MULLD -> FixedPoint.mulld(s, w);
            case LWZU -> LoadStore.lwzu(s, w);
            case LBZ -> LoadStore.lbz(s, w);
            case LBZU -> LoadStore.lbzu(s, w);
            case LHZ -> LoadStore.lhz(s, w);
            case LHA -> LoadStore.lha(s, w);
            case STB -> LoadStore.stb(s, w);
            case STBU -> LoadStore.stbu(s, w);
            case STH -> LoadStore.sth(s, w);
            case LBZX -> LoadStore.lbzx(s, w);
            case LHZX -> LoadStore.lhzx(s, w);
            case STWX -> LoadStore.stwx(s, w);
            case STBX -> LoadStore.stbx(s, w);
            case LDU -> LoadStore.ldu(s, w);
            case LWA -> LoadStore.lwa(s, w);
            case STDU -> LoadStore.stdu(s, w);
            case LDX -> LoadStore.ldx(s, w);
            case STDX -> LoadStore.stdx(s, w);
            case LWAX -> LoadStore.lwax(s, w);
            case BCLR -> Branch.bclr(s, w);
            case BCCTR -> Branch.bcctr(s, w);
            case MFSPR -> SystemRegisters.mfspr(s, w);
            case MTSPR -> SystemRegisters.mtspr(s, w);
            case MFCR -> ConditionRegister.mfcr(s, w);
            case MTCRF -> ConditionRegister.mtcrf(s, w);
            case CROR -> ConditionRegister.cror(s, w);
            case CRXOR -> ConditionRegister.crxor(s, w);
            default -> ops[idx].exec(s, w);
        }
    }
}
