// SPDX-License-Identifier: GPL-2.0
/*
 * tailguard CLI: BPF probes, JIT/trampoline/kernel-text disassembly.
 *
 * Safety rules (issue 5): no probe executes a bug.  Programs loaded here
 * are never attached to a hook that fires, and never run, with one
 * exception: tg_kread (kread.bpf.c), a straight-line raw_tp program run
 * with BPF_PROG_TEST_RUN to copy kernel bytes with bpf_probe_read_kernel.
 * EXT programs are never attached (an attached EXT prog in a prog_array
 * update is the NULL deref of 6.1.4..6.1.102).  JIT images and trampolines
 * are read and disassembled, never executed.  Every fd is closed before
 * returning: nothing is pinned, nothing outlives the process.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tailguard.h"
#include "disasm.h"
#include "targets.skel.h"
#include "ext.skel.h"
#include "jit.skel.h"
#include "fentry.skel.h"

static void setwhat(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* ---- freplace / prog_array errno probe ---------------------------------- */

static int upd(int map_fd, uint32_t key, int prog_fd)
{
	uint32_t v = prog_fd;

	if (bpf_map_update_elem(map_fd, &key, &v, BPF_ANY))
		return errno;
	return 0;
}

/*
 * d6083f040d5d's attach-side rules, with the TC target prog tgprobe_tc,
 * a fresh 1-slot prog_array and the TC-targeted EXT prog tgprobe_ext_tc (which
 * has no tail call and is never put into any array while attached):
 *   1. tgprobe_tc in the array, attach tgprobe_ext_tc to it: EBUSY when fixed;
 *   2. tgprobe_ext_tc attached, tgprobe_tc into the array:   EBUSY when fixed.
 * On an unfixed kernel both succeed; nothing is ever run, and links and
 * slots are undone at once.  This is the loop's real precondition (a prog
 * both extended and a prog_array member); the EXT-into-array EINVAL alone
 * is only the public detector's proxy.
 */
static void probe_ebusy(struct tg_freplace_probe *p, struct tg_targets *t, struct tg_ext *e)
{
	int tgt = bpf_program__fd(t->progs.tgprobe_tc);
	struct bpf_link *l;
	uint32_t key = 0;
	int arr, err;

	arr = bpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, "tg_probe_arr", 4, 4, 1, NULL);
	if (arr < 0) {
		setwhat(p->attach_what, sizeof(p->attach_what), "creating a prog_array: %s",
			tg_errname(errno));
		return;
	}
	err = upd(arr, 0, tgt);
	if (err) {
		setwhat(p->attach_what, sizeof(p->attach_what),
			"TC prog into an empty prog_array: %s", tg_errname(err));
		goto out;
	}
	l = bpf_program__attach_freplace(e->progs.tgprobe_ext_tc, tgt, "tg_tc_sub");
	p->e_attach_member = l ? 0 : errno;
	bpf_link__destroy(l);
	bpf_map_delete_elem(arr, &key);

	l = bpf_program__attach_freplace(e->progs.tgprobe_ext_tc, tgt, "tg_tc_sub");
	if (!l) {
		setwhat(p->attach_what, sizeof(p->attach_what),
			"attaching freplace to a prog outside any prog_array: %s", tg_errname(errno));
		goto out;
	}
	p->e_member_extended = upd(arr, 0, tgt);
	bpf_map_delete_elem(arr, &key);
	bpf_link__destroy(l);
out:
	close(arr);
}

void tg_probe_freplace(struct tg_freplace_probe *p)
{
	struct tg_targets *t = NULL;
	struct tg_ext *e = NULL;
	int err, map_fd;

	memset(p, 0, sizeof(*p));
	p->e_ext_xdp = p->e_xdp = p->e_ext_tc = -1;
	p->e_attach_member = p->e_member_extended = -1;

	tg_log_reset();
	t = tg_targets__open();
	if (!t) {
		p->err = -(errno ? errno : EINVAL);
		setwhat(p->what, sizeof(p->what), "opening the freplace target object: %s",
			tg_errname(-p->err));
		return;
	}
	/* no BPF_XDP expected_attach_type: it must not differ from the owner's */
	bpf_program__set_expected_attach_type(t->progs.tgprobe_xdp, 0);
	err = tg_targets__load(t);
	if (err) {
		p->err = err;
		setwhat(p->what, sizeof(p->what), "loading XDP/TC target progs: %s",
			tg_errname(-err));
		goto out;
	}

	e = tg_ext__open();
	if (!e) {
		p->err = -(errno ? errno : EINVAL);
		setwhat(p->what, sizeof(p->what), "opening the freplace object: %s",
			tg_errname(-p->err));
		goto out;
	}
	err = bpf_program__set_attach_target(e->progs.tgprobe_owner,
			bpf_program__fd(t->progs.tgprobe_xdp), "tg_xdp_sub");
	err = err ?: bpf_program__set_attach_target(e->progs.tgprobe_ext_xdp,
			bpf_program__fd(t->progs.tgprobe_xdp), "tg_xdp_sub");
	err = err ?: bpf_program__set_attach_target(e->progs.tgprobe_ext_tc,
			bpf_program__fd(t->progs.tgprobe_tc), "tg_tc_sub");
	if (err) {
		p->err = err;
		setwhat(p->what, sizeof(p->what), "setting freplace targets: %s", tg_errname(-err));
		goto out;
	}
	tg_log_reset();
	err = tg_ext__load(e);
	if (err) {
		p->err = err;
		setwhat(p->what, sizeof(p->what), "loading (not attaching) freplace progs: %s",
			tg_errname(-err));
		goto out;
	}

	/* Nothing below is attached or run. */
	map_fd = bpf_map__fd(e->maps.tg_jmp);
	p->e_ext_xdp = upd(map_fd, 0, bpf_program__fd(e->progs.tgprobe_ext_xdp));
	p->e_xdp = upd(map_fd, 1, bpf_program__fd(t->progs.tgprobe_xdp));
	p->e_ext_tc = upd(map_fd, 1, bpf_program__fd(e->progs.tgprobe_ext_tc));
	if (p->e_xdp == 0) {
		uint32_t one = 1;

		/* never attach an EXT prog that sits in a prog_array */
		bpf_map_delete_elem(map_fd, &one);
		probe_ebusy(p, t, e);
	}
	else
		setwhat(p->attach_what, sizeof(p->attach_what), "not run: owner type raw EXT");
out:
	tg_ext__destroy(e);
	tg_targets__destroy(t);
}

/* ---- JIT image probe ------------------------------------------------------ */

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
		setwhat(p->hier_ev, sizeof(p->hier_ev), "JIT image: no `push rbp` in the prologue");
		snprintf(p->off_ev, sizeof(p->off_ev), "%s", p->hier_ev);
		p->err = -EPROTO;
		return;
	}
	p->tc_reachable = tg_insn_is(&in[rbp - 1], xor_eax, 2) || tg_insn_is(&in[rbp - 1], xor_rax, 3);
	for (int i = rbp + 1; i < n && i < rbp + 12; i++)
		if (tg_insn_is(&in[i], push_rax, 1)) {
			rax = i;
			break;
		}
	if (!p->tc_reachable || rax < 0) {
		p->off_state = -1;
		tg_insns_text(seq, sizeof(seq), in, rbp - 1, rbp + 4 < n ? rbp + 4 : n);
		setwhat(p->hier_ev, sizeof(p->hier_ev),
			"JIT prologue not tail-call-reachable as expected: %s", seq);
		snprintf(p->off_ev, sizeof(p->off_ev), "%s", p->hier_ev);
		p->err = -EPROTO;
		return;
	}

	/* 116e04ba1459: "cmp rax, MAX_TAIL_CALL_CNT; ja" decides count vs pointer */
	p->hier_fixed = in[rax - 1].bytes[0] == 0x77;
	tg_insns_text(seq, sizeof(seq), in, rbp + 1, rax + 1);
	if (p->hier_fixed)
		setwhat(p->hier_ev, sizeof(p->hier_ev),
			"JIT prologue `%s`: tail_call_cnt passed by pointer", seq);
	else
		setwhat(p->hier_ev, sizeof(p->hier_ev),
			"JIT prologue `%s`: tail_call_cnt passed by value, no `ja` pointer test", seq);

	/* ff672c67ee76: tail_call_cnt load before a bpf2bpf call, 4-byte stack */
	for (int i = rax + 1; i < n; i++)
		if (in[i].size == 5 && in[i].bytes[0] == 0xe8) {
			call = i;
			break;
		}
	p->off_state = -1;
	if (call < 0) {
		setwhat(p->off_ev, sizeof(p->off_ev), "JIT image: no bpf2bpf `call` found");
		return;
	}
	for (int i = call - 1; i > rax && i >= call - 4; i--) {
		const struct tg_insn *m = &in[i];

		if (m->size == 7 && m->bytes[0] == 0x48 && m->bytes[1] == 0x8b &&
		    m->bytes[2] == 0x85) {
			int32_t disp;

			memcpy(&disp, m->bytes + 3, 4);
			p->off_state = (disp & 7) ? 0 : 1;
			setwhat(p->off_ev, sizeof(p->off_ev),
				"JIT: `%s` before a bpf2bpf call with a 4-byte stack: %s offset",
				m->text, p->off_state ? "8-byte aligned" : "misaligned");
			return;
		}
	}
	setwhat(p->off_ev, sizeof(p->off_ev),
		"JIT: no `mov rax, [rbp-N]` tail_call_cnt load before the bpf2bpf call");
}

static void analyse_trampoline(struct tg_jit_probe *p, int prog_fd)
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
		setwhat(p->tramp_ev, sizeof(p->tramp_ev), "%s", why);
		return;
	}
	f = tg_fentry__open();
	if (!f) {
		setwhat(p->tramp_ev, sizeof(p->tramp_ev), "opening the fentry object: %s",
			tg_errname(errno));
		return;
	}
	err = bpf_program__set_attach_target(f->progs.tg_fentry, prog_fd, "tg_jit_entry");
	tg_log_reset();
	err = err ?: tg_fentry__load(f);
	if (err) {
		setwhat(p->tramp_ev, sizeof(p->tramp_ev),
			"loading fentry prog for the never-run probe prog: %s", tg_errname(-err));
		goto out;
	}
	link = bpf_program__attach_trace(f->progs.tg_fentry);
	if (!link) {
		setwhat(p->tramp_ev, sizeof(p->tramp_ev),
			"attaching fentry to the never-run probe prog: %s", tg_errname(errno));
		goto out;
	}
	err = tg_prog_image_read(prog_fd, &im);
	if (err) {
		setwhat(p->tramp_ev, sizeof(p->tramp_ev), "reading the patched JIT image: %s",
			tg_errname(-err));
		goto out;
	}
	if (tg_is_endbr64(im.code, im.len))
		o = 4;
	if (im.len < (uint32_t)o + 5 || im.code[o] != 0xe8) {
		setwhat(p->tramp_ev, sizeof(p->tramp_ev),
			"JIT image has no `call` to a trampoline at +%d after fentry attach", o);
		goto out;
	}
	memcpy(&rel, im.code + o + 1, 4);
	tramp = im.addr + o + 5 + (int64_t)rel;
	err = tg_kread(tramp, buf, sizeof(buf));
	if (err) {
		setwhat(p->tramp_ev, sizeof(p->tramp_ev),
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
		setwhat(p->tramp_ev, sizeof(p->tramp_ev), "trampoline has no `push rbp` prologue");
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
	setwhat(p->tramp_ev, sizeof(p->tramp_ev), "fentry trampoline `%s`: %s", seq,
		p->tramp_state ? "saves rax (tail_call_cnt)" : "rax (tail_call_cnt) not saved");
out:
	tg_prog_image_free(&im);
	bpf_link__destroy(link);
	tg_fentry__destroy(f);
}

void tg_probe_jit(struct tg_jit_probe *p)
{
	struct tg_jit *j;
	struct tg_prog_image im;
	int err, fd;

	memset(p, 0, sizeof(*p));
	p->off_state = p->tramp_state = -1;
	tg_log_reset();
	j = tg_jit__open_and_load();
	if (!j) {
		p->err = -(errno ? errno : EINVAL);
		if (strstr(tg_log_text(), "tail_calls are not allowed"))
			p->no_tailcall_bpf2bpf = true;
		setwhat(p->what, sizeof(p->what), "loading the tail-call + bpf2bpf probe prog: %s",
			tg_errname(-p->err));
		return;
	}
	fd = bpf_program__fd(j->progs.tg_jit_entry);
	err = tg_prog_image_read(fd, &im);
	if (err) {
		p->err = err;
		if (err == -ENODATA) {
			p->not_jited = true;
			setwhat(p->what, sizeof(p->what), "probe prog not JITed (bpf_jit_enable=0?)");
		} else if (err == -EACCES) {
			setwhat(p->what, sizeof(p->what),
				"JIT image not readable (kptr_restrict / bpf_dump_raw_ok)");
		} else {
			setwhat(p->what, sizeof(p->what), "reading the JIT image: %s", tg_errname(-err));
		}
		goto out;
	}
	analyse_prologue(p, &im);
	tg_prog_image_free(&im);
	if (p->err) {
		setwhat(p->what, sizeof(p->what), "%s", p->hier_ev);
		goto out;
	}
	analyse_trampoline(p, fd);
out:
	tg_jit__destroy(j);
}

/* ---- kernel text of bpf_prog_map_compatible() ------------------------------ */

/* registers currently believed to hold fp->aux (tg_probe_ktext) */
static x86_reg aux_regs[8];

static bool aux_reg_has(x86_reg r)
{
	for (int i = 0; i < 8; i++)
		if (r != X86_REG_INVALID && aux_regs[i] == r)
			return true;
	return false;
}

static void aux_reg_del(x86_reg r)
{
	for (int i = 0; i < 8; i++)
		if (aux_regs[i] == r)
			aux_regs[i] = X86_REG_INVALID;
}

static void aux_reg_add(x86_reg r)
{
	for (int i = 0; i < 8; i++)
		if (aux_regs[i] == X86_REG_INVALID) {
			aux_regs[i] = r;
			return;
		}
}

static bool op_is_reg(const cs_x86_op *op, x86_reg r)
{
	return op->type == X86_OP_REG && op->reg == r;
}

/*
 * After `mov R, [aux + dst_prog]`: is R NULL-tested (f7866c358733) before
 * it is dereferenced (4a9c7bbe2ed4: `dst_prog->type` unconditionally)?
 * Returns 1 tested, 0 dereferenced untested, -1 unknown.
 */
static int dst_prog_checked(const struct tg_dinsn *d, int n, int i, x86_reg r)
{
	for (int j = i + 1; j < n && j <= i + 8; j++) {
		const struct tg_dinsn *x = &d[j];

		if ((x->id == X86_INS_TEST && x->nops == 2 && op_is_reg(&x->ops[0], r) &&
		     op_is_reg(&x->ops[1], r)) ||
		    (x->id == X86_INS_CMP && x->nops == 2 && op_is_reg(&x->ops[0], r) &&
		     x->ops[1].type == X86_OP_IMM && x->ops[1].imm == 0))
			return 1;
		for (int o = 0; o < x->nops; o++)
			if (x->ops[o].type == X86_OP_MEM && x->ops[o].mem.base == r)
				return 0;
		if (x->nops && op_is_reg(&x->ops[0], r) && x->id != X86_INS_CMP &&
		    x->id != X86_INS_TEST && x->id != X86_INS_PUSH)
			return -1;	/* overwritten */
		if (x->id == X86_INS_JMP || x->id == X86_INS_RET || x->id == X86_INS_CALL)
			return -1;
	}
	return -1;
}

/*
 * Read bpf_prog_map_compatible() (which inlines resolve_prog_type()) and
 * see how it resolves an EXT prog's type, using BTF offsets:
 *   aux->saved_dst_prog_type             fdad456cbcca (panic fixed)
 *   aux->dst_prog, NULL-tested           f7866c358733 (panic fixed)
 *   aux->dst_prog, dereferenced at once  4a9c7bbe2ed4 (panic NOT fixed)
 * A register "holds fp->aux" after a 64-bit load from [reg + offsetof(
 * bpf_prog, aux)] until it is written again; only accesses based on such
 * a register count.  Control flow is ignored: a heuristic, so each result
 * names what it saw.
 */
void tg_probe_ktext(const struct tg_kernel *k, struct tg_ktext_probe *p)
{
	static struct tg_insn in[TG_MAX_INSNS];
	static struct tg_dinsn d[TG_MAX_INSNS];
	uint64_t start = 0, size = 0;
	uint8_t *buf = NULL;
	char why[160];
	int err, n, saved = 0, dst_checked = 0, dst_unchecked = 0, dst_unknown = 0;

	memset(p, 0, sizeof(*p));
	p->state = -1;
	memset(aux_regs, 0, sizeof(aux_regs));	/* X86_REG_INVALID == 0 */
	if (strcmp(k->machine, "x86_64")) {
		setwhat(p->ev, sizeof(p->ev), "kernel-text check is x86-64 only");
		return;
	}
	if (k->saved_dst_off < 0 || k->dst_prog_off < 0 || k->prog_aux_off < 0) {
		setwhat(p->ev, sizeof(p->ev), "no BTF offsets of bpf_prog/bpf_prog_aux fields");
		return;
	}
	err = tg_ksym_range("bpf_prog_map_compatible", &start, &size);
	if (err) {
		setwhat(p->ev, sizeof(p->ev), "bpf_prog_map_compatible not in /proc/kallsyms: %s",
			tg_errname(-err));
		return;
	}
	if (size > 2048)
		size = 2048;
	if (tg_kread_open(why, sizeof(why))) {
		setwhat(p->ev, sizeof(p->ev), "%s", why);
		return;
	}
	buf = malloc(size);
	if (!buf)
		return;
	err = tg_kread(start, buf, size);
	if (err) {
		setwhat(p->ev, sizeof(p->ev), "reading bpf_prog_map_compatible: %s", tg_errname(-err));
		goto out;
	}
	n = tg_disasm(buf, size, start, in, TG_MAX_INSNS, false);
	if (tg_disasm_detail(in, n, d))
		goto out;
	for (int i = 0; i < n; i++) {
		const struct tg_dinsn *x = &d[i];
		const char *mark = "";

		for (int j = 0; j < x->nops; j++) {
			const cs_x86_op *op = &x->ops[j];

			if (op->type != X86_OP_MEM || !aux_reg_has(op->mem.base))
				continue;
			if (op->mem.disp == k->saved_dst_off && op->size == 4) {
				saved++;
				mark = "   <- aux->saved_dst_prog_type";
			}
			if (op->mem.disp == k->dst_prog_off && op->size == 8 && j == 1 &&
			    x->id == X86_INS_MOV && x->ops[0].type == X86_OP_REG) {
				switch (dst_prog_checked(d, n, i, x->ops[0].reg)) {
				case 1:
					dst_checked++;
					mark = "   <- aux->dst_prog, NULL-tested";
					break;
				case 0:
					dst_unchecked++;
					mark = "   <- aux->dst_prog, dereferenced untested";
					break;
				default:
					dst_unknown++;
					mark = "   <- aux->dst_prog";
				}
			}
		}
		/*
		 * A pop restores a callee-saved register in the epilogue of
		 * one path; the code after it (reached by a jump from before
		 * the epilogue) still sees the register's earlier value.
		 * Seen on KASAN builds, where an early return sits between
		 * the load of fp->aux and the read of aux->dst_prog.
		 */
		if (x->nops >= 1 && x->ops[0].type == X86_OP_REG && x->id != X86_INS_CMP &&
		    x->id != X86_INS_TEST && x->id != X86_INS_PUSH && x->id != X86_INS_POP) {
			x86_reg dreg = x->ops[0].reg;

			aux_reg_del(dreg);
			if (x->id == X86_INS_MOV && x->nops == 2 && x->ops[1].type == X86_OP_MEM &&
			    x->ops[1].size == 8 && x->ops[1].mem.disp == k->prog_aux_off &&
			    x->ops[1].mem.index == X86_REG_INVALID) {
				aux_reg_add(dreg);
				if (!*mark)
					mark = "   <- fp->aux";
			}
		}
		if (tg_verbose > 1)
			fprintf(stderr, "ktext: %#llx: %s%s\n", (unsigned long long)in[i].addr,
				in[i].text, mark);
	}
	if (saved && !dst_unchecked) {
		p->state = 1;
		setwhat(p->ev, sizeof(p->ev),
			"bpf_prog_map_compatible() reads bpf_prog_aux.saved_dst_prog_type (+%#lx): fdad456cbcca present",
			k->saved_dst_off);
	} else if (dst_checked && !dst_unchecked) {
		p->state = 2;
		setwhat(p->ev, sizeof(p->ev),
			"bpf_prog_map_compatible() NULL-tests bpf_prog_aux.dst_prog (+%#lx): f7866c358733 present, fdad456cbcca absent",
			k->dst_prog_off);
	} else if (dst_unchecked && !saved && !dst_checked) {
		p->state = 0;
		setwhat(p->ev, sizeof(p->ev),
			"bpf_prog_map_compatible() dereferences bpf_prog_aux.dst_prog (+%#lx) without a NULL test: f7866c358733 absent",
			k->dst_prog_off);
	} else {
		setwhat(p->ev, sizeof(p->ev),
			"bpf_prog_map_compatible(): resolve_prog_type() pattern not recognised (saved %d, dst_prog tested %d/untested %d/unclear %d)",
			saved, dst_checked, dst_unchecked, dst_unknown);
	}
out:
	free(buf);
}
