/*
 * A growable byte buffer on the heap. Response bodies are built in one and
 * handed to the HTTP library whole (buf_release), so they outlive the
 * request arena.
 */
#ifndef LOUYU_CORE_BUF_H
#define LOUYU_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *data; /* NUL-terminated when non-NULL; owned by the buf */
    size_t len; /* bytes, not counting the terminating NUL */
    size_t cap;
};

#define BUF_INIT                                                                                   \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);

/* Gives the caller the bytes (free() them) and leaves the buf empty. */
char *buf_release(struct buf *b, size_t *len);

void buf_free(struct buf *b);

#endif
