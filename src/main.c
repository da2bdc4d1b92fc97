// SPDX-License-Identifier: GPL-2.0
/*
 * tailguard: hot mitigation of the BPF freplace / prog_array bugs
 * (freplace + prog_array NULL dereference; CVE-2024-47794) on kernels that
 * lack the upstream fixes.  Module init/exit and the load banner.
 */
#include <linux/module.h>
#include <linux/utsname.h>
#include "compat.h"
#include "hook.h"
#include "state.h"
#include "tailguard.h"

/*
 * Every mitigation, in the order their hooks run on a shared function.  A
 * new mitigation is one file and one line here.
 */
struct tg_mitigation * const tg_mits[] = {
	&tg_mit_freplace_panic,
	&tg_mit_freplace_loop,
	&tg_mit_tailcall_hierarchy,
	&tg_mit_trampoline_loop,
	&tg_mit_invalid_tailcallee,
};
const unsigned int tg_nr_mits = ARRAY_SIZE(tg_mits);

static void tg_banner(void)
{
	unsigned int i;

	pr_info("version %s on %s: mode=%s%s\n", TG_VERSION,
		utsname()->release, tg_mode_name(tg_mode),
		tg_cmdline_off ?
		" (tailguard=off on the kernel command line: nothing armed)" :
		"");
	for (i = 0; i < tg_nr_mits; i++) {
		const struct tg_mitigation *m = tg_mits[i];

		if (m->policy_param)
			pr_info("%s: %s, %s=%s (%s)\n", m->name,
				tg_mit_state(m), m->policy_param,
				tg_mode_name(READ_ONCE(m->policy)), m->why);
		else
			pr_info("%s: %s (%s)\n", m->name, tg_mit_state(m),
				m->why);
	}
	if (IS_ENABLED(CONFIG_X86_KERNEL_IBT))
		pr_info("IBT kernel, IBT %s on this CPU; no hook calls into kernel text through a pointer\n",
			tg_ibt_enforced() ? "enforced" : "not enforced");
}

/*
 * Stop deciding, stop the mitigations' own work (it reads the state, which
 * is exact only while the hooks are in place), remove the hooks, drop the
 * state.
 */
static void tg_disarm_all(void)
{
	unsigned int i;

	for (i = 0; i < tg_nr_mits; i++)
		WRITE_ONCE(tg_mits[i]->armed, false);
	for (i = 0; i < tg_nr_mits; i++)
		if (tg_mits[i]->table && tg_mits[i]->disarm)
			tg_mits[i]->disarm();
	tg_hooks_remove();
	tg_state_destroy();
}

static int __init tailguard_init(void)
{
	const struct tg_hook_table *tables[ARRAY_SIZE(tg_mits)];
	unsigned int i, nr = 0;
	int ret;

	ret = tg_state_init();
	if (ret) {
		pr_err("cannot load: out of memory for the state table\n");
		return ret;
	}
	tg_cmdline_off = tg_cmdline_says_off();
	if (tg_cmdline_off) {
		tg_mode = TG_MODE_OFF;
		goto done;
	}

	ret = tg_hooks_selftest();
	if (ret)
		goto out_state;

	for (i = 0; i < tg_nr_mits; i++) {
		if (tg_mits[i]->detect)
			tg_mits[i]->detect();
		if (!tg_mits[i]->table)
			continue;
		if (tg_mits[i]->prepare) {
			ret = tg_mits[i]->prepare();
			if (ret)
				goto out_state;
		}
		tables[nr++] = tg_mits[i]->table;
	}
	ret = tg_hooks_place(tables, nr);
	if (ret)
		goto out_state;
	/* the hooks are in place: read what exists, then decide */
	for (i = 0; i < tg_nr_mits; i++) {
		if (tg_mits[i]->table && tg_mits[i]->arm) {
			ret = tg_mits[i]->arm();
			if (ret)
				goto fail;
		}
	}
	for (i = 0; i < tg_nr_mits; i++)
		if (tg_mits[i]->table)
			smp_store_release(&tg_mits[i]->armed, true);
done:
	ret = tg_sysfs_init();
	if (ret)
		goto fail;
	tg_banner();
	return 0;
fail:
	tg_disarm_all();
out_state:
	tg_state_exit();
	return ret;
}

static void __exit tailguard_exit(void)
{
	tg_sysfs_exit();
	tg_disarm_all();
	tg_state_exit();
	pr_info("unloaded\n");
}

module_init(tailguard_init);
module_exit(tailguard_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION(TG_VERSION);
MODULE_AUTHOR("tailguard developers");
MODULE_DESCRIPTION("Hot mitigation of BPF freplace / tail-call bugs (CVE-2024-47794)");
