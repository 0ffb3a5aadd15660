# ksrtp-bench, make bench, make bench-static (included by the top-level Makefile).
#
#   make bench          install what is missing, build, run every benchmark that
#                       can run here (ksrtp-bench report: each subcommand, and
#                       ksrtp-bench kernel in the qemu VM), write bench/out/report.md
#                       and report.json with SVG plots; QUICK=1 for a smoke run
#                       (under a minute), BENCH_ARGS for more report options
#                       (ksrtp-bench report --help)
#   make check-bench    (part of make check) every subcommand with --quick through
#                       ksrtp-bench report, the VM's kernel run left to check-vm;
#                       and load --quick over IPv6 with SRTCP (bench-load-ipv6-srtcp);
#                       first check-report-fixtures: report --redraw on the
#                       report.json files of tests/bench (bench-report-fixtures)
#   make bench-static   ksrtp-bench and ksrtp-relay for a machine without packages,
#                       in $(BUILD)/static/
#   make check-static   (part of make check) that bundle in a chroot of its own:
#                       fanout and load --quick ("PASS bench-static")
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_HDRS := $(wildcard bench/*.h)
BENCH_OUT := bench/out
# What the report names: the commit measured, and liburing's version (it has no
# call that says). Recursive, so git runs only when a bench rule does.
BENCH_COMMIT = $(shell c=$$(git rev-parse --short=12 HEAD 2>/dev/null) && \
	{ git diff --quiet HEAD -- 2>/dev/null || c=$$c-dirty; echo $$c; })
BENCH_DEFS = -DKSRTP_BENCH_COMMIT='"$(or $(BENCH_COMMIT),unknown)"' \
	-DKSRTP_BENCH_URING_VERSION='"$(or $(shell pkg-config --modversion liburing 2>/dev/null),unknown)"'
BENCH_LIBS := -lsrtp2 -ljson-c -lvpx -lm
# The relay's load generator (ksrtp-bench load, soak) drives this binary.
BENCH_RELAY = $(if $(RELAY_SRCS),$(BUILD)/ksrtp-relay)

.PHONY: bench check-bench check-report-fixtures bench-static check-static FORCE

# Rebuilt when the commit (or its dirtiness) changes, so the binary names what it measures.
$(BUILD)/bench-commit: FORCE
	@mkdir -p $(dir $@)
	@echo '$(BENCH_COMMIT)' | cmp -s - $@ || echo '$(BENCH_COMMIT)' >$@

$(BUILD)/ksrtp-bench: $(BENCH_SRCS) $(BENCH_HDRS) $(STATIC_LIB) $(BUILD)/bench-commit
	$(CC) $(CFLAGS) $(KSRTP_CFLAGS) $(BENCH_DEFS) -Ibench -o $@ $(BENCH_SRCS) $(STATIC_LIB) \
		$(BENCH_LIBS) $(LIBS)

# The report runs ksrtp-bench kernel through this command, in the VM (tests/vm/vm.mk),
# with the arguments it chose in $KSRTP_BENCH_ARGS.
BENCH_VM_COMMAND = $(MAKE) --no-print-directory -s BUILD=$(BUILD) bench-vm \
	VM_BENCH_ARGS="$$KSRTP_BENCH_ARGS"

bench:
	@scripts/install-deps bench
	@$(MAKE) --no-print-directory -s $(BUILD)/ksrtp-bench $(BENCH_RELAY)
	@$(BUILD)/ksrtp-bench report --out $(BENCH_OUT) $(if $(filter 1,$(QUICK)),--quick) \
		--vm-command '$(BENCH_VM_COMMAND)' --vm-json $(VM_DIR)/bench-kernel.json \
		$(BENCH_ARGS)

# A smoke run: the tools still run and the report is written; no timing is judged.
# (ksrtp-bench report exits 1 when a subcommand failed or wrote no JSON.) kernel
# runs in check-vm's guest; soak, which --quick leaves out, in check-soak.
check-bench: check-report-fixtures
	@mkdir -p $(BUILD) $(dir $(RESULTS))
	@out=$(BUILD)/bench-smoke; \
	if $(MAKE) --no-print-directory -s WERROR=1 $(BUILD)/ksrtp-bench $(BENCH_RELAY) \
		>$(BUILD)/bench-smoke.log 2>&1 && \
	   $(BUILD)/ksrtp-bench report --quick --skip kernel --out $$out \
		>>$(BUILD)/bench-smoke.log 2>&1 && \
	   [ -s $$out/report.json ] && [ -s $$out/report.md ]; then \
		echo "PASS bench-smoke"; echo "PASS bench-smoke" >>$(RESULTS); \
	else \
		echo "FAIL bench-smoke"; echo "FAIL bench-smoke" >>$(RESULTS); \
		tail -n 30 $(BUILD)/bench-smoke.log; \
	fi
	@# The relay over [::1], an SRTCP packet per 10 RTP: both kinds checked and accounted.
	@log=$(BUILD)/bench-load6.log; \
	if [ -z "$(BENCH_RELAY)" ] || ! grep -q '^0\{31\}1 ' /proc/net/if_inet6 2>/dev/null; then \
		echo "SKIP bench-load-ipv6-srtcp (no relay, or no IPv6 loopback)"; \
		echo "SKIP bench-load-ipv6-srtcp" >>$(RESULTS); \
	elif $(BUILD)/ksrtp-bench load --quick --family 6 --rtcp-every 10 \
		--relay $(BENCH_RELAY) >$$log 2>&1; then \
		echo "PASS bench-load-ipv6-srtcp"; echo "PASS bench-load-ipv6-srtcp" >>$(RESULTS); \
	else \
		echo "FAIL bench-load-ipv6-srtcp"; echo "FAIL bench-load-ipv6-srtcp" >>$(RESULTS); \
		tail -n 30 $$log; \
	fi

# report --redraw on the hand-made report.json files of tests/bench: no crash on members
# missing or of the wrong type, and fanout's scaling verdicts (scripts/check-report-fixtures).
REPORT_FIXTURES := $(wildcard tests/bench/*.json)

check-report-fixtures:
	@mkdir -p $(BUILD) $(dir $(RESULTS))
	@if $(MAKE) --no-print-directory -s WERROR=1 $(BUILD)/ksrtp-bench \
		>$(BUILD)/report-fixtures-build.log 2>&1; then \
		scripts/check-report-fixtures $(RESULTS) $(BUILD)/ksrtp-bench \
			$(BUILD)/report-fixtures $(REPORT_FIXTURES); \
	else \
		echo "FAIL bench-report-fixtures (the build)"; \
		echo "FAIL bench-report-fixtures" >>$(RESULTS); \
		tail -n 30 $(BUILD)/report-fixtures-build.log; \
	fi

# ---- make bench-static: the tools for a machine with no compiler or packages ----
# Debian ships static archives of libksrtp's and the bench's libraries except one:
# libsrtp2.a calls NSS, and NSS comes only as shared libraries (no libnss3.a). So
# ksrtp-bench links everything else statically (-Wl,-Bstatic) and carries NSS,
# the C library and the loader in $(BUILD)/static/lib; $(BUILD)/static/ksrtp-bench runs
# it with them, on any x86-64 Linux. ksrtp-relay needs no NSS: relay-static
# (bench/relay/relay.mk) links it fully static.
STATIC_DIR := $(BUILD)/static
STATIC_BENCH := $(STATIC_DIR)/lib/ksrtp-bench
# NSS loads its crypto module at srtp_init(); ldd does not list it.
STATIC_DLOPEN_LIBS := libsoftokn3.so libfreeblpriv3.so
STATIC_LIBDIR := /usr/lib/$(shell gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)

$(STATIC_BENCH): $(BENCH_SRCS) $(BENCH_HDRS) $(STATIC_LIB) $(BUILD)/bench-commit
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(KSRTP_CFLAGS) $(BENCH_DEFS) -Ibench -o $@ $(BENCH_SRCS) $(STATIC_LIB) \
		-Wl,-Bstatic -lsrtp2 -ljson-c -lvpx -lIPSec_MB -luring -Wl,-Bdynamic \
		-lnss3 -lnspr4 -lm -lpthread

bench-static: $(STATIC_BENCH) $(if $(wildcard bench/relay/relay.mk),relay-static)
	@for lib in $$(ldd $(STATIC_BENCH) | sed -n 's|.*=> \(/[^ ]*\) .*|\1|p; s|^[[:space:]]*\(/[^ ]*\) .*|\1|p') \
		$(addprefix $(STATIC_LIBDIR)/,$(STATIC_DLOPEN_LIBS)); do \
		cp -L $$lib $(STATIC_DIR)/lib/ || exit 1; \
	done
	@for lib in $$(ldd $(STATIC_DIR)/lib/libsoftokn3.so $(STATIC_DIR)/lib/libfreeblpriv3.so | \
		sed -n 's|.*=> \(/[^ ]*\) .*|\1|p'); do cp -L $$lib $(STATIC_DIR)/lib/ || exit 1; done
	@printf '%s\n' '#!/bin/sh' \
		'# ksrtp-bench with the libraries it was linked with, from lib/ (make bench-static)' \
		'd=$$(dirname "$$(readlink -f "$$0")")/lib' \
		'exec "$$d/ld-linux-x86-64.so.2" --library-path "$$d" "$$d/ksrtp-bench" "$$@"' \
		>$(STATIC_DIR)/ksrtp-bench
	@chmod +x $(STATIC_DIR)/ksrtp-bench
	@# ksrtp-bench load and soak look for the relay beside /proc/self/exe: the loader
	@$(if $(wildcard bench/relay/relay.mk),ln -sf ../ksrtp-relay $(STATIC_DIR)/lib/ksrtp-relay)
	@echo "bench-static: $(STATIC_DIR)/ksrtp-bench (libraries in $(STATIC_DIR)/lib:" \
		"$$(ls $(STATIC_DIR)/lib | grep -c '\.so') shared ones, NSS's and the C library's)"

check-static:
	@mkdir -p $(BUILD) $(dir $(RESULTS))
	@$(MAKE) --no-print-directory -s WERROR=1 bench-static >$(BUILD)/bench-static.log 2>&1 || \
		{ echo "FAIL bench-static (build)"; echo "FAIL bench-static" >>$(RESULTS); \
		  tail -n 30 $(BUILD)/bench-static.log; exit 0; }
	@scripts/check-static $(RESULTS) $(STATIC_DIR)
