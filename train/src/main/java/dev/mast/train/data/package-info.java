/**
 * Data set readers: each turns a folder layout into a {@link dev.mast.train.data.LabeledDataset}, i.e. class names
 * plus (relative path, label index) clip lists per split. Readers list files and parse list files only; decoding
 * audio is left to the caller ({@code dev.mast.audio}), so listing even a large corpus is quick.
 * <ul>
 *   <li>{@link dev.mast.train.data.SpeechCommandsReader}: Speech Commands v1/v2 and the synthetic kws set
 *       (keywords, {@code _unknown_} grouping, {@code _silence_} cut from {@code _background_noise_});</li>
 *   <li>{@link dev.mast.train.data.FolderPerClassReader}: a folder per class with a split file;</li>
 *   <li>{@link dev.mast.train.data.VoxCelebReader}: VoxCeleb1 identification ({@code iden_split.txt});</li>
 *   <li>{@link dev.mast.train.data.VoxForgeReader}: VoxForge-style language id ({@code train/validation/test.txt});</li>
 *   <li>{@link dev.mast.train.data.NSynthReader}: NSynth instrument family ({@code examples.json}).</li>
 * </ul>
 * {@link dev.mast.train.data.BatchPipeline} then builds shuffled, augmented mini-batches on worker threads ahead of
 * the loop, in an order and with contents that do not depend on the thread count or on resuming mid-epoch.
 *
 * <p>A missing folder or list file, or a list entry that names no clip, gives a {@link dev.mast.train.data.DatasetException}
 * whose message is one line naming the path (and line) at fault. Clip lists are in a stable order (file name or list
 * order), so a seeded run visits the same clips in the same order on every machine.
 */
package dev.mast.train.data;
