// SPDX-License-Identifier: GPL-2.0
/* Placeholder: proves the build and lab pipeline until the module lands. */
#include <linux/module.h>

static int __init tailguard_init(void)
{
	pr_info("tailguard: loaded\n");
	return 0;
}

static void __exit tailguard_exit(void)
{
	pr_info("tailguard: unloaded\n");
}

module_init(tailguard_init);
module_exit(tailguard_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Hot mitigation of BPF tail-call bugs");
