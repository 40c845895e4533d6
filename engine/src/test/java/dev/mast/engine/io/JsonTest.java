package dev.mast.engine.io;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class JsonTest {
    @Test
    void parsesAllValueKinds() {
        Object v = Json.parse(" {\"a\": [1, -2, 3.5, 1e-6, -0.0, 12345678901234567890], \"b\": {\"c\": true,"
                + " \"d\": false, \"e\": null}, \"s\": \"x\\\"y\\\\z\\n\\u00e9\\ud83d\\ude00/\"} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of("a", "b", "s"), List.copyOf(m.keySet()));
        List<?> a = (List<?>) m.get("a");
        assertEquals(1L, a.get(0));
        assertEquals(-2L, a.get(1));
        assertEquals(3.5, a.get(2));
        assertEquals(1e-6, a.get(3));
        assertEquals(-0.0, a.get(4));
        assertEquals(1.2345678901234567e19, (Double) a.get(5), 1e4);
        Map<?, ?> b = (Map<?, ?>) m.get("b");
        assertEquals(Boolean.TRUE, b.get("c"));
        assertEquals(Boolean.FALSE, b.get("d"));
        assertTrue(b.containsKey("e"));
        assertNull(b.get("e"));
        assertEquals("x\"y\\z\né\uD83D\uDE00/", m.get("s"));
    }

    @Test
    void roundTripsThroughTheWriter() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("shape", new int[] {2, 3});
        m.put("eps", 1e-6);
        m.put("mean", -4.2677393f);
        m.put("name", "tab\there \"quoted\" \u0001");
        m.put("nested", List.of(Map.of("k", 1L), List.of()));
        m.put("empty", Map.of());
        for (String text : new String[] {Json.write(m), Json.writePretty(m)}) {
            Map<?, ?> back = (Map<?, ?>) Json.parse(text);
            assertEquals(List.of(2L, 3L), back.get("shape"));
            assertEquals(1e-6, back.get("eps"));
            assertEquals(-4.2677393f, ((Double) back.get("mean")).floatValue());
            assertEquals(m.get("name"), back.get("name"));
            assertEquals(List.of(Map.of("k", 1L), List.of()), back.get("nested"));
            assertEquals(Map.of(), back.get("empty"));
        }
    }

    @Test
    void rejectsMalformedInputWithPosition() {
        String[] bad = {"", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "01", "1.", "-", "1e", "tru", "\"abc",
                "\"a\\x\"", "\"a\u0001\"", "{} x", "[1 2]", "{1:2}", "NaN", "\"\\u12\""};
        for (String s : bad) {
            JsonException e = assertThrows(JsonException.class, () -> Json.parse(s), s);
            assertTrue(e.getMessage().startsWith("invalid JSON at line "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("{\n  \"a\": 1,\n  \"b\": x}"));
        assertTrue(e.getMessage().contains("line 3, column 8"), e.getMessage());
    }

    @Test
    void rejectsDuplicateKeys() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("{\"a\":1,\"a\":2}"));
        assertTrue(e.getMessage().contains("duplicate key \"a\""), e.getMessage());
    }

    @Test
    void limitsDepthAndLengthWithoutStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().contains("nesting deeper than 64"), e.getMessage());
        assertEquals(List.of(List.of()), Json.parse("[[]]", 2, 100));
        assertThrows(JsonException.class, () -> Json.parse("[[[]]]", 2, 100));
        assertThrows(JsonException.class, () -> Json.parse("[1, 2, 3]", 8, 5));
        assertThrows(JsonException.class, () -> Json.parse("1" + "0".repeat(500)));
    }

    @Test
    void writerRejectsWhatJsonCannotHold() {
        assertThrows(JsonException.class, () -> Json.write(Double.NaN));
        assertThrows(JsonException.class, () -> Json.write(List.of(Float.POSITIVE_INFINITY)));
        assertThrows(JsonException.class, () -> Json.write(new Object()));
    }

    @Test
    void fieldsCheckTypesAndNameThePath() {
        JsonFields f = JsonFields.of(Json.parse("{\"depths\": [1, 2, -5], \"eps\": \"x\", \"n\": 2.0,"
                + " \"strides\": [[1, 1], [2]]}"), "config");
        JsonException e = assertThrows(JsonException.class, () -> f.intArray("depths", 0, 100));
        assertEquals("config.depths[2]: -5 is out of range [0, 100]", e.getMessage());
        e = assertThrows(JsonException.class, () -> f.number("eps"));
        assertEquals("config.eps: expected a number, got the string \"x\"", e.getMessage());
        e = assertThrows(JsonException.class, () -> f.integer("missing", 0, 1));
        assertEquals("config: missing field \"missing\"", e.getMessage());
        assertEquals(2, f.integer("n", 0, 10));
        assertArrayEquals(new int[][] {{1, 1}, {2}}, f.intMatrix("strides", 1, 8));
        assertEquals(7, f.integer("absent", 0, 10, 7));
        assertThrows(JsonException.class, () -> JsonFields.of(List.of(), "root"));
    }
}
