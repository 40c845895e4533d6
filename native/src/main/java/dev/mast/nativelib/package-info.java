/**
 * Locating and loading native libraries (OpenBLAS from the system, oneDNN from its Maven jar) and the Java-facing wrappers around their bindings.
 */
package dev.mast.nativelib;
