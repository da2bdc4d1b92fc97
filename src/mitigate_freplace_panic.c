// SPDX-License-Identifier: GPL-2.0
/*
 * freplace_panic: rule 1 (an EXT prog never enters a PROG_ARRAY, EINVAL) and
 * rule 4 (no attached EXT prog reaches resolve_prog_type()).
 *
 * On kernels with 4a9c7bbe2ed4 + 1c123c567fb1 but without f7866c358733 /
 * fdad456cbcca, resolve_prog_type() reads aux->dst_prog->type for an EXT prog
 * and dst_prog is NULL once the freplace is attached: putting an attached
 * freplace into a PROG_ARRAY dereferences NULL in bpf_prog_map_compatible().
 * See docs/module.md for the audit of every resolve_prog_type() caller.
 *
 * Two layers:
 *  - the PROG_ARRAY get_ptr wrapper (mitigate_freplace_loop.c) asks
 *    tg_panic_refuse_ext() about an EXT fd *before* the original runs;
 *  - a guard on bpf_prog_map_compatible() itself answers "incompatible"
 *    (-> EINVAL, upstream's errno) for an EXT prog without dst_prog, whoever
 *    calls it.  It closes the window in which the fd is swapped between our
 *    check and the original's bpf_prog_get(), and covers callers we did not
 *    foresee.  It never calls into the kernel (IBT-safe by construction).
 */
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/bpf_verifier.h>
#include "compat.h"
#include "hook.h"
#include "tailguard.h"

/*
 * Rule 1.  Blocks even in audit mode where the kernel has the panic bug: the
 * update would crash the machine on the spot.  Returns true to refuse.
 */
bool tg_panic_refuse_ext(const struct bpf_prog *prog,
			 const struct bpf_map *map)
{
	if (tg_mit_active(TG_MIT_PANIC))
		return tg_verdict(TG_MIT_PANIC, TG_RULE_EXT_IN_ARRAY, prog,
				  NULL, map);
	if (tg_mit_active(TG_MIT_LOOP))
		return tg_verdict(TG_MIT_LOOP, TG_RULE_EXT_IN_ARRAY, prog,
				  NULL, map);
	return false;
}

#ifdef TG_HAVE_PROG_MAP_COMPATIBLE
/* bpf_prog_map_compatible(map, fp) */
static bool tg_compat_guard_pre(struct pt_regs *regs)
{
	const struct bpf_map *map = (const struct bpf_map *)regs->di;
	const struct bpf_prog *fp = (const struct bpf_prog *)regs->si;

	if (fp->type != BPF_PROG_TYPE_EXT || READ_ONCE(fp->aux->dst_prog))
		return false;
	if (!tg_mit_active(TG_MIT_PANIC))
		return false;
	return tg_verdict(TG_MIT_PANIC, TG_RULE_EXT_IN_ARRAY, fp, NULL, map);
}

static noinline bool tg_compat_refuse(struct bpf_map *map,
				      const struct bpf_prog *fp)
{
	tg_hook_leave();
	return false;
}

static struct tg_hook tg_compat_guard_hook __maybe_unused = {
	.name = "bpf_prog_map_compatible",
	.pre = tg_compat_guard_pre,
	.redirect = tg_compat_refuse,
};
#endif

/* Hooks freplace_panic needs on this kernel (none when it is fixed). */
int tg_panic_prepare(struct tg_hook **hooks, int *nr)
{
#if TG_PANIC_BUG
	hooks[(*nr)++] = &tg_compat_guard_hook;
	/* the get_ptr wrapper is shared with freplace_loop */
	if (!TG_LOOP_BUG)
		hooks[(*nr)++] = &tg_get_ptr_hook;
#endif
	return 0;
}
