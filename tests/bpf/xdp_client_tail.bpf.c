// SPDX-License-Identifier: GPL-2.0
/*
 * tests/clients' negative control: an XDP program with a tail call in a
 * subprog, the precondition tailguard's opt-in policy_hierarchy=enforce
 * refuses at load (EINVAL; src/mitigate_hierarchy.c).  Loaded by
 * xdp-loader it is accepted bare and refused with the policy enforced, so
 * the suite sees that its comparison with the bare run catches a refusal
 * and that the refusal's "tailguard:" line is found in dmesg.  The slot is
 * never filled: the tail call falls through.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bpf_misc.h"

TG_PROG_ARRAY(jmp_table, 1);

static __noinline int subprog_tail(struct xdp_md *ctx)
{
	bpf_tail_call_static(ctx, &jmp_table, 0);
	return XDP_PASS;
}

SEC("xdp")
int xdp_client_tail(struct xdp_md *ctx)
{
	volatile int ret = XDP_PASS;

	subprog_tail(ctx);
	return ret;
}

char __license[] SEC("license") = "GPL";
