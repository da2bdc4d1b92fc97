# SPDX-License-Identifier: GPL-2.0
#
# tools/tools.mk - the tailguard CLI (included by the top-level Makefile).
#
#   make tools        build build/tailguard (static, libbpf + libcapstone)
#   make tools-clean  remove build/tools and build/tailguard
#
# Debian packages: clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev
# libzstd-dev libcapstone-dev (static libbpf.a, libelf.a, libz.a,
# libzstd.a, libcapstone.a).

TG_TOOLS_SRC := $(TOP)/tools
TG_TOOLS_OUT := $(BUILD)/tools
TG_BPF_NAMES := targets ext jit jitm fentry kread
TG_BPF_OBJS  := $(patsubst %,$(TG_TOOLS_OUT)/%.bpf.o,$(TG_BPF_NAMES))
TG_SKELS     := $(patsubst %,$(TG_TOOLS_OUT)/%.skel.h,$(TG_BPF_NAMES))
TG_CSRCS     := $(wildcard $(TG_TOOLS_SRC)/*.c)
TG_HDRS      := $(wildcard $(TG_TOOLS_SRC)/*.h)
TG_VERSION   := $(shell cat $(TOP)/VERSION 2>/dev/null || echo 0.1.0)

TG_CLANG   ?= clang
TG_BPFTOOL ?= bpftool
TG_CC      ?= gcc
TG_CFLAGS  ?= -O2 -g -Wall -Wextra -Wno-unused-parameter
TG_LIBS    := -Wl,-Bstatic -lbpf -lelf -lz -lzstd -lcapstone

.PHONY: tools tools-clean
.SECONDARY: $(TG_BPF_OBJS)

tools: $(BUILD)/tailguard

$(TG_TOOLS_OUT)/%.bpf.o: $(TG_TOOLS_SRC)/bpf/%.bpf.c $(TG_TOOLS_SRC)/tools.mk
	@mkdir -p $(TG_TOOLS_OUT)
	$(TG_CLANG) -g -O2 -target bpf -D__TARGET_ARCH_x86 \
		-I/usr/include/x86_64-linux-gnu -Wall -c $< -o $@

$(TG_TOOLS_OUT)/%.skel.h: $(TG_TOOLS_OUT)/%.bpf.o
	$(TG_BPFTOOL) gen skeleton $< name tg_$* > $@.tmp && mv $@.tmp $@

$(BUILD)/tailguard: $(TG_CSRCS) $(TG_HDRS) $(TG_SKELS) $(TG_TOOLS_SRC)/tools.mk $(wildcard $(TOP)/VERSION)
	$(TG_CC) $(TG_CFLAGS) -static -I$(TG_TOOLS_OUT) -I$(TG_TOOLS_SRC) \
		-DTG_VERSION='"$(TG_VERSION)"' \
		-o $@ $(TG_CSRCS) $(TG_LIBS)

tools-clean:
	rm -rf $(TG_TOOLS_OUT) $(BUILD)/tailguard
