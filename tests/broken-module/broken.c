// SPDX-License-Identifier: GPL-2.0
/*
 * broken.ko - a deliberately broken module, NEVER shipped.
 *
 * Its init takes a mutex (which may sleep) while holding a spinlock, i.e.
 * in atomic context.  On the lab-debug kernel (DEBUG_ATOMIC_SLEEP,
 * PROVE_LOCKING) this must produce
 *   "BUG: sleeping function called from invalid context"
 * and lockdep's "Invalid wait context" report, which run-vm turns into
 * VM-VERDICT: SPLAT.  On a kernel without those options it loads silently:
 * that is the point of the debug variant.
 *
 *   make broken-module
 *   tests/vm/run-vm -k lab-debug -f build/lab-debug/broken.ko \
 *           -c 'insmod /bin/broken.ko'
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>

static DEFINE_SPINLOCK(broken_lock);
static DEFINE_MUTEX(broken_mutex);
static int broken_counter;

static int __init broken_init(void)
{
	spin_lock(&broken_lock);
	mutex_lock(&broken_mutex);	/* BUG: may sleep under a spinlock */
	broken_counter++;
	mutex_unlock(&broken_mutex);
	spin_unlock(&broken_lock);
	pr_info("broken: took a mutex in atomic context (counter %d)\n",
		broken_counter);
	return 0;
}

static void __exit broken_exit(void)
{
}

module_init(broken_init);
module_exit(broken_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("tailguard test: sleeps in atomic context (debug-kernel oracle check, never shipped)");
