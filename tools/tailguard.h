/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tailguard CLI: shared declarations.
 */
#ifndef TAILGUARD_CLI_H
#define TAILGUARD_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef TG_VERSION
#define TG_VERSION "0.1.0"
#endif

/* the module's sysfs names and values: one header for module, CLI, tests */
#include "../include/uapi/tailguard.h"

#define TG_SYSFS TG_SYSFS_DIR

enum tg_state {
	TG_FIXED,
	TG_NOT_FIXED,
	TG_MITIGATED,
	TG_NOT_EXISTS,
	TG_CANNOT_DETECT,
	TG_NR_STATES,
};

enum tg_issue_id {
	TG_I_TAILCALLEE,
	TG_I_OFFSET,
	TG_I_TRAMPOLINE,
	TG_I_HIERARCHY,
	TG_I_FREPLACE_PANIC,
	TG_I_FREPLACE_LOOP,
	TG_NR_ISSUES,
};

struct tg_issue {
	const char *id;		/* stable machine name */
	const char *title;
	const char *fix;	/* upstream fixing commit(s) */
	const char *fixed_in;	/* mainline release */
	const char *cve;	/* or NULL */
	enum tg_state state;
	const char *signal;	/* probe, jit, trampoline, btf, kernel-text, module, policy, version, none */
	char evidence[400];
	/* state mitigated: by a "rule" (the fixed kernel's) or a "policy", named */
	const char *mitigated_by;
	const char *mitigation;
};

/* ---- tailguard module sysfs ---------------------------------------- */

#define TG_NR_MITIG 5
struct tg_mitig {
	const char *name;	/* freplace_panic, freplace_loop, tailcall_hierarchy */
	bool present;
	char state[64];		/* armed, fixed-in-kernel, not-applicable, disabled */
	char action[64];	/* enforce, audit, enforced-in-audit, off, none; "" if absent */
	int enabled;		/* -1 unknown */
	long long blocked;	/* -1 unknown */
	long long audited;
	char policy[16];	/* a policy's setting: off, audit, enforce; "" if none */
};

struct tg_module {
	bool loaded;
	char version[64];
	char mode[64];		/* enforce, audit, off */
	long long tracked;	/* -1 unknown */
	struct tg_mitig m[TG_NR_MITIG];
};

void tg_module_read(struct tg_module *mod);
/*
 * The mitigation refuses what it guards against: its action is enforce or
 * enforced-in-audit (audit mode still refuses what would crash on the
 * spot), or, from a module without the action file, mode=enforce and the
 * mitigation armed and enabled.
 */
bool tg_module_blocks(const struct tg_module *mod, const char *mitig);
const struct tg_mitig *tg_module_mitig(const struct tg_module *mod, const char *name);
/* the mitigation's "probes" counter, read now: -1 when there is none */
long long tg_module_probes(const char *name);

/* ---- kernel facts ---------------------------------------------------- */

struct tg_kernel {
	char release[128];	/* uname -r */
	char version[256];	/* uname -v */
	char machine[65];
	char distro_ver[64];	/* "6.1.190-1" from "Debian 6.1.190-1", or "" */
	int ver[3];		/* upstream x.y.z (best effort), 0 if unknown */
	bool ver_from_distro;	/* ver[] parsed from the Debian version string */
	int jit_enable;		/* net.core.bpf_jit_enable, -1 unknown */
	bool btf;		/* /sys/kernel/btf/vmlinux parsed */
	bool aux_found;		/* struct bpf_prog_aux found */
	bool is_extended;	/* bpf_prog_aux.is_extended */
	bool member_cnt;	/* bpf_prog_aux.prog_array_member_cnt */
	long saved_dst_off;	/* byte offset of bpf_prog_aux.saved_dst_prog_type, -1 */
	long dst_prog_off;	/* byte offset of bpf_prog_aux.dst_prog, -1 */
	long prog_aux_off;	/* byte offset of bpf_prog.aux, -1 */
};

void tg_kernel_read(struct tg_kernel *k);
void tg_kernel_btf(struct tg_kernel *k);
/* "Debian 6.1.190-1" or "x.y.z", for evidence lines */
void tg_kernel_ver_text(const struct tg_kernel *k, char *buf, size_t len);

/* a text symbol of vmlinux in /proc/kallsyms: address and size */
int tg_ksym_range(const char *name, uint64_t *start, uint64_t *size);

/* the JIT image of a loaded prog's main function (bpf_prog_info) */
struct tg_prog_image {
	uint8_t *code;
	uint32_t len;		/* main function only */
	uint64_t addr;		/* kernel address of the main function */
};

int tg_prog_image_read(int fd, struct tg_prog_image *im);
void tg_prog_image_free(struct tg_prog_image *im);

/* kernel memory reader (raw_tp + bpf_probe_read_kernel via TEST_RUN) */
int tg_kread_open(char *why, size_t whylen);
int tg_kread(uint64_t addr, void *buf, size_t len);
void tg_kread_close(void);

/* ---- probes (probe_*.c) ------------------------------------------------ */

/*
 * Safety rules (issue 5): no probe executes a bug.  Programs loaded by the
 * probes are never attached to a hook that fires, and never run, with one
 * exception: tg_kread (kread.bpf.c), a straight-line raw_tp program run
 * with BPF_PROG_TEST_RUN to copy kernel bytes with bpf_probe_read_kernel.
 * EXT programs are never attached while they are in a prog_array (an
 * attached EXT prog in a prog_array update is the NULL deref of
 * 6.1.4..6.1.102).  JIT images and trampolines are read and disassembled,
 * never executed.  Every fd is closed before returning: nothing is pinned,
 * nothing outlives the process.
 */

struct tg_freplace_probe {
	int err;		/* 0: probe ran; else -errno of the setup step */
	char what[160];		/* which setup step failed */
	int e_ext_xdp;		/* slot 0 <- XDP-targeted EXT prog: 0 or errno */
	int e_xdp;		/* slot 1 <- XDP prog */
	int e_ext_tc;		/* slot 1 <- TC-targeted EXT prog */
	/* d6083f040d5d's EBUSY rules (TC target, fresh SCHED_CLS prog_array) */
	int e_attach_member;	/* attach freplace to a prog_array member */
	int e_member_extended;	/* extended prog into a prog_array */
	char attach_what[120];	/* why the attach probes did not run */
};

struct tg_jit_probe {
	int err;		/* 0 ok; else -errno */
	char what[200];
	bool no_tailcall_bpf2bpf;	/* verifier refuses tail calls + bpf2bpf */
	bool policy_refused;	/* tailguard's policy refused the probe: jitm read instead */
	bool not_jited;
	bool tc_reachable;	/* xor eax,eax before push rbp */
	bool hier_fixed;	/* ja before push rax */
	char hier_ev[160];
	int off_state;		/* 1 fixed, 0 not fixed, -1 unknown */
	char off_ev[160];
	int tramp_state;	/* 1 fixed, 0 not fixed, -1 unknown */
	char tramp_ev[200];
};

struct tg_ktext_probe {
	int state;		/* 1 fdad456cbcca, 2 f7866c358733 only, 0 neither (bug), -1 unknown */
	char ev[200];
};

void tg_probe_freplace(struct tg_freplace_probe *p);
void tg_probe_jit(struct tg_jit_probe *p);
/* trampoline_loop, on the JIT probe's prog (called by tg_probe_jit) */
void tg_probe_fentry(struct tg_jit_probe *p, int prog_fd);
void tg_probe_ktext(const struct tg_kernel *k, struct tg_ktext_probe *p);

/* ---- classification (classify.c) -------------------------------------- */

/* the six issues, in report order: tg_classify() sets state and evidence */
extern struct tg_issue tg_issues[TG_NR_ISSUES];

void tg_classify(const struct tg_kernel *k, const struct tg_module *mod,
		 const struct tg_freplace_probe *fp, const struct tg_jit_probe *jp,
		 const struct tg_ktext_probe *kt);
/* issues in state st */
int tg_count_state(enum tg_state st);

/* ---- reports (output.c) ------------------------------------------------ */

enum tg_fmt { TG_FMT_TEXT, TG_FMT_JSON, TG_FMT_PROM };

/* rc: the exit status `check` is about to return (0 or 1) */
void tg_out_check(enum tg_fmt fmt, const struct tg_kernel *k, const struct tg_module *mod,
		  int rc);
void tg_out_status(enum tg_fmt fmt, const struct tg_module *mod);

/* ---- helpers (util.c) ---------------------------------------------- */

const char *tg_errname(int e);
void tg_setwhat(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int tg_read_str(const char *path, char *buf, size_t len);
long long tg_read_ll(const char *path);

/* libbpf output capture */
void tg_log_reset(void);
const char *tg_log_text(void);
extern int tg_verbose;

#endif
