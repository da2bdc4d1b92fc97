// SPDX-License-Identifier: GPL-2.0
/*
 * JIT image probe for the tailguard CLI: a tail-call-reachable main prog
 * with a 4-byte stack that calls a subprog doing a tail call.  Loaded and
 * disassembled, never run; its prog_array slot stays empty.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} tg_jit_jmp SEC(".maps");

static __noinline int tg_jit_sub(struct __sk_buff *skb)
{
	volatile int ret = 0;

	bpf_tail_call_static(skb, &tg_jit_jmp, 0);
	return ret;
}

SEC("tc")
int tgprobe_jit(struct __sk_buff *skb)
{
	volatile __u32 pad = skb->len;	/* 4 bytes of stack: not a multiple of 8 */

	return tg_jit_sub(skb) + pad;
}
