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
#include "json_writer.h"

/* each state as the reports name it, and as a key of the JSON summary */
static const struct {
	const char *name;
	const char *key;
} states[TG_NR_STATES] = {
	[TG_FIXED]		= { "fixed",		"fixed" },
	[TG_NOT_FIXED]		= { "not fixed",	"not_fixed" },
	[TG_MITIGATED]		= { "mitigated",	"mitigated" },
	[TG_NOT_EXISTS]		= { "not exists",	"not_exists" },
	[TG_CANNOT_DETECT]	= { "cannot detect",	"cannot_detect" },
};

/* ---- JSON -------------------------------------------------------------- */

/* a string the kernel or the module may leave empty: null then */
static void json_opt_string_field(struct json_writer *w, const char *name, const char *s)
{
	jsonw_string_field(w, name, s[0] ? s : NULL);
}

/* a number that is -1 when unknown: null then */
static void json_count_field(struct json_writer *w, const char *name, long long v)
{
	if (v < 0)
		jsonw_null_field(w, name);
	else
		jsonw_int_field(w, name, v);
}

static void json_tool(struct json_writer *w)
{
	jsonw_name(w, "tool");
	jsonw_start_object_inline(w);
	jsonw_string_field(w, "name", "tailguard");
	jsonw_string_field(w, "version", TG_VERSION);
	jsonw_end_object(w);
}

static void json_module(struct json_writer *w, const struct tg_module *mod)
{
	jsonw_name(w, "module");
	jsonw_start_object(w);
	jsonw_bool_field(w, "loaded", mod->loaded);
	if (mod->loaded) {
		json_opt_string_field(w, "version", mod->version);
		json_opt_string_field(w, "mode", mod->mode);
		json_count_field(w, "tracked_progs", mod->tracked);
		jsonw_name(w, "mitigations");
		jsonw_start_array(w);
		for (int i = 0; i < TG_NR_MITIG; i++) {
			const struct tg_mitig *m = &mod->m[i];

			if (!m->present)
				continue;
			jsonw_start_object_inline(w);
			jsonw_string_field(w, "name", m->name);
			json_opt_string_field(w, "state", m->state);
			if (m->enabled < 0)
				jsonw_null_field(w, "enabled");
			else
				jsonw_bool_field(w, "enabled", m->enabled);
			jsonw_bool_field(w, "active", tg_module_blocks(mod, m->name));
			if (m->policy[0])
				jsonw_string_field(w, "policy", m->policy);
			json_count_field(w, "blocked", m->blocked);
			json_count_field(w, "audited", m->audited);
			jsonw_end_object(w);
		}
		jsonw_end_array(w);
	}
	jsonw_end_object(w);
}

static void json_issue(struct json_writer *w, const struct tg_issue *is)
{
	char fx[64], *s, *save = NULL;

	jsonw_start_object(w);
	jsonw_string_field(w, "id", is->id);
	jsonw_string_field(w, "title", is->title);
	jsonw_string_field(w, "state", states[is->state].name);
	jsonw_string_field(w, "signal", is->signal);
	jsonw_string_field(w, "evidence", is->evidence);
	/* mitigated: by a "rule" (the fixed kernel's) or a "policy"; else null */
	jsonw_string_field(w, "mitigated_by", is->mitigated_by);
	jsonw_string_field(w, "mitigation", is->mitigation);
	jsonw_name(w, "fix_commits");
	jsonw_start_array_inline(w);
	snprintf(fx, sizeof(fx), "%s", is->fix);
	for (s = strtok_r(fx, " ", &save); s; s = strtok_r(NULL, " ", &save))
		jsonw_string(w, s);
	jsonw_end_array(w);
	jsonw_string_field(w, "fixed_in", is->fixed_in);
	jsonw_string_field(w, "cve", is->cve);
	jsonw_end_object(w);
}

static void json_check(FILE *o, const struct tg_kernel *k, const struct tg_module *mod,
		       int rc, time_t now)
{
	struct json_writer w;
	char uv[48];

	jsonw_init(&w, o);
	jsonw_start_object(&w);
	jsonw_string_field(&w, "schema", "tailguard-check/1");
	json_tool(&w);
	jsonw_int_field(&w, "timestamp", (long long)now);
	jsonw_name(&w, "kernel");
	jsonw_start_object(&w);
	jsonw_string_field(&w, "release", k->release);
	jsonw_string_field(&w, "version", k->version);
	jsonw_string_field(&w, "machine", k->machine);
	json_opt_string_field(&w, "distro_version", k->distro_ver);
	snprintf(uv, sizeof(uv), "%d.%d.%d", k->ver[0], k->ver[1], k->ver[2]);
	jsonw_string_field(&w, "upstream_version", k->ver[0] ? uv : NULL);
	jsonw_bool_field(&w, "btf", k->btf);
	json_count_field(&w, "jit_enable", k->jit_enable);
	jsonw_end_object(&w);
	json_module(&w, mod);
	jsonw_name(&w, "issues");
	jsonw_start_array(&w);
	for (int i = 0; i < TG_NR_ISSUES; i++)
		json_issue(&w, &tg_issues[i]);
	jsonw_end_array(&w);
	jsonw_name(&w, "summary");
	jsonw_start_object_inline(&w);
	for (int s = 0; s < TG_NR_STATES; s++)
		jsonw_int_field(&w, states[s].key, tg_count_state(s));
	jsonw_int_field(&w, "exit_status", rc);
	jsonw_end_object(&w);
	jsonw_end_object(&w);
	jsonw_finish(&w);
}

static void json_status(FILE *o, const struct tg_module *mod)
{
	struct json_writer w;

	jsonw_init(&w, o);
	jsonw_start_object(&w);
	jsonw_string_field(&w, "schema", "tailguard-status/1");
	json_tool(&w);
	json_module(&w, mod);
	jsonw_end_object(&w);
	jsonw_finish(&w);
}

/* ---- text ---------------------------------------------------------------- */

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
			fprintf(o, "  %-18s (no sysfs entry)\n", m->name);
			continue;
		}
		fprintf(o, "  %-18s %-16s enabled=%d blocked=%lld audited=%lld%s%s%s\n", m->name,
			m->state[0] ? m->state : "?", m->enabled, m->blocked, m->audited,
			m->policy[0] ? " policy=" : "", m->policy,
			tg_module_blocks(mod, m->name) ? "  (active)" : "");
	}
}

static void text_check(FILE *o, const struct tg_kernel *k, const struct tg_module *mod, int rc)
{
	char vt[96];

	tg_kernel_ver_text(k, vt, sizeof(vt));
	fprintf(o, "tailguard %s: BPF tail-call issue check\n", TG_VERSION);
	fprintf(o, "kernel:  %s (%s), %s, BTF %s, JIT %s\n", k->release, vt, k->machine,
		k->btf ? "yes" : "no",
		k->jit_enable < 0 ? "?" : k->jit_enable ? "on" : "off");
	text_module(o, mod);
	fprintf(o, "\n%-22s %-14s %s\n", "ISSUE", "STATE", "FIX");
	for (int i = 0; i < TG_NR_ISSUES; i++) {
		const struct tg_issue *is = &tg_issues[i];

		fprintf(o, "%-22s %-14s %s (%s)%s%s\n", is->id, states[is->state].name,
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
}

/* ---- Prometheus (node_exporter textfile collector) ---------------------- */

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

/* the HELP and TYPE lines of a metric */
static void prom_head(FILE *o, const char *name, const char *type, const char *help)
{
	fprintf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* a counter of each present mitigation, where the module exposes it */
static void prom_mitig_count(FILE *o, const struct tg_module *mod, const char *name,
			     const char *help, bool audited)
{
	prom_head(o, name, "counter", help);
	for (int i = 0; i < TG_NR_MITIG; i++) {
		const struct tg_mitig *m = &mod->m[i];
		long long v = audited ? m->audited : m->blocked;

		if (m->present && v >= 0)
			fprintf(o, "%s{mitigation=\"%s\"} %lld\n", name, m->name, v);
	}
}

static void prom_module(FILE *o, const struct tg_module *mod)
{
	prom_head(o, "tailguard_module_loaded", "gauge",
		  "Whether the tailguard kernel module is loaded.");
	fprintf(o, "tailguard_module_loaded %d\n", mod->loaded);
	if (!mod->loaded)
		return;
	prom_head(o, "tailguard_module_info", "gauge",
		  "Version and mode of the loaded tailguard module.");
	fprintf(o, "tailguard_module_info{version=\"%s\",mode=\"%s\"} 1\n", pl(mod->version),
		pl(mod->mode));
	if (mod->tracked >= 0) {
		prom_head(o, "tailguard_module_tracked_progs", "gauge",
			  "BPF progs the module tracks.");
		fprintf(o, "tailguard_module_tracked_progs %lld\n", mod->tracked);
	}
	prom_head(o, "tailguard_mitigation_active", "gauge",
		  "1 when mode=enforce and the mitigation is armed and enabled.");
	for (int i = 0; i < TG_NR_MITIG; i++)
		if (mod->m[i].present)
			fprintf(o, "tailguard_mitigation_active{mitigation=\"%s\"} %d\n", mod->m[i].name,
				tg_module_blocks(mod, mod->m[i].name));
	prom_head(o, "tailguard_mitigation_state", "gauge",
		  "State reported by the module for a mitigation.");
	for (int i = 0; i < TG_NR_MITIG; i++)
		if (mod->m[i].present)
			fprintf(o, "tailguard_mitigation_state{mitigation=\"%s\",state=\"%s\"} 1\n",
				mod->m[i].name, pl(mod->m[i].state));
	prom_mitig_count(o, mod, "tailguard_mitigation_blocked_total",
			 "Operations the mitigation refused.", false);
	prom_mitig_count(o, mod, "tailguard_mitigation_audited_total",
			 "Operations the mitigation would have refused (audit mode).", true);
}

static void prom_check(FILE *o, const struct tg_kernel *k, const struct tg_module *mod,
		       time_t now)
{
	prom_head(o, "tailguard_issue", "gauge",
		  "State of a BPF tail-call issue on this kernel: 1 for the current state, 0 for the others.");
	for (int i = 0; i < TG_NR_ISSUES; i++)
		for (int s = 0; s < TG_NR_STATES; s++)
			fprintf(o, "tailguard_issue{issue=\"%s\",state=\"%s\"} %d\n", tg_issues[i].id,
				states[s].name, tg_issues[i].state == (enum tg_state)s);
	prom_head(o, "tailguard_issues_unmitigated", "gauge",
		  "Issues that are `not fixed` and not mitigated.");
	fprintf(o, "tailguard_issues_unmitigated %d\n", tg_count_state(TG_NOT_FIXED));
	prom_module(o, mod);
	prom_head(o, "tailguard_build_info", "gauge", "Version of the tailguard CLI.");
	fprintf(o, "tailguard_build_info{version=\"%s\",kernel=\"%s\"} 1\n", TG_VERSION, pl(k->release));
	prom_head(o, "tailguard_check_timestamp_seconds", "gauge",
		  "When the check ran (Unix time).");
	fprintf(o, "tailguard_check_timestamp_seconds %lld\n", (long long)now);
}

void tg_out_check(enum tg_fmt fmt, const struct tg_kernel *k, const struct tg_module *mod,
		  int rc)
{
	time_t now = time(NULL);

	if (fmt == TG_FMT_TEXT)
		text_check(stdout, k, mod, rc);
	else if (fmt == TG_FMT_JSON)
		json_check(stdout, k, mod, rc, now);
	else
		prom_check(stdout, k, mod, now);
}

void tg_out_status(enum tg_fmt fmt, const struct tg_module *mod)
{
	if (fmt == TG_FMT_TEXT) {
		printf("tailguard %s\n", TG_VERSION);
		text_module(stdout, mod);
	} else if (fmt == TG_FMT_JSON) {
		json_status(stdout, mod);
	} else {
		prom_module(stdout, mod);
	}
}
