/*
 * The server's clock-driven work: every so often, release no-shows and let
 * lapsed waiting-list offers go (domain/bookings.h: bookings_sweep).
 */
#ifndef LOUYU_CLI_SWEEPER_H
#define LOUYU_CLI_SWEEPER_H

struct db_pool;
struct sweeper;

/* Starts sweeping now and then every 'seconds'; NULL when no thread could be started. */
struct sweeper *sweeper_start(struct db_pool *pool, unsigned seconds);

/* Stops the sweeper, waiting for a sweep in progress to end. NULL is a no-op. */
void sweeper_stop(struct sweeper *s);

#endif
