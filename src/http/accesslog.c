/*
 * Each line is built whole and written with one write() call, so
 * that lines from different threads never interleave (O_APPEND or a pipe).
 */
#include "http/accesslog.h"

#include <unistd.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "core/timefmt.h"

void access_log_write(int fd, const struct access_entry *e)
{
    struct buf b = BUF_INIT;
    struct jsonw w;
    jw_init(&w, &b);
    jw_obj_open(&w);
    jw_key(&w, "time");
    jw_time(&w, time_now());
    jw_key(&w, "id");
    jw_int(&w, (int64_t)e->id);
    jw_key(&w, "method");
    jw_str(&w, e->method ? e->method : "");
    jw_key(&w, "path");
    jw_str(&w, e->path ? e->path : "");
    jw_key(&w, "status");
    jw_int(&w, e->status);
    jw_key(&w, "bytes");
    jw_int(&w, (int64_t)e->bytes);
    jw_key(&w, "us");
    jw_int(&w, e->us);
    if (!e->completed) {
        jw_key(&w, "aborted");
        jw_bool(&w, true);
    }
    if (e->note) {
        jw_key(&w, "note");
        jw_str(&w, e->note);
    }
    jw_obj_close(&w);
    buf_putc(&b, '\n');
    ssize_t ignored = write(fd, b.data, b.len);
    (void)ignored; /* a full disk must not take the server down */
    buf_free(&b);
}
