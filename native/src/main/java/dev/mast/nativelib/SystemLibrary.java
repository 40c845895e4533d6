package dev.mast.nativelib;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Finds a shared library installed by the system's package manager, by file name, where the dynamic linker would:
 * {@code LD_LIBRARY_PATH}, the folders listed in {@code /etc/ld.so.conf} (and the files it includes), then the
 * standard and Debian multiarch folders ({@code /usr/lib/x86_64-linux-gnu}, ...), each also with the
 * package-specific sub-folders a caller names (Debian's {@code openblas-pthread}, for instance).
 */
public final class SystemLibrary {
    private SystemLibrary() {}

    /** The first existing {@code fileName} in {@code searchPath(subfolders)}. */
    public static Optional<Path> find(String fileName, List<String> subfolders) {
        for (Path dir : searchPath(subfolders)) {
            Path candidate = dir.resolve(fileName);
            if (Files.isRegularFile(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    /** The folders searched, in order, without duplicates. */
    public static List<Path> searchPath(List<String> subfolders) {
        Set<Path> base = new LinkedHashSet<>();
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            for (String d : ld.split(":")) if (!d.isBlank()) base.add(Path.of(d));
        }
        base.addAll(ldSoConf(Path.of("/etc/ld.so.conf"), 0));
        String triplet = multiarchTriplet();
        for (String d : List.of("/usr/local/lib/" + triplet, "/lib/" + triplet, "/usr/lib/" + triplet,
                "/usr/local/lib", "/lib64", "/usr/lib64", "/lib", "/usr/lib")) {
            base.add(Path.of(d));
        }
        Set<Path> all = new LinkedHashSet<>();
        for (Path dir : base) {
            all.add(dir);
            for (String sub : subfolders) all.add(dir.resolve(sub));
        }
        return List.copyOf(all);
    }

    /** Debian's multiarch name of this machine, e.g. {@code x86_64-linux-gnu}. */
    static String multiarchTriplet() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> "x86_64-linux-gnu";
            case "aarch64", "arm64" -> "aarch64-linux-gnu";
            case "ppc64le" -> "powerpc64le-linux-gnu";
            case "s390x" -> "s390x-linux-gnu";
            case "riscv64" -> "riscv64-linux-gnu";
            default -> arch + "-linux-gnu";
        };
    }

    /** Folders named in an ld.so.conf file, following its {@code include} globs (a few levels deep at most). */
    static List<Path> ldSoConf(Path file, int depth) {
        List<Path> dirs = new ArrayList<>();
        if (depth > 4 || !Files.isReadable(file)) return dirs;
        try {
            for (String line : Files.readAllLines(file)) {
                String l = line.strip();
                int hash = l.indexOf('#');
                if (hash >= 0) l = l.substring(0, hash).strip();
                if (l.isEmpty()) continue;
                if (l.startsWith("include ")) {
                    Path pattern = file.resolveSibling(l.substring("include ".length()).strip());
                    Path parent = pattern.getParent();
                    if (parent == null || !Files.isDirectory(parent)) continue;
                    try (DirectoryStream<Path> matches = Files.newDirectoryStream(parent,
                            pattern.getFileName().toString())) {
                        List<Path> sorted = new ArrayList<>();
                        matches.forEach(sorted::add);
                        sorted.sort(null);
                        for (Path m : sorted) dirs.addAll(ldSoConf(m, depth + 1));
                    }
                } else if (l.startsWith("/")) {
                    dirs.add(Path.of(l));
                }
            }
        } catch (IOException | RuntimeException e) {
            // An unreadable or odd linker configuration only narrows the search; the fixed folders still apply.
        }
        return dirs;
    }
}
