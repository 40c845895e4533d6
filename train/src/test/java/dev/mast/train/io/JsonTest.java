package dev.mast.train.io;

import dev.mast.engine.io.FileFormatException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonTest {
    @Test
    void parsesAllValueKinds() throws Exception {
        Map<String, Object> m = Json.parseObject("""
                 {"a": 1, "b": -2.5e3, "c": "x\\"y\\\\z\\n\\u00e9", "d": [true, false, null, []], "e": {},
                  "big": 123456789012345678901234567890}
                """, "t");
        assertEquals(1L, m.get("a"));
        assertEquals(-2500.0, m.get("b"));
        assertEquals("x\"y\\z\né", m.get("c"));
        assertEquals(Arrays.asList(true, false, null, List.of()), m.get("d"));
        assertEquals(Map.of(), m.get("e"));
        assertEquals(1.2345678901234568e29, (Double) m.get("big"), 1e14);
        assertEquals(List.of("a", "b", "c", "d", "e", "big"), List.copyOf(m.keySet()));
    }

    @Test
    void quoteRoundTrips() throws Exception {
        String s = "tab\there \"quoted\" back\\slash \u0001 é";
        assertEquals(s, Json.parse(Json.quote(s), "t"));
    }

    @Test
    void malformedInputGivesOneLineErrors() {
        assertEquals("f.json: malformed JSON at offset 7: expected ',' or '}' in object",
                assertThrows(FileFormatException.class, () -> Json.parse("{\"a\":1 2}", "f.json")).getMessage());
        assertEquals("f.json: malformed JSON at offset 3: unexpected text after the JSON value",
                assertThrows(FileFormatException.class, () -> Json.parse("[] x", "f.json")).getMessage());
        assertEquals("f.json: expected a JSON object",
                assertThrows(FileFormatException.class, () -> Json.parseObject("[1]", "f.json")).getMessage());
        String deep = "[".repeat(100_000);
        assertEquals("f.json: malformed JSON at offset 257: nesting deeper than 256",
                assertThrows(FileFormatException.class, () -> Json.parse(deep, "f.json")).getMessage());
    }
}
