// SPDX-License-Identifier: GPL-2.0
/*
 * tg-harness - trigger one tailguard scenario and print one result line.
 *
 *   tg-harness [-v] SCENARIO
 *   tg-harness list
 *   tg-harness inventory
 *
 * Prints exactly one line on stdout:
 *   TG-RESULT name=<scenario> result=<TOKEN> [key=value ...]
 * TOKEN: OK (operation under test accepted), an errno name (refused with
 * it), PASS/FAIL (positive controls), a scenario-specific token (RAN, LEAK),
 * or ERROR (setup broke; msg="..." says why).  Exit status 1 for ERROR,
 * 0 otherwise.  libbpf stays silent unless -v; -v also prints progress on
 * stderr.
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
#include <sys/stat.h>
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

int res_error(const char *fmt, ...)
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
	return -1;
}

void dbg(const char *fmt, ...)
{
	va_list ap;

	if (!tg_verbose)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "tg-harness: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
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
 * Attach an freplace prog to func of the prog tgt_fd the way the upstream
 * selftests do (BPF_LINK_CREATE with target_fd and btf_id).  On failure
 * returns NULL and the errno in *err.
 */
struct bpf_link *attach_freplace(struct bpf_program *prog, int tgt_fd,
				 const char *func, int *err)
{
	struct bpf_link *link;

	errno = 0;
	link = bpf_program__attach_freplace(prog, tgt_fd, func);
	if (!link) {
		*err = errno ? errno : EINVAL;
		dbg("attach freplace %s -> %s: %s", bpf_program__name(prog),
		    func, errno_name(*err));
		return NULL;
	}
	*err = 0;
	dbg("attached freplace %s -> %s", bpf_program__name(prog), func);
	return link;
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

int pin_dir_create(void)
{
	if (mkdir(TG_PIN_DIR, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

void pin_remove(const char *path)
{
	if (unlink(path) && errno != ENOENT)
		dbg("unlink %s: %s", path, strerror(errno));
}

void pin_dir_remove_if_empty(void)
{
	/* fails with ENOTEMPTY while other scenarios' pins exist: fine */
	rmdir(TG_PIN_DIR);
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
	if (err)
		return res_error("walking ids: %s", errno_name(-err));
	res_token("OK");
	res_kv("progs=%d maps=%d links=%d", progs, maps, links);
	return 0;
}

static void usage(FILE *f)
{
	const struct scenario *s;

	fprintf(f, "usage: tg-harness [-v] SCENARIO | list | inventory\n\n"
		"scenarios:\n");
	for (s = tg_scenarios; s->name; s++)
		fprintf(f, "  %-28s %s\n", s->name, s->help);
	for (s = tg_races; s->name; s++)
		fprintf(f, "  %-28s %s\n", s->name, s->help);
	fprintf(f, "\n  %-28s %s\n", "inventory",
		"count live BPF progs, maps, links (not a scenario)");
}

int main(int argc, char **argv)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	const struct scenario *s;
	const char *name;
	int opt;

	while ((opt = getopt(argc, argv, "vh")) != -1) {
		switch (opt) {
		case 'v':
			tg_verbose = true;
			break;
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
		for (s = tg_scenarios; s->name; s++)
			printf("%s\n", s->name);
		for (s = tg_races; s->name; s++)
			printf("%s\n", s->name);
		return 0;
	}
	for (s = tg_scenarios; s->name; s++)
		if (!strcmp(s->name, name))
			break;
	if (!s->name)
		for (s = tg_races; s->name; s++)
			if (!strcmp(s->name, name))
				break;

	libbpf_set_print(libbpf_print);
	/* 5.10 still charges BPF memory to RLIMIT_MEMLOCK */
	setrlimit(RLIMIT_MEMLOCK, &rl);

	if (!s->name && !strcmp(name, "inventory"))
		inventory();
	else if (!s->name)
		res_error("unknown scenario (tg-harness list)");
	else if (!s->run() && !tg_res.set)
		res_error("scenario set no result");	/* harness bug */

	printf("TG-RESULT name=%s result=%s%s\n", name, tg_res.token,
	       tg_res.extra);
	fflush(stdout);
	return strcmp(tg_res.token, "ERROR") ? 0 : 1;
}
