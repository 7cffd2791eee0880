/*
 * QR codes: libqrencode lays out the modules (byte mode for anything not alphanumeric,
 * level M); this file draws them. The SVG is one path of per-row runs; the PNG is written
 * by hand (signature, IHDR, one IDAT, IEND), zlib doing the deflating and the CRCs.
 */
#include "core/qr.h"

#include <assert.h>
#include <errno.h>
#include <qrencode.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define QR_MAX_SCALE 32

/* The symbol of text, or NULL with err. The caller frees it with QRcode_free(). */
static QRcode *encode(const char *text, struct error *err)
{
    size_t n = strnlen(text, QR_MAX_TEXT + 1);
    if (n == 0) {
        error_set(err, ERR_INVALID, "the text of a QR code is empty");
        return NULL;
    }
    if (n > QR_MAX_TEXT) {
        error_set(err, ERR_INVALID, "the text of a QR code is longer than %d bytes", QR_MAX_TEXT);
        return NULL;
    }
    errno = 0;
    /* Case-sensitive: otherwise libqrencode upper-cases the text to fit alphanumeric mode. */
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (qr == NULL)
        error_set(err, ERR_INTERNAL, "cannot encode a QR code: %s", strerror(errno));
    return qr;
}

static int dark(const QRcode *qr, int x, int y)
{
    return qr->data[(size_t)y * (size_t)qr->width + (size_t)x] & 1;
}

int qr_svg(struct buf *b, const char *text, struct error *err)
{
    QRcode *qr = encode(text, err);
    if (qr == NULL)
        return -1;
    int w = qr->width, size = w + 2 * QR_QUIET;
    buf_printf(b,
               "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
               "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
               "<path fill=\"#000\" d=\"",
               size, size, size, size);
    for (int y = 0; y < w; y++) {
        for (int x = 0; x < w;) {
            if (!dark(qr, x, y)) {
                x++;
                continue;
            }
            int x0 = x;
            while (x < w && dark(qr, x, y))
                x++;
            buf_printf(b, "M%d %dh%dv1h-%dz", x0 + QR_QUIET, y + QR_QUIET, x - x0, x - x0);
        }
    }
    buf_puts(b, "\"/></svg>\n");
    QRcode_free(qr);
    return 0;
}

/* ---- PNG ---- */

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* A chunk: length, type, data, and the CRC-32 of type and data. */
static void put_chunk(struct buf *b, const char *type, const unsigned char *data, size_t n)
{
    unsigned char head[8], crc[4];
    put_be32(head, (uint32_t)n);
    memcpy(head + 4, type, 4);
    uLong c = crc32(0L, head + 4, 4);
    if (n > 0) /* crc32() of a null pointer is 0, not its argument */
        c = crc32(c, data, (uInt)n);
    put_be32(crc, (uint32_t)c);
    buf_append(b, head, sizeof head);
    if (n > 0)
        buf_append(b, data, n);
    buf_append(b, crc, sizeof crc);
}

/* The image as PNG scanlines: px rows of 'stride' bytes, each a filter byte (0, none) and
 * then one bit a pixel, most significant first, 0 black. malloc'd; NULL when out of memory. */
static unsigned char *scanlines(const QRcode *qr, int scale, size_t px, size_t stride)
{
    unsigned char *img = malloc(px * stride);
    if (img == NULL)
        return NULL;
    memset(img, 0xff, px * stride);
    for (int y = 0; y < qr->width; y++) {
        unsigned char *line = img + (size_t)(y + QR_QUIET) * (size_t)scale * stride;
        for (int x = 0; x < qr->width; x++) {
            if (!dark(qr, x, y))
                continue;
            size_t i = (size_t)(x + QR_QUIET) * (size_t)scale, end = i + (size_t)scale;
            for (; i < end; i++)
                line[1 + i / 8] &= (unsigned char)~(0x80u >> (i % 8));
        }
        for (int k = 1; k < scale; k++)
            memcpy(line + (size_t)k * stride, line, stride);
    }
    for (size_t r = 0; r < px; r++)
        img[r * stride] = 0;
    return img;
}

static void put_png(struct buf *b, size_t px, const unsigned char *idat, size_t n)
{
    unsigned char ihdr[13];
    put_be32(ihdr, (uint32_t)px);
    put_be32(ihdr + 4, (uint32_t)px);
    ihdr[8] = 1;  /* bit depth */
    ihdr[9] = 0;  /* colour type: greyscale */
    ihdr[10] = 0; /* compression: deflate */
    ihdr[11] = 0; /* filter method: adaptive (every row says "none") */
    ihdr[12] = 0; /* no interlace */
    buf_append(b, "\x89PNG\r\n\x1a\n", 8);
    put_chunk(b, "IHDR", ihdr, sizeof ihdr);
    put_chunk(b, "IDAT", idat, n);
    put_chunk(b, "IEND", NULL, 0);
}

int qr_png(struct buf *b, const char *text, int scale, struct error *err)
{
    assert(scale >= 1 && scale <= QR_MAX_SCALE);
    QRcode *qr = encode(text, err);
    if (qr == NULL)
        return -1;
    int rc = -1;
    size_t px = (size_t)(qr->width + 2 * QR_QUIET) * (size_t)scale, stride = 1 + (px + 7) / 8;
    unsigned char *raw = scanlines(qr, scale, px, stride), *z = NULL;
    uLongf zlen = compressBound((uLong)(px * stride));
    if (raw == NULL || (z = malloc(zlen)) == NULL) {
        error_set(err, ERR_INTERNAL, "cannot draw a QR code: out of memory");
        goto out;
    }
    int zrc = compress2(z, &zlen, raw, (uLong)(px * stride), Z_BEST_COMPRESSION);
    if (zrc != Z_OK) {
        error_set(err, ERR_INTERNAL, "cannot compress a QR code: %s", zError(zrc));
        goto out;
    }
    put_png(b, px, z, zlen);
    rc = 0;
out:
    free(z);
    free(raw);
    QRcode_free(qr);
    return rc;
}
