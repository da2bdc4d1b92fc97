// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel memory reader for the tailguard CLI.  A raw_tracepoint program
 * that is never attached: the CLI runs it with BPF_PROG_TEST_RUN, which
 * only executes this straight-line code (no loop, no tail call), and it
 * copies TG_KREAD_CHUNK bytes at tg_addr with bpf_probe_read_kernel
 * (fault-tolerant: a bad address gives an error, not an oops).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

#define TG_KREAD_CHUNK 256

__u64 tg_addr = 0;
long tg_err = 0;
__u8 tg_buf[TG_KREAD_CHUNK] = {};

SEC("raw_tp")
int tg_kread(void *ctx)
{
	tg_err = bpf_probe_read_kernel(tg_buf, sizeof(tg_buf), (void *)tg_addr);
	return 0;
}
