// SPDX-License-Identifier: GPL-2.0
/*
 * A tail-call chain for BPF_PROG_TEST_RUN: tg-bench's data path.
 *
 * chain_0 -> chain_1 -> chain_2 -> chain_3 through jmp_table slots 0, 1 and
 * 2, which tg-bench fills: one test_run repetition runs four progs and three
 * tail calls and returns 3.  That is the path tailguard must stay off.
 *
 * Like upstream tools/testing/selftests/bpf/progs/tailcall1.c, the links of
 * the chain are written once, by TAIL_FUNC(): chain_N tail-calls slot N and
 * returns N when that slot is empty.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bpf_misc.h"

TG_PROG_ARRAY(jmp_table, 4);

#define TAIL_FUNC(x)						\
	SEC("tc")						\
	int chain_##x(struct __sk_buff *skb)			\
	{							\
		bpf_tail_call_static(skb, &jmp_table, x);	\
		return x;					\
	}

TAIL_FUNC(0)
TAIL_FUNC(1)
TAIL_FUNC(2)

SEC("tc")
int chain_3(struct __sk_buff *skb)
{
	return 3;
}

char __license[] SEC("license") = "GPL";
