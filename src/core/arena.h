/*
 * A bump allocator with cleanup hooks: everything one request (or one CLI
 * command) allocates lives in one arena and is released by one arena_free().
 * Foreign objects (a jansson tree, a statement) can be tied to the arena's
 * lifetime with arena_defer().
 */
#ifndef LOUYU_CORE_ARENA_H
#define LOUYU_CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

/* A new arena whose first chunk holds about 'hint' bytes; NULL when out of memory. */
struct arena *arena_new(size_t hint);

/* Runs deferred cleanups (last registered first), then frees every chunk. NULL is a no-op. */
void arena_free(struct arena *a);

/* 'n' bytes aligned for any type, valid until arena_free(). Aborts when out of memory:
 * a server that cannot allocate a few KiB cannot answer anyway. */
void *arena_alloc(struct arena *a, size_t n);

/* Like arena_alloc(), zero-filled. */
void *arena_zalloc(struct arena *a, size_t n);

/* A NUL-terminated copy of the first 'n' bytes of 's'. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);

char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Calls fn(p) when the arena is freed. */
void arena_defer(struct arena *a, void (*fn)(void *), void *p);

/* Bytes handed out so far (for tests and metrics). */
size_t arena_used(const struct arena *a);

#endif
