// SPDX-License-Identifier: GPL-2.0
/*
 * tg-harness - trigger one tailguard scenario and print one result line.
 *
 *   tg-harness [-v] [-p pre|post] SCENARIO
 *   tg-harness list
 *   tg-harness inventory
 *
 * Prints exactly one line on stdout:
 *   TG-RESULT name=<scenario> result=<TOKEN> [key=value ...]
 * TOKEN: OK (operation under test accepted), an errno name (refused with
 * it), PASS/FAIL (positive controls and races), a scenario-specific token
 * (RAN, LEAK), or ERROR (setup broke; msg="..." says why).  Exit status 1
 * for ERROR, 0 otherwise.  libbpf stays silent unless -v; -v also prints
 * progress on stderr.
 *
 * Phases: a scenario may have a pre step, state made before the module is
 * loaded (pinned under TG_PIN_DIR) that the scenario proper then uses.
 * tests/vm/matrix runs "-p pre" for every scenario of a boot before its
 * module step (insmod, ...) and "-p post" after it.  -p pre runs the pre
 * step alone and prints "TG-RESULT name=<scenario>:pre ..." (nothing for a
 * scenario without one); -p post runs the scenario without its pre step;
 * with no -p both run, one after the other.
 *
 * "inventory" is not a scenario: it counts the BPF progs, maps and links
 * alive in the kernel (TG-RESULT name=inventory result=OK progs=N ...), so
 * a guest script can check that scenarios cleaned up after themselves.
 *
 * Statically linked so that it runs in a busybox initramfs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "harness.h"

struct tg_result tg_res;
bool tg_verbose;

void res_token(const char *token)
{
	if (tg_res.set)
		return;
	snprintf(tg_res.token, sizeof(tg_res.token), "%s", token);
	tg_res.set = true;
}

void res_errno(int err)
{
	res_token(errno_name(err));
}

void res_kv(const char *fmt, ...)
{
	size_t len = strlen(tg_res.extra);
	va_list ap;

	if (len + 2 >= sizeof(tg_res.extra))
		return;
	tg_res.extra[len++] = ' ';
	tg_res.extra[len] = '\0';
	va_start(ap, fmt);
	vsnprintf(tg_res.extra + len, sizeof(tg_res.extra) - len, fmt, ap);
	va_end(ap);
}

void res_error(const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	char *p;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* keep the line parseable: msg="..." must not contain quotes */
	for (p = msg; *p; p++)
		if (*p == '"' || *p == '\n')
			*p = '\'';
	/* an ERROR overrides whatever a scenario had decided so far */
	snprintf(tg_res.token, sizeof(tg_res.token), "ERROR");
	tg_res.set = true;
	res_kv("msg=\"%s\"", msg);
}

/* --- assertions (harness.h) ------------------------------------------------ */

bool tg_assert_ok(int err, const char *what)
{
	if (!err)
		return true;
	res_error("%s: %s", what, errno_name(abs(err)));
	return false;
}

bool tg_outcome(int err, const char *step)
{
	if (!err && step)
		return true;
	if (err)
		res_errno(abs(err));
	else
		res_token("OK");
	if (err && step)
		res_kv("step=%s", step);
	return !err;
}

bool tg_expect_eq(long long got, long long want, const char *name)
{
	tg_res.checks++;
	res_kv("%s=%lld", name, got);
	if (got == want)
		return true;
	dbg("%s: %lld, expected %lld", name, got, want);
	tg_res.fails++;
	return false;
}

bool tg_expect_ok(int err, const char *name)
{
	tg_res.checks++;
	if (!err)
		return true;
	res_kv("%s=%s", name, errno_name(abs(err)));
	tg_res.fails++;
	return false;
}

static void vdbg(const char *fmt, va_list ap)
{
	if (!tg_verbose)
		return;
	fprintf(stderr, "tg-harness: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

bool tg_expect_race(bool held, long *count, const char *fmt, ...)
{
	va_list ap;

	tg_res.checks++;
	if (held)
		return true;
	(*count)++;
	va_start(ap, fmt);
	vdbg(fmt, ap);
	va_end(ap);
	return false;
}

void dbg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdbg(fmt, ap);
	va_end(ap);
}

const char *errno_name(int err)
{
	static char buf[24];

	switch (err) {
	case EPERM:		return "EPERM";
	case ENOENT:		return "ENOENT";
	case ESRCH:		return "ESRCH";
	case EINTR:		return "EINTR";
	case EIO:		return "EIO";
	case E2BIG:		return "E2BIG";
	case EBADF:		return "EBADF";
	case EAGAIN:		return "EAGAIN";
	case ENOMEM:		return "ENOMEM";
	case EACCES:		return "EACCES";
	case EFAULT:		return "EFAULT";
	case EBUSY:		return "EBUSY";
	case EEXIST:		return "EEXIST";
	case EXDEV:		return "EXDEV";
	case ENODEV:		return "ENODEV";
	case EINVAL:		return "EINVAL";
	case ENOSPC:		return "ENOSPC";
	case ERANGE:		return "ERANGE";
	case ELOOP:		return "ELOOP";
	case ENOSYS:		return "ENOSYS";
	case EOPNOTSUPP:	return "EOPNOTSUPP";
	case 524:		return "ENOTSUPP";	/* kernel-internal */
	}
	snprintf(buf, sizeof(buf), "ERRNO%d", err);
	return buf;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (!tg_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int prog_id(int prog_fd, __u32 *id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	*id = info.id;
	return 0;
}

/* BPF_PROG_TEST_RUN on a 128-byte zero packet, as upstream's tailcalls.c. */
int test_run(int prog_fd, __u32 *retval)
{
	char buf[128] = {};
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = buf,
		.data_size_in = sizeof(buf),
		.repeat = 1,
	);

	if (bpf_prog_test_run_opts(prog_fd, &opts))
		return -errno;
	*retval = opts.retval;
	return 0;
}

/*
 * Count the bpf_links (any type) whose prog is prog_id, by walking every
 * link id.  Used to prove that a refused freplace attach left nothing behind.
 */
int count_links_of_prog(__u32 prog_id, int *nlinks)
{
	__u32 id = 0;
	int n = 0;

	for (;;) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);
		int fd;

		if (bpf_link_get_next_id(id, &id)) {
			if (errno == ENOENT)
				break;
			return -errno;
		}
		fd = bpf_link_get_fd_by_id(id);
		if (fd < 0) {
			if (errno == ENOENT)	/* went away meanwhile */
				continue;
			return -errno;
		}
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
		    info.prog_id == prog_id) {
			dbg("link %u (type %u) still references prog %u",
			    info.id, info.type, prog_id);
			n++;
		}
		close(fd);
	}
	*nlinks = n;
	return 0;
}

/* Count ids the kernel hands out for one object kind. */
static int count_ids(int (*next)(__u32, __u32 *), int *n)
{
	__u32 id = 0;

	*n = 0;
	while (!next(id, &id))
		(*n)++;
	return errno == ENOENT ? 0 : -errno;
}

static int inventory(void)
{
	int progs, maps, links, err;

	err = count_ids(bpf_prog_get_next_id, &progs);
	if (!err)
		err = count_ids(bpf_map_get_next_id, &maps);
	if (!err)
		err = count_ids(bpf_link_get_next_id, &links);
	if (err) {
		res_error("walking ids: %s", errno_name(-err));
		return -1;
	}
	res_token("OK");
	res_kv("progs=%d maps=%d links=%d", progs, maps, links);
	return 0;
}

/* TG_SCENARIO()s, in the order the linker laid them out */
extern const struct tg_scenario __start_tg_scenarios[];
extern const struct tg_scenario __stop_tg_scenarios[];

static const struct tg_scenario *scenario_find(const char *name)
{
	const struct tg_scenario *s;

	for (s = __start_tg_scenarios; s < __stop_tg_scenarios; s++)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

static int scenario_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct tg_scenario **)a)->name,
		      (*(const struct tg_scenario **)b)->name);
}

/* Print the scenarios by name, with their help if @help. */
static void scenario_list(FILE *f, bool help)
{
	size_t i, n = __stop_tg_scenarios - __start_tg_scenarios;
	const struct tg_scenario *all[n ? n : 1];

	for (i = 0; i < n; i++)
		all[i] = &__start_tg_scenarios[i];
	qsort(all, n, sizeof(all[0]), scenario_cmp);
	for (i = 0; i < n; i++)
		if (help)
			fprintf(f, " %c%-28s %s\n", all[i]->pre ? '+' : ' ',
				all[i]->name, all[i]->help);
		else
			fprintf(f, "%s\n", all[i]->name);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: tg-harness [-v] [-p pre|post] SCENARIO | list | inventory\n\n"
		"scenarios (+: with a pre step, for -p pre):\n");
	scenario_list(f, true);
	fprintf(f, "\n  %-28s %s\n", "inventory",
		"count live BPF progs, maps, links (not a scenario)");
}

/* One phase of a scenario: set up, run, tear down, decide. */
static void phase_run(const struct tg_scenario *s, enum tg_phase phase)
{
	struct tg_fixture fx = {
		.phase = phase,
		.variant = s->variant,
	};

	dbg("%s: %s", s->name, phase == TG_PHASE_PRE ? "pre" : "run");
	if (phase == TG_PHASE_PRE)
		s->pre(&fx);
	else
		s->run(&fx);
	fx_teardown(&fx);
	if (tg_res.set)
		return;
	if (tg_res.fails || tg_res.bypass || tg_res.spurious)
		res_token("FAIL");
	else if (tg_res.checks || phase == TG_PHASE_PRE)
		res_token(phase == TG_PHASE_PRE ? "OK" : "PASS");
	else
		res_error("scenario set no result");	/* harness bug */
}

/* The phases that -p asks for; the suffix of the result's name. */
static const char *scenario_run(const struct tg_scenario *s,
				enum tg_phase phase)
{
	if (phase == TG_PHASE_PRE) {
		phase_run(s, TG_PHASE_PRE);
		return ":pre";
	}
	if (phase == TG_PHASE_ALL && s->pre) {
		phase_run(s, TG_PHASE_PRE);
		/* the pre step's refusal or ERROR is the result */
		if (strcmp(tg_res.token, "OK"))
			return "";
		tg_res.set = false;
	}
	phase_run(s, TG_PHASE_POST);
	return "";
}

int main(int argc, char **argv)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	enum tg_phase phase = TG_PHASE_ALL;
	const struct tg_scenario *s;
	const char *name, *suffix = "";
	int opt;

	while ((opt = getopt(argc, argv, "vhp:")) != -1) {
		switch (opt) {
		case 'v':
			tg_verbose = true;
			break;
		case 'p':
			if (!strcmp(optarg, "pre")) {
				phase = TG_PHASE_PRE;
				break;
			}
			if (!strcmp(optarg, "post")) {
				phase = TG_PHASE_POST;
				break;
			}
			usage(stderr);
			return 2;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	name = argv[optind];
	if (!strcmp(name, "list")) {
		scenario_list(stdout, false);
		return 0;
	}
	s = scenario_find(name);
	/* -p pre of a scenario without a pre step: nothing to do */
	if (phase == TG_PHASE_PRE && s && !s->pre)
		return 0;

	libbpf_set_print(libbpf_print);
	/* 5.10 still charges BPF memory to RLIMIT_MEMLOCK */
	setrlimit(RLIMIT_MEMLOCK, &rl);

	if (!s && !strcmp(name, "inventory"))
		inventory();
	else if (!s)
		res_error("unknown scenario (tg-harness list)");
	else
		suffix = scenario_run(s, phase);

	printf("TG-RESULT name=%s%s result=%s%s\n", name, suffix,
	       tg_res.token, tg_res.extra);
	fflush(stdout);
	return strcmp(tg_res.token, "ERROR") ? 0 : 1;
}
