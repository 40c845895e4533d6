/**
 * File formats: NumPy {@code .npy} and safetensors, validated against the file size before anything is read, a
 * strict JSON reader/writer for configs and file headers, and atomic file replacement.
 */
package dev.mast.engine.io;
