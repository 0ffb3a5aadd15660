# The module's tests in a qemu VM (included by the top-level Makefile).
#
#   make check-vm     build ksrtp.ko for Debian's kernel, the guest programs and
#                     an initramfs; boot it under qemu (TCG, -cpu max); append
#                     one "PASS|FAIL vm/<name>" line per check to $(RESULTS)
#   make bench-vm     boot the same VM to run ksrtp-bench kernel $(VM_BENCH_ARGS)
#                     and print its table (make bench runs it after crypto);
#                     its JSON lands in $(VM_DIR)/bench-kernel.json
#
# The VM boots Debian's own kernel (linux-image-amd64), whatever the host
# runs, so the module is built against that kernel's headers (VM_KDIR). A
# guest crash, a hang (VM_TIMEOUT) or a check that never reported is a FAIL
# (tests/vm/expected lists them). Without qemu or the kernel image the suite
# is skipped, except under CI=true, where it fails. Run on its own (not from
# make check), it also prints the summary line and fails on any failure.

ifeq ($(origin VM_KVER),undefined)
VM_KVER := $(shell ls /boot/vmlinuz-*-amd64 2>/dev/null | sed 's|.*/vmlinuz-||' | \
	while read v; do [ -d /lib/modules/$$v/build ] && echo $$v; done | sort -V | tail -n 1)
endif
VM_KERNEL ?= /boot/vmlinuz-$(VM_KVER)
VM_KDIR ?= /lib/modules/$(VM_KVER)/build
VM_TIMEOUT ?= 900
VM_DIR := $(BUILD)/vm
VM_RESULTS := $(abspath $(VM_DIR)/results)
VM_PROGS := $(VM_DIR)/ksrtp-vmtest
VM_CFLAGS := -O2 -g -std=gnu11 -Wall -Wextra -Wno-missing-field-initializers -Werror \
	-DLINUX -Iinclude -Iinclude/uapi -static -pthread
VM_LIBS := $(STATIC_LIB) -luring -lIPSec_MB
# The library's vector and interop suites, run in the guest on the kernel
# engine (tests/vm/engine-tests): the host's own test binaries, dynamically
# linked (libsrtp2 needs NSS, which Debian ships only as shared libraries),
# with their libraries and the NSS modules libsrtp2 dlopen()s at srtp_init.
VM_ENGINE_LIST := tests/vm/engine-tests
VM_ENGINE_TESTS := $(shell sed -n 's|^\([a-z]*/[a-z0-9_]*\).*|\1|p' $(VM_ENGINE_LIST))
VM_ENGINE_BINS := $(VM_ENGINE_TESTS:%=$(BUILD)/tests/%)
VM_DLOPEN_LIBS := libsoftokn3.so libfreeblpriv3.so
VM_EXPECTED := $(VM_DIR)/expected
# ksrtp-bench (dynamic, as the interop tests): a --quick smoke run in check-vm,
# the whole kernel benchmark in bench-vm.
VM_BENCH := $(BUILD)/ksrtp-bench
VM_BENCH_ARGS ?= $(filter --quick,$(BENCH_ARGS))
# The relay tests find ksrtp-relay as the host's build tree has it: beside tests/.
VM_RELAY := $(BUILD)/ksrtp-relay
VM_INITRAMFS_ARGS = $(foreach t,$(VM_ENGINE_TESTS),-f $(BUILD)/tests/$(t)=/t/tests/$(t)) \
	-f $(VM_ENGINE_LIST)=/etc/engine-tests -f $(VM_BENCH)=/bin/ksrtp-bench \
	-f $(VM_RELAY)=/t/ksrtp-relay -f $(COUNT_CALLS_SO)=/t/tests/relay/preload/count_calls.so \
	$(addprefix -l ,$(VM_DLOPEN_LIBS))

.PHONY: check-vm vm-initramfs bench-vm

$(VM_DIR)/ksrtp-vmtest: tests/vm/ksrtp-vmtest.c include/uapi/linux/ksrtp.h \
		include/ksrtp/ksrtp.h $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(VM_CFLAGS) -o $@ $< $(VM_LIBS)

# The module is rebuilt for the VM's kernel each time (Kbuild makes that cheap
# when nothing changed); so is the initramfs (about a second).
vm-initramfs: $(VM_PROGS) $(VM_ENGINE_BINS) $(VM_EXPECTED) $(VM_BENCH) $(VM_RELAY) \
		$(COUNT_CALLS_SO)
	@$(MAKE) --no-print-directory module KDIR=$(VM_KDIR)
	tests/vm/mkinitramfs $(VM_INITRAMFS_ARGS) \
		$(VM_DIR)/initramfs.cpio.gz $(VM_KVER) kernel/ksrtp.ko tests/vm/init $(VM_PROGS)

# Every check the guest must report: tests/vm/expected plus one per engine run.
$(VM_EXPECTED): tests/vm/expected $(VM_ENGINE_LIST)
	@mkdir -p $(dir $@)
	{ cat tests/vm/expected; awk '!/^#/ && NF { for (i = 2; i <= NF; i++) \
		if ($$i == "kernel") print "kernel-ioctl/" $$1 "\nkernel-uring/" $$1; \
		else print $$i "/" $$1 }' $(VM_ENGINE_LIST); } >$@

check-vm:
	@rm -f $(VM_RESULTS)
	@if [ -z "$(VM_KVER)" ] || [ ! -r "$(VM_KERNEL)" ] || \
	    ! command -v qemu-system-x86_64 >/dev/null; then \
		why="no qemu-system-x86_64 or Debian kernel image + headers (linux-image-amd64, linux-headers-amd64)"; \
		if [ "$${CI:-}" = true ]; then \
			echo "FAIL vm/setup ($$why)"; echo "FAIL vm/setup" >>$(VM_RESULTS); \
		else \
			echo "SKIP vm/setup ($$why)"; echo "SKIP vm/setup" >>$(VM_RESULTS); \
		fi; \
	elif ! $(MAKE) --no-print-directory -s vm-initramfs; then \
		echo "FAIL vm/build"; echo "FAIL vm/build" >>$(VM_RESULTS); \
	else \
		tests/vm/run-vm $(VM_RESULTS) $(VM_KERNEL) $(VM_DIR)/initramfs.cpio.gz \
			$(VM_EXPECTED) $(VM_DIR)/console.log $(VM_TIMEOUT); \
	fi
	@mkdir -p $(dir $(RESULTS)) && cat $(VM_RESULTS) >>$(RESULTS)
	@if [ "$(MAKELEVEL)" = 0 ]; then scripts/summarize $(VM_RESULTS); fi

# The benchmark VM: the test initramfs plus /etc/vm-bench (the arguments),
# which makes tests/vm/init run the benchmark instead of the checks. A
# benchmark is not a test: without qemu it says so and succeeds.
bench-vm:
	@if [ -z "$(VM_KVER)" ] || [ ! -r "$(VM_KERNEL)" ] || \
	    ! command -v qemu-system-x86_64 >/dev/null; then \
		echo "bench-vm: no qemu-system-x86_64 or Debian kernel image; ksrtp-bench kernel not run"; \
	else \
		$(MAKE) --no-print-directory -s $(VM_PROGS) $(VM_ENGINE_BINS) $(VM_BENCH) && \
		$(MAKE) --no-print-directory -s module KDIR=$(VM_KDIR) && \
		echo "$(VM_BENCH_ARGS)" >$(VM_DIR)/bench-args && \
		tests/vm/mkinitramfs $(VM_INITRAMFS_ARGS) -f $(VM_DIR)/bench-args=/etc/vm-bench \
			$(VM_DIR)/bench-initramfs.cpio.gz $(VM_KVER) kernel/ksrtp.ko tests/vm/init \
			$(VM_PROGS) && \
		tests/vm/run-bench $(VM_KERNEL) $(VM_DIR)/bench-initramfs.cpio.gz \
			$(VM_DIR)/bench-console.log $(VM_DIR)/bench-kernel.json $(VM_TIMEOUT); \
	fi
