/** Small file helpers for training: a JSON reader with string quoting, and atomic file replacement. */
package dev.mast.train.io;
