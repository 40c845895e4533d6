/**
 * CPU kernels written with the Vector API, each beside a plain scalar reference that tests compare it with.
 */
package dev.mast.engine.kernel;
