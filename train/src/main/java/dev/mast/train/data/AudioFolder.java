package dev.mast.train.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** File-system helpers shared by the readers: listing folders and audio files, reading list files. */
public final class AudioFolder {
    private AudioFolder() {}

    /** The {@code .wav} files directly in {@code folder}, sorted by name; an error names the folder if it has none. */
    public static List<Path> wavFiles(Path folder) throws DatasetException {
        List<Path> files = list(folder).stream().filter(AudioFolder::isWav).filter(Files::isRegularFile).toList();
        if (files.isEmpty()) throw new DatasetException(folder, "no .wav files");
        return files;
    }

    /** The {@code .wav} files anywhere below {@code folder}, sorted by path (possibly none). */
    public static List<Path> wavFilesRecursive(Path folder) throws DatasetException {
        requireFolder(folder);
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(AudioFolder::isWav).filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new DatasetException(folder, "cannot list (" + e.getMessage() + ")");
        }
    }

    /** The sub-folders of {@code folder} whose names do not start with '.', sorted by name. */
    public static List<Path> subfolders(Path folder) throws DatasetException {
        return list(folder).stream().filter(Files::isDirectory)
                .filter(p -> !p.getFileName().toString().startsWith(".")).toList();
    }

    /** The non-blank lines of a text file, trimmed; an error names the file if it is missing. */
    public static List<String> lines(Path file) throws DatasetException {
        try {
            List<String> out = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String t = line.strip();
                if (!t.isEmpty()) out.add(t);
            }
            return out;
        } catch (NoSuchFileException e) {
            throw new DatasetException(file, "no such file");
        } catch (IOException e) {
            throw new DatasetException(file, "cannot read (" + e.getMessage() + ")");
        }
    }

    /** Fails with a one-line error unless {@code folder} is a folder. */
    public static void requireFolder(Path folder) throws DatasetException {
        if (!Files.isDirectory(folder)) {
            throw new DatasetException(folder, Files.exists(folder) ? "not a folder" : "no such folder");
        }
    }

    /** {@code file} relative to {@code root} with '/' separators. */
    public static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }

    private static List<Path> list(Path folder) throws DatasetException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.sorted().toList();
        } catch (NoSuchFileException | NotDirectoryException e) {
            throw new DatasetException(folder, Files.exists(folder) ? "not a folder" : "no such folder");
        } catch (IOException e) {
            throw new DatasetException(folder, "cannot list (" + e.getMessage() + ")");
        }
    }

    private static boolean isWav(Path p) {
        return p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".wav");
    }
}
