// SPDX-License-Identifier: GPL-2.0
/*
 * The invalid-tailcallee pattern (fixed upstream by 1c123c567fb1, v6.2).
 *
 * Mirrors the freplace progs of Asphaltt/tailcall-issues'
 * invalid-tailcallee probe: freplace_owner replaces xdp_bpf2bpf's
 * subprog_xdp and tail-calls slot 0 of jmp_table, so loading it makes
 * jmp_table's owner an EXT prog; freplace_tc_callee replaces tc_bpf2bpf's
 * subprog_tc and returns TG_TC_CALLEE_RET.  Before 1c123c567fb1 the owner
 * type is the raw EXT, and freplace_tc_callee, a TC prog in all but its
 * raw type, enters the XDP-context array: entry_xdp then returns the TC
 * prog's value.  Since 1c123c567fb1 the types resolve (XDP, SCHED_CLS)
 * and the update fails with EINVAL.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bpf_misc.h"

#define TG_TC_CALLEE_RET 77

TG_PROG_ARRAY(jmp_table, 1);

SEC("freplace")
int freplace_owner(struct xdp_md *xdp)
{
	bpf_tail_call_static(xdp, &jmp_table, 0);
	return XDP_PASS;
}

SEC("freplace")
int freplace_tc_callee(struct __sk_buff *skb)
{
	return TG_TC_CALLEE_RET;
}

char __license[] SEC("license") = "GPL";
