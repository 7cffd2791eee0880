/*
 * Chunks are chained; allocation bumps a pointer in the newest chunk and
 * opens a bigger chunk when it does not fit. Large requests get a chunk of
 * their own so that they do not waste the rest of the current one.
 */
#include "core/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALIGN 16u

struct chunk {
    struct chunk *next;
    size_t size; /* usable bytes after the header */
    size_t used;
    max_align_t data[];
};

struct cleanup {
    struct cleanup *next;
    void (*fn)(void *);
    void *p;
};

struct arena {
    struct chunk *head;
    struct cleanup *cleanups;
    size_t total;
};

static struct chunk *chunk_new(size_t size)
{
    struct chunk *c = malloc(sizeof(*c) + size);
    if (c == NULL) {
        fputs("louyu: out of memory\n", stderr);
        abort();
    }
    c->next = NULL;
    c->size = size;
    c->used = 0;
    return c;
}

struct arena *arena_new(size_t hint)
{
    struct arena *a = malloc(sizeof(*a));
    if (a == NULL)
        return NULL;
    a->head = chunk_new(hint < 1024 ? 1024 : hint);
    a->cleanups = NULL;
    a->total = 0;
    return a;
}

void arena_free(struct arena *a)
{
    if (a == NULL)
        return;
    for (struct cleanup *c = a->cleanups; c != NULL; c = c->next)
        c->fn(c->p);
    struct chunk *c = a->head;
    while (c != NULL) {
        struct chunk *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
    size_t need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    if (need < n) {
        fputs("louyu: allocation size overflow\n", stderr);
        abort();
    }
    struct chunk *c = a->head;
    if (c->size - c->used < need) {
        if (need > c->size / 2) {
            /* A big block gets its own chunk behind the current one. */
            struct chunk *big = chunk_new(need);
            big->next = c->next;
            c->next = big;
            big->used = need;
            a->total += need;
            return big->data;
        }
        struct chunk *fresh = chunk_new(c->size * 2);
        fresh->next = c;
        a->head = c = fresh;
    }
    void *p = (char *)c->data + c->used;
    c->used += need;
    a->total += need;
    return p;
}

void *arena_zalloc(struct arena *a, size_t n)
{
    void *p = arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return arena_strdup(a, "");
    char *p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void arena_defer(struct arena *a, void (*fn)(void *), void *p)
{
    struct cleanup *c = arena_alloc(a, sizeof(*c));
    c->fn = fn;
    c->p = p;
    c->next = a->cleanups;
    a->cleanups = c;
}

size_t arena_used(const struct arena *a)
{
    return a->total;
}
