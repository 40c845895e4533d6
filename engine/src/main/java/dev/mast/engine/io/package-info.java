/**
 * File formats: NumPy {@code .npy} and safetensors, validated against the file size before anything is read.
 */
package dev.mast.engine.io;
