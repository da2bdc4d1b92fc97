/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by tg-bench and tg-stress (both run as PID 1's children
 * in a busybox guest, statically linked).
 */
#ifndef TGPERF_H
#define TGPERF_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

#define TG_SYSFS	"/sys/kernel/tailguard"
#define TG_MODPARAMS	"/sys/module/tailguard/parameters"
#define TG_MODNAME	"tailguard"

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static inline void raise_nofile(void)
{
	struct rlimit rl = { 1 << 20, 1 << 20 };

	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max = 65536;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* finit_module(); returns 0 or -errno. */
static inline int tg_mod_load(const char *ko, const char *params)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, params ? params : "", 0))
		err = -errno;
	close(fd);
	return err;
}

static inline int tg_mod_unload(void)
{
	if (syscall(SYS_delete_module, TG_MODNAME, O_NONBLOCK))
		return -errno;
	return 0;
}

static inline int tg_mod_loaded(void)
{
	return access("/sys/module/" TG_MODNAME, F_OK) == 0;
}

/* Read a whole (small) file into buf, trailing newline stripped. */
static inline int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

/* write(2) the exact bytes; returns 0 or -errno of open/write. */
static inline int write_file(const char *path, const void *val, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;	/* short write: treat as not accepted */
	if (close(fd) && !err)
		err = -errno;
	return err;
}

/* tracked_progs as a number, or -1 when the module has no such file. */
static inline long tg_tracked(void)
{
	char buf[64];

	if (read_file(TG_SYSFS "/tracked_progs", buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 0);
}

/* A SCHED_CLS prog "r0 = 0; exit" without BTF: cheap to load by the 10^5. */
static inline int load_raw_tc(void)
{
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, NULL, "GPL", insns, 2,
			     NULL);
}

static inline int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static inline double median_u64(uint64_t *v, int n)
{
	if (n <= 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* One /proc/meminfo field in kB, or -1. */
static inline long meminfo_kb(const char *field)
{
	char line[256];
	size_t fl = strlen(field);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, fl) && line[fl] == ':') {
			v = strtol(line + fl + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* Kernel memory the module's bookkeeping can come from, in kB. */
static inline long kmem_kb(void)
{
	return meminfo_kb("Slab") + meminfo_kb("Percpu") +
	       meminfo_kb("VmallocUsed");
}

#endif /* TGPERF_H */
