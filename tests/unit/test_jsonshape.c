/* The shape of a JSON text, counted without parsing, against jansson's parse of it. */
#include <jansson.h>
#include <stdlib.h>

#include "core/jsonshape.h"
#include "unit.h"

/* Values and object keys of a parsed document, and its depth, as json_shape counts them. */
static void parsed_shape(const json_t *v, size_t level, struct json_shape *s)
{
    s->values++;
    if (json_is_array(v) || json_is_object(v))
        s->depth = level + 1 > s->depth ? level + 1 : s->depth;
    if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) parsed_shape(x, level + 1, s);
    } else if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x)
        {
            s->values++;
            parsed_shape(x, level + 1, s);
        }
    }
}

/* A random document: nested arrays and objects of numbers, strings with escapes,
 * literals. */
static json_t *random_value(unsigned *seed, int depth)
{
    int kind = rand_r(seed) % (depth > 5 ? 4 : 6);
    static const char *const strings[] = {"", "a,b", "q\"uo[te]", "back\\slash", "{:}", "中文"};
    switch (kind) {
    case 0:
        return json_integer(rand_r(seed) % 100000 - 50000);
    case 1:
        return json_string(strings[rand_r(seed) % 6]);
    case 2:
        return rand_r(seed) % 2 ? json_true() : json_null();
    case 3:
        return json_real((double)(rand_r(seed) % 1000) / 7.0);
    case 4: {
        json_t *a = json_array();
        for (int i = rand_r(seed) % 5; i > 0; i--)
            json_array_append_new(a, random_value(seed, depth + 1));
        return a;
    }
    default: {
        json_t *o = json_object();
        char key[16];
        for (int i = rand_r(seed) % 5; i > 0; i--) {
            snprintf(key, sizeof(key), "k%d\"%d", depth, i);
            json_object_set_new(o, key, random_value(seed, depth + 1));
        }
        return o;
    }
    }
}

void test_jsonshape(void)
{
    struct json_shape s;
    json_shape("[0,0,0]", 7, &s);
    CHECK(s.values == 4 && s.depth == 1);
    const char *nested = "{\"a\":{\"b\":[1,\"]]]\"]}}"; /* 2 objects, 2 keys, array, 2 */
    json_shape(nested, strlen(nested), &s);
    CHECK(s.values == 7 && s.depth == 3);
    json_shape("[[[[[[[[", 8, &s);
    CHECK(s.depth == 8);
    json_shape("\"\\\"[[[\"", 7, &s); /* brackets inside a string with an escaped quote */
    CHECK(s.values == 1 && s.depth == 0);
    json_shape("]]]", 3, &s); /* not JSON, but no underflow */
    CHECK(s.depth == 0);

    unsigned seed = 20261129;
    int agree = 0;
    for (int i = 0; i < 500; i++) {
        json_t *v = random_value(&seed, 0);
        char *text = json_dumps(v, JSON_ENCODE_ANY | (i % 2 ? JSON_INDENT(2) : JSON_COMPACT));
        struct json_shape want = {0}, got;
        parsed_shape(v, 0, &want);
        json_shape(text, strlen(text), &got);
        agree += got.values == want.values && got.depth == want.depth;
        free(text);
        json_decref(v);
    }
    CHECK(agree == 500);
}
