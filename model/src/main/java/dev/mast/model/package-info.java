/**
 * MAST and AST: configurations, forward passes on the engine's kernels, weight import and the embedded classifier API.
 */
package dev.mast.model;
