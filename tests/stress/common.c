// SPDX-License-Identifier: GPL-2.0
/*
 * tg-stress: the TG-CHECK reporting, the options, and the module and BPF
 * helpers that more than one subcommand uses.
 */
#include "stress.h"
#include <stdarg.h>
#include <bpf/btf.h>
#include "tc_bpf2bpf.skel.h"
#include "freplace_ret.skel.h"

struct stress_cfg cfg = { 60, 4, 1, 0, "/tailguard.ko", 0 };

int nchecks_pass, nchecks_fail;

void check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("TG-CHECK %s %s", ok ? "PASS" : "FAIL", name);
	if (fmt && *fmt) {
		putchar(' ');
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	putchar('\n');
	fflush(stdout);
	if (ok)
		nchecks_pass++;
	else
		nchecks_fail++;
}

/* ------------------------------------------------------------ module */

atomic_long n_unload_refused;

int mode_file(void)
{
	return access(TG_SYSFS "/mode", F_OK) == 0;
}

int mode_set(const char *m)
{
	char buf[64];
	int err = write_file(TG_SYSFS "/mode", m, strlen(m));

	if (err)
		return err;
	if (read_file(TG_SYSFS "/mode", buf, sizeof(buf)) || !strstr(buf, m))
		return -EIO;
	return 0;
}

/* Is the (loaded) module enforcing?  No mode file: assume its default. */
int mod_enforcing(void)
{
	char buf[64];

	if (!tg_mod_loaded())
		return 0;
	if (read_file(TG_SYSFS "/mode", buf, sizeof(buf)))
		return 1;
	return strstr(buf, "[enforce]") || !strcmp(buf, "enforce");
}

int unload_retry(void)
{
	int tries, err = -EBUSY;

	for (tries = 0; tries < 50; tries++) {
		err = tg_mod_unload();
		if (err != -EAGAIN && err != -EBUSY)
			break;
		if (tries == 0)
			n_unload_refused++;
		if (mode_file())
			mode_set("off");
		usleep(20000);
	}
	return err;
}

/* ------------------------------------------------------------ BPF */

__u32 subprog_btf_id;
enum bpf_attach_type ext_attach_type;

int count_bpf_progs(void)
{
	__u32 id = 0;
	int n = 0;

	while (!bpf_prog_get_next_id(id, &id))
		n++;
	return n;
}

/*
 * Frees are deferred (RCU, workqueues): poll tracked_progs every 100 ms,
 * at most tries times, until it is 0 (or gone) and, when progs >= 0, no
 * more than progs BPF progs are left.  Returns the last tracked_progs.
 */
long wait_untracked(int tries, int progs)
{
	long tracked = -2;
	int i;

	for (i = 0; i < tries; i++) {
		tracked = tg_tracked();
		if (tracked <= 0 && (progs < 0 || count_bpf_progs() <= progs))
			break;
		usleep(100000);
	}
	return tracked;
}

/* subprog_tc's BTF id, the same in every tc_bpf2bpf load. */
int learn_btf_id(void)
{
	struct tc_bpf2bpf *t = tc_bpf2bpf__open();
	struct freplace_ret *e = freplace_ret__open();
	int id;

	if (!t || !e)
		return -1;
	id = btf__find_by_name_kind(bpf_object__btf(t->obj), "subprog_tc",
				    BTF_KIND_FUNC);
	ext_attach_type = bpf_program__expected_attach_type(e->progs.new_subprog_tc);
	tc_bpf2bpf__destroy(t);
	freplace_ret__destroy(e);
	if (id <= 0)
		return -1;
	subprog_btf_id = id;
	return 0;
}
