/*
 * louyu import members FILE: a secretary's CSV into the register, through the same domain
 * code as the upload endpoint (acting as an admin named "cli" in the audit log).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "core/textenc.h"
#include "domain/entity.h"
#include "domain/import.h"
#include "store/db.h"

struct import_cli {
    const char *db, *rejected;
    struct import_options o;
};

static void progress(size_t done, size_t total, void *ctx)
{
    (void)ctx;
    int width = 40, filled = total ? (int)(done * (size_t)width / total) : width;
    fprintf(stderr, "\rimporting [%.*s%*s] %zu/%zu rows", filled,
            "########################################", width - filled, "", done, total);
    if (done >= total)
        fputc('\n', stderr);
}

static int parse(int argc, char **argv, struct import_cli *o)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"dry-run", no_argument, NULL, 'n'},
        {"partial", no_argument, NULL, 'p'},
        {"encoding", required_argument, NULL, 'e'},
        {"rejected", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->db = optarg;
            break;
        case 'n':
            o->o.dry_run = true;
            break;
        case 'p':
            o->o.partial = true;
            break;
        case 'e':
            if (textenc_name(optarg) == NULL)
                return cli_usage_error("import",
                                       "--encoding takes utf-8, gb18030 (or gbk) or big5");
            o->o.encoding = optarg;
            break;
        case 'r':
            o->rejected = optarg;
            break;
        default:
            return cli_common_option("import", c, argv);
        }
    }
    if (o->db == NULL || *o->db == '\0')
        return cli_usage_error("import", "--db PATH is required");
    return 0;
}

/* The file mapped into memory (read-only, and never copied whole), or NULL. */
static char *map_file(const char *path, size_t *n, struct error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        error_set(err, ERR_INVALID, "cannot read '%s': %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    *n = (size_t)st.st_size;
    /* An empty file maps to nothing: an empty string will do. */
    void *p = *n ? mmap(NULL, *n, PROT_READ, MAP_PRIVATE, fd, 0) : (void *)"";
    close(fd);
    if (p == MAP_FAILED) {
        error_set(err, ERR_INVALID, "cannot read '%s': %s", path, strerror(errno));
        return NULL;
    }
    return p;
}

static void print_report(const struct import_report *rep, bool dry_run)
{
    for (size_t i = 0; i < rep->nrows; i++)
        if (rep->rows[i].action == IMPORT_REJECT)
            fprintf(stderr, "line %zu: %s\n", rep->rows[i].line, rep->rows[i].reason);
    printf("louyu: %s (%s): %zu to create, %zu to update, %zu unchanged, %zu refused%s\n",
           dry_run          ? "dry run"
           : rep->committed ? "imported"
                            : "nothing imported",
           rep->encoding ? rep->encoding : "?", rep->count[IMPORT_CREATE],
           rep->count[IMPORT_UPDATE], rep->count[IMPORT_UNCHANGED], rep->count[IMPORT_REJECT],
           dry_run ? "; nothing was changed" : "");
}

static int write_rejected(const char *path, const struct import_report *rep, struct error *err)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return error_set(err, ERR_INVALID, "cannot write '%s': %s", path, strerror(errno));
    fputs("\xEF\xBB\xBF", f);
    fwrite(rep->rejected_csv.data ? rep->rejected_csv.data : "", 1, rep->rejected_csv.len, f);
    return fclose(f) == 0 ? 0 : error_set(err, ERR_INVALID, "cannot write '%s'", path);
}

int cmd_import(int argc, char **argv)
{
    if (argc < 3 || strcmp(argv[1], "members") != 0) {
        if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            fputs(cli_command("import")->usage, stdout);
            return 0;
        }
        return cli_usage_error("import", "usage: louyu import members FILE --db PATH");
    }
    const char *file = argv[2];
    struct import_cli o = {.db = getenv("LOUYU_DB")};
    optind = 1;
    int rc = parse(argc - 2, argv + 2, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (isatty(2))
        o.o.progress = progress;
    struct arena *a = arena_new(1 << 20);
    struct error err;
    error_init(&err, a);
    size_t n = 0;
    char *data = map_file(file, &n, &err);
    o.o.rejects_only = true; /* the command line shows only the refused rows */
    struct db *db = data ? db_open(o.db, false, NULL, &err) : NULL;
    struct import_report rep = {0};
    rc = 1;
    if (db && db_migrate(db, &err) == 0) {
        int done = import_members(db, a, &entity_cli_caller, data, n, &o.o, &rep, &err);
        if (rep.data_rows)
            print_report(&rep, o.o.dry_run);
        if (o.rejected && rep.count[IMPORT_REJECT] && write_rejected(o.rejected, &rep, &err) != 0)
            done = -1;
        rc = done == 0 ? 0 : 1;
    }
    if (rc != 0)
        cli_fail(&err);
    import_report_free(&rep);
    if (data && n)
        munmap(data, n);
    db_close(db);
    arena_free(a);
    return rc;
}
