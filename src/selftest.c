// SPDX-License-Identifier: GPL-2.0
/*
 * The only object of tailguard built with the compiler's ftrace
 * instrumentation (Kbuild): two module functions that the hook engine
 * places ftrace hooks on.
 *
 *  - tailguard_selftest_target(): the load-time self-test proves on it that
 *    an entry handler runs and that a refusal takes effect, before any
 *    kernel function is hooked.
 *  - tailguard_call_gate(): calls a kernel function that is not exported
 *    (bpf_map_get_curr_or_next) without an indirect call.  An IPMODIFY
 *    hook on the gate sets the return address of the ftrace trampoline to
 *    the target, which then runs with the gate's arguments and returns to
 *    the gate's caller.  The transfer is a return, not an indirect branch,
 *    so IBT does not require an ENDBR64 at the target: objtool may have
 *    sealed it.  Livepatch reaches its replacement functions the same way.
 *  - tailguard_orig_get_ptr(): the kernel's own prog_fd_array_get_ptr(),
 *    entered past its ftrace call site, as a BPF trampoline calls the
 *    function it is attached to (BPF_TRAMP_F_CALL_ORIG), and by the same
 *    kind of gate.  freplace_loop's replacement of that function calls it.
 */
#include <linux/compiler.h>
#include <linux/err.h>
#include "selftest.h"

noinline int tailguard_selftest_target(int x)
{
	barrier();
	return x + 1;
}

noinline unsigned long tailguard_call_gate(unsigned long arg)
{
	barrier();
	return 0;	/* the gate was not placed */
}

noinline void *tailguard_orig_get_ptr(struct bpf_map *map,
				      struct file *map_file, int fd)
{
	barrier();
	return ERR_PTR(-ENOSYS);	/* the gate was not placed */
}
