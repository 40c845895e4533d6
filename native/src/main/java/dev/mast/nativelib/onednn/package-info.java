/**
 * oneDNN 3.x through FFM: {@link dev.mast.nativelib.onednn.DnnlLibrary} loads the bundled library,
 * {@link dev.mast.nativelib.onednn.DnnlEngine} owns an engine, a stream and everything compiled on them, and runs the
 * operations MAST needs with the Java kernels' argument conventions: linear layers with packed weights and fused
 * GELU / accumulate ({@link dev.mast.nativelib.onednn.DnnlLinear}), batched matmul on strided attention views,
 * layer norm, softmax, the depthwise 3×3 pooling convolution ({@link dev.mast.nativelib.onednn.DnnlDepthwiseConv3x3})
 * and the patch stem ({@link dev.mast.nativelib.onednn.DnnlConvStem}).
 *
 * <p>The bindings underneath are {@code dev.mast.jextract.dnnl} (jextract's shape; see {@code jextract/dnnl.md}).
 */
package dev.mast.nativelib.onednn;
