// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/tailguard/ (sysfs, not debugfs: lockdown blocks debugfs).
 * The names and values are in include/uapi/tailguard.h.
 *
 *   version, mode (rw: enforce|audit|off), tracked_progs, missed
 *   mitigations/<freplace_panic|freplace_loop|tailcall_hierarchy|
 *		 trampoline_loop|invalid_tailcallee>/
 *	state	armed | fixed-in-kernel | not-applicable | disabled
 *	enabled	rw 1|0
 *	blocked, audited, probes, violations	event counters
 *	action	enforce | audit | enforced-in-audit | off | none
 *	policy	rw off|audit|enforce (policies only: the last three)
 */
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/sysfs.h>
#include "hook.h"
#include "tailguard.h"

static struct kobject *tg_kobj, *tg_mit_kobj;

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", TG_VERSION);
}

static ssize_t mode_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", tg_mode_name(READ_ONCE(tg_mode)));
}

static ssize_t mode_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	int ret = tg_policy_set(TG_F_MODE, buf);

	return ret ? ret : count;
}

static ssize_t tracked_progs_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", tg_state_count());
}

static ssize_t missed_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%lu\n", tg_hooks_missed());
}

static struct kobj_attribute tg_attr_version = __ATTR_RO(version);
static struct kobj_attribute tg_attr_mode = __ATTR_RW(mode);
static struct kobj_attribute tg_attr_tracked = __ATTR_RO(tracked_progs);
static struct kobj_attribute tg_attr_missed = __ATTR_RO(missed);

static struct attribute *tg_attrs[] = {
	&tg_attr_version.attr,
	&tg_attr_mode.attr,
	&tg_attr_tracked.attr,
	&tg_attr_missed.attr,
	NULL,
};

static const struct attribute_group tg_group = {
	.attrs = tg_attrs,
};

static struct tg_mitigation *tg_mit_of(struct kobject *kobj)
{
	unsigned int i;

	for (i = 0; i < tg_nr_mits; i++)
		if (tg_mits[i]->kobj == kobj)
			return tg_mits[i];
	return tg_mits[0];
}

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n", tg_mit_state(tg_mit_of(kobj)));
}

static ssize_t action_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", tg_mit_action(tg_mit_of(kobj)));
}

static ssize_t enabled_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(tg_mit_of(kobj)->enabled));
}

static ssize_t enabled_store(struct kobject *kobj,
			     struct kobj_attribute *attr, const char *buf,
			     size_t count)
{
	int ret = tg_policy_set(tg_mit_of(kobj)->name, buf);

	return ret ? ret : count;
}

static ssize_t policy_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  tg_mode_name(READ_ONCE(tg_mit_of(kobj)->policy)));
}

static ssize_t policy_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	int ret = tg_policy_set(tg_mit_of(kobj)->policy_param, buf);

	return ret ? ret : count;
}

#define TG_COUNTER_SHOW(name)						\
static ssize_t name##_show(struct kobject *kobj,			\
			   struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%ld\n",					\
			  atomic_long_read(&tg_mit_of(kobj)->name));	\
}

TG_COUNTER_SHOW(blocked)
TG_COUNTER_SHOW(audited)
TG_COUNTER_SHOW(probes)
TG_COUNTER_SHOW(violations)

static struct kobj_attribute tg_attr_state = __ATTR_RO(state);
static struct kobj_attribute tg_attr_action = __ATTR_RO(action);
static struct kobj_attribute tg_attr_enabled = __ATTR_RW(enabled);
static struct kobj_attribute tg_attr_blocked = __ATTR_RO(blocked);
static struct kobj_attribute tg_attr_audited = __ATTR_RO(audited);
static struct kobj_attribute tg_attr_probes = __ATTR_RO(probes);
static struct kobj_attribute tg_attr_violations = __ATTR_RO(violations);
static struct kobj_attribute tg_attr_policy = __ATTR_RW(policy);

static struct attribute *tg_mit_attrs[] = {
	&tg_attr_state.attr,
	&tg_attr_action.attr,
	&tg_attr_enabled.attr,
	&tg_attr_blocked.attr,
	&tg_attr_audited.attr,
	&tg_attr_probes.attr,
	&tg_attr_violations.attr,
	NULL,
};

static const struct attribute_group tg_mit_group = {
	.attrs = tg_mit_attrs,
};

void tg_sysfs_exit(void)
{
	unsigned int i;

	for (i = 0; i < tg_nr_mits; i++) {
		kobject_put(tg_mits[i]->kobj);
		tg_mits[i]->kobj = NULL;
	}
	kobject_put(tg_mit_kobj);
	kobject_put(tg_kobj);
	tg_mit_kobj = NULL;
	tg_kobj = NULL;
}

int tg_sysfs_init(void)
{
	unsigned int i;
	int ret;

	tg_kobj = kobject_create_and_add("tailguard", kernel_kobj);
	if (!tg_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(tg_kobj, &tg_group);
	if (ret)
		goto fail;
	tg_mit_kobj = kobject_create_and_add("mitigations", tg_kobj);
	if (!tg_mit_kobj) {
		ret = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < tg_nr_mits; i++) {
		tg_mits[i]->kobj = kobject_create_and_add(tg_mits[i]->name,
							  tg_mit_kobj);
		if (!tg_mits[i]->kobj) {
			ret = -ENOMEM;
			goto fail;
		}
		ret = sysfs_create_group(tg_mits[i]->kobj, &tg_mit_group);
		if (!ret && tg_mits[i]->policy_param)
			ret = sysfs_create_file(tg_mits[i]->kobj,
						&tg_attr_policy.attr);
		if (ret)
			goto fail;
	}
	return 0;
fail:
	pr_err("cannot create /sys/kernel/tailguard (%d)\n", ret);
	tg_sysfs_exit();
	return ret;
}
