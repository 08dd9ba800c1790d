package io.kindling.driver.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The versions that wrote a checkpoint: Kindling's, DL4J's, Spark's and Java's. */
public record Versions(String kindling, String dl4j, String spark, String java) {

    public static Versions current(String sparkVersion) {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("/io/kindling/driver/versions.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Versions(p.getProperty("kindling", "unknown"), p.getProperty("dl4j", "unknown"), sparkVersion,
                System.getProperty("java.version"));
    }
}
