package dev.mast.model.layer;

/**
 * What a MAST attention layer does when the run-time token grid needs relative distances its rel-pos table does
 * not have (the table was sized for a smaller grid: timm sizes it for 224×224 ImageNet images, so reference MAST
 * overflows beyond 56 time patches, i.e. from 576 frames with the 16×16/10 stem).
 *
 * <p>Whenever every index fits, both modes use the table as it is, exactly like timm (bit-compatible).
 */
public enum RelPosMode {
    /**
     * Resample the table linearly along its distance axis to 2·max(q, k) − 1 rows (PyTorch
     * {@code F.interpolate(mode="linear", align_corners=False)}, as MViTv2/SAM's {@code get_rel_pos} do), then index
     * it with the same rule. An approximation outside the trained geometry, but the only way to run long clips.
     */
    EXTENDED,
    /** Reject the input with an error naming the table and the grid, as the reference would (it crashes). */
    STRICT
}
