package io.kindling.datasets.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kindling.datasets.DatasetFormatException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Encoded images from outside: sizes and pixel counts are checked before any pixels are allocated. */
class ImagesTest {
    @Test
    void anImageWhoseHeaderClaimsTooManyPixelsIsRefusedBeforeDecoding() throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY), "png", png);
        byte[] bytes = png.toByteArray();
        // IHDR's width and height follow the 8-byte signature, the chunk's length and its type.
        ByteBuffer.wrap(bytes, 16, 8).putInt(50_000).putInt(40_000);

        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Images.decode(bytes, "bomb.png"));

        assertEquals("bomb.png: 50000x40000 pixels, more than an image may have (40000000, kindling.images.maxPixels)",
                e.getMessage());
    }

    @Test
    void anEncodedImageLargerThanTheByteCapIsRefusedUnread() {
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> Images.checkSize(Images.MAX_BYTES + 1, "huge.jpg"));
        assertEquals("huge.jpg: " + (Images.MAX_BYTES + 1) + " bytes, more than an image may have (" + Images.MAX_BYTES
                + ", kindling.images.maxBytes)", e.getMessage());
    }
}
