// SPDX-License-Identifier: GPL-2.0
/*
 * tg-harness: tailguard's policies (src/mitigate_hierarchy.c,
 * src/mitigate_trampoline_loop.c, src/mitigate_invalid_tailcallee.c).
 * Each scenario switches the policies it tests to enforce itself where the
 * module is loaded (their sysfs files exist) and puts the old values back
 * at teardown, so these rows run in the matrix's existing states: in
 * "loaded" the policy is enforced, in "audit" the global mode makes it
 * audit, in "bare" and "unloaded" there is no module.
 *
 *   hierarchy_load         the tailcall_bpf2bpf_hierarchy pattern, loaded
 *                          and never run (running it hangs an unfixed
 *                          kernel): the load's result is the outcome
 *   hierarchy_run          the same pattern, run (solo: an unfixed JIT
 *                          never stops it): PASS at count 34, or EINVAL
 *   ctl_hierarchy_allowed  tail calls from main progs that make bpf2bpf
 *                          calls: loaded and run, the limit holds (PASS)
 *   trampoline_loop[_fexit] fentry (fexit) on a subprog that tail-calls
 *                          (tailcall_bpf2bpf_fentry), then run: the
 *                          attach's refusal, or PASS when the limit holds;
 *                          an unfixed kernel never stops
 *   ctl_trampoline_allowed fentry on a subprog without tail calls, fexit
 *                          on a tail-calling main prog: attached, run
 *   invalid_tailcallee     a TC-targeted EXT prog into an EXT-owned
 *                          PROG_ARRAY; accepted, the XDP prog that tail-
 *                          calls through it returns the TC prog's value
 *   ctl_policies_all       every policy enforced: tail-call chains, bpf2bpf
 *                          calls, fentry and freplace work as before
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "harness.h"
#include "../../include/uapi/tailguard.h"
#include "freplace_ret.skel.h"
#include "freplace_tailcallee.skel.h"
#include "tailcall3.skel.h"
#include "tailcall_bpf2bpf2.skel.h"
#include "tailcall_hierarchy.skel.h"
#include "tailcall_main_bpf2bpf.skel.h"
#include "tc_bpf2bpf.skel.h"
#include "trace_count.skel.h"
#include "xdp_bpf2bpf.skel.h"

#define TG_TC_CALLEE_RET	77	/* freplace_tailcallee.bpf.c */

struct policy_saved {
	char path[128];
	char old[16];
};

static int policy_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, val, strlen(val)) < 0)
		err = errno;
	close(fd);
	return err;
}

static void policy_restore(void *arg)
{
	struct policy_saved *p = arg;

	policy_write(p->path, p->old);
	free(p);
}

/* the policy of mitigation @mit = enforce until teardown, where the module is loaded */
static bool policy_enforce(struct tg_fixture *fx, const char *mit)
{
	struct policy_saved *p = calloc(1, sizeof(*p));
	FILE *f;

	if (!ASSERT_OK_PTR(p, "calloc"))
		return false;
	snprintf(p->path, sizeof(p->path), "%s/%s/%s", TG_SYSFS_MITS, mit,
		 TG_F_POLICY);
	f = fopen(p->path, "r");
	if (!f) {
		free(p);
		res_kv("%s=none", mit);
		return true;
	}
	if (!fgets(p->old, sizeof(p->old), f))
		p->old[0] = 0;
	fclose(f);
	p->old[strcspn(p->old, "\n")] = 0;
	if (!ASSERT_OK(policy_write(p->path, TG_MODE_NAME_ENFORCE), mit)) {
		free(p);
		return false;
	}
	fx_defer(fx, policy_restore, p);
	res_kv("%s=%s->enforce", mit, p->old);
	return true;
}

TG_DESTROY(tailcall_hierarchy)

TG_DESTROY(tailcall_main_bpf2bpf)

TG_SCENARIO(hierarchy_load,
	    "load a prog whose subprog tail-calls (tailcall_bpf2bpf_hierarchy); never run (fixed: OK; policy_hierarchy=enforce: EINVAL)")
{
	struct tailcall_hierarchy *o;

	if (!policy_enforce(fx, TG_MIT_NAME_HIER))
		return;
	o = tailcall_hierarchy__open();
	if (!ASSERT_OK_PTR(o, "open tailcall_hierarchy"))
		return;
	fx_defer(fx, tailcall_hierarchy_destroy, o);
	OUTCOME(tailcall_hierarchy__load(o));
}

/*
 * The selftest tailcall_bpf2bpf_hierarchy_1, run: slot 0 <- entry itself.
 * 116e04ba1459's JIT stops it at count 34 (retval 1); an unfixed one never
 * stops (6.1.0-56: RCU stall).  With the policy the load is refused.
 */
TG_SCENARIO(hierarchy_run,
	    "load and run the tailcall_bpf2bpf_hierarchy pattern (fixed JIT: PASS count 34; unfixed: never ends; policy_hierarchy=enforce: EINVAL)")
{
	struct tailcall_hierarchy *o;
	__u32 retval;
	int efd;

	if (!policy_enforce(fx, TG_MIT_NAME_HIER))
		return;
	o = tailcall_hierarchy__open();
	if (!ASSERT_OK_PTR(o, "open tailcall_hierarchy"))
		return;
	fx_defer(fx, tailcall_hierarchy_destroy, o);
	if (!OUTCOME_STEP(tailcall_hierarchy__load(o), "load"))
		return;
	efd = bpf_program__fd(o->progs.entry);
	if (!ASSERT_OK(fx_slot_set(fx, bpf_map__fd(o->maps.jmp_table), efd),
		       "entry into jmp_table") ||
	    !ASSERT_OK(test_run(efd, &retval), "test_run"))
		return;
	EXPECT_EQ(o->bss->count, 34, "count");
	EXPECT_EQ(retval, 1, "retval");
}

TG_SCENARIO(ctl_hierarchy_allowed,
	    "main-prog tail calls + bpf2bpf calls load and run under policy_hierarchy=enforce: count 33 (PASS)")
{
	struct tailcall_main_bpf2bpf *o;

	if (!policy_enforce(fx, TG_MIT_NAME_HIER))
		return;
	o = tailcall_main_bpf2bpf__open_and_load();
	if (!ASSERT_OK_PTR(o, "load tailcall_main_bpf2bpf"))
		return;
	fx_defer(fx, tailcall_main_bpf2bpf_destroy, o);
	expect_tailcall_limit(fx, bpf_map__fd(o->maps.jmp_table),
			      bpf_program__fd(o->progs.entry),
			      bpf_program__fd(o->progs.classifier_0),
			      &o->bss->count);
}

/* --- trampoline_loop ------------------------------------------------------ */

TG_DESTROY(tailcall_bpf2bpf2)

TG_DESTROY(trace_count)

/* tailcall_bpf2bpf2, loaded, slot 0 = classifier_0 (emptied at teardown) */
static struct tailcall_bpf2bpf2 *bpf2bpf2_load(struct tg_fixture *fx)
{
	struct tailcall_bpf2bpf2 *o = tailcall_bpf2bpf2__open_and_load();

	if (!ASSERT_OK_PTR(o, "load tailcall_bpf2bpf2"))
		return NULL;
	fx_defer(fx, tailcall_bpf2bpf2_destroy, o);
	if (!ASSERT_OK(fx_slot_set(fx, bpf_map__fd(o->maps.jmp_table),
				   bpf_program__fd(o->progs.classifier_0)),
		       "classifier_0 into jmp_table"))
		return NULL;
	return o;
}

/*
 * trace_count's fentry (@fexit false) or fexit prog, loaded against @func
 * of the prog @tgt_fd; the other one is not loaded.
 */
static struct trace_count *trace_load(struct tg_fixture *fx, int tgt_fd,
				      const char *func, bool fexit,
				      struct bpf_program **prog)
{
	struct trace_count *t = trace_count__open();
	struct bpf_program *other;
	int err;

	if (!ASSERT_OK_PTR(t, "open trace_count"))
		return NULL;
	fx_defer(fx, trace_count_destroy, t);
	*prog = fexit ? t->progs.fexit_count : t->progs.fentry_count;
	other = fexit ? t->progs.fentry_count : t->progs.fexit_count;
	err = bpf_program__set_autoload(other, false);
	err = err ?: bpf_program__set_attach_target(*prog, tgt_fd, func);
	err = err ?: trace_count__load(t);
	if (!ASSERT_OK(err, "load trace_count"))
		return NULL;
	return t;
}

TG_DESTROY(bpf_link)

/* an fentry/fexit link of @prog; NULL and *err if refused */
static struct bpf_link *trace_attach(struct tg_fixture *fx,
				     struct bpf_program *prog, int *err)
{
	struct bpf_link *link;

	errno = 0;
	link = bpf_program__attach_trace(prog);
	if (!link) {
		*err = errno ? errno : EINVAL;
		return NULL;
	}
	*err = 0;
	fx_defer(fx, bpf_link_destroy, link);
	return link;
}

#define TRAMP_FEXIT	1

/*
 * 2b5dcb31a19a's selftests tailcall_bpf2bpf_fentry and _fexit: slot 0 =
 * classifier_0, a trace prog on its subprog_tail, run entry: count 33 and
 * retval 1 on a fixed kernel (the trampoline keeps tail_call_cnt), no end
 * on an unfixed one.
 */
static void trampoline_loop(struct tg_fixture *fx)
{
	bool fexit = fx->variant & TRAMP_FEXIT;
	struct tailcall_bpf2bpf2 *o;
	struct bpf_program *prog;
	struct trace_count *t;
	__u32 retval;
	int err, cfd;

	if (!policy_enforce(fx, TG_MIT_NAME_TRAMP))
		return;
	o = bpf2bpf2_load(fx);
	if (!o)
		return;
	cfd = bpf_program__fd(o->progs.classifier_0);
	t = trace_load(fx, cfd, "subprog_tail", fexit, &prog);
	if (!t)
		return;
	trace_attach(fx, prog, &err);
	if (!OUTCOME_STEP(err, "attach"))
		return;
	err = test_run(bpf_program__fd(o->progs.entry), &retval);
	if (!ASSERT_OK(err, "test_run"))
		return;
	EXPECT_EQ(o->bss->count, 33, "count");
	EXPECT_EQ(retval, 1, "retval");
	EXPECT_EQ(fexit ? t->bss->fexit_hits : t->bss->fentry_hits, 33, "hits");
}

TG_VARIANT(trampoline_loop, trampoline_loop, 0,
	   "fentry on a subprog that tail-calls, run (fixed: PASS count 33; unfixed: never ends; policy_trampoline_loop=enforce: EINVAL)");
TG_VARIANT(trampoline_loop_fexit, trampoline_loop, TRAMP_FEXIT,
	   "fexit on a subprog that tail-calls, run (fixed: PASS count 33; unfixed: never ends; policy_trampoline_loop=enforce: EINVAL)");

/* fentry on subprog_tc of T (no tail call): one hit, T's retval 1 */
static void expect_fentry_plain(struct tg_fixture *fx)
{
	struct bpf_program *prog;
	struct trace_count *t;
	__u32 retval;
	int tfd, err;

	if (!fx_target(fx, &tfd, NULL))
		return;
	t = trace_load(fx, tfd, "subprog_tc", false, &prog);
	if (!t)
		return;
	trace_attach(fx, prog, &err);
	if (!EXPECT_OK(err, "fentry_attach"))
		return;
	if (!ASSERT_OK(test_run(tfd, &retval), "test_run"))
		return;
	EXPECT_EQ(t->bss->fentry_hits, 1, "fentry_hits");
	EXPECT_EQ(retval, 1, "fentry_retval");
}

TG_SCENARIO(ctl_trampoline_allowed,
	    "fentry on a subprog without tail calls, fexit on a tail-calling main prog: attach and run under policy_trampoline_loop=enforce (PASS)")
{
	struct tailcall_bpf2bpf2 *o;
	struct bpf_program *prog;
	struct trace_count *t;
	__u32 retval;
	int err;

	if (!policy_enforce(fx, TG_MIT_NAME_TRAMP))
		return;
	expect_fentry_plain(fx);
	/* the main prog's prologue sets tail_call_cnt after the trampoline */
	o = bpf2bpf2_load(fx);
	if (!o)
		return;
	t = trace_load(fx, bpf_program__fd(o->progs.entry), "entry", true,
		       &prog);
	if (!t)
		return;
	trace_attach(fx, prog, &err);
	if (!EXPECT_OK(err, "fexit_attach"))
		return;
	if (!ASSERT_OK(test_run(bpf_program__fd(o->progs.entry), &retval),
		       "test_run"))
		return;
	EXPECT_EQ(o->bss->count, 33, "count");
	EXPECT_EQ(t->bss->fexit_hits, 1, "fexit_hits");
}

/* --- invalid_tailcallee --------------------------------------------------- */

TG_DESTROY(xdp_bpf2bpf)

TG_DESTROY(freplace_tailcallee)

/*
 * Asphaltt/tailcall-issues' invalid-tailcallee probe, run: jmp_table is
 * owned by freplace_owner (an EXT prog for XDP's subprog_xdp); slot 0 <-
 * freplace_tc_callee (an EXT prog for T's subprog_tc).  1c123c567fb1's
 * kernels refuse it (EINVAL: SCHED_CLS is not XDP).  Where it is accepted,
 * freplace_owner is attached and entry_xdp run: it returns the TC prog's
 * TG_TC_CALLEE_RET, a TC prog run as an XDP prog's tailcallee.
 */
TG_SCENARIO(invalid_tailcallee,
	    "TC-targeted EXT prog into an EXT-owned PROG_ARRAY of XDP context (fixed: EINVAL; 5.10: OK ran=tc; policy_invalid_tailcallee=enforce: EINVAL)")
{
	struct freplace_tailcallee *e;
	struct xdp_bpf2bpf *x;
	__u32 retval;
	int tfd, xfd, err;

	if (!policy_enforce(fx, TG_MIT_NAME_TAILCALLEE))
		return;
	if (!fx_target(fx, &tfd, NULL))
		return;
	x = xdp_bpf2bpf__open_and_load();
	if (!ASSERT_OK_PTR(x, "load xdp_bpf2bpf"))
		return;
	fx_defer(fx, xdp_bpf2bpf_destroy, x);
	xfd = bpf_program__fd(x->progs.entry_xdp);
	e = freplace_tailcallee__open();
	if (!ASSERT_OK_PTR(e, "open freplace_tailcallee"))
		return;
	fx_defer(fx, freplace_tailcallee_destroy, e);
	err = bpf_program__set_attach_target(e->progs.freplace_owner, xfd,
					     "subprog_xdp");
	err = err ?: bpf_program__set_attach_target(e->progs.freplace_tc_callee,
						    tfd, "subprog_tc");
	err = err ?: freplace_tailcallee__load(e);
	if (!ASSERT_OK(err, "load freplace_tailcallee"))
		return;
	err = fx_slot_set(fx, bpf_map__fd(e->maps.jmp_table),
			  bpf_program__fd(e->progs.freplace_tc_callee));
	if (!OUTCOME(err))
		return;
	/* accepted: show what runs */
	fx_attach(fx, e->progs.freplace_owner, xfd, "subprog_xdp", &err);
	if (err || test_run(xfd, &retval)) {
		res_kv("ran=unknown");
		return;
	}
	res_kv("ran=%s retval=%u", retval == TG_TC_CALLEE_RET ? "tc" : "xdp",
	       retval);
}

/* --- every policy at once ------------------------------------------------- */

TG_SCENARIO(ctl_policies_all,
	    "every policy enforced: tail-call chains, bpf2bpf calls, fentry and freplace as before (PASS)")
{
	struct tailcall_main_bpf2bpf *m;
	struct freplace_ret *e;
	struct tailcall3 *o;
	__u32 before, during;
	int map_fd, tfd, err;

	if (!policy_enforce(fx, TG_MIT_NAME_HIER) ||
	    !policy_enforce(fx, TG_MIT_NAME_TRAMP) ||
	    !policy_enforce(fx, TG_MIT_NAME_TAILCALLEE))
		return;
	/* a tail-call chain of a main prog */
	o = fx_owner(fx, &map_fd);
	if (!o)
		return;
	expect_tailcall_limit(fx, map_fd, bpf_program__fd(o->progs.entry),
			      bpf_program__fd(o->progs.classifier_0),
			      &o->bss->count);
	/* tail calls from main progs that make bpf2bpf calls */
	m = tailcall_main_bpf2bpf__open_and_load();
	if (!ASSERT_OK_PTR(m, "load tailcall_main_bpf2bpf"))
		return;
	fx_defer(fx, tailcall_main_bpf2bpf_destroy, m);
	expect_tailcall_limit(fx, bpf_map__fd(m->maps.jmp_table),
			      bpf_program__fd(m->progs.entry),
			      bpf_program__fd(m->progs.classifier_0),
			      &m->bss->count);
	/* bpf2bpf calls without tail calls, and fentry on one */
	expect_fentry_plain(fx);
	/* an freplace of a subprog: 42 instead of 1 */
	if (!fx_target(fx, &tfd, NULL) ||
	    !ASSERT_OK(test_run(tfd, &before), "test_run"))
		return;
	e = fx_ext_ret(fx, tfd, "subprog_tc", NULL);
	if (!e)
		return;
	fx_attach(fx, e->progs.new_subprog_tc, tfd, "subprog_tc", &err);
	if (!EXPECT_OK(err, "freplace_attach"))
		return;
	if (!ASSERT_OK(test_run(tfd, &during), "test_run"))
		return;
	EXPECT_EQ(before, 1, "before");
	EXPECT_EQ(during, 42, "during");
}
