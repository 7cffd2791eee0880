/* Every route of the server, in one table. */
#include "api/routes.h"

#include "api/resource.h"
#include "api/system.h"
#include "domain/places.h"

#define COLLECTION(path, entity)                                                                   \
    {"GET", "/api/v1/" path, res_list, &entity, ROUTE_DB},                                         \
        {"POST", "/api/v1/" path, res_create, &entity, ROUTE_DB},                                  \
        {"GET", "/api/v1/" path "/{id}", res_get, &entity, ROUTE_DB},                              \
        {"PATCH", "/api/v1/" path "/{id}", res_update, &entity, ROUTE_DB},                         \
    {                                                                                              \
        "DELETE", "/api/v1/" path "/{id}", res_delete, &entity, ROUTE_DB                           \
    }

const struct route api_routes[] = {
    {"GET", "/healthz", sys_healthz, NULL, 0},
    {"GET", "/readyz", sys_readyz, NULL, ROUTE_DB},
    {"GET", "/api/v1/openapi.yaml", sys_openapi, NULL, 0},
    COLLECTION("buildings", building_entity),
    COLLECTION("stations", station_entity),
    COLLECTION("rooms", room_entity),
};

const size_t api_nroutes = sizeof(api_routes) / sizeof(api_routes[0]);
