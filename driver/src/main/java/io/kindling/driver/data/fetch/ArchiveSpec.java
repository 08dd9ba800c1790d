package io.kindling.driver.data.fetch;

import java.util.Map;

/**
 * A dataset shipped as one .tar.gz: its file name, the MD5 its publishers give for it, the
 * directory inside the archive, and the member files to extract with their exact sizes.
 */
public record ArchiveSpec(String archive, String md5, String memberDir, Map<String, Long> members) {
    public ArchiveSpec {
        members = Map.copyOf(members);
    }
}
