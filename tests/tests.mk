# SPDX-License-Identifier: GPL-2.0
#
# tests/tests.mk - the userspace test harness (included by the top Makefile).
#
#   make harness          build build/tests/tg-harness (static, for the guest)
#   make harness-clean    remove it and its intermediates
#   make clients          Debian's bpftool and xdp-loader (libxdp) bare and
#                         with tailguard, on 6.1.0-56, 6.1.0-54 and lab
#                         (tests/clients/run-clients; CLIENTS_KVER=K1,K2
#                         for others)
#
# tests/harness/*.c include the skeletons of tests/bpf (built by
# tests/bpf.mk into build/tests) and link statically against libbpf.a,
# libelf, zlib and zstd.
#
# Debian packages: clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev
# libzstd-dev (and gcc, libc6-dev).

include $(TOP)/tests/bpf.mk

TESTS_OUT := $(TEST_BPF_OUT)
HARNESS_BIN := $(TESTS_OUT)/tg-harness

HARNESS_SRCS := $(sort $(wildcard $(TOP)/tests/harness/*.c))
HARNESS_HDRS := $(wildcard $(TOP)/tests/harness/*.h)
HARNESS_OBJS := $(patsubst $(TOP)/tests/harness/%.c,$(TESTS_OUT)/harness/%.o,$(HARNESS_SRCS))

HARNESS_CC ?= gcc
HARNESS_CFLAGS := -O2 -g -Wall -Wextra -Wno-unused-parameter \
	-I$(TEST_BPF_OUT) -I$(TOP)/tests/harness
HARNESS_LDLIBS := -lbpf -lelf -lz -lzstd -lpthread

.PHONY: harness harness-clean clients

harness: $(HARNESS_BIN)

$(TESTS_OUT)/harness/%.o: $(TOP)/tests/harness/%.c $(HARNESS_HDRS) \
			  $(TEST_BPF_SKELS) $(TOP)/tests/tests.mk
	@mkdir -p $(@D)
	$(HARNESS_CC) $(HARNESS_CFLAGS) -c $< -o $@

# Statically linked: the guest initramfs has busybox and nothing else.
$(HARNESS_BIN): $(HARNESS_OBJS)
	$(HARNESS_CC) -static -o $@ $^ $(HARNESS_LDLIBS)
	@if readelf -lW $@ | grep -q INTERP; then \
		echo "$@ is not statically linked" >&2; rm -f $@; exit 1; fi

harness-clean:
	rm -rf $(TESTS_OUT)

clients: harness
	@$(TOP)/tests/clients/run-clients $(if $(CLIENTS_KVER),-k $(CLIENTS_KVER))
