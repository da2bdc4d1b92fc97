// SPDX-License-Identifier: GPL-2.0
/*
 * tailguard: hot mitigation of the BPF freplace / prog_array bugs
 * (freplace + prog_array NULL dereference; CVE-2024-47794) on kernels that
 * lack the upstream fixes.  Module init/exit, parameters, policy, banner.
 */
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/utsname.h>
#include "compat.h"
#include "hook.h"
#include "tailguard.h"

int tg_mode = TG_MODE_ENFORCE;
bool tg_cmdline_off;
static bool tg_loaded;

struct tg_mitigation tg_mits[TG_MIT_NR] = {
	[TG_MIT_PANIC] = { .name = "freplace_panic", .enabled = true },
	[TG_MIT_LOOP] = { .name = "freplace_loop", .enabled = true },
};

static struct tg_hook *tg_hooks[TG_MAX_HOOKS];
static int tg_nr_hooks;

static const char * const tg_mode_names[] = {
	[TG_MODE_OFF] = "off",
	[TG_MODE_AUDIT] = "audit",
	[TG_MODE_ENFORCE] = "enforce",
};

const char *tg_mode_name(int mode)
{
	return tg_mode_names[mode];
}

int tg_mode_parse(const char *buf)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(tg_mode_names); i++)
		if (sysfs_streq(buf, tg_mode_names[i]))
			return i;
	return -EINVAL;
}

/* --- module parameters (also writable in /sys/module/tailguard/) -------- */

static int tg_param_check_runtime(const char *what)
{
	if (tg_loaded && tg_cmdline_off) {
		pr_err("cannot set %s: tailguard=off on the kernel command line\n",
		       what);
		return -EPERM;
	}
	return 0;
}

static int tg_mode_set(const char *val, const struct kernel_param *kp)
{
	int mode = tg_mode_parse(val);

	if (mode < 0) {
		pr_err("invalid mode '%.32s': use enforce, audit or off\n", val);
		return -EINVAL;
	}
	if (tg_param_check_runtime("mode"))
		return -EPERM;
	WRITE_ONCE(*(int *)kp->arg, mode);
	return 0;
}

static int tg_mode_get(char *buf, const struct kernel_param *kp)
{
	return sprintf(buf, "%s\n", tg_mode_name(READ_ONCE(*(int *)kp->arg)));
}

static const struct kernel_param_ops tg_mode_ops = {
	.set = tg_mode_set,
	.get = tg_mode_get,
};

static int tg_switch_set(const char *val, const struct kernel_param *kp)
{
	bool on;

	if (sysfs_streq(val, "1")) {
		on = true;
	} else if (sysfs_streq(val, "0")) {
		on = false;
	} else {
		pr_err("invalid value '%.32s' for %s: use 1 or 0\n", val,
		       kp->name);
		return -EINVAL;
	}
	if (tg_param_check_runtime(kp->name))
		return -EPERM;
	WRITE_ONCE(*(bool *)kp->arg, on);
	return 0;
}

static int tg_switch_get(char *buf, const struct kernel_param *kp)
{
	return sprintf(buf, "%d\n", READ_ONCE(*(bool *)kp->arg));
}

static const struct kernel_param_ops tg_switch_ops = {
	.set = tg_switch_set,
	.get = tg_switch_get,
};

module_param_cb(mode, &tg_mode_ops, &tg_mode, 0644);
MODULE_PARM_DESC(mode, "enforce (default), audit or off");
module_param_cb(freplace_panic, &tg_switch_ops,
		&tg_mits[TG_MIT_PANIC].enabled, 0644);
MODULE_PARM_DESC(freplace_panic, "1 (default) or 0: freplace + prog_array NULL dereference mitigation");
module_param_cb(freplace_loop, &tg_switch_ops,
		&tg_mits[TG_MIT_LOOP].enabled, 0644);
MODULE_PARM_DESC(freplace_loop, "1 (default) or 0: CVE-2024-47794 tail-call loop mitigation");

/* --- policy ------------------------------------------------------------- */

bool tg_mit_active(enum tg_mit_id id)
{
	const struct tg_mitigation *m = &tg_mits[id];

	return READ_ONCE(m->armed) && READ_ONCE(m->enabled) &&
	       READ_ONCE(tg_mode) != TG_MODE_OFF;
}

const char *tg_mit_state(enum tg_mit_id id)
{
	switch (tg_mits[id].avail) {
	case TG_AVAIL_NOT_APPLICABLE:
		return "not-applicable";
	case TG_AVAIL_FIXED:
		return "fixed-in-kernel";
	default:
		return tg_mit_active(id) ? "armed" : "disabled";
	}
}

const char *tg_mit_action(enum tg_mit_id id)
{
	if (tg_mits[id].avail != TG_AVAIL_VULNERABLE)
		return "none";
	if (!tg_mit_active(id))
		return "off";
	if (READ_ONCE(tg_mode) == TG_MODE_ENFORCE)
		return "enforce";
	/* audit never lets through what crashes the kernel on the spot */
	return id == TG_MIT_PANIC ? "enforced-in-audit" : "audit";
}

static const char * const tg_rule_names[] = {
	[TG_RULE_EXT_IN_ARRAY] = "ext-in-prog-array",
	[TG_RULE_EXTENDED_IN_ARRAY] = "extended-in-prog-array",
	[TG_RULE_FREPLACE_TO_MEMBER] = "freplace-to-member",
};

/*
 * An operation breaks @rule.  Count it, log it (ratelimited) and say
 * whether to refuse it.  Any context (may run under the state lock or in
 * an ftrace callback).
 */
bool tg_verdict(enum tg_mit_id id, enum tg_rule rule,
		const struct bpf_prog *prog, const struct bpf_prog *tgt,
		const struct bpf_map *map)
{
	struct tg_mitigation *m = &tg_mits[id];
	bool block = READ_ONCE(tg_mode) == TG_MODE_ENFORCE ||
		     id == TG_MIT_PANIC;
	char extra[48] = "";
	int n = 0;

	if (tgt)
		n += scnprintf(extra + n, sizeof(extra) - n, " tgt_prog_id=%u",
			       tgt->aux->id);
	if (map)
		n += scnprintf(extra + n, sizeof(extra) - n, " map_id=%u",
			       map->id);
	atomic_long_inc(block ? &m->blocked : &m->audited);
	pr_warn_ratelimited("%s rule=%s errno=%s pid=%d comm=%s prog_id=%u%s\n",
			    block ? "blocked" : "audit", tg_rule_names[rule],
			    rule == TG_RULE_EXT_IN_ARRAY ? "EINVAL" : "EBUSY",
			    task_pid_nr(current), current->comm,
			    prog->aux->id, extra);
	return block;
}

/* --- load / unload ------------------------------------------------------ */

/* tailguard=off (or =0) on the kernel command line: load, arm nothing. */
static bool tg_cmdline_says_off(void)
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

static void tg_banner(void)
{
	int i;

	pr_info("version %s on %s: mode=%s%s\n", TG_VERSION,
		utsname()->release, tg_mode_name(tg_mode),
		tg_cmdline_off ?
		" (tailguard=off on the kernel command line: nothing armed)" :
		"");
	for (i = 0; i < TG_MIT_NR; i++)
		pr_info("%s: %s (%s)\n", tg_mits[i].name, tg_mit_state(i),
			tg_mits[i].why);
	if (IS_ENABLED(CONFIG_X86_KERNEL_IBT))
		pr_info("IBT kernel, IBT %s on this CPU\n",
			tg_ibt_enforced() ? "enforced" : "not enforced");
}

static int __init tailguard_init(void)
{
	int ret;

	tg_mits[TG_MIT_PANIC].why = TG_PANIC_WHY;
	tg_mits[TG_MIT_PANIC].avail = TG_PANIC_BUG ? TG_AVAIL_VULNERABLE :
#ifdef TG_PANIC_NA
		TG_AVAIL_NOT_APPLICABLE;
#else
		TG_AVAIL_FIXED;
#endif
	tg_mits[TG_MIT_LOOP].why = TG_LOOP_WHY;
	tg_mits[TG_MIT_LOOP].avail = TG_LOOP_BUG ? TG_AVAIL_VULNERABLE :
#ifdef TG_LOOP_NA
		TG_AVAIL_NOT_APPLICABLE;
#else
		TG_AVAIL_FIXED;
#endif

	tg_cmdline_off = tg_cmdline_says_off();
	if (tg_cmdline_off) {
		tg_mode = TG_MODE_OFF;
		goto done;
	}

	ret = tg_hook_selftest();
	if (ret)
		return ret;

	if (TG_LOOP_BUG) {
		ret = tg_loop_prepare(tg_hooks, &tg_nr_hooks);
		if (ret)
			return ret;
	}
	if (TG_PANIC_BUG) {
		ret = tg_panic_prepare(tg_hooks, &tg_nr_hooks);
		if (ret)
			return ret;
	}

	ret = tg_hooks_register(tg_hooks, tg_nr_hooks);
	if (ret)
		goto fail;
	/*
	 * Let BPF calls that entered a hooked function before its hook was
	 * placed leave it (they hold no scan lock), then read the state that
	 * exists; the scan turns counting on.
	 */
	synchronize_rcu();
	synchronize_rcu_tasks();
	if (TG_LOOP_BUG) {
		ret = tg_loop_scan();
		if (ret)
			goto unhook;
	}
	WRITE_ONCE(tg_mits[TG_MIT_PANIC].tracking, TG_PANIC_BUG);
	WRITE_ONCE(tg_mits[TG_MIT_LOOP].armed, TG_LOOP_BUG);
	WRITE_ONCE(tg_mits[TG_MIT_PANIC].armed, TG_PANIC_BUG);
done:
	ret = tg_sysfs_init();
	if (ret)
		goto unhook;
	tg_loaded = true;
	tg_banner();
	return 0;

unhook:
	WRITE_ONCE(tg_mits[TG_MIT_LOOP].armed, false);
	WRITE_ONCE(tg_mits[TG_MIT_PANIC].armed, false);
	WRITE_ONCE(tg_mits[TG_MIT_LOOP].tracking, false);
	WRITE_ONCE(tg_mits[TG_MIT_PANIC].tracking, false);
	tg_hooks_unregister(tg_hooks, tg_nr_hooks);
	tg_hooks_drain();
fail:
	tg_state_destroy();
	return ret;
}

static void __exit tailguard_exit(void)
{
	int i;

	tg_sysfs_exit();
	for (i = 0; i < TG_MIT_NR; i++) {
		WRITE_ONCE(tg_mits[i].armed, false);
		WRITE_ONCE(tg_mits[i].tracking, false);
	}
	tg_hooks_unregister(tg_hooks, tg_nr_hooks);
	tg_hooks_drain();
	tg_state_destroy();
	pr_info("unloaded\n");
}

module_init(tailguard_init);
module_exit(tailguard_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION(TG_VERSION);
MODULE_AUTHOR("tailguard developers");
MODULE_DESCRIPTION("Hot mitigation of BPF freplace / tail-call bugs (CVE-2024-47794)");
