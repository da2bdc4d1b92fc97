// SPDX-License-Identifier: GPL-2.0
/*
 * Per-prog state the unpatched kernel does not keep: how many PROG_ARRAY
 * slots hold a prog (upstream's prog_array_member_cnt) and how many freplace
 * links extend it (upstream's is_extended, counted so that two links on two
 * subprogs of one target are handled right).
 *
 * Keyed by the prog pointer, no reference held.  An entry is created on
 * first use and dropped when the prog is freed (entry hook on
 * bpf_prog_free()), before its memory can be reused, so a new prog at the
 * same address never inherits a stale entry.
 *
 * One spinlock, taken with interrupts off: bpf_prog_free() runs from RCU
 * callbacks, and older kernels update prog arrays under rcu_read_lock().
 * Every lookup is a hash lookup, by prog or by id (an freplace target is
 * known by id), so the time spent with interrupts off does not grow with
 * the number of tracked progs.
 */
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/hashtable.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include "compat.h"
#include "hook.h"
#include "tailguard.h"

#define TG_STATE_BITS	12

static DEFINE_HASHTABLE(tg_state_tab, TG_STATE_BITS);
static DEFINE_HASHTABLE(tg_state_ids, TG_STATE_BITS);
static DEFINE_SPINLOCK(tg_state_spin);
static unsigned int tg_state_nr;

unsigned long tg_state_lock(void)
	__acquires(&tg_state_spin)
{
	unsigned long flags;

	spin_lock_irqsave(&tg_state_spin, flags);
	return flags;
}

void tg_state_unlock(unsigned long flags)
	__releases(&tg_state_spin)
{
	spin_unlock_irqrestore(&tg_state_spin, flags);
}

struct tg_prog_state *tg_state_alloc(gfp_t gfp)
{
	return kzalloc(sizeof(struct tg_prog_state), gfp | __GFP_NOWARN);
}

/* Lookups and insertion: tg_state_lock() held. */
struct tg_prog_state *tg_state_find(const struct bpf_prog *prog)
{
	struct tg_prog_state *st;

	hash_for_each_possible(tg_state_tab, st, node, (unsigned long)prog)
		if (st->prog == prog)
			return st;
	return NULL;
}

struct tg_prog_state *tg_state_find_id(u32 id)
{
	struct tg_prog_state *st;

	/*
	 * The prog stays allocated while it has an entry; a dying prog's id
	 * is already 0, so a recycled id cannot match a stale entry.
	 */
	hash_for_each_possible(tg_state_ids, st, id_node, id)
		if (st->id == id && READ_ONCE(st->prog->aux->id) == id)
			return st;
	return NULL;
}

/* Find @prog's entry, or insert *@prealloc for it (and clear *@prealloc). */
struct tg_prog_state *tg_state_insert(const struct bpf_prog *prog,
				      struct tg_prog_state **prealloc)
{
	struct tg_prog_state *st = tg_state_find(prog);

	if (st || !*prealloc)
		return st;
	st = *prealloc;
	*prealloc = NULL;
	st->prog = prog;
	st->id = prog->aux->id;
	hash_add(tg_state_tab, &st->node, (unsigned long)prog);
	hash_add(tg_state_ids, &st->id_node, st->id);
	tg_state_nr++;
	return st;
}

/* Make sure @prog has an entry.  Process context with @gfp. */
int tg_state_ensure(const struct bpf_prog *prog, gfp_t gfp)
{
	struct tg_prog_state *pre = NULL, *st;
	unsigned long flags;

	flags = tg_state_lock();
	st = tg_state_find(prog);
	tg_state_unlock(flags);
	if (st)
		return 0;

	pre = tg_state_alloc(gfp);
	if (!pre)
		return -ENOMEM;
	flags = tg_state_lock();
	tg_state_insert(prog, &pre);
	tg_state_unlock(flags);
	kfree(pre);
	return 0;
}

unsigned int tg_state_count(void)
{
	return READ_ONCE(tg_state_nr);
}

/* bpf_prog_free(fp): the prog is going, its memory will be reused. */
static void tg_state_free_entry(struct pt_regs *regs)
{
	const struct bpf_prog *prog = (const struct bpf_prog *)regs->di;
	struct tg_prog_state *st;
	unsigned long flags;

	flags = tg_state_lock();
	st = tg_state_find(prog);
	if (st) {
		hash_del(&st->node);
		hash_del(&st->id_node);
		tg_state_nr--;
	}
	tg_state_unlock(flags);
	/* hooks go one by one at unload: counts are meaningless then */
	if (st && READ_ONCE(tg_mits[TG_MIT_LOOP].tracking) &&
	    (st->member_cnt > 0 || st->ext_cnt > 0))
		pr_warn_ratelimited("prog %u freed with member_cnt=%ld ext_cnt=%ld\n",
				    st->id, st->member_cnt, st->ext_cnt);
	kfree(st);
}

struct tg_hook tg_state_free_hook = {
	.name = "bpf_prog_free",
	.entry = tg_state_free_entry,
};

/* Module exit, after every hook is gone. */
void tg_state_destroy(void)
{
	struct tg_prog_state *st;
	struct hlist_node *tmp;
	unsigned long flags;
	int bkt;

	flags = tg_state_lock();
	hash_for_each_safe(tg_state_tab, bkt, tmp, st, node) {
		hash_del(&st->node);
		hash_del(&st->id_node);
		kfree(st);
	}
	tg_state_nr = 0;
	tg_state_unlock(flags);
}
