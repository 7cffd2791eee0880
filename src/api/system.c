/*
 * Liveness answers while the process runs; readiness only while the database
 * answers too, so a load balancer stops sending traffic to a server whose
 * database is gone.
 */
#include "api/system.h"

#include "store/db.h"

/* docs/openapi.yaml, linked into the binary by api/openapi_blob.S. */
extern const char openapi_yaml[];
extern const char openapi_yaml_end[];

void sys_healthz(struct exchange *ex)
{
    buf_puts(&ex->response, "{\"status\":\"ok\"}");
    ex->status = 200;
}

void sys_readyz(struct exchange *ex)
{
    if (ex->db == NULL || !db_ping(ex->db)) {
        reply_problem(ex, ERR_UNAVAILABLE, "the database is not answering");
        return;
    }
    buf_puts(&ex->response, "{\"status\":\"ready\"}");
    ex->status = 200;
}

void sys_openapi(struct exchange *ex)
{
    buf_append(&ex->response, openapi_yaml, (size_t)(openapi_yaml_end - openapi_yaml));
    ex->response_type = "application/yaml";
    ex->status = 200;
}
