package dev.mast.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The register-blocked core shared by {@link Sgemm}, {@link PackedLinear} and {@link Conv2dStem}: panel packing,
 * the MR×NR micro-kernel and the epilogue that lands a tile in C.
 *
 * <p>Packed layouts (floats in 64-byte aligned buffers):
 * <ul>
 *   <li>A block: panels of {@link #MR} rows; inside a panel, for each p the MR values {@code a[i][p]}, so the
 *       kernel broadcasts them in order. Rows past the matrix are zero.</li>
 *   <li>B block: panels of {@link #NR} columns; inside a panel, for each p the NR values {@code b[p][j]} (three
 *       vectors). Columns past the matrix are zero.</li>
 * </ul>
 * The micro-kernel holds the MR×NR tile of C in 3·MR vector registers (8×48 with AVX-512: 24 of 32 registers;
 * 4×24 with AVX2: 12 of 16) and reads each panel once: per p, three B vectors and MR broadcasts feed 3·MR FMAs.
 *
 * <p>Why 8×48 and not the classic 12×32: both run near the FMA peak once C2 has compiled them, but the 12-row
 * kernel is too large for C1 ("out of virtual registers"), and when C2 is busy (two threads on a loaded two-core
 * machine) tiered compilation can then leave it in C1's tier-2 code, where Vector API calls are not intrinsified:
 * 100× slower for as long as the JVM runs. Every kernel here compiles at every tier.
 *
 * <p>Determinism: each element of C is the sum over K blocks of {@link #KC} of an in-order FMA chain, and tiles
 * never split K, so the result does not depend on how tiles are spread over threads.
 */
final class GemmKernel {
    private GemmKernel() {}

    /**
     * The vector shape: the machine's preferred one, or a narrower one named by {@code -Dmast.gemm.vectorBits}
     * (tests use it to cover the AVX2 kernel on an AVX-512 machine).
     */
    static final VectorSpecies<Float> SPECIES = species(Integer.getInteger("mast.gemm.vectorBits", 0));
    static final int LANES = SPECIES.length();
    /** Columns of a micro-tile: three vectors. */
    static final int NR = 3 * LANES;
    /** Rows of a micro-tile: as many as the register file holds (3·MR accumulators + 3 B vectors + 1 broadcast). */
    static final int MR = SPECIES.vectorBitSize() >= 512 ? 8 : 4;
    /**
     * Depth of a K block: the A micro-panel (MR×KC: 24 KB for 8 rows) stays in L1 while B panels stream from L2. Every MAST
     * layer with K up to 768 then runs in one pass over C; measured 3-5% faster than 256 or 384 at 1024×768×3072.
     */
    static final int KC = 768;
    /** Rows of one output tile (a multiple of MR): the A block (MC×KC) a tile reads lives in L2. */
    static final int MC = 16 * MR;

    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
    private static final long VECTOR_BYTES = (long) LANES * Float.BYTES;

    private static VectorSpecies<Float> species(int bits) {
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        if (bits <= 0 || bits >= preferred.vectorBitSize()) return preferred;
        return FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(bits)).check(float.class);
    }

    /** A strided matrix inside a segment: element (i, j) is at {@code offset + i·rowStride + j·colStride}. */
    record Strided(MemorySegment seg, long offset, long rowStride, long colStride) {}

    /**
     * What lands in C: {@code c = alpha·acc (+ bias[j]) (+ c if accumulate)}, then GELU if {@code gelu}.
     *
     * @param bias per-column bias (contiguous floats from the segment's start), or null
     */
    record TileEpilogue(float alpha, boolean accumulate, MemorySegment bias, boolean gelu) {}

    /**
     * Computes the tile {@code c[m0:m1, n0:n1] = epilogue(a[m0:m1, :]·B[:, n0:n1])} with depth {@code k}, B packed
     * as {@link #packB} lays it out over the whole depth (panel q at {@code bOffset + q·k·NR} floats, bytes here).
     * {@code n0} is a multiple of NR. Rows of A with unit column stride are read in place; otherwise, and for a
     * last panel of fewer than MR rows, A is packed block by block into the thread's scratch.
     */
    static void multiplyTile(GemmScratch s, Strided a, MemorySegment packedB, long bOffset, Strided c,
                             TileEpilogue e, int m0, int m1, int n0, int n1, int k) {
        long bPanelBytes = (long) k * NR * Float.BYTES;
        boolean inPlace = a.colStride() == 1;
        int fullRows = inPlace ? m0 + (m1 - m0) / MR * MR : m0;
        int pc = 0;
        do { // runs once when k == 0: the sum is empty and the epilogue still writes C
            int kc = Math.min(KC, k - pc);
            boolean first = pc == 0, last = pc + kc >= k;
            if (fullRows < m1) packA(a, fullRows, m1, pc, kc, s.a);
            long aPanelBytes = (long) kc * MR * Float.BYTES;
            long bBase = bOffset + (long) (n0 / NR) * bPanelBytes + (long) pc * NR * Float.BYTES;
            for (int j = n0; j < n1; j += NR) {
                long bOff = bBase + (long) ((j - n0) / NR) * bPanelBytes;
                int nr = Math.min(NR, n1 - j);
                for (int i = m0; i < m1; i += MR) {
                    MemorySegment aSeg;
                    long aOff, aRow, aStep;
                    if (i < fullRows) {
                        aSeg = a.seg();
                        aOff = (a.offset() + i * a.rowStride() + pc) * Float.BYTES;
                        aRow = a.rowStride() * Float.BYTES;
                        aStep = Float.BYTES;
                    } else {
                        aSeg = s.a;
                        aOff = (long) ((i - fullRows) / MR) * aPanelBytes;
                        aRow = Float.BYTES;
                        aStep = (long) MR * Float.BYTES;
                    }
                    if (MR == 8) {
                        kernel8(aSeg, aOff, aRow, aStep, packedB, bOff, kc, s.tile);
                    } else {
                        kernel4(aSeg, aOff, aRow, aStep, packedB, bOff, kc, s.tile);
                    }
                    storeTile(s.tile, c, e, i, j, Math.min(MR, m1 - i), nr, first, last);
                }
            }
            pc += kc;
        } while (pc < k);
    }

    /**
     * The 8-row micro-kernel: {@code tile[i][j] = Σ_p a(i, p)·b[p][j]} for i < 8, j < NR, p < kc, with a(i, p)
     * at byte {@code aOff + i·aRow + p·aStep} (a packed panel: aRow = 4, aStep = 4·MR; rows of A read in place:
     * aRow = 4·lda, aStep = 4) and b a packed panel.
     */
    private static void kernel8(MemorySegment a, long aOff, long aRow, long aStep, MemorySegment b, long bOff,
                                int kc, MemorySegment tile) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector c0_0 = zero, c0_1 = zero, c0_2 = zero;
        FloatVector c1_0 = zero, c1_1 = zero, c1_2 = zero;
        FloatVector c2_0 = zero, c2_1 = zero, c2_2 = zero;
        FloatVector c3_0 = zero, c3_1 = zero, c3_2 = zero;
        FloatVector c4_0 = zero, c4_1 = zero, c4_2 = zero;
        FloatVector c5_0 = zero, c5_1 = zero, c5_2 = zero;
        FloatVector c6_0 = zero, c6_1 = zero, c6_2 = zero;
        FloatVector c7_0 = zero, c7_1 = zero, c7_2 = zero;
        long row1 = aRow;
        long row2 = 2 * aRow;
        long row3 = 3 * aRow;
        long row4 = 4 * aRow;
        long row5 = 5 * aRow;
        long row6 = 6 * aRow;
        long row7 = 7 * aRow;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromMemorySegment(SPECIES, b, bOff, ORDER);
            FloatVector b1 = FloatVector.fromMemorySegment(SPECIES, b, bOff + VECTOR_BYTES, ORDER);
            FloatVector b2 = FloatVector.fromMemorySegment(SPECIES, b, bOff + 2 * VECTOR_BYTES, ORDER);
            FloatVector a0 = FloatVector.broadcast(SPECIES, a.get(FLOAT, aOff));
            c0_0 = a0.fma(b0, c0_0);
            c0_1 = a0.fma(b1, c0_1);
            c0_2 = a0.fma(b2, c0_2);
            FloatVector a1 = FloatVector.broadcast(SPECIES, a.get(FLOAT, aOff + row1));
            c1_0 = a1.fma(b0, c1_0);
            c1_1 = a1.fma(b1, c1_1);
            c1_2 = a1.fma(b2, c1_2);
            FloatVector a2 = FloatVector.broadcast(SPECIES, a.get(FLOAT, aOff + row2));
            c2_0 = a2.fma(b0, c2_0);
            c2_1 = a2.fma(b1, c2_1);
            c2_2 = a2.fma(b2, c2_2);
            FloatVector a3 = FloatVector.broadcast(SPECIES, a.get(FLOAT, aOff + row3));
            c3_0 = a3.fma(b0, c3_0);
            c3_1 = a3.fma(b1, c3_1);
            c3_2 = a3.fma(b2, c3_2);
            FloatVector a4 = FloatVector.broadcast(SPECIES, a.get(FLOAT, aOff + row4));
            c4_0 = a4.fma(b0, c4_0);
            c4_1 = a4.fma(b1, c4_1);
            c4_2 = a4.fma(b2, c4_2);
            FloatVector a5 = FloatVector.broadcast(SPECIES, a.get(FLOAT, aOff + row5));
            c5_0 = a5.fma(b0, c5_0);
            c5_1 = a5.fma(b1, c5_1);
            c5_2 = a5.fma(b2, c5_2);
            FloatVector a6 = FloatVector.broadcast(SPECIES, a.get(FLOAT, aOff + row6));
            c6_0 = a6.fma(b0, c6_0);
            c6_1 = a6.fma(b1, c6_1);
            c6_2 = a6.fma(b2, c6_2);
            FloatVector a7 = FloatVector.broadcast(SPECIES, a.get(FLOAT, aOff + row7));
            c7_0 = a7.fma(b0, c7_0);
            c7_1 = a7.fma(b1, c7_1);
            c7_2 = a7.fma(b2, c7_2);
            aOff += aStep;
            bOff += NR * Float.BYTES;
        }
        c0_0.intoMemorySegment(tile, (0L * NR + 0L * LANES) * Float.BYTES, ORDER);
        c0_1.intoMemorySegment(tile, (0L * NR + 1L * LANES) * Float.BYTES, ORDER);
        c0_2.intoMemorySegment(tile, (0L * NR + 2L * LANES) * Float.BYTES, ORDER);
        c1_0.intoMemorySegment(tile, (1L * NR + 0L * LANES) * Float.BYTES, ORDER);
        c1_1.intoMemorySegment(tile, (1L * NR + 1L * LANES) * Float.BYTES, ORDER);
        c1_2.intoMemorySegment(tile, (1L * NR + 2L * LANES) * Float.BYTES, ORDER);
        c2_0.intoMemorySegment(tile, (2L * NR + 0L * LANES) * Float.BYTES, ORDER);
        c2_1.intoMemorySegment(tile, (2L * NR + 1L * LANES) * Float.BYTES, ORDER);
        c2_2.intoMemorySegment(tile, (2L * NR + 2L * LANES) * Float.BYTES, ORDER);
        c3_0.intoMemorySegment(tile, (3L * NR + 0L * LANES) * Float.BYTES, ORDER);
        c3_1.intoMemorySegment(tile, (3L * NR + 1L * LANES) * Float.BYTES, ORDER);
        c3_2.intoMemorySegment(tile, (3L * NR + 2L * LANES) * Float.BYTES, ORDER);
        c4_0.intoMemorySegment(tile, (4L * NR + 0L * LANES) * Float.BYTES, ORDER);
        c4_1.intoMemorySegment(tile, (4L * NR + 1L * LANES) * Float.BYTES, ORDER);
        c4_2.intoMemorySegment(tile, (4L * NR + 2L * LANES) * Float.BYTES, ORDER);
        c5_0.intoMemorySegment(tile, (5L * NR + 0L * LANES) * Float.BYTES, ORDER);
        c5_1.intoMemorySegment(tile, (5L * NR + 1L * LANES) * Float.BYTES, ORDER);
        c5_2.intoMemorySegment(tile, (5L * NR + 2L * LANES) * Float.BYTES, ORDER);
        c6_0.intoMemorySegment(tile, (6L * NR + 0L * LANES) * Float.BYTES, ORDER);
        c6_1.intoMemorySegment(tile, (6L * NR + 1L * LANES) * Float.BYTES, ORDER);
        c6_2.intoMemorySegment(tile, (6L * NR + 2L * LANES) * Float.BYTES, ORDER);
        c7_0.intoMemorySegment(tile, (7L * NR + 0L * LANES) * Float.BYTES, ORDER);
        c7_1.intoMemorySegment(tile, (7L * NR + 1L * LANES) * Float.BYTES, ORDER);
        c7_2.intoMemorySegment(tile, (7L * NR + 2L * LANES) * Float.BYTES, ORDER);
    }

    /**
     * The 4-row micro-kernel: {@code tile[i][j] = Σ_p a(i, p)·b[p][j]} for i < 4, j < NR, p < kc, with a(i, p)
     * at byte {@code aOff + i·aRow + p·aStep} (a packed panel: aRow = 4, aStep = 4·MR; rows of A read in place:
     * aRow = 4·lda, aStep = 4) and b a packed panel.
     */
    private static void kernel4(MemorySegment a, long aOff, long aRow, long aStep, MemorySegment b, long bOff,
                                int kc, MemorySegment tile) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector c0_0 = zero, c0_1 = zero, c0_2 = zero;
        FloatVector c1_0 = zero, c1_1 = zero, c1_2 = zero;
        FloatVector c2_0 = zero, c2_1 = zero, c2_2 = zero;
        FloatVector c3_0 = zero, c3_1 = zero, c3_2 = zero;
        long row1 = aRow;
        long row2 = 2 * aRow;
        long row3 = 3 * aRow;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromMemorySegment(SPECIES, b, bOff, ORDER);
            FloatVector b1 = FloatVector.fromMemorySegment(SPECIES, b, bOff + VECTOR_BYTES, ORDER);
            FloatVector b2 = FloatVector.fromMemorySegment(SPECIES, b, bOff + 2 * VECTOR_BYTES, ORDER);
            FloatVector a0 = FloatVector.broadcast(SPECIES, a.get(FLOAT, aOff));
            c0_0 = a0.fma(b0, c0_0);
            c0_1 = a0.fma(b1, c0_1);
            c0_2 = a0.fma(b2, c0_2);
            FloatVector a1 = FloatVector.broadcast(SPECIES, a.get(FLOAT, aOff + row1));
            c1_0 = a1.fma(b0, c1_0);
            c1_1 = a1.fma(b1, c1_1);
            c1_2 = a1.fma(b2, c1_2);
            FloatVector a2 = FloatVector.broadcast(SPECIES, a.get(FLOAT, aOff + row2));
            c2_0 = a2.fma(b0, c2_0);
            c2_1 = a2.fma(b1, c2_1);
            c2_2 = a2.fma(b2, c2_2);
            FloatVector a3 = FloatVector.broadcast(SPECIES, a.get(FLOAT, aOff + row3));
            c3_0 = a3.fma(b0, c3_0);
            c3_1 = a3.fma(b1, c3_1);
            c3_2 = a3.fma(b2, c3_2);
            aOff += aStep;
            bOff += NR * Float.BYTES;
        }
        c0_0.intoMemorySegment(tile, (0L * NR + 0L * LANES) * Float.BYTES, ORDER);
        c0_1.intoMemorySegment(tile, (0L * NR + 1L * LANES) * Float.BYTES, ORDER);
        c0_2.intoMemorySegment(tile, (0L * NR + 2L * LANES) * Float.BYTES, ORDER);
        c1_0.intoMemorySegment(tile, (1L * NR + 0L * LANES) * Float.BYTES, ORDER);
        c1_1.intoMemorySegment(tile, (1L * NR + 1L * LANES) * Float.BYTES, ORDER);
        c1_2.intoMemorySegment(tile, (1L * NR + 2L * LANES) * Float.BYTES, ORDER);
        c2_0.intoMemorySegment(tile, (2L * NR + 0L * LANES) * Float.BYTES, ORDER);
        c2_1.intoMemorySegment(tile, (2L * NR + 1L * LANES) * Float.BYTES, ORDER);
        c2_2.intoMemorySegment(tile, (2L * NR + 2L * LANES) * Float.BYTES, ORDER);
        c3_0.intoMemorySegment(tile, (3L * NR + 0L * LANES) * Float.BYTES, ORDER);
        c3_1.intoMemorySegment(tile, (3L * NR + 1L * LANES) * Float.BYTES, ORDER);
        c3_2.intoMemorySegment(tile, (3L * NR + 2L * LANES) * Float.BYTES, ORDER);
    }


    /** Packs rows [m0, m1) and columns [p0, p0 + kc) of {@code a} into MR-row panels at the start of {@code dst}. */
    static void packA(Strided a, int m0, int m1, int p0, int kc, MemorySegment dst) {
        MemorySegment src = a.seg();
        long rs = a.rowStride(), cs = a.colStride();
        long step = (long) MR * Float.BYTES;
        for (int i = m0, panel = 0; i < m1; i += MR, panel++) {
            long panelBase = (long) panel * kc * step;
            int rows = Math.min(MR, m1 - i);
            for (int r = 0; r < MR; r++) {
                long d = panelBase + (long) r * Float.BYTES;
                if (r < rows) {
                    long at = a.offset() + (i + r) * rs + p0 * cs;
                    for (int p = 0; p < kc; p++, at += cs, d += step) dst.set(FLOAT, d, src.getAtIndex(FLOAT, at));
                } else {
                    for (int p = 0; p < kc; p++, d += step) dst.set(FLOAT, d, 0f);
                }
            }
        }
    }

    /**
     * Packs rows [p0, p0 + kc) and columns [n0, n1) of {@code b} into NR-column panels at {@code dstBase} (bytes)
     * in {@code dst}; panel q starts at {@code dstBase + q·kc·NR} floats.
     */
    static void packB(Strided b, int p0, int kc, int n0, int n1, MemorySegment dst, long dstBase) {
        MemorySegment src = b.seg();
        long rs = b.rowStride(), cs = b.colStride();
        long rowBytes = (long) NR * Float.BYTES;
        for (int j = n0, panel = 0; j < n1; j += NR, panel++) {
            long panelBase = dstBase + (long) panel * kc * rowBytes;
            int cols = Math.min(NR, n1 - j);
            long origin = b.offset() + p0 * rs + j * cs;
            if (cols == NR && cs == 1) {
                for (int p = 0; p < kc; p++) {
                    long at = (origin + p * rs) * Float.BYTES, d = panelBase + p * rowBytes;
                    for (long v = 0; v < rowBytes; v += VECTOR_BYTES) {
                        FloatVector.fromMemorySegment(SPECIES, src, at + v, ORDER).intoMemorySegment(dst, d + v, ORDER);
                    }
                }
            } else {
                // Column by column: a transposed view (rs == 1) is then read contiguously.
                for (int q = 0; q < NR; q++) {
                    long d = panelBase + (long) q * Float.BYTES;
                    if (q < cols) {
                        long at = origin + q * cs;
                        for (int p = 0; p < kc; p++, at += rs, d += rowBytes) dst.set(FLOAT, d, src.getAtIndex(FLOAT, at));
                    } else {
                        for (int p = 0; p < kc; p++, d += rowBytes) dst.set(FLOAT, d, 0f);
                    }
                }
            }
        }
    }

    /**
     * Lands the accumulated tile ({@code mr}×{@code nr} of the MR×NR values in {@code tile}) in C at (i0, j0):
     * the first K block applies alpha, bias and accumulate; later blocks add; the last applies GELU. (Split by
     * row so that each method stays small enough for C1; see the class comment.)
     */
    private static void storeTile(MemorySegment tile, Strided c, TileEpilogue e, int i0, int j0, int mr, int nr,
                                  boolean first, boolean last) {
        for (int r = 0; r < mr; r++) {
            long rowStart = c.offset() + (i0 + r) * c.rowStride() + j0 * c.colStride();
            long t = (long) r * NR * Float.BYTES;
            if (c.colStride() == 1) {
                storeRow(tile, t, c.seg(), rowStart, e, j0, nr, first);
                if (last && e.gelu()) Gelu.forwardRun(c.seg(), rowStart * Float.BYTES, nr);
            } else {
                finishRow(tile, t, c, rowStart, e, j0, nr, first);
                if (last && e.gelu()) Gelu.forwardRun(tile, t, nr);
                for (int q = 0; q < nr; q++) {
                    c.seg().setAtIndex(FLOAT, rowStart + q * c.colStride(), tile.get(FLOAT, t + (long) q * Float.BYTES));
                }
            }
        }
    }

    /** One row of C with contiguous elements: vectors straight into the output, masked past its last column. */
    private static void storeRow(MemorySegment tile, long t, MemorySegment out, long rowStart, TileEpilogue e, int j0,
                                 int nr, boolean first) {
        FloatVector alpha = FloatVector.broadcast(SPECIES, e.alpha());
        for (int v = 0; v < nr; v += LANES) {
            VectorMask<Float> inside = SPECIES.indexInRange(v, nr);
            long at = (rowStart + v) * Float.BYTES;
            FloatVector val = FloatVector.fromMemorySegment(SPECIES, tile, t + (long) v * Float.BYTES, ORDER).mul(alpha);
            if (first) {
                if (e.bias() != null) {
                    val = val.add(FloatVector.fromMemorySegment(SPECIES, e.bias(), (long) (j0 + v) * Float.BYTES,
                            ORDER, inside));
                }
                if (e.accumulate()) val = FloatVector.fromMemorySegment(SPECIES, out, at, ORDER, inside).add(val);
            } else {
                val = FloatVector.fromMemorySegment(SPECIES, out, at, ORDER, inside).add(val);
            }
            val.intoMemorySegment(out, at, ORDER, inside);
        }
    }

    /** One row of strided C: the final values (before GELU) back into the tile row, to be scattered. */
    private static void finishRow(MemorySegment tile, long t, Strided c, long rowStart, TileEpilogue e, int j0, int nr,
                                  boolean first) {
        for (int q = 0; q < nr; q++) {
            long tq = t + (long) q * Float.BYTES;
            long at = rowStart + q * c.colStride();
            float val = tile.get(FLOAT, tq) * e.alpha();
            if (first) {
                if (e.bias() != null) val = val + e.bias().getAtIndex(FLOAT, j0 + q);
                if (e.accumulate()) val = c.seg().getAtIndex(FLOAT, at) + val;
            } else {
                val = c.seg().getAtIndex(FLOAT, at) + val;
            }
            tile.set(FLOAT, tq, val);
        }
    }
}
