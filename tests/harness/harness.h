/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tg-harness: one scenario per invocation, one "TG-RESULT" line on stdout.
 */
#ifndef TG_HARNESS_H
#define TG_HARNESS_H

#include <stdbool.h>
#include <linux/types.h>

struct bpf_program;
struct bpf_link;

/* Where the pre_* / post_* scenarios keep state between invocations. */
#define TG_PIN_DIR	"/sys/fs/bpf/tg"

/* The one result of a run; filled by the scenario, printed by main(). */
struct tg_result {
	char token[32];		/* OK, EINVAL, PASS, FAIL, ERROR, ... */
	char extra[512];	/* " key=value ..." */
	bool set;
};

extern struct tg_result tg_res;
extern bool tg_verbose;

/* Result helpers: the first call that sets the token wins. */
void res_token(const char *token);
void res_errno(int err);		/* token = errno name */
void res_kv(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* ERROR with msg="..."; returns -1 so callers can "return res_error()". */
int res_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

const char *errno_name(int err);
void dbg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* BPF helpers shared by the scenarios (tg-harness.c). */
int prog_id(int prog_fd, __u32 *id);
int test_run(int prog_fd, __u32 *retval);
struct bpf_link *attach_freplace(struct bpf_program *prog, int tgt_fd,
				 const char *func, int *err);
int count_links_of_prog(__u32 prog_id, int *nlinks);
int pin_dir_create(void);
void pin_remove(const char *path);
void pin_dir_remove_if_empty(void);

struct scenario {
	const char *name;
	int (*run)(void);	/* 0, or -1 after res_error() */
	const char *help;
};

extern const struct scenario tg_scenarios[];
extern const struct scenario tg_races[];	/* races.c */

#endif /* TG_HARNESS_H */
