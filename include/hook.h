/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ftrace hook engine shared by every mitigation (src/hook.c).
 *
 * A hook is either
 *  - an entry hook: @entry runs at the function's entry and the function
 *    then runs unchanged (no IPMODIFY, coexists with livepatches), or
 *  - a redirect hook: the call is sent to @redirect (IPMODIFY) when @pre is
 *    NULL or returns true.  @redirect runs in the module; it may call the
 *    original through tg_hook_orig(): calls from inside the module are never
 *    redirected.  Every @redirect must end with tg_hook_leave().
 */
#ifndef TG_HOOK_H
#define TG_HOOK_H

#include <linux/ftrace.h>
#include <linux/ptrace.h>
#include <linux/atomic.h>

struct tg_hook {
	const char *name;			/* kernel symbol */
	void (*entry)(struct pt_regs *regs);
	bool (*pre)(struct pt_regs *regs);
	void *redirect;
	bool calls_orig;	/* @redirect calls the original: IBT check */
	bool from_module;	/* redirect calls made by the module too */

	/* engine-private */
	unsigned long orig;
	atomic_long_t hits;
	bool registered;
	struct ftrace_ops ops;
};

int tg_hook_selftest(void);
int tg_hook_check_ibt(struct tg_hook *hook);
int tg_hooks_register(struct tg_hook **hooks, int nr);
void tg_hooks_unregister(struct tg_hook **hooks, int nr);
void tg_hooks_drain(void);
unsigned long tg_lookup_symbol(const char *name);

extern atomic_t tg_hook_inflight;

static __always_inline unsigned long tg_hook_orig(struct tg_hook *hook)
{
	return READ_ONCE(hook->orig);
}

static __always_inline void tg_hook_leave(void)
{
	atomic_dec(&tg_hook_inflight);
}

#endif /* TG_HOOK_H */
