# ksrtp.ko (included by the top-level Makefile).
#
#   make module       build kernel/ksrtp.ko against KDIR, W=1, warnings are errors
#   make checkpatch   scripts/checkpatch.pl --no-tree --strict -f on the module and its ABI
#   make module-clean remove the module's build products from kernel/
#   make install-module   install ksrtp.ko for KDIR's kernel (extra/) and the
#                     udev rule; DESTDIR= for staging
#   make install-dkms install the module sources to /usr/src/ksrtp-$(VERSION)
#                     for DKMS (dkms.conf), and the udev rule
#   make check-compat build the module against KDIR with other kernels'
#                     io_uring command APIs grafted on (tests/compat)
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
# Header-only code the module shares with libksrtp: userspace's stdint types.
KSRTP_SHARED_SRCS := common/replay_window.h

.PHONY: module module-clean checkpatch install-module install-dkms check-compat

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
	perl $(CHECKPATCH) --no-tree --strict --quiet --ignore PREFER_KERNEL_TYPES \
		-f $(KSRTP_SHARED_SRCS)
	@echo "checkpatch: $(words $(KSRTP_MODULE_SRCS) $(KSRTP_SHARED_SRCS)) files clean"

# ---- operators (README, "Running the kernel module") ----
UDEVRULESDIR ?= /etc/udev/rules.d
KSRTP_DKMS_SRC := /usr/src/ksrtp-$(VERSION)
KSRTP_OPERATOR_HINT := next: groupadd --system ksrtp; udevadm control --reload; modprobe ksrtp

# Unsigned (CONFIG_MODULE_SIG_ALL= : the distribution's signing key is not
# here, and trying only prints errors); sign it yourself or use DKMS, which
# signs with its MOK key. Debian's headers carry no System.map, so Kbuild
# skips depmod: run it here for the kernel KDIR is (not for a DESTDIR).
KSRTP_KVER = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h)

install-module: module
	$(MAKE) -C "$(KDIR)" M=$(KSRTP_MODULE_DIR) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=extra CONFIG_MODULE_SIG_ALL= modules_install
	@if [ -z "$(DESTDIR)" ]; then echo "depmod -a $(KSRTP_KVER)"; depmod -a $(KSRTP_KVER); fi
	install -D -m 644 udev/60-ksrtp.rules $(DESTDIR)$(UDEVRULESDIR)/60-ksrtp.rules
	@echo "install-module: $(KSRTP_OPERATOR_HINT)"

# What DKMS needs to build: kernel/ (with its Kbuild) and the ABI header.
install-dkms:
	install -d $(DESTDIR)$(KSRTP_DKMS_SRC)/kernel $(DESTDIR)$(KSRTP_DKMS_SRC)/include/uapi/linux
	sed 's/^PACKAGE_VERSION=.*/PACKAGE_VERSION="$(VERSION)"/' dkms.conf \
		>$(DESTDIR)$(KSRTP_DKMS_SRC)/dkms.conf
	install -m 644 kernel/Kbuild $(filter kernel/%,$(KSRTP_MODULE_SRCS)) \
		$(DESTDIR)$(KSRTP_DKMS_SRC)/kernel/
	install -m 644 include/uapi/linux/ksrtp.h $(DESTDIR)$(KSRTP_DKMS_SRC)/include/uapi/linux/
	install -D -m 644 $(KSRTP_SHARED_SRCS) $(DESTDIR)$(KSRTP_DKMS_SRC)/common/replay_window.h
	install -D -m 644 udev/60-ksrtp.rules $(DESTDIR)$(UDEVRULESDIR)/60-ksrtp.rules
	@echo "install-dkms: then dkms install ksrtp/$(VERSION); $(KSRTP_OPERATOR_HINT)"

# ---- kernel/compat.h against the APIs of kernels not installable here ----
KSRTP_COMPAT_TREES := $(notdir $(wildcard tests/compat/linux-*))

check-compat:
	@mkdir -p $(BUILD)/compat
	@for t in $(KSRTP_COMPAT_TREES); do \
		if tests/compat/build-against tests/compat/$$t "$(KDIR)" $(BUILD)/compat/$$t \
			>$(BUILD)/compat/$$t.log 2>&1; then \
			echo "PASS compat/$$t"; echo "PASS compat/$$t" >>$(RESULTS); \
		else \
			echo "FAIL compat/$$t"; echo "FAIL compat/$$t" >>$(RESULTS); \
			grep -m 5 'error\|build-against' $(BUILD)/compat/$$t.log; \
		fi; \
	done
