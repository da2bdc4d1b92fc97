/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tg-stress: what its subcommands share.  tg-stress.c parses the options
 * and dispatches; common.c has the TG-CHECK reporting and the module and
 * BPF helpers below; run.c, badinput.c and faults.c are the subcommands.
 */
#ifndef TG_STRESS_H
#define TG_STRESS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdatomic.h>
#include <bpf/libbpf.h>
#include "tgperf.h"

/* options: main() parses them for every subcommand */
struct stress_cfg {
	int secs, threads, min_cycles, oracle;
	const char *ko;
	unsigned seed;
};
extern struct stress_cfg cfg;

/* "TG-STRESS ..." figures and "TG-CHECK PASS|FAIL name detail" lines */
#define say(...) do { printf("TG-STRESS " __VA_ARGS__); fflush(stdout); } while (0)
extern int nchecks_pass, nchecks_fail;
void check(int ok, const char *name, const char *fmt, ...);

/* the module */
extern atomic_long n_unload_refused;	/* unloads unload_retry() retried */
int mode_file(void);
int mode_set(const char *m);
int mod_enforcing(void);
int unload_retry(void);

/* BPF: tc_bpf2bpf's subprog_tc, the target of every freplace_ret (EXT) */
extern __u32 subprog_btf_id;
extern enum bpf_attach_type ext_attach_type;
int learn_btf_id(void);
int count_bpf_progs(void);
long wait_untracked(int tries, int progs);

/* the subcommands: exit status 1 if any check failed */
int cmd_run(void);
int cmd_badinput(void);
int cmd_faults(void);

#endif /* TG_STRESS_H */
