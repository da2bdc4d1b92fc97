// SPDX-License-Identifier: GPL-2.0
/*
 * freplace_loop: CVE-2024-47794, the tail-call infinite loop through
 * freplace (upstream fix d6083f040d5d).  The fixed kernel's rules:
 *
 *  1. an EXT prog never enters a PROG_ARRAY			EINVAL
 *  2. a prog extended by an attached freplace never enters one	EBUSY
 *  3. a freplace never attaches to a PROG_ARRAY member		EBUSY
 *
 * Every decision reads what the kernel itself then uses:
 *
 *  - "extended" is read from the target's code.  Attaching a freplace
 *    pokes a jmp over the 5-byte nop at the start of the replaced
 *    function (bpf_arch_text_poke(BPF_MOD_JUMP)); detaching pokes the nop
 *    back.  A prog is extended while any of its functions starts with
 *    that jmp (or with the int3 of a poke in progress), so links made
 *    before the module loaded, or still settling, count by construction.
 *  - "member" is the number of PROG_ARRAY slots holding the prog.  Every
 *    slot change goes through prog_array_map_poke_run(map, key, old, new),
 *    called under the array's poke_mutex right after the slot is written,
 *    and is counted there.  An array whose slots were not all counted yet
 *    is counted whole at its first change (or by the walk at load), under
 *    that same mutex, so no change is counted twice or missed.
 *  - A decision whose effect the kernel has not made visible yet (an
 *    insert allowed, slot not written; an attach allowed, jmp not poked)
 *    is held in the prog's entry until it is, as a ticket of the deciding
 *    task.  Both sides decide under the state lock, as upstream decides
 *    under ext_mutex: "member?" and "extended?" are never both answered
 *    "no" for one prog.
 *
 * Hooks:
 *  bpf_prog_map_compatible	entry: rule 1 on the very prog the kernel
 *				checks, before its body can read dst_prog;
 *				a refusal answers "incompatible" (EINVAL)
 *  prog_fd_array_get_ptr	entry: replaced, as a livepatch would, by
 *				tg_loop_get_ptr(): the kernel's own function
 *				(reached through the gate below), then rule 2
 *				on the prog it returns, with EBUSY, as the
 *				fixed kernel's prog_fd_array_get_ptr() does
 *  tailguard_orig_get_ptr	the gate into the kernel's function, past
 *				its ftrace call site
 *  prog_array_map_poke_run	entry: the slot change, counted
 *  prog_array_map_free		entry: the array is gone
 *  bpf_trampoline_link_prog	entry: rule 3; return: the attach is done
 */
#include <linux/bpf.h>
#include <linux/err.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include "compat.h"
#include "hook.h"
#include "selftest.h"
#include "state.h"
#include "tailguard.h"

#define TG_LOOP (&tg_mit_freplace_loop)

/*
 * Test builds only (make module TG_BREAK=walk|mode, never DKMS): switch one
 * fix off, so that the race test that guards it can be seen to fail.
 *   walk: PROG_ARRAY slots of before the load never counted (no walk, an
 *         array is not counted whole at its first change)
 *   mode: slot changes counted in enforce mode only (v1's audit hole)
 *   dstprog: freplace_panic's v1 check-then-use guard (its file says more)
 */
#if defined(TG_BREAK_WALK) || defined(TG_BREAK_MODE) || \
	defined(TG_BREAK_DSTPROG)
#warning "tailguard: test build with a fix switched off (TG_BREAK)"
#endif

#if TG_LOOP_CODE

/* all PROG_ARRAYs of before the load are counted: rule 3 can decide */
static bool tg_loop_ready;
/* a slot change could not be counted (no memory): rule 3 refuses all */
static bool tg_loop_lost;

/* --- "extended": read from the code ------------------------------------------ */

#define TG_OP_JMP32	0xe9	/* a freplace: jmp to the extension */
#define TG_OP_INT3	0xcc	/* a text_poke_bp() in progress */

/*
 * The image of a prog is mapped while the prog lives, and every caller
 * holds a reference to it (the caller's own, or a slot's): read it.
 */
static bool tg_func_patched(const void *func)
{
	const u8 *ip = func;
	u32 first;
	u8 op;

	memcpy(&first, ip, sizeof(first));	/* one unaligned load */
	if (first == TG_ENDBR64)
		ip += TG_ENDBR_SIZE;
	op = READ_ONCE(*ip);
	return op == TG_OP_JMP32 || op == TG_OP_INT3;
}

/* Is any function of @prog replaced by a freplace right now? */
static bool tg_prog_extended(const struct bpf_prog *prog)
{
	u32 i, n = prog->aux->func_cnt;

	if (!prog->jited)	/* freplace targets JITed progs only */
		return false;
	if (!n)
		return tg_func_patched(prog->bpf_func);
	for (i = 0; i < n; i++)
		if (tg_func_patched(prog->aux->func[i]->bpf_func))
			return true;
	return false;
}

/* --- tickets ------------------------------------------------------------------ */

/* @t's decision is visible in the kernel now, or void: drop what it held. */
static void tg_ticket_close(struct tg_ticket *t)
{
	struct tg_prog_state *st = t->st ?: tg_state_find(t->id);

	if (st) {
		if (t->kind == TG_TICKET_INSERT)
			st->ins_pending--;
		else
			st->ext_pending--;
		tg_state_put(st);
	}
	tg_ticket_free(t);
}

/* --- insert: prog_fd_array_get_ptr(map, map_file, fd) ------------------- */

/* bpf_prog_map_compatible(map, fp): rule 1, before the body reads fp */
static void *tg_loop_compat(struct pt_regs *regs)
{
	struct bpf_map *map = (struct bpf_map *)tg_arg1(regs);
	struct bpf_prog *fp = (struct bpf_prog *)tg_arg2(regs);
	struct tg_event ev;
	bool refuse;

	/* no id: the prog being loaded (bpf_check_tail_call()) */
	if (fp->type != BPF_PROG_TYPE_EXT ||
	    map->map_type != BPF_MAP_TYPE_PROG_ARRAY ||
	    !READ_ONCE(fp->aux->id) || !tg_mit_active(TG_LOOP))
		return NULL;
	refuse = tg_rule_hit(TG_LOOP, TG_RULE_EXT_IN_ARRAY, fp, 0, map, &ev);
	tg_event_log(&ev);
	return refuse ? tg_refuse_false : NULL;
}

/* the body of the kernel's prog_fd_array_get_ptr(), past its ftrace site */
static unsigned long tg_get_ptr_body;

static void *tg_loop_gate(struct pt_regs *regs)
{
	return (void *)tg_get_ptr_body;
}

/*
 * Rule 2 on @prog, which the kernel's prog_fd_array_get_ptr() just
 * returned for @map: 0, and a ticket that the slot change closes, or the
 * errno of a refusal.
 */
static int tg_loop_insert(struct bpf_map *map, struct bpf_prog *prog)
{
	struct tg_event ev;	/* tg_rule_hit() fills it */
	struct tg_prog_state *st;
	struct tg_ticket *t;
	u32 id = prog->aux->id;
	int err = 0;

	ev.mit = NULL;
	tg_state_lock();
	/* cannot be: every allowed update reaches its slot change */
	t = tg_ticket_find(TG_TICKET_INSERT);
	if (t)
		tg_ticket_close(t);
	t = tg_ticket_new(TG_TICKET_INSERT, id);
	if (!t) {
		tg_state_unlock();
		pr_err_ratelimited("freplace_loop: refused a PROG_ARRAY update of prog %u: %d updates in flight already\n",
				   id, TG_TICKETS);
		return -EBUSY;	/* fail closed: not tracked */
	}
	st = tg_state_get(id, GFP_ATOMIC);
	/* the slot change must not need memory it cannot fail for */
	if (st && !tg_array_known(map)) {
		t->spare = tg_array_alloc(GFP_ATOMIC);
		if (!t->spare) {
			tg_state_put(st);
			st = NULL;
		}
	}
	if (!st) {
		err = -ENOMEM;
	} else if ((st->ext_pending || tg_prog_extended(prog)) &&
		   tg_mit_active(TG_LOOP) &&
		   tg_rule_hit(TG_LOOP, TG_RULE_EXTENDED_IN_ARRAY, prog, 0, map,
			       &ev)) {
		err = -EBUSY;
	}
	if (err) {
		tg_ticket_free(t);
		tg_state_put(st);
	} else {
		st->ins_pending++;
		tg_state_put(st);
		t->st = st;
	}
	tg_state_unlock();
	tg_event_log(&ev);
	return err;
}

/*
 * The fixed kernel's prog_fd_array_get_ptr() (d6083f040d5d): the kernel's
 * own lookup and compatibility check, then "extended?" on the prog they
 * return.  Called instead of the kernel's function, with its arguments.
 */
static void *tg_loop_get_ptr(struct bpf_map *map, struct file *map_file,
			     int fd)
{
	struct bpf_prog *prog = tailguard_orig_get_ptr(map, map_file, fd);
	int err;

	if (IS_ERR(prog))
		return prog;
	err = tg_loop_insert(map, prog);
	if (err) {
		bpf_prog_put(prog);
		return ERR_PTR(err);
	}
	return prog;
}

static void *tg_loop_get_ptr_entry(struct pt_regs *regs)
{
	return tg_loop_get_ptr;
}

/* --- slot changes ---------------------------------------------------------- */

static void tg_count_lost(void)
{
	if (!READ_ONCE(tg_loop_lost)) {
		WRITE_ONCE(tg_loop_lost, true);
		pr_err("freplace_loop: lost count of a PROG_ARRAY slot (out of memory): every freplace attach is refused from now on\n");
	}
}

/* Undo the counts of @map's slots below @n (tg_count_array() failed). */
static void tg_uncount_array(struct bpf_map *map, u32 n)
{
	struct bpf_array *array = container_of(map, struct bpf_array, map);
	struct tg_prog_state *st;
	struct bpf_prog *prog;
	u32 i;

	for (i = 0; i < n; i++) {
		prog = READ_ONCE(array->ptrs[i]);
		st = prog ? tg_state_find(prog->aux->id) : NULL;
		if (st && st->slots) {
			st->slots--;
			tg_state_put(st);
		}
	}
}

/*
 * Count every slot of @map: first sight of it, poke_mutex held, so no
 * slot changes meanwhile.  All or nothing: on failure nothing is counted
 * and @map stays unknown.  @spare, if not NULL, is a record allocated in
 * advance (tg_loop_insert()), taken over here.
 */
static int tg_count_array(struct bpf_map *map, gfp_t gfp,
			  struct tg_array **spare)
{
	struct bpf_array *array = container_of(map, struct bpf_array, map);
	struct tg_prog_state *st;
	struct bpf_prog *prog;
	struct tg_array *a;
	u32 i;

	/* the state lock is held: never a sleeping allocation for it */
	if (spare && *spare) {
		a = *spare;
		*spare = NULL;
	} else {
		a = tg_array_alloc(GFP_ATOMIC);
		if (!a)
			return -ENOMEM;
	}
	for (i = 0; i < map->max_entries; i++) {
		prog = READ_ONCE(array->ptrs[i]);
		if (!prog)
			continue;
		st = tg_state_get(prog->aux->id, gfp);
		if (!st) {
			tg_uncount_array(map, i);
			kfree(a);
			return -ENOMEM;
		}
		st->prog = prog;
		st->slots++;
		tg_state_put(st);
		if (prog->type == BPF_PROG_TYPE_EXT)
			tg_violation(TG_LOOP, "EXT prog %u is in PROG_ARRAY %u",
				     prog->aux->id, map->id);
		if (gfpflags_allow_blocking(gfp) && !(i & 255)) {
			tg_state_unlock();
			cond_resched();
			tg_state_lock();
		}
	}
	tg_array_install(a, map);
	return 0;
}

/* prog_array_map_poke_run(map, key, old, new), under poke_mutex */
static void *tg_loop_poke_run(struct pt_regs *regs)
{
	struct bpf_map *map = (struct bpf_map *)tg_arg1(regs);
	struct bpf_prog *old = (struct bpf_prog *)tg_arg3(regs);
	struct bpf_prog *new = (struct bpf_prog *)tg_arg4(regs);
	struct tg_prog_state *st;
	struct tg_ticket *t;

	tg_state_lock();
	/* the insert that decided @new, if any */
	t = new ? tg_ticket_find(TG_TICKET_INSERT) : NULL;
	if (t && t->id != new->aux->id)
		t = NULL;
#ifdef TG_BREAK_MODE
	if (READ_ONCE(tg_mode) != TG_MODE_ENFORCE)
		goto ticket;
#endif
#ifdef TG_BREAK_WALK
	if (!tg_array_known(map) && tg_array_add(map, GFP_ATOMIC))
		tg_count_lost();
#endif
	if (!tg_array_known(map)) {
		/* the slots already hold @new: count them as they are */
		if (tg_count_array(map, GFP_ATOMIC, t ? &t->spare : NULL))
			tg_count_lost();
	} else {
		if (new) {
			st = tg_state_get(new->aux->id, GFP_ATOMIC);
			if (st) {
				st->prog = new;
				st->slots++;
				tg_state_put(st);
			} else
				tg_count_lost();
		}
		if (old) {
			st = tg_state_find(old->aux->id);
			if (st && st->slots) {
				st->slots--;
				tg_state_put(st);
			} else {
				tg_count_lost();
			}
		}
	}
#ifdef TG_BREAK_MODE
ticket:
#endif
	if (t)
		tg_ticket_close(t);
	tg_state_unlock();
	return NULL;
}

/* prog_array_map_free(map): every slot is empty by now */
static void *tg_loop_map_free(struct pt_regs *regs)
{
	tg_state_lock();
	tg_array_del((struct bpf_map *)tg_arg1(regs));
	tg_state_unlock();
	return NULL;
}

/* --- attach: bpf_trampoline_link_prog(link, tr[, tgt_prog]) ---------------- */

static void *tg_loop_link(struct pt_regs *regs)
{
	struct bpf_tramp_link *link = (struct bpf_tramp_link *)tg_arg1(regs);
	struct bpf_trampoline *tr = (struct bpf_trampoline *)tg_arg2(regs);
	const struct bpf_prog *prog = link->link.prog;
	struct tg_event ev = {};
	struct tg_prog_state *st;
	struct tg_ticket *t;
	void *refuse = NULL;
	bool member;
	u32 tgt_id;

	if (prog->type != BPF_PROG_TYPE_EXT)
		return NULL;
	/* an EXT trampoline's key is target prog id << 32 | btf id */
	tgt_id = (u32)(tr->key >> 32);

	tg_state_lock();
	st = tg_state_find(tgt_id);
	/* before the walk at load, membership is not known: say member */
	member = (st && (st->slots || st->ins_pending)) ||
		 !READ_ONCE(tg_loop_ready) || READ_ONCE(tg_loop_lost);
	if (member && tg_mit_active(TG_LOOP) &&
	    tg_rule_hit(TG_LOOP, TG_RULE_FREPLACE_TO_MEMBER, prog, tgt_id,
			NULL, &ev)) {
		refuse = tg_refuse_ebusy;
		goto out;
	}
	t = tg_ticket_find(TG_TICKET_ATTACH);
	if (t)
		tg_ticket_close(t);	/* a return we did not see */
	t = tg_ticket_new(TG_TICKET_ATTACH, tgt_id);
	st = t ? tg_state_get(tgt_id, GFP_ATOMIC) : NULL;
	if (!t || !st) {
		/* fail closed: this attach could not be tracked */
		refuse = t ? tg_refuse_enomem : tg_refuse_ebusy;
		if (t)
			tg_ticket_free(t);
		goto out;
	}
	st->ext_pending++;
	tg_state_put(st);
	t->st = st;
out:
	tg_state_unlock();
	tg_event_log(&ev);
	return refuse;
}

static void tg_loop_link_ret(struct pt_regs *regs)
{
	struct tg_ticket *t;

	tg_state_lock();
	/* done: the jmp is in the code now, or the attach failed */
	t = tg_ticket_find(TG_TICKET_ATTACH);
	if (t)
		tg_ticket_close(t);
	tg_state_unlock();
}

/*
 * Entry hooks are placed in this order (gates first) and removed in the
 * reverse: the slot change is counted before any insert can be allowed.
 */
static const struct tg_hook tg_loop_hooks[] = {
	{ .func = "bpf_prog_map_compatible", .entry = tg_loop_compat,
	  .refuses = true },
	{ .func = "prog_array_map_poke_run", .entry = tg_loop_poke_run },
	{ .func = "prog_array_map_free", .entry = tg_loop_map_free },
	{ .func = "bpf_trampoline_link_prog", .entry = tg_loop_link,
	  .refuses = true, .ret = tg_loop_link_ret },
	{ .func = "tailguard_orig_get_ptr", .entry = tg_loop_gate,
	  .refuses = true, .gate = true },
	{ .func = "prog_fd_array_get_ptr", .entry = tg_loop_get_ptr_entry,
	  .refuses = true },
};

static const struct tg_hook_table tg_loop_table = {
	.owner = TG_MIT_NAME_LOOP,
	.hooks = tg_loop_hooks,
	.nr = ARRAY_SIZE(tg_loop_hooks),
};

/* --- what exists at load ----------------------------------------------------- */

/*
 * Report every prog that is both a member and extended, by id.  st->prog
 * is alive while st->slots counts a slot holding it, which holds only
 * while every slot change is counted: not after a lost count, not once the
 * hooks are gone (disarm cancels the recheck first).
 */
static void tg_loop_check(void)
{
	struct tg_prog_state *st;
	unsigned long idx;

	if (READ_ONCE(tg_loop_lost))
		return;
	tg_state_lock();
	tg_state_for_each(st, idx)
		if (st->slots && tg_prog_extended(st->prog))
			tg_violation(TG_LOOP, "prog %u is in a PROG_ARRAY and extended by a freplace",
				     st->id);
	tg_state_unlock();
}

/* Operations that were inside a hooked function at load are done by now. */
static void tg_loop_recheck(struct work_struct *work)
{
	tg_loop_check();
}

static DECLARE_DELAYED_WORK(tg_loop_recheck_work, tg_loop_recheck);

/* Before the hooks: where the gate enters the kernel's get_ptr. */
static int tg_loop_prepare(void)
{
	unsigned long fn = tg_lookup_symbol("prog_fd_array_get_ptr");

	tg_get_ptr_body = fn ? tg_past_fentry(fn) : 0;
	if (!tg_get_ptr_body) {
		pr_err("cannot arm freplace_loop: prog_fd_array_get_ptr %s\n",
		       fn ? "does not start with an ftrace call site" :
		       "not found (needs kprobes)");
		return -ENOENT;
	}
	return 0;
}

/*
 * Count the slots of every PROG_ARRAY of before the load.  The hooks are in
 * place: an array changed since is counted by its first change, one changed
 * during the walk by whichever of the two comes first under its poke_mutex.
 */
static int tg_loop_arm(void)
{
	unsigned long fn = tg_lookup_symbol("bpf_map_get_curr_or_next");
	unsigned int arrays = 0;
	struct bpf_array *array;
	struct bpf_map *map;
	int ret = 0;
	u32 id;

	if (!fn) {
		pr_err("cannot arm freplace_loop: bpf_map_get_curr_or_next not found (needs kprobes) to read the PROG_ARRAYs of before the load\n");
		return -ENOENT;
	}
	for (id = 0; !ret; id++) {
#ifdef TG_BREAK_WALK
		break;
#endif
		map = (struct bpf_map *)tg_call_gate(fn, (unsigned long)&id);
		if (!map)
			break;
		if (map->map_type == BPF_MAP_TYPE_PROG_ARRAY) {
			array = container_of(map, struct bpf_array, map);
			mutex_lock(&array->aux->poke_mutex);
			tg_state_lock();
			if (!tg_array_known(map))
				ret = tg_count_array(map, GFP_KERNEL, NULL);
			tg_state_unlock();
			mutex_unlock(&array->aux->poke_mutex);
			arrays++;
		}
		bpf_map_put(map);
		cond_resched();
	}
	tg_call_gate_close();
	if (ret) {
		pr_err("cannot arm freplace_loop: out of memory reading the PROG_ARRAYs of before the load\n");
		return ret;
	}
	WRITE_ONCE(tg_loop_ready, true);
	pr_info("freplace_loop: %u prog arrays and %u tracked progs at load\n",
		arrays, tg_state_count());
	tg_loop_check();
	schedule_delayed_work(&tg_loop_recheck_work, HZ);
	return 0;
}

static void tg_loop_disarm(void)
{
	cancel_delayed_work_sync(&tg_loop_recheck_work);
	WRITE_ONCE(tg_loop_ready, false);
	WRITE_ONCE(tg_loop_lost, false);
}

#define TG_LOOP_TABLE	(&tg_loop_table)
#define TG_LOOP_PREPARE	tg_loop_prepare
#define TG_LOOP_ARM	tg_loop_arm
#define TG_LOOP_DISARM	tg_loop_disarm

#else /* !TG_LOOP_CODE: 5.10, nothing to arm */

#define TG_LOOP_TABLE	NULL
#define TG_LOOP_PREPARE	NULL
#define TG_LOOP_ARM	NULL
#define TG_LOOP_DISARM	NULL

#endif /* TG_LOOP_CODE */

struct tg_mitigation tg_mit_freplace_loop = {
	.name = TG_MIT_NAME_LOOP,
	.avail = TG_LOOP_BUG ? TG_AVAIL_VULNERABLE :
		 TG_LOOP_NA ? TG_AVAIL_NOT_APPLICABLE : TG_AVAIL_FIXED,
	.why = TG_LOOP_WHY,
	.table = TG_LOOP_BUG ? TG_LOOP_TABLE : NULL,
	.prepare = TG_LOOP_PREPARE,
	.arm = TG_LOOP_ARM,
	.disarm = TG_LOOP_DISARM,
	.enabled = true,
};
