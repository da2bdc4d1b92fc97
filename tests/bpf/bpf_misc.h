/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the BPF test programs of tests/bpf.
 *
 * Modelled on upstream tools/testing/selftests/bpf/progs/bpf_misc.h: what
 * several programs would otherwise each define for themselves.  Include it
 * after <bpf/bpf_helpers.h>.
 */
#ifndef __TG_BPF_MISC_H
#define __TG_BPF_MISC_H

/*
 * Upstream's __sink(): hide a value from the optimiser.  Without it clang
 * propagates a global subprog's constant return into its caller, which then
 * ignores whatever an freplace of that subprog returns.
 */
#define __sink(expr) asm volatile("" : "+g"(expr))

/*
 * A PROG_ARRAY map of @slots entries named @name, declared the way
 * upstream's tailcall*.c progs declare their jmp_table.
 */
#define TG_PROG_ARRAY(name, slots)				\
	struct {						\
		__uint(type, BPF_MAP_TYPE_PROG_ARRAY);		\
		__uint(max_entries, slots);			\
		__uint(key_size, sizeof(__u32));		\
		__uint(value_size, sizeof(__u32));		\
	} name SEC(".maps")

#endif /* __TG_BPF_MISC_H */
