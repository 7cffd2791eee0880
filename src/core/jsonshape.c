/* The shape of a JSON text, counted without parsing it (see jsonshape.h). */
#include "core/jsonshape.h"

/* A value starts at '[', '{', '"', or at the first byte of a number or a literal that
 * follows a structural character; counting those starts counts every value. */
void json_shape(const char *text, size_t n, struct json_shape *out)
{
    size_t depth = 0;
    bool in_string = false, in_word = false;
    out->values = out->depth = 0;
    for (size_t i = 0; i < n; i++) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
            continue;
        }
        switch (c) {
        case '[':
        case '{':
            out->values++;
            if (++depth > out->depth)
                out->depth = depth;
            in_word = false;
            break;
        case ']':
        case '}':
            depth -= depth > 0;
            in_word = false;
            break;
        case '"':
            out->values++;
            in_string = true;
            in_word = false;
            break;
        case ',':
        case ':':
        case ' ':
        case '\t':
        case '\n':
        case '\r':
            in_word = false;
            break;
        default:
            if (!in_word)
                out->values++;
            in_word = true;
        }
    }
}
