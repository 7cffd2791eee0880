# louyu: build, test, run, benchmark.
#
#   make            release build: build/release/louyu
#   make run        install what is missing, build, create ./louyu.db with the demo, serve
#   make test       lint, the release build (its optimiser warns of more), then an
#                   instrumented build (ASan + UBSan): unit tests, black-box API tests
#   make bench      louyu's main read and write paths on a generated district (louyu demo
#                   --scale), each next to nginx serving a file of the same size, a
#                   concurrency sweep plotted; docs/performance.md (bench/run --scale city
#                   for the city)
#   make bench-calendar  the calendar benchmark alone
#   make bench-activities  attendance summary and check-in storm (bench/activities)
#   make fuzz       each fuzzer for FUZZ_SECONDS (300) (tests/fuzz; fuzz-smoke in make test)
#   make crash      SIGKILL louyu (and PostgreSQL) under a write load, 100 times (tests/crash)
#   make abuse      slowloris, 10,000 keep-alive connections, framing attacks (tests/abuse)
#   make fmt        clang-format the tree
#   make lint       formatting and layering checks

CC      ?= cc
PKGS    := libmicrohttpd jansson sqlite3 libpq libsodium xlsxwriter libzip expat libical libqrencode zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wvla -Werror
DEFS    := -D_GNU_SOURCE -Isrc
REL_CFLAGS  := -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
REL_LDFLAGS := -pie -Wl,-z,relro,-z,now
SAN_CFLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
               -fno-sanitize-recover=all
SAN_LDFLAGS := -fsanitize=address,undefined

SRC     := $(shell find src -name '*.c' ! -name main.c | sort)
ASM     := src/api/openapi_blob.S
TESTSRC := $(wildcard tests/unit/*.c)

# The web app (web/, Vue + Vite) is built into build/web and linked into the binary.
WEB_SRC := $(shell find web -type f 2>/dev/null) package-lock.json
WEB_OBJ  = build/$(1)/web_assets.o build/$(1)/web_table.o

REL_OBJ := $(SRC:%.c=build/release/%.o) build/release/openapi_blob.o $(call WEB_OBJ,release)
SAN_OBJ := $(SRC:%.c=build/asan/%.o) build/asan/openapi_blob.o $(call WEB_OBJ,asan)

.PHONY: all run test unit api web lint fmt bench bench-calendar bench-activities bench-import setup clean
all: build/release/louyu

# The proving ground's own makefiles (tests/fuzz, tests/crash, tests/abuse): each defines
# its targets and adds its short run to SMOKE, which make test runs after the suites.
SMOKE :=
-include $(sort $(wildcard tests/*/*.mk))

setup:
	@scripts/setup

build/release/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(DEFS) $(REL_CFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

build/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(DEFS) $(SAN_CFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

build/%/openapi_blob.o: $(ASM) docs/openapi.yaml
	@mkdir -p $(dir $@)
	$(CC) -c $(ASM) -o $@

build/web/index.html: $(WEB_SRC)
	@test -x node_modules/.bin/vite || { echo "make: the web app needs its npm packages: run scripts/setup" >&2; exit 1; }
	node_modules/.bin/vite build --config web/vite.config.js --logLevel warn

build/web_assets.S: build/web/index.html scripts/embed-web
	scripts/embed-web build/web build/web_assets

build/web_assets.c: build/web_assets.S
	@test -f $@ && touch $@

build/%/web_assets.o: build/web_assets.S
	@mkdir -p $(dir $@)
	$(CC) -c $< -o $@

build/release/web_table.o: build/web_assets.c
	$(CC) $(WARN) $(DEFS) $(REL_CFLAGS) -c $< -o $@

build/asan/web_table.o: build/web_assets.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(DEFS) $(SAN_CFLAGS) -c $< -o $@

build/release/louyu: $(REL_OBJ) build/release/src/main.o
	$(CC) $(REL_LDFLAGS) $^ $(PKG_LIBS) -lpthread -o $@

build/asan/louyu: $(SAN_OBJ) build/asan/src/main.o
	$(CC) $(SAN_LDFLAGS) $^ $(PKG_LIBS) -lpthread -o $@

build/asan/unit: $(SAN_OBJ) $(TESTSRC:%.c=build/asan/%.o)
	$(CC) $(SAN_LDFLAGS) $^ $(PKG_LIBS) -lpthread -o $@

# Setup runs first, in its own make, so that pkg-config sees freshly installed libraries.
run:
	@scripts/setup
	@$(MAKE) --no-print-directory build/release/louyu
	@test -f louyu.db || build/release/louyu demo --db louyu.db
	@echo "louyu: open http://127.0.0.1:8080/ and sign in as admin (or xita, fuli, xita_station,"
	@echo "       zhongke, member) with the password louyu-demo; the API is under /api/v1:"
	@echo "       curl -X POST http://127.0.0.1:8080/api/v1/session -H 'content-type: application/json' \\"
	@echo "            -d '{\"username\": \"admin\", \"password\": \"louyu-demo\"}'"
	build/release/louyu serve --db louyu.db --listen 127.0.0.1:8080

unit: build/asan/unit
	ASAN_OPTIONS=detect_leaks=1 build/asan/unit

api: build/asan/louyu
	LOUYU_BIN=$(CURDIR)/build/asan/louyu tests/run-api

# The web app in Chromium (tests/web): the release binary, which embeds it.
web: build/release/louyu
	LOUYU_BIN=$(CURDIR)/build/release/louyu tests/run-web

test:
	@scripts/setup
	@$(MAKE) --no-print-directory lint build/release/louyu unit api web $(SMOKE)

lint:
	@scripts/lint

fmt:
	clang-format -i $$(find src tests -name '*.[ch]')

bench:
	@scripts/setup --bench
	@$(MAKE) --no-print-directory build/release/louyu
	bench/run

bench-calendar:
	@scripts/setup --bench
	bench/calendar

bench-activities:
	@scripts/setup --bench
	bench/activities/run

bench-import:
	@scripts/setup --bench
	bench/import

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
