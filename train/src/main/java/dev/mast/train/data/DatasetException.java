package dev.mast.train.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data set folder that does not have the expected layout: a missing folder or list file, a list entry that names
 * no clip, an unknown split name. The message is one line, "PATH: problem", ready to show a user.
 */
public class DatasetException extends IOException {
    private static final long serialVersionUID = 1L;

    public DatasetException(Path where, String problem) {
        super(where + ": " + problem);
    }
}
