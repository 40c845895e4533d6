package dev.mast.train.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/** A run folder that cannot be used as asked (missing, not a folder, already used). One line: "PATH: problem". */
public class RunFolderException extends IOException {
    private static final long serialVersionUID = 1L;

    public RunFolderException(Path dir, String problem) {
        super(dir + ": " + problem);
    }
}
