// SPDX-License-Identifier: GPL-2.0
/*
 * Attached (fentry) to the never-run tg_jit_entry of jit.bpf.c so the
 * kernel builds a trampoline for a tail-call-reachable prog; the CLI then
 * reads the trampoline's bytes and disassembles them.  Never runs.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("fentry/tg_jit_entry")
int tg_fentry(void *ctx)
{
	return 0;
}
