package dev.mast.train;

import dev.mast.engine.io.AtomicFile;
import dev.mast.engine.io.Json;
import dev.mast.train.checkpoint.RunFolder;
import dev.mast.train.data.Split;
import dev.mast.train.report.ConfusionMatrixChart;
import dev.mast.train.report.ProgressBar;
import dev.mast.train.report.TrainingCurvesChart;
import dev.mast.train.report.TrainingHistory;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The files a run leaves for people and scripts (see {@link RunFolder}): after every epoch {@code history.csv} and
 * the curves; at the end the test confusion matrix (text, PNG, HTML), {@code metrics.json} and {@code summary.txt}.
 * {@code metrics.json} holds no wall times, so it is identical for identical runs.
 */
public final class RunReport {
    private RunReport() {}

    /** Writes {@code history.csv}, {@code curves.png} and {@code curves.html}. */
    public static void writeHistory(RunFolder run, TrainingHistory history, String title) throws IOException {
        AtomicFile.writeString(run.history(), history.toCsv());
        TrainingCurvesChart.writePng(history, run.curvesPng());
        TrainingCurvesChart.writeHtml(history, run.curvesHtml(), title);
    }

    /** Writes the final files and returns the summary text (also in {@code summary.txt}). */
    public static String writeFinal(RunFolder run, RunResult r, TrainSettings s, TrainingData data,
                                    String modelDescription) throws IOException {
        if (r.test() != null) {
            AtomicFile.writeString(run.confusionText(), r.test().confusion().toText());
            ConfusionMatrixChart.writePng(r.test().confusion(), run.confusionPng());
            ConfusionMatrixChart.writeHtml(r.test().confusion(), run.confusionHtml(), "Test set: " + modelDescription);
        }
        AtomicFile.writeString(run.metrics(), Json.writePretty(metrics(r)));
        String summary = summary(r, s, data, modelDescription);
        AtomicFile.writeString(run.summary(), summary);
        return summary;
    }

    private static Map<String, Object> metrics(RunResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("test_accuracy", number(r.test() == null ? Double.NaN : r.test().accuracy()));
        m.put("best_epoch", r.bestEpoch());
        m.put("best_validation_accuracy", number(r.bestValidationAccuracy()));
        m.put("epochs", r.history().epochs().size());
        m.put("steps", r.steps());
        if (!r.history().isEmpty()) {
            TrainingHistory.Epoch last = r.history().epochs().getLast();
            m.put("final_train_loss", number(last.trainLoss()));
            m.put("final_validation_loss", number(last.validationLoss()));
        }
        if (r.test() != null) {
            Map<String, Object> test = new LinkedHashMap<>();
            test.put("loss", number(r.test().loss()));
            @SuppressWarnings("unchecked") // a JSON object parses to a map
            Map<String, Object> figures = (Map<String, Object>) Json.parse(r.test().confusion().toJson());
            test.putAll(figures);
            m.put("test", test);
        }
        return m;
    }

    private static Object number(double x) {
        return Double.isFinite(x) ? x : null;
    }

    private static String summary(RunResult r, TrainSettings s, TrainingData data, String modelDescription) {
        OptimSettings o = s.optim();
        StringBuilder b = new StringBuilder();
        b.append("model     ").append(modelDescription).append('\n');
        b.append("data      ").append(data.dataset().summary()).append('\n');
        b.append(String.format(Locale.ROOT, "input     %s, %d frames, normalised (x - %.4f) / %.4f%n",
                data.frontEnd().kindName(), data.frontEnd().frames(), s.data().normMean(), s.data().normStd()));
        b.append(String.format(Locale.ROOT, "training  %d epochs x %d steps of batch %d, AdamW lr %.3g (cosine to %.3g,"
                        + " %.3g warm-up epochs), weight decay %.3g, label smoothing %.3g, clip %.3g, seed %d,"
                        + " %d thread(s)%n", o.epochs(), r.steps() / Math.max(1, o.epochs()), o.batch(), o.lr(), o.minLr(),
                o.warmupEpochs(), o.weightDecay(), o.labelSmoothing(), o.clipNorm(), s.seed(), s.threads()));
        if (r.bestEpoch() > 0) {
            b.append(String.format(Locale.ROOT, "best      epoch %d, validation accuracy %s%n", r.bestEpoch(),
                    percent(r.bestValidationAccuracy())));
        }
        if (r.test() != null) {
            b.append(String.format(Locale.ROOT, "test      accuracy %s (balanced %s, loss %.4f) on %d clips%n",
                    percent(r.test().accuracy()), percent(r.test().confusion().balancedAccuracy()), r.test().loss(),
                    r.test().examples()));
        } else {
            b.append("test      no test clips in ").append(data.dataset().root()).append('\n');
        }
        double clipsPerSecond = r.trainSeconds() > 0
                ? (double) data.clips(Split.TRAIN).size() * r.history().epochs().size() / r.trainSeconds() : 0;
        b.append(String.format(Locale.ROOT, "time      %s training (%.1f clips/s), model waited %.1f%% of it for data%n",
                ProgressBar.formatDuration(r.trainSeconds()), clipsPerSecond,
                r.trainSeconds() > 0 ? 100 * r.dataWaitSeconds() / r.trainSeconds() : 0));
        if (r.test() != null) b.append('\n').append(r.test().confusion().toText());
        return b.toString();
    }

    private static String percent(double x) {
        return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * x);
    }
}
