package dev.rbmrevoker.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The figures of one bench run, printed as a Markdown table and written to target/bench/results.md. */
public final class BenchTable {

    public record Row(String metric, String measured, String comparedWith, String ratio, String target, String met) {
    }

    private static final List<Row> ROWS = new ArrayList<>();
    private static final List<String> NOTES = new ArrayList<>();

    private BenchTable() {
    }

    public static synchronized void add(String metric, String measured, String comparedWith, String ratio,
            String target, Boolean met) {
        ROWS.add(new Row(metric, measured, comparedWith, ratio, target, met == null ? "n/a" : met ? "yes" : "**no**"));
        System.out.println("BENCH | " + metric + " | " + measured + " | " + comparedWith + " | " + ratio + " | "
                + target + " | " + (met == null ? "n/a" : met ? "yes" : "no"));
    }

    public static synchronized void note(String note) {
        NOTES.add(note);
        System.out.println("BENCH note: " + note);
    }

    public static synchronized String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("| metric | measured | compared with | ratio/limit | target | met? |\n");
        b.append("|---|---|---|---|---|---|\n");
        for (Row r : ROWS) {
            b.append("| ").append(r.metric()).append(" | ").append(r.measured()).append(" | ")
                    .append(r.comparedWith()).append(" | ").append(r.ratio()).append(" | ").append(r.target())
                    .append(" | ").append(r.met()).append(" |\n");
        }
        if (!NOTES.isEmpty()) {
            b.append('\n');
            for (String n : NOTES) {
                b.append("- ").append(n).append('\n');
            }
        }
        return b.toString();
    }

    public static synchronized void write(String header) {
        String md = header + "\n\n" + markdown();
        System.out.println("\n==================== rbm-revoker bench results ====================\n");
        System.out.println(md);
        try {
            Path dir = Path.of("target", "bench");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("results.md"), md);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String f(double v) {
        return v >= 100 ? String.format("%.0f", v) : String.format("%.2f", v);
    }
}
