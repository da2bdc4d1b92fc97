/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The XDP programs tests/clients loads with Debian's xdp-loader (libxdp's
 * multi-program dispatcher, which attaches each one as an freplace of one
 * of its slots).
 *
 * TG_XDP_CLIENT(name, bit, action): one program that ORs @bit into slot 0
 * of tg_xdp_hits and returns @action.  The map is pinned by name (under
 * xdp-loader's -p directory), so the programs of all three objects share
 * it: after one BPF_PROG_TEST_RUN of the dispatcher the value says which
 * programs ran (1|2|4 = all three).
 */
#ifndef __TG_XDP_CLIENT_H
#define __TG_XDP_CLIENT_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} tg_xdp_hits SEC(".maps");

static __always_inline void tg_xdp_hit(__u64 bit)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&tg_xdp_hits, &key);

	if (v)
		*v |= bit;
}

#define TG_XDP_CLIENT(name, bit, action)			\
	SEC("xdp")						\
	int name(struct xdp_md *ctx)				\
	{							\
		tg_xdp_hit(bit);				\
		return action;					\
	}							\
	char __license[] SEC("license") = "GPL"

#endif
