# ksrtp.ko (included by the top-level Makefile).
#
#   make module       build kernel/ksrtp.ko against KDIR, W=1, warnings are errors
#   make checkpatch   scripts/checkpatch.pl --no-tree --strict -f on the module and its ABI
#   make module-clean remove the module's build products from kernel/
#
# KDIR defaults to the running kernel's build tree; where the running kernel
# has none (a container, a CI machine), to the newest installed Debian
# linux-headers-*-amd64. Kbuild runs with M=kernel/, so objects land in
# kernel/ (ignored by .gitignore) and never mix with the userspace build.

KSRTP_DEBIAN_KDIR := $(shell ls -d /lib/modules/*-amd64/build 2>/dev/null | sort -V | tail -n 1)
KSRTP_RUNNING_KDIR := $(wildcard /lib/modules/$(shell uname -r)/build)
KDIR ?= $(or $(KSRTP_RUNNING_KDIR),$(KSRTP_DEBIAN_KDIR),/lib/modules/$(shell uname -r)/build)
KSRTP_MODULE_DIR := $(CURDIR)/kernel
KSRTP_MODULE_SRCS := $(filter-out %.mod.c,$(wildcard kernel/*.c kernel/*.h)) \
	include/uapi/linux/ksrtp.h

.PHONY: module module-clean checkpatch

module:
	@test -d "$(KDIR)" || { echo "module: no kernel build tree at KDIR=$(KDIR);" \
		"install linux-headers-amd64 or set KDIR" >&2; exit 1; }
	$(MAKE) -C "$(KDIR)" M=$(KSRTP_MODULE_DIR) W=1 KCFLAGS=-Werror modules

module-clean:
	@test -d "$(KDIR)" && $(MAKE) -C "$(KDIR)" M=$(KSRTP_MODULE_DIR) clean

# checkpatch.pl: Debian's headers and linux-kbuild packages do not ship it,
# so look there first (other distributions do) and fall back to the script
# inside Debian's linux-source tarball, unpacked once into build/checkpatch.
KSRTP_CHECKPATCH_DIR := build/checkpatch
CHECKPATCH ?= $(firstword $(wildcard $(KDIR)/scripts/checkpatch.pl \
	/usr/src/linux-headers-*/scripts/checkpatch.pl \
	/usr/lib/linux-kbuild-*/scripts/checkpatch.pl \
	/usr/src/linux-source-*/scripts/checkpatch.pl) \
	$(KSRTP_CHECKPATCH_DIR)/scripts/checkpatch.pl)

$(KSRTP_CHECKPATCH_DIR)/scripts/checkpatch.pl:
	@tarball=$$(ls /usr/src/linux-source-*.tar.* 2>/dev/null | sort -V | tail -n 1); \
	if [ -z "$$tarball" ]; then \
		echo "checkpatch: no checkpatch.pl in the kernel headers or kbuild" \
			"packages, and no linux-source tarball: apt-get install linux-source-6.1" >&2; \
		exit 1; \
	fi; \
	echo "checkpatch: unpacking checkpatch.pl from $$tarball"; \
	mkdir -p $(KSRTP_CHECKPATCH_DIR); \
	tar -xaf "$$tarball" -C $(KSRTP_CHECKPATCH_DIR) --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
	@touch $@

checkpatch: $(CHECKPATCH)
	perl $(CHECKPATCH) --no-tree --strict --quiet -f $(KSRTP_MODULE_SRCS)
	@echo "checkpatch: $(words $(KSRTP_MODULE_SRCS)) files clean"
