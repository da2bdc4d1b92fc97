// SPDX-License-Identifier: GPL-2.0
/*
 * Race scenarios: the module is loaded and unloaded (at least
 * TG_RACE_CYCLES times) while other threads change BPF state, then the
 * rules are asked once everything is quiet.  A scenario loads the module
 * itself from /tailguard.ko when the matrix put it in the guest; without
 * it the same steps run against the bare kernel, where a vulnerable kernel
 * must show the bypass (or crash): that is how we know each test can fail.
 *
 * Meant for 2 vCPUs under -accel tcg,thread=single (tests/vm/matrix runs
 * race_* that way), where QEMU's text patching is exact.
 *
 * Result: PASS when no rule was bypassed (EXPECT_REFUSED) and nothing was
 * refused that the fixed kernel accepts (EXPECT_ACCEPTED); FAIL with
 * bypass=N spurious=N otherwise.  The fixture (fixture.c) releases what
 * each scenario made.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "harness.h"
#include "tc_bpf2bpf.skel.h"
#include "freplace_ret.skel.h"

#define TG_RACE_CYCLES	10
#define TG_MODULE	"/tailguard.ko"
#define SWAP_FD		200
/* the attach type libbpf passes for SEC("freplace"); the kernel ignores it */
#define TG_ATTACH_FREPLACE	((enum bpf_attach_type)0)

static atomic_int stop;
static int cycles, loaded;

static bool have_module(void)
{
	return access(TG_MODULE, R_OK) == 0;
}

static void sh(const char *cmd)
{
	if (system(cmd))
		dbg("'%s' failed", cmd);
}

static void module_in(const char *args)
{
	char cmd[128];

	if (!have_module())
		return;
	snprintf(cmd, sizeof(cmd), "insmod " TG_MODULE " %s", args ? args : "");
	sh(cmd);
	loaded++;
}

static void module_out(void)
{
	if (have_module())
		sh("rmmod tailguard");
}

static void pause_ms(int lo, int hi)
{
	usleep(1000 * (lo + rand() % (hi - lo + 1)));
}

static int prog_fd_of(struct bpf_program *p)
{
	return bpf_program__fd(p);
}

/* the fd of a loaded freplace_ret for @func of @tgt_fd, or -1 */
static int ext_for(struct tg_fixture *fx, int tgt_fd, const char *func)
{
	struct freplace_ret *e = fx_ext_ret(fx, tgt_fd, func, NULL);

	return e ? prog_fd_of(e->progs.new_subprog_tc) : -1;
}

/* BTF id of @func in the BTF of the prog behind @fd */
static int func_btf_id(int fd, const char *func)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	struct btf *btf;
	int id;

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	btf = btf__load_from_kernel_by_id(info.btf_id);
	if (!btf)
		return -errno;
	id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	btf__free(btf);
	return id;
}

/* a freplace link of @ext_fd on @func of @tgt_fd: link fd or -errno */
static int link_freplace(int ext_fd, int tgt_fd, int btf_id)
{
	LIBBPF_OPTS(bpf_link_create_opts, o, .target_btf_id = btf_id);
	int fd = bpf_link_create(ext_fd, tgt_fd, TG_ATTACH_FREPLACE, &o);

	return fd < 0 ? -errno : fd;
}

static void finish(void)
{
	if (tg_res.bypass || tg_res.spurious)
		res_token("FAIL");
	else
		res_token("PASS");
	res_kv("cycles=%d insmods=%d bypass=%ld spurious=%ld", cycles, loaded,
	       tg_res.bypass, tg_res.spurious);
}

/* --- churn: freplace links and PROG_ARRAY slots, during insmod/rmmod ------ */

struct churn {
	int ext_fd, tgt_fd, btf_id;	/* links of ext on tgt */
	int map_fd, prog_fd;		/* slot 0 of map <- prog */
};

static void *churn_links(void *arg)
{
	struct churn *c = arg;
	int fd;

	while (!stop) {
		fd = link_freplace(c->ext_fd, c->tgt_fd, c->btf_id);
		if (fd >= 0)
			close(fd);
	}
	return NULL;
}

static void *churn_slots(void *arg)
{
	struct churn *c = arg;

	while (!stop) {
		slot_set(c->map_fd, 0, c->prog_fd);
		slot_clear(c->map_fd, 0);
	}
	return NULL;
}

/*
 * T has two subprogs; a link on subprog_tc2 is kept, links on subprog_tc
 * and slots holding U come and go.  insmod, rmmod and insmod again during
 * the churn.  Then: T into a PROG_ARRAY must be EBUSY (the kept link still
 * extends it), and a link on subprog_tc and U into a PROG_ARRAY must work.
 */
TG_SCENARIO(race_churn_load,
	    "freplace links and slots churn during insmod/rmmod; then rule 2 holds, no spurious refusal (PASS)")
{
	int tfd, ufd, x1, x2, a, q, kept, id1, id2, fd;
	struct churn c;
	pthread_t th[2];

	if (!fx_target(fx, &tfd, NULL) || !fx_target(fx, &ufd, NULL))
		return;
	x1 = ext_for(fx, tfd, "subprog_tc");
	x2 = x1 < 0 ? -1 : ext_for(fx, tfd, "subprog_tc2");
	if (x2 < 0)
		return;
	id1 = func_btf_id(tfd, "subprog_tc");
	id2 = func_btf_id(tfd, "subprog_tc2");
	if (!ASSERT_OK(id1 < 0 ? id1 : id2 < 0 ? id2 : 0, "btf id"))
		return;
	a = fx_prog_array(fx);
	q = a < 0 ? -1 : fx_prog_array(fx);
	if (q < 0)
		return;
	kept = fx_fd(fx, link_freplace(x2, tfd, id2));
	if (!ASSERT_OK(kept < 0 ? kept : 0, "kept link"))
		return;
	c = (struct churn){ x1, tfd, id1, a, ufd };
	for (cycles = 0; cycles < TG_RACE_CYCLES; cycles++) {
		stop = 0;
		pthread_create(&th[0], NULL, churn_links, &c);
		pthread_create(&th[1], NULL, churn_slots, &c);
		pause_ms(0, 30);
		module_in(NULL);
		pause_ms(0, 30);
		module_out();
		pause_ms(0, 30);
		module_in(NULL);
		pause_ms(0, 30);
		stop = 1;
		pthread_join(th[0], NULL);
		pthread_join(th[1], NULL);

		/* rule 2: T is extended by the kept link */
		if (!EXPECT_REFUSED(slot_set(q, 0, tfd),
				    "cycle %d: T accepted into a PROG_ARRAY",
				    cycles))
			slot_clear(q, 0);
		/* the fixed kernel accepts these */
		fd = link_freplace(c.ext_fd, tfd, id1);
		if (EXPECT_ACCEPTED(fd < 0 ? fd : 0,
				    "cycle %d: link on subprog_tc: %s", cycles,
				    errno_name(-fd)))
			close(fd);
		EXPECT_ACCEPTED(slot_set(a, 0, ufd),
				"cycle %d: U into a PROG_ARRAY refused", cycles);
		slot_clear(a, 0);
		module_out();
	}
	finish();
}

/* --- deletes and uref-drop clears racing the load ------------------------- */

static int del_tfd;

static void *churn_deletes(void *arg)
{
	int a = *(int *)arg, m;

	while (!stop) {
		slot_set(a, 0, del_tfd);
		slot_clear(a, 0);
		/* last fd of an array: the kernel clears it from a work item */
		m = bpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, NULL, 4, 4, 4,
				   NULL);
		if (m >= 0) {
			slot_set(m, 0, del_tfd);
			slot_set(m, 1, del_tfd);
			close(m);
		}
	}
	return NULL;
}

/*
 * T sits in slot 1 of A for good; slot 0 of A and whole arrays holding T
 * come and go (deletes, and clears when an array's last fd is closed)
 * while the module loads.  Then: a freplace on T must be EBUSY (T is still
 * a member); once slot 1 is emptied too and the clears are done, it must
 * work.
 */
TG_SCENARIO(race_delete_load,
	    "deletes and array clears race the load; then rule 3 holds, no spurious refusal (PASS)")
{
	int a, xfd, id, fd;
	pthread_t th;

	if (!fx_target(fx, &del_tfd, NULL))
		return;
	xfd = ext_for(fx, del_tfd, "subprog_tc");
	id = func_btf_id(del_tfd, "subprog_tc");
	if (xfd < 0 || !ASSERT_OK(id < 0 ? id : 0, "btf id"))
		return;
	a = fx_prog_array(fx);
	if (a < 0)
		return;
	for (cycles = 0; cycles < TG_RACE_CYCLES; cycles++) {
		if (!ASSERT_OK(slot_set(a, 1, del_tfd), "T into slot 1"))
			return;
		stop = 0;
		pthread_create(&th, NULL, churn_deletes, &a);
		pause_ms(0, 30);
		module_in(NULL);
		pause_ms(0, 30);
		stop = 1;
		pthread_join(th, NULL);

		fd = link_freplace(xfd, del_tfd, id);
		if (!EXPECT_REFUSED(fd < 0 ? fd : 0,
				    "cycle %d: freplace attached to a member",
				    cycles))
			close(fd);
		slot_clear(a, 1);
		usleep(200 * 1000);	/* let the deferred clears run */
		fd = link_freplace(xfd, del_tfd, id);
		if (EXPECT_ACCEPTED(fd < 0 ? fd : 0,
				    "cycle %d: freplace on a non-member: %s",
				    cycles, errno_name(-fd)))
			close(fd);
		module_out();
	}
	finish();
}

/* --- fd swaps between a check and the kernel's use ------------------------ */

static int swap_a, swap_b;

static void *swapper(void *arg)
{
	while (!stop) {
		dup2(swap_a, SWAP_FD);
		dup2(swap_b, SWAP_FD);
	}
	return NULL;
}

struct updater {
	int map_fd;
	long ok, einval, ebusy, other;
	int other_err;
};

static void *update_swapped(void *arg)
{
	struct updater *u = arg;
	int err;

	while (!stop) {
		err = slot_set(u->map_fd, 0, SWAP_FD);
		if (!err) {
			u->ok++;
			slot_clear(u->map_fd, 0);
		} else if (err == EINVAL) {
			u->einval++;
		} else if (err == EBUSY) {
			u->ebusy++;
		} else {
			u->other++;
			u->other_err = err;
		}
	}
	return NULL;
}

/*
 * T is extended by an attached EXT prog X.  One thread dup2()s T and X onto
 * one fd in turn, another puts that fd into a SCHED_CLS PROG_ARRAY.  Every
 * update must be refused (EINVAL for X, EBUSY for T); on a kernel with the
 * freplace panic, a decision made on another prog than the kernel's crashes
 * it.  TG_RACE_ARGS (e.g. freplace_panic=0) go to insmod.
 */
TG_SCENARIO(race_fd_swap,
	    "T/EXT fd swapped under PROG_ARRAY updates: every update refused, no crash (PASS)")
{
	struct freplace_ret *x;
	struct updater up = {};
	int a, err;
	pthread_t th[2];

	if (!fx_target(fx, &swap_a, NULL))
		return;
	x = fx_ext_ret(fx, swap_a, "subprog_tc", NULL);
	a = x ? fx_prog_array(fx) : -1;
	if (a < 0)
		return;
	swap_b = prog_fd_of(x->progs.new_subprog_tc);
	fx_attach(fx, x->progs.new_subprog_tc, swap_a, "subprog_tc", &err);
	if (!ASSERT_OK(err, "attach"))
		return;
	/* a SCHED_CLS owner, before any swapped update */
	err = slot_set(a, 1, swap_a);
	if (!ASSERT_OK(err == EBUSY ? 0 : err, "owner"))
		return;
	slot_clear(a, 1);
	up.map_fd = a;
	dup2(swap_a, SWAP_FD);	/* valid before the first swap */
	for (cycles = 0; cycles < TG_RACE_CYCLES; cycles++) {
		module_in(getenv("TG_RACE_ARGS"));
		stop = 0;
		pthread_create(&th[0], NULL, swapper, NULL);
		pthread_create(&th[1], NULL, update_swapped, &up);
		pause_ms(200, 300);
		stop = 1;
		pthread_join(th[0], NULL);
		pthread_join(th[1], NULL);
		module_out();
	}
	/* update_swapped() counted: every update must be refused ... */
	tg_res.bypass = up.ok;
	/* ... with EINVAL (X) or EBUSY (T) */
	tg_res.spurious = up.other;
	res_kv("ok=%ld einval=%ld ebusy=%ld other=%ld%s%s", up.ok, up.einval,
	       up.ebusy, up.other, up.other ? " other_errno=" : "",
	       up.other ? errno_name(up.other_err) : "");
	finish();
}

/* --- a first attach racing the PROG_ARRAY update of the same EXT prog ----- */

/*
 * A fresh, unattached EXT prog X (dst_prog still set) and T take turns on
 * one fd, which another thread puts into a PROG_ARRAY; meanwhile X is
 * attached for the first time (which clears dst_prog).  On a kernel with
 * the freplace panic, a guard that reads dst_prog can pass while the
 * kernel's own read a moment later finds NULL.  No update may succeed with
 * X; T may go in only before X extends it.
 */
TG_SCENARIO(race_first_attach,
	    "first attach of an EXT prog races its PROG_ARRAY update: no crash (PASS)")
{
	struct updater up = {};
	struct freplace_ret *x;
	int a, n, i, lfd;
	pthread_t th[2];

	if (!fx_target(fx, &swap_a, NULL))
		return;
	a = fx_prog_array(fx);
	if (a < 0)
		return;
	up.map_fd = a;
	for (cycles = 0; cycles < TG_RACE_CYCLES; cycles++) {
		module_in(getenv("TG_RACE_ARGS"));
		for (n = 0; n < 10; n++) {
			x = fx_ext_ret(fx, swap_a, "subprog_tc", NULL);
			if (!x)
				return;
			swap_b = prog_fd_of(x->progs.new_subprog_tc);
			dup2(swap_a, SWAP_FD);
			stop = 0;
			pthread_create(&th[0], NULL, swapper, NULL);
			pthread_create(&th[1], NULL, update_swapped, &up);
			for (i = 0; i < 2000; i++)
				sched_yield();
			/* first attach: the target is dst_prog */
			lfd = bpf_link_create(swap_b, 0, TG_ATTACH_FREPLACE,
					      NULL);
			pause_ms(5, 10);
			stop = 1;
			pthread_join(th[0], NULL);
			pthread_join(th[1], NULL);
			slot_clear(a, 0);
			if (lfd >= 0)
				close(lfd);
			fx_release(fx, x);
		}
		module_out();
	}
	res_kv("ok=%ld", up.ok);
	finish();
}

/* --- mode switches during attaches ----------------------------------------- */

static void *mode_flipper(void *arg)
{
	int fd = open("/sys/kernel/tailguard/mode", O_WRONLY);

	while (!stop && fd >= 0) {
		pwrite(fd, "audit\n", 6, 0);
		pwrite(fd, "enforce\n", 8, 0);
		pwrite(fd, "off\n", 4, 0);
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

struct attacher {
	int ext_fd, btf_id;
};

static void *attach_swapped(void *arg)
{
	struct attacher *at = arg;
	int fd;

	while (!stop) {
		fd = link_freplace(at->ext_fd, SWAP_FD, at->btf_id);
		if (fd >= 0)
			close(fd);
	}
	return NULL;
}

/*
 * Links of X come and go on T or U (one fd, swapped) while the mode flips
 * between audit, enforce and off.  Then T goes into a slot in audit mode,
 * and in enforce a freplace on T must be refused.  Last, in audit mode
 * with the swaps still running, one link is made and kept; the mode goes
 * back to enforce.  Its target must now be refused in a PROG_ARRAY (EBUSY),
 * and the other one accepted.
 */
TG_SCENARIO(race_mode_switch,
	    "mode flips during attaches with swapped targets; then rule 2 holds (PASS)")
{
	struct bpf_link_info li = {};
	__u32 len = sizeof(li), tid, uid;
	int a, kept, id, extended, other;
	struct attacher at;
	pthread_t th[3];

	if (!fx_target(fx, &swap_a, &tid) || !fx_target(fx, &swap_b, &uid))
		return;
	at.ext_fd = ext_for(fx, swap_a, "subprog_tc");
	id = func_btf_id(swap_a, "subprog_tc");
	if (at.ext_fd < 0 || !ASSERT_OK(id < 0 ? id : 0, "btf id"))
		return;
	at.btf_id = id;
	a = fx_prog_array(fx);
	if (a < 0)
		return;
	dup2(swap_a, SWAP_FD);
	for (cycles = 0; cycles < TG_RACE_CYCLES; cycles++) {
		module_in(NULL);
		stop = 0;
		pthread_create(&th[0], NULL, swapper, NULL);
		pthread_create(&th[1], NULL, attach_swapped, &at);
		pthread_create(&th[2], NULL, mode_flipper, NULL);
		pause_ms(100, 200);
		stop = 1;
		pthread_join(th[2], NULL);
		pthread_join(th[1], NULL);
		/* rule 3: a slot filled in audit mode still counts in enforce */
		sh("echo audit > /sys/kernel/tailguard/mode 2>/dev/null");
		kept = slot_set(a, 1, swap_a);
		sh("echo enforce > /sys/kernel/tailguard/mode 2>/dev/null");
		if (!ASSERT_OK(kept, "T into a slot"))
			return;
		kept = link_freplace(at.ext_fd, swap_a, id);
		if (!EXPECT_REFUSED(kept < 0 ? kept : 0,
				    "cycle %d: freplace attached to a member",
				    cycles))
			close(kept);
		slot_clear(a, 1);
		sh("echo audit > /sys/kernel/tailguard/mode 2>/dev/null");
		/* the kept link, made while the fd still changes under it */
		kept = -1;
		while (kept < 0) {
			kept = link_freplace(at.ext_fd, SWAP_FD, id);
			if (kept == -EBUSY)	/* extended already: retry */
				continue;
			if (!ASSERT_OK(kept < 0 ? kept : 0, "kept link"))
				return;
		}
		fx_fd(fx, kept);
		stop = 1;
		pthread_join(th[0], NULL);
		sh("echo enforce > /sys/kernel/tailguard/mode 2>/dev/null");
		memset(&li, 0, sizeof(li));
		len = sizeof(li);
		if (!ASSERT_OK(bpf_obj_get_info_by_fd(kept, &li, &len) ?
			       errno : 0, "link info"))
			return;
		/* the extended one is refused, the other accepted */
		extended = li.tracing.target_obj_id == tid ? swap_a : swap_b;
		other = extended == swap_a ? swap_b : swap_a;
		if (!EXPECT_REFUSED(slot_set(a, 0, extended),
				    "cycle %d: extended target into a slot",
				    cycles))
			slot_clear(a, 0);
		EXPECT_ACCEPTED(slot_set(a, 0, other),
				"cycle %d: the other target refused", cycles);
		slot_clear(a, 0);
		fx_release_fd(fx, kept);
		module_out();
	}
	finish();
}
