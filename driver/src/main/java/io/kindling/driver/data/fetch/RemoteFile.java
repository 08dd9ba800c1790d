package io.kindling.driver.data.fetch;

/** A dataset file to fetch: its name, the SHA-256 of its raw (uncompressed) content and its raw size. */
public record RemoteFile(String name, String sha256, long size) {
}
