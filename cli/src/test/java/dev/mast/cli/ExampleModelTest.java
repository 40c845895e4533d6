package dev.mast.cli;

import dev.mast.cli.CommandRunner.Result;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The README's first command, {@code mast classify --model examples/kws/model.safetensors examples/kws/*.wav}: the
 * shipped keyword model (trained by {@code mast train} with the defaults, see docs/train.md) loads and names each
 * example clip's word (clips of unseen test voices from the synthetic kws set) with the most probability.
 */
class ExampleModelTest {
    private static final Path EXAMPLES = Path.of("..", "examples", "kws");

    @Test
    void theShippedModelClassifiesTheExampleClips() {
        assertTrue(Files.isRegularFile(EXAMPLES.resolve("model.safetensors")), "examples/kws/model.safetensors");
        String[][] expected = {{"yes.wav", "yes"}, {"stop.wav", "stop"}, {"left.wav", "left"},
                {"bird.wav", "_unknown_"}};
        for (String[] e : expected) {
            Result r = CommandRunner.run("classify", "--model", EXAMPLES.resolve("model.safetensors").toString(),
                    "--json", "--top", "1", "--threads", "1", EXAMPLES.resolve(e[0]).toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("\"label\":\"" + e[1] + "\""), e[0] + ": " + r.out());
        }
    }
}
