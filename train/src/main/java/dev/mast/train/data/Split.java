package dev.mast.train.data;

import java.util.Locale;

/** The three parts of a data set. */
public enum Split {
    TRAIN, VALIDATION, TEST;

    /** Lower-case name, as used in file names and on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The split named {@code s} ({@code train}, {@code validation}/{@code valid}/{@code val}, {@code test}), or null. */
    public static Split parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "train", "training" -> TRAIN;
            case "validation", "valid", "val" -> VALIDATION;
            case "test", "testing" -> TEST;
            default -> null;
        };
    }
}
