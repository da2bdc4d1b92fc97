// SPDX-License-Identifier: GPL-2.0
/* The freplace tg-bench attaches to bench.bpf.c's subprog_tc and detaches. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("freplace")
int new_subprog_tc(struct __sk_buff *skb)
{
	return 2;
}

char __license[] SEC("license") = "GPL";
