/* The access log: one JSON object per line, one write() per line. */
#ifndef LOUYU_HTTP_ACCESSLOG_H
#define LOUYU_HTTP_ACCESSLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct access_entry {
    uint64_t id;
    const char *method; /* NULL when the request never reached the handler */
    const char *path;
    int status; /* 0 when libmicrohttpd answered by itself (e.g. 431) */
    size_t bytes;
    int64_t us;       /* from the request line to the end of the response */
    const char *note; /* NULL, or why a 500 happened */
    bool completed;   /* false when the client went away first */
};

void access_log_write(int fd, const struct access_entry *e);

#endif
