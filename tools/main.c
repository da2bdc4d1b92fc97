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
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/bpf.h>

#include <bpf/bpf.h>

#include "tailguard.h"

static const char *const state_names[TG_NR_STATES] = {
	[TG_FIXED] = "fixed",
	[TG_NOT_FIXED] = "not fixed",
	[TG_MITIGATED] = "mitigated",
	[TG_NOT_EXISTS] = "not exists",
	[TG_CANNOT_DETECT] = "cannot detect",
};

static const char *const state_keys[TG_NR_STATES] = {
	[TG_FIXED] = "fixed",
	[TG_NOT_FIXED] = "not_fixed",
	[TG_MITIGATED] = "mitigated",
	[TG_NOT_EXISTS] = "not_exists",
	[TG_CANNOT_DETECT] = "cannot_detect",
};

enum tg_fmt { FMT_TEXT, FMT_JSON, FMT_PROM };

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

/* ---- output ------------------------------------------------------------------- */

static void json_str(FILE *o, const char *s)
{
	if (!s) {
		fputs("null", o);
		return;
	}
	fputc('"', o);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(o, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", o);
		else if (c < 0x20)
			fprintf(o, "\\u%04x", c);
		else
			fputc(c, o);
	}
	fputc('"', o);
}

static void json_ll(FILE *o, long long v)
{
	if (v < 0)
		fputs("null", o);
	else
		fprintf(o, "%lld", v);
}

static void json_module(FILE *o, const struct tg_module *mod, const char *ind)
{
	fprintf(o, "{\n%s  \"loaded\": %s", ind, mod->loaded ? "true" : "false");
	if (mod->loaded) {
		fprintf(o, ",\n%s  \"version\": ", ind);
		json_str(o, mod->version[0] ? mod->version : NULL);
		fprintf(o, ",\n%s  \"mode\": ", ind);
		json_str(o, mod->mode[0] ? mod->mode : NULL);
		fprintf(o, ",\n%s  \"tracked_progs\": ", ind);
		json_ll(o, mod->tracked);
		fprintf(o, ",\n%s  \"mitigations\": [", ind);
		for (int i = 0, n = 0; i < TG_NR_MITIG; i++) {
			const struct tg_mitig *m = &mod->m[i];

			if (!m->present)
				continue;
			fprintf(o, "%s\n%s    {\"name\": ", n++ ? "," : "", ind);
			json_str(o, m->name);
			fputs(", \"state\": ", o);
			json_str(o, m->state[0] ? m->state : NULL);
			fputs(", \"enabled\": ", o);
			fputs(m->enabled < 0 ? "null" : m->enabled ? "true" : "false", o);
			fputs(", \"active\": ", o);
			fputs(tg_module_blocks(mod, m->name) ? "true" : "false", o);
			fputs(", \"blocked\": ", o);
			json_ll(o, m->blocked);
			fputs(", \"audited\": ", o);
			json_ll(o, m->audited);
			fputs("}", o);
		}
		fprintf(o, "\n%s  ]", ind);
	}
	fprintf(o, "\n%s}", ind);
}

static void text_module(FILE *o, const struct tg_module *mod)
{
	if (!mod->loaded) {
		fputs("module:  not loaded\n", o);
		return;
	}
	fprintf(o, "module:  loaded, version %s, mode %s", mod->version[0] ? mod->version : "?",
		mod->mode[0] ? mod->mode : "?");
	if (mod->tracked >= 0)
		fprintf(o, ", %lld tracked progs", mod->tracked);
	fputc('\n', o);
	for (int i = 0; i < TG_NR_MITIG; i++) {
		const struct tg_mitig *m = &mod->m[i];

		if (!m->present) {
			fprintf(o, "  %-16s (no sysfs entry)\n", m->name);
			continue;
		}
		fprintf(o, "  %-16s %-16s enabled=%d blocked=%lld audited=%lld%s\n", m->name,
			m->state[0] ? m->state : "?", m->enabled, m->blocked, m->audited,
			tg_module_blocks(mod, m->name) ? "  (active)" : "");
	}
}

/* a Prometheus label value: escape backslash, quote and newline */
static const char *pl(const char *s)
{
	static char bufs[4][192];
	static int k;
	char *b = bufs[k++ & 3];
	size_t o = 0;

	for (; s && *s && o + 3 < sizeof(bufs[0]); s++) {
		if (*s == '\\' || *s == '"')
			b[o++] = '\\';
		if (*s == '\n') {
			b[o++] = '\\';
			b[o++] = 'n';
			continue;
		}
		b[o++] = *s;
	}
	b[o] = 0;
	return b;
}

static void prom_module(FILE *o, const struct tg_module *mod)
{
	fputs("# HELP tailguard_module_loaded Whether the tailguard kernel module is loaded.\n"
	      "# TYPE tailguard_module_loaded gauge\n", o);
	fprintf(o, "tailguard_module_loaded %d\n", mod->loaded);
	if (!mod->loaded)
		return;
	fputs("# HELP tailguard_module_info Version and mode of the loaded tailguard module.\n"
	      "# TYPE tailguard_module_info gauge\n", o);
	fprintf(o, "tailguard_module_info{version=\"%s\",mode=\"%s\"} 1\n", pl(mod->version),
		pl(mod->mode));
	if (mod->tracked >= 0) {
		fputs("# HELP tailguard_module_tracked_progs BPF progs the module tracks.\n"
		      "# TYPE tailguard_module_tracked_progs gauge\n", o);
		fprintf(o, "tailguard_module_tracked_progs %lld\n", mod->tracked);
	}
	fputs("# HELP tailguard_mitigation_active 1 when mode=enforce and the mitigation is armed and enabled.\n"
	      "# TYPE tailguard_mitigation_active gauge\n", o);
	for (int i = 0; i < TG_NR_MITIG; i++)
		if (mod->m[i].present)
			fprintf(o, "tailguard_mitigation_active{mitigation=\"%s\"} %d\n", mod->m[i].name,
				tg_module_blocks(mod, mod->m[i].name));
	fputs("# HELP tailguard_mitigation_state State reported by the module for a mitigation.\n"
	      "# TYPE tailguard_mitigation_state gauge\n", o);
	for (int i = 0; i < TG_NR_MITIG; i++)
		if (mod->m[i].present)
			fprintf(o, "tailguard_mitigation_state{mitigation=\"%s\",state=\"%s\"} 1\n",
				mod->m[i].name, pl(mod->m[i].state));
	fputs("# HELP tailguard_mitigation_blocked_total Operations the mitigation refused.\n"
	      "# TYPE tailguard_mitigation_blocked_total counter\n", o);
	for (int i = 0; i < TG_NR_MITIG; i++)
		if (mod->m[i].present && mod->m[i].blocked >= 0)
			fprintf(o, "tailguard_mitigation_blocked_total{mitigation=\"%s\"} %lld\n",
				mod->m[i].name, mod->m[i].blocked);
	fputs("# HELP tailguard_mitigation_audited_total Operations the mitigation would have refused (audit mode).\n"
	      "# TYPE tailguard_mitigation_audited_total counter\n", o);
	for (int i = 0; i < TG_NR_MITIG; i++)
		if (mod->m[i].present && mod->m[i].audited >= 0)
			fprintf(o, "tailguard_mitigation_audited_total{mitigation=\"%s\"} %lld\n",
				mod->m[i].name, mod->m[i].audited);
}

static void out_check(enum tg_fmt fmt, const struct tg_kernel *k, const struct tg_module *mod, int rc)
{
	FILE *o = stdout;
	char vt[96];
	time_t now = time(NULL);

	tg_kernel_ver_text(k, vt, sizeof(vt));
	if (fmt == FMT_TEXT) {
		fprintf(o, "tailguard %s: BPF tail-call issue check\n", TG_VERSION);
		fprintf(o, "kernel:  %s (%s), %s, BTF %s, JIT %s\n", k->release, vt, k->machine,
			k->btf ? "yes" : "no",
			k->jit_enable < 0 ? "?" : k->jit_enable ? "on" : "off");
		text_module(o, mod);
		fprintf(o, "\n%-22s %-14s %s\n", "ISSUE", "STATE", "FIX");
		for (int i = 0; i < TG_NR_ISSUES; i++) {
			const struct tg_issue *is = &tg_issues[i];

			fprintf(o, "%-22s %-14s %s (%s)%s%s\n", is->id, state_names[is->state],
				is->fix, is->fixed_in, is->cve ? ", " : "", is->cve ? is->cve : "");
			fprintf(o, "    %s\n", is->title);
			fprintf(o, "    evidence [%s]: %s\n", is->signal, is->evidence);
		}
		fputc('\n', o);
		if (rc) {
			fputs("result: not fixed and unmitigated:", o);
			for (int i = 0; i < TG_NR_ISSUES; i++)
				if (tg_issues[i].state == TG_NOT_FIXED)
					fprintf(o, " %s", tg_issues[i].id);
			fputc('\n', o);
		} else {
			fputs("result: nothing is `not fixed`\n", o);
		}
		return;
	}
	if (fmt == FMT_JSON) {
		fprintf(o, "{\n  \"schema\": \"tailguard-check/1\",\n");
		fprintf(o, "  \"tool\": {\"name\": \"tailguard\", \"version\": ");
		json_str(o, TG_VERSION);
		fprintf(o, "},\n  \"timestamp\": %lld,\n", (long long)now);
		fprintf(o, "  \"kernel\": {\n    \"release\": ");
		json_str(o, k->release);
		fprintf(o, ",\n    \"version\": ");
		json_str(o, k->version);
		fprintf(o, ",\n    \"machine\": ");
		json_str(o, k->machine);
		fprintf(o, ",\n    \"distro_version\": ");
		json_str(o, k->distro_ver[0] ? k->distro_ver : NULL);
		fprintf(o, ",\n    \"upstream_version\": ");
		if (k->ver[0])
			fprintf(o, "\"%d.%d.%d\"", k->ver[0], k->ver[1], k->ver[2]);
		else
			fputs("null", o);
		fprintf(o, ",\n    \"btf\": %s,\n    \"jit_enable\": ", k->btf ? "true" : "false");
		json_ll(o, k->jit_enable);
		fprintf(o, "\n  },\n  \"module\": ");
		json_module(o, mod, "  ");
		fprintf(o, ",\n  \"issues\": [");
		for (int i = 0; i < TG_NR_ISSUES; i++) {
			const struct tg_issue *is = &tg_issues[i];

			fprintf(o, "%s\n    {\n      \"id\": ", i ? "," : "");
			json_str(o, is->id);
			fprintf(o, ",\n      \"title\": ");
			json_str(o, is->title);
			fprintf(o, ",\n      \"state\": ");
			json_str(o, state_names[is->state]);
			fprintf(o, ",\n      \"signal\": ");
			json_str(o, is->signal);
			fprintf(o, ",\n      \"evidence\": ");
			json_str(o, is->evidence);
			fprintf(o, ",\n      \"fix_commits\": [");
			{
				char fx[64], *s, *save = NULL;
				int n = 0;

				snprintf(fx, sizeof(fx), "%s", is->fix);
				for (s = strtok_r(fx, " ", &save); s; s = strtok_r(NULL, " ", &save)) {
					fputs(n++ ? ", " : "", o);
					json_str(o, s);
				}
			}
			fprintf(o, "],\n      \"fixed_in\": ");
			json_str(o, is->fixed_in);
			fprintf(o, ",\n      \"cve\": ");
			json_str(o, is->cve);
			fprintf(o, "\n    }");
		}
		fprintf(o, "\n  ],\n  \"summary\": {");
		for (int s = 0; s < TG_NR_STATES; s++)
			fprintf(o, "\"%s\": %d, ", state_keys[s], tg_count_state(s));
		fprintf(o, "\"exit_status\": %d}\n}\n", rc);
		return;
	}
	/* Prometheus text exposition (node_exporter textfile collector) */
	fputs("# HELP tailguard_issue State of a BPF tail-call issue on this kernel: 1 for the current state, 0 for the others.\n"
	      "# TYPE tailguard_issue gauge\n", o);
	for (int i = 0; i < TG_NR_ISSUES; i++)
		for (int s = 0; s < TG_NR_STATES; s++)
			fprintf(o, "tailguard_issue{issue=\"%s\",state=\"%s\"} %d\n", tg_issues[i].id,
				state_names[s], tg_issues[i].state == (enum tg_state)s);
	fputs("# HELP tailguard_issues_unmitigated Issues that are `not fixed` and not mitigated.\n"
	      "# TYPE tailguard_issues_unmitigated gauge\n", o);
	fprintf(o, "tailguard_issues_unmitigated %d\n", tg_count_state(TG_NOT_FIXED));
	prom_module(o, mod);
	fputs("# HELP tailguard_build_info Version of the tailguard CLI.\n"
	      "# TYPE tailguard_build_info gauge\n", o);
	fprintf(o, "tailguard_build_info{version=\"%s\",kernel=\"%s\"} 1\n", TG_VERSION, pl(k->release));
	fputs("# HELP tailguard_check_timestamp_seconds When the check ran (Unix time).\n"
	      "# TYPE tailguard_check_timestamp_seconds gauge\n", o);
	fprintf(o, "tailguard_check_timestamp_seconds %lld\n", (long long)now);
}

static void out_status(enum tg_fmt fmt, const struct tg_module *mod)
{
	if (fmt == FMT_TEXT) {
		printf("tailguard %s\n", TG_VERSION);
		text_module(stdout, mod);
	} else if (fmt == FMT_JSON) {
		printf("{\n  \"schema\": \"tailguard-status/1\",\n  \"tool\": {\"name\": \"tailguard\", \"version\": ");
		json_str(stdout, TG_VERSION);
		printf("},\n  \"module\": ");
		json_module(stdout, mod, "  ");
		printf("\n}\n");
	} else {
		prom_module(stdout, mod);
	}
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

/* ---- main ---------------------------------------------------------------------- */

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
		return FMT_TEXT;
	if (!strcmp(s, "json"))
		return FMT_JSON;
	if (!strcmp(s, "prometheus") || !strcmp(s, "prom"))
		return FMT_PROM;
	bad_usage("unknown format '%s' (text, json, prometheus)", s);
	return FMT_TEXT;
}

int main(int argc, char **argv)
{
	const char *cmd = NULL;
	enum tg_fmt fmt = FMT_TEXT;
	bool fmt_set = false;
	struct tg_kernel k;
	struct tg_module mod;
	struct tg_freplace_probe fp;
	struct tg_jit_probe jp;
	struct tg_ktext_probe kt;
	int rc;

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
			f = FMT_JSON;
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

	if (!strcmp(cmd, "debug-ids")) {
		/* lab helper: count live BPF objects (leak check around `check`) */
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
	if (!strcmp(cmd, "status")) {
		struct stat st;

		if (stat("/sys/kernel", &st))
			die("sysfs is not mounted on /sys: cannot see the module state");
		tg_module_read(&mod);
		out_status(fmt, &mod);
		return 0;
	}
	if (strcmp(cmd, "check"))
		bad_usage("unknown command '%s' (check, status)", cmd);

	require_environment();
	tg_kernel_read(&k);
	tg_module_read(&mod);
	tg_probe_freplace(&fp);
	tg_probe_jit(&jp);
	tg_probe_ktext(&k, &kt);
	tg_kread_close();
	tg_classify(&k, &mod, &fp, &jp, &kt);

	rc = tg_count_state(TG_NOT_FIXED) ? 1 : 0;
	out_check(fmt, &k, &mod, rc);
	if (fflush(stdout) || ferror(stdout))
		die("writing the report: %s", strerror(errno));
	return rc;
}
