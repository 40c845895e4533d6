/**
 * File formats: NumPy {@code .npy} and safetensors, validated against the file size before anything is read, and
 * a strict JSON reader/writer for configs and file headers.
 */
package dev.mast.engine.io;
