// SPDX-License-Identifier: GPL-2.0
/*
 * fentry and fexit progs that count their runs, attached by the harness to
 * a function of a loaded BPF prog (bpf_program__set_attach_target()).
 *
 * Mirrors upstream tools/testing/selftests/bpf/progs/
 * tailcall_bpf2bpf_fentry.c and tailcall_bpf2bpf_fexit.c (2b5dcb31a19a's
 * selftests), without vmlinux.h: the context is not read.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

int fentry_hits = 0;
int fexit_hits = 0;

SEC("fentry")
int fentry_count(void *ctx)
{
	fentry_hits++;
	return 0;
}

SEC("fexit")
int fexit_count(void *ctx)
{
	fexit_hits++;
	return 0;
}

char __license[] SEC("license") = "GPL";
