/**
 * The {@code mast} command line. Each subcommand parses GNU-style flags, prints one line per error and exits non-zero on failure.
 */
package dev.mast.cli;
