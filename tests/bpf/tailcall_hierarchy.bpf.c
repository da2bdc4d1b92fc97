// SPDX-License-Identifier: GPL-2.0
/*
 * The tail-call hierarchy pattern (fixed upstream by 116e04ba1459).
 *
 * Mirrors upstream tools/testing/selftests/bpf/progs/
 * tailcall_bpf2bpf_hierarchy1.c (added by the fix's selftests): entry calls
 * subprog_tail twice, and subprog_tail tail-calls jmp_table slot 0, which
 * the upstream test fills with entry itself.  On an unfixed x86-64 JIT the
 * count lives in each subprog's copy, so the limit of 33 never stops the
 * recursion: 6.1.0-56 stalls (RCU) when it runs.  Row hierarchy_load only
 * loads it, row hierarchy_run (a few kernels) runs it: with tailguard's
 * policy_hierarchy=enforce the load is refused with EINVAL.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bpf_misc.h"

TG_PROG_ARRAY(jmp_table, 1);

int count = 0;

static __noinline int subprog_tail(struct __sk_buff *skb)
{
	bpf_tail_call_static(skb, &jmp_table, 0);
	return 0;
}

SEC("tc")
int entry(struct __sk_buff *skb)
{
	volatile int ret = 1;

	count++;
	subprog_tail(skb);
	subprog_tail(skb);

	return ret;
}

char __license[] SEC("license") = "GPL";
