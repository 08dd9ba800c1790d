package io.kindling.datasets.images;

import io.kindling.datasets.DatasetFormatException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/** Encoded images to 8-bit channel-major pixels and back: what image folders and image columns share. */
public final class Images {
    /** The largest encoded image read, in bytes: system property {@code kindling.images.maxBytes}. */
    public static final long MAX_BYTES = Long.getLong("kindling.images.maxBytes", 64L << 20);
    /** The most pixels an image may have, from its header, before any are decoded: {@code kindling.images.maxPixels}. */
    public static final long MAX_PIXELS = Long.getLong("kindling.images.maxPixels", 40_000_000L);

    private Images() {
    }

    /** A clear error when an encoded image of {@code bytes} is larger than {@link #MAX_BYTES}. */
    public static void checkSize(long bytes, String where) {
        if (bytes > MAX_BYTES) {
            throw new DatasetFormatException(where + ": " + bytes + " bytes, more than an image may have ("
                    + MAX_BYTES + ", kindling.images.maxBytes)");
        }
    }

    /**
     * Decodes PNG, JPEG, BMP or GIF bytes; {@code where} names the file or row in the error. The size
     * and the header's pixel count are checked before pixels are allocated.
     */
    public static BufferedImage decode(byte[] bytes, String where) {
        checkSize(bytes.length, where);
        // From memory: ImageIO.read would copy each image through a temporary file (its default cache).
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new DatasetFormatException(where + ": not a decodable image (PNG, JPEG, BMP or GIF)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new DatasetFormatException(where + ": " + reader.getWidth(0) + "x" + reader.getHeight(0)
                            + " pixels, more than an image may have (" + MAX_PIXELS + ", kindling.images.maxPixels)");
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DatasetFormatException d) {
                throw d;
            }
            throw new DatasetFormatException(where + ": not a decodable image: " + e.getMessage(), e);
        }
    }

    /** Resizes (bilinear) and converts to 8-bit channel-major pixels, grayscale or RGB. */
    public static byte[] pixels(BufferedImage source, int height, int width, int channels) {
        BufferedImage target = source;
        int type = channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB;
        if (source.getType() != type || source.getHeight() != height || source.getWidth() != width) {
            target = new BufferedImage(width, height, type);
            Graphics2D g = target.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(source, 0, 0, width, height, null);
            g.dispose();
        }
        byte[] pixels = new byte[channels * height * width];
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                if (channels == 1) {
                    pixels[i] = (byte) target.getRaster().getSample(x, y, 0);
                } else {
                    int rgb = target.getRGB(x, y);
                    pixels[i] = (byte) (rgb >> 16);
                    pixels[plane + i] = (byte) (rgb >> 8);
                    pixels[2 * plane + i] = (byte) rgb;
                }
            }
        }
        return pixels;
    }

    /** An image of 8-bit channel-major pixels (1 channel: grayscale, 3: RGB), for encoding. */
    public static BufferedImage image(byte[] pixels, int channels, int height, int width) {
        BufferedImage image = new BufferedImage(width, height,
                channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                if (channels == 1) {
                    image.getRaster().setSample(x, y, 0, pixels[i] & 0xff);
                } else {
                    image.setRGB(x, y, (pixels[i] & 0xff) << 16 | (pixels[plane + i] & 0xff) << 8
                            | (pixels[2 * plane + i] & 0xff));
                }
            }
        }
        return image;
    }

    /** Lossless PNG bytes of 8-bit channel-major pixels. */
    public static byte[] png(byte[] pixels, int channels, int height, int width) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image(pixels, channels, height, width), "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
