/** Small file helpers for training: a JSON reader with string quoting. */
package dev.mast.train.io;
