// SPDX-License-Identifier: GPL-2.0
/*
 * The state table (include/state.h): per-prog counts keyed by prog id, the
 * set of PROG_ARRAYs whose slots are all counted, and the tickets of
 * decisions in flight.  One spinlock covers all three.  Every user runs in
 * process context (syscalls, the PROG_ARRAY clear work, map free work), so
 * interrupts stay on; the hooks run with preemption disabled, so
 * allocations here are GFP_ATOMIC unless the caller may sleep.
 */
#include <linux/bpf.h>
#include <linux/hashtable.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include "state.h"
#include "tailguard.h"

#define TG_ARRAY_BITS	8
#define TG_TICKET_BITS	6
#define TG_REAP_DELAY	(10 * HZ)
#define TG_REAP_BATCH	256

/* by prog id: ids are allocated cyclically, so the tree stays dense */
static DEFINE_XARRAY(tg_progs);
static struct kmem_cache *tg_state_cache;
static bool tg_reap_queued;
static void tg_reap(struct work_struct *work);
static DECLARE_DELAYED_WORK(tg_reap_work, tg_reap);
static DEFINE_HASHTABLE(tg_arrays, TG_ARRAY_BITS);
static DEFINE_HASHTABLE(tg_tickets_busy, TG_TICKET_BITS);
static struct tg_ticket tg_tickets[TG_TICKETS];
static unsigned int tg_tickets_used;
static unsigned int tg_state_nr;
static DEFINE_SPINLOCK(tg_state_spin);

struct tg_array {
	struct hlist_node node;
	const struct bpf_map *map;
};

void tg_state_lock(void)
	__acquires(&tg_state_spin)
{
	spin_lock(&tg_state_spin);
}

void tg_state_unlock(void)
	__releases(&tg_state_spin)
{
	spin_unlock(&tg_state_spin);
}

/* --- per prog --------------------------------------------------------------- */

struct tg_prog_state *tg_state_find(u32 id)
{
	return xa_load(&tg_progs, id);
}

static struct tg_prog_state *tg_state_insert(struct tg_prog_state *new,
					     u32 id)
{
	new->id = id;
	/* the slot is there already when reserved: no allocation */
	if (xa_err(xa_store(&tg_progs, id, new, GFP_ATOMIC | __GFP_NOWARN))) {
		kmem_cache_free(tg_state_cache, new);
		return NULL;
	}
	return new;
}

/*
 * The entry of prog @id, created if needed.  May drop and retake the lock
 * to allocate when @gfp may sleep.  NULL when out of memory.
 */
struct tg_prog_state *tg_state_get(u32 id, gfp_t gfp)
	__must_hold(&tg_state_spin)
{
	struct tg_prog_state *st = tg_state_find(id), *new;

	if (st)
		return st;
	if (gfpflags_allow_blocking(gfp)) {
		tg_state_unlock();
		new = kmem_cache_zalloc(tg_state_cache, gfp);
		if (new && xa_reserve(&tg_progs, id, gfp)) {
			kmem_cache_free(tg_state_cache, new);
			new = NULL;
		}
		tg_state_lock();
		st = tg_state_find(id);
		if (st) {
			/* somebody else's meanwhile; a reservation is undone */
			if (new)
				kmem_cache_free(tg_state_cache, new);
			return st;
		}
	} else {
		new = kmem_cache_zalloc(tg_state_cache, gfp | __GFP_NOWARN);
	}
	return new ? tg_state_insert(new, id) : NULL;
}

/*
 * @st's counts changed.  An entry whose counts are all 0 stays (idle) until
 * the reaper finds it idle twice in a row.
 */
void tg_state_put(struct tg_prog_state *st)
{
	bool live;

	if (!st)
		return;
	live = st->slots || st->ins_pending || st->ext_pending;
	st->aged = false;
	if (live != st->live) {
		st->live = live;
		if (live)
			tg_state_nr++;
		else
			tg_state_nr--;
	}
	if (!live && !tg_reap_queued) {
		tg_reap_queued = true;
		schedule_delayed_work(&tg_reap_work, TG_REAP_DELAY);
	}
}

struct tg_prog_state *tg_state_next(unsigned long *idx)
{
	struct tg_prog_state *st = xa_find(&tg_progs, idx, ULONG_MAX,
					   XA_PRESENT);

	if (st)
		(*idx)++;
	return st;
}

/* Progs with a count that is not 0 (sysfs tracked_progs). */
unsigned int tg_state_count(void)
{
	return READ_ONCE(tg_state_nr);
}

/*
 * Free the entries that were idle at the last pass and still are, a batch
 * per lock hold.  Runs again while idle entries are left.
 */
static void tg_reap(struct work_struct *work)
{
	struct tg_prog_state *st;
	unsigned long idx = 0;
	bool again = false;
	unsigned int n;

	do {
		tg_state_lock();
		for (n = 0; n < TG_REAP_BATCH; n++) {
			st = xa_find(&tg_progs, &idx, ULONG_MAX, XA_PRESENT);
			if (!st)
				break;
			idx++;
			if (st->live)
				continue;
			if (!st->aged) {
				st->aged = true;
				again = true;
				continue;
			}
			xa_erase(&tg_progs, st->id);
			kmem_cache_free(tg_state_cache, st);
		}
		if (!st)
			tg_reap_queued = again;
		if (!st && again)
			schedule_delayed_work(&tg_reap_work, TG_REAP_DELAY);
		tg_state_unlock();
		cond_resched();
	} while (st);
}

/* --- PROG_ARRAYs whose every slot is counted ------------------------------ */

bool tg_array_known(const struct bpf_map *map)
{
	struct tg_array *a;

	hash_for_each_possible(tg_arrays, a, node, (unsigned long)map)
		if (a->map == map)
			return true;
	return false;
}

struct tg_array *tg_array_alloc(gfp_t gfp)
{
	return kzalloc(sizeof(struct tg_array), gfp | __GFP_NOWARN);
}

/* @map's every slot is counted now */
void tg_array_install(struct tg_array *a, const struct bpf_map *map)
{
	a->map = map;
	hash_add(tg_arrays, &a->node, (unsigned long)map);
}

int tg_array_add(const struct bpf_map *map, gfp_t gfp)
{
	struct tg_array *a = tg_array_alloc(gfp);

	if (!a)
		return -ENOMEM;
	tg_array_install(a, map);
	return 0;
}

void tg_array_del(const struct bpf_map *map)
{
	struct tg_array *a;
	struct hlist_node *tmp;

	hash_for_each_possible_safe(tg_arrays, a, tmp, node,
				    (unsigned long)map) {
		if (a->map == map) {
			hash_del(&a->node);
			kfree(a);
			return;
		}
	}
}

/* --- tickets ------------------------------------------------------------------ */

struct tg_ticket *tg_ticket_find(u8 kind)
{
	struct tg_ticket *t;

	hash_for_each_possible(tg_tickets_busy, t, node,
			       (unsigned long)current)
		if (t->task == current && t->kind == kind)
			return t;
	return NULL;
}

/* A ticket for current; NULL when TG_TICKETS tasks hold one already. */
struct tg_ticket *tg_ticket_new(u8 kind, u32 id)
{
	unsigned int i;

	if (tg_tickets_used == TG_TICKETS)
		return NULL;
	for (i = 0; i < TG_TICKETS; i++) {
		struct tg_ticket *t = &tg_tickets[i];

		if (t->in_use)
			continue;
		t->in_use = true;
		t->task = current;
		t->kind = kind;
		t->id = id;
		t->st = NULL;
		t->spare = NULL;
		hash_add(tg_tickets_busy, &t->node, (unsigned long)current);
		tg_tickets_used++;
		return t;
	}
	return NULL;
}

void tg_ticket_free(struct tg_ticket *t)
{
	kfree(t->spare);
	t->spare = NULL;
	hash_del(&t->node);
	t->in_use = false;
	t->task = NULL;
	tg_tickets_used--;
}

int tg_state_init(void)
{
	tg_state_cache = KMEM_CACHE(tg_prog_state, 0);
	return tg_state_cache ? 0 : -ENOMEM;
}

/* Drop every entry: after every hook is gone, or when arming failed. */
void tg_state_destroy(void)
{
	struct tg_prog_state *st;
	struct tg_array *a;
	struct tg_ticket *t;
	struct hlist_node *tmp;
	unsigned long idx;
	int bkt;

	cancel_delayed_work_sync(&tg_reap_work);
	tg_state_lock();
	xa_for_each(&tg_progs, idx, st) {
		xa_erase(&tg_progs, idx);
		kmem_cache_free(tg_state_cache, st);
	}
	hash_for_each_safe(tg_arrays, bkt, tmp, a, node) {
		hash_del(&a->node);
		kfree(a);
	}
	hash_for_each_safe(tg_tickets_busy, bkt, tmp, t, node)
		tg_ticket_free(t);
	tg_state_nr = 0;
	tg_reap_queued = false;
	tg_state_unlock();
}

/* Module exit. */
void tg_state_exit(void)
{
	tg_state_destroy();
	kmem_cache_destroy(tg_state_cache);
}
