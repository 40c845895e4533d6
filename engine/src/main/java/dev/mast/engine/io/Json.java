package dev.mast.engine.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON (RFC 8259) reader and writer over plain Java values.
 *
 * <p>Parsed values are {@code Map<String, Object>} (insertion-ordered, unmodifiable), {@code List<Object>}
 * (unmodifiable), {@code String}, {@code Long} (integers that fit), {@code Double} (every other number),
 * {@code Boolean} and {@code null}. The reader is meant for untrusted input (file headers): nesting depth and
 * input length are limited, duplicate object keys are rejected, and every error is a one-line
 * {@link JsonException} with the line and column.
 *
 * <p>The writer accepts the same types plus any {@code Number}, {@code Collection}, {@code int[]},
 * {@code long[]}, {@code float[]} and {@code double[]}; non-finite numbers are rejected.
 */
public final class Json {
    /** Default nesting limit: far above anything a config or a file header needs. */
    public static final int DEFAULT_MAX_DEPTH = 64;
    /** Default input limit in characters. */
    public static final int DEFAULT_MAX_LENGTH = 100 << 20;
    /** Longest number literal accepted (a longer one can only be an attack on the number parser). */
    private static final int MAX_NUMBER_CHARS = 400;

    private Json() {}

    /** Parses {@code text} with the default limits. */
    public static Object parse(String text) {
        return parse(text, DEFAULT_MAX_DEPTH, DEFAULT_MAX_LENGTH);
    }

    /** Parses {@code text}; rejects nesting deeper than {@code maxDepth} and input longer than {@code maxLength}. */
    public static Object parse(String text, int maxDepth, int maxLength) {
        if (text.length() > maxLength) {
            throw new JsonException("JSON text of " + text.length() + " characters exceeds the limit of " + maxLength);
        }
        Parser p = new Parser(text, maxDepth);
        p.skipSpace();
        Object v = p.value(0);
        p.skipSpace();
        if (p.pos < text.length()) throw p.error("unexpected text after the JSON value");
        return v;
    }

    /** Compact JSON for {@code value}. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        writeValue(sb, value, -1, 0);
        return sb.toString();
    }

    /** Indented JSON (two spaces) for {@code value}, for files people read. */
    public static String writePretty(Object value) {
        StringBuilder sb = new StringBuilder();
        writeValue(sb, value, 2, 0);
        return sb.append('\n').toString();
    }

    // ---- reader ---------------------------------------------------------------------------------------------

    private static final class Parser {
        final String s;
        final int maxDepth;
        int pos;

        Parser(String s, int maxDepth) {
            this.s = s;
            this.maxDepth = maxDepth;
        }

        Object value(int depth) {
            if (pos >= s.length()) throw error("unexpected end of input, expected a value");
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object(depth + 1);
                case '[' -> array(depth + 1);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) yield number();
                    throw error("unexpected character " + describe(c));
                }
            };
        }

        Map<String, Object> object(int depth) {
            if (depth > maxDepth) throw error("nesting deeper than " + maxDepth);
            pos++; // '{'
            Map<String, Object> map = new LinkedHashMap<>();
            skipSpace();
            if (peek() == '}') {
                pos++;
                return Collections.unmodifiableMap(map);
            }
            while (true) {
                skipSpace();
                if (peek() != '"') throw error("expected a string key");
                int keyPos = pos;
                String key = string();
                skipSpace();
                expect(':');
                skipSpace();
                Object v = value(depth);
                if (map.containsKey(key)) {
                    pos = keyPos;
                    throw error("duplicate key \"" + shorten(key) + "\"");
                }
                map.put(key, v);
                skipSpace();
                char c = next("',' or '}'");
                if (c == '}') return Collections.unmodifiableMap(map);
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}' but found " + describe(c));
                }
            }
        }

        List<Object> array(int depth) {
            if (depth > maxDepth) throw error("nesting deeper than " + maxDepth);
            pos++; // '['
            List<Object> list = new ArrayList<>();
            skipSpace();
            if (peek() == ']') {
                pos++;
                return Collections.unmodifiableList(list);
            }
            while (true) {
                skipSpace();
                list.add(value(depth));
                skipSpace();
                char c = next("',' or ']'");
                if (c == ']') return Collections.unmodifiableList(list);
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or ']' but found " + describe(c));
                }
            }
        }

        String string() {
            pos++; // opening quote
            StringBuilder sb = null;
            int start = pos;
            while (true) {
                if (pos >= s.length()) throw error("unterminated string");
                char c = s.charAt(pos);
                if (c == '"') {
                    String out = sb == null ? s.substring(start, pos) : sb.append(s, start, pos).toString();
                    pos++;
                    return out;
                }
                if (c < 0x20) throw error("control character " + describe(c) + " in a string");
                if (c != '\\') {
                    pos++;
                    continue;
                }
                if (sb == null) sb = new StringBuilder();
                sb.append(s, start, pos);
                pos++;
                char e = next("an escape character");
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length()) throw error("truncated \\u escape");
                        int cp = 0;
                        for (int i = 0; i < 4; i++) {
                            int d = Character.digit(s.charAt(pos + i), 16);
                            if (d < 0) throw error("bad \\u escape");
                            cp = cp * 16 + d;
                        }
                        pos += 4;
                        sb.append((char) cp);
                    }
                    default -> {
                        pos--;
                        throw error("bad escape \\" + e);
                    }
                }
                start = pos;
            }
        }

        Object number() {
            int start = pos;
            boolean integral = true;
            if (peek() == '-') pos++;
            if (peek() == '0') {
                pos++;
            } else if (isDigit(peek())) {
                while (isDigit(peek())) pos++;
            } else {
                throw error("bad number");
            }
            if (peek() == '.') {
                integral = false;
                pos++;
                if (!isDigit(peek())) throw error("bad number: digits expected after '.'");
                while (isDigit(peek())) pos++;
            }
            if (peek() == 'e' || peek() == 'E') {
                integral = false;
                pos++;
                if (peek() == '+' || peek() == '-') pos++;
                if (!isDigit(peek())) throw error("bad number: digits expected in the exponent");
                while (isDigit(peek())) pos++;
            }
            if (pos - start > MAX_NUMBER_CHARS) {
                pos = start;
                throw error("number literal longer than " + MAX_NUMBER_CHARS + " characters");
            }
            String t = s.substring(start, pos);
            if (integral && t.length() <= 19) {
                try {
                    return Long.parseLong(t);
                } catch (NumberFormatException overflow) {
                    // 19 digits can exceed Long.MAX_VALUE: falls through to double like larger integers
                }
            }
            return Double.parseDouble(t);
        }

        Object literal(String word, Object v) {
            if (!s.startsWith(word, pos)) throw error("unexpected character " + describe(s.charAt(pos)));
            pos += word.length();
            return v;
        }

        void skipSpace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
                pos++;
            }
        }

        char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        char next(String expected) {
            if (pos >= s.length()) throw error("unexpected end of input, expected " + expected);
            return s.charAt(pos++);
        }

        void expect(char c) {
            char got = next("'" + c + "'");
            if (got != c) {
                pos--;
                throw error("expected '" + c + "' but found " + describe(got));
            }
        }

        static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        JsonException error(String problem) {
            int line = 1, col = 1;
            for (int i = 0; i < Math.min(pos, s.length()); i++) {
                if (s.charAt(i) == '\n') {
                    line++;
                    col = 1;
                } else {
                    col++;
                }
            }
            return new JsonException("invalid JSON at line " + line + ", column " + col + ": " + problem);
        }

        static String describe(char c) {
            return c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'";
        }

        static String shorten(String k) {
            return k.length() > 60 ? k.substring(0, 57) + "..." : k;
        }
    }

    // ---- writer ---------------------------------------------------------------------------------------------

    private static void writeValue(StringBuilder sb, Object v, int indent, int level) {
        switch (v) {
            case null -> sb.append("null");
            case String str -> writeString(sb, str);
            case Boolean b -> sb.append(b);
            case Long l -> sb.append(l);
            case Integer i -> sb.append(i);
            case Short sh -> sb.append(sh);
            case Byte by -> sb.append(by);
            case Float f -> sb.append(finite(f.doubleValue(), Float.toString(f)));
            case Number n -> sb.append(finite(n.doubleValue(), Double.toString(n.doubleValue())));
            case Map<?, ?> m -> writeObject(sb, m, indent, level);
            case Collection<?> c -> writeArray(sb, c.iterator(), c.isEmpty(), indent, level);
            case int[] a -> writeArray(sb, Arrays.stream(a).boxed().iterator(), a.length == 0, indent, level);
            case long[] a -> writeArray(sb, Arrays.stream(a).boxed().iterator(), a.length == 0, indent, level);
            case double[] a ->
                    writeArray(sb, Arrays.stream(a).boxed().iterator(), a.length == 0, indent, level);
            case float[] a -> {
                List<Object> boxed = new ArrayList<>(a.length);
                for (float f : a) boxed.add(f);
                writeArray(sb, boxed.iterator(), a.length == 0, indent, level);
            }
            default -> throw new JsonException("cannot write a " + v.getClass().getName() + " as JSON");
        }
    }

    private static String finite(double d, String text) {
        if (!Double.isFinite(d)) throw new JsonException("cannot write the non-finite number " + d + " as JSON");
        return text;
    }

    private static void writeObject(StringBuilder sb, Map<?, ?> m, int indent, int level) {
        if (m.isEmpty()) {
            sb.append("{}");
            return;
        }
        sb.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new JsonException("JSON object keys must be strings, got " + e.getKey());
            }
            if (!first) sb.append(',');
            first = false;
            newline(sb, indent, level + 1);
            writeString(sb, key);
            sb.append(indent >= 0 ? ": " : ":");
            writeValue(sb, e.getValue(), indent, level + 1);
        }
        newline(sb, indent, level);
        sb.append('}');
    }

    private static void writeArray(StringBuilder sb, Iterator<?> it, boolean empty, int indent, int level) {
        if (empty) {
            sb.append("[]");
            return;
        }
        // Arrays of numbers stay on one line: shapes and strides read better that way.
        List<Object> items = new ArrayList<>();
        it.forEachRemaining(items::add);
        boolean flat = indent < 0 || items.stream().allMatch(x -> x instanceof Number || x instanceof Boolean);
        sb.append('[');
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) sb.append(flat && indent >= 0 ? ", " : ",");
            if (!flat) newline(sb, indent, level + 1);
            writeValue(sb, items.get(i), indent, level + 1);
        }
        if (!flat) newline(sb, indent, level);
        sb.append(']');
    }

    private static void newline(StringBuilder sb, int indent, int level) {
        if (indent < 0) return;
        sb.append('\n');
        sb.append(" ".repeat(indent * level));
    }

    private static void writeString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
