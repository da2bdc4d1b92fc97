// SPDX-License-Identifier: GPL-2.0
/*
 * tg-stress faults: with /proc/thread-self/fail-nth
 * (CONFIG_FAULT_INJECTION + CONFIG_FAILSLAB), fail the 1st, 2nd, ...
 * allocation of a PROG_ARRAY insert and of an freplace attach while
 * enforcing: each must either fail (ENOMEM) or succeed with the mitigation
 * still holding (fail closed).
 */
#include "stress.h"
#include "tc_bpf2bpf.skel.h"
#include "freplace_ret.skel.h"

/*
 * /proc/thread-self/fail-nth, opened once: opening it between arming and
 * the syscall under test would itself pass fault points.  Its read and
 * write allocate nothing.
 */
static int fail_nth_fd = -1;

static int set_fail_nth(int n)
{
	char b[16];
	int len = snprintf(b, sizeof(b), "%d", n);

	return pwrite(fail_nth_fd, b, len, 0) == len ? 0 : -errno;
}

static int get_fail_nth(void)
{
	char b[16];
	ssize_t n = pread(fail_nth_fd, b, sizeof(b) - 1, 0);

	if (n <= 0)
		return -1;
	b[n] = '\0';
	return atoi(b);
}

/*
 * One pass over op 0 (insert T into M) and op 1 (attach E to T), failing
 * the n-th fault point of the syscall, n = 1, 2, ... until the syscall no
 * longer reaches it.  Bare (module not loaded): record which errnos the
 * kernel itself gives for failures of its own allocations (6.1.192 turns
 * a failed map->owner allocation in bpf_prog_map_compatible() into EINVAL).
 * Armed: an injected failure must show as an error, ENOMEM or one of the
 * kernel's own; a success must leave the mitigation holding (the opposite
 * operation is refused with EBUSY).
 */
static unsigned long long bare_errs[2];
static long injected, failed_closed, open_fail, wrong_errno;

/* the end of one round: its link (lfd >= 0), EXT, target and PROG_ARRAY */
static void fault_round_end(struct tc_bpf2bpf *t, struct freplace_ret *e,
			    int map, int lfd)
{
	if (lfd >= 0)
		close(lfd);
	freplace_ret__destroy(e);
	tc_bpf2bpf__destroy(t);
	close(map);
}

static int fault_pass(bool armed)
{
	LIBBPF_OPTS(bpf_link_create_opts, o);
	int op, n;

	o.target_btf_id = subprog_btf_id;
	for (op = 0; op < 2; op++) {
		for (n = 1; n < 500; n++) {
			struct tc_bpf2bpf *t = tc_bpf2bpf__open_and_load();
			struct freplace_ret *e = freplace_ret__open();
			int map = bpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, "tgs_f", 4, 4, 1, NULL);
			int tfd, efd, r, left, e2, lfd = -1, link2;
			__u32 k = 0;

			if (!t || !e || map < 0) {
				check(0, "faults-setup", "cannot set up");
				return 1;
			}
			tfd = bpf_program__fd(t->progs.entry_tc);
			bpf_program__set_attach_target(e->progs.new_subprog_tc, tfd, "subprog_tc");
			if (freplace_ret__load(e)) {
				check(0, "faults-setup", "cannot load EXT");
				return 1;
			}
			efd = bpf_program__fd(e->progs.new_subprog_tc);

			set_fail_nth(n);
			if (op == 0)
				r = bpf_map_update_elem(map, &k, &tfd, BPF_ANY);
			else
				r = lfd = bpf_link_create(efd, tfd, ext_attach_type, &o);
			e2 = errno;
			left = get_fail_nth();
			set_fail_nth(0);
			if (left > 0) {	/* fault point not reached: done */
				fault_round_end(t, e, map, lfd);
				break;
			}
			if (!armed) {
				/* the kernel's own answers to its own faults */
				if (r < 0 && e2 > 0 && e2 < 64)
					bare_errs[op] |= 1ULL << e2;
				goto next;
			}
			injected++;
			if (r < 0) {
				failed_closed++;
				if (e2 != ENOMEM &&
				    !(e2 > 0 && e2 < 64 && (bare_errs[op] & (1ULL << e2)))) {
					wrong_errno++;
					say("faults: %s with fault #%d refused with %s: neither ENOMEM nor an errno the bare kernel gives under faults\n",
					    op ? "attach" : "insert", n, strerror(e2));
				}
			} else {
				/* succeeded despite the fault: is it still enforced? */
				if (op == 0) {
					link2 = bpf_link_create(efd, tfd, ext_attach_type, &o);
					if (link2 >= 0) {
						open_fail++;
						say("FAIL-OPEN: insert with fault #%d succeeded and then freplace of the member was allowed\n", n);
						close(link2);
					}
				} else {
					if (!bpf_map_update_elem(map, &k, &tfd, BPF_ANY)) {
						open_fail++;
						say("FAIL-OPEN: attach with fault #%d succeeded and then the extended prog went into a PROG_ARRAY\n", n);
						bpf_map_delete_elem(map, &k);
					}
				}
			}
next:
			fault_round_end(t, e, map, lfd);
		}
		say("faults: %s%s: fault points 1..%d injected\n", armed ? "" : "bare ",
		    op ? "attach" : "insert", n - 1);
	}
	return 0;
}

int cmd_faults(void)
{
	long tracked;
	int err;

	if (access("/proc/thread-self/fail-nth", F_OK) ||
	    access("/sys/kernel/debug/failslab", F_OK)) {
		say("fault injection: unavailable on this kernel (needs CONFIG_FAULT_INJECTION, CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION_DEBUG_FS; mounted debugfs)\n");
		return 0;
	}
	fail_nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (fail_nth_fd < 0) {
		check(0, "faults-setup", "open fail-nth: %s", strerror(errno));
		return 1;
	}
	write_file("/sys/kernel/debug/failslab/ignore-gfp-wait", "N", 1);
	write_file("/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N", 1);
	write_file("/sys/kernel/debug/failslab/verbose", "0", 1);
	if (learn_btf_id())
		return 1;
	if (fault_pass(false))
		return 1;
	err = tg_mod_load(cfg.ko, "mode=enforce");
	if (err) {
		check(0, "faults-load", "insmod: %s", strerror(-err));
		return 1;
	}
	if (fault_pass(true))
		return 1;
	say("faults injected=%ld refused=%ld (not ENOMEM: %ld) fail-open=%ld\n",
	    injected, failed_closed, wrong_errno, open_fail);
	check(!open_fail, "faults-fail-closed", "injected=%ld fail-open=%ld", injected, open_fail);
	check(!wrong_errno, "faults-enomem", "refusals with neither ENOMEM nor a bare-kernel errno: %ld", wrong_errno);
	tracked = wait_untracked(50, -1);
	check(tracked == 0, "faults-tracked-zero", "tracked_progs=%ld", tracked);
	unload_retry();
	return nchecks_fail ? 1 : 0;
}
