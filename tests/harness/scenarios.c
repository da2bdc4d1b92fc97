// SPDX-License-Identifier: GPL-2.0
/*
 * tg-harness scenarios.  Expected results on a fixed kernel (Debian 6.1.192,
 * 6.12.5+, v6.13+) are in each scenario's help text; see
 * /work/shared/docs/upstream.md section 6 for the errno contract, and
 * tests/expect.txt for every kernel and module state.
 *
 * The fixture (fixture.c) releases everything a scenario made once it
 * returns: prog_array slots it filled are deleted explicitly, links
 * destroyed, fds closed, pins removed.  The pre steps leave their pins for
 * the scenario proper, which removes them.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "harness.h"
#include "tc_bpf2bpf.skel.h"
#include "tailcall3.skel.h"
#include "freplace_ret.skel.h"
#include "tailcall_freplace.skel.h"

#define SUBPROG		"subprog_tc"
#define FREPLACE_RET	42	/* freplace_ret.bpf.c's TG_FREPLACE_RET */
#define ORIG_RET	1	/* tc_bpf2bpf.bpf.c's subprog_tc */

#define PIN_PA_LINK	TG_PIN_DIR "/pre_attach_link"
#define PIN_PA_TARGET	TG_PIN_DIR "/pre_attach_target"
#define PIN_PM_MAP	TG_PIN_DIR "/pre_member_map"
#define PIN_PM_TARGET	TG_PIN_DIR "/pre_member_target"
#define PIN_CTL_MAP	TG_PIN_DIR "/ctl_pinned_member"

/*
 * A refused freplace attach must not leave a link behind.  Sets the token to
 * LEAK (and leak=1) if one does; otherwise adds leak=0.
 */
static void outcome_no_leak(__u32 ext_id)
{
	int n, err;

	err = count_links_of_prog(ext_id, &n);
	if (err) {
		res_kv("leak=unknown leak_err=%s", errno_name(-err));
		return;
	}
	if (n) {
		/* overrides the errno token: the refusal was not clean */
		snprintf(tg_res.token, sizeof(tg_res.token), "LEAK");
		tg_res.set = true;
	}
	res_kv("leak=%d", n ? 1 : 0);
}

/* An freplace attach to the PROG_ARRAY member T: its errno, and no leak. */
static void attach_to_member(struct tg_fixture *fx, int tfd)
{
	struct freplace_ret *e;
	__u32 ext_id;
	int err;

	e = fx_ext_ret(fx, tfd, SUBPROG, &ext_id);
	if (!e)
		return;
	fx_attach(fx, e->progs.new_subprog_tc, tfd, SUBPROG, &err);
	if (!OUTCOME(err))
		outcome_no_leak(ext_id);
}

/* --- operations under test ----------------------------------------------- */

/*
 * What most scenarios start from: T, a SCHED_CLS-owned PROG_ARRAY and an
 * freplace of T's subprog_tc, attached if @attach.  False after ERROR.
 */
struct base {
	int tfd, map_fd, efd;
	struct bpf_link *link;
};

static bool base_setup(struct tg_fixture *fx, struct base *b, bool attach)
{
	struct freplace_ret *e;
	int err;

	if (!fx_target(fx, &b->tfd, NULL) || !fx_owner(fx, &b->map_fd))
		return false;
	e = fx_ext_ret(fx, b->tfd, SUBPROG, NULL);
	if (!e)
		return false;
	b->efd = bpf_program__fd(e->progs.new_subprog_tc);
	if (!attach)
		return true;
	b->link = fx_attach(fx, e->progs.new_subprog_tc, b->tfd, SUBPROG,
			    &err);
	return ASSERT_OK(err, "attach freplace");
}

/*
 * An freplace prog, not attached or attached, into a SCHED_CLS-owned
 * PROG_ARRAY: fixed EINVAL (EXT is never a tail-call target).  Or attach
 * freplace to T's subprog, then T into the PROG_ARRAY: fixed EBUSY.
 */
#define INSERT_ATTACHED	1	/* the freplace is attached */
#define INSERT_TARGET	2	/* T goes into the array, not the freplace */

static void base_insert(struct tg_fixture *fx)
{
	struct base b;

	if (base_setup(fx, &b, fx->variant & INSERT_ATTACHED))
		OUTCOME(fx_slot_set(fx, b.map_fd, fx->variant & INSERT_TARGET ?
						  b.tfd : b.efd));
}

TG_VARIANT(ext_to_prog_array, base_insert, 0,
	   "unattached freplace into SCHED_CLS-owned prog_array (fixed: EINVAL)");
TG_VARIANT(attached_ext_to_prog_array, base_insert, INSERT_ATTACHED,
	   "attached freplace into prog_array (fixed: EINVAL)");
TG_VARIANT(extended_to_prog_array, base_insert,
	   INSERT_ATTACHED | INSERT_TARGET,
	   "freplace-extended T into prog_array (fixed: EBUSY)");

/* T into a PROG_ARRAY, then attach freplace to T's subprog: fixed EBUSY. */
TG_SCENARIO(freplace_attach_to_member,
	    "freplace attach to prog_array member T (fixed: EBUSY leak=0)")
{
	int tfd, map_fd;

	if (!fx_target(fx, &tfd, NULL) || !fx_owner(fx, &map_fd))
		return;
	if (ASSERT_OK(fx_slot_set(fx, map_fd, tfd), "T into prog_array"))
		attach_to_member(fx, tfd);
}

/*
 * CVE-2024-47794: entry_tc -> subprog_tc (replaced by entry_freplace) ->
 * tail call to entry_tc -> ...  Fixed kernels refuse the second setup step
 * with EBUSY; a vulnerable one accepts both and overflows the stack in
 * test_run, so this never prints its result there.
 */
static void tailcall_loop(struct tg_fixture *fx)
{
	struct tailcall_freplace *e;
	int tfd, map_fd, err, i;
	__u32 retval;

	if (!fx_target(fx, &tfd, NULL))
		return;
	e = fx_ext_tc(fx, tfd);
	if (!e)
		return;
	map_fd = bpf_map__fd(e->maps.jmp_table);

	for (i = 0; i < 2; i++) {
		if ((i == 0) == (fx->variant == 1)) {
			if (!OUTCOME_STEP(fx_slot_set(fx, map_fd, tfd),
					  "update"))
				return;
		} else {
			fx_attach(fx, e->progs.entry_freplace, tfd, SUBPROG,
				  &err);
			if (!OUTCOME_STEP(err, "attach"))
				return;
		}
	}

	/* on stderr: stdout carries only the result line */
	fprintf(stderr,
		"tg-harness: loop setup accepted, running entry_tc (a vulnerable kernel overflows its stack now)\n");
	fflush(stdout);
	fflush(stderr);
	if (!ASSERT_OK(test_run(tfd, &retval), "test_run"))
		return;
	res_token("RAN");
	res_kv("step=run retval=%u count=%d", retval, e->bss->count);
}

/* fx->variant: 0 attaches first, 1 updates first */
TG_VARIANT(freplace_tailcall_loop, tailcall_loop, 0,
	   "CVE-2024-47794, attach then update (fixed: EBUSY step=update)");
TG_VARIANT(freplace_tailcall_loop_rev, tailcall_loop, 1,
	   "CVE-2024-47794, update then attach (fixed: EBUSY step=attach)");

/* --- positive controls: PASS everywhere ----------------------------------- */

/*
 * upstream test_tailcall_3's checks: @callee_fd in slot 0 of @map_fd, the
 * chain from @entry_fd stops at the limit (*@count 33, retval 1); with the
 * slot empty, retval 0.
 */
void expect_tailcall_limit(struct tg_fixture *fx, int map_fd, int entry_fd,
			   int callee_fd, const int *count)
{
	__u32 ret_full, ret_empty;
	int err, n;

	err = fx_slot_set(fx, map_fd, callee_fd);
	if (!ASSERT_OK(err, "classifier_0 into jmp_table"))
		return;
	err = test_run(entry_fd, &ret_full);
	n = *count;
	fx_slot_clear(fx, map_fd);
	if (!err)
		err = test_run(entry_fd, &ret_empty);
	if (!ASSERT_OK(err, "test_run"))
		return;
	EXPECT_EQ(n, 33, "count");
	EXPECT_EQ(ret_full, 1, "retval");
	EXPECT_EQ(ret_empty, 0, "retval_empty");
}

/* tailcall3 as upstream test_tailcall_3: retval 1, count 33; empty: 0. */
TG_SCENARIO(ctl_tailcall_limit,
	    "tail-call chain stops at the limit, count 33 (PASS)")
{
	struct tailcall3 *o;
	int map_fd;

	o = fx_owner(fx, &map_fd);
	if (!o)
		return;
	expect_tailcall_limit(fx, map_fd, bpf_program__fd(o->progs.entry),
			      bpf_program__fd(o->progs.classifier_0),
			      &o->bss->count);
}

/* freplace changes test_run's result; closing the link restores it. */
TG_SCENARIO(ctl_freplace_replace,
	    "freplace changes retval, detach restores it (PASS)")
{
	struct freplace_ret *e;
	struct bpf_link *link;
	__u32 before, during, after;
	int tfd, err;

	if (!fx_target(fx, &tfd, NULL) ||
	    !ASSERT_OK(test_run(tfd, &before), "test_run"))
		return;
	e = fx_ext_ret(fx, tfd, SUBPROG, NULL);
	if (!e)
		return;
	link = fx_attach(fx, e->progs.new_subprog_tc, tfd, SUBPROG, &err);
	if (!EXPECT_OK(err, "attach"))
		return;
	err = test_run(tfd, &during);
	fx_release(fx, link);
	if (!err)
		err = test_run(tfd, &after);
	if (!ASSERT_OK(err, "test_run"))
		return;
	EXPECT_EQ(before, ORIG_RET, "before");
	EXPECT_EQ(during, FREPLACE_RET, "replaced");
	EXPECT_EQ(after, ORIG_RET, "after");
}

/* Attach freplace to T, close the link, then T into a PROG_ARRAY: PASS. */
TG_SCENARIO(ctl_member_after_detach,
	    "T into prog_array after its freplace link is closed (PASS)")
{
	struct base b;

	if (!base_setup(fx, &b, true))
		return;
	fx_release(fx, b.link);
	EXPECT_OK(fx_slot_set(fx, b.map_fd, b.tfd), "update");
}

/*
 * T into a PROG_ARRAY, delete it again and close the array, then attach a
 * freplace to T: PASS.  The delete is what makes it deterministic: closing
 * the array's last fd clears the slots only from a workqueue.
 */
TG_SCENARIO(ctl_attach_after_leave,
	    "freplace attach after T left the prog_array (PASS)")
{
	struct freplace_ret *e;
	struct tailcall3 *o;
	int tfd, map_fd, err;

	if (!fx_target(fx, &tfd, NULL))
		return;
	o = fx_owner(fx, &map_fd);
	if (!o ||
	    !ASSERT_OK(fx_slot_set(fx, map_fd, tfd), "T into prog_array"))
		return;
	fx_slot_clear(fx, map_fd);
	fx_release(fx, o);
	e = fx_ext_ret(fx, tfd, SUBPROG, NULL);
	if (!e)
		return;
	fx_attach(fx, e->progs.new_subprog_tc, tfd, SUBPROG, &err);
	EXPECT_OK(err, "attach");
}

/* A pinned PROG_ARRAY keeps its member after every fd is closed. */
TG_SCENARIO(ctl_pinned_member,
	    "pinned prog_array keeps its member with all fds closed (PASS)")
{
	struct tc_bpf2bpf *t;
	struct tailcall3 *o;
	int tfd, map_fd, fd, err;
	__u32 tid, key = 0, val = 0;

	if (!fx_pin_dir(fx))
		return;
	t = fx_target(fx, &tfd, &tid);
	o = t ? fx_owner(fx, &map_fd) : NULL;
	if (!o)
		return;
	/* the pin keeps the member: no fx_slot_set() */
	err = slot_set(map_fd, 0, tfd);
	if (!err && !fx_pin(fx, map_fd, PIN_CTL_MAP))
		return;
	fx_release(fx, o);
	fx_release(fx, t);
	if (!ASSERT_OK(err, "fill prog_array"))
		return;

	fd = fx_pinned(fx, PIN_CTL_MAP);
	if (fd < 0)
		return;
	err = bpf_map_lookup_elem(fd, &key, &val) ? errno : 0;
	slot_clear(fd, 0);
	if (err != ENOENT && !ASSERT_OK(err, "lookup"))
		return;
	res_kv("target_id=%u", tid);
	EXPECT_EQ(err ? 0 : val, tid, "slot0");
}

/* --- state that exists before the module is loaded ----------------------- */

/* Attach freplace to T; pin the link and T. */
static void pre_attach(struct tg_fixture *fx)
{
	struct freplace_ret *e;
	struct bpf_link *link;
	int tfd, err;
	__u32 tid, eid;

	if (!fx_pin_dir(fx) || !fx_target(fx, &tfd, &tid))
		return;
	e = fx_ext_ret(fx, tfd, SUBPROG, &eid);
	if (!e)
		return;
	link = fx_attach(fx, e->progs.new_subprog_tc, tfd, SUBPROG, &err);
	if (!OUTCOME_STEP(err, "attach"))
		return;
	/* the pins keep the link and T */
	if (!fx_pin(fx, bpf_link__fd(link), PIN_PA_LINK) ||
	    !fx_pin(fx, tfd, PIN_PA_TARGET))
		return;
	res_kv("target_id=%u ext_id=%u", tid, eid);
}

/* Pinned extended T into a fresh SCHED_CLS-owned PROG_ARRAY: fixed EBUSY. */
TG_SCENARIO(preexisting_freplace,
	    "pre: attach freplace to T, pin link and T under " TG_PIN_DIR
	    "; then pinned extended T into a new prog_array (fixed: EBUSY)",
	    .pre = pre_attach)
{
	int tfd, map_fd;

	if (!fx_pin_dir(fx))
		return;
	fx_unpin(fx, PIN_PA_LINK);
	tfd = fx_pinned(fx, PIN_PA_TARGET);
	if (tfd >= 0 && fx_owner(fx, &map_fd))
		OUTCOME(fx_slot_set(fx, map_fd, tfd));
}

/* T into a PROG_ARRAY; pin the array and T. */
static void pre_member(struct tg_fixture *fx)
{
	int tfd, map_fd;
	__u32 tid;

	if (!fx_pin_dir(fx) || !fx_target(fx, &tfd, &tid) ||
	    !fx_owner(fx, &map_fd))
		return;
	/* the pin keeps the member: no fx_slot_set() */
	if (!OUTCOME_STEP(slot_set(map_fd, 0, tfd), "update"))
		return;
	if (!fx_pin(fx, map_fd, PIN_PM_MAP) ||
	    !fx_pin(fx, tfd, PIN_PM_TARGET)) {
		slot_clear(map_fd, 0);
		return;
	}
	res_kv("target_id=%u", tid);
}

/* The pinned array: its slot emptied, then its pin removed. */
static void pre_member_unpin(void *arg)
{
	int fd = bpf_obj_get(PIN_PM_MAP);

	if (fd >= 0) {
		slot_clear(fd, 0);
		close(fd);
	}
	pin_remove(PIN_PM_MAP);
}

/* Attach freplace to the pinned member T: fixed EBUSY, no link left. */
TG_SCENARIO(preexisting_member,
	    "pre: T into prog_array, pin array and T under " TG_PIN_DIR
	    "; then freplace attach to pinned member T (fixed: EBUSY leak=0)",
	    .pre = pre_member)
{
	int tfd;

	if (!fx_pin_dir(fx))
		return;
	fx_defer(fx, pre_member_unpin, NULL);
	tfd = fx_pinned(fx, PIN_PM_TARGET);
	if (tfd >= 0)
		attach_to_member(fx, tfd);
}
