// SPDX-License-Identifier: GPL-2.0
/*
 * tailcall_hierarchy: a policy, off by default (policy_hierarchy=audit or
 * enforce).  The tail-call hierarchy bug (fixed upstream by 116e04ba1459,
 * v6.12, never backported to 6.1) is in the x86-64 JIT: tail_call_cnt is
 * passed to subprogs by value, so a subprog that tail-calls counts on a
 * copy and the limit of 33 is reset on every return.  No hook can change
 * the code the JIT emits; its precondition can be refused instead:
 *
 *   rule: refuse to load a prog in which a tail call is reachable from a
 *   subprog other than the main one (EINVAL, the verifier's errno for
 *   "tail_calls are not allowed in programs with bpf-to-bpf calls" before
 *   5.10).  Tail calls from the main prog, and bpf2bpf calls without tail
 *   calls, stay allowed.
 *
 * The decision is the verifier's own: bpf_prog_load() calls
 * bpf_prog_select_runtime(fp, &err) right after bpf_check(), and the
 * verifier has set fp->aux->tail_call_reachable on the main prog exactly
 * when a subprog it calls (directly or not) has a tail call
 * (check_max_stack_depth(): the main prog's own tail calls do not set it;
 * 5.10, 6.1).  A refusal sends the call to tg_hier_refuse(fp, err), which
 * sets *err = -EINVAL and returns fp: bpf_prog_load() then takes the error
 * path it takes when bpf_check_tail_call() fails there
 * (__bpf_prog_put_noref(prog, func_cnt): subprogs, kallsyms, maps, the
 * prog; nothing leaks).  The prog has no id yet: the log line names it.
 *
 * Whether this kernel has the fix is a fact of its JIT, not of its headers
 * (116e04ba1459 touches arch/x86/net/bpf_jit_comp.c only), so
 * tg_hier_detect() asks the JIT at load: it compiles a two-instruction
 * prog marked tail-call-reachable (never run, never visible to userspace)
 * and reads its prologue, as `tailguard check` does.  Passed by pointer
 * (`cmp rax, MAX_TAIL_CALL_CNT; ja`): fixed-in-kernel, nothing hooked.
 * By value (`push rax`): the policy is available.  Not recognised, or no
 * JIT: available too, saying so (the policy is opt-in and only refuses).
 */
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/uaccess.h>
#include "compat.h"
#include "hook.h"
#include "tailguard.h"

#define TG_HIER (&tg_mit_tailcall_hierarchy)

#ifdef TG_HAVE_TAIL_CALL_REACHABLE

/* bpf_prog_select_runtime(), refused: bpf_prog_load() frees the prog */
static noinline struct bpf_prog *tg_hier_refuse(struct bpf_prog *fp, int *err)
{
	*err = -EINVAL;
	return fp;
}

/* bpf_prog_select_runtime(fp, err): after bpf_check(), before an id */
static void *tg_hier_select_runtime(struct pt_regs *regs)
{
	struct bpf_prog *fp = (struct bpf_prog *)tg_arg1(regs);
	struct tg_event ev;	/* tg_rule_hit() fills it */
	bool refuse;

	/* cBPF (seccomp, socket filters) and progs without subprogs: 0 */
	if (READ_ONCE(fp->aux->func_cnt) < 2 ||
	    !READ_ONCE(fp->aux->tail_call_reachable) ||
	    !tg_mit_active(TG_HIER))
		return NULL;
	refuse = tg_rule_hit(TG_HIER, TG_RULE_SUBPROG_TAILCALL, fp, 0, NULL,
			     &ev);
	tg_event_log(&ev);
	return refuse ? tg_hier_refuse : NULL;
}

static const struct tg_hook tg_hier_hooks[] = {
	{ .func = "bpf_prog_select_runtime", .entry = tg_hier_select_runtime,
	  .refuses = true },
};

static const struct tg_hook_table tg_hier_table = {
	.owner = TG_MIT_NAME_HIER,
	.hooks = tg_hier_hooks,
	.nr = ARRAY_SIZE(tg_hier_hooks),
};

enum { TG_JIT_BY_VALUE, TG_JIT_BY_POINTER, TG_JIT_UNKNOWN };

/*
 * The x86-64 prologue of a tail-call-reachable main prog with no stack:
 *   [endbr64] nop5 xor eax,eax (31 c0 | 48 31 c0) push rbp; mov rbp,rsp
 *   [endbr64] then 6.1: push rax (50)
 *              6.12: cmp rax, MAX_TAIL_CALL_CNT; ja (48 83 f8 NN 77)
 */
static int tg_hier_prologue(const u8 *c, unsigned int n)
{
	static const u8 frame[] = { 0x55, 0x48, 0x89, 0xe5 };
	static const u8 endbr[] = { 0xf3, 0x0f, 0x1e, 0xfa };
	unsigned int i, j;

	for (i = 2; i + sizeof(frame) <= min(n, 32U); i++)
		if (!memcmp(c + i, frame, sizeof(frame)))
			break;
	if (i + sizeof(frame) > min(n, 32U))
		return TG_JIT_UNKNOWN;
	if (!(c[i - 2] == 0x31 && c[i - 1] == 0xc0))
		return TG_JIT_UNKNOWN;		/* no tail-call counter set up */
	j = i + sizeof(frame);
	if (j + sizeof(endbr) <= n && !memcmp(c + j, endbr, sizeof(endbr)))
		j += sizeof(endbr);
	if (j + 5 <= n && c[j] == 0x48 && c[j + 1] == 0x83 &&
	    c[j + 2] == 0xf8 && c[j + 4] == 0x77)
		return TG_JIT_BY_POINTER;
	if (j < n && c[j] == 0x50)
		return TG_JIT_BY_VALUE;
	return TG_JIT_UNKNOWN;
}

static void tg_hier_detect(void)
{
	static const struct bpf_insn insns[] = {
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	struct bpf_prog *fp;
	u8 code[48];
	unsigned int n = 0;
	int err = 0, verdict = TG_JIT_UNKNOWN;
	bool jited;

	TG_HIER->why = "the JIT could not be asked (out of memory): treated as lacking 116e04ba1459";
	fp = bpf_prog_alloc(bpf_prog_size(ARRAY_SIZE(insns)), 0);
	if (!fp)
		return;
	/* an eBPF type: UNSPEC would be taken for classic BPF (no counter) */
	fp->type = BPF_PROG_TYPE_SCHED_CLS;
	fp->len = ARRAY_SIZE(insns);
	memcpy(fp->insnsi, insns, sizeof(insns));
	/* what the verifier sets when a subprog tail-calls: the JIT's input */
	fp->aux->tail_call_reachable = true;
	fp = bpf_prog_select_runtime(fp, &err);
	jited = !err && fp->jited;
	if (jited) {
		n = min_t(unsigned int, fp->jited_len, sizeof(code));
		if (copy_from_kernel_nofault(code, fp->bpf_func, n))
			n = 0;
		verdict = tg_hier_prologue(code, n);
	}
	bpf_prog_free(fp);

	if (verdict == TG_JIT_BY_POINTER) {
		TG_HIER->avail = TG_AVAIL_FIXED;
		TG_HIER->why = "the JIT passes tail_call_cnt to subprogs by pointer: 116e04ba1459 is in this kernel";
		TG_HIER->table = NULL;
	} else if (verdict == TG_JIT_BY_VALUE) {
		TG_HIER->why = "the JIT passes tail_call_cnt to subprogs by value: 116e04ba1459 is not in this kernel";
	} else if (!jited) {
		TG_HIER->why = "BPF JIT off at load, the fix cannot be seen: treated as lacking 116e04ba1459";
	} else {
		TG_HIER->why = "JIT prologue not recognised: treated as lacking 116e04ba1459";
	}
}

struct tg_mitigation tg_mit_tailcall_hierarchy = {
	.name = TG_MIT_NAME_HIER,
	.avail = TG_AVAIL_VULNERABLE,
	.why = "the JIT not asked: tailguard=off",
	.table = &tg_hier_table,
	.detect = tg_hier_detect,
	.policy_param = TG_PARAM_POLICY_HIER,
	.policy = TG_MODE_OFF,
	.enabled = true,
};

#else /* !TG_HAVE_TAIL_CALL_REACHABLE */

struct tg_mitigation tg_mit_tailcall_hierarchy = {
	.name = TG_MIT_NAME_HIER,
	.avail = TG_AVAIL_NOT_APPLICABLE,
	.why = "no bpf_prog_aux::tail_call_reachable: this kernel has no tail calls in subprogs",
	.policy_param = TG_PARAM_POLICY_HIER,
	.policy = TG_MODE_OFF,
	.enabled = true,
};

#endif
