/* Unit tests for the access policy (domain/access.c): the rules, without a database. */
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/orgs.h"
#include "domain/places.h"
#include "domain/users.h"
#include "unit.h"

static struct target org_target(const char *path)
{
    struct target t = {0};
    t.paths[t.npaths++] = path;
    return t;
}

void test_access(void)
{
    const struct caller anonymous = {0};
    struct caller admin = {.user_id = 1, .admin = true, .ngrants = 1};
    admin.grants[0] = (struct grant){.role = ROLE_ADMIN};
    struct caller xita = {.user_id = 2, .ngrants = 1};
    xita.grants[0] = (struct grant){.role = ROLE_COMMITTEE_ADMIN, .org_id = 3, .path = "/1/2/3/"};
    struct caller manager = {.user_id = 3, .ngrants = 1};
    manager.grants[0] = (struct grant){.role = ROLE_STATION_MANAGER, .station_id = 1};
    struct caller member = {.user_id = 4, .ngrants = 1};
    member.grants[0] = (struct grant){.role = ROLE_MEMBER, .org_id = 4, .path = "/1/2/3/4/"};

    struct target west_station = org_target("/1/2/3/");
    west_station.station_id = 1;
    struct target rf_station = org_target("/1/6/");
    rf_station.station_id = 2;
    struct target branch = org_target("/1/2/3/4/");
    struct target other_org = org_target("/1/6/7/");
    /* A partner org outside the tree, linked to the West Tower committee. */
    struct target partner = org_target("/5/");
    partner.paths[partner.npaths++] = "/1/2/3/";
    /* A prefix of digits is not a subtree: /1/2/33/ is not under /1/2/3/. */
    struct target lookalike = org_target("/1/2/33/");

    /* Public records: anyone reads, only the covered write. */
    CHECK(policy_decide(&anonymous, &station_entity, ACT_READ, &west_station) == ALLOW);
    CHECK(policy_decide(&anonymous, &station_entity, ACT_UPDATE, &west_station) == DENY_SIGN_IN);
    CHECK(policy_decide(&admin, &building_entity, ACT_CREATE, NULL) == ALLOW);
    CHECK(policy_decide(&xita, &building_entity, ACT_UPDATE, &west_station) == DENY);
    CHECK(policy_decide(&xita, &station_entity, ACT_UPDATE, &west_station) == ALLOW);
    CHECK(policy_decide(&xita, &station_entity, ACT_DELETE, &west_station) == ALLOW);
    CHECK(policy_decide(&xita, &station_entity, ACT_UPDATE, &rf_station) == DENY);
    /* A station manager runs the station's rooms and edits the station, but cannot delete
     * it, nor touch another. */
    CHECK(policy_decide(&manager, &station_entity, ACT_UPDATE, &west_station) == ALLOW);
    CHECK(policy_decide(&manager, &station_entity, ACT_DELETE, &west_station) == DENY);
    CHECK(policy_decide(&manager, &room_entity, ACT_CREATE, &west_station) == ALLOW);
    CHECK(policy_decide(&manager, &room_entity, ACT_DELETE, &rf_station) == DENY);
    CHECK(policy_decide(&member, &room_entity, ACT_UPDATE, &west_station) == DENY);

    /* Organisations are private to their subtree: others get "not found". */
    CHECK(policy_decide(&xita, &org_entity, ACT_READ, &branch) == ALLOW);
    CHECK(policy_decide(&xita, &org_entity, ACT_UPDATE, &branch) == ALLOW);
    CHECK(policy_decide(&xita, &org_entity, ACT_READ, &partner) == ALLOW);
    CHECK(policy_decide(&xita, &org_entity, ACT_READ, &other_org) == DENY_HIDDEN);
    CHECK(policy_decide(&xita, &org_entity, ACT_UPDATE, &other_org) == DENY_HIDDEN);
    CHECK(policy_decide(&xita, &org_entity, ACT_READ, &lookalike) == DENY_HIDDEN);
    CHECK(policy_decide(&member, &org_entity, ACT_READ, &branch) == ALLOW);
    CHECK(policy_decide(&member, &org_entity, ACT_UPDATE, &branch) == DENY);
    CHECK(policy_decide(&member, &org_entity, ACT_READ, &west_station) == DENY_HIDDEN);
    CHECK(policy_decide(&anonymous, &org_entity, ACT_READ, &branch) == DENY_SIGN_IN);
    CHECK(policy_decide(&manager, &org_entity, ACT_READ, NULL) == DENY);

    /* Users and grants are the admin's; the audit log also a committee admin's subtree. */
    CHECK(policy_decide(&xita, &user_entity, ACT_READ, NULL) == DENY);
    CHECK(policy_decide(&admin, &grant_entity, ACT_CREATE, NULL) == ALLOW);
    CHECK(policy_decide(&xita, &grant_entity, ACT_CREATE, &branch) == DENY_HIDDEN);
    CHECK(policy_decide(&xita, &audit_entity, ACT_READ, NULL) == ALLOW);
    CHECK(policy_decide(&xita, &audit_entity, ACT_READ, &branch) == ALLOW);
    CHECK(policy_decide(&xita, &audit_entity, ACT_READ, &other_org) == DENY_HIDDEN);
    CHECK(policy_decide(&member, &audit_entity, ACT_READ, NULL) == DENY);

    /* The command line acts as an admin without a user. */
    CHECK(policy_decide(&entity_cli_caller, &org_entity, ACT_DELETE, &other_org) == ALLOW);

    CHECK(role_parse("station_manager") == ROLE_STATION_MANAGER);
    CHECK(role_parse("root") == -1);
}
