/*
 * Text from outside in the encodings Chinese offices use: UTF-8 (with or without the BOM
 * Excel writes), GB18030 (and so GBK and GB2312, its subsets) and Big5. Everything inside
 * louyu is UTF-8.
 */
#ifndef LOUYU_CORE_TEXTENC_H
#define LOUYU_CORE_TEXTENC_H

#include <stddef.h>

#include "core/buf.h"
#include "core/error.h"

/* The encoding of data: "utf-8", "gb18030" or "big5" (a guess for the last two, from which
 * decoding reads as the more common Chinese text); NULL when nothing fits. */
const char *textenc_detect(const char *data, size_t n);

/* The canonical name ("utf-8", "gb18030", "big5") of an encoding as people write it
 * ("UTF8", "GBK", "GB2312", "Big5", ...), or NULL when it is none of those. */
const char *textenc_name(const char *given);

/* Converts data from 'encoding' (as textenc_detect names them; NULL to detect) into UTF-8
 * without a BOM, appended to out. Fails with ERR_INVALID naming the line of the first byte
 * that does not decode. *used is set to the encoding used. */
int textenc_to_utf8(const char *data, size_t n, const char *encoding, struct buf *out,
                    const char **used, struct error *err);

/* UTF-8 data as text without copying: *text points into data, past a BOM. Fails like
 * textenc_to_utf8() when data is not valid UTF-8. */
int textenc_utf8_view(const char *data, size_t n, const char **text, size_t *len,
                      struct error *err);

/* True when valid UTF-8 text looks like mojibake: the replacement character, or runs of
 * Latin-1 letters where Chinese read with the wrong encoding leaves them ("å¤©æ²³"). */
int textenc_garbled(const char *s);

#endif
