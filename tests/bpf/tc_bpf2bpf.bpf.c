// SPDX-License-Identifier: GPL-2.0
/*
 * Target prog "T" for every freplace scenario of the harness, tg-bench's
 * freplace link target and tg-stress's ordinary tc prog (a PROG_ARRAY member
 * and an freplace target).
 *
 * Mirrors upstream tools/testing/selftests/bpf/progs/tc_bpf2bpf.c (added by
 * d6083f040d5d's selftest 021611d33e78): a tc prog entry_tc that calls the
 * global subprog subprog_tc, which returns 1.
 *
 * Like later mainline, subprog_tc may call bpf_skb_change_proto(): since
 * 6.12's "Extension program changes packet data, while original does not"
 * check, an freplace that tail-calls (which counts as changing packet data)
 * only loads against a subprog that can change packet data too.  Unlike
 * upstream the call sits behind a condition the verifier cannot prove false
 * but that never holds at run time (test_run leaves skb->mark at 0), so the
 * same object behaves identically on 5.10, 6.1 and 6.12.
 *
 * subprog_tc must stay global (6.1 refuses to freplace static functions) and
 * noinline, and entry_tc must really use its return value (__sink).
 *
 * subprog_tc2 (returns 0) is a second global subprog, so that the race
 * scenarios can keep one freplace link on it while links on subprog_tc
 * come and go.  entry_tc returns the sum: 1 unchanged, 42 with subprog_tc
 * replaced by freplace_ret.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bpf_misc.h"

#define TG_NEVER_MARK 0x7467dead

__noinline int subprog_tc(struct __sk_buff *skb)
{
	int ret = 1;

	__sink(skb);
	__sink(ret);
	if (skb->mark == TG_NEVER_MARK)
		bpf_skb_change_proto(skb, 0, 0);
	return ret;
}

__noinline int subprog_tc2(struct __sk_buff *skb)
{
	int ret = 0;

	__sink(skb);
	__sink(ret);
	return ret;
}

SEC("tc")
int entry_tc(struct __sk_buff *skb)
{
	int ret = subprog_tc(skb);

	__sink(ret);
	return ret + subprog_tc2(skb);
}

char __license[] SEC("license") = "GPL";
