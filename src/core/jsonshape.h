/*
 * A look at a JSON text's shape before it is parsed: how many values it holds and how
 * deeply they nest. A parser builds a tree of allocations, one per value, some tens of
 * bytes each: a body of a mebibyte of "[0,0,0,..." would cost a hundred mebibytes to
 * parse only to be refused. Counting first costs one pass over the bytes and nothing
 * else. Strings are skipped with their escapes; the text need not be valid JSON (the
 * parser judges that afterwards).
 */
#ifndef LOUYU_CORE_JSONSHAPE_H
#define LOUYU_CORE_JSONSHAPE_H

#include <stdbool.h>
#include <stddef.h>

struct json_shape {
    size_t values; /* at most: every scalar, array and object, and every object key */
    size_t depth;  /* the deepest nesting of arrays and objects */
};

void json_shape(const char *text, size_t n, struct json_shape *out);

#endif
