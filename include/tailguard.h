/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tailguard: shared declarations.  See docs/module.md for the design.
 */
#ifndef TG_TAILGUARD_H
#define TG_TAILGUARD_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/kobject.h>
#include "uapi/tailguard.h"

#ifndef TG_VERSION		/* from the VERSION file, by Kbuild */
#define TG_VERSION	"unknown"
#endif

struct bpf_prog;
struct bpf_map;
struct tg_hook_table;

enum tg_mode {
	TG_MODE_OFF,
	TG_MODE_AUDIT,
	TG_MODE_ENFORCE,
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
	TG_RULE_SUBPROG_TAILCALL,	/* policy tailcall_hierarchy, EINVAL */
	TG_RULE_TRAMP_TAILCALL,		/* policy trampoline_loop, EINVAL */
	TG_RULE_NR,
};

/*
 * One mitigation: one file (src/mitigate_*.c) defines it, main.c lists it.
 * @detect, if any, runs first and may set @avail, @why and clear @table
 * (a verdict that needs the running kernel, not only its headers).
 * @table is placed when the kernel has the bug; @arm then reads what exists
 * (process context, hooks in place) and @disarm drops it after the hooks
 * are gone.
 *
 * A policy (@policy_param set) refuses what the fixed kernel accepts; its
 * own setting @policy (a tg_mode, TG_MODE_OFF by default) and the global
 * mode both apply: the weaker wins (tg_mit_mode()).
 */
struct tg_mitigation {
	const char *name;
	enum tg_avail avail;
	const char *why;
	const struct tg_hook_table *table;
	void (*detect)(void);	/* before anything else, in process context */
	int (*prepare)(void);	/* before the hooks are placed */
	int (*arm)(void);	/* after: read what exists */
	void (*disarm)(void);
	bool audit_blocks;	/* refuse in audit mode too (a crash) */
	const char *policy_param;	/* a policy: its module parameter */
	int policy;		/* a policy: off, audit or enforce */

	/* policy (policy.c) */
	bool enabled;
	bool armed;
	atomic_long_t blocked;
	atomic_long_t audited;
	atomic_long_t probes;
	atomic_long_t violations;
	struct kobject *kobj;
};

extern struct tg_mitigation tg_mit_freplace_panic;
extern struct tg_mitigation tg_mit_freplace_loop;
extern struct tg_mitigation tg_mit_tailcall_hierarchy;
extern struct tg_mitigation tg_mit_trampoline_loop;
extern struct tg_mitigation tg_mit_invalid_tailcallee;
extern struct tg_mitigation * const tg_mits[];
extern const unsigned int tg_nr_mits;

/* policy.c */
extern int tg_mode;
extern bool tg_cmdline_off;

struct tg_event {
	struct tg_mitigation *mit;
	enum tg_rule rule;
	bool block;
	bool probe;
	u32 prog_id;
	u32 tgt_id;
	u32 map_id;
	int pid;
	char comm[16];
	char prog_name[16];	/* logged when the prog has no id yet */
};

int tg_mit_mode(const struct tg_mitigation *m);
bool tg_mit_active(const struct tg_mitigation *m);
const char *tg_mit_state(const struct tg_mitigation *m);
const char *tg_mit_action(const struct tg_mitigation *m);
const char *tg_mode_name(int mode);
int tg_policy_set(const char *key, const char *val);
bool tg_rule_hit(struct tg_mitigation *m, enum tg_rule rule,
		 const struct bpf_prog *prog, u32 tgt_id,
		 const struct bpf_map *map, struct tg_event *ev);
void tg_event_log(const struct tg_event *ev);
bool tg_cmdline_says_off(void);
void tg_violation(struct tg_mitigation *m, const char *fmt, ...)
	__printf(2, 3);

/* state.c: the state table (freplace_loop) */
unsigned int tg_state_count(void);

/* sysfs.c */
int tg_sysfs_init(void);
void tg_sysfs_exit(void);

#endif /* TG_TAILGUARD_H */
