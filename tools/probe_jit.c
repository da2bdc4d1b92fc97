// SPDX-License-Identifier: GPL-2.0
/*
 * tailguard CLI: the JIT image probe (tailcall_hierarchy, tailcall_cnt_offset)
 * - the x86-64 prologue and the bpf2bpf call of a tail-call-reachable prog
 * that is loaded and never run.  The trampoline_loop check on the same prog
 * is in probe_fentry.c.
 *
 * tailguard's policy tailcall_hierarchy (enforce) refuses that prog: its
 * tail call is in a subprog.  The refusal is told apart from any other
 * EINVAL by the policy's "probes" counter, and the probe then reads the
 * same prologue and bpf2bpf call from jitm.bpf.c, which has its tail call
 * in the main prog and which the policy allows.  The trampoline check has
 * no such variant (it needs a tail call in a subprog): not probed then.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "tailguard.h"
#include "disasm.h"
#include "jit.skel.h"
#include "jitm.skel.h"

static void analyse_prologue(struct tg_jit_probe *p, const struct tg_prog_image *im)
{
	static struct tg_insn in[TG_MAX_INSNS];
	static const uint8_t push_rbp[] = { 0x55 }, push_rax[] = { 0x50 };
	static const uint8_t xor_eax[] = { 0x31, 0xc0 }, xor_rax[] = { 0x48, 0x31, 0xc0 };
	char seq[160];
	int n, rbp = -1, rax = -1, call = -1;

	n = tg_disasm(im->code, im->len, im->addr, in, TG_MAX_INSNS, false);
	for (int i = 0; i < n && i < 8; i++)
		if (tg_insn_is(&in[i], push_rbp, 1)) {
			rbp = i;
			break;
		}
	if (rbp < 1) {
		p->off_state = -1;
		tg_setwhat(p->hier_ev, sizeof(p->hier_ev),
			"JIT image: no `push rbp` in the prologue");
		tg_setwhat(p->off_ev, sizeof(p->off_ev), "%s", p->hier_ev);
		p->err = -EPROTO;
		return;
	}
	p->tc_reachable = tg_insn_is(&in[rbp - 1], xor_eax, 2) ||
			    tg_insn_is(&in[rbp - 1], xor_rax, 3);
	for (int i = rbp + 1; i < n && i < rbp + 12; i++)
		if (tg_insn_is(&in[i], push_rax, 1)) {
			rax = i;
			break;
		}
	if (!p->tc_reachable || rax < 0) {
		p->off_state = -1;
		tg_insns_text(seq, sizeof(seq), in, rbp - 1, rbp + 4 < n ? rbp + 4 : n);
		tg_setwhat(p->hier_ev, sizeof(p->hier_ev),
			"JIT prologue not tail-call-reachable as expected: %s", seq);
		tg_setwhat(p->off_ev, sizeof(p->off_ev), "%s", p->hier_ev);
		p->err = -EPROTO;
		return;
	}

	/* 116e04ba1459: "cmp rax, MAX_TAIL_CALL_CNT; ja" decides count vs pointer */
	p->hier_fixed = in[rax - 1].bytes[0] == 0x77;
	tg_insns_text(seq, sizeof(seq), in, rbp + 1, rax + 1);
	if (p->hier_fixed)
		tg_setwhat(p->hier_ev, sizeof(p->hier_ev),
			"JIT prologue `%s`: tail_call_cnt passed by pointer", seq);
	else
		tg_setwhat(p->hier_ev, sizeof(p->hier_ev),
			"JIT prologue `%s`: tail_call_cnt passed by value, no `ja` pointer test", seq);

	/* ff672c67ee76: tail_call_cnt load before a bpf2bpf call, 4-byte stack */
	for (int i = rax + 1; i < n; i++)
		if (in[i].size == 5 && in[i].bytes[0] == 0xe8) {
			call = i;
			break;
		}
	p->off_state = -1;
	if (call < 0) {
		tg_setwhat(p->off_ev, sizeof(p->off_ev), "JIT image: no bpf2bpf `call` found");
		return;
	}
	for (int i = call - 1; i > rax && i >= call - 4; i--) {
		const struct tg_insn *m = &in[i];

		if (m->size == 7 && m->bytes[0] == 0x48 && m->bytes[1] == 0x8b &&
		    m->bytes[2] == 0x85) {
			int32_t disp;

			memcpy(&disp, m->bytes + 3, 4);
			p->off_state = (disp & 7) ? 0 : 1;
			tg_setwhat(p->off_ev, sizeof(p->off_ev),
				"JIT: `%s` before a bpf2bpf call with a 4-byte stack: %s offset",
				m->text, p->off_state ? "8-byte aligned" : "misaligned");
			return;
		}
	}
	tg_setwhat(p->off_ev, sizeof(p->off_ev),
		"JIT: no `mov rax, [rbp-N]` tail_call_cnt load before the bpf2bpf call");
}

static int read_image(struct tg_jit_probe *p, int fd, struct tg_prog_image *im)
{
	int err = tg_prog_image_read(fd, im);

	if (err) {
		p->err = err;
		if (err == -ENODATA) {
			p->not_jited = true;
			tg_setwhat(p->what, sizeof(p->what),
				"probe prog not JITed (bpf_jit_enable=0?)");
		} else if (err == -EACCES) {
			tg_setwhat(p->what, sizeof(p->what),
				"JIT image not readable (kptr_restrict / bpf_dump_raw_ok)");
		} else {
			tg_setwhat(p->what, sizeof(p->what),
				"reading the JIT image: %s", tg_errname(-err));
		}
	}
	return err;
}

/* the policy refused jit.bpf.c: the prologue and the call of jitm.bpf.c */
static void probe_jit_allowed(struct tg_jit_probe *p)
{
	struct tg_jitm *j;
	struct tg_prog_image im;

	p->policy_refused = true;
	tg_setwhat(p->tramp_ev, sizeof(p->tramp_ev),
		"not probed: the fentry probe needs a tail call in a subprog, which tailguard's policy " TG_MIT_NAME_HIER " refuses");
	tg_log_reset();
	j = tg_jitm__open_and_load();
	if (!j) {
		p->err = -(errno ? errno : EINVAL);
		tg_setwhat(p->what, sizeof(p->what),
			"loading the main-prog tail-call + bpf2bpf probe prog (the policy refused the subprog one): %s",
			tg_errname(-p->err));
		return;
	}
	if (!read_image(p, bpf_program__fd(j->progs.tgprobe_jitm), &im)) {
		analyse_prologue(p, &im);
		tg_prog_image_free(&im);
		if (p->err)
			tg_setwhat(p->what, sizeof(p->what), "%s", p->hier_ev);
	}
	tg_jitm__destroy(j);
}

void tg_probe_jit(struct tg_jit_probe *p)
{
	struct tg_jit *j;
	struct tg_prog_image im;
	long long probes = tg_module_probes(TG_MIT_NAME_HIER);
	int err, fd;

	memset(p, 0, sizeof(*p));
	p->off_state = p->tramp_state = -1;
	tg_log_reset();
	j = tg_jit__open_and_load();
	if (!j) {
		p->err = -(errno ? errno : EINVAL);
		/* refused by the policy, which counts its refusals of our probes */
		if (p->err == -EINVAL && probes >= 0 &&
		    tg_module_probes(TG_MIT_NAME_HIER) > probes) {
			p->err = 0;
			probe_jit_allowed(p);
			return;
		}
		if (strstr(tg_log_text(), "tail_calls are not allowed"))
			p->no_tailcall_bpf2bpf = true;
		tg_setwhat(p->what, sizeof(p->what),
			"loading the tail-call + bpf2bpf probe prog: %s",
			tg_errname(-p->err));
		return;
	}
	fd = bpf_program__fd(j->progs.tgprobe_jit);
	err = read_image(p, fd, &im);
	if (err)
		goto out;
	analyse_prologue(p, &im);
	tg_prog_image_free(&im);
	if (p->err) {
		tg_setwhat(p->what, sizeof(p->what), "%s", p->hier_ev);
		goto out;
	}
	tg_probe_fentry(p, fd);
out:
	tg_jit__destroy(j);
}
