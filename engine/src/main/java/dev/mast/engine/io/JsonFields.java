package dev.mast.engine.io;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed, path-aware reading of one parsed JSON object (from {@link Json#parse}): each getter checks the field's
 * type and range and fails with a one-line {@link JsonException} naming the field, e.g.
 * {@code config.depths[2]: expected a non-negative integer, got -1}.
 */
public final class JsonFields {
    private final Map<String, Object> map;
    private final String path;

    private JsonFields(Map<String, Object> map, String path) {
        this.map = map;
        this.path = path;
    }

    /** Views {@code value} as an object; {@code path} names it in error messages (e.g. "config"). */
    @SuppressWarnings("unchecked")
    public static JsonFields of(Object value, String path) {
        if (!(value instanceof Map<?, ?> m)) throw new JsonException(path + ": expected a JSON object, got " + kind(value));
        return new JsonFields((Map<String, Object>) m, path);
    }

    public boolean has(String key) {
        return map.containsKey(key);
    }

    public Set<String> keys() {
        return map.keySet();
    }

    /** The raw value, or null if absent. */
    public Object raw(String key) {
        return map.get(key);
    }

    public String path() {
        return path;
    }

    private String at(String key) {
        return path + "." + key;
    }

    private Object required(String key) {
        if (!map.containsKey(key)) throw new JsonException(path + ": missing field \"" + key + "\"");
        return map.get(key);
    }

    public JsonFields object(String key) {
        return of(required(key), at(key));
    }

    public String string(String key) {
        return asString(required(key), at(key));
    }

    public String string(String key, String fallback) {
        return has(key) ? string(key) : fallback;
    }

    public boolean bool(String key) {
        Object v = required(key);
        if (!(v instanceof Boolean b)) throw new JsonException(at(key) + ": expected true or false, got " + kind(v));
        return b;
    }

    public boolean bool(String key, boolean fallback) {
        return has(key) ? bool(key) : fallback;
    }

    public double number(String key) {
        return asNumber(required(key), at(key));
    }

    public double number(String key, double fallback) {
        return has(key) ? number(key) : fallback;
    }

    /** An integer in [min, max]. */
    public long integer(String key, long min, long max) {
        return asInteger(required(key), at(key), min, max);
    }

    public int integer(String key, int min, int max, int fallback) {
        return has(key) ? (int) integer(key, min, max) : fallback;
    }

    /** An array of integers in [min, max]. */
    public int[] intArray(String key, int min, int max) {
        return asIntArray(required(key), at(key), min, max);
    }

    /** An array of arrays of integers in [min, max], e.g. per-stage strides. */
    public int[][] intMatrix(String key, int min, int max) {
        List<?> rows = asList(required(key), at(key));
        int[][] out = new int[rows.size()][];
        for (int i = 0; i < out.length; i++) out[i] = asIntArray(rows.get(i), at(key) + "[" + i + "]", min, max);
        return out;
    }

    public List<?> list(String key) {
        return asList(required(key), at(key));
    }

    // ---- conversions usable on any value --------------------------------------------------------------------

    public static List<?> asList(Object v, String where) {
        if (!(v instanceof List<?> l)) throw new JsonException(where + ": expected an array, got " + kind(v));
        return l;
    }

    public static String asString(Object v, String where) {
        if (!(v instanceof String s)) throw new JsonException(where + ": expected a string, got " + kind(v));
        return s;
    }

    public static double asNumber(Object v, String where) {
        if (!(v instanceof Number n)) throw new JsonException(where + ": expected a number, got " + kind(v));
        return n.doubleValue();
    }

    public static long asInteger(Object v, String where, long min, long max) {
        long x;
        if (v instanceof Long l) {
            x = l;
        } else if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p53) {
            x = d.longValue(); // 2.0 is an integer too
        } else {
            throw new JsonException(where + ": expected an integer, got " + kind(v));
        }
        if (x < min || x > max) {
            throw new JsonException(where + ": " + x + " is out of range [" + min + ", " + max + "]");
        }
        return x;
    }

    public static int[] asIntArray(Object v, String where, int min, int max) {
        List<?> l = asList(v, where);
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = (int) asInteger(l.get(i), where + "[" + i + "]", min, max);
        return out;
    }

    /** A short description of a value for error messages. */
    static String kind(Object v) {
        if (v == null) return "null";
        if (v instanceof String s) return "the string \"" + (s.length() > 40 ? s.substring(0, 37) + "..." : s) + "\"";
        if (v instanceof Number || v instanceof Boolean) return String.valueOf(v);
        if (v instanceof List<?>) return "an array";
        if (v instanceof Map<?, ?>) return "an object";
        return v.getClass().getSimpleName();
    }
}
