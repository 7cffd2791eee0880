/*
 * Every SQL statement louyu runs has a name here and its text in queries.c.
 * Keeping them in one table lets a driver prepare them once per connection,
 * and lets a reader see all the SQL of the system in one file.
 */
#ifndef LOUYU_STORE_QUERIES_H
#define LOUYU_STORE_QUERIES_H

enum query {
    Q_PING,
    Q_SCHEMA_VERSION,
    Q_SCHEMA_VERSION_INSERT,
    Q_SCHEMA_VERSION_SET,

    Q_BUILDING_GET,
    Q_BUILDING_LIST,
    Q_BUILDING_INSERT,
    Q_BUILDING_UPDATE,
    Q_BUILDING_DELETE,
    Q_BUILDING_DEPENDANTS,

    Q_STATION_GET,
    Q_STATION_LIST,
    Q_STATION_INSERT,
    Q_STATION_UPDATE,
    Q_STATION_DELETE,
    Q_STATION_DEPENDANTS,

    Q_ROOM_GET,
    Q_ROOM_LIST,
    Q_ROOM_INSERT,
    Q_ROOM_UPDATE,
    Q_ROOM_DELETE,
    Q_ROOM_DEPENDANTS,

    Q__MAX
};

/* The SQL text of q. */
const char *query_sql(enum query q);

#endif
