package dev.mast.nativelib.onednn;

import dev.mast.jextract.dnnl.dnnl_exec_arg_t;
import dev.mast.jextract.dnnl.dnnl_h;
import dev.mast.jextract.dnnl.dnnl_version_t;
import dev.mast.jextract.dnnl.omp_h;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The hand-written jextract-shaped bindings against the C headers they claim to bind: a C program compiled with gcc
 * against the headers inside the dnnl jar prints every constant value, struct size and field offset the bindings
 * hold, and each must match; every bound function must resolve in the loaded libraries.
 */
class DnnlBindingsTest {
    private static final String INCLUDE = "org/bytedeco/dnnl/linux-x86_64/include/";
    private static final List<Class<?>> STRUCTS = List.of(dnnl_exec_arg_t.class, dnnl_version_t.class);

    @Test
    void constantsAndStructLayoutsMatchTheHeaders(@TempDir Path dir) throws Exception {
        assumeTrue(gccWorks(), "gcc is not installed");
        Path include = extractHeaders(dir.resolve("include"));

        Map<String, Long> expected = new LinkedHashMap<>();
        StringBuilder c = new StringBuilder("""
                #include <stdio.h>
                #include <stddef.h>
                #include <omp.h>
                #include "oneapi/dnnl/dnnl.h"
                #define CONSTANT(name) printf("%s %lld\\n", #name, (long long) (name));
                #define SIZE(type) printf("sizeof(%s) %zu\\n", #type, sizeof(type));
                #define OFFSET(type, field) printf("offsetof(%s.%s) %zu\\n", #type, #field, offsetof(type, field));
                #define FUNCTION(name) (void) &name; printf("%s 1\\n", #name);
                int main(void) {
                """);
        for (Map.Entry<String, Integer> k : constants(dnnl_h.class).entrySet()) {
            c.append("CONSTANT(").append(k.getKey()).append(")\n");
            expected.put(k.getKey(), (long) k.getValue());
        }
        for (Class<?> s : STRUCTS) {
            String type = s.getSimpleName();
            c.append("SIZE(").append(type).append(")\n");
            expected.put("sizeof(" + type + ")", (Long) s.getMethod("sizeof").invoke(null));
            for (Method m : s.getMethods()) {
                if (m.getName().endsWith("$offset") && m.getParameterCount() == 0) {
                    String field = m.getName().substring(0, m.getName().length() - "$offset".length());
                    c.append("OFFSET(").append(type).append(", ").append(field).append(")\n");
                    expected.put("offsetof(" + type + "." + field + ")", (Long) m.invoke(null));
                }
            }
        }
        // Taking each function's address checks that the headers declare it under that name.
        for (Class<?> h : List.of(dnnl_h.class, omp_h.class)) {
            for (String f : functions(h)) {
                c.append("FUNCTION(").append(f).append(")\n");
                expected.put(f, 1L);
            }
        }
        c.append("return 0;\n}\n");

        Path source = dir.resolve("bindings_check.c"), exe = dir.resolve("bindings_check");
        Files.writeString(source, c);
        run(List.of("gcc", "-std=c11", "-Wall", "-Werror", "-I", include.toString(), "-o", exe.toString(),
                source.toString()));
        Map<String, Long> actual = new LinkedHashMap<>();
        for (String line : run(List.of(exe.toString())).split("\n")) {
            int sp = line.lastIndexOf(' ');
            actual.put(line.substring(0, sp), Long.parseLong(line.substring(sp + 1)));
        }
        assertEquals(expected.keySet(), actual.keySet(), "the C program printed other names");
        List<String> wrong = new ArrayList<>();
        for (String k : expected.keySet()) {
            if (!expected.get(k).equals(actual.get(k))) {
                wrong.add(k + ": Java " + expected.get(k) + ", C " + actual.get(k));
            }
        }
        assertEquals(List.of(), wrong, "bindings disagree with the headers");
        assertTrue(constants(dnnl_h.class).size() > 30 && functions(dnnl_h.class).size() > 30,
                "the reflection found the bindings");
    }

    @Test
    void everyBoundFunctionResolvesInTheLoadedLibrary() throws Exception {
        DnnlLibrary lib = DnnlLibrary.load();
        for (String f : functions(dnnl_h.class)) {
            assertTrue(lib.dnnlSymbols().find(f).isPresent(), f + " is not exported by the loaded libdnnl");
            assertNotNull(dnnl_h.class.getMethod(f + "$handle").invoke(null), f); // the binding's own lookup
        }
        for (String f : functions(omp_h.class)) {
            assertTrue(lib.gompSymbols().find(f).isPresent(), f + " is not exported by the loaded libgomp");
            assertNotNull(omp_h.class.getMethod(f + "$handle").invoke(null), f);
        }
        // The bindings look libdnnl up by soname: they must have found the very library loaded from the cache.
        Method find = dnnl_h.class.getDeclaredMethod("findOrThrow", String.class);
        find.setAccessible(true);
        assertEquals(lib.dnnlSymbols().find("dnnl_version").orElseThrow().address(),
                ((MemorySegment) find.invoke(null, "dnnl_version")).address());
    }

    /** Constants of a jextract header class: public static no-argument int methods that are not functions. */
    static Map<String, Integer> constants(Class<?> header) throws Exception {
        Map<String, Integer> out = new LinkedHashMap<>();
        TreeSet<String> fns = functions(header);
        for (Method m : header.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers())
                    && m.getParameterCount() == 0 && m.getReturnType() == int.class && !fns.contains(m.getName())) {
                out.put(m.getName(), (Integer) m.invoke(null));
            }
        }
        return out;
    }

    /** Functions of a jextract header class: the names with a {@code $handle} accessor. */
    static TreeSet<String> functions(Class<?> header) {
        TreeSet<String> out = new TreeSet<>();
        for (Method m : header.getDeclaredMethods()) {
            if (m.getName().endsWith("$handle") && m.getReturnType() == MethodHandle.class) {
                out.add(m.getName().substring(0, m.getName().length() - "$handle".length()));
            }
        }
        return out;
    }

    private static Path extractHeaders(Path into) throws IOException {
        URL url = DnnlBindingsTest.class.getClassLoader().getResource(INCLUDE + "oneapi/dnnl/dnnl.h");
        assertNotNull(url, "the dnnl jar is not on the test class path");
        JarURLConnection conn = (JarURLConnection) url.openConnection();
        conn.setUseCaches(false);
        try (JarFile jar = conn.getJarFile()) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                JarEntry entry = e.nextElement();
                if (entry.isDirectory() || !entry.getName().startsWith(INCLUDE)) continue;
                Path target = into.resolve(entry.getName().substring(INCLUDE.length()));
                Files.createDirectories(target.getParent());
                try (InputStream in = jar.getInputStream(entry)) {
                    Files.copy(in, target);
                }
            }
        }
        return into;
    }

    private static boolean gccWorks() {
        try {
            Process p = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), command + " timed out");
        assertEquals(0, p.exitValue(), command.getFirst() + " failed:\n" + out);
        return out;
    }
}
