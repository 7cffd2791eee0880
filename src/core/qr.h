/*
 * QR codes for the activity check-in screen, drawn as SVG (for the page) or PNG (for
 * download and print). libqrencode lays out the modules; we only draw them.
 */
#ifndef LOUYU_CORE_QR_H
#define LOUYU_CORE_QR_H

#include "core/buf.h"
#include "core/error.h"

/* The longest text a QR code holds, in bytes: well inside what version 40 at level M
 * carries (2331 bytes), and still a code that a phone reads off a screen. */
#define QR_MAX_TEXT 1024

/* Modules of white around the symbol, as the standard asks. */
#define QR_QUIET 4

/* A QR code of 'text' (UTF-8, at most QR_MAX_TEXT bytes, encoded as given; error
 * correction level M), as an SVG document appended to b: a square viewBox of (width + 8)
 * modules including the 4-module quiet zone, a white <rect> behind it all, and one <path>
 * of the dark modules (runs merged per row, so that the document stays small),
 * shape-rendering="crispEdges". Returns 0, or -1 with err (ERR_INVALID: text empty or too
 * long; ERR_INTERNAL: libqrencode failed); b is unchanged on failure. */
int qr_svg(struct buf *b, const char *text, struct error *err);

/* The same code as a PNG appended to b: 1-bit greyscale, 'scale' pixels per module, the
 * quiet zone included, so (width + 8) * scale pixels square; chunks IHDR, IDAT, IEND.
 * A scale outside 1..32 is a programmer's mistake (assertion). Returns 0, or -1 with err
 * as qr_svg() does (ERR_INTERNAL also when zlib fails); b is unchanged on failure. */
int qr_png(struct buf *b, const char *text, int scale, struct error *err);

#endif
