// SPDX-License-Identifier: GPL-2.0
/*
 * tailguard CLI: the fentry trampoline probe (trampoline_loop) - an fentry
 * prog is attached to the never-run JIT probe prog, and the trampoline it
 * calls is read with tg_kread and disassembled.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "tailguard.h"
#include "disasm.h"
#include "fentry.skel.h"

void tg_probe_fentry(struct tg_jit_probe *p, int prog_fd)
{
	static struct tg_insn in[TG_MAX_INSNS];
	struct tg_fentry *f = NULL;
	struct bpf_link *link = NULL;
	struct tg_prog_image im = {};
	uint8_t buf[512];
	char why[160], seq[200];
	int err, n, o = 0, rbp = -1;
	int32_t rel;
	uint64_t tramp;

	p->tramp_state = -1;
	err = tg_kread_open(why, sizeof(why));
	if (err) {
		tg_setwhat(p->tramp_ev, sizeof(p->tramp_ev), "%s", why);
		return;
	}
	f = tg_fentry__open();
	if (!f) {
		tg_setwhat(p->tramp_ev, sizeof(p->tramp_ev), "opening the fentry object: %s",
			tg_errname(errno));
		return;
	}
	err = bpf_program__set_attach_target(f->progs.tg_fentry, prog_fd, "tgprobe_jit");
	tg_log_reset();
	err = err ?: tg_fentry__load(f);
	if (err) {
		tg_setwhat(p->tramp_ev, sizeof(p->tramp_ev),
			"loading fentry prog for the never-run probe prog: %s", tg_errname(-err));
		goto out;
	}
	link = bpf_program__attach_trace(f->progs.tg_fentry);
	if (!link) {
		tg_setwhat(p->tramp_ev, sizeof(p->tramp_ev),
			"attaching fentry to the never-run probe prog: %s", tg_errname(errno));
		goto out;
	}
	err = tg_prog_image_read(prog_fd, &im);
	if (err) {
		tg_setwhat(p->tramp_ev, sizeof(p->tramp_ev), "reading the patched JIT image: %s",
			tg_errname(-err));
		goto out;
	}
	if (tg_is_endbr64(im.code, im.len))
		o = 4;
	if (im.len < (uint32_t)o + 5 || im.code[o] != 0xe8) {
		tg_setwhat(p->tramp_ev, sizeof(p->tramp_ev),
			"JIT image has no `call` to a trampoline at +%d after fentry attach", o);
		goto out;
	}
	memcpy(&rel, im.code + o + 1, 4);
	tramp = im.addr + o + 5 + (int64_t)rel;
	err = tg_kread(tramp, buf, sizeof(buf));
	if (err) {
		tg_setwhat(p->tramp_ev, sizeof(p->tramp_ev),
			"bpf_probe_read_kernel of the trampoline at %#llx: %s",
			(unsigned long long)tramp, tg_errname(-err));
		goto out;
	}
	n = tg_disasm(buf, sizeof(buf), tramp, in, TG_MAX_INSNS, true);
	for (int i = 0; i < n && i < 8; i++)
		if (in[i].size == 1 && in[i].bytes[0] == 0x55) {
			rbp = i;
			break;
		}
	if (rbp < 0) {
		tg_setwhat(p->tramp_ev, sizeof(p->tramp_ev),
			"trampoline has no `push rbp` prologue");
		goto out;
	}
	/* 2b5dcb31a19a: BPF_TRAMP_F_TAIL_CALL_CTX saves rax right after sub rsp */
	p->tramp_state = 0;
	for (int i = rbp + 1; i < n && i <= rbp + 4; i++) {
		if (in[i].size == 1 && in[i].bytes[0] == 0x50) {
			p->tramp_state = 1;
			tg_insns_text(seq, sizeof(seq), in, rbp, i + 1);
			break;
		}
	}
	if (!p->tramp_state)
		tg_insns_text(seq, sizeof(seq), in, rbp, rbp + 5 < n ? rbp + 5 : n);
	tg_setwhat(p->tramp_ev, sizeof(p->tramp_ev), "fentry trampoline `%s`: %s", seq,
		p->tramp_state ? "saves rax (tail_call_cnt)" : "rax (tail_call_cnt) not saved");
out:
	tg_prog_image_free(&im);
	bpf_link__destroy(link);
	tg_fentry__destroy(f);
}
