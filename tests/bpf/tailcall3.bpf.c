// SPDX-License-Identifier: GPL-2.0
/*
 * Plain tail-call chain and SCHED_CLS-owned PROG_ARRAY.
 *
 * Mirrors upstream tools/testing/selftests/bpf/progs/tailcall3.c as used by
 * prog_tests/tailcalls.c test_tailcall_3 / test_tailcall_count: entry
 * tail-calls slot 0; classifier_0 counts in .bss and tail-calls slot 0
 * (itself) until the kernel's limit stops it.  Upstream expects retval 1 and
 * count 33 (MAX_TAIL_CALL_CNT), then retval 0 once slot 0 is deleted.
 *
 * The harness also uses jmp_table as "a PROG_ARRAY whose owner is explicitly
 * a SCHED_CLS prog": loading this object records the owner before any update.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bpf_misc.h"

TG_PROG_ARRAY(jmp_table, 1);

int count = 0;

SEC("tc")
int classifier_0(struct __sk_buff *skb)
{
	count++;
	bpf_tail_call_static(skb, &jmp_table, 0);
	return 1;
}

SEC("tc")
int entry(struct __sk_buff *skb)
{
	bpf_tail_call_static(skb, &jmp_table, 0);
	return 0;
}

char __license[] SEC("license") = "GPL";
