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
#include "state.h"
#include "tailguard.h"

#define TG_STATE_BITS	12
#define TG_ARRAY_BITS	8
#define TG_TICKET_BITS	6

static DEFINE_HASHTABLE(tg_progs, TG_STATE_BITS);
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
	struct tg_prog_state *st;

	hash_for_each_possible(tg_progs, st, node, id)
		if (st->id == id)
			return st;
	return NULL;
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
		new = kzalloc(sizeof(*new), gfp);
		tg_state_lock();
		st = tg_state_find(id);
		if (st) {
			kfree(new);
			return st;
		}
	} else {
		new = kzalloc(sizeof(*new), gfp | __GFP_NOWARN);
	}
	if (!new)
		return NULL;
	new->id = id;
	hash_add(tg_progs, &new->node, id);
	tg_state_nr++;
	return new;
}

/* Drop @st if nothing is counted in it any more. */
void tg_state_put(struct tg_prog_state *st)
{
	if (!st || st->slots || st->ins_pending || st->ext_pending)
		return;
	hash_del(&st->node);
	tg_state_nr--;
	kfree(st);
}

bool tg_state_next(struct tg_prog_state **st, int *bkt)
{
	struct hlist_node *n = *st ? (*st)->node.next : NULL;

	for (;;) {
		if (n) {
			*st = hlist_entry(n, struct tg_prog_state, node);
			return true;
		}
		if (*bkt >= HASH_SIZE(tg_progs))
			return false;
		n = tg_progs[(*bkt)++].first;
	}
}

unsigned int tg_state_count(void)
{
	return READ_ONCE(tg_state_nr);
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

int tg_array_add(const struct bpf_map *map, gfp_t gfp)
{
	struct tg_array *a = kzalloc(sizeof(*a), gfp | __GFP_NOWARN);

	if (!a)
		return -ENOMEM;
	a->map = map;
	hash_add(tg_arrays, &a->node, (unsigned long)map);
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
		t->err = 0;
		hash_add(tg_tickets_busy, &t->node, (unsigned long)current);
		tg_tickets_used++;
		return t;
	}
	return NULL;
}

void tg_ticket_free(struct tg_ticket *t)
{
	hash_del(&t->node);
	t->in_use = false;
	t->task = NULL;
	tg_tickets_used--;
}

/* Module exit, after every hook is gone. */
void tg_state_destroy(void)
{
	struct tg_prog_state *st;
	struct tg_array *a;
	struct tg_ticket *t;
	struct hlist_node *tmp;
	int bkt;

	tg_state_lock();
	hash_for_each_safe(tg_progs, bkt, tmp, st, node) {
		hash_del(&st->node);
		kfree(st);
	}
	hash_for_each_safe(tg_arrays, bkt, tmp, a, node) {
		hash_del(&a->node);
		kfree(a);
	}
	hash_for_each_safe(tg_tickets_busy, bkt, tmp, t, node)
		tg_ticket_free(t);
	tg_state_nr = 0;
	tg_state_unlock();
}
