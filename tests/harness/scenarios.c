// SPDX-License-Identifier: GPL-2.0
/*
 * tg-harness scenarios.  Expected results on a fixed kernel (Debian 6.1.192,
 * 6.12.5+, v6.13+) are in each scenario's help text; see
 * /work/shared/docs/upstream.md section 6 for the errno contract.
 *
 * Objects (tests/bpf/):
 *   tc_bpf2bpf        "T": tc entry_tc calling global subprog_tc (returns 1)
 *   tailcall3         SCHED_CLS-owned 1-slot jmp_table; tail-call limit
 *   freplace_ret      freplace of subprog_tc returning 42
 *   tailcall_freplace freplace of subprog_tc that tail-calls its own jmp_table
 *
 * Every scenario except pre_* releases everything it created: prog_array
 * slots it filled are deleted explicitly (closing the last fd of a prog_array
 * clears it only asynchronously), links destroyed, fds closed, pins removed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
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

/* --- object helpers: on failure they res_error() and return NULL -------- */

static struct tc_bpf2bpf *target_load(int *fd, __u32 *id)
{
	struct tc_bpf2bpf *t;
	int err;

	t = tc_bpf2bpf__open_and_load();
	if (!t) {
		res_error("load tc_bpf2bpf: %s", errno_name(errno));
		return NULL;
	}
	*fd = bpf_program__fd(t->progs.entry_tc);
	if (id) {
		err = prog_id(*fd, id);
		if (err) {
			res_error("prog info: %s", errno_name(-err));
			tc_bpf2bpf__destroy(t);
			return NULL;
		}
	}
	dbg("loaded T entry_tc fd %d", *fd);
	return t;
}

/* tailcall3: its progs use jmp_table, so SCHED_CLS owns it from load on. */
static struct tailcall3 *owner_load(int *map_fd)
{
	struct tailcall3 *o;

	o = tailcall3__open_and_load();
	if (!o) {
		res_error("load tailcall3: %s", errno_name(errno));
		return NULL;
	}
	*map_fd = bpf_map__fd(o->maps.jmp_table);
	return o;
}

static struct freplace_ret *ext_ret_load(int tgt_fd, __u32 *id)
{
	struct freplace_ret *e;
	int err;

	e = freplace_ret__open();
	if (!e) {
		res_error("open freplace_ret: %s", errno_name(errno));
		return NULL;
	}
	err = bpf_program__set_attach_target(e->progs.new_subprog_tc, tgt_fd,
					     SUBPROG);
	if (!err)
		err = freplace_ret__load(e);
	if (!err && id)
		err = prog_id(bpf_program__fd(e->progs.new_subprog_tc), id);
	if (err) {
		res_error("load freplace_ret: %s", errno_name(-err));
		freplace_ret__destroy(e);
		return NULL;
	}
	return e;
}

static struct tailcall_freplace *ext_tc_load(int tgt_fd)
{
	struct tailcall_freplace *e;
	int err;

	e = tailcall_freplace__open();
	if (!e) {
		res_error("open tailcall_freplace: %s", errno_name(errno));
		return NULL;
	}
	err = bpf_program__set_attach_target(e->progs.entry_freplace, tgt_fd,
					     SUBPROG);
	if (!err)
		err = tailcall_freplace__load(e);
	if (err) {
		res_error("load tailcall_freplace: %s", errno_name(-err));
		tailcall_freplace__destroy(e);
		return NULL;
	}
	return e;
}

/* slot 0 of a 1-slot PROG_ARRAY; 0 or a positive errno */
static int slot_set(int map_fd, int prog_fd)
{
	__u32 key = 0;

	if (bpf_map_update_elem(map_fd, &key, &prog_fd, BPF_ANY)) {
		dbg("prog_array update: %s", errno_name(errno));
		return errno;
	}
	dbg("prog_array update: OK");
	return 0;
}

static void slot_clear(int map_fd)
{
	__u32 key = 0;

	if (bpf_map_delete_elem(map_fd, &key) && errno != ENOENT)
		dbg("prog_array delete: %s", errno_name(errno));
}

/*
 * A refused freplace attach must not leave a link behind.  Sets the token to
 * LEAK (and leak=1) if one does; otherwise adds leak=0.
 */
static void check_no_link(__u32 ext_id)
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

/* --- operations under test ----------------------------------------------- */

/*
 * An freplace prog into a SCHED_CLS-owned PROG_ARRAY, not attached or
 * attached.  Fixed: EINVAL (EXT is never a tail-call target).
 */
static int ext_into_array(bool attach)
{
	struct tc_bpf2bpf *t = NULL;
	struct tailcall3 *o = NULL;
	struct freplace_ret *e = NULL;
	struct bpf_link *link = NULL;
	int tfd, map_fd, efd, err;

	t = target_load(&tfd, NULL);
	if (!t)
		goto out;
	o = owner_load(&map_fd);
	if (!o)
		goto out;
	e = ext_ret_load(tfd, NULL);
	if (!e)
		goto out;
	efd = bpf_program__fd(e->progs.new_subprog_tc);
	if (attach) {
		link = attach_freplace(e->progs.new_subprog_tc, tfd, SUBPROG,
				       &err);
		if (!link) {
			res_error("attach freplace: %s", errno_name(err));
			goto out;
		}
	}
	err = slot_set(map_fd, efd);
	if (err) {
		res_errno(err);
	} else {
		res_token("OK");
		slot_clear(map_fd);
	}
out:
	bpf_link__destroy(link);
	freplace_ret__destroy(e);
	tailcall3__destroy(o);
	tc_bpf2bpf__destroy(t);
	return 0;
}

static int sc_ext_to_prog_array(void)
{
	return ext_into_array(false);
}

static int sc_attached_ext_to_prog_array(void)
{
	return ext_into_array(true);
}

/* Attach freplace to T's subprog, then T into a PROG_ARRAY: fixed EBUSY. */
static int sc_extended_to_prog_array(void)
{
	struct tc_bpf2bpf *t = NULL;
	struct tailcall3 *o = NULL;
	struct freplace_ret *e = NULL;
	struct bpf_link *link = NULL;
	int tfd, map_fd, err;

	t = target_load(&tfd, NULL);
	if (!t)
		goto out;
	o = owner_load(&map_fd);
	if (!o)
		goto out;
	e = ext_ret_load(tfd, NULL);
	if (!e)
		goto out;
	link = attach_freplace(e->progs.new_subprog_tc, tfd, SUBPROG, &err);
	if (!link) {
		res_error("attach freplace: %s", errno_name(err));
		goto out;
	}
	err = slot_set(map_fd, tfd);
	if (err) {
		res_errno(err);
	} else {
		res_token("OK");
		slot_clear(map_fd);
	}
out:
	bpf_link__destroy(link);
	freplace_ret__destroy(e);
	tailcall3__destroy(o);
	tc_bpf2bpf__destroy(t);
	return 0;
}

/* T into a PROG_ARRAY, then attach freplace to T's subprog: fixed EBUSY. */
static int sc_freplace_attach_to_member(void)
{
	struct tc_bpf2bpf *t = NULL;
	struct tailcall3 *o = NULL;
	struct freplace_ret *e = NULL;
	struct bpf_link *link = NULL;
	int tfd, map_fd = -1, err;
	bool member = false;
	__u32 ext_id;

	t = target_load(&tfd, NULL);
	if (!t)
		goto out;
	o = owner_load(&map_fd);
	if (!o)
		goto out;
	err = slot_set(map_fd, tfd);
	if (err) {
		res_error("T into prog_array: %s", errno_name(err));
		goto out;
	}
	member = true;
	e = ext_ret_load(tfd, &ext_id);
	if (!e)
		goto out;
	link = attach_freplace(e->progs.new_subprog_tc, tfd, SUBPROG, &err);
	if (link) {
		res_token("OK");
	} else {
		res_errno(err);
		check_no_link(ext_id);
	}
out:
	bpf_link__destroy(link);
	if (member)
		slot_clear(map_fd);
	freplace_ret__destroy(e);
	tailcall3__destroy(o);
	tc_bpf2bpf__destroy(t);
	return 0;
}

/*
 * CVE-2024-47794: entry_tc -> subprog_tc (replaced by entry_freplace) ->
 * tail call to entry_tc -> ...  Fixed kernels refuse the second setup step
 * with EBUSY; a vulnerable one accepts both and overflows the stack in
 * test_run, so this never prints its result there.
 */
static int tailcall_loop(bool update_first)
{
	struct tc_bpf2bpf *t = NULL;
	struct tailcall_freplace *e = NULL;
	struct bpf_link *link = NULL;
	int tfd, map_fd = -1, err, i;
	bool member = false;
	__u32 retval;

	t = target_load(&tfd, NULL);
	if (!t)
		goto out;
	e = ext_tc_load(tfd);
	if (!e)
		goto out;
	map_fd = bpf_map__fd(e->maps.jmp_table);

	for (i = 0; i < 2; i++) {
		if ((i == 0) == update_first) {
			err = slot_set(map_fd, tfd);
			if (err) {
				res_errno(err);
				res_kv("step=update");
				goto out;
			}
			member = true;
		} else {
			link = attach_freplace(e->progs.entry_freplace, tfd,
					       SUBPROG, &err);
			if (!link) {
				res_errno(err);
				res_kv("step=attach");
				goto out;
			}
		}
	}

	/* on stderr: stdout carries only the result line */
	fprintf(stderr,
		"tg-harness: loop setup accepted, running entry_tc (a vulnerable kernel overflows its stack now)\n");
	fflush(stdout);
	fflush(stderr);
	err = test_run(tfd, &retval);
	if (err) {
		res_error("test_run: %s", errno_name(-err));
		goto out;
	}
	res_token("RAN");
	res_kv("step=run retval=%u count=%d", retval, e->bss->count);
out:
	if (member)
		slot_clear(map_fd);
	bpf_link__destroy(link);
	tailcall_freplace__destroy(e);
	tc_bpf2bpf__destroy(t);
	return 0;
}

static int sc_freplace_tailcall_loop(void)
{
	return tailcall_loop(false);
}

static int sc_freplace_tailcall_loop_rev(void)
{
	return tailcall_loop(true);
}

/* --- positive controls: PASS everywhere ----------------------------------- */

/* tailcall3 as upstream test_tailcall_3: retval 1, count 33; empty: 0. */
static int sc_ctl_tailcall_limit(void)
{
	struct tailcall3 *o;
	__u32 ret_full, ret_empty;
	int map_fd, err, count;

	o = owner_load(&map_fd);
	if (!o)
		return -1;
	err = slot_set(map_fd, bpf_program__fd(o->progs.classifier_0));
	if (err) {
		res_error("classifier_0 into jmp_table: %s", errno_name(err));
		goto out;
	}
	err = test_run(bpf_program__fd(o->progs.entry), &ret_full);
	count = o->bss->count;
	slot_clear(map_fd);
	if (!err)
		err = test_run(bpf_program__fd(o->progs.entry), &ret_empty);
	if (err) {
		res_error("test_run: %s", errno_name(-err));
		goto out;
	}
	res_token(ret_full == 1 && count == 33 && ret_empty == 0 ?
		  "PASS" : "FAIL");
	res_kv("count=%d retval=%u retval_empty=%u", count, ret_full,
	       ret_empty);
out:
	tailcall3__destroy(o);
	return 0;
}

/* freplace changes test_run's result; closing the link restores it. */
static int sc_ctl_freplace_replace(void)
{
	struct tc_bpf2bpf *t = NULL;
	struct freplace_ret *e = NULL;
	struct bpf_link *link = NULL;
	__u32 before, during, after;
	int tfd, err;

	t = target_load(&tfd, NULL);
	if (!t)
		goto out;
	err = test_run(tfd, &before);
	if (err) {
		res_error("test_run: %s", errno_name(-err));
		goto out;
	}
	e = ext_ret_load(tfd, NULL);
	if (!e)
		goto out;
	link = attach_freplace(e->progs.new_subprog_tc, tfd, SUBPROG, &err);
	if (!link) {
		res_token("FAIL");
		res_kv("attach=%s", errno_name(err));
		goto out;
	}
	err = test_run(tfd, &during);
	bpf_link__destroy(link);
	link = NULL;
	if (!err)
		err = test_run(tfd, &after);
	if (err) {
		res_error("test_run: %s", errno_name(-err));
		goto out;
	}
	res_token(before == ORIG_RET && during == FREPLACE_RET &&
		  after == ORIG_RET ? "PASS" : "FAIL");
	res_kv("before=%u replaced=%u after=%u", before, during, after);
out:
	bpf_link__destroy(link);
	freplace_ret__destroy(e);
	tc_bpf2bpf__destroy(t);
	return 0;
}

/* Attach freplace to T, close the link, then T into a PROG_ARRAY: PASS. */
static int sc_ctl_member_after_detach(void)
{
	struct tc_bpf2bpf *t = NULL;
	struct tailcall3 *o = NULL;
	struct freplace_ret *e = NULL;
	struct bpf_link *link;
	int tfd, map_fd, err;

	t = target_load(&tfd, NULL);
	if (!t)
		goto out;
	o = owner_load(&map_fd);
	if (!o)
		goto out;
	e = ext_ret_load(tfd, NULL);
	if (!e)
		goto out;
	link = attach_freplace(e->progs.new_subprog_tc, tfd, SUBPROG, &err);
	if (!link) {
		res_error("attach freplace: %s", errno_name(err));
		goto out;
	}
	bpf_link__destroy(link);
	err = slot_set(map_fd, tfd);
	if (err) {
		res_token("FAIL");
		res_kv("update=%s", errno_name(err));
	} else {
		res_token("PASS");
		slot_clear(map_fd);
	}
out:
	freplace_ret__destroy(e);
	tailcall3__destroy(o);
	tc_bpf2bpf__destroy(t);
	return 0;
}

/*
 * T into a PROG_ARRAY, delete it again and close the array, then attach a
 * freplace to T: PASS.  The delete is what makes it deterministic: closing
 * the array's last fd clears the slots only from a workqueue.
 */
static int sc_ctl_attach_after_leave(void)
{
	struct tc_bpf2bpf *t = NULL;
	struct tailcall3 *o = NULL;
	struct freplace_ret *e = NULL;
	struct bpf_link *link = NULL;
	int tfd, map_fd, err;

	t = target_load(&tfd, NULL);
	if (!t)
		goto out;
	o = owner_load(&map_fd);
	if (!o)
		goto out;
	err = slot_set(map_fd, tfd);
	if (err) {
		res_error("T into prog_array: %s", errno_name(err));
		goto out;
	}
	slot_clear(map_fd);
	tailcall3__destroy(o);
	o = NULL;
	e = ext_ret_load(tfd, NULL);
	if (!e)
		goto out;
	link = attach_freplace(e->progs.new_subprog_tc, tfd, SUBPROG, &err);
	if (link) {
		res_token("PASS");
	} else {
		res_token("FAIL");
		res_kv("attach=%s", errno_name(err));
	}
out:
	bpf_link__destroy(link);
	freplace_ret__destroy(e);
	tailcall3__destroy(o);
	tc_bpf2bpf__destroy(t);
	return 0;
}

/* A pinned PROG_ARRAY keeps its member after every fd is closed. */
static int sc_ctl_pinned_member(void)
{
	struct tc_bpf2bpf *t;
	struct tailcall3 *o;
	int tfd, map_fd, fd, err;
	__u32 tid, key = 0, val = 0;

	err = pin_dir_create();
	if (err)
		return res_error("mkdir %s: %s", TG_PIN_DIR, errno_name(-err));
	pin_remove(PIN_CTL_MAP);	/* stale from an aborted run */

	t = target_load(&tfd, &tid);
	if (!t)
		return -1;
	o = owner_load(&map_fd);
	if (!o) {
		tc_bpf2bpf__destroy(t);
		return -1;
	}
	err = slot_set(map_fd, tfd);
	if (!err && bpf_obj_pin(map_fd, PIN_CTL_MAP))
		err = errno;
	tailcall3__destroy(o);
	tc_bpf2bpf__destroy(t);
	if (err) {
		pin_dir_remove_if_empty();
		return res_error("fill and pin prog_array: %s",
				 errno_name(err));
	}

	fd = bpf_obj_get(PIN_CTL_MAP);
	if (fd < 0) {
		res_error("reopen pin: %s", errno_name(errno));
		goto out;
	}
	err = bpf_map_lookup_elem(fd, &key, &val) ? errno : 0;
	if (err && err != ENOENT) {
		res_error("lookup: %s", errno_name(err));
	} else {
		res_token(!err && val == tid ? "PASS" : "FAIL");
		res_kv("target_id=%u slot0=%u", tid, err ? 0 : val);
	}
	slot_clear(fd);
	close(fd);
out:
	pin_remove(PIN_CTL_MAP);
	pin_dir_remove_if_empty();
	return 0;
}

/* --- state that exists before the module is loaded ----------------------- */

static void pre_attach_unpin(void)
{
	pin_remove(PIN_PA_LINK);
	pin_remove(PIN_PA_TARGET);
	pin_dir_remove_if_empty();
}

static void pre_member_unpin(void)
{
	int fd = bpf_obj_get(PIN_PM_MAP);

	if (fd >= 0) {
		slot_clear(fd);
		close(fd);
	}
	pin_remove(PIN_PM_MAP);
	pin_remove(PIN_PM_TARGET);
	pin_dir_remove_if_empty();
}

/* Attach freplace to T; pin the link and T. */
static int sc_pre_attach(void)
{
	struct tc_bpf2bpf *t = NULL;
	struct freplace_ret *e = NULL;
	struct bpf_link *link = NULL;
	int tfd, err;
	__u32 tid, eid;

	err = pin_dir_create();
	if (err)
		return res_error("mkdir %s: %s", TG_PIN_DIR, errno_name(-err));
	pre_attach_unpin();
	pin_dir_create();

	t = target_load(&tfd, &tid);
	if (!t)
		goto out;
	e = ext_ret_load(tfd, &eid);
	if (!e)
		goto out;
	link = attach_freplace(e->progs.new_subprog_tc, tfd, SUBPROG, &err);
	if (!link) {
		res_errno(err);
		res_kv("step=attach");
		goto out;
	}
	if (bpf_link__pin(link, PIN_PA_LINK) || bpf_obj_pin(tfd, PIN_PA_TARGET)) {
		res_error("pin: %s", errno_name(errno));
		pre_attach_unpin();
		goto out;
	}
	res_token("OK");
	res_kv("target_id=%u ext_id=%u", tid, eid);
out:
	bpf_link__destroy(link);	/* the pin keeps the link */
	freplace_ret__destroy(e);
	tc_bpf2bpf__destroy(t);
	return 0;
}

/* Pinned extended T into a fresh SCHED_CLS-owned PROG_ARRAY: fixed EBUSY. */
static int sc_post_insert_target(void)
{
	struct tailcall3 *o = NULL;
	int tfd, map_fd, err;

	tfd = bpf_obj_get(PIN_PA_TARGET);
	if (tfd < 0) {
		res_error("no pinned target %s (run pre_attach first): %s",
			  PIN_PA_TARGET, errno_name(errno));
		goto out;
	}
	o = owner_load(&map_fd);
	if (!o)
		goto out;
	err = slot_set(map_fd, tfd);
	if (err) {
		res_errno(err);
	} else {
		res_token("OK");
		slot_clear(map_fd);
	}
out:
	tailcall3__destroy(o);
	if (tfd >= 0)
		close(tfd);
	pre_attach_unpin();
	return 0;
}

/* T into a PROG_ARRAY; pin the array and T. */
static int sc_pre_member(void)
{
	struct tc_bpf2bpf *t = NULL;
	struct tailcall3 *o = NULL;
	int tfd, map_fd, err;
	__u32 tid;

	err = pin_dir_create();
	if (err)
		return res_error("mkdir %s: %s", TG_PIN_DIR, errno_name(-err));
	pre_member_unpin();
	pin_dir_create();

	t = target_load(&tfd, &tid);
	if (!t)
		goto out;
	o = owner_load(&map_fd);
	if (!o)
		goto out;
	err = slot_set(map_fd, tfd);
	if (err) {
		res_errno(err);
		res_kv("step=update");
		goto out;
	}
	if (bpf_obj_pin(map_fd, PIN_PM_MAP) || bpf_obj_pin(tfd, PIN_PM_TARGET)) {
		res_error("pin: %s", errno_name(errno));
		slot_clear(map_fd);
		pre_member_unpin();
		goto out;
	}
	res_token("OK");
	res_kv("target_id=%u", tid);
out:
	tailcall3__destroy(o);
	tc_bpf2bpf__destroy(t);
	return 0;
}

/* Attach freplace to the pinned member T: fixed EBUSY, no link left. */
static int sc_post_attach_member(void)
{
	struct freplace_ret *e = NULL;
	struct bpf_link *link = NULL;
	int tfd, err;
	__u32 eid;

	tfd = bpf_obj_get(PIN_PM_TARGET);
	if (tfd < 0) {
		res_error("no pinned target %s (run pre_member first): %s",
			  PIN_PM_TARGET, errno_name(errno));
		goto out;
	}
	e = ext_ret_load(tfd, &eid);
	if (!e)
		goto out;
	link = attach_freplace(e->progs.new_subprog_tc, tfd, SUBPROG, &err);
	if (link) {
		res_token("OK");
	} else {
		res_errno(err);
		check_no_link(eid);
	}
out:
	bpf_link__destroy(link);
	freplace_ret__destroy(e);
	if (tfd >= 0)
		close(tfd);
	pre_member_unpin();
	return 0;
}

const struct scenario tg_scenarios[] = {
	{ "ext_to_prog_array", sc_ext_to_prog_array,
	  "unattached freplace into SCHED_CLS-owned prog_array (fixed: EINVAL)" },
	{ "attached_ext_to_prog_array", sc_attached_ext_to_prog_array,
	  "attached freplace into prog_array (fixed: EINVAL)" },
	{ "extended_to_prog_array", sc_extended_to_prog_array,
	  "freplace-extended T into prog_array (fixed: EBUSY)" },
	{ "freplace_attach_to_member", sc_freplace_attach_to_member,
	  "freplace attach to prog_array member T (fixed: EBUSY leak=0)" },
	{ "freplace_tailcall_loop", sc_freplace_tailcall_loop,
	  "CVE-2024-47794, attach then update (fixed: EBUSY step=update)" },
	{ "freplace_tailcall_loop_rev", sc_freplace_tailcall_loop_rev,
	  "CVE-2024-47794, update then attach (fixed: EBUSY step=attach)" },
	{ "ctl_tailcall_limit", sc_ctl_tailcall_limit,
	  "tail-call chain stops at the limit, count 33 (PASS)" },
	{ "ctl_freplace_replace", sc_ctl_freplace_replace,
	  "freplace changes retval, detach restores it (PASS)" },
	{ "ctl_member_after_detach", sc_ctl_member_after_detach,
	  "T into prog_array after its freplace link is closed (PASS)" },
	{ "ctl_attach_after_leave", sc_ctl_attach_after_leave,
	  "freplace attach after T left the prog_array (PASS)" },
	{ "ctl_pinned_member", sc_ctl_pinned_member,
	  "pinned prog_array keeps its member with all fds closed (PASS)" },
	{ "pre_attach", sc_pre_attach,
	  "attach freplace to T, pin link and T under " TG_PIN_DIR " (OK)" },
	{ "post_insert_target", sc_post_insert_target,
	  "pinned extended T into a new prog_array (fixed: EBUSY); unpin" },
	{ "pre_member", sc_pre_member,
	  "T into prog_array, pin array and T under " TG_PIN_DIR " (OK)" },
	{ "post_attach_member", sc_post_attach_member,
	  "freplace attach to pinned member T (fixed: EBUSY leak=0); unpin" },
	{ NULL, NULL, NULL }
};
