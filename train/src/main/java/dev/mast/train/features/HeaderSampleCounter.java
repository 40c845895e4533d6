package dev.mast.train.features;

import dev.mast.audio.AudioFrontEnd;
import dev.mast.audio.decoding.AudioDecoders;
import dev.mast.audio.decoding.AudioStream;
import dev.mast.train.data.SpeechCommandsReader;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Counts the 16 kHz samples of an audio file from its header (WAV data size, FLAC STREAMINFO) without decoding it;
 * a file at another rate counts ⌈n · 16000 / rate⌉, the length the resampler gives it. A FLAC stream that does not
 * state its length is decoded. This is how the Speech Commands reader sizes its {@code _silence_} windows.
 */
public final class HeaderSampleCounter implements SpeechCommandsReader.SampleCounter {
    @Override
    public long samples(Path file) throws IOException {
        try (AudioStream s = AudioDecoders.open(file)) {
            long frames = s.frames();
            if (frames < 0) frames = s.readAll().frames();
            int rate = s.sampleRate();
            return rate == AudioFrontEnd.MODEL_RATE ? frames
                    : Math.ceilDiv(Math.multiplyExact(frames, (long) AudioFrontEnd.MODEL_RATE), rate);
        }
    }
}
