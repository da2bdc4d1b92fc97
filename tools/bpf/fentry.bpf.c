// SPDX-License-Identifier: GPL-2.0
/*
 * Attached (fentry) to the never-run tgprobe_jit of jit.bpf.c so the
 * kernel builds a trampoline for a tail-call-reachable prog; the CLI then
 * reads the trampoline's bytes and disassembles them.  Never runs.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("fentry/tgprobe_jit")
int tg_fentry(void *ctx)
{
	return 0;
}
