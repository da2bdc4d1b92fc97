// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/tailguard/ (sysfs, not debugfs: lockdown blocks debugfs)
 *
 *   version, mode (rw: enforce|audit|off), tracked_progs
 *   mitigations/<freplace_panic|freplace_loop>/
 *	state	armed | fixed-in-kernel | not-applicable | disabled
 *	enabled	rw 1|0
 *	blocked, audited	event counters
 *	action	enforce | audit | enforced-in-audit | off | none
 */
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/sysfs.h>
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
	int mode = tg_mode_parse(buf);

	if (mode < 0) {
		pr_err("invalid mode '%.*s': use enforce, audit or off\n",
		       (int)strcspn(buf, "\n"), buf);
		return -EINVAL;
	}
	if (tg_cmdline_off) {
		pr_err("cannot set mode: tailguard=off on the kernel command line\n");
		return -EPERM;
	}
	WRITE_ONCE(tg_mode, mode);
	pr_info("mode set to %s\n", tg_mode_name(mode));
	return count;
}

static ssize_t tracked_progs_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", tg_state_count());
}

static struct kobj_attribute tg_attr_version = __ATTR_RO(version);
static struct kobj_attribute tg_attr_mode = __ATTR_RW(mode);
static struct kobj_attribute tg_attr_tracked = __ATTR_RO(tracked_progs);

static struct attribute *tg_attrs[] = {
	&tg_attr_version.attr,
	&tg_attr_mode.attr,
	&tg_attr_tracked.attr,
	NULL,
};

static const struct attribute_group tg_group = {
	.attrs = tg_attrs,
};

static int tg_mit_of(struct kobject *kobj)
{
	int i;

	for (i = 0; i < TG_MIT_NR; i++)
		if (tg_mits[i].kobj == kobj)
			return i;
	return 0;
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
	return sysfs_emit(buf, "%d\n",
			  READ_ONCE(tg_mits[tg_mit_of(kobj)].enabled));
}

static ssize_t enabled_store(struct kobject *kobj,
			     struct kobj_attribute *attr, const char *buf,
			     size_t count)
{
	struct tg_mitigation *m = &tg_mits[tg_mit_of(kobj)];
	bool on;

	if (sysfs_streq(buf, "1")) {
		on = true;
	} else if (sysfs_streq(buf, "0")) {
		on = false;
	} else {
		pr_err("invalid value for %s/enabled: use 1 or 0\n", m->name);
		return -EINVAL;
	}
	if (tg_cmdline_off) {
		pr_err("cannot enable %s: tailguard=off on the kernel command line\n",
		       m->name);
		return -EPERM;
	}
	WRITE_ONCE(m->enabled, on);
	pr_info("%s %s\n", m->name, on ? "enabled" : "disabled");
	return count;
}

static ssize_t blocked_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%ld\n",
			  atomic_long_read(&tg_mits[tg_mit_of(kobj)].blocked));
}

static ssize_t audited_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%ld\n",
			  atomic_long_read(&tg_mits[tg_mit_of(kobj)].audited));
}

static struct kobj_attribute tg_attr_state = __ATTR_RO(state);
static struct kobj_attribute tg_attr_action = __ATTR_RO(action);
static struct kobj_attribute tg_attr_enabled = __ATTR_RW(enabled);
static struct kobj_attribute tg_attr_blocked = __ATTR_RO(blocked);
static struct kobj_attribute tg_attr_audited = __ATTR_RO(audited);

static struct attribute *tg_mit_attrs[] = {
	&tg_attr_state.attr,
	&tg_attr_action.attr,
	&tg_attr_enabled.attr,
	&tg_attr_blocked.attr,
	&tg_attr_audited.attr,
	NULL,
};

static const struct attribute_group tg_mit_group = {
	.attrs = tg_mit_attrs,
};

void tg_sysfs_exit(void)
{
	int i;

	for (i = 0; i < TG_MIT_NR; i++) {
		kobject_put(tg_mits[i].kobj);
		tg_mits[i].kobj = NULL;
	}
	kobject_put(tg_mit_kobj);
	kobject_put(tg_kobj);
	tg_mit_kobj = NULL;
	tg_kobj = NULL;
}

int tg_sysfs_init(void)
{
	int i, ret;

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
	for (i = 0; i < TG_MIT_NR; i++) {
		tg_mits[i].kobj = kobject_create_and_add(tg_mits[i].name,
							 tg_mit_kobj);
		if (!tg_mits[i].kobj) {
			ret = -ENOMEM;
			goto fail;
		}
		ret = sysfs_create_group(tg_mits[i].kobj, &tg_mit_group);
		if (ret)
			goto fail;
	}
	return 0;
fail:
	pr_err("cannot create /sys/kernel/tailguard (%d)\n", ret);
	tg_sysfs_exit();
	return ret;
}
