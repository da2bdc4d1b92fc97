// SPDX-License-Identifier: GPL-2.0
/*
 * tailguard CLI: the kernel text probe (freplace_panic) - how
 * bpf_prog_map_compatible() resolves an EXT prog's type, read with
 * tg_kread and disassembled.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tailguard.h"
#include "disasm.h"

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
		tg_setwhat(p->ev, sizeof(p->ev), "kernel-text check is x86-64 only");
		return;
	}
	if (k->saved_dst_off < 0 || k->dst_prog_off < 0 || k->prog_aux_off < 0) {
		tg_setwhat(p->ev, sizeof(p->ev), "no BTF offsets of bpf_prog/bpf_prog_aux fields");
		return;
	}
	err = tg_ksym_range("bpf_prog_map_compatible", &start, &size);
	if (err) {
		tg_setwhat(p->ev, sizeof(p->ev),
			"bpf_prog_map_compatible not in /proc/kallsyms: %s",
			tg_errname(-err));
		return;
	}
	if (size > 2048)
		size = 2048;
	if (tg_kread_open(why, sizeof(why))) {
		tg_setwhat(p->ev, sizeof(p->ev), "%s", why);
		return;
	}
	buf = malloc(size);
	if (!buf)
		return;
	err = tg_kread(start, buf, size);
	if (err) {
		tg_setwhat(p->ev, sizeof(p->ev),
			"reading bpf_prog_map_compatible: %s", tg_errname(-err));
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
		tg_setwhat(p->ev, sizeof(p->ev),
			"bpf_prog_map_compatible() reads bpf_prog_aux.saved_dst_prog_type (+%#lx): fdad456cbcca present",
			k->saved_dst_off);
	} else if (dst_checked && !dst_unchecked) {
		p->state = 2;
		tg_setwhat(p->ev, sizeof(p->ev),
			"bpf_prog_map_compatible() NULL-tests bpf_prog_aux.dst_prog (+%#lx): f7866c358733 present, fdad456cbcca absent",
			k->dst_prog_off);
	} else if (dst_unchecked && !saved && !dst_checked) {
		p->state = 0;
		tg_setwhat(p->ev, sizeof(p->ev),
			"bpf_prog_map_compatible() dereferences bpf_prog_aux.dst_prog (+%#lx) without a NULL test: f7866c358733 absent",
			k->dst_prog_off);
	} else {
		tg_setwhat(p->ev, sizeof(p->ev),
			"bpf_prog_map_compatible(): resolve_prog_type() pattern not recognised (saved %d, dst_prog tested %d/untested %d/unclear %d)",
			saved, dst_checked, dst_unchecked, dst_unknown);
	}
out:
	free(buf);
}
