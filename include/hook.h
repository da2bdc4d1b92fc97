/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hook engine shared by every mitigation (src/hook.c).
 *
 * A mitigation declares its hooks in a table, the way livepatch declares
 * its klp_func arrays.  A hook never calls the function it hooks: it
 *
 *  - looks at the arguments at entry (@entry, an ftrace callback) and may
 *    make the function return at once with the value of a module stub
 *    that it names, as the kernel's error injection does; and/or
 *  - looks at the result at return (@ret, a kretprobe handler), where it
 *    may replace the return value.
 *
 * So no hooked function is ever called through a pointer, and an IBT
 * kernel's sealed functions cannot refuse us.  Several tables may hook one
 * function: the engine places one ftrace_ops (and one kretprobe) per
 * function and runs the tables' handlers in table order; the first entry
 * handler that refuses wins.  A set of tables is placed all or nothing.
 *
 * Handlers run with preemption disabled and must not sleep.
 */
#ifndef TG_HOOK_H
#define TG_HOOK_H

#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>

struct tg_hook {
	const char *func;			/* kernel function, by name */
	/*
	 * NULL: let the call run; else a refusal stub, whose value the
	 * function returns at once.  @refuses: it may refuse (IPMODIFY).
	 */
	void *(*entry)(struct pt_regs *regs);
	bool refuses;
	/*
	 * A gate: @func is a module function (src/selftest.c) whose calls
	 * @entry sends on into the kernel.  Gates are placed before every
	 * other hook and removed after them, once no task can be between a
	 * hook and the gate it calls.
	 */
	bool gate;
	void (*ret)(struct pt_regs *regs);	/* regs_return_value() */
};

struct tg_hook_table {
	const char *owner;			/* for messages */
	const struct tg_hook *hooks;
	unsigned int nr;
};

int tg_hooks_place(const struct tg_hook_table **tables, unsigned int nr);
void tg_hooks_remove(void);
unsigned long tg_hooks_missed(void);
int tg_hooks_selftest(void);

unsigned long tg_lookup_symbol(const char *name);
unsigned long tg_past_fentry(unsigned long addr);
unsigned long tg_call_gate(unsigned long fn, unsigned long arg);
void tg_call_gate_close(void);

/* refusal stubs: return a constant, whatever the arguments */
bool tg_refuse_false(void);
int tg_refuse_ebusy(void);
int tg_refuse_enomem(void);
int tg_refuse_einval(void);

/* x86-64 argument registers */
#define tg_arg1(regs)	((regs)->di)
#define tg_arg2(regs)	((regs)->si)
#define tg_arg3(regs)	((regs)->dx)
#define tg_arg4(regs)	((regs)->cx)

#endif /* TG_HOOK_H */
