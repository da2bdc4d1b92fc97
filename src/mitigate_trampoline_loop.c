// SPDX-License-Identifier: GPL-2.0
/*
 * trampoline_loop: a policy, off by default (policy_trampoline_loop=audit
 * or enforce).  The bug (fixed upstream by 2b5dcb31a19a, v6.7, 6.1.72) is
 * in the x86-64 BPF trampoline: a subprog reached with tail_call_cnt in
 * RAX gets RAX clobbered by an fentry/fexit trampoline in front of it, so
 * a tail call from that subprog back to its caller starts counting again
 * and never reaches the limit of 33.  The JIT's code is out of reach; its
 * precondition can be refused instead:
 *
 *   rule: refuse to attach an fentry or fexit prog to a subprog (not the
 *   main prog) from which a tail call is reachable (EINVAL, the errno of
 *   bpf_check_attach_target() for a target it will not trampoline).
 *
 * The main prog is safe: its prologue zeroes the counter after the
 * trampoline's call site, and a tail call into it enters past both.  A
 * subprog reaches a tail call when it holds one (its code has a
 * BPF_JMP | BPF_TAIL_CALL, as fixup_bpf_calls() left it) or calls one
 * that does: the verifier marks those callers tail_call_reachable
 * (check_max_stack_depth() marks the frames below the one holding the
 * tail call, not that one; jit_subprogs() copies the mark into
 * func[i]->aux).  Tail-calling progs without bpf2bpf calls, and fentry on
 * subprogs that reach no tail call, stay allowed.
 *
 * The hook is the entry of bpf_trampoline_link_prog(prog or link, tr),
 * called by bpf_tracing_prog_attach() with prog->aux->dst_mutex held and
 * prog->aux->dst_prog still set: a tracing prog aimed at a BPF prog
 * attaches once, to the target it was loaded against (BPF_LINK_CREATE
 * takes a new target for EXT progs only, and a re-attach needs a kernel
 * target).  tr->func.addr is the JITed function the trampoline will sit
 * in front of; which of dst_prog's functions that is says whether it is a
 * subprog.  A refusal makes the call return -EINVAL: the attach cleans up
 * its link on its normal error path, and dst_prog stays for a retry.
 *
 * Where the fix is in (BPF_TRAMP_F_TAIL_CALL_CTX in the headers: the
 * trampoline saves and restores the counter), nothing is hooked.
 */
#include <linux/bpf.h>
#include <linux/filter.h>
#include "compat.h"
#include "hook.h"
#include "tailguard.h"

#define TG_TRAMP (&tg_mit_trampoline_loop)

#if defined(TG_HAVE_TAIL_CALL_REACHABLE) && defined(TG_HAVE_DST_PROG) && \
	!defined(TG_HAVE_TRAMP_TAIL_CALL_CTX)

/* bpf_trampoline_link_prog(link, tr) since 5.19, (prog, tr) before */
static __always_inline struct bpf_prog *tg_tramp_prog(struct pt_regs *regs)
{
#ifdef TG_HAVE_TRAMP_LINK
	return ((struct bpf_tramp_link *)tg_arg1(regs))->link.prog;
#else
	return (struct bpf_prog *)tg_arg1(regs);
#endif
}

/*
 * Does @fn tail-call itself?  The verifier marks tail_call_reachable only
 * on the callers of a subprog with a tail call (check_max_stack_depth()
 * marks the frames below it), not on that subprog: read its code, where
 * fixup_bpf_calls() left each tail call as one BPF_JMP | BPF_TAIL_CALL.
 */
static bool tg_tramp_has_tail_call(const struct bpf_prog *fn)
{
	u32 i;

	for (i = 0; i < fn->len; i++)
		if (fn->insnsi[i].code == (BPF_JMP | BPF_TAIL_CALL))
			return true;
	return false;
}

/* Is the function of @tgt at @addr a subprog from which a tail call is reachable? */
static bool tg_tramp_tc_subprog(const struct bpf_prog *tgt, const void *addr)
{
	u32 i, n = READ_ONCE(tgt->aux->func_cnt);

	/* func[0] is the main prog: safe, see above */
	for (i = 1; i < n; i++) {
		const struct bpf_prog *fn = tgt->aux->func[i];

		if (fn->bpf_func == addr)
			return fn->aux->tail_call_reachable ||
			       tg_tramp_has_tail_call(fn);
	}
	return false;
}

static void *tg_tramp_link(struct pt_regs *regs)
{
	const struct bpf_prog *prog = tg_tramp_prog(regs);
	const struct bpf_trampoline *tr = (const void *)tg_arg2(regs);
	const struct bpf_prog *tgt;
	struct tg_event ev;	/* tg_rule_hit() fills it */
	bool refuse;

	if (prog->type != BPF_PROG_TYPE_TRACING)
		return NULL;
	/* set until this attach succeeds; the caller holds dst_mutex */
	tgt = prog->aux->dst_prog;
	/* a BPF prog target: its trampoline's key is its id << 32 | btf id */
	if (!tgt || (u32)(tr->key >> 32) != tgt->aux->id ||
	    !tg_tramp_tc_subprog(tgt, tr->func.addr) || !tg_mit_active(TG_TRAMP))
		return NULL;
	refuse = tg_rule_hit(TG_TRAMP, TG_RULE_TRAMP_TAILCALL, prog,
			     tgt->aux->id, NULL, &ev);
	tg_event_log(&ev);
	return refuse ? tg_refuse_einval : NULL;
}

static const struct tg_hook tg_tramp_hooks[] = {
	{ .func = "bpf_trampoline_link_prog", .entry = tg_tramp_link,
	  .refuses = true },
};

static const struct tg_hook_table tg_tramp_table = {
	.owner = TG_MIT_NAME_TRAMP,
	.hooks = tg_tramp_hooks,
	.nr = ARRAY_SIZE(tg_tramp_hooks),
};

struct tg_mitigation tg_mit_trampoline_loop = {
	.name = TG_MIT_NAME_TRAMP,
	.avail = TG_AVAIL_VULNERABLE,
	.why = "no BPF_TRAMP_F_TAIL_CALL_CTX: a trampoline on a subprog clobbers tail_call_cnt (2b5dcb31a19a is not in this kernel)",
	.table = &tg_tramp_table,
	.policy_param = TG_PARAM_POLICY_TRAMP,
	.policy = TG_MODE_OFF,
	.enabled = true,
};

#elif defined(TG_HAVE_TRAMP_TAIL_CALL_CTX)

struct tg_mitigation tg_mit_trampoline_loop = {
	.name = TG_MIT_NAME_TRAMP,
	.avail = TG_AVAIL_FIXED,
	.why = "BPF_TRAMP_F_TAIL_CALL_CTX: the trampoline keeps tail_call_cnt (2b5dcb31a19a is in this kernel)",
	.policy_param = TG_PARAM_POLICY_TRAMP,
	.policy = TG_MODE_OFF,
	.enabled = true,
};

#else

struct tg_mitigation tg_mit_trampoline_loop = {
	.name = TG_MIT_NAME_TRAMP,
	.avail = TG_AVAIL_NOT_APPLICABLE,
	.why = "no bpf_prog_aux::tail_call_reachable or dst_prog: no tail calls in subprogs to lose the count of",
	.policy_param = TG_PARAM_POLICY_TRAMP,
	.policy = TG_MODE_OFF,
	.enabled = true,
};

#endif
