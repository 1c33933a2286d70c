# pasos: plain Makefile. `make` builds ./pasos, `make check` runs every test
# with AddressSanitizer and UBSan, `make demo` runs the main job, `make bench`
# measures. See README.md.

CC       ?= gcc
PREFIX   ?= /usr/local
DESTDIR  ?=
DATADIR  ?= $(PREFIX)/share/pasos
PKGS     := sqlite3 jansson libcrypto libutf8proc libsodium libmicrohttpd zlib
WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wwrite-strings -Wvla -Wformat=2
CFLAGS   ?= -O2 -g
# src/ is grouped by stage (core, register, link, classify, tables, protect,
# synth, serve, with cmd on top); a header is found by its name alone
INCS     := $(patsubst %/,-I%,$(sort $(dir $(wildcard src/*/*.h))))
ALL_CFLAGS = -std=c11 -pthread -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) $(INCS) \
            -DPASOS_DATADIR='"$(DATADIR)"' $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS     := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lsqlite3 -ljansson -lcrypto -lutf8proc -lsodium -lmicrohttpd -lz) -lglpk -lm -pthread

ifdef DEV
ALL_CFLAGS += -Werror
endif
ifdef SANITIZE
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SANITIZE)
BUILD ?= build/san
else
BUILD ?= build/rel
endif

SRC      := $(wildcard src/*/*.c)
LIB_OBJ  := $(patsubst %.c,$(BUILD)/%.o,$(filter-out src/cmd/main.c,$(SRC)))
MAIN_OBJ := $(BUILD)/src/cmd/main.o
UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(UNIT_SRC))
FUZZ_TARGETS := csv validate schema request mrz

.PHONY: all check test demo bench install uninstall fuzz fuzz-build torture mutate valgrind coverage clean deps

all: pasos

pasos: $(BUILD)/pasos
	cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/pasos: $(LIB_OBJ) $(MAIN_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/%.o: %.c $(wildcard src/*/*.h) tests/harness.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -c -o $@ $<

$(BUILD)/unit-tests: $(LIB_OBJ) $(UNIT_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/fuzz-replay-%: $(LIB_OBJ) $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/replay.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# Install Debian packages the build and tests need (only those missing).
deps:
	@scripts/deps.sh

# Every test, with sanitizers: what CI runs.
check: deps
	@$(MAKE) --no-print-directory SANITIZE=address,undefined test

test: $(BUILD)/pasos $(BUILD)/unit-tests $(addprefix $(BUILD)/fuzz-replay-,$(FUZZ_TARGETS))
	@tests/run.sh $(BUILD)

demo: deps pasos
	@scripts/demo.sh

bench: deps pasos
	@bench/run.sh

# libFuzzer (clang) targets; the corpus they grow is replayed by `make test`.
fuzz-build:
	@mkdir -p build/fuzz
	for t in $(FUZZ_TARGETS); do \
	  clang -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 $(INCS) \
	    -fsanitize=fuzzer,address,undefined -DPASOS_DATADIR='"$(CURDIR)"' \
	    -o build/fuzz/fuzz_$$t tests/fuzz/fuzz_$$t.c $(filter-out src/cmd/main.c,$(SRC)) $(LIBS) || exit 1; \
	done

fuzz: fuzz-build
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p tests/fuzz/corpus/$$t; \
	  PASOS_HOME=$(CURDIR) build/fuzz/fuzz_$$t -max_total_time=$${FUZZ_SECONDS:-60} \
	    -max_len=4096 tests/fuzz/corpus/$$t || exit 1; \
	done

# Fail each allocation in turn on a small ingest (MEM_FAIL_AT).
torture: pasos
	@tests/torture.sh

# Plant each bug of tests/mutants.txt in a copy of the tree; every one must be caught.
mutate: deps
	@tests/mutate.sh

valgrind: pasos $(BUILD)/unit-tests
	valgrind --error-exitcode=1 --leak-check=full $(BUILD)/unit-tests

coverage:
	$(MAKE) clean
	$(MAKE) CFLAGS="-O0 -g --coverage" LDFLAGS=--coverage test
	lcov -c -d build/rel -o build/coverage.info && genhtml -o build/coverage build/coverage.info

install: pasos
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR)/registers $(DESTDIR)$(DATADIR)/codelists
	install -m 755 $(BUILD)/pasos $(DESTDIR)$(PREFIX)/bin/pasos
	install -m 644 registers/*.reg registers/README.md $(DESTDIR)$(DATADIR)/registers/
	install -m 644 codelists/*.csv $(DESTDIR)$(DATADIR)/codelists/
	install -d $(DESTDIR)$(DATADIR)/tables
	install -m 644 tables/*.tab tables/README.md $(DESTDIR)$(DATADIR)/tables/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/pasos
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build pasos out

-include $(shell find build -name '*.d' 2>/dev/null)

.SECONDARY:
