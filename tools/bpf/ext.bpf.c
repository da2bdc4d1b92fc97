// SPDX-License-Identifier: GPL-2.0
/*
 * Freplace (BPF_PROG_TYPE_EXT) programs for the tailguard CLI probes.
 * Each is loaded against a subprog of targets.bpf.c and NEVER attached,
 * so prog->aux->dst_prog stays set and no kernel generation can crash on
 * them (the NULL deref needs an *attached* EXT prog).  Nothing here runs.
 *
 * tgprobe_owner: replaces tg_xdp_sub and tail-calls through jmp_table, so
 *   loading it makes it the owner of jmp_table (owner type XDP on kernels
 *   with 1c123c567fb1, raw EXT before).
 * tgprobe_ext_xdp:   an XDP-targeted EXT prog (the freplace-loop probe).
 * tgprobe_ext_tc:    a TC-targeted EXT prog (the invalid-tailcallee probe).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} tg_jmp SEC(".maps");

SEC("freplace")
int tgprobe_owner(struct xdp_md *xdp)
{
	bpf_tail_call_static(xdp, &tg_jmp, 0);
	return 0;
}

SEC("freplace")
int tgprobe_ext_xdp(struct xdp_md *xdp)
{
	return 0;
}

SEC("freplace")
int tgprobe_ext_tc(struct __sk_buff *skb)
{
	return 0;
}
