package io.kindling.driver.data.fetch;

/** No mirror produced a file with the expected content. The message names the file and each attempt. */
public class FetchException extends RuntimeException {
    public FetchException(String message) {
        super(message);
    }
}
