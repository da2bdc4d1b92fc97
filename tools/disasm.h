/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tailguard CLI: x86-64 disassembly of JIT images, trampolines and kernel
 * text (libcapstone), for the probes.
 */
#ifndef TAILGUARD_DISASM_H
#define TAILGUARD_DISASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capstone/capstone.h>

#define TG_MAX_INSNS 512

struct tg_insn {
	uint64_t addr;
	uint16_t size;
	uint8_t bytes[16];
	char text[96];
};

int tg_disasm(const uint8_t *code, size_t len, uint64_t addr,
	      struct tg_insn *out, int max, bool stop_at_ret);
bool tg_is_endbr64(const uint8_t *p, size_t len);
/* the insn is exactly these bytes */
bool tg_insn_is(const struct tg_insn *i, const uint8_t *b, int len);
/* "push rbp; mov rbp, rsp; ..." of in[from..to) for evidence lines */
void tg_insns_text(char *buf, size_t len, const struct tg_insn *in, int from, int to);

/* an insn with capstone's x86 operand details (the first four operands) */
struct tg_dinsn {
	unsigned int id;	/* X86_INS_*, 0 when not decoded */
	uint8_t nops;
	cs_x86_op ops[4];
};

int tg_disasm_detail(const struct tg_insn *in, int n, struct tg_dinsn *d);

#endif
