// SPDX-License-Identifier: GPL-2.0
/*
 * freplace_panic: no loaded EXT prog ever reaches bpf_prog_map_compatible()'s
 * body (rule 1, EINVAL, which also keeps rule 4: no attached EXT prog reaches
 * resolve_prog_type()).
 *
 * On kernels with 4a9c7bbe2ed4 + 1c123c567fb1 but without f7866c358733 /
 * fdad456cbcca, resolve_prog_type() reads aux->dst_prog->type for an EXT
 * prog, and dst_prog is NULL once the freplace is attached: putting an
 * attached freplace into a PROG_ARRAY dereferences NULL in
 * bpf_prog_map_compatible().  docs/module.md audits every caller.
 *
 * The guard answers "incompatible" (-> EINVAL, upstream's errno) for every
 * EXT prog that has an id, whatever its dst_prog: it reads nothing that a
 * concurrent first attach can change between our check and the kernel's
 * use.  The only caller that passes an EXT prog without an id is
 * bpf_check_tail_call() while that prog is being loaded, when dst_prog is
 * still set; cpumap and devmap pass XDP progs only.  The map owner is never
 * recorded from an EXT prog, as upstream's prog_fd_array_get_ptr() tests
 * EXT first.
 */
#include <linux/bpf.h>
#include <linux/delay.h>
#include <linux/filter.h>
#include "compat.h"
#include "hook.h"
#include "tailguard.h"

#define TG_PANIC (&tg_mit_freplace_panic)

/* bpf_prog_map_compatible(map, fp) */
static void *tg_panic_compat(struct pt_regs *regs)
{
	const struct bpf_map *map = (const struct bpf_map *)tg_arg1(regs);
	const struct bpf_prog *fp = (const struct bpf_prog *)tg_arg2(regs);
	struct tg_event ev;	/* tg_rule_hit() fills it */
	bool refuse;

#ifdef TG_BREAK_DSTPROG
	/*
	 * Test build only (make module TG_BREAK=dstprog): v1's guard, which
	 * let an EXT prog through while its dst_prog was set and so left the
	 * kernel to read dst_prog again, with the window widened past a
	 * single-threaded TCG time slice so that race_first_attach can see
	 * the first attach clear it in between.
	 */
	if (fp->type == BPF_PROG_TYPE_EXT && READ_ONCE(fp->aux->dst_prog)) {
		mdelay(150);
		return NULL;
	}
#endif
	if (fp->type != BPF_PROG_TYPE_EXT || !READ_ONCE(fp->aux->id) ||
	    !tg_mit_active(TG_PANIC))
		return NULL;
	refuse = tg_rule_hit(TG_PANIC, TG_RULE_EXT_IN_ARRAY, fp, 0, map, &ev);
	tg_event_log(&ev);
	return refuse ? tg_refuse_false : NULL;
}

static const struct tg_hook tg_panic_hooks[] = {
	{ .func = "bpf_prog_map_compatible", .entry = tg_panic_compat,
	  .refuses = true },
};

static const struct tg_hook_table tg_panic_table = {
	.owner = TG_MIT_NAME_PANIC,
	.hooks = tg_panic_hooks,
	.nr = ARRAY_SIZE(tg_panic_hooks),
};

struct tg_mitigation tg_mit_freplace_panic = {
	.name = TG_MIT_NAME_PANIC,
	.avail = TG_PANIC_BUG ? TG_AVAIL_VULNERABLE :
		 TG_PANIC_NA ? TG_AVAIL_NOT_APPLICABLE : TG_AVAIL_FIXED,
	.why = TG_PANIC_WHY,
	.table = TG_PANIC_BUG ? &tg_panic_table : NULL,
	/* letting it through would crash the kernel on the spot */
	.audit_blocks = true,
	.enabled = true,
};
