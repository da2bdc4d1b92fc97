// SPDX-License-Identifier: GPL-2.0
/*
 * The JIT probe that tailguard's policy tailcall_hierarchy allows: the same
 * main prog as jit.bpf.c (4 bytes of stack, a bpf2bpf call), with the tail
 * call in the main prog instead of the subprog.  The x86-64 JIT emits the
 * same tail-call prologue for it (the tail call makes the main prog
 * tail-call-reachable) and the same tail_call_cnt load before the bpf2bpf
 * call, so tailcall_hierarchy's prologue and tailcall_cnt_offset can still
 * be read when the policy refuses jit.bpf.c.  Loaded and disassembled,
 * never run; its prog_array slot stays empty.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} tg_jitm_jmp SEC(".maps");

static __noinline int tg_jitm_sub(struct __sk_buff *skb)
{
	volatile int ret = 0;

	return ret + skb->len;
}

SEC("tc")
int tgprobe_jitm(struct __sk_buff *skb)
{
	volatile __u32 pad = skb->len;	/* 4 bytes of stack: not a multiple of 8 */
	int ret = tg_jitm_sub(skb);

	bpf_tail_call_static(skb, &tg_jitm_jmp, 0);
	return ret + pad;
}
