package dev.mast.train.checkpoint;

import dev.mast.engine.io.FileFormatException;
import dev.mast.engine.io.Safetensors;
import dev.mast.engine.io.SafetensorsDType;
import dev.mast.engine.io.SafetensorsEntry;
import dev.mast.engine.io.SafetensorsWriter;
import dev.mast.engine.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads and writes a {@link StateDict} as a safetensors file ({@link SafetensorsWriter}, {@link Safetensors}): an
 * 8-byte little-endian header length, a JSON header ({@code __metadata__} string map, then per tensor
 * {@code dtype "F32"}, {@code shape}, {@code data_offsets}), the raw little-endian float32 data, tensors stored back
 * to back in header order (the standard safetensors layout, as {@code safetensors.torch.save_file} writes it).
 *
 * <p>Writing is atomic (temporary file, fsync, rename, fsync of the folder), so a training run killed at any moment
 * leaves the previous checkpoint intact. Reading validates the header against the file size before allocating
 * anything, so a truncated or hostile file gives one {@link FileFormatException} line, never an out-of-memory error.
 * Only F32 tensors are supported, which is all that training writes.
 */
public final class CheckpointFile {
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private CheckpointFile() {}

    /** Atomically writes {@code state} to {@code file} (replacing it). */
    public static void write(Path file, StateDict state) throws IOException {
        SafetensorsWriter.write(file, state.tensors(), state.metadata());
    }

    /**
     * Reads every tensor of {@code file} into new contiguous tensors owned by {@code arena}, with the file's metadata.
     * The returned state dict names {@code file} in its error messages.
     */
    public static StateDict read(Path file, Arena arena) throws IOException {
        String src = file.toString();
        // The mapping lives only while copying, so the file is not held open by the caller's arena.
        try (Safetensors st = Safetensors.open(file)) {
            StateDict out = new StateDict(src);
            st.metadata().forEach(out::putMetadata);
            for (String name : st.names()) {
                SafetensorsEntry e = st.entry(name);
                if (e.dtype() != SafetensorsDType.F32) {
                    throw new FileFormatException(src, "tensor '" + name + "' has dtype " + e.dtype()
                            + " (only F32 is supported)");
                }
                Tensor t = Tensor.allocate(arena, e.shape());
                MemorySegment.copy(st.bytes(name), LE_FLOAT, 0, t.storage(), ValueLayout.JAVA_FLOAT, 0, t.size());
                out.put(name, t);
            }
            return out;
        } catch (NoSuchFileException e) {
            throw new FileFormatException(src, "no such file");
        }
    }
}
