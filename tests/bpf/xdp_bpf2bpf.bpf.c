// SPDX-License-Identifier: GPL-2.0
/*
 * An XDP freplace target, the XDP twin of tc_bpf2bpf.bpf.c: entry_xdp
 * calls the global subprog subprog_xdp, which returns XDP_DROP (1).
 *
 * Mirrors the XDP target of Asphaltt/tailcall-issues' invalid-tailcallee
 * probe (an XDP entry calling a global xdp_subprog).  As in tc_bpf2bpf,
 * subprog_xdp may change packet data behind a condition that never holds
 * at run time, so that an freplace that tail-calls loads against it on
 * 6.12 too.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bpf_misc.h"

#define TG_NEVER_IFINDEX 0x7467dead

__noinline int subprog_xdp(struct xdp_md *xdp)
{
	int ret = XDP_DROP;

	__sink(xdp);
	__sink(ret);
	if (xdp->ingress_ifindex == TG_NEVER_IFINDEX)
		bpf_xdp_adjust_head(xdp, 0);
	return ret;
}

SEC("xdp")
int entry_xdp(struct xdp_md *xdp)
{
	int ret = subprog_xdp(xdp);

	__sink(ret);
	return ret;
}

char __license[] SEC("license") = "GPL";
