# SPDX-License-Identifier: GPL-2.0
#
# tailguard top-level Makefile.
#
#   make module KVER=6.1.0-54-amd64 [C=2]   build build/KVER/tailguard.ko
#   make module KVER=lab                    ... against the lab kernel tree
#   make check                              every test: the lab matrix (QEMU)
#   make check-quick                        one kernel, for iteration
#   make selftests                          build the kernel's BPF selftests
#                                           (test_progs of 6.1.192), cached
#   make demo                               the CVE-2024-47794 trigger, bare
#                                           and with tailguard, side by side
#   make deps                               install the Debian packages needed
#
# Called by Kbuild/DKMS (KERNELRELEASE set) this file only includes Kbuild.

ifneq ($(KERNELRELEASE),)
include $(src)/Kbuild
else

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD := $(TOP)/build
KVER ?= 6.1.0-54-amd64

# Where a kernel's build tree lives: fetched Debian headers, or a lab tree
# (scripts/lab/build-lab-kernel: lab, lab-debug, lab-6.1.4, lab-6.12).
LAB_KERNELS := lab lab-debug lab-6.1.4 lab-6.1.4-debug lab-6.12
lab_variant = $(patsubst lab,,$(patsubst lab-%,%,$(patsubst lab-debug,debug,$(1))))
ifneq ($(filter $(LAB_KERNELS),$(KVER)),)
KDIR := $(BUILD)/$(KVER)/tree
else
KDIR := $(BUILD)/kernels/$(KVER)/headers
endif

# Debian header trees name their exact gcc (gcc-10 for 5.10, gcc-14 for
# trixie-backports): scripts/kbuild-env runs the build with it, or with the
# machine's gcc when that is at least as new, or else in a chroot of the
# kernel's suite that has it.
KBUILD_ENV = $(TOP)/scripts/kbuild-env $(KDIR)
MODCC = $(shell $(TOP)/scripts/kbuild-env --cc $(KDIR))

MOD_SRCS := Kbuild VERSION $(shell find src include -type f 2>/dev/null)

.PHONY: all module kernel deps check check-quick demo clean help

all: help

help:
	@sed -n '3,15p' $(TOP)/Makefile | sed 's/^# \{0,1\}//'

kernel:
ifeq ($(filter $(LAB_KERNELS),$(KVER)),)
	@$(TOP)/scripts/fetch-kernel $(KVER)
else
	@$(MAKE) -C $(TOP) lab-kernel VARIANT=$(call lab_variant,$(KVER))
endif

# The module is built in a per-kernel copy of the sources, so several
# kernels can be built side by side without touching the source tree.
module: kernel
	@rm -rf $(BUILD)/$(KVER)/mod
	@mkdir -p $(BUILD)/$(KVER)/mod
	@cp -r --parents $(MOD_SRCS) $(BUILD)/$(KVER)/mod/
	$(KBUILD_ENV) $(MAKE) -C $(KDIR) M=$(BUILD)/$(KVER)/mod CC=$(MODCC) $(if $(C),C=$(C)) $(if $(TG_BREAK),TG_BREAK=$(TG_BREAK)) $(if $(TG_BENCH),TG_BENCH=$(TG_BENCH)) modules
	@cp $(BUILD)/$(KVER)/mod/tailguard.ko $(BUILD)/$(KVER)/tailguard.ko
	@echo "built $(BUILD)/$(KVER)/tailguard.ko"

deps:
	@$(TOP)/scripts/install-deps

# Every test: the lab matrix on every kernel of tests/expect.txt, the CLI
# reports, sparse, DKMS.  Ends with "N passed, N failed".
check:
	@$(TOP)/tests/check

# The same on the table's quick kernel only, for iteration.
check-quick:
	@$(TOP)/tests/check --quick

# Boot 6.1.0-54 twice: the CVE-2024-47794 trigger bare, then with tailguard.
demo: deps
	@$(TOP)/tests/demo

clean:
	rm -rf $(BUILD)/*/mod $(BUILD)/tests $(BUILD)/tools

-include $(TOP)/tests/bpf.mk
-include $(TOP)/tests/tests.mk
-include $(TOP)/tools/tools.mk
-include $(TOP)/scripts/lab.mk
-include $(TOP)/packaging/packaging.mk
-include $(TOP)/tests/perf.mk
-include $(TOP)/tests/selftests/selftests.mk

endif
