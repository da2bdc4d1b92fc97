// SPDX-License-Identifier: GPL-2.0
/*
 * tg-stress badinput: every module parameter at load and every writable
 * file under /sys/kernel/tailguard and /sys/module/tailguard/parameters
 * fed empty, garbage, out-of-range and huge values: each must be refused
 * and change nothing readable.  Read-only files must refuse writes.
 */
#include "stress.h"
#include <dirent.h>

#define MAXF 64
static char fpath[MAXF][512];
static int fwritable[MAXF];
static int nf;
static long n_bad_writes;

static void collect(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) && nf < MAXF) {
		char p[512];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (lstat(p, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			collect(p);
		} else if (S_ISREG(st.st_mode)) {
			snprintf(fpath[nf], sizeof(fpath[nf]), "%s", p);
			fwritable[nf++] = !!(st.st_mode & 0222);
		}
	}
	closedir(d);
}

static void snapshot(char (*out)[512])
{
	int i;

	for (i = 0; i < nf; i++)
		if (read_file(fpath[i], out[i], sizeof(out[i])))
			snprintf(out[i], sizeof(out[i]), "<unreadable>");
}

static int snap_diff(char (*a)[512], char (*b)[512], char *which, size_t len)
{
	int i;

	for (i = 0; i < nf; i++)
		if (strcmp(a[i], b[i])) {
			snprintf(which, len, "%s: '%.40s' -> '%.40s'", fpath[i], a[i], b[i]);
			return 1;
		}
	return 0;
}

struct badval {
	const char *name;
	char *val;
	size_t len;
};

static struct badval bad[16];
static int nbad;

static void add_bad(const char *name, const char *v, size_t len)
{
	bad[nbad].name = name;
	bad[nbad].val = malloc(len + 1);
	memcpy(bad[nbad].val, v, len);
	bad[nbad].val[len] = '\0';
	bad[nbad++].len = len;
}

static void init_bad(void)
{
	static char huge[8192], huge_num[200];

	memset(huge, 'x', sizeof(huge) - 1);
	memset(huge_num, '9', sizeof(huge_num) - 1);
	add_bad("empty", "", 0);
	add_bad("newline", "\n", 1);
	add_bad("garbage", "garbage", 7);
	add_bad("minus-one", "-1", 2);
	add_bad("two", "2", 1);
	add_bad("out-of-range", "4294967296", 10);
	add_bad("huge-number", huge_num, strlen(huge_num));
	add_bad("huge-4k", huge, 4095);
	add_bad("huge-8k", huge, 8191);
	add_bad("binary", "\x01\xff\xfe", 3);
	add_bad("embedded-nul", "en\0force", 8);
	add_bad("mode-typo", "enforce2", 8);
	add_bad("two-words", "audit off", 9);
}

/* Module parameters at load: each bad value refused, nothing loaded. */
static void bad_params(void)
{
	static const char *params[] = { "mode", "freplace_panic", "freplace_loop" };
	unsigned p;
	int i;

	for (p = 0; p < sizeof(params) / sizeof(*params); p++) {
		int fails = 0, n = 0;
		char first[160] = "";

		for (i = 0; i < nbad; i++) {
			char *arg;
			int err;

			/* not expressible as one parameter: a NUL, a newline or
			 * a space ends the value (the kernel ignores the rest) */
			if (bad[i].len != strlen(bad[i].val) ||
			    strpbrk(bad[i].val, " \n"))
				continue;
			if (asprintf(&arg, "%s=%s", params[p], bad[i].val) < 0)
				continue;
			err = tg_mod_load(cfg.ko, arg);
			n++;
			if (!err || tg_mod_loaded()) {
				fails++;
				if (!first[0])
					snprintf(first, sizeof(first), "%s=<%s> was accepted",
						 params[p], bad[i].name);
				tg_mod_unload();
			}
			free(arg);
		}
		check(!fails, "badinput-param", "%s: %d bad values, %d accepted%s%s",
		      params[p], n, fails, first[0] ? ": " : "", first);
	}
}

static void bad_sysfs(void)
{
	static char before[MAXF][512], after[MAXF][512];
	char which[256];
	int i, j;

	nf = 0;
	collect(TG_SYSFS);
	collect(TG_MODPARAMS);
	if (!nf) {
		check(0, "badinput-sysfs", "no files under %s or %s", TG_SYSFS,
		      TG_MODPARAMS);
		return;
	}
	for (i = 0; i < nf; i++) {
		int taken = 0, changed = 0, n = 0;
		char first[400] = "";

		for (j = 0; j < nbad; j++) {
			int err;

			snapshot(before);
			err = write_file(fpath[i], bad[j].val, bad[j].len);
			snapshot(after);
			n++;
			n_bad_writes++;
			if (!err && bad[j].len) {
				taken++;
				if (!first[0])
					snprintf(first, sizeof(first), "<%s> accepted", bad[j].name);
			}
			if (snap_diff(before, after, which, sizeof(which))) {
				changed++;
				if (!first[0])
					snprintf(first, sizeof(first), "<%s> changed %s",
						 bad[j].name, which);
			}
		}
		check(!taken && !changed, "badinput-sysfs", "%s (%s): %d bad writes, %d accepted, %d changed state%s%s",
		      fpath[i], fwritable[i] ? "rw" : "ro", n, taken, changed,
		      first[0] ? ": " : "", first);
	}
	/* positive control: a valid mode write works and reads back */
	if (mode_file()) {
		int ok = !mode_set("audit") && !mode_set("enforce");

		check(ok, "badinput-mode-valid", "mode audit -> enforce through sysfs");
	}
}

int cmd_badinput(void)
{
	int err;

	init_bad();
	if (tg_mod_loaded())
		unload_retry();
	bad_params();
	err = tg_mod_load(cfg.ko, "");
	check(!err, "badinput-load-default", "insmod with no parameters: %s",
	      err ? strerror(-err) : "ok");
	if (!err) {
		bad_sysfs();
		check(!unload_retry(), "badinput-unload", "rmmod after bad input");
	}
	say("badinput: %ld bad writes to sysfs files\n", n_bad_writes);
	return nchecks_fail ? 1 : 0;
}
