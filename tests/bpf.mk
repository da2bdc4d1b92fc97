# SPDX-License-Identifier: GPL-2.0
#
# tests/bpf.mk - the BPF test programs, for every test tool that loads them
# (included by the top Makefile, and by tests/perf.mk when that is used on
# its own).
#
#   make test-bpf         build every object and skeleton below
#
# Each tests/bpf/NAME.bpf.c becomes build/tests/NAME.bpf.o (clang -target bpf,
# BTF via -g, no vmlinux.h/CO-RE: the lab kernel may lack vmlinux BTF) and
# build/tests/NAME.skel.h (bpftool gen skeleton, struct NAME).  The programs
# share tests/bpf/*.h (bpf_misc.h).  tg-harness, tg-bench and tg-stress
# include the skeletons with -I$(TEST_BPF_OUT); tests/clients hands the
# objects (xdp_client_*, tailcall_chain, tc_bpf2bpf) to Debian's bpftool
# and xdp-loader in the guest.  The CLI's own probes
# (tools/bpf, tgprobe_*) are not test programs: tools/tools.mk builds them.
#
# Debian packages: clang llvm libbpf-dev bpftool (and gcc, for the multiarch
# include directory).

ifndef TEST_BPF_OUT

TEST_BPF_TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
TEST_BPF_DIR := $(TEST_BPF_TOP)/tests/bpf
TEST_BPF_OUT := $(TEST_BPF_TOP)/build/tests

TEST_BPF_SRCS := $(sort $(wildcard $(TEST_BPF_DIR)/*.bpf.c))
TEST_BPF_HDRS := $(wildcard $(TEST_BPF_DIR)/*.h)
TEST_BPF_OBJS := $(patsubst $(TEST_BPF_DIR)/%.bpf.c,$(TEST_BPF_OUT)/%.bpf.o,$(TEST_BPF_SRCS))
TEST_BPF_SKELS := $(TEST_BPF_OBJS:.bpf.o=.skel.h)

BPF_CLANG ?= clang
BPFTOOL ?= bpftool
# Debian keeps <asm/types.h> in the multiarch include directory, which
# clang -target bpf does not search by itself.
TEST_BPF_MULTIARCH := $(shell gcc -dumpmachine 2>/dev/null)
TEST_BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall \
	$(if $(TEST_BPF_MULTIARCH),-I/usr/include/$(TEST_BPF_MULTIARCH))

.PHONY: test-bpf
# keep the objects and skeletons (make would delete them as intermediates)
.SECONDARY: $(TEST_BPF_OBJS) $(TEST_BPF_SKELS)

test-bpf: $(TEST_BPF_SKELS)

$(TEST_BPF_OUT)/%.bpf.o: $(TEST_BPF_DIR)/%.bpf.c $(TEST_BPF_HDRS) \
			 $(TEST_BPF_TOP)/tests/bpf.mk
	@mkdir -p $(@D)
	$(BPF_CLANG) $(TEST_BPF_CFLAGS) -c $< -o $@

$(TEST_BPF_OUT)/%.skel.h: $(TEST_BPF_OUT)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $* >$@.tmp
	@mv $@.tmp $@

endif
