// SPDX-License-Identifier: GPL-2.0
/*
 * tailguard CLI: facts read from the kernel - uname, sysctl and BTF, the
 * module's sysfs state, /proc/kallsyms, JIT images (bpf_prog_info) and
 * kernel memory (tg_kread).  Nothing here decides an issue.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "tailguard.h"
#include "kread.skel.h"

/* ---- uname, sysctl, BTF ------------------------------------------------ */

void tg_kernel_read(struct tg_kernel *k)
{
	struct utsname u;
	const char *d;
	char buf[32];

	memset(k, 0, sizeof(*k));
	k->jit_enable = -1;
	if (!uname(&u)) {
		snprintf(k->release, sizeof(k->release), "%s", u.release);
		snprintf(k->version, sizeof(k->version), "%s", u.version);
		snprintf(k->machine, sizeof(k->machine), "%s", u.machine);
	}
	/* Debian: uname -r is 6.1.0-54-amd64, uname -v names 6.1.190-1 */
	d = strstr(k->version, "Debian ");
	if (d && sscanf(d + 7, "%63s", k->distro_ver) == 1 &&
	    sscanf(k->distro_ver, "%d.%d.%d", &k->ver[0], &k->ver[1], &k->ver[2]) >= 2) {
		k->ver_from_distro = true;
	} else {
		k->distro_ver[0] = 0;
		memset(k->ver, 0, sizeof(k->ver));
		sscanf(k->release, "%d.%d.%d", &k->ver[0], &k->ver[1], &k->ver[2]);
	}
	if (!tg_read_str("/proc/sys/net/core/bpf_jit_enable", buf, sizeof(buf)))
		k->jit_enable = atoi(buf);
	tg_kernel_btf(k);
}

void tg_kernel_ver_text(const struct tg_kernel *k, char *buf, size_t len)
{
	if (k->ver_from_distro)
		snprintf(buf, len, "Debian %s", k->distro_ver);
	else
		snprintf(buf, len, "%d.%d.%d", k->ver[0], k->ver[1], k->ver[2]);
}

static long member_off(const struct btf *btf, const struct btf_type *t, const char *name)
{
	const struct btf_member *m = btf_members(t);

	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const char *n = btf__name_by_offset(btf, m->name_off);

		if (n && !strcmp(n, name))
			return btf_member_bit_offset(t, i) / 8;
	}
	return -1;
}

void tg_kernel_btf(struct tg_kernel *k)
{
	struct btf *btf;
	int id;

	k->saved_dst_off = k->dst_prog_off = k->prog_aux_off = -1;
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		return;
	btf = btf__parse("/sys/kernel/btf/vmlinux", NULL);
	if (!btf)
		return;
	k->btf = true;
	id = btf__find_by_name_kind(btf, "bpf_prog_aux", BTF_KIND_STRUCT);
	if (id > 0) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		k->aux_found = true;
		k->is_extended = member_off(btf, t, "is_extended") >= 0;
		k->member_cnt = member_off(btf, t, "prog_array_member_cnt") >= 0;
		k->saved_dst_off = member_off(btf, t, "saved_dst_prog_type");
		k->dst_prog_off = member_off(btf, t, "dst_prog");
	}
	id = btf__find_by_name_kind(btf, "bpf_prog", BTF_KIND_STRUCT);
	if (id > 0)
		k->prog_aux_off = member_off(btf, btf__type_by_id(btf, id), "aux");
	btf__free(btf);
}

/* ---- module sysfs ------------------------------------------------------ */

/* "enforce" or "audit [enforce] off" -> "enforce" */
static void pick_selected(char *s)
{
	char *l = strchr(s, '['), *r;

	if (l && (r = strchr(l, ']'))) {
		memmove(s, l + 1, r - l - 1);
		s[r - l - 1] = 0;
	}
}

static const char *const mitig_names[TG_NR_MITIG] = {
	TG_MIT_NAME_PANIC, TG_MIT_NAME_LOOP, TG_MIT_NAME_HIER,
	TG_MIT_NAME_TRAMP, TG_MIT_NAME_TAILCALLEE,
};

/* TAILGUARD_SYSFS overrides the sysfs directory (lab tests of the parser) */
static const char *sysfs_dir(void)
{
	const char *d = getenv("TAILGUARD_SYSFS");

	return d && *d ? d : TG_SYSFS;
}

void tg_module_read(struct tg_module *mod)
{
	const char *dir = sysfs_dir();
	char path[512];
	struct stat st;

	memset(mod, 0, sizeof(*mod));
	mod->tracked = -1;
	for (int i = 0; i < TG_NR_MITIG; i++) {
		mod->m[i].name = mitig_names[i];
		mod->m[i].enabled = -1;
		mod->m[i].blocked = mod->m[i].audited = -1;
	}
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return;
	mod->loaded = true;
	snprintf(path, sizeof(path), "%s/" TG_F_VERSION, dir);
	tg_read_str(path, mod->version, sizeof(mod->version));
	snprintf(path, sizeof(path), "%s/" TG_F_MODE, dir);
	tg_read_str(path, mod->mode, sizeof(mod->mode));
	pick_selected(mod->mode);
	snprintf(path, sizeof(path), "%s/" TG_F_TRACKED, dir);
	mod->tracked = tg_read_ll(path);
	for (int i = 0; i < TG_NR_MITIG; i++) {
		struct tg_mitig *m = &mod->m[i];

		snprintf(path, sizeof(path), "%s/mitigations/%s", dir, m->name);
		if (stat(path, &st) || !S_ISDIR(st.st_mode))
			continue;
		m->present = true;
		snprintf(path, sizeof(path), "%s/mitigations/%s/" TG_F_STATE, dir, m->name);
		tg_read_str(path, m->state, sizeof(m->state));
		pick_selected(m->state);
		snprintf(path, sizeof(path), "%s/mitigations/%s/" TG_F_ACTION, dir, m->name);
		tg_read_str(path, m->action, sizeof(m->action));
		snprintf(path, sizeof(path), "%s/mitigations/%s/" TG_F_ENABLED, dir, m->name);
		m->enabled = (int)tg_read_ll(path);
		snprintf(path, sizeof(path), "%s/mitigations/%s/" TG_F_BLOCKED, dir, m->name);
		m->blocked = tg_read_ll(path);
		snprintf(path, sizeof(path), "%s/mitigations/%s/" TG_F_AUDITED, dir, m->name);
		m->audited = tg_read_ll(path);
		snprintf(path, sizeof(path), "%s/mitigations/%s/" TG_F_POLICY, dir, m->name);
		if (access(path, F_OK) == 0)
			tg_read_str(path, m->policy, sizeof(m->policy));
	}
}

long long tg_module_probes(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/mitigations/%s/" TG_F_PROBES, sysfs_dir(), name);
	if (access(path, F_OK))
		return -1;
	return tg_read_ll(path);
}

const struct tg_mitig *tg_module_mitig(const struct tg_module *mod, const char *name)
{
	if (!mod->loaded)
		return NULL;
	for (int i = 0; i < TG_NR_MITIG; i++)
		if (!strcmp(mod->m[i].name, name) && mod->m[i].present)
			return &mod->m[i];
	return NULL;
}

bool tg_module_blocks(const struct tg_module *mod, const char *name)
{
	const struct tg_mitig *m = tg_module_mitig(mod, name);

	if (!m || strcmp(m->state, "armed") || m->enabled == 0)
		return false;
	if (m->action[0])
		return !strcmp(m->action, "enforce") ||
		       !strcmp(m->action, "enforced-in-audit");
	return !strcmp(mod->mode, "enforce");
}

/* ---- /proc/kallsyms ---------------------------------------------------- */

int tg_ksym_range(const char *name, uint64_t *start, uint64_t *size)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], sym[256], type;
	unsigned long long a, next = ~0ULL;
	bool found = false;

	if (!f)
		return -errno;
	*start = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &a, &type, sym) != 3)
			continue;
		if (!found && !strcmp(sym, name) && (type == 't' || type == 'T') &&
		    !strchr(line, '[')) {
			*start = a;
			found = true;
			/* kallsyms of vmlinux is sorted; rescan to be sure */
			rewind(f);
			continue;
		}
		if (found && a > *start && a < next)
			next = a;
	}
	fclose(f);
	if (!found)
		return -ENOENT;
	if (!*start)
		return -EACCES;	/* kptr_restrict hides addresses */
	*size = next != ~0ULL ? next - *start : 512;
	return 0;
}

/* ---- JIT images -------------------------------------------------------- */

void tg_prog_image_free(struct tg_prog_image *im)
{
	free(im->code);
	memset(im, 0, sizeof(*im));
}

int tg_prog_image_read(int fd, struct tg_prog_image *im)
{
	struct bpf_prog_info info = {};
	uint32_t il = sizeof(info);
	uint32_t nks, nfl, total;
	uint64_t *ks = NULL;
	uint32_t *fl = NULL;
	uint8_t *code = NULL;
	int err = 0;

	memset(im, 0, sizeof(*im));
	if (bpf_obj_get_info_by_fd(fd, &info, &il))
		return -errno;
	if (!info.jited_prog_len)
		return -ENODATA;
	total = info.jited_prog_len;
	nks = info.nr_jited_ksyms;
	nfl = info.nr_jited_func_lens;
	code = calloc(1, total);
	ks = calloc(nks ? nks : 1, sizeof(*ks));
	fl = calloc(nfl ? nfl : 1, sizeof(*fl));
	if (!code || !ks || !fl) {
		err = -ENOMEM;
		goto out;
	}
	memset(&info, 0, sizeof(info));
	info.jited_prog_len = total;
	info.jited_prog_insns = (uint64_t)(uintptr_t)code;
	info.nr_jited_ksyms = nks;
	info.jited_ksyms = (uint64_t)(uintptr_t)ks;
	info.nr_jited_func_lens = nfl;
	info.jited_func_lens = (uint64_t)(uintptr_t)fl;
	il = sizeof(info);
	if (bpf_obj_get_info_by_fd(fd, &info, &il)) {
		err = -errno;
		goto out;
	}
	if (!info.jited_prog_insns || !nks || !ks[0]) {
		err = -EACCES;	/* bpf_dump_raw_ok() said no (kptr_restrict) */
		goto out;
	}
	im->code = code;
	im->len = nfl && fl[0] && fl[0] <= total ? fl[0] : total;
	im->addr = ks[0];
	code = NULL;
out:
	free(code);
	free(ks);
	free(fl);
	return err;
}

/* ---- kernel memory reader ---------------------------------------------- */

static struct tg_kread *tg_kr;

int tg_kread_open(char *why, size_t whylen)
{
	int err;

	if (tg_kr)
		return 0;
	tg_log_reset();
	tg_kr = tg_kread__open_and_load();
	if (!tg_kr) {
		err = errno ? errno : EINVAL;
		char ld[128] = "";
		FILE *f = fopen("/sys/kernel/security/lockdown", "r");

		if (f) {
			if (!fgets(ld, sizeof(ld), f))
				ld[0] = 0;
			fclose(f);
		}
		if (strstr(ld, "[integrity]") || strstr(ld, "[confidentiality]"))
			snprintf(why, whylen, "bpf_probe_read_kernel unavailable: kernel lockdown %.*s",
				 (int)strcspn(ld, "\n"), ld);
		else if (strstr(tg_log_text(), "bpf_probe_read_kernel") ||
			 strstr(tg_log_text(), "unknown func"))
			snprintf(why, whylen,
				"verifier refused bpf_probe_read_kernel (kernel lockdown=confidentiality?)");
		else
			snprintf(why, whylen, "loading the kernel-memory reader failed: %s",
				tg_errname(err));
		return -err;
	}
	return 0;
}

void tg_kread_close(void)
{
	tg_kread__destroy(tg_kr);
	tg_kr = NULL;
}

int tg_kread(uint64_t addr, void *buf, size_t len)
{
	const size_t chunk = sizeof(tg_kr->bss->tg_buf);
	int fd;

	if (!tg_kr)
		return -ENODEV;
	fd = bpf_program__fd(tg_kr->progs.tg_kread);
	for (size_t off = 0; off < len; off += chunk) {
		LIBBPF_OPTS(bpf_test_run_opts, o);
		size_t n = len - off < chunk ? len - off : chunk;

		tg_kr->bss->tg_addr = addr + off;
		tg_kr->bss->tg_err = -EINTR;
		if (bpf_prog_test_run_opts(fd, &o))
			return -errno;
		if (tg_kr->bss->tg_err)
			return (int)tg_kr->bss->tg_err;
		memcpy((uint8_t *)buf + off, (const void *)tg_kr->bss->tg_buf, n);
	}
	return 0;
}
