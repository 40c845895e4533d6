/**
 * FFM bindings in the shape jextract generates (a class per header, a method handle per function, layouts and constants); see the module README for the headers and options that regenerate them.
 */
package dev.mast.jextract;
