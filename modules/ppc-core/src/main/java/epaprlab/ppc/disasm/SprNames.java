package epaprlab.ppc.disasm;

import epaprlab.ppc.cpu.CpuModel;

import java.util.HashMap;
import java.util.Map;

/**
 * The SPR extended mnemonics GNU objdump 2.40 prints for {@code mfspr}/{@code mtspr} with
 * {@code -M e500mc} and {@code -M e5500} (binutils opcodes/ppc-opc.c; this list was read off
 * objdump's output for all 1024 SPR numbers, and {@code DisassemblerTest} re-checks every one).
 * A line is {@code <mf|mt><spr> <name>[,<index>] <ALL|E500MC|E5500>}; an index is printed as an
 * operand ({@code mfsprg r3,4}, {@code mtsprg 4,r3}).
 */
final class SprNames {
    private SprNames() {}

    /** Mnemonic suffix and optional index operand ("" for none). */
    record Name(String name, String index) {}

    private static final String TABLE = """
            mf1 xer ALL
            mt1 xer ALL
            mf4 rtcu ALL
            mf5 rtcl ALL
            mf8 lr ALL
            mt8 lr ALL
            mf9 ctr ALL
            mt9 ctr ALL
            mf17 dscr E5500
            mt17 dscr E5500
            mf18 dsisr ALL
            mt18 dsisr ALL
            mf19 dar ALL
            mt19 dar ALL
            mt20 rtcu ALL
            mt21 rtcl ALL
            mf22 dec ALL
            mt22 dec ALL
            mf25 sdr1 ALL
            mt25 sdr1 ALL
            mf26 srr0 ALL
            mt26 srr0 ALL
            mf27 srr1 ALL
            mt27 srr1 ALL
            mf28 cfar E5500
            mt28 cfar E5500
            mf29 amr E5500
            mt29 amr E5500
            mf48 pid ALL
            mt48 pid ALL
            mt54 decar ALL
            mf58 csrr0 ALL
            mt58 csrr0 ALL
            mf59 csrr1 ALL
            mt59 csrr1 ALL
            mf61 dear ALL
            mt61 dear ALL
            mf62 esr ALL
            mt62 esr ALL
            mf63 ivpr ALL
            mt63 ivpr ALL
            mf136 ctrl E5500
            mt152 ctrl E5500
            mf157 uamor E5500
            mt157 uamor E5500
            mf256 usprg0 ALL
            mt256 usprg0 ALL
            mf260 sprg,4 ALL
            mf261 sprg,5 ALL
            mf262 sprg,6 ALL
            mf263 sprg,7 ALL
            mf268 tb ALL
            mf269 tbu ALL
            mf272 sprg,0 ALL
            mt272 sprg,0 ALL
            mf273 sprg,1 ALL
            mt273 sprg,1 ALL
            mf274 sprg,2 ALL
            mt274 sprg,2 ALL
            mf275 sprg,3 ALL
            mt275 sprg,3 ALL
            mf276 sprg,4 ALL
            mt276 sprg,4 ALL
            mf277 sprg,5 ALL
            mt277 sprg,5 ALL
            mf278 sprg,6 ALL
            mt278 sprg,6 ALL
            mf279 sprg,7 ALL
            mt279 sprg,7 ALL
            mf280 asr E5500
            mt280 asr E5500
            mf282 ear ALL
            mt282 ear ALL
            mt284 tbl ALL
            mt285 tbu ALL
            mf286 pir ALL
            mf287 pvr ALL
            mf304 dbsr ALL
            mt304 dbsr ALL
            mf308 dbcr0 ALL
            mt308 dbcr0 ALL
            mf309 dbcr1 ALL
            mt309 dbcr1 ALL
            mf310 dbcr2 ALL
            mt310 dbcr2 ALL
            mf312 iac1 ALL
            mt312 iac1 ALL
            mf313 iac2 ALL
            mt313 iac2 ALL
            mf314 iac3 ALL
            mt314 iac3 ALL
            mf315 iac4 ALL
            mt315 iac4 ALL
            mf316 dac1 ALL
            mt316 dac1 ALL
            mf317 dac2 ALL
            mt317 dac2 ALL
            mf318 dvc1 ALL
            mt318 dvc1 ALL
            mf319 dvc2 ALL
            mt319 dvc2 ALL
            mf336 tsr E500MC
            mf336 hmer E5500
            mt336 tsr E500MC
            mt336 hmer E5500
            mf337 hmeer E5500
            mt337 hmeer E5500
            mf340 tcr ALL
            mt340 tcr ALL
            mf349 amor E5500
            mt349 amor E5500
            mf400 ivor0 ALL
            mt400 ivor0 ALL
            mf401 ivor1 ALL
            mt401 ivor1 ALL
            mf402 ivor2 ALL
            mt402 ivor2 ALL
            mf403 ivor3 ALL
            mt403 ivor3 ALL
            mf404 ivor4 ALL
            mt404 ivor4 ALL
            mf405 ivor5 ALL
            mt405 ivor5 ALL
            mf406 ivor6 ALL
            mt406 ivor6 ALL
            mf407 ivor7 ALL
            mt407 ivor7 ALL
            mf408 ivor8 ALL
            mt408 ivor8 ALL
            mf409 ivor9 ALL
            mt409 ivor9 ALL
            mf410 ivor10 ALL
            mt410 ivor10 ALL
            mf411 ivor11 ALL
            mt411 ivor11 ALL
            mf412 ivor12 ALL
            mt412 ivor12 ALL
            mf413 ivor13 ALL
            mt413 ivor13 ALL
            mf414 ivor14 ALL
            mt414 ivor14 ALL
            mf415 ivor15 ALL
            mt415 ivor15 ALL
            mf528 ibatu,0 ALL
            mt528 ibatu,0 ALL
            mf529 ibatl,0 ALL
            mt529 ibatl,0 ALL
            mf530 ibatu,1 ALL
            mt530 ibatu,1 ALL
            mf531 ivor35 ALL
            mt531 ivor35 ALL
            mf532 ibatu,2 ALL
            mt532 ibatu,2 ALL
            mf533 ibatl,2 ALL
            mt533 ibatl,2 ALL
            mf534 ibatu,3 ALL
            mt534 ibatu,3 ALL
            mf535 ibatl,3 ALL
            mt535 ibatl,3 ALL
            mf536 dbatu,0 ALL
            mt536 dbatu,0 ALL
            mf537 dbatl,0 ALL
            mt537 dbatl,0 ALL
            mf538 dbatu,1 ALL
            mt538 dbatu,1 ALL
            mf539 dbatl,1 ALL
            mt539 dbatl,1 ALL
            mf540 dbatu,2 ALL
            mt540 dbatu,2 ALL
            mf541 dbatl,2 ALL
            mt541 dbatl,2 ALL
            mf542 dbatu,3 ALL
            mt542 dbatu,3 ALL
            mf543 dbatl,3 ALL
            mt543 dbatl,3 ALL
            mf570 mcsrr0 ALL
            mt570 mcsrr0 ALL
            mf571 mcsrr1 ALL
            mt571 mcsrr1 ALL
            mf572 mcsr ALL
            mt572 mcsr ALL
            mf573 mcar ALL
            mf770 mmcra E5500
            mf771 pmc1 E5500
            mf772 pmc2 E5500
            mf773 pmc3 E5500
            mf774 pmc4 E5500
            mf775 pmc5 E5500
            mf776 pmc6 E5500
            mf779 mmcr0 E5500
            mf782 mmcr1 E5500
            mt786 mmcra E5500
            mt787 pmc1 E5500
            mt788 pmc2 E5500
            mt789 pmc3 E5500
            mt790 pmc4 E5500
            mt791 pmc5 E5500
            mt792 pmc6 E5500
            mt795 mmcr0 E5500
            mt798 mmcr1 E5500
            mf896 ppr E5500
            mt896 ppr E5500
            mf898 ppr32 E5500
            mt898 ppr32 E5500
            """;

    private static final Map<String, Name> MAP = new HashMap<>();
    static {
        for (String line : TABLE.strip().split("\n")) {
            String[] p = line.strip().split(" ");
            String[] n = p[1].split(",");
            Name name = new Name(n[0], n.length > 1 ? n[1] : "");
            for (CpuModel m : CpuModel.values()) {
                if (p[2].equals("ALL") || p[2].equals(m.name())) MAP.put(m.name() + p[0], name);
            }
        }
    }

    /** The extended name of {@code mfspr} ({@code mf = true}) or {@code mtspr} for {@code spr}, or null. */
    static Name of(CpuModel model, boolean mf, int spr) {
        return MAP.get(model.name() + (mf ? "mf" : "mt") + spr);
    }
}
