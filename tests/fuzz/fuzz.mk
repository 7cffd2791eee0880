# Fuzzers: clang's libFuzzer with AddressSanitizer and UBSan, one binary per parser
# (tests/fuzz/fuzz_<target>.c). The code under test is compiled again by clang into
# build/fuzz/ (the rest of the build is gcc's) and linked from an archive, so that each
# fuzzer pulls in only what it calls.
#
#   make fuzz        every target for FUZZ_SECONDS (300) each; a crash fails it and is
#                    saved under tests/fuzz/regress/<target>/
#   make fuzz-smoke  replays the checked-in corpora and crashers, then fuzzes each target
#                    for FUZZ_SMOKE_SECONDS (10); part of make test
#   make fuzz-build  the fuzzers alone

FUZZ_CC      ?= clang
FUZZ_TARGETS := json_bodies rfc3339 csv_import router rrule
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS  := $(DEFS) -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_BINS    := $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
# Everything below the command line and the HTTP server, and the router: no fuzzer calls
# the rest of http/ or cli/.
FUZZ_LIB_SRC := $(filter-out src/cli/% src/http/%,$(SRC)) src/http/router.c
FUZZ_LIB_OBJ := $(FUZZ_LIB_SRC:%.c=build/fuzz/%.o) build/fuzz/openapi_blob.o

.PHONY: fuzz fuzz-smoke fuzz-build
SMOKE += fuzz-smoke

# The project's code is judged by gcc's -Werror build; clang warns of other things
# (designated initialisers left short, vprintf wrappers), which here are only noise. The
# fuzzers' own files are held to the house flags.
FUZZ_SRC_WARN := $(filter-out -Werror,$(WARN)) -Wno-missing-field-initializers \
                 -Wno-format-nonliteral

build/fuzz/src/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_SRC_WARN) $(FUZZ_CFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

build/fuzz/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(WARN) $(FUZZ_CFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

build/fuzz/liblouyu.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/fuzz/fuzz_%: build/fuzz/tests/fuzz/fuzz_%.o build/fuzz/tests/fuzz/harness.o build/fuzz/liblouyu.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $^ $(PKG_LIBS) -lpthread -o $@

fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run $(FUZZ_TARGETS)

fuzz-smoke: $(FUZZ_BINS)
	FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) tests/fuzz/run --smoke $(FUZZ_TARGETS)

# The objects of the fuzzers' own files are intermediates of a pattern chain: keep them.
.SECONDARY: $(FUZZ_TARGETS:%=build/fuzz/tests/fuzz/fuzz_%.o) build/fuzz/tests/fuzz/harness.o
