// SPDX-License-Identifier: GPL-2.0
/*
 * tailguard CLI: the reports of `check` and `status` - text, JSON and the
 * Prometheus text exposition format.  The schema is docs/cli.md's: fields
 * are only ever added.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

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

void tg_out_check(enum tg_fmt fmt, const struct tg_kernel *k, const struct tg_module *mod,
		  int rc)
{
	FILE *o = stdout;
	char vt[96];
	time_t now = time(NULL);

	tg_kernel_ver_text(k, vt, sizeof(vt));
	if (fmt == TG_FMT_TEXT) {
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
	if (fmt == TG_FMT_JSON) {
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

void tg_out_status(enum tg_fmt fmt, const struct tg_module *mod)
{
	if (fmt == TG_FMT_TEXT) {
		printf("tailguard %s\n", TG_VERSION);
		text_module(stdout, mod);
	} else if (fmt == TG_FMT_JSON) {
		printf("{\n  \"schema\": \"tailguard-status/1\",\n  \"tool\": {\"name\": \"tailguard\", \"version\": ");
		json_str(stdout, TG_VERSION);
		printf("},\n  \"module\": ");
		json_module(stdout, mod, "  ");
		printf("\n}\n");
	} else {
		prom_module(stdout, mod);
	}
}
