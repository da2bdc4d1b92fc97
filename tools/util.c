// SPDX-License-Identifier: GPL-2.0
/*
 * tailguard CLI: helpers shared by the other files - errno names, small
 * sysfs/procfs file reads, and the capture of libbpf's messages.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "tailguard.h"

int tg_verbose;

/*
 * The errno of a probe step as the evidence names it.  -1 is a step that
 * did not run and 0 one the kernel accepted (the prog_array and attach
 * probes store their result so); anything else is a positive errno.
 */
const char *tg_errname(int e)
{
	switch (e) {
	case -1: return "not run";
	case 0: return "accepted";
	case EINVAL: return "EINVAL";
	case EBUSY: return "EBUSY";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOENT: return "ENOENT";
	case E2BIG: return "E2BIG";
	case ENOTSUP: return "EOPNOTSUPP";
	case ENOMEM: return "ENOMEM";
	case EFAULT: return "EFAULT";
	case ENOSPC: return "ENOSPC";
	case ENOSYS: return "ENOSYS";
	case ESRCH: return "ESRCH";
	case 524: return "ENOTSUPP";	/* the kernel's internal ENOTSUPP */
	default: return strerror(e);
	}
}

/* print into a fixed-size evidence buffer; longer text is cut */
void tg_setwhat(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* ---- small file helpers ---------------------------------------------- */

/* read a one-line file, trailing newlines and blanks stripped */
int tg_read_str(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	buf[0] = 0;
	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = 0;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

/* a number (strtoll base 0), or -1 when the file is missing or not one */
long long tg_read_ll(const char *path)
{
	char buf[64], *end;
	long long v;

	if (tg_read_str(path, buf, sizeof(buf)) || !buf[0])
		return -1;
	v = strtoll(buf, &end, 0);
	return end == buf ? -1 : v;
}

/* ---- libbpf log capture ---------------------------------------------- */

static char tg_log[16384];
static size_t tg_log_len;

void tg_log_reset(void)
{
	tg_log_len = 0;
	tg_log[0] = 0;
}

const char *tg_log_text(void)
{
	return tg_log;
}

static int tg_libbpf_print(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	char line[1024];
	int n;

	if (lvl == LIBBPF_DEBUG && tg_verbose < 2)
		return 0;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return 0;
	if (tg_verbose)
		fprintf(stderr, "libbpf: %s", line);
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (tg_log_len + n >= sizeof(tg_log)) {
		/* keep the tail */
		size_t keep = sizeof(tg_log) / 2;

		memmove(tg_log, tg_log + tg_log_len - keep, keep);
		tg_log_len = keep;
	}
	memcpy(tg_log + tg_log_len, line, n);
	tg_log_len += n;
	tg_log[tg_log_len] = 0;
	return 0;
}

__attribute__((constructor)) static void tg_log_init(void)
{
	libbpf_set_print(tg_libbpf_print);
}
