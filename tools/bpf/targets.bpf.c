// SPDX-License-Identifier: GPL-2.0
/*
 * Freplace targets for the tailguard CLI probes.  Loaded, never attached,
 * never run: the CLI only loads freplace (EXT) programs against the two
 * global subprogs and inspects prog_array update errnos.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

/*
 * Global, so freplace may replace it.  The never-taken adjust_head makes
 * the subprog "change packet data", which 6.12.y requires of a subprog
 * whose freplace does a tail call.
 */
__noinline int tg_xdp_sub(struct xdp_md *xdp)
{
	if (xdp->ingress_ifindex == 0xfffffff0)
		return bpf_xdp_adjust_head(xdp, 0);
	return xdp->data_end > xdp->data ? 1 : 0;
}

SEC("xdp")
int tgprobe_xdp(struct xdp_md *xdp)
{
	return tg_xdp_sub(xdp);
}

__noinline int tg_tc_sub(struct __sk_buff *skb)
{
	if (skb->mark == 0xfffffff0)
		return bpf_skb_change_proto(skb, 0, 0);
	return skb->len ? 1 : 0;
}

SEC("tc")
int tgprobe_tc(struct __sk_buff *skb)
{
	return tg_tc_sub(skb);
}
