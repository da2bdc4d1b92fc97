// SPDX-License-Identifier: GPL-2.0
/*
 * What the tail-call hierarchy policy keeps allowed: tail calls from the
 * main prog, in programs that also make bpf2bpf calls (without tail calls
 * in the callees).
 *
 * Like tailcall3.bpf.c (upstream tailcall3.c), with a bpf2bpf call in both
 * progs: entry calls subprog_one and tail-calls slot 0; classifier_0 adds
 * subprog_one()'s 1 to count and tail-calls slot 0 (itself) until the
 * kernel's limit stops it.  Expected: retval 1 and count 33, retval 0 once
 * slot 0 is empty.  The row ctl_hierarchy_allowed runs it with the policy
 * enforced.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bpf_misc.h"

TG_PROG_ARRAY(jmp_table, 1);

int count = 0;

static __noinline int subprog_one(struct __sk_buff *skb)
{
	volatile int ret = 1;

	__sink(skb);
	return ret;
}

SEC("tc")
int classifier_0(struct __sk_buff *skb)
{
	count += subprog_one(skb);
	bpf_tail_call_static(skb, &jmp_table, 0);
	return 1;
}

SEC("tc")
int entry(struct __sk_buff *skb)
{
	int ret = subprog_one(skb);

	bpf_tail_call_static(skb, &jmp_table, 0);
	return ret - 1;
}

char __license[] SEC("license") = "GPL";
