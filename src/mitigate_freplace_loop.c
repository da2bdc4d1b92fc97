// SPDX-License-Identifier: GPL-2.0
/*
 * freplace_loop: CVE-2024-47794, the tail-call infinite loop through
 * freplace (upstream fix d6083f040d5d).  Rules, with upstream's errnos:
 *
 *  1. an EXT prog never enters a PROG_ARRAY			EINVAL
 *  2. a prog extended by an attached freplace never enters one	EBUSY
 *  3. a freplace never attaches to a PROG_ARRAY member		EBUSY
 *
 * The kernel lacks is_extended / prog_array_member_cnt, so state.c keeps
 * them.  Hooks (docs/module.md has the why of each):
 *
 *  bpf_fd_array_map_update_elem	redirect: holds the scan lock across a
 *				whole PROG_ARRAY update
 *  prog_fd_array_get_ptr	redirect: EXT pre-check before the original
 *				(rule 1), then the original, then rule 2 and
 *				the membership count on its result
 *  prog_fd_array_put_ptr	entry: membership count down
 *  bpf_tracing_prog_attach	redirect: find the freplace target (the fd's
 *				prog or aux->dst_prog), give it a state entry
 *  bpf_trampoline_link_prog	redirect: rule 3 and the extended count,
 *				rolled back when the original fails
 *  bpf_trampoline_unlink_prog	redirect: extended count down once the jump
 *				is gone
 *
 * State from before the module loaded is read at load by walking every map
 * and link (bpf_map_get_curr_or_next / bpf_link_get_curr_or_next).  The
 * hooks are placed first but count nothing until that walk is done: every
 * counted operation runs inside a wrapper that holds tg_scan_rwsem for
 * read, the walk holds it for write, so an operation is either wholly
 * before the walk (the walk sees its result) or wholly after it (the
 * wrappers count it) - never both, never neither.
 */
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include "compat.h"
#include "hook.h"
#include "tailguard.h"

#if TG_LOOP_CODE

/*
 * Held for read across a whole PROG_ARRAY update, freplace attach and
 * freplace detach, for write by the load-time scan.  Never nested: the
 * get_ptr and link wrappers run inside the update and attach wrappers and
 * do not take it.
 */
static DECLARE_RWSEM(tg_scan_rwsem);

/* PROG_ARRAY updates run under rcu_read_lock() before 6.1.70. */
#ifdef TG_HAVE_SLEEPABLE_PROG_ARRAY_UPDATE
#define TG_UPDATE_GFP		GFP_KERNEL
#define TG_UPDATE_MAY_SLEEP	1
#else
#define TG_UPDATE_GFP		GFP_ATOMIC
#define TG_UPDATE_MAY_SLEEP	0
#endif

/* true once the load-time scan is done: count from then on */
static bool tg_tracking(void)
{
	return READ_ONCE(tg_mits[TG_MIT_LOOP].tracking);
}

/* --- PROG_ARRAY update: the scan lock ------------------------------------ */

typedef int (*tg_update_fn)(struct bpf_map *map, struct file *map_file,
			    void *key, void *value, u64 map_flags);

static int tg_update_wrap(struct bpf_map *map, struct file *map_file,
			  void *key, void *value, u64 map_flags);

static struct tg_hook tg_update_hook = {
	.name = "bpf_fd_array_map_update_elem",
	.redirect = tg_update_wrap,
	.calls_orig = true,
};

/*
 * bpf_fd_array_map_update_elem() calls map_fd_get_ptr, stores the prog,
 * then puts the old one: the scan must not see half of that.
 */
static noinline int tg_update_wrap(struct bpf_map *map, struct file *map_file,
				   void *key, void *value, u64 map_flags)
{
	tg_update_fn orig = (tg_update_fn)tg_hook_orig(&tg_update_hook);
	bool lock = TG_UPDATE_MAY_SLEEP &&
		    map->map_type == BPF_MAP_TYPE_PROG_ARRAY;
	int ret;

	if (lock)
		down_read(&tg_scan_rwsem);
	ret = orig(map, map_file, key, value, map_flags);
	if (lock)
		up_read(&tg_scan_rwsem);
	tg_hook_leave();
	return ret;
}

/* --- PROG_ARRAY side ---------------------------------------------------- */

typedef void *(*tg_get_ptr_fn)(struct bpf_map *map, struct file *map_file,
			       int fd);

static void *tg_get_ptr_wrap(struct bpf_map *map, struct file *map_file,
			     int fd);

struct tg_hook tg_get_ptr_hook = {
	.name = "prog_fd_array_get_ptr",
	.redirect = tg_get_ptr_wrap,
	.calls_orig = true,
};

static noinline void *tg_get_ptr_wrap(struct bpf_map *map,
				      struct file *map_file, int fd)
{
	tg_get_ptr_fn orig = (tg_get_ptr_fn)tg_hook_orig(&tg_get_ptr_hook);
	bool rule1 = tg_mit_active(TG_MIT_PANIC) || tg_mit_active(TG_MIT_LOOP);
	struct tg_prog_state *pre = NULL, *st;
	bool seen_ext = false, track = false;
	struct bpf_prog *prog;
	unsigned long flags;
	void *ret;

	/*
	 * Rule 1, before the original: on a kernel with the panic bug the
	 * original dereferences NULL for an attached EXT prog.
	 */
	if (rule1) {
		prog = bpf_prog_get_type_dev(fd, BPF_PROG_TYPE_EXT, false);
		if (!IS_ERR(prog)) {
			seen_ext = true;
			if (tg_panic_refuse_ext(prog, map)) {
				bpf_prog_put(prog);
				ret = ERR_PTR(-EINVAL);
				goto out;
			}
			bpf_prog_put(prog);
		}
	}

	track = tg_tracking();

	ret = orig(map, map_file, fd);
	if (IS_ERR(ret))
		goto out;
	prog = ret;

	/* the fd may have been swapped since our check */
	if (prog->type == BPF_PROG_TYPE_EXT && !seen_ext && rule1 &&
	    tg_panic_refuse_ext(prog, map)) {
		bpf_prog_put(prog);
		ret = ERR_PTR(-EINVAL);
		goto out;
	}
	if (!track)
		goto out;

	flags = tg_state_lock();
	st = tg_state_find(prog);
	if (!st) {
		/* first time in a PROG_ARRAY: allocate outside the lock */
		tg_state_unlock(flags);
		pre = tg_state_alloc(TG_UPDATE_GFP);
		flags = tg_state_lock();
		st = tg_state_insert(prog, &pre);
	}
	if (!st) {
		tg_state_unlock(flags);
		bpf_prog_put(prog);
		ret = ERR_PTR(-ENOMEM);
		goto out;
	}
	/* rule 2 */
	if (st->ext_cnt > 0 && tg_mit_active(TG_MIT_LOOP) &&
	    tg_verdict(TG_MIT_LOOP, TG_RULE_EXTENDED_IN_ARRAY, prog, NULL,
		       map)) {
		tg_state_unlock(flags);
		bpf_prog_put(prog);
		ret = ERR_PTR(-EBUSY);
		goto out;
	}
	/*
	 * Counted before bpf_fd_array_map_update_elem() stores it, as upstream
	 * does: nothing after map_fd_get_ptr can fail there.
	 */
	st->member_cnt++;
	tg_state_unlock(flags);
out:
	kfree(pre);
	tg_hook_leave();
	return ret;
}

static void tg_member_put(const struct bpf_prog *prog)
{
	struct tg_prog_state *st;
	unsigned long flags;

	flags = tg_state_lock();
	st = tg_state_find(prog);
	/* saturate: a slot filled before the module loaded may be missed */
	if (st && st->member_cnt > 0)
		st->member_cnt--;
	tg_state_unlock(flags);
}

/* prog_fd_array_put_ptr(map, ptr, need_defer): any context */
static void tg_put_ptr_entry(struct pt_regs *regs)
{
	if (tg_tracking())
		tg_member_put((const struct bpf_prog *)TG_PUT_PTR_ARG(regs));
}

static struct tg_hook tg_put_ptr_hook = {
	.name = "prog_fd_array_put_ptr",
	.entry = tg_put_ptr_entry,
};

/* --- freplace side ------------------------------------------------------ */

/*
 * The prog behind @fd, whatever its type, with a reference.  Only
 * bpf_prog_get_type_dev() is exported; the target of a freplace is usually
 * of its saved_dst_prog_type, so that is tried first.
 */
#define TG_MAX_PROG_TYPE	64

static struct bpf_prog *tg_prog_get_any(int fd, const struct bpf_prog *ext)
{
	enum bpf_prog_type type = ext->aux->saved_dst_prog_type;
	struct bpf_prog *prog;

	if (type) {
		prog = bpf_prog_get_type_dev(fd, type, true);
		if (!IS_ERR(prog))
			return prog;
	}
	/* no __MAX_BPF_PROG_TYPE before 6.2: unknown types simply fail */
	for (type = BPF_PROG_TYPE_UNSPEC + 1; type < TG_MAX_PROG_TYPE;
	     type++) {
		prog = bpf_prog_get_type_dev(fd, type, true);
		if (!IS_ERR(prog))
			return prog;
	}
	return NULL;
}

static struct bpf_prog *tg_dst_prog_get(struct bpf_prog *ext)
{
	struct bpf_prog *tgt;

	mutex_lock(&ext->aux->dst_mutex);
	tgt = ext->aux->dst_prog;
	if (tgt)
		bpf_prog_inc(tgt);
	mutex_unlock(&ext->aux->dst_mutex);
	return tgt;
}

/*
 * bpf_tracing_prog_attach(prog, tgt_prog_fd, btf_id, bpf_cookie[, ...]) is
 * static and its arity changes between series; only the first two
 * arguments are read and five register arguments are passed through
 * unchanged, which the x86-64 ABI makes exact for every version.
 */
typedef int (*tg_attach_fn)(unsigned long a1, unsigned long a2,
			    unsigned long a3, unsigned long a4,
			    unsigned long a5);

static int tg_attach_wrap(unsigned long a1, unsigned long a2,
			  unsigned long a3, unsigned long a4,
			  unsigned long a5);

static struct tg_hook tg_attach_hook = {
	.name = "bpf_tracing_prog_attach",
	.redirect = tg_attach_wrap,
	.calls_orig = true,
};

static noinline int tg_attach_wrap(unsigned long a1, unsigned long a2,
				   unsigned long a3, unsigned long a4,
				   unsigned long a5)
{
	tg_attach_fn orig = (tg_attach_fn)tg_hook_orig(&tg_attach_hook);
	struct bpf_prog *prog = (struct bpf_prog *)a1;
	struct bpf_prog *tgt = NULL;
	bool track = false;
	int ret;

	if (prog->type == BPF_PROG_TYPE_EXT) {
		track = true;
		down_read(&tg_scan_rwsem);
		tgt = (int)a2 ? tg_prog_get_any((int)a2, prog) :
				tg_dst_prog_get(prog);
		/* the link wrapper finds the target's entry by id */
		if (tgt && tg_state_ensure(tgt, GFP_KERNEL)) {
			ret = -ENOMEM;
			goto out;
		}
	}
	ret = orig(a1, a2, a3, a4, a5);
out:
	if (tgt)
		bpf_prog_put(tgt);
	if (track)
		up_read(&tg_scan_rwsem);
	tg_hook_leave();
	return ret;
}

/*
 * bpf_trampoline_link_prog(link, tr[, tgt_prog]).  For an EXT prog the
 * trampoline key is (target prog id << 32 | btf_id).  The decision and the
 * extended mark happen under the state lock, like upstream's ext_mutex in
 * __bpf_trampoline_link_prog(); a failed link rolls the mark back (the
 * kernel's bpf_link_cleanup() then releases nothing we counted).
 */
typedef int (*tg_link_fn)(struct bpf_tramp_link *link,
			  struct bpf_trampoline *tr, unsigned long a3);

static int tg_link_wrap(struct bpf_tramp_link *link,
			struct bpf_trampoline *tr, unsigned long a3);

static struct tg_hook tg_link_hook = {
	.name = "bpf_trampoline_link_prog",
	.redirect = tg_link_wrap,
	.calls_orig = true,
};

static noinline int tg_link_wrap(struct bpf_tramp_link *link,
				 struct bpf_trampoline *tr, unsigned long a3)
{
	tg_link_fn orig = (tg_link_fn)tg_hook_orig(&tg_link_hook);
	struct bpf_prog *prog = link->link.prog;
	const struct bpf_prog *tgt;
	struct tg_prog_state *st;
	unsigned long flags;
	int ret;

	if (!tg_tracking() || prog->type != BPF_PROG_TYPE_EXT) {
		ret = orig(link, tr, a3);
		goto out;
	}

	flags = tg_state_lock();
	st = tg_state_find_id((u32)(tr->key >> 32));
	if (!st) {
		tg_state_unlock(flags);
		/*
		 * Target not identified: bpf_tracing_prog_attach() resolved
		 * another prog than we did (fd swapped under us).  Fail
		 * closed rather than lose track of an extended prog.
		 */
		if (tg_mit_active(TG_MIT_LOOP) &&
		    tg_verdict(TG_MIT_LOOP, TG_RULE_FREPLACE_TO_MEMBER, prog,
			       NULL, NULL)) {
			ret = -EBUSY;
			goto out;
		}
		ret = orig(link, tr, a3);
		goto out;
	}
	/* rule 3 */
	if (st->member_cnt > 0 && tg_mit_active(TG_MIT_LOOP) &&
	    tg_verdict(TG_MIT_LOOP, TG_RULE_FREPLACE_TO_MEMBER, prog, st->prog,
		       NULL)) {
		tg_state_unlock(flags);
		ret = -EBUSY;
		goto out;
	}
	st->ext_cnt++;
	tgt = st->prog;
	tg_state_unlock(flags);

	ret = orig(link, tr, a3);
	if (ret) {
		/* tgt is referenced by the attaching caller: entry alive */
		flags = tg_state_lock();
		st = tg_state_find(tgt);
		if (st && st->ext_cnt > 0)
			st->ext_cnt--;
		tg_state_unlock(flags);
	}
out:
	tg_hook_leave();
	return ret;
}

/*
 * bpf_trampoline_unlink_prog(link, tr[, tgt_prog]), from
 * bpf_tracing_link_release(), where the link's tgt_prog is valid.  The
 * extended count drops after the original has poked the jump out.
 */
static int tg_unlink_wrap(struct bpf_tramp_link *link,
			  struct bpf_trampoline *tr, unsigned long a3);

static struct tg_hook tg_unlink_hook = {
	.name = "bpf_trampoline_unlink_prog",
	.redirect = tg_unlink_wrap,
	.calls_orig = true,
};

static noinline int tg_unlink_wrap(struct bpf_tramp_link *link,
				   struct bpf_trampoline *tr, unsigned long a3)
{
	tg_link_fn orig = (tg_link_fn)tg_hook_orig(&tg_unlink_hook);
	struct bpf_prog *prog = link->link.prog;
	const struct bpf_prog *tgt = NULL;
	struct tg_prog_state *st;
	unsigned long flags;
	int ret;

	if (prog && prog->type == BPF_PROG_TYPE_EXT &&
	    link->link.type == BPF_LINK_TYPE_TRACING)
		tgt = container_of(link, struct bpf_tracing_link,
				   link)->tgt_prog;
	if (tgt)
		down_read(&tg_scan_rwsem);
	ret = orig(link, tr, a3);
	if (tgt) {
		if (tg_tracking()) {
			flags = tg_state_lock();
			st = tg_state_find(tgt);
			if (st && st->ext_cnt > 0)
				st->ext_cnt--;
			tg_state_unlock(flags);
		}
		up_read(&tg_scan_rwsem);
	}
	tg_hook_leave();
	return ret;
}

/* --- state from before the module loaded --------------------------------- */

static typeof(&bpf_map_get_curr_or_next) tg_map_next;
static typeof(&bpf_link_get_curr_or_next) tg_link_next;

static int tg_count(const struct bpf_prog *prog, bool member)
{
	struct tg_prog_state *st;
	unsigned long flags;
	int ret;

	ret = tg_state_ensure(prog, GFP_KERNEL);
	if (ret)
		return ret;
	flags = tg_state_lock();
	st = tg_state_find(prog);
	if (st) {
		if (member)
			st->member_cnt++;
		else
			st->ext_cnt++;
	}
	tg_state_unlock(flags);
	return 0;
}

static int tg_scan_prog_array(struct bpf_map *map)
{
	struct bpf_array *array = container_of(map, struct bpf_array, map);
	const struct bpf_prog *prog;
	int ret = 0;
	u32 i;

	/* slot writers hold poke_mutex: the progs stay referenced here */
	mutex_lock(&array->aux->poke_mutex);
	for (i = 0; i < map->max_entries && !ret; i++) {
		prog = READ_ONCE(array->ptrs[i]);
		if (prog)
			ret = tg_count(prog, true);
	}
	mutex_unlock(&array->aux->poke_mutex);
	return ret;
}

/*
 * Count what exists: every PROG_ARRAY slot and every attached freplace link.
 * Under the write side of tg_scan_rwsem, so no counted operation is half
 * done; counting starts (tracking) before the lock is dropped.  Links are
 * collected first and put after the lock is dropped: a last put releases
 * the link, which enters our unlink wrapper.
 */
int tg_loop_scan(void)
{
	unsigned int arrays = 0, nlinks = 0, cap = 0, i;
	struct bpf_link **links = NULL, **grown, *link;
	struct bpf_tracing_link *tl;
	struct bpf_map *map;
	int ret = 0;
	u32 id;

	down_write(&tg_scan_rwsem);
	for (id = 0; !ret && (map = tg_map_next(&id)); id++) {
		if (map->map_type == BPF_MAP_TYPE_PROG_ARRAY) {
			ret = tg_scan_prog_array(map);
			arrays++;
		}
		bpf_map_put(map);
	}

	for (id = 0; !ret && (link = tg_link_next(&id)); id++) {
		if (nlinks == cap) {
			cap = cap ? 2 * cap : 64;
			grown = krealloc(links, cap * sizeof(*links),
					 GFP_KERNEL);
			if (!grown) {
				ret = -ENOMEM;
				/* not kept: no counting to do under the lock */
				up_write(&tg_scan_rwsem);
				bpf_link_put(link);
				down_write(&tg_scan_rwsem);
				break;
			}
			links = grown;
		}
		links[nlinks++] = link;
	}

	for (i = 0; !ret && i < nlinks; i++) {
		link = links[i];
		if (link->type != BPF_LINK_TYPE_TRACING || !link->prog ||
		    link->prog->type != BPF_PROG_TYPE_EXT)
			continue;
		tl = container_of(link, struct bpf_tracing_link, link.link);
		if (tl->tgt_prog)
			ret = tg_count(tl->tgt_prog, false);
	}
	if (!ret)
		WRITE_ONCE(tg_mits[TG_MIT_LOOP].tracking, true);
	up_write(&tg_scan_rwsem);

	for (i = 0; i < nlinks; i++)
		bpf_link_put(links[i]);
	kfree(links);

	if (ret)
		pr_err("cannot arm freplace_loop: out of memory reading the existing state\n");
	else
		pr_info("freplace_loop: %u prog arrays, %u links and %u tracked progs at load\n",
			arrays, nlinks, tg_state_count());
	return ret;
}

static unsigned long tg_lookup_callable(const char *name)
{
	unsigned long addr = tg_lookup_symbol(name);

	if (!addr) {
		pr_err("cannot arm freplace_loop: %s not found (needs kprobes) to read the state from before load\n",
		       name);
		return 0;
	}
	if (tg_ibt_enforced() && *(const u32 *)addr != TG_ENDBR64) {
		pr_err("cannot arm freplace_loop: %s has no ENDBR64 landing pad on this IBT kernel\n",
		       name);
		return 0;
	}
	return addr;
}

int tg_loop_prepare(struct tg_hook **hooks, int *nr)
{
	/* outer wrappers (they take the scan lock) first */
	struct tg_hook *mine[] = {
		&tg_state_free_hook, &tg_update_hook, &tg_attach_hook,
		&tg_unlink_hook, &tg_put_ptr_hook, &tg_link_hook,
		&tg_get_ptr_hook,
	};
	int i, ret;

	tg_map_next = (typeof(tg_map_next))
		tg_lookup_callable("bpf_map_get_curr_or_next");
	if (!tg_map_next)
		return -EOPNOTSUPP;
	tg_link_next = (typeof(tg_link_next))
		tg_lookup_callable("bpf_link_get_curr_or_next");
	if (!tg_link_next)
		return -EOPNOTSUPP;
	for (i = 0; i < ARRAY_SIZE(mine); i++) {
		ret = tg_hook_check_ibt(mine[i]);
		if (ret)
			return ret;
		hooks[(*nr)++] = mine[i];
	}
	return 0;
}

#else /* !TG_LOOP_CODE: 5.10, nothing to arm */

struct tg_hook tg_get_ptr_hook = { .name = "prog_fd_array_get_ptr" };

int tg_loop_prepare(struct tg_hook **hooks, int *nr)
{
	return -EOPNOTSUPP;
}

int tg_loop_scan(void)
{
	return 0;
}

#endif /* TG_LOOP_CODE */
