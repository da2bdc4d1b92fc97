// SPDX-License-Identifier: GPL-2.0
/*
 * tg-bench's BPF side.
 *
 * chain_entry -> chain_1 -> chain_2 -> chain_3 through jmp_table slots 0, 1
 * and 2: one BPF_PROG_TEST_RUN repetition runs four progs and three tail
 * calls, the data path tailguard must stay off.
 *
 * entry_tc calls the global subprog subprog_tc: the freplace target for the
 * link create/close benchmark (bench_ext.bpf.c replaces subprog_tc).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define __sink(expr) asm volatile("" : "+g"(expr))

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} jmp_table SEC(".maps");

SEC("tc")
int chain_entry(struct __sk_buff *skb)
{
	bpf_tail_call_static(skb, &jmp_table, 0);
	return 0;
}

SEC("tc")
int chain_1(struct __sk_buff *skb)
{
	bpf_tail_call_static(skb, &jmp_table, 1);
	return 1;
}

SEC("tc")
int chain_2(struct __sk_buff *skb)
{
	bpf_tail_call_static(skb, &jmp_table, 2);
	return 2;
}

SEC("tc")
int chain_3(struct __sk_buff *skb)
{
	return 3;
}

__noinline int subprog_tc(struct __sk_buff *skb)
{
	int ret = 1;

	__sink(skb);
	__sink(ret);
	return ret;
}

SEC("tc")
int entry_tc(struct __sk_buff *skb)
{
	return subprog_tc(skb);
}

char __license[] SEC("license") = "GPL";
