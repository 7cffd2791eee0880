/* Unit tests for QR codes (core/qr.c): the SVG and the PNG, read back and compared with the
 * symbol libqrencode lays out for the same text. */
#include <qrencode.h>
#include <stdint.h>
#include <stdlib.h>
#include <zlib.h>

#include "core/arena.h"
#include "core/qr.h"
#include "unit.h"

/* The symbol qr.c draws for text (level M, byte mode, case-sensitive). */
static QRcode *symbol(const char *text)
{
    return QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
}

static int dark(const QRcode *qr, int x, int y)
{
    return qr->data[(size_t)y * (size_t)qr->width + (size_t)x] & 1;
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

/* Paints the path's "Mx yhNv1h-Nz" runs into a size*size grid; -1 when the data has
 * anything else in it, a run leaves the grid, or it touches or overlaps a run painted
 * before it (runs of a row come merged, left to right). */
static int paint_path(const char *d, unsigned char *grid, int size)
{
    int x, y, n, m, used;
    while (*d != '"') {
        if (sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &m, &used) != 4 || n != m || n < 1 ||
            x < 0 || y < 0 || x + n > size || y >= size)
            return -1;
        unsigned char *run = grid + (size_t)y * (size_t)size + (size_t)x;
        if ((x > 0 && run[-1]) || memchr(run, 1, (size_t)n))
            return -1;
        memset(run, 1, (size_t)n);
        d += used;
    }
    return 0;
}

static void check_svg(const char *text)
{
    QRcode *qr = symbol(text);
    int size = qr->width + 2 * QR_QUIET;
    struct buf b = BUF_INIT;
    struct error err;
    error_init(&err, NULL);
    CHECK(qr_svg(&b, text, &err) == 0 && err.kind == ERR_NONE);
    CHECK(b.len > 4 && strncmp(b.data, "<svg", 4) == 0);
    char want[64];
    snprintf(want, sizeof want, "viewBox=\"0 0 %d %d\"", size, size);
    CHECK(strstr(b.data, want) != NULL);
    CHECK(strstr(b.data, "shape-rendering=\"crispEdges\"") != NULL);
    CHECK(count(b.data, "<path") == 1);
    CHECK(b.len > 7 && strcmp(b.data + b.len - 7, "</svg>\n") == 0);

    /* The path's modules are exactly the symbol's dark ones, moved by the quiet zone. */
    unsigned char *grid = calloc((size_t)size * (size_t)size, 1);
    const char *d = strstr(b.data, " d=\"");
    CHECK(d != NULL && paint_path(d + 4, grid, size) == 0);
    int same = 1;
    for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++) {
            int in = x >= QR_QUIET && y >= QR_QUIET && x < size - QR_QUIET && y < size - QR_QUIET;
            int want_dark = in && dark(qr, x - QR_QUIET, y - QR_QUIET);
            same &= grid[(size_t)y * (size_t)size + (size_t)x] == want_dark;
        }
    CHECK(same);
    free(grid);
    buf_free(&b);
    QRcode_free(qr);
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A PNG read back: its IHDR fields and its inflated scanlines. */
struct png {
    uint32_t width, height;
    int depth, colour, interlace;
    unsigned char *raw; /* malloc'd */
    size_t rawlen;
    size_t stride; /* bytes a scanline, filter byte included */
};

/* Walks the chunks of data[0..n): every CRC right, IHDR first, IEND last and nothing after
 * it; inflates the IDATs. 0, or -1 at the first thing wrong. */
static int png_read(const unsigned char *data, size_t n, struct png *p)
{
    memset(p, 0, sizeof *p);
    if (n < 8 || memcmp(data, "\x89PNG\r\n\x1a\n", 8) != 0)
        return -1;
    struct buf idat = BUF_INIT;
    int rc = -1, nchunk = 0, ended = 0;
    for (size_t off = 8; off < n; nchunk++) {
        if (ended || n - off < 12 || be32(data + off) > n - off - 12)
            goto out;
        uint32_t len = be32(data + off);
        const unsigned char *type = data + off + 4, *body = type + 4;
        uLong crc = crc32(crc32(0L, type, 4), len ? body : (const unsigned char *)"", len);
        if (crc != be32(body + len))
            goto out;
        if ((nchunk == 0) != (memcmp(type, "IHDR", 4) == 0))
            goto out;
        if (memcmp(type, "IHDR", 4) == 0) {
            if (len != 13)
                goto out;
            p->width = be32(body);
            p->height = be32(body + 4);
            p->depth = body[8];
            p->colour = body[9];
            p->interlace = body[12];
        } else if (memcmp(type, "IDAT", 4) == 0)
            buf_append(&idat, body, len);
        else if (memcmp(type, "IEND", 4) == 0)
            ended = 1;
        off += 12 + (size_t)len;
    }
    if (!ended || p->depth != 1 || p->colour != 0 || p->width == 0)
        goto out;
    p->stride = 1 + ((size_t)p->width + 7) / 8;
    /* One byte of room more than the image needs, so that extra data shows. */
    uLongf got = (uLongf)(p->stride * p->height + 1);
    p->raw = malloc(got);
    if (uncompress(p->raw, &got, (const Bytef *)idat.data, (uLong)idat.len) != Z_OK)
        goto out;
    p->rawlen = got;
    rc = 0;
out:
    buf_free(&idat);
    return rc;
}

/* 1 when the pixel at (x, y) is black. */
static int png_black(const struct png *p, size_t x, size_t y)
{
    return !((p->raw[y * p->stride + 1 + x / 8] >> (7 - x % 8)) & 1);
}

static void check_png(const char *text, int scale)
{
    QRcode *qr = symbol(text);
    size_t s = (size_t)scale, px = (size_t)(qr->width + 2 * QR_QUIET) * s;
    struct buf b = BUF_INIT;
    struct error err;
    error_init(&err, NULL);
    CHECK(qr_png(&b, text, scale, &err) == 0 && err.kind == ERR_NONE);
    struct png p;
    CHECK(png_read((const unsigned char *)b.data, b.len, &p) == 0);
    CHECK(p.width == px && p.height == px && p.interlace == 0);
    CHECK(p.raw != NULL && p.rawlen == px * p.stride);
    if (p.raw == NULL || p.rawlen != px * p.stride || p.width != px) {
        free(p.raw);
        buf_free(&b);
        QRcode_free(qr);
        return;
    }
    int filters = 1;
    for (size_t y = 0; y < px; y++)
        filters &= p.raw[y * p.stride] == 0;
    CHECK(filters);

    /* The top-left finder: its outer ring dark, the ring inside it light, its 3x3 centre
     * dark; the quiet zone around it white. */
    size_t q = QR_QUIET * s, half = s / 2;
    CHECK(png_black(&p, q + half, q + half));
    CHECK(png_black(&p, q + 3 * s + half, q + 3 * s + half));
    CHECK(!png_black(&p, q + s + half, q + s + half));
    CHECK(!png_black(&p, 0, 0) && !png_black(&p, q - 1, q - 1) && !png_black(&p, q - 1, q));
    CHECK(!png_black(&p, px - 1, px - 1));

    /* Every pixel is the module it lies in. */
    int same = 1;
    for (size_t y = 0; y < px; y++)
        for (size_t x = 0; x < px; x++) {
            int mx = (int)(x / s) - QR_QUIET, my = (int)(y / s) - QR_QUIET;
            int in = mx >= 0 && my >= 0 && mx < qr->width && my < qr->width;
            same &= png_black(&p, x, y) == (in && dark(qr, mx, my));
        }
    CHECK(same);
    free(p.raw);
    buf_free(&b);
    QRcode_free(qr);
}

static void test_refused(void)
{
    struct arena *a = arena_new(0);
    struct error err;
    struct buf b = BUF_INIT;
    buf_puts(&b, "kept");
    char *long_text = malloc(QR_MAX_TEXT + 2);
    memset(long_text, 'x', QR_MAX_TEXT + 1);
    long_text[QR_MAX_TEXT + 1] = '\0';
    const char *bad[] = {"", long_text};
    for (size_t i = 0; i < 2; i++) {
        error_init(&err, a);
        CHECK(qr_svg(&b, bad[i], &err) == -1 && err.kind == ERR_INVALID && err.detail != NULL);
        error_init(&err, a);
        CHECK(qr_png(&b, bad[i], 4, &err) == -1 && err.kind == ERR_INVALID);
    }
    CHECK_STR(err.detail, "the text of a QR code is longer than 1024 bytes");
    CHECK_STR(b.data, "kept");

    /* The longest text fits, all of it in byte mode: lower-case letters, then Chinese. */
    long_text[QR_MAX_TEXT] = '\0';
    error_init(&err, a);
    CHECK(qr_svg(&b, long_text, &err) == 0);
    for (size_t i = 0; i + 3 <= QR_MAX_TEXT; i += 3)
        memcpy(long_text + i, "签", 3);
    buf_reset(&b);
    CHECK(qr_png(&b, long_text, 1, &err) == 0);
    free(long_text);
    buf_free(&b);
    arena_free(a);
}

void test_qr(void)
{
    /* A short text is version 1 at level M: 21 modules, 29 with the quiet zone. */
    struct buf b = BUF_INIT;
    struct error err;
    error_init(&err, NULL);
    CHECK(qr_svg(&b, "checkin:42", &err) == 0);
    CHECK(strstr(b.data, "viewBox=\"0 0 29 29\"") != NULL);
    buf_reset(&b);
    CHECK(qr_png(&b, "checkin:42", 3, &err) == 0);
    CHECK(b.len > 24 && be32((const unsigned char *)b.data + 16) == 87 &&
          be32((const unsigned char *)b.data + 20) == 87);
    buf_free(&b);

    const char *texts[] = {"checkin:42", "https://louyu.example/activities/1207/check-in?t=Zm9v",
                           "西塔社区活动签到 · 2024-06-01", "HELLO WORLD 0123456789"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        check_svg(texts[i]);
        check_png(texts[i], 1);
        check_png(texts[i], 5);
        check_png(texts[i], 8);
    }
    check_png(texts[1], 32);
    test_refused();
}
