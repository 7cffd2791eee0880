# The crash test and backup/restore (tests/crash; docs/reliability.md):
#   make crash-smoke   the backup/restore CLI tests, then 5 SIGKILLs under load on SQLite
#                      with a backup taken under the load, and on PostgreSQL (when
#                      installed) 3 kills and 1 crash of PostgreSQL itself: about a minute
#   make crash         the long run: 100 kills on SQLite, 50 on PostgreSQL, 10 PostgreSQL crashes
.PHONY: crash crash-smoke

CRASH_BIN = LOUYU_BIN=$(CURDIR)/build/release/louyu

crash-smoke: build/release/louyu
	$(CRASH_BIN) node --test tests/crash/backup.test.mjs
	$(CRASH_BIN) tests/crash/run

crash: build/release/louyu
	$(CRASH_BIN) tests/crash/run --long

SMOKE += crash-smoke
