package dev.rbmrevoker.rbm;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;

/**
 * Every log record of the JVM (JBoss Log Manager behind java.util.logging) while installed, formatted as
 * it would be written, with stack traces; the loggers of this code, the REST client and google-auth are
 * turned up to DEBUG so that nothing hides below the default level.
 */
final class LogCapture extends Handler implements AutoCloseable {

    private static final List<String> VERBOSE = List.of("dev.rbmrevoker", "io.quarkus.rest.client",
            "org.jboss.resteasy.reactive.client", "com.google.auth", "io.smallrye.faulttolerance");

    private final List<String> lines = new ArrayList<>();
    private final List<Level> previous = new ArrayList<>();

    private LogCapture() {
        setLevel(Level.ALL);
    }

    static LogCapture install() {
        LogCapture capture = new LogCapture();
        for (String name : VERBOSE) {
            Logger logger = Logger.getLogger(name);
            capture.previous.add(logger.getLevel());
            logger.setLevel(Level.FINE);
        }
        Logger.getLogger("").addHandler(capture);
        return capture;
    }

    @Override
    public void publish(LogRecord record) {
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage()
                : new java.util.logging.SimpleFormatter().formatMessage(record);
        StringBuilder line = new StringBuilder().append(record.getLevel()).append(' ').append(record.getLoggerName())
                .append(' ').append(message);
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append('\n').append(trace);
        }
        synchronized (lines) {
            lines.add(line.toString());
        }
    }

    String text() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
        for (int i = 0; i < VERBOSE.size(); i++) {
            Logger.getLogger(VERBOSE.get(i)).setLevel(previous.get(i));
        }
    }
}
