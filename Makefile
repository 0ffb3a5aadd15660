# ksrtp: libksrtp (userspace, plain GNU make) and ksrtp.ko (Kbuild).
#
#   make                 libksrtp.a, libksrtp.so, ksrtp.pc       (in $(BUILD))
#   make check           every test; ends "N passed, N failed, N skipped"
#   make bench           the bundled benchmark ($(BUILD)/ksrtp-bench), report in bench/out/
#   make fuzz            long libFuzzer runs (FUZZ_SECONDS per target)
#   make install         PREFIX=/usr/local DESTDIR=
# The version is the public header's (KSRTP_VERSION_*): one place to change.
VERSION := $(shell sed -n 's/^\#define KSRTP_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$$/\2/p' \
	include/ksrtp/ksrtp.h | paste -sd.)
SOVERSION := 0

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
BUILD ?= build

CC ?= cc
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-declaration-after-statement
# -DLINUX: ipsec-mb's header aligns its key structures only when LINUX is defined.
KSRTP_CFLAGS := -std=gnu11 $(WARN) -fPIC -fvisibility=hidden -DLINUX -Iinclude -Ilib
ifeq ($(SAN),1)
KSRTP_CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_LDFLAGS := -fsanitize=address,undefined
endif
ifeq ($(WERROR),1)
KSRTP_CFLAGS += -Werror
endif
LIBS := -lIPSec_MB -luring -lpthread

LIB_SRCS := $(wildcard lib/*.c lib/*/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB_HDRS := $(wildcard lib/*.h lib/*/*.h include/ksrtp/*.h)

STATIC_LIB := $(BUILD)/libksrtp.a
SHARED_LIB := $(BUILD)/libksrtp.so.$(VERSION)
PC_FILE := $(BUILD)/ksrtp.pc

.SECONDARY:
.PHONY: all lib tests check check-build check-unit check-san check-fuzz check-checkpatch fuzz bench \
	install uninstall clean deps
all: lib

lib: $(STATIC_LIB) $(SHARED_LIB) $(PC_FILE)

$(BUILD)/lib/%.o: lib/%.c $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(KSRTP_CFLAGS) -c $< -o $@

$(STATIC_LIB): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(SHARED_LIB): $(LIB_OBJS) lib/libksrtp.map
	$(CC) $(CFLAGS) $(SAN_LDFLAGS) -shared -Wl,-soname,libksrtp.so.$(SOVERSION) \
		-Wl,--version-script=lib/libksrtp.map -Wl,-z,defs -o $@ $(LIB_OBJS) $(LIBS)
	ln -sf libksrtp.so.$(VERSION) $(BUILD)/libksrtp.so.$(SOVERSION)
	ln -sf libksrtp.so.$(SOVERSION) $(BUILD)/libksrtp.so

PC_SUBST := sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' lib/ksrtp.pc.in

$(PC_FILE): lib/ksrtp.pc.in Makefile
	@mkdir -p $(dir $@)
	$(PC_SUBST) > $@

# ---- tests: each tests/<suite>/<name>.c is one program testing one thing ----
TEST_SUITES := unit vectors interop media ring relay
TEST_SRCS := $(foreach s,$(TEST_SUITES),$(wildcard tests/$(s)/*.c))
TEST_BINS := $(TEST_SRCS:%.c=$(BUILD)/%)
TEST_HDRS := $(wildcard tests/*.h tests/*/*.h)
SUITE_LIBS_interop := -lsrtp2
SUITE_LIBS_media := -lvpx -lm
SUITE_LIBS_ring := -lvpx -lm

$(BUILD)/tests/%: tests/%.c $(STATIC_LIB) $(TEST_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(KSRTP_CFLAGS) -Itests -o $@ $< $(STATIC_LIB) \
		$(SUITE_LIBS_$(notdir $(patsubst %/,%,$(dir $*)))) $(LIBS) $(SAN_LDFLAGS)

tests: $(TEST_BINS)

RESULTS := $(abspath build/check-results)

deps:
	@scripts/install-deps check

# make check: the plain build, the sanitizer build, the bounded fuzz runs, the
# module's style check and its tests in a qemu VM.
check: deps
	@rm -f $(RESULTS)
	@$(MAKE) --no-print-directory check-unit
	@$(MAKE) --no-print-directory check-san
	@$(MAKE) --no-print-directory -s check-fuzz
	@$(MAKE) --no-print-directory check-checkpatch
	@$(MAKE) --no-print-directory check-compat
	@$(MAKE) --no-print-directory check-bench
	@$(MAKE) --no-print-directory check-static
	@$(MAKE) --no-print-directory check-soak
	@$(MAKE) --no-print-directory check-vm
	@scripts/summarize $(RESULTS)

check-checkpatch:
	@if $(MAKE) --no-print-directory -s checkpatch >build/checkpatch.log 2>&1; then \
		echo "PASS checkpatch"; echo "PASS checkpatch" >>$(RESULTS); \
	else \
		echo "FAIL checkpatch"; echo "FAIL checkpatch" >>$(RESULTS); tail -n 30 build/checkpatch.log; \
	fi

check-build:
	@$(MAKE) --no-print-directory -s WERROR=1 lib tests

check-unit: check-build
	@scripts/run-tests $(RESULTS) "" $(TEST_BINS)

check-san:
	@$(MAKE) --no-print-directory BUILD=build/san SAN=1 check-unit

# ---- fuzzing (clang libFuzzer + ASan + UBSan) ----
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz/%)
FUZZ_FLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=build/fuzz/%.o)
CHECK_FUZZ_SECONDS ?= 20
FUZZ_SECONDS ?= 600

build/fuzz/lib/%.o: lib/%.c $(LIB_HDRS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) $(KSRTP_CFLAGS) -c $< -o $@

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_LIB_OBJS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer $(KSRTP_CFLAGS) -Itests -o $@ $< $(FUZZ_LIB_OBJS) $(LIBS)

build/fuzz/make-seeds: tests/fuzz/make-seeds.c tests/fuzz/fuzz_common.h $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(KSRTP_CFLAGS) -Itests -o $@ $< $(STATIC_LIB) $(LIBS)

build/fuzz/seeds.stamp: build/fuzz/make-seeds
	rm -rf build/fuzz/seeds && build/fuzz/make-seeds build/fuzz/seeds && touch $@

# Media seeds (seeds/vp8_depacketize, vp9_depacketize, assembler): after make-seeds,
# which empties build/fuzz/seeds.
build/fuzz/make-media-seeds: tests/fuzz/make-media-seeds.c $(TEST_HDRS) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(KSRTP_CFLAGS) -Itests -o $@ $< $(STATIC_LIB) $(LIBS)

build/fuzz/media-seeds.stamp: build/fuzz/make-media-seeds build/fuzz/seeds.stamp
	build/fuzz/make-media-seeds build/fuzz/seeds && touch $@

$(FUZZ_BINS): tests/fuzz/fuzz_media.h
check-fuzz fuzz: build/fuzz/media-seeds.stamp

check-fuzz: $(FUZZ_BINS) build/fuzz/seeds.stamp
	@scripts/run-fuzz $(RESULTS) $(CHECK_FUZZ_SECONDS) $(FUZZ_BINS)

fuzz: $(FUZZ_BINS) build/fuzz/seeds.stamp
	@scripts/run-fuzz $(RESULTS) $(FUZZ_SECONDS) $(FUZZ_BINS)
	@scripts/summarize $(RESULTS)

# ---- benchmarks (ksrtp-bench, make bench) and the reference relay ----
-include bench/bench.mk
-include bench/relay/relay.mk

# ---- kernel module and its qemu tests (make module, make check-vm) ----
-include kernel/module.mk
-include tests/vm/vm.mk

# ---- install ----
install: lib
	install -d $(DESTDIR)$(INCLUDEDIR)/ksrtp $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR)
	install -m 644 include/ksrtp/ksrtp.h include/ksrtp/media.h include/ksrtp/ring.h $(DESTDIR)$(INCLUDEDIR)/ksrtp/
	install -m 644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/
	ln -sf libksrtp.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libksrtp.so.$(SOVERSION)
	ln -sf libksrtp.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libksrtp.so
	$(PC_SUBST) > $(DESTDIR)$(PKGCONFIGDIR)/ksrtp.pc

uninstall:
	rm -f $(DESTDIR)$(INCLUDEDIR)/ksrtp/ksrtp.h $(DESTDIR)$(INCLUDEDIR)/ksrtp/media.h \
		$(DESTDIR)$(INCLUDEDIR)/ksrtp/ring.h \
		$(DESTDIR)$(LIBDIR)/libksrtp.* \
		$(DESTDIR)$(PKGCONFIGDIR)/ksrtp.pc

clean: module-clean
	rm -rf build
