/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One API over the kernels tailguard supports.  Every switch below comes from
 * a build-time probe of the target's headers (src/probe.sh writes
 * tg_features.h), never from LINUX_VERSION_CODE: Debian and stable backport.
 */
#ifndef TG_COMPAT_H
#define TG_COMPAT_H

#include <linux/ftrace.h>
#include <linux/ptrace.h>
#include "tg_features.h"

#ifdef TG_HAVE_RECURSION_TRYLOCK
#include <linux/trace_recursion.h>
#endif

/*
 * ftrace callback argument: struct ftrace_regs since 5.11, pt_regs before.
 * Where the arch's ftrace_regs wraps a pt_regs (x86 with
 * DYNAMIC_FTRACE_WITH_ARGS, 5.11 .. 6.12), the cheaper ftrace_caller fills
 * in the argument registers and takes back a changed ip (livepatch relies
 * on it): no SAVE_REGS needed.  Elsewhere SAVE_REGS gives the full pt_regs.
 */
#if defined(TG_HAVE_FTRACE_REGS) && defined(TG_HAVE_FTRACE_REGS_PT_REGS)
typedef struct ftrace_regs tg_fregs_t;
#define TG_FTRACE_FLAGS		0
static __always_inline struct pt_regs *tg_ftrace_regs(tg_fregs_t *fregs)
{
	return &fregs->regs;
}
#elif defined(TG_HAVE_FTRACE_REGS)
typedef struct ftrace_regs tg_fregs_t;
#define TG_FTRACE_FLAGS		FTRACE_OPS_FL_SAVE_REGS
static __always_inline struct pt_regs *tg_ftrace_regs(tg_fregs_t *fregs)
{
	/* non-NULL: FTRACE_OPS_FL_SAVE_REGS */
	return ftrace_get_regs(fregs);
}
#else
typedef struct pt_regs tg_fregs_t;
#define TG_FTRACE_FLAGS		FTRACE_OPS_FL_SAVE_REGS
static __always_inline struct pt_regs *tg_ftrace_regs(tg_fregs_t *regs)
{
	return regs;
}
#endif

/*
 * Recursion protection.  5.11 reversed the meaning of the ops flag
 * (RECURSION_SAFE "I am safe" became RECURSION "protect me"); take the
 * trylock ourselves where it exists, as livepatch does, and otherwise leave
 * the old flag clear so that ftrace protects the callback.
 */
#ifdef TG_HAVE_RECURSION_TRYLOCK
#define tg_recursion_trylock(ip, pip)	ftrace_test_recursion_trylock(ip, pip)
#define tg_recursion_unlock(bit)	ftrace_test_recursion_unlock(bit)
#else
#define tg_recursion_trylock(ip, pip)	0
#define tg_recursion_unlock(bit)	((void)(bit))
#endif

/*
 * Our callbacks test recursion themselves (and so disable preemption):
 * ftrace then calls them directly instead of through its assist wrapper.
 */
#if defined(TG_HAVE_FTRACE_OPS_RECURSION) && defined(TG_HAVE_RECURSION_TRYLOCK)
#define TG_FTRACE_OWN_RECURSION	FTRACE_OPS_FL_RECURSION
#else
#define TG_FTRACE_OWN_RECURSION	0
#endif

#ifdef TG_HAVE_FTRACE_PERMANENT
#define TG_FTRACE_PERMANENT	FTRACE_OPS_FL_PERMANENT
#else
#define TG_FTRACE_PERMANENT	0
#endif

/*
 * Drop an unregistered ops' filter: ftrace_free_filter() is exported since
 * 5.19; before, an empty reset frees the hash all the same.
 */
static inline void tg_ftrace_free_filter(struct ftrace_ops *ops)
{
#ifdef TG_HAVE_FTRACE_FREE_FILTER
	ftrace_free_filter(ops);
#else
	ftrace_set_filter(ops, NULL, 0, 1);
#endif
}

/*
 * Which generation of the two bugs does this kernel carry?
 *
 * Loop (CVE-2024-47794): needs the resolved map-owner type of 1c123c567fb1
 * (bpf_prog_map_compatible(); every kernel tailguard supports that has it
 * is >= 6.1.4) and is fixed when bpf_prog_aux has is_extended (d6083f040d5d).
 *
 * Panic: resolve_prog_type() dereferencing aux->dst_prog (4a9c7bbe2ed4)
 * on a kernel whose prog_array check resolves the type (1c123c567fb1).
 * probe.sh fails the build when it cannot tell which resolve_prog_type()
 * a kernel with bpf_prog_map_compatible() has: never guess.
 */
#if defined(TG_HAVE_IS_EXTENDED)
#define TG_LOOP_BUG	0
#define TG_LOOP_NA	0
#define TG_LOOP_WHY	"bpf_prog_aux has is_extended: d6083f040d5d is in this kernel"
#elif defined(TG_HAVE_PROG_MAP_COMPATIBLE)
#define TG_LOOP_BUG	1
#define TG_LOOP_NA	0
#define TG_LOOP_WHY	"no is_extended in bpf_prog_aux: CVE-2024-47794 is open"
#else
#define TG_LOOP_BUG	0
#define TG_LOOP_NA	1
#define TG_LOOP_WHY	"bpf_prog_array_compatible(): the owner type is not resolved, a freplace target cannot share its array"
#endif

#if defined(TG_RESOLVE_DEREF) && defined(TG_HAVE_PROG_MAP_COMPATIBLE)
#define TG_PANIC_BUG	1
#define TG_PANIC_NA	0
#define TG_PANIC_WHY	"resolve_prog_type() dereferences aux->dst_prog, NULL once a freplace is attached"
#elif defined(TG_RESOLVE_SAVED) || defined(TG_RESOLVE_NULL_CHECKED)
#define TG_PANIC_BUG	0
#define TG_PANIC_NA	0
#define TG_PANIC_WHY	"resolve_prog_type() does not dereference aux->dst_prog (f7866c358733/fdad456cbcca)"
#else
#define TG_PANIC_BUG	0
#define TG_PANIC_NA	1
#define TG_PANIC_WHY	"prog_array updates do not resolve the EXT target type"
#endif

/*
 * The loop mitigation's code builds wherever its types exist (6.1, 6.12),
 * armed or not, so every supported kernel compiles it.  A kernel with the
 * bug but without them is one tailguard has never seen: refuse to build.
 */
#if defined(TG_HAVE_TRAMP_LINK) && defined(TG_HAVE_MAP_CURR_OR_NEXT) && \
	defined(TG_HAVE_PROG_MAP_COMPATIBLE) && defined(TG_HAVE_POKE_MUTEX)
#define TG_LOOP_CODE	1
#else
#define TG_LOOP_CODE	0
#endif

#if TG_LOOP_BUG && !TG_LOOP_CODE
#error "tailguard: kernel with CVE-2024-47794 but an unknown BPF layout (struct bpf_tramp_link, bpf_map_get_curr_or_next() or bpf_array_aux::poke_mutex missing; see src/probe.sh)"
#endif

/* the kretprobe of a kretprobe instance: get_kretprobe() since 5.11 */
#ifdef TG_HAVE_GET_KRETPROBE
#define tg_get_kretprobe(ri)	get_kretprobe(ri)
#else
#define tg_get_kretprobe(ri)	((ri)->rp)
#endif

/* ENDBR64 (f3 0f 1e fa), the IBT landing pad. */
#define TG_ENDBR64	0xfa1e0ff3U
#define TG_ENDBR_SIZE	4

/*
 * Is IBT enforced right now?  An IBT-built kernel enforces it only on a CPU
 * with CET-IBT and without ibt=off: both clear X86_FEATURE_IBT otherwise.
 * Only then must an indirect call land on ENDBR64.
 */
#include <asm/cpufeature.h>
static inline bool tg_ibt_enforced(void)
{
#if defined(CONFIG_X86_KERNEL_IBT) && defined(X86_FEATURE_IBT)
	return boot_cpu_has(X86_FEATURE_IBT);
#else
	return false;
#endif
}

#endif /* TG_COMPAT_H */
