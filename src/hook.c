// SPDX-License-Identifier: GPL-2.0
/*
 * tailguard hook engine (include/hook.h has the model).
 *
 * One site per hooked function: an ftrace_ops for the entry handlers
 * (IPMODIFY only when one of them may refuse, PERMANENT so that
 * kernel.ftrace_enabled=0 cannot silently disarm a mitigation) and a
 * kretprobe for the return handlers.  The function is found once, by name,
 * and both are placed on that one address, so a site is exactly one
 * function even where a name exists twice.
 */
#include <linux/cpumask.h>
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/uaccess.h>
#include "compat.h"
#include "hook.h"
#include "selftest.h"

#define TG_MAX_SITES	8
#define TG_SITE_HOOKS	3

struct tg_site {
	const char *func;
	unsigned long addr;
	const struct tg_hook *entry[TG_SITE_HOOKS];
	const struct tg_hook *ret[TG_SITE_HOOKS];
	unsigned int nr_entry, nr_ret;
	bool refuses;
	bool gate;
	bool nop;		/* bench builds: run no handler */
	bool ops_on, krp_on;
	struct ftrace_ops ops;
	struct kretprobe krp;
};

#ifdef TG_BENCH
/*
 * Bench builds only (make module TG_BENCH=1, never DKMS): leave out hooks
 * by name, "func" or "func:entry" / "func:ret", comma separated, or keep a
 * site but run none of its handlers ("func:nop"), so that make bench can
 * split the cost by hook, and a hook's cost into the mechanism's and the
 * handler's.  The mitigations are not exact then.
 */
static char *bench_skip = "";
module_param(bench_skip, charp, 0444);
MODULE_PARM_DESC(bench_skip, "bench builds: hooks to leave out");

static bool tg_bench_skipped(const char *func, const char *part)
{
	size_t n = strlen(func);
	const char *p = bench_skip;

	while ((p = strstr(p, func))) {
		bool start = p == bench_skip || p[-1] == ',';
		const char *e = p + n;

		if (start && (!*e || *e == ',' ||
			      (*e == ':' && !strncmp(e + 1, part, strlen(part)))))
			return true;
		p = e;
	}
	return false;
}
#define tg_bench_nop(s)	tg_bench_skipped((s)->func, "nop")
#else
static bool tg_bench_skipped(const char *func, const char *part)
{
	return false;
}
#define tg_bench_nop(s)	false
#endif

static struct tg_site tg_sites[TG_MAX_SITES];
static unsigned int tg_nr_sites;
static atomic_long_t tg_missed = ATOMIC_LONG_INIT(0);

/* --- refusal stubs: the hooked function "returns" one of these ---------- */

noinline bool tg_refuse_false(void)
{
	return false;
}

noinline int tg_refuse_ebusy(void)
{
	return -EBUSY;
}

noinline int tg_refuse_enomem(void)
{
	return -ENOMEM;
}

noinline int tg_refuse_einval(void)
{
	return -EINVAL;
}

/* --- handlers ------------------------------------------------------------ */

static void tg_ftrace_cb(unsigned long ip, unsigned long parent_ip,
			 struct ftrace_ops *ops, tg_fregs_t *fregs)
{
	struct tg_site *s = container_of(ops, struct tg_site, ops);
	struct pt_regs *regs = tg_ftrace_regs(fregs);
	unsigned int i;
	int bit;

	bit = tg_recursion_trylock(ip, parent_ip);
	if (bit < 0) {
		/* cannot happen: no handler calls a hooked function */
		atomic_long_inc(&tg_missed);
		return;
	}
	for (i = 0; i < s->nr_entry && !s->nop; i++) {
		void *stub = s->entry[i]->entry(regs);

		if (stub) {
			instruction_pointer_set(regs, (unsigned long)stub);
			break;
		}
	}
	tg_recursion_unlock(bit);
}

static int tg_kret_cb(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct tg_site *s = container_of(tg_get_kretprobe(ri), struct tg_site,
					 krp);
	unsigned int i;

	for (i = 0; i < s->nr_ret && !s->nop; i++)
		s->ret[i]->ret(regs);
	return 0;
}

/* --- symbols ------------------------------------------------------------- */

static bool tg_is_endbr(unsigned long addr)
{
	u32 insn;

	if (copy_from_kernel_nofault(&insn, (void *)addr, sizeof(insn)))
		return false;
	return insn == TG_ENDBR64;
}

/*
 * Address of a kernel function without kallsyms_lookup_name() (unexported
 * since 5.7): place a kprobe on it and read the address back.  A kprobe
 * lands behind the ENDBR64 of an IBT kernel: step back to the symbol.  May
 * sleep; init only.  0 when the function cannot be probed.
 */
unsigned long tg_lookup_symbol(const char *name)
{
	struct kprobe kp = { .symbol_name = name };
	unsigned long addr;

	if (register_kprobe(&kp) < 0)
		return 0;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	if (IS_ENABLED(CONFIG_X86_KERNEL_IBT) &&
	    tg_is_endbr(addr - TG_ENDBR_SIZE))
		addr -= TG_ENDBR_SIZE;
	return addr;
}

/*
 * Where the body of the function at @addr starts: past its ENDBR64 and its
 * 5-byte ftrace call site, as a BPF trampoline calls the function it is
 * attached to.  0 if the first instruction is not what ftrace placed
 * there (the nop, or a call while the function is traced).
 */
unsigned long tg_past_fentry(unsigned long addr)
{
	u8 op[5];

	if (tg_is_endbr(addr))
		addr += TG_ENDBR_SIZE;
	if (copy_from_kernel_nofault(op, (void *)addr, sizeof(op)))
		return 0;
	/* call rel32, or x86's 5-byte nop (nopl 0x0(%rax,%rax,1)) */
	if (op[0] != 0xe8 &&
	    memcmp(op, "\x0f\x1f\x44\x00\x00", sizeof(op)))
		return 0;
	return addr + sizeof(op);
}

/* --- the call gate (src/selftest.c) -------------------------------------- */

static unsigned long tg_gate_fn;

static void tg_gate_cb(unsigned long ip, unsigned long parent_ip,
		       struct ftrace_ops *ops, tg_fregs_t *fregs)
{
	struct pt_regs *regs = tg_ftrace_regs(fregs);
	unsigned long fn = READ_ONCE(tg_gate_fn);

	if (fn)
		instruction_pointer_set(regs, fn);
}

static struct ftrace_ops tg_gate_ops;
static bool tg_gate_on;

static int tg_gate_place(void)
{
	int ret;

	if (tg_gate_on)
		return 0;
	/* an ops is not reusable once its filter is freed: start afresh */
	memset(&tg_gate_ops, 0, sizeof(tg_gate_ops));
	tg_gate_ops.func = tg_gate_cb;
	tg_gate_ops.flags = TG_FTRACE_FLAGS | FTRACE_OPS_FL_IPMODIFY;
	ret = ftrace_set_filter_ip(&tg_gate_ops,
				   (unsigned long)tailguard_call_gate, 0, 0);
	if (!ret)
		ret = register_ftrace_function(&tg_gate_ops);
	if (ret) {
		tg_ftrace_free_filter(&tg_gate_ops);
		pr_err("cannot place the call gate (%d)\n", ret);
		return ret;
	}
	tg_gate_on = true;
	return 0;
}

void tg_call_gate_close(void)
{
	if (!tg_gate_on)
		return;
	unregister_ftrace_function(&tg_gate_ops);
	tg_ftrace_free_filter(&tg_gate_ops);
	tg_gate_on = false;
}

/*
 * fn(arg) for a function of the kernel that is not exported.  Init only
 * (one caller at a time); tg_call_gate_close() when done.  Returns 0 if the
 * gate cannot be placed.
 */
unsigned long tg_call_gate(unsigned long fn, unsigned long arg)
{
	unsigned long (*gate)(unsigned long) = tailguard_call_gate;
	unsigned long ret;

	if (tg_gate_place())
		return 0;
	/* an opaque call: no constant folding of the gate's own result */
	OPTIMIZER_HIDE_VAR(gate);
	WRITE_ONCE(tg_gate_fn, fn);
	ret = gate(arg);
	WRITE_ONCE(tg_gate_fn, 0);
	return ret;
}

/* --- placing and removing sites ------------------------------------------ */

static struct tg_site *tg_site_of(const char *func)
{
	unsigned int i;

	for (i = 0; i < tg_nr_sites; i++)
		if (!strcmp(tg_sites[i].func, func))
			return &tg_sites[i];
	if (tg_nr_sites == TG_MAX_SITES)
		return NULL;
	memset(&tg_sites[tg_nr_sites], 0, sizeof(tg_sites[0]));
	tg_sites[tg_nr_sites].func = func;
	return &tg_sites[tg_nr_sites++];
}

static int tg_site_add(const struct tg_hook *h)
{
	struct tg_site *s = tg_site_of(h->func);

	if (!s || (h->entry && s->nr_entry == TG_SITE_HOOKS) ||
	    (h->ret && s->nr_ret == TG_SITE_HOOKS))
		return -E2BIG;
	if (h->entry && !tg_bench_skipped(h->func, "entry")) {
		s->entry[s->nr_entry++] = h;
		s->refuses |= h->refuses;
		s->gate |= h->gate;
	}
	if (h->ret && !tg_bench_skipped(h->func, "ret"))
		s->ret[s->nr_ret++] = h;
	s->nop = tg_bench_nop(s);
	return 0;
}

/* Find @s's function and place its return probe. */
static int tg_site_place_ret(struct tg_site *s)
{
	int ret;

	s->addr = tg_lookup_symbol(s->func);
	if (!s->addr) {
		pr_err("cannot hook %s: no such function on this kernel (or kprobes unavailable)\n",
		       s->func);
		return -ENOENT;
	}
	if (!s->nr_ret)
		return 0;
	s->krp.kp.addr = (kprobe_opcode_t *)s->addr;
	s->krp.handler = tg_kret_cb;
	/* an instance per task inside the function at once */
	s->krp.maxactive = max_t(int, 64, 16 * num_possible_cpus());
	ret = register_kretprobe(&s->krp);
	if (ret) {
		pr_err("cannot hook %s: return probe refused (%d)\n", s->func,
		       ret);
		return ret;
	}
	s->krp_on = true;
	return 0;
}

static int tg_site_place_entry(struct tg_site *s)
{
	int ret;

	if (!s->nr_entry)
		return 0;
	s->ops.func = tg_ftrace_cb;
	s->ops.flags = TG_FTRACE_FLAGS | TG_FTRACE_PERMANENT |
		       TG_FTRACE_OWN_RECURSION;
	if (s->refuses)
		s->ops.flags |= FTRACE_OPS_FL_IPMODIFY;
	ret = ftrace_set_filter_ip(&s->ops, s->addr, 0, 0);
	if (ret) {
		pr_err("cannot hook %s: not a traceable function (%d)\n",
		       s->func, ret);
		return ret;
	}
	ret = register_ftrace_function(&s->ops);
	if (ret) {
		pr_err("cannot hook %s: %s (%d)\n", s->func,
		       ret == -EBUSY ?
		       "already modified by another IPMODIFY user (a livepatch?) or ftrace disabled" :
		       "ftrace registration failed", ret);
		tg_ftrace_free_filter(&s->ops);
		return ret;
	}
	s->ops_on = true;
	return 0;
}

static void tg_site_remove_entry(struct tg_site *s)
{
	if (s->ops_on) {
		/* klp order: stop the calls, then drop the filter */
		unregister_ftrace_function(&s->ops);
		tg_ftrace_free_filter(&s->ops);
		s->ops_on = false;
	}
}

static void tg_site_remove_ret(struct tg_site *s)
{
	if (s->krp_on) {
		unregister_kretprobe(&s->krp);
		atomic_long_add(s->krp.nmissed, &tg_missed);
		s->krp_on = false;
	}
}

/* Place every hook of @tables, all or nothing. */
int tg_hooks_place(const struct tg_hook_table **tables, unsigned int nr)
{
	unsigned int t, i;
	int ret = 0;

	tg_nr_sites = 0;
	for (t = 0; t < nr && !ret; t++)
		for (i = 0; i < tables[t]->nr && !ret; i++)
			ret = tg_site_add(&tables[t]->hooks[i]);
	if (ret) {
		pr_err("cannot hook: more sites than the engine holds\n");
		tg_nr_sites = 0;
		return ret;
	}
	/*
	 * Return probes first, entry hooks last: a return handler closes
	 * what an entry handler opened (a ticket), so no call may pass an
	 * entry hook and then leave unseen.  A call already inside a probed
	 * function (prog_fd_array_get_ptr() never sleeps) has left it once
	 * RCU-tasks says so; only then may its callee's entry hook see it.
	 */
	for (i = 0; i < tg_nr_sites && !ret; i++)
		ret = tg_site_place_ret(&tg_sites[i]);
	if (!ret)
		synchronize_rcu_tasks();
	/* gates before the hooks that lead into them */
	for (i = 0; i < tg_nr_sites && !ret; i++)
		if (tg_sites[i].gate)
			ret = tg_site_place_entry(&tg_sites[i]);
	for (i = 0; i < tg_nr_sites && !ret; i++)
		if (!tg_sites[i].gate)
			ret = tg_site_place_entry(&tg_sites[i]);
	if (ret)
		tg_hooks_remove();
	return ret;
}

/*
 * Remove every site.  Afterwards no handler runs, and no task is left in a
 * refusal stub: a task preempted there is not quiescent for RCU-tasks.
 */
void tg_hooks_remove(void)
{
	unsigned int i;

	/* the reverse: no entry handler runs whose return goes unseen */
	for (i = tg_nr_sites; i-- > 0;)
		if (!tg_sites[i].gate)
			tg_site_remove_entry(&tg_sites[i]);
	/*
	 * A task between a hook and its gate is not quiescent for RCU-tasks
	 * (nothing there sleeps): once this returns, none is.
	 */
	synchronize_rcu_tasks();
	for (i = tg_nr_sites; i-- > 0;)
		tg_site_remove_entry(&tg_sites[i]);
	for (i = tg_nr_sites; i-- > 0;)
		tg_site_remove_ret(&tg_sites[i]);
	tg_nr_sites = 0;
	tg_call_gate_close();
	synchronize_rcu_tasks();
}

/* Calls a handler could not see (recursion, no kretprobe instance free). */
unsigned long tg_hooks_missed(void)
{
	unsigned long n = atomic_long_read(&tg_missed);
	unsigned int i;

	for (i = 0; i < tg_nr_sites; i++)
		if (tg_sites[i].krp_on)
			n += READ_ONCE(tg_sites[i].krp.nmissed);
	return n;
}

/* --- self-test ------------------------------------------------------------ */

static int tg_st_entries, tg_st_returns;
static long tg_st_retval;

static void *tg_st_entry(struct pt_regs *regs)
{
	if (tg_arg1(regs) != 41)
		return NULL;
	tg_st_entries++;
	return tg_refuse_ebusy;
}

static void tg_st_ret(struct pt_regs *regs)
{
	tg_st_returns++;
	tg_st_retval = (int)regs_return_value(regs);
}

static const struct tg_hook tg_st_hooks[] = {
	{ .func = "tailguard_selftest_target", .entry = tg_st_entry,
	  .refuses = true, .ret = tg_st_ret },
};

static const struct tg_hook_table tg_st_table = {
	.owner = "self-test", .hooks = tg_st_hooks,
	.nr = ARRAY_SIZE(tg_st_hooks),
};

static noinline unsigned long tg_st_gated(unsigned long x)
{
	return x ^ 0x7467;
}

/*
 * Prove, before any kernel function is hooked, that an entry handler runs
 * and refuses, that a return handler sees the result, and that the call
 * gate reaches its target (LKRG's verify-kprobes pattern).
 */
int tg_hooks_selftest(void)
{
	const struct tg_hook_table *tables[] = { &tg_st_table };
	int (*fn)(int) = tailguard_selftest_target;
	unsigned long gated;
	int ret, got, plain;

	OPTIMIZER_HIDE_VAR(fn);
	ret = tg_hooks_place(tables, 1);
	if (ret) {
		pr_err("self-test failed: cannot hook the module's own test function (%d)\n",
		       ret);
		return ret;
	}
	got = fn(41);
	plain = fn(1);
	gated = tg_call_gate((unsigned long)tg_st_gated, 1);
	tg_hooks_remove();
	if (got != -EBUSY || plain != 2 || tg_st_entries != 1 ||
	    tg_st_returns != 2 || tg_st_retval != 2 ||
	    gated != (1 ^ 0x7467)) {
		pr_err("self-test failed: hooks did not act (refused=%d plain=%d entries=%d returns=%d gate=%lu)\n",
		       got, plain, tg_st_entries, tg_st_returns, gated);
		return -ENODEV;
	}
	pr_info("self-test passed: entry refusal, return probe and call gate work\n");
	return 0;
}
