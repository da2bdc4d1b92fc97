// SPDX-License-Identifier: GPL-2.0
/*
 * tailguard CLI: x86-64 disassembly (libcapstone).  Code is only read,
 * from JIT images and kernel memory, never run.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "disasm.h"

static csh tg_cs;
static bool tg_cs_ok;

static bool cs_ready(void)
{
	if (tg_cs_ok)
		return true;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &tg_cs) != CS_ERR_OK)
		return false;
	cs_option(tg_cs, CS_OPT_DETAIL, CS_OPT_ON);
	tg_cs_ok = true;
	return true;
}

bool tg_is_endbr64(const uint8_t *p, size_t len)
{
	return len >= 4 && p[0] == 0xf3 && p[1] == 0x0f && p[2] == 0x1e && p[3] == 0xfa;
}

/*
 * Disassemble up to max instructions.  ENDBR64 (IBT kernels) is recognised
 * even where the disassembler does not know it.  Stops at an undecodable
 * byte, or after a ret when stop_at_ret.  Returns the count.
 */
int tg_disasm(const uint8_t *code, size_t len, uint64_t addr,
	      struct tg_insn *out, int max, bool stop_at_ret)
{
	cs_insn *ci;
	size_t off = 0;
	int n = 0;

	if (!cs_ready())
		return 0;
	ci = cs_malloc(tg_cs);
	if (!ci)
		return 0;
	while (off < len && n < max) {
		const uint8_t *p = code + off;
		size_t left = len - off;
		uint64_t a = addr + off;
		struct tg_insn *o = &out[n];

		memset(o, 0, sizeof(*o));
		o->addr = a;
		if (tg_is_endbr64(p, left)) {
			o->size = 4;
			memcpy(o->bytes, p, 4);
			snprintf(o->text, sizeof(o->text), "endbr64");
		} else if (cs_disasm_iter(tg_cs, &p, &left, &a, ci)) {
			o->size = ci->size;
			memcpy(o->bytes, ci->bytes, ci->size > 16 ? 16 : ci->size);
			snprintf(o->text, sizeof(o->text), "%.31s%s%.60s", ci->mnemonic,
				 ci->op_str[0] ? " " : "", ci->op_str);
		} else {
			break;
		}
		off += o->size;
		n++;
		if (stop_at_ret && o->size == 1 && o->bytes[0] == 0xc3)
			break;
	}
	cs_free(ci, 1);
	return n;
}

bool tg_insn_is(const struct tg_insn *i, const uint8_t *b, int len)
{
	return i->size == len && !memcmp(i->bytes, b, len);
}

void tg_insns_text(char *buf, size_t len, const struct tg_insn *in, int from, int to)
{
	size_t o = 0;

	buf[0] = 0;
	for (int i = from; i < to && o + 1 < len; i++) {
		const struct tg_insn *x = &in[i];

		/* short jcc/jmp: print the displacement, not a kernel address */
		if (x->size == 2 && ((x->bytes[0] >= 0x70 && x->bytes[0] <= 0x7f) ||
				     x->bytes[0] == 0xeb)) {
			char mn[16];

			sscanf(x->text, "%15s", mn);
			o += snprintf(buf + o, len - o, "%s%s %+d", i > from ? "; " : "", mn,
				      (int8_t)x->bytes[1]);
		} else {
			o += snprintf(buf + o, len - o, "%s%s", i > from ? "; " : "", x->text);
		}
	}
	if (o >= len && len > 4)
		strcpy(buf + len - 4, "...");
}

/*
 * Decode in[0..n) again with capstone's operand details into d[0..n):
 * an insn that capstone does not decode (endbr64) is left zeroed.
 */
int tg_disasm_detail(const struct tg_insn *in, int n, struct tg_dinsn *d)
{
	cs_insn *ci;

	if (!cs_ready())
		return -ENOMEM;
	ci = cs_malloc(tg_cs);
	if (!ci)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		const uint8_t *c = in[i].bytes;
		size_t l = in[i].size;
		uint64_t a = in[i].addr;

		memset(&d[i], 0, sizeof(d[i]));
		if (!cs_disasm_iter(tg_cs, &c, &l, &a, ci) || !ci->detail)
			continue;
		d[i].id = ci->id;
		d[i].nops = ci->detail->x86.op_count > 4 ? 4 : ci->detail->x86.op_count;
		memcpy(d[i].ops, ci->detail->x86.operands, d[i].nops * sizeof(cs_x86_op));
	}
	cs_free(ci, 1);
	return 0;
}
