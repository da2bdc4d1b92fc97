// SPDX-License-Identifier: GPL-2.0
/*
 * tailguard hook engine: ftrace, by name, IPMODIFY only where a call is
 * redirected, PERMANENT so that kernel.ftrace_enabled=0 cannot silently
 * disarm a mitigation, recursion-safe, notrace throughout.
 *
 * This is the only object built with the compiler's ftrace instrumentation,
 * for the sake of tailguard_selftest_target(); everything else here is
 * notrace.
 */
#include <linux/module.h>
#include <linux/kprobes.h>
#include <linux/delay.h>
#include <linux/rcupdate.h>
#include "compat.h"
#include "hook.h"

atomic_t tg_hook_inflight = ATOMIC_INIT(0);
static bool tg_hooks_stopping;

static notrace bool tg_is_endbr(unsigned long addr)
{
	u32 insn;

	if (copy_from_kernel_nofault(&insn, (void *)addr, sizeof(insn)))
		return false;
	return insn == TG_ENDBR64;
}

/*
 * ftrace reports the address of the __fentry__ call: the symbol itself, or
 * symbol + 4 behind the ENDBR64 of an IBT kernel.  Calls must go to the
 * symbol, which is where an indirect call must land under IBT.
 */
static notrace unsigned long tg_func_start(unsigned long ip)
{
	if (IS_ENABLED(CONFIG_X86_KERNEL_IBT) &&
	    tg_is_endbr(ip - TG_ENDBR_SIZE))
		return ip - TG_ENDBR_SIZE;
	return ip;
}

static void notrace tg_ftrace_cb(unsigned long ip, unsigned long parent_ip,
				 struct ftrace_ops *ops, tg_fregs_t *fregs)
{
	struct tg_hook *hook = container_of(ops, struct tg_hook, ops);
	struct pt_regs *regs = tg_ftrace_regs(fregs);
	int bit;

	bit = tg_recursion_trylock(ip, parent_ip);
	if (bit < 0)
		return;
	if (unlikely(!regs))
		goto out;

	atomic_long_inc(&hook->hits);
	if (hook->entry)
		hook->entry(regs);

	if (!hook->redirect || READ_ONCE(tg_hooks_stopping))
		goto out;
	/* our own call of the original: let it run */
	if (!hook->from_module && within_module(parent_ip, THIS_MODULE))
		goto out;
	if (hook->pre && !hook->pre(regs))
		goto out;
	if (!READ_ONCE(hook->orig))
		WRITE_ONCE(hook->orig, tg_func_start(ip));
	atomic_inc(&tg_hook_inflight);
	instruction_pointer_set(regs, (unsigned long)hook->redirect);
out:
	tg_recursion_unlock(bit);
}

/*
 * Address of a kernel symbol without kallsyms_lookup_name() (unexported
 * since 5.7): register a kprobe on it and read back the address.  May sleep;
 * call at init only.  Returns 0 when the symbol cannot be probed.
 */
notrace unsigned long tg_lookup_symbol(const char *name)
{
	struct kprobe kp = { .symbol_name = name };
	unsigned long addr;

	if (register_kprobe(&kp) < 0)
		return 0;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	/* kprobes step over the ENDBR64 of an IBT kernel */
	return tg_func_start(addr);
}

/*
 * On an IBT kernel an indirect call must land on ENDBR64; objtool seals
 * (removes ENDBR from) functions whose address is never taken.  Refuse to
 * arm a hook whose wrapper would call such a function.
 */
notrace int tg_hook_check_ibt(struct tg_hook *hook)
{
	unsigned long addr;

	if (!tg_ibt_enforced() || !hook->calls_orig)
		return 0;
	addr = tg_lookup_symbol(hook->name);
	if (!addr) {
		pr_err("cannot hook %s: symbol not found\n", hook->name);
		return -ENOENT;
	}
	if (!tg_is_endbr(addr)) {
		pr_err("cannot hook %s: no ENDBR64 landing pad on this IBT kernel\n",
		       hook->name);
		return -EOPNOTSUPP;
	}
	return 0;
}

static notrace int tg_hook_register(struct tg_hook *hook)
{
	int ret;

	hook->ops.func = tg_ftrace_cb;
	hook->ops.flags = FTRACE_OPS_FL_SAVE_REGS | TG_FTRACE_PERMANENT;
	if (hook->redirect)
		hook->ops.flags |= FTRACE_OPS_FL_IPMODIFY;
	atomic_long_set(&hook->hits, 0);

	ret = ftrace_set_filter(&hook->ops, (unsigned char *)hook->name,
				strlen(hook->name), 1);
	if (ret) {
		pr_err("cannot hook %s: not a traceable function (%d)\n",
		       hook->name, ret);
		return ret;
	}
	ret = register_ftrace_function(&hook->ops);
	if (ret) {
		pr_err("cannot hook %s: %s (%d)\n", hook->name,
		       ret == -EBUSY ?
		       "already modified by another IPMODIFY user (a livepatch?) or ftrace disabled" :
		       "ftrace registration failed", ret);
		tg_ftrace_free_filter(&hook->ops);
		return ret;
	}
	hook->registered = true;
	return 0;
}

static notrace void tg_hook_unregister(struct tg_hook *hook)
{
	if (!hook->registered)
		return;
	/* klp order: stop the calls, then drop the filter */
	unregister_ftrace_function(&hook->ops);
	tg_ftrace_free_filter(&hook->ops);
	hook->registered = false;
}

/* All or nothing: on failure every hook placed so far is removed again. */
notrace int tg_hooks_register(struct tg_hook **hooks, int nr)
{
	int i, ret;

	WRITE_ONCE(tg_hooks_stopping, false);
	for (i = 0; i < nr; i++) {
		ret = tg_hook_register(hooks[i]);
		if (ret) {
			while (--i >= 0)
				tg_hook_unregister(hooks[i]);
			tg_hooks_drain();
			return ret;
		}
	}
	return 0;
}

notrace void tg_hooks_unregister(struct tg_hook **hooks, int nr)
{
	int i;

	/* new calls run the originals from now on */
	WRITE_ONCE(tg_hooks_stopping, true);
	for (i = nr - 1; i >= 0; i--)
		tg_hook_unregister(hooks[i]);
}

/*
 * Wait until no task runs module code reached through a redirect.  After
 * unregister_ftrace_function() no callback runs; a task already sent to a
 * wrapper is counted in tg_hook_inflight until its tg_hook_leave(), and
 * synchronize_rcu_tasks() covers the few instructions after it (a task
 * preempted there is not in a tasks-RCU quiescent state).
 */
notrace void tg_hooks_drain(void)
{
	while (atomic_read(&tg_hook_inflight))
		msleep(20);
	synchronize_rcu_tasks();
}

/* --- self-test --------------------------------------------------------- */

static atomic_t tg_selftest_entries = ATOMIC_INIT(0);

/* The one traced function of the module.  Never called when the hook works. */
static noinline int tailguard_selftest_target(int x)
{
	barrier();
	return x + 1;
}

static notrace void tg_selftest_entry(struct pt_regs *regs)
{
	if (regs->di == 41)
		atomic_inc(&tg_selftest_entries);
}

static notrace noinline int tg_selftest_redirect(int x)
{
	tg_hook_leave();
	return x ^ 0x7467;
}

static struct tg_hook tg_selftest_hook = {
	.name = "tailguard_selftest_target",
	.entry = tg_selftest_entry,
	.redirect = tg_selftest_redirect,
	.from_module = true,
};

/*
 * Prove that ftrace reaches our callback and that an IPMODIFY redirect takes
 * effect, before anything is armed (LKRG's verify-kprobes pattern).
 */
notrace int tg_hook_selftest(void)
{
	int (*fn)(int) = tailguard_selftest_target;
	struct tg_hook *hooks[] = { &tg_selftest_hook };
	int ret, got;

	/* no constant propagation into a .constprop clone of the target */
	OPTIMIZER_HIDE_VAR(fn);

	ret = tg_hooks_register(hooks, 1);
	if (ret) {
		pr_err("self-test failed: cannot hook the module's own test function (%d)\n",
		       ret);
		return ret;
	}
	got = fn(41);
	tg_hooks_unregister(hooks, 1);
	tg_hooks_drain();
	if (got != (41 ^ 0x7467) || atomic_read(&tg_selftest_entries) != 1) {
		pr_err("self-test failed: ftrace hook did not fire (got %d, %d entries)\n",
		       got, atomic_read(&tg_selftest_entries));
		return -ENODEV;
	}
	pr_info("self-test passed: ftrace redirect works\n");
	return 0;
}
