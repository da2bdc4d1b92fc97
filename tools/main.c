// SPDX-License-Identifier: GPL-2.0
/*
 * tailguard - tell an operator, safely, which BPF tail-call bugs this
 * kernel has and whether the tailguard module covers them.
 *
 *   tailguard check  [--json | --format=text|json|prometheus] [-v]
 *   tailguard status [--json | --format=text|json|prometheus]
 *
 * See tailguard(8) and docs/cli.md.  Exit status: 0 nothing `not fixed`,
 * 1 something `not fixed` and unmitigated, 2 error.
 *
 * One file per job:
 *   main.c             arguments and the commands
 *   kernel.c           facts read from the kernel and the module's sysfs
 *   probe_*.c          the probes: freplace, jit, fentry, ktext
 *   disasm.c           x86-64 disassembly for the probes
 *   classify.c         the decision of each issue
 *   output.c           text, JSON (json_writer.c) and Prometheus reports
 *   util.c             errno names, file reads, libbpf log capture
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/bpf.h>

#include <bpf/bpf.h>

#include "tailguard.h"

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("tailguard: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* ---- preconditions ------------------------------------------------------------ */

static void require_environment(void)
{
	union bpf_attr attr;
	struct stat st;
	int fd;

	if (geteuid() != 0)
		die("`check` must run as root: it loads BPF programs (CAP_SYS_ADMIN/CAP_BPF)");
	if (stat("/proc/self", &st))
		die("/proc is not mounted");
	if (stat("/sys/kernel", &st))
		die("sysfs is not mounted on /sys (needed for BTF and the module state)");
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	fd = syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	if (fd < 0) {
		if (errno == ENOSYS)
			die("this kernel has no bpf() syscall (CONFIG_BPF_SYSCALL is off)");
		if (errno == EPERM || errno == EACCES)
			die("bpf() not permitted (%s): seccomp, lockdown or missing capabilities",
			    strerror(errno));
		die("bpf() does not work: BPF_MAP_CREATE: %s", strerror(errno));
	}
	close(fd);
}

/* ---- commands ------------------------------------------------------------------ */

/* probe, classify, report; the exit status is 1 when an issue is `not fixed` */
static int cmd_check(enum tg_fmt fmt)
{
	struct tg_kernel k;
	struct tg_module mod;
	struct tg_freplace_probe fp;
	struct tg_jit_probe jp;
	struct tg_ktext_probe kt;
	int rc;

	require_environment();
	tg_kernel_read(&k);
	tg_module_read(&mod);
	tg_probe_freplace(&fp);
	tg_probe_jit(&jp);
	tg_probe_ktext(&k, &kt);
	tg_kread_close();
	tg_classify(&k, &mod, &fp, &jp, &kt);

	rc = tg_count_state(TG_NOT_FIXED) ? 1 : 0;
	tg_out_check(fmt, &k, &mod, rc);
	if (fflush(stdout) || ferror(stdout))
		die("writing the report: %s", strerror(errno));
	return rc;
}

/* the module's sysfs state only: no BPF, any user */
static int cmd_status(enum tg_fmt fmt)
{
	struct tg_module mod;
	struct stat st;

	if (stat("/sys/kernel", &st))
		die("sysfs is not mounted on /sys: cannot see the module state");
	tg_module_read(&mod);
	tg_out_status(fmt, &mod);
	return 0;
}

/* lab helper: count live BPF objects (leak check around `check`) */
static int cmd_debug_ids(void)
{
	uint32_t id, n[3] = {};

	for (id = 0; !bpf_prog_get_next_id(id, &id);)
		n[0]++;
	for (id = 0; !bpf_map_get_next_id(id, &id);) {
		struct bpf_map_info mi = {};
		uint32_t len = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(id);

		n[1]++;
		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &mi, &len))
			fprintf(stderr, "map %u: type %u name '%s'\n", id, mi.type, mi.name);
		if (fd >= 0)
			close(fd);
	}
	for (id = 0; !bpf_link_get_next_id(id, &id);)
		n[2]++;
	printf("progs %u maps %u links %u\n", n[0], n[1], n[2]);
	return 0;
}

/* ---- arguments ----------------------------------------------------------------- */

static void usage(FILE *o)
{
	fprintf(o,
"Usage: tailguard [OPTIONS] COMMAND\n"
"\n"
"Report which BPF tail-call bugs this kernel has, and whether the tailguard\n"
"module mitigates them.  Probes are safe: no bug is ever executed.\n"
"\n"
"Commands:\n"
"  check     probe the kernel for six tail-call issues (needs root)\n"
"  status    show the tailguard module's state from " TG_SYSFS "\n"
"\n"
"Options:\n"
"  --json                 same as --format=json\n"
"  --format=FMT           text (default), json, prometheus\n"
"  -v, --verbose          show libbpf messages on stderr (twice: debug)\n"
"  -h, --help             this help\n"
"  -V, --version          print the version\n"
"\n"
"Issue states: fixed, not fixed, mitigated, not exists, cannot detect.\n"
"Exit status: 0 nothing `not fixed`, 1 something `not fixed` and not\n"
"mitigated, 2 error.  See tailguard(8).\n");
}

static void bad_usage(const char *fmt, const char *arg)
{
	fputs("tailguard: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'tailguard --help'.\n", stderr);
	exit(2);
}

static enum tg_fmt parse_fmt(const char *s)
{
	if (!strcmp(s, "text"))
		return TG_FMT_TEXT;
	if (!strcmp(s, "json"))
		return TG_FMT_JSON;
	if (!strcmp(s, "prometheus") || !strcmp(s, "prom"))
		return TG_FMT_PROM;
	bad_usage("unknown format '%s' (text, json, prometheus)", s);
	return TG_FMT_TEXT;
}

int main(int argc, char **argv)
{
	const char *cmd = NULL;
	enum tg_fmt fmt = TG_FMT_TEXT;
	bool fmt_set = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		enum tg_fmt f;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("tailguard %s\n", TG_VERSION);
			return 0;
		} else if (!strcmp(a, "--verbose")) {
			tg_verbose++;
			continue;
		} else if (a[0] == '-' && a[1] == 'v' && strspn(a + 1, "v") == strlen(a + 1)) {
			tg_verbose += strlen(a + 1);
			continue;
		} else if (!strcmp(a, "--json")) {
			f = TG_FMT_JSON;
		} else if (!strncmp(a, "--format=", 9)) {
			f = parse_fmt(a + 9);
		} else if (!strcmp(a, "--format")) {
			if (i + 1 >= argc)
				bad_usage("%s needs an argument", a);
			f = parse_fmt(argv[++i]);
		} else if (a[0] == '-') {
			bad_usage("unknown option '%s'", a);
			continue;
		} else if (!cmd) {
			cmd = a;
			continue;
		} else {
			bad_usage("unexpected argument '%s'", a);
			continue;
		}
		if (fmt_set && f != fmt)
			bad_usage("conflicting output formats%s", "");
		fmt = f;
		fmt_set = true;
	}
	if (!cmd) {
		usage(stderr);
		return 2;
	}

	if (!strcmp(cmd, "debug-ids"))
		return cmd_debug_ids();
	if (!strcmp(cmd, "status"))
		return cmd_status(fmt);
	if (strcmp(cmd, "check"))
		bad_usage("unknown command '%s' (check, status)", cmd);
	return cmd_check(fmt);
}
