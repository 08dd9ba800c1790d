package io.kindling.driver.data.fetch;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A mirror at a base URI: http(s) through the JDK client, anything else (a local directory, file://,
 * hdfs://) through the Hadoop FileSystem API. Tries {@code name.gz} first, then {@code name}.
 */
public final class UriMirror implements Mirror {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);

    private final String base;
    private final Configuration conf;
    private HttpClient http;

    public UriMirror(String base, Configuration conf) {
        this.base = base.endsWith("/") ? base : base + "/";
        this.conf = conf;
    }

    /** Mirrors at each of {@code bases}, in order (the user's first, then the dataset's own); a list to add to. */
    @SafeVarargs
    public static List<Mirror> all(Configuration conf, List<String>... bases) {
        List<Mirror> mirrors = new ArrayList<>();
        for (List<String> list : bases) {
            for (String base : list) {
                mirrors.add(new UriMirror(base, conf));
            }
        }
        return mirrors;
    }

    @Override
    public String describe() {
        return base;
    }

    @Override
    public InputStream open(String name) throws IOException {
        FileNotFoundException missing = null;
        for (String candidate : List.of(name + ".gz", name)) {
            try {
                return isHttp() ? openHttp(candidate) : openFileSystem(candidate);
            } catch (FileNotFoundException e) {
                missing = e;
            }
        }
        throw missing;
    }

    private boolean isHttp() {
        return base.startsWith("http://") || base.startsWith("https://");
    }

    private InputStream openHttp(String name) throws IOException {
        if (http == null) {
            http = HttpClient.newBuilder()
                    .connectTimeout(CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .build();
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + name))
                .timeout(RESPONSE_TIMEOUT)
                .header("User-Agent", "kindling-datasets")
                .GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (response.statusCode() == 404 || response.statusCode() == 403) {
            response.body().close();
            throw new FileNotFoundException(base + name + ": HTTP " + response.statusCode());
        }
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException(base + name + ": HTTP " + response.statusCode());
        }
        return response.body();
    }

    private InputStream openFileSystem(String name) throws IOException {
        Path path = new Path(base + name);
        FileSystem fs = path.getFileSystem(conf);
        if (!fs.exists(path)) {
            throw new FileNotFoundException(path.toString());
        }
        return fs.open(path, 1 << 16);
    }
}
