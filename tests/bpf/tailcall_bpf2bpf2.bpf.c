// SPDX-License-Identifier: GPL-2.0
/*
 * The trampoline-loop pattern (fixed upstream by 2b5dcb31a19a, v6.7).
 *
 * Mirrors upstream tools/testing/selftests/bpf/progs/tailcall_bpf2bpf2.c,
 * which the fix's selftests (tailcall_bpf2bpf_fentry, _fexit) reuse:
 * entry tail-calls slot 0, which the test fills with classifier_0;
 * classifier_0 counts its runs and calls subprog_tail, which tail-calls
 * slot 0 again.  Run, the kernel's limit stops it at count 33.  With an
 * fentry or fexit prog (trace_count.bpf.c) on subprog_tail, an unfixed
 * x86-64 trampoline clobbers tail_call_cnt on every call of subprog_tail
 * and the chain never stops.  Unlike upstream, subprog_tail always takes
 * slot 0 (upstream picks slot 1 when the packet's first byte is set).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bpf_misc.h"

TG_PROG_ARRAY(jmp_table, 1);

int count = 0;

static __noinline int subprog_tail(struct __sk_buff *skb)
{
	bpf_tail_call_static(skb, &jmp_table, 0);
	return 1;
}

SEC("tc")
int classifier_0(struct __sk_buff *skb)
{
	count++;
	return subprog_tail(skb);
}

SEC("tc")
int entry(struct __sk_buff *skb)
{
	bpf_tail_call_static(skb, &jmp_table, 0);
	return 0;
}

char __license[] SEC("license") = "GPL";
