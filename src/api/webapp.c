/* Serving the web app from the binary (see webapp.h). */
#include "api/webapp.h"

#include <string.h>

/* The app's files by path (the table is sorted by path: scripts/embed-web sorts it). */
static const struct web_asset *find(const char *path)
{
    size_t lo = 0, hi = web_nassets;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(path, web_assets[mid].path);
        if (c == 0)
            return &web_assets[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

static bool is_api(const char *path)
{
    return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0;
}

/* Content hashed into the name never changes; everything else is checked each time. */
static bool immutable(const char *path)
{
    return strncmp(path, "/assets/", 8) == 0;
}

bool web_answer(struct exchange *ex, bool accept_gzip)
{
    if (is_api(ex->path))
        return false;
    const struct web_asset *f = find(ex->path);
    bool page = f == NULL || strcmp(ex->path, "/") == 0;
    if (page && (f = find("/index.html")) == NULL)
        return false;
    /* The app's own page is one document: its scripts and styles only from here. */
    if (strstr(f->type, "text/html")) {
        exchange_header(ex, "Content-Security-Policy",
                        "default-src 'self'; script-src 'self'; style-src 'self' "
                        "'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; "
                        "font-src 'self' data:; object-src 'none'; base-uri 'self'; "
                        "form-action 'self'; frame-ancestors 'none'");
        exchange_header(ex, "X-Frame-Options", "DENY");
        exchange_header(ex, "Referrer-Policy", "same-origin");
    }
    exchange_header(ex, "Cache-Control",
                    immutable(f->path) ? "public, max-age=31536000, immutable" : "no-cache");
    bool gz = accept_gzip && f->gz != NULL;
    if (f->gz)
        exchange_header(ex, "Vary", "Accept-Encoding");
    if (gz)
        exchange_header(ex, "Content-Encoding", "gzip");
    ex->static_body = gz ? f->gz : f->data;
    ex->static_len = (size_t)(gz ? f->gz_end - f->gz : f->end - f->data);
    ex->response_type = f->type;
    ex->status = 200;
    return true;
}
