// SPDX-License-Identifier: GPL-2.0
/*
 * Policy: the mode, each mitigation's switch, the verdict on an operation
 * that breaks a rule, its counters and its log line.  The module
 * parameters and sysfs both set through tg_policy_set().
 */
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "tailguard.h"

int tg_mode = TG_MODE_ENFORCE;
bool tg_cmdline_off;

static const char * const tg_mode_names[] = {
	[TG_MODE_OFF] = TG_MODE_NAME_OFF,
	[TG_MODE_AUDIT] = TG_MODE_NAME_AUDIT,
	[TG_MODE_ENFORCE] = TG_MODE_NAME_ENFORCE,
};

static const char * const tg_rule_names[] = {
	[TG_RULE_EXT_IN_ARRAY] = TG_RULE_NAME_EXT,
	[TG_RULE_EXTENDED_IN_ARRAY] = TG_RULE_NAME_EXTENDED,
	[TG_RULE_FREPLACE_TO_MEMBER] = TG_RULE_NAME_MEMBER,
	[TG_RULE_SUBPROG_TAILCALL] = TG_RULE_NAME_SUBPROG_TC,
	[TG_RULE_TRAMP_TAILCALL] = TG_RULE_NAME_TRAMP_TC,
};

/* the errno each rule refuses with: the fixed kernel's, or the verifier's */
static const char * const tg_rule_errnos[] = {
	[TG_RULE_EXT_IN_ARRAY] = "EINVAL",
	[TG_RULE_EXTENDED_IN_ARRAY] = "EBUSY",
	[TG_RULE_FREPLACE_TO_MEMBER] = "EBUSY",
	[TG_RULE_SUBPROG_TAILCALL] = "EINVAL",
	[TG_RULE_TRAMP_TAILCALL] = "EINVAL",
};

/* one ratelimit per rule: a flood of one does not hide the others */
static struct ratelimit_state tg_rule_rs[TG_RULE_NR] = {
	[0 ... TG_RULE_NR - 1] = RATELIMIT_STATE_INIT("tailguard_rule",
						      DEFAULT_RATELIMIT_INTERVAL,
						      DEFAULT_RATELIMIT_BURST),
};
static DEFINE_RATELIMIT_STATE(tg_set_rs, DEFAULT_RATELIMIT_INTERVAL,
			      DEFAULT_RATELIMIT_BURST);

const char *tg_mode_name(int mode)
{
	return tg_mode_names[mode];
}

static int tg_mode_parse(const char *buf)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(tg_mode_names); i++)
		if (sysfs_streq(buf, tg_mode_names[i]))
			return i;
	return -EINVAL;
}

static struct tg_mitigation *tg_mit_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < tg_nr_mits; i++)
		if (!strcmp(tg_mits[i]->name, name))
			return tg_mits[i];
	return NULL;
}

static struct tg_mitigation *tg_mit_by_policy(const char *param)
{
	unsigned int i;

	for (i = 0; i < tg_nr_mits; i++)
		if (tg_mits[i]->policy_param &&
		    !strcmp(tg_mits[i]->policy_param, param))
			return tg_mits[i];
	return NULL;
}

/*
 * The one setter: @key is "mode", a policy's parameter (policy_hierarchy:
 * off, audit or enforce) or a mitigation's name (its switch).  Refuses bad
 * values with one line and changes nothing then.
 */
int tg_policy_set(const char *key, const char *val)
{
	struct tg_mitigation *m = NULL, *pol = NULL;
	int mode = -1;
	bool on;

	if (!strcmp(key, TG_F_MODE) || (pol = tg_mit_by_policy(key))) {
		mode = tg_mode_parse(val);
		if (mode < 0) {
			pr_err_ratelimited("invalid %s '%.*s': use enforce, audit or off\n",
					   pol ? key : TG_F_MODE,
					   (int)min_t(size_t, strcspn(val, "\n"), 32),
					   val);
			return -EINVAL;
		}
	} else {
		m = tg_mit_by_name(key);
		if (!m)
			return -ENOENT;
		if (kstrtobool(val, &on)) {
			pr_err_ratelimited("invalid value '%.*s' for %s: use 1 or 0\n",
					   (int)min_t(size_t, strcspn(val, "\n"), 32),
					   val, key);
			return -EINVAL;
		}
	}
	if (tg_cmdline_off) {
		pr_err_ratelimited("cannot set %s: tailguard=off on the kernel command line\n",
				   key);
		return -EPERM;
	}
	if (m) {
		WRITE_ONCE(m->enabled, on);
		if (__ratelimit(&tg_set_rs))
			pr_info("%s %s\n", m->name, on ? "enabled" : "disabled");
	} else if (pol) {
		WRITE_ONCE(pol->policy, mode);
		if (__ratelimit(&tg_set_rs))
			pr_info("%s set to %s\n", key, tg_mode_name(mode));
	} else {
		WRITE_ONCE(tg_mode, mode);
		if (__ratelimit(&tg_set_rs))
			pr_info("mode set to %s\n", tg_mode_name(mode));
	}
	return 0;
}

/* --- module parameters: the same setter as sysfs -------------------------- */

static int tg_param_set(const char *val, const struct kernel_param *kp)
{
	/* before init, tailguard=off is not known yet: init applies it */
	return tg_policy_set(kp->name, val);
}

static int tg_param_get_mode(char *buf, const struct kernel_param *kp)
{
	return sprintf(buf, "%s\n", tg_mode_name(READ_ONCE(tg_mode)));
}

static int tg_param_get_switch(char *buf, const struct kernel_param *kp)
{
	struct tg_mitigation *m = tg_mit_by_name(kp->name);

	return sprintf(buf, "%d\n", m ? READ_ONCE(m->enabled) : 0);
}

static int tg_param_get_policy(char *buf, const struct kernel_param *kp)
{
	struct tg_mitigation *m = tg_mit_by_policy(kp->name);

	return sprintf(buf, "%s\n",
		       tg_mode_name(m ? READ_ONCE(m->policy) : TG_MODE_OFF));
}

static const struct kernel_param_ops tg_mode_ops = {
	.set = tg_param_set,
	.get = tg_param_get_mode,
};

static const struct kernel_param_ops tg_switch_ops = {
	.set = tg_param_set,
	.get = tg_param_get_switch,
};

static const struct kernel_param_ops tg_policy_ops = {
	.set = tg_param_set,
	.get = tg_param_get_policy,
};

module_param_cb(mode, &tg_mode_ops, NULL, 0644);
MODULE_PARM_DESC(mode, "enforce (default), audit or off");
module_param_cb(freplace_panic, &tg_switch_ops, NULL, 0644);
MODULE_PARM_DESC(freplace_panic, "1 (default) or 0: freplace + prog_array NULL dereference mitigation");
module_param_cb(freplace_loop, &tg_switch_ops, NULL, 0644);
MODULE_PARM_DESC(freplace_loop, "1 (default) or 0: CVE-2024-47794 tail-call loop mitigation");
module_param_cb(policy_hierarchy, &tg_policy_ops, NULL, 0644);
MODULE_PARM_DESC(policy_hierarchy, "off (default), audit or enforce: refuse progs with a tail call in a subprog (tail-call hierarchy, 116e04ba1459)");
module_param_cb(policy_trampoline_loop, &tg_policy_ops, NULL, 0644);
MODULE_PARM_DESC(policy_trampoline_loop, "off (default), audit or enforce: refuse fentry/fexit on a subprog that reaches a tail call (trampoline loop, 2b5dcb31a19a)");
module_param_cb(policy_invalid_tailcallee, &tg_policy_ops, NULL, 0644);
MODULE_PARM_DESC(policy_invalid_tailcallee, "off (default), audit or enforce: refuse EXT progs in PROG_ARRAYs where the owner type is raw (invalid tailcallee, 1c123c567fb1)");

/* --- state ------------------------------------------------------------------ */

/* The mode a mitigation decides in: a policy's own setting can only weaken it. */
int tg_mit_mode(const struct tg_mitigation *m)
{
	int mode = READ_ONCE(tg_mode);

	if (m->policy_param)
		mode = min(mode, READ_ONCE(m->policy));
	return mode;
}

bool tg_mit_active(const struct tg_mitigation *m)
{
	return READ_ONCE(m->armed) && READ_ONCE(m->enabled) &&
	       tg_mit_mode(m) != TG_MODE_OFF;
}

const char *tg_mit_state(const struct tg_mitigation *m)
{
	switch (m->avail) {
	case TG_AVAIL_NOT_APPLICABLE:
		return TG_STATE_NA;
	case TG_AVAIL_FIXED:
		return TG_STATE_FIXED;
	default:
		return tg_mit_active(m) ? TG_STATE_ARMED : TG_STATE_DISABLED;
	}
}

const char *tg_mit_action(const struct tg_mitigation *m)
{
	if (m->avail != TG_AVAIL_VULNERABLE)
		return TG_ACTION_NONE;
	if (!tg_mit_active(m))
		return TG_ACTION_OFF;
	if (tg_mit_mode(m) == TG_MODE_ENFORCE)
		return TG_ACTION_ENFORCE;
	/* audit never lets through what crashes the kernel on the spot */
	return m->audit_blocks ? TG_ACTION_ENF_AUDIT : TG_ACTION_AUDIT;
}

/* --- verdicts --------------------------------------------------------------- */

/*
 * @prog breaks @rule of @m.  Count it, fill @ev for tg_event_log() and say
 * whether to refuse.  Any context, locks held or not: it never logs.  The
 * caller makes sure @m is active.
 */
bool tg_rule_hit(struct tg_mitigation *m, enum tg_rule rule,
		 const struct bpf_prog *prog, u32 tgt_id,
		 const struct bpf_map *map, struct tg_event *ev)
{
	bool block = tg_mit_mode(m) == TG_MODE_ENFORCE || m->audit_blocks;

	ev->mit = m;
	ev->rule = rule;
	ev->block = block;
	ev->probe = !strncmp(prog->aux->name, TG_PROBE_PREFIX,
			     sizeof(TG_PROBE_PREFIX) - 1);
	ev->prog_id = prog->aux->id;
	ev->tgt_id = tgt_id;
	ev->map_id = map ? map->id : 0;
	ev->pid = task_pid_nr(current);
	get_task_comm(ev->comm, current);
	strscpy(ev->prog_name, prog->aux->name, sizeof(ev->prog_name));
	if (ev->probe)
		atomic_long_inc(&m->probes);
	else
		atomic_long_inc(block ? &m->blocked : &m->audited);
	return block;
}

/* The log line of an event: outside every lock, one ratelimit per rule. */
void tg_event_log(const struct tg_event *ev)
{
	char extra[80] = "";
	int n = 0;

	if (!ev->mit || ev->probe || !__ratelimit(&tg_rule_rs[ev->rule]))
		return;
	if (ev->tgt_id)
		n += scnprintf(extra + n, sizeof(extra) - n, " tgt_prog_id=%u",
			       ev->tgt_id);
	if (ev->map_id)
		n += scnprintf(extra + n, sizeof(extra) - n, " map_id=%u",
			       ev->map_id);
	/* refused at load: no id yet, the name the loader gave is all there is */
	if (!ev->prog_id && ev->prog_name[0])
		n += scnprintf(extra + n, sizeof(extra) - n, " prog_name=%s",
			       ev->prog_name);
	pr_warn("%s rule=%s errno=%s pid=%d comm=%s prog_id=%u%s\n",
		ev->block ? "blocked" : "audit", tg_rule_names[ev->rule],
		tg_rule_errnos[ev->rule], ev->pid, ev->comm, ev->prog_id,
		extra);
}

/* Something that exists breaks a rule the module enforces: say it by id. */
void tg_violation(struct tg_mitigation *m, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	atomic_long_inc(&m->violations);
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("%s: violation: %pV\n", m->name, &vaf);
	va_end(args);
}

/* tailguard=off (or =0) on the kernel command line: load, arm nothing. */
bool tg_cmdline_says_off(void)
{
	char *buf, *p, *tok;
	struct file *f;
	loff_t pos = 0;
	bool off = false;
	ssize_t n;

	f = filp_open("/proc/cmdline", O_RDONLY, 0);
	if (IS_ERR(f))
		return false;
	buf = kzalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf) {
		filp_close(f, NULL);
		return false;
	}
	n = kernel_read(f, buf, PAGE_SIZE - 1, &pos);
	filp_close(f, NULL);
	p = buf;
	while (n > 0 && (tok = strsep(&p, " \t\n"))) {
		if (!strcmp(tok, "tailguard=off") || !strcmp(tok, "tailguard=0"))
			off = true;
	}
	kfree(buf);
	return off;
}
