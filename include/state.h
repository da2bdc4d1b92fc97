/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The state table (src/state.c): what freplace_loop knows that the
 * unpatched kernel does not keep.  Every call but tg_state_lock() and
 * tg_state_destroy() wants the lock held.
 */
#ifndef TG_STATE_H
#define TG_STATE_H

#include <linux/list.h>
#include <linux/sched.h>
#include <linux/types.h>

struct bpf_map;
struct bpf_prog;

/*
 * Per prog id: PROG_ARRAY slots that hold it, and decisions taken on it
 * whose effect is not visible in the kernel yet.  An entry whose counts
 * are all 0 is idle: it stays in the table, so that a prog going in and
 * out of a slot costs no allocation, and a reaper frees it once it has
 * been idle for a while.  Callers change the counts, then call
 * tg_state_put().  @prog is valid while @slots > 0 (each slot holds a
 * reference).
 */
struct tg_prog_state {
	const struct bpf_prog *prog;
	u32 id;
	u32 slots;		/* upstream's prog_array_member_cnt */
	u16 ins_pending;	/* inserts allowed, slot not written yet */
	u16 ext_pending;	/* freplace attaches allowed, not poked yet */
	bool live;		/* a count is not 0 (tg_state_count()) */
	bool aged;		/* idle at the reaper's last pass */
};

#define TG_TICKETS	256	/* decisions in flight at once, at most */

enum tg_ticket_kind {
	TG_TICKET_INSERT,	/* compat check .. slot written */
	TG_TICKET_ATTACH,	/* link entry .. link return */
};

/* A decision of one task, between the hook that took it and the next. */
struct tg_ticket {
	struct hlist_node node;
	struct task_struct *task;
	/* the entry of @id, once the decision counts in it (it is live) */
	struct tg_prog_state *st;
	/*
	 * An insert into a PROG_ARRAY not seen yet: the record its slot
	 * change installs, allocated while the insert could still fail
	 * with ENOMEM rather than at the slot change, where no failure can
	 * be returned.  Freed with the ticket if unused.
	 */
	struct tg_array *spare;
	u32 id;			/* prog id the decision is about */
	u8 kind;
	bool in_use;
};

void tg_state_lock(void);
void tg_state_unlock(void);

struct tg_prog_state *tg_state_find(u32 id);
struct tg_prog_state *tg_state_get(u32 id, gfp_t gfp);
void tg_state_put(struct tg_prog_state *st);

bool tg_array_known(const struct bpf_map *map);
struct tg_array *tg_array_alloc(gfp_t gfp);
void tg_array_install(struct tg_array *a, const struct bpf_map *map);
int tg_array_add(const struct bpf_map *map, gfp_t gfp);
void tg_array_del(const struct bpf_map *map);

struct tg_ticket *tg_ticket_find(u8 kind);
struct tg_ticket *tg_ticket_new(u8 kind, u32 id);
void tg_ticket_free(struct tg_ticket *t);

/* every entry, idle ones included: check st->live */
#define tg_state_for_each(st, idx)	\
	for (idx = 0; (st = tg_state_next(&idx));)
struct tg_prog_state *tg_state_next(unsigned long *idx);

int tg_state_init(void);
void tg_state_destroy(void);
void tg_state_exit(void);

#endif /* TG_STATE_H */
