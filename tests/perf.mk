# SPDX-License-Identifier: GPL-2.0
#
# tailguard benchmarks and stress (issue 7).  Included by the top-level
# Makefile (-include $(TOP)/tests/perf.mk); standalone:
#   make -f tests/perf.mk bench
# Their BPF programs are tests/bpf's (tc_bpf2bpf, freplace_ret and, for the
# bench, tailcall_chain): tests/bpf.mk builds them and their skeletons.
#
#   make bench [BENCH_KVER=6.1.0-54-amd64] [BENCH_ARGS=...]
#       one guest boot: bare / insmod / rmmod figures, a table and a
#       "headline:" line; then short boots that split the cost by hook.
#       Figures, never assertions.  The guest clock counts instructions
#       (TG_ICOUNT=0, tests/bench/run-bench), so figures repeat.
#   make stress-short [STRESS_KVER=...]   ~1-2 min, prints TAP
#   make stress       [STRESS_KVER=...]   the long form: >= 10 min, >= 100
#                                         load/unload cycles
# STRESS_KVER defaults to lab-debug when build/lab-debug/bzImage exists,
# else 6.1.0-54-amd64.  tg-bench / tg-stress themselves: make perf-tools.

PERF_TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
include $(PERF_TOP)/tests/bpf.mk
PERF_OUT := $(PERF_TOP)/build/perf
BENCH_KVER ?= 6.1.0-54-amd64
STRESS_KVER ?= $(if $(wildcard $(PERF_TOP)/build/lab-debug/bzImage),lab-debug,6.1.0-54-amd64)
BENCH_ARGS ?=
STRESS_ARGS ?=

PERF_CC ?= gcc
PERF_CFLAGS := -O2 -g -Wall -Wno-unused-function -I$(TEST_BPF_OUT) \
	-I$(PERF_TOP)/tests/bench
PERF_LIBS := -static -lbpf -lelf -lz -lzstd -lpthread

# the skeletons of tests/bpf each tool includes (built by tests/bpf.mk)
PERF_BENCH_BPF := tailcall_chain tc_bpf2bpf freplace_ret
PERF_STRESS_BPF := tc_bpf2bpf freplace_ret
PERF_STRESS_SRC := $(addprefix $(PERF_TOP)/tests/stress/,tg-stress.c common.c \
	run.c badinput.c faults.c)

.PHONY: bench stress stress-short perf-tools
perf-tools: $(PERF_OUT)/tg-bench $(PERF_OUT)/tg-stress

$(PERF_OUT)/tg-bench: $(PERF_TOP)/tests/bench/tg-bench.c $(PERF_TOP)/tests/bench/tgperf.h \
		$(PERF_BENCH_BPF:%=$(TEST_BPF_OUT)/%.skel.h)
	@mkdir -p $(PERF_OUT)
	$(PERF_CC) $(PERF_CFLAGS) $< -o $@ $(PERF_LIBS)

$(PERF_OUT)/tg-stress: $(PERF_STRESS_SRC) $(PERF_TOP)/tests/stress/stress.h \
		$(PERF_TOP)/tests/bench/tgperf.h $(PERF_STRESS_BPF:%=$(TEST_BPF_OUT)/%.skel.h)
	@mkdir -p $(PERF_OUT)
	$(PERF_CC) $(PERF_CFLAGS) $(PERF_STRESS_SRC) -o $@ $(PERF_LIBS)

# The bench build (TG_BENCH=1) first, kept aside: it splits the cost by hook.
bench: $(PERF_OUT)/tg-bench
	@$(MAKE) --no-print-directory -C $(PERF_TOP) module KVER=$(BENCH_KVER) TG_BENCH=1 >$(PERF_OUT)/module-$(BENCH_KVER).log 2>&1 || { cat $(PERF_OUT)/module-$(BENCH_KVER).log; exit 1; }
	@cp $(PERF_TOP)/build/$(BENCH_KVER)/tailguard.ko $(PERF_OUT)/tailguard-bench-$(BENCH_KVER).ko
	@$(MAKE) --no-print-directory -C $(PERF_TOP) module KVER=$(BENCH_KVER) >$(PERF_OUT)/module-$(BENCH_KVER).log 2>&1 || { cat $(PERF_OUT)/module-$(BENCH_KVER).log; exit 1; }
	@TG_BENCH_KO=$(PERF_OUT)/tailguard-bench-$(BENCH_KVER).ko $(PERF_TOP)/tests/bench/run-bench -k $(BENCH_KVER) -- $(BENCH_ARGS)

stress-short: $(PERF_OUT)/tg-stress
	@$(MAKE) --no-print-directory -C $(PERF_TOP) module KVER=$(STRESS_KVER) >$(PERF_OUT)/module-$(STRESS_KVER).log 2>&1 || { cat $(PERF_OUT)/module-$(STRESS_KVER).log; exit 1; }
	@$(PERF_TOP)/tests/stress/run-stress -k $(STRESS_KVER) --short -- $(STRESS_ARGS)

stress: $(PERF_OUT)/tg-stress
	@$(MAKE) --no-print-directory -C $(PERF_TOP) module KVER=$(STRESS_KVER) >$(PERF_OUT)/module-$(STRESS_KVER).log 2>&1 || { cat $(PERF_OUT)/module-$(STRESS_KVER).log; exit 1; }
	@$(PERF_TOP)/tests/stress/run-stress -k $(STRESS_KVER) --long -- $(STRESS_ARGS)
