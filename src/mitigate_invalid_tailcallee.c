// SPDX-License-Identifier: GPL-2.0
/*
 * invalid_tailcallee: a policy, off by default (policy_invalid_tailcallee=
 * audit or enforce).  The bug (fixed upstream by 1c123c567fb1, v6.2,
 * Debian 6.1.4) is the PROG_ARRAY compatibility check of 5.10:
 * bpf_prog_array_compatible() compares raw prog types, so an array owned
 * by an EXT prog (an freplace that tail-calls) takes EXT progs of every
 * target type, and an XDP-context tail call can land in a TC prog.
 *
 *   rule: an EXT prog never enters a PROG_ARRAY (EINVAL): rule 1 of
 *   freplace_loop, which every kernel since d6083f040d5d enforces too.
 *
 * Why that is enough: only an EXT-owned array can mix targets (any other
 * owner type differs from EXT, and the kernel itself refuses an EXT prog
 * there), and the raw check lets only progs of type EXT into an EXT-owned
 * array.  With rule 1 such an array stays empty: every tail call through
 * it falls through, and no EXT prog is ever a tailcallee.
 *
 * The hook is the entry of bpf_prog_array_compatible(array, fp).  Its
 * callers are bpf_check_tail_call(), for a prog being loaded (no id yet:
 * an EXT prog may own and use an array), and prog_fd_array_get_ptr(), for
 * a prog entering a slot (it has an id).  A refusal answers "incompatible":
 * the update fails with EINVAL, as the fixed kernel's does.
 *
 * Kernels with bpf_prog_map_compatible() resolve the owner type instead;
 * tailguard supports those from 6.1.4, which has 1c123c567fb1.
 */
#include <linux/bpf.h>
#include <linux/filter.h>
#include "compat.h"
#include "hook.h"
#include "tailguard.h"

#define TG_TC (&tg_mit_invalid_tailcallee)

#if defined(TG_HAVE_PROG_ARRAY_COMPATIBLE) && !defined(TG_HAVE_PROG_MAP_COMPATIBLE)

static void *tg_tc_compat(struct pt_regs *regs)
{
	struct bpf_array *array = (struct bpf_array *)tg_arg1(regs);
	const struct bpf_prog *fp = (const struct bpf_prog *)tg_arg2(regs);
	struct tg_event ev;	/* tg_rule_hit() fills it */
	bool refuse;

	/* no id: the prog being loaded (bpf_check_tail_call()) */
	if (fp->type != BPF_PROG_TYPE_EXT || !READ_ONCE(fp->aux->id) ||
	    !tg_mit_active(TG_TC))
		return NULL;
	refuse = tg_rule_hit(TG_TC, TG_RULE_EXT_IN_ARRAY, fp, 0, &array->map,
			     &ev);
	tg_event_log(&ev);
	return refuse ? tg_refuse_false : NULL;
}

static const struct tg_hook tg_tc_hooks[] = {
	{ .func = "bpf_prog_array_compatible", .entry = tg_tc_compat,
	  .refuses = true },
};

static const struct tg_hook_table tg_tc_table = {
	.owner = TG_MIT_NAME_TAILCALLEE,
	.hooks = tg_tc_hooks,
	.nr = ARRAY_SIZE(tg_tc_hooks),
};

struct tg_mitigation tg_mit_invalid_tailcallee = {
	.name = TG_MIT_NAME_TAILCALLEE,
	.avail = TG_AVAIL_VULNERABLE,
	.why = "bpf_prog_array_compatible() compares raw prog types: an EXT-owned PROG_ARRAY takes EXT progs of any target type (no 1c123c567fb1)",
	.table = &tg_tc_table,
	.policy_param = TG_PARAM_POLICY_TAILCALLEE,
	.policy = TG_MODE_OFF,
	.enabled = true,
};

#elif defined(TG_HAVE_PROG_MAP_COMPATIBLE)

struct tg_mitigation tg_mit_invalid_tailcallee = {
	.name = TG_MIT_NAME_TAILCALLEE,
	.avail = TG_AVAIL_FIXED,
	.why = "bpf_prog_map_compatible() resolves the owner type of an EXT prog (1c123c567fb1, every supported kernel with it)",
	.policy_param = TG_PARAM_POLICY_TAILCALLEE,
	.policy = TG_MODE_OFF,
	.enabled = true,
};

#else

struct tg_mitigation tg_mit_invalid_tailcallee = {
	.name = TG_MIT_NAME_TAILCALLEE,
	.avail = TG_AVAIL_NOT_APPLICABLE,
	.why = "no PROG_ARRAY compatibility check this module knows",
	.policy_param = TG_PARAM_POLICY_TAILCALLEE,
	.policy = TG_MODE_OFF,
	.enabled = true,
};

#endif
