/*
 * The web app (web/, built by Vite) linked into the binary by scripts/embed-web:
 * every file of the build by its URL path, with a gzip'd copy of the text
 * ones. The server answers GET requests outside /api/ from it; a path that is
 * no file is one of the app's own pages and gets index.html, which routes it.
 */
#ifndef LOUYU_API_WEBAPP_H
#define LOUYU_API_WEBAPP_H

#include <stdbool.h>
#include <stddef.h>

#include "api/exchange.h"

struct web_asset {
    const char *path; /* "/index.html", "/assets/index-3f2a.js" */
    const char *type; /* Content-Type */
    const unsigned char *data, *end;
    const unsigned char *gz, *gz_end; /* NULL when not compressed */
};

extern const struct web_asset web_assets[];
extern const size_t web_nassets;

/* Answers a GET (or HEAD) of 'path' from the web app, when the path is not the API's:
 * the file, or index.html for the app's pages. accept_gzip: the client said it takes
 * gzip. False when the path is the API's (the caller answers 404). */
bool web_answer(struct exchange *ex, bool accept_gzip);

#endif
