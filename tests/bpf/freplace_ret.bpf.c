// SPDX-License-Identifier: GPL-2.0
/*
 * A plain freplace for tc_bpf2bpf's subprog_tc that changes the return value.
 *
 * Mirrors the freplace progs of upstream
 * tools/testing/selftests/bpf/prog_tests/fexit_bpf2bpf.c (func_replace:
 * progs/freplace_get_constant.c and friends): replace a global subprog of a
 * loaded prog, check test_run sees the new value, detach, check the old value
 * is back.  It neither tail-calls nor uses maps, so it attaches wherever
 * freplace works at all.
 *
 * tg-bench's and tg-stress's EXT prog too: there it never runs (they do no
 * BPF_PROG_TEST_RUN of the target), what matters is the attach and detach
 * and which PROG_ARRAYs it is offered to.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define TG_FREPLACE_RET 42

SEC("freplace")
int new_subprog_tc(struct __sk_buff *skb)
{
	return TG_FREPLACE_RET;
}

char __license[] SEC("license") = "GPL";
