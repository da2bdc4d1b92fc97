/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tailguard: shared declarations.  See docs/module.md for the design.
 */
#ifndef TG_TAILGUARD_H
#define TG_TAILGUARD_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/kobject.h>

#ifndef TG_VERSION		/* from the VERSION file, by Kbuild */
#define TG_VERSION	"unknown"
#endif

struct bpf_prog;
struct bpf_map;
struct tg_hook;

enum tg_mode {
	TG_MODE_OFF,
	TG_MODE_AUDIT,
	TG_MODE_ENFORCE,
};

enum tg_mit_id {
	TG_MIT_PANIC,		/* freplace_panic: rule 1 + rule 4 */
	TG_MIT_LOOP,		/* freplace_loop: rules 1-3, CVE-2024-47794 */
	TG_MIT_NR,
};

enum tg_avail {
	TG_AVAIL_NOT_APPLICABLE,
	TG_AVAIL_FIXED,
	TG_AVAIL_VULNERABLE,
};

enum tg_rule {
	TG_RULE_EXT_IN_ARRAY,		/* rule 1, EINVAL */
	TG_RULE_EXTENDED_IN_ARRAY,	/* rule 2, EBUSY */
	TG_RULE_FREPLACE_TO_MEMBER,	/* rule 3, EBUSY */
};

struct tg_mitigation {
	const char *name;
	enum tg_avail avail;
	const char *why;
	bool enabled;		/* module parameter / sysfs "enabled" */
	bool tracking;		/* hooks placed, state read: counting */
	bool armed;		/* tracking, and decisions are taken */
	atomic_long_t blocked;
	atomic_long_t audited;
	struct kobject *kobj;
};

extern struct tg_mitigation tg_mits[TG_MIT_NR];
extern int tg_mode;
extern bool tg_cmdline_off;

/* main.c: policy */
bool tg_mit_active(enum tg_mit_id id);
const char *tg_mit_state(enum tg_mit_id id);
const char *tg_mit_action(enum tg_mit_id id);
const char *tg_mode_name(int mode);
int tg_mode_parse(const char *buf);
bool tg_verdict(enum tg_mit_id id, enum tg_rule rule,
		const struct bpf_prog *prog, const struct bpf_prog *tgt,
		const struct bpf_map *map);

/* state.c: per-prog state table */
struct tg_prog_state {
	struct hlist_node node;		/* in the table keyed by prog */
	struct hlist_node id_node;	/* in the table keyed by id */
	const struct bpf_prog *prog;	/* key; no reference held */
	u32 id;				/* prog->aux->id when created */
	long member_cnt;		/* PROG_ARRAY slots holding it */
	long ext_cnt;			/* freplace links attached to it */
};

unsigned long tg_state_lock(void);
void tg_state_unlock(unsigned long flags);
struct tg_prog_state *tg_state_alloc(gfp_t gfp);
struct tg_prog_state *tg_state_find(const struct bpf_prog *prog);
struct tg_prog_state *tg_state_find_id(u32 id);
struct tg_prog_state *tg_state_insert(const struct bpf_prog *prog,
				      struct tg_prog_state **prealloc);
int tg_state_ensure(const struct bpf_prog *prog, gfp_t gfp);
unsigned int tg_state_count(void);
void tg_state_destroy(void);
extern struct tg_hook tg_state_free_hook;

/* mitigate_freplace_panic.c */
bool tg_panic_refuse_ext(const struct bpf_prog *prog,
			 const struct bpf_map *map);
int tg_panic_prepare(struct tg_hook **hooks, int *nr);

/* mitigate_freplace_loop.c */
int tg_loop_prepare(struct tg_hook **hooks, int *nr);
int tg_loop_scan(void);
extern struct tg_hook tg_get_ptr_hook;

/* sysfs.c */
int tg_sysfs_init(void);
void tg_sysfs_exit(void);

#define TG_MAX_HOOKS	10

#endif /* TG_TAILGUARD_H */
