package io.kindling.datasets;

/**
 * A dataset file that does not hold what its format promises. The message is one line that names
 * the file, the record or field, what was found and what was expected; the CLI prints it as is.
 */
public class DatasetFormatException extends RuntimeException {
    public DatasetFormatException(String message) {
        super(message);
    }

    public DatasetFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
