// SPDX-License-Identifier: GPL-2.0
/*
 * tg-stress's ordinary tc prog: a PROG_ARRAY member and an freplace target
 * (global subprog_tc; 6.1 refuses to replace static functions).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define __sink(expr) asm volatile("" : "+g"(expr))

__noinline int subprog_tc(struct __sk_buff *skb)
{
	int ret = 1;

	__sink(skb);
	__sink(ret);
	return ret;
}

SEC("tc")
int entry_tc(struct __sk_buff *skb)
{
	return subprog_tc(skb);
}

char __license[] SEC("license") = "GPL";
