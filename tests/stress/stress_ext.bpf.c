// SPDX-License-Identifier: GPL-2.0
/*
 * tg-stress's EXT prog: replaces stress_tgt's subprog_tc.  It never runs
 * (tg-stress does no BPF_PROG_TEST_RUN): what matters is where it is
 * attached and which PROG_ARRAYs it is offered to.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("freplace")
int new_subprog_tc(struct __sk_buff *skb)
{
	return 2;
}

char __license[] SEC("license") = "GPL";
