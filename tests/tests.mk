# SPDX-License-Identifier: GPL-2.0
#
# tests/tests.mk - the userspace test harness (included by the top Makefile).
#
#   make harness          build build/tests/tg-harness (static, for the guest)
#   make harness-clean    remove it and its intermediates
#
# Each tests/bpf/NAME.bpf.c becomes build/tests/NAME.bpf.o (clang -target bpf,
# BTF via -g, no vmlinux.h/CO-RE: the lab kernel may lack vmlinux BTF) and
# build/tests/NAME.skel.h (bpftool gen skeleton).  tests/harness/*.c include
# the skeletons and link statically against libbpf.a, libelf, zlib and zstd.
#
# Debian packages: clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev
# libzstd-dev (and gcc, libc6-dev).

TESTS_OUT := $(BUILD)/tests
HARNESS_BIN := $(TESTS_OUT)/tg-harness

HARNESS_BPF_SRCS := $(sort $(wildcard $(TOP)/tests/bpf/*.bpf.c))
HARNESS_BPF_OBJS := $(patsubst $(TOP)/tests/bpf/%.bpf.c,$(TESTS_OUT)/%.bpf.o,$(HARNESS_BPF_SRCS))
HARNESS_SKELS := $(HARNESS_BPF_OBJS:.bpf.o=.skel.h)
HARNESS_SRCS := $(sort $(wildcard $(TOP)/tests/harness/*.c))
HARNESS_HDRS := $(wildcard $(TOP)/tests/harness/*.h)
HARNESS_BPF_HDRS := $(wildcard $(TOP)/tests/bpf/*.h)
HARNESS_OBJS := $(patsubst $(TOP)/tests/harness/%.c,$(TESTS_OUT)/harness/%.o,$(HARNESS_SRCS))

BPF_CLANG ?= clang
BPFTOOL ?= bpftool
HARNESS_CC ?= gcc
# Debian keeps <asm/types.h> in the multiarch include directory, which
# clang -target bpf does not search by itself.
HARNESS_MULTIARCH := $(shell $(HARNESS_CC) -dumpmachine 2>/dev/null)
HARNESS_BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall \
	$(if $(HARNESS_MULTIARCH),-I/usr/include/$(HARNESS_MULTIARCH))
HARNESS_CFLAGS := -O2 -g -Wall -Wextra -Wno-unused-parameter \
	-I$(TESTS_OUT) -I$(TOP)/tests/harness
HARNESS_LDLIBS := -lbpf -lelf -lz -lzstd -lpthread

.PHONY: harness harness-clean
# keep the objects and skeletons (make would delete them as intermediates)
.SECONDARY: $(HARNESS_BPF_OBJS) $(HARNESS_SKELS)

harness: $(HARNESS_BIN)

$(TESTS_OUT)/%.bpf.o: $(TOP)/tests/bpf/%.bpf.c $(HARNESS_BPF_HDRS) $(TOP)/tests/tests.mk
	@mkdir -p $(@D)
	$(BPF_CLANG) $(HARNESS_BPF_CFLAGS) -c $< -o $@

$(TESTS_OUT)/%.skel.h: $(TESTS_OUT)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $* >$@.tmp
	@mv $@.tmp $@

$(TESTS_OUT)/harness/%.o: $(TOP)/tests/harness/%.c $(HARNESS_HDRS) \
			  $(HARNESS_SKELS) $(TOP)/tests/tests.mk
	@mkdir -p $(@D)
	$(HARNESS_CC) $(HARNESS_CFLAGS) -c $< -o $@

# Statically linked: the guest initramfs has busybox and nothing else.
$(HARNESS_BIN): $(HARNESS_OBJS)
	$(HARNESS_CC) -static -o $@ $^ $(HARNESS_LDLIBS)
	@if readelf -lW $@ | grep -q INTERP; then \
		echo "$@ is not statically linked" >&2; rm -f $@; exit 1; fi

harness-clean:
	rm -rf $(TESTS_OUT)
