// SPDX-License-Identifier: GPL-2.0
/*
 * tailguard CLI: classification - the decisions that turn the kernel
 * facts, the module state and the probes' results into one state per
 * issue (fixed, not fixed, mitigated, not exists, cannot detect), each
 * with the signal that decided it and one line of evidence.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tailguard.h"

struct tg_issue tg_issues[TG_NR_ISSUES] = {
	[TG_I_TAILCALLEE] = {
		.id = "invalid_tailcallee",
		.title = "invalid tailcallee: freplace progs of different hook types share a prog_array",
		.fix = "1c123c567fb1", .fixed_in = "v6.2",
	},
	[TG_I_OFFSET] = {
		.id = "tailcall_cnt_offset",
		.title = "invalid tail_call_cnt load offset around bpf2bpf calls (x86-64 JIT)",
		.fix = "ff672c67ee76", .fixed_in = "v5.19",
	},
	[TG_I_TRAMPOLINE] = {
		.id = "trampoline_loop",
		.title = "tail-call infinite loop through fentry/fexit trampolines (x86-64)",
		.fix = "2b5dcb31a19a", .fixed_in = "v6.7",
	},
	[TG_I_HIERARCHY] = {
		.id = "tailcall_hierarchy",
		.title = "tail-call hierarchy: tail_call_cnt passed to subprogs by value",
		.fix = "116e04ba1459", .fixed_in = "v6.12",
	},
	[TG_I_FREPLACE_PANIC] = {
		.id = "freplace_panic",
		.title = "NULL deref updating an attached freplace prog into a prog_array",
		.fix = "f7866c358733 fdad456cbcca", .fixed_in = "v6.11",
		.cve = "CVE-2024-43837",
	},
	[TG_I_FREPLACE_LOOP] = {
		.id = "freplace_loop",
		.title = "tail-call infinite loop caused by freplace",
		.fix = "d6083f040d5d", .fixed_in = "v6.13",
		.cve = "CVE-2024-47794",
	},
};

static void set(struct tg_issue *is, enum tg_state st, const char *signal, const char *fmt, ...)
{
	va_list ap;

	is->state = st;
	is->signal = signal;
	is->mitigated_by = is->mitigation = NULL;
	va_start(ap, fmt);
	vsnprintf(is->evidence, sizeof(is->evidence), fmt, ap);
	va_end(ap);
}

/* a mitigated issue: by a "rule" of the fixed kernel or by a "policy" */
static void by(struct tg_issue *is, const char *kind, const char *mitigation)
{
	is->mitigated_by = kind;
	is->mitigation = mitigation;
}

static bool module_says_fixed(const struct tg_module *mod, const char *name)
{
	const struct tg_mitig *m = tg_module_mitig(mod, name);

	return m && !strcmp(m->state, "fixed-in-kernel");
}

#define KV(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))

/*
 * Weak signal for the panic: upstream f7866c358733 is in v6.11 and
 * 6.1.103 (Debian 6.1.106-1, ABI 24); the bug needs 1c123c567fb1 (v6.2,
 * 6.1.4).  Stable 6.2..6.10 backports are not tabulated: unknown.
 */
static int panic_by_version(const struct tg_kernel *k)
{
	int v = KV(k->ver[0], k->ver[1], k->ver[2]);

	if (!k->ver[0])
		return -1;
	if (k->ver[0] == 6 && k->ver[1] == 1)
		return k->ver[2] < 4 ? TG_NOT_EXISTS : k->ver[2] <= 102 ? TG_NOT_FIXED : TG_FIXED;
	if (v >= KV(6, 11, 0))
		return TG_FIXED;
	return -1;
}

/* panic (f7866c358733 / fdad456cbcca): never triggered */
static void classify_panic(const struct tg_kernel *k, const struct tg_module *mod,
			   const struct tg_ktext_probe *kt, bool raw_owner)
{
	struct tg_issue *pn = &tg_issues[TG_I_FREPLACE_PANIC];
	bool btf_fixed = k->is_extended && k->member_cnt;
	char vt[96];
	int vs;

	tg_kernel_ver_text(k, vt, sizeof(vt));
	vs = panic_by_version(k);
	if (raw_owner) {
		set(pn, TG_NOT_EXISTS, "probe",
		    "prog_array owner type is raw EXT (pre-1c123c567fb1): prog_array updates never resolve an EXT prog's target");
	} else if (btf_fixed) {
		set(pn, TG_FIXED, "btf",
		    "BTF: bpf_prog_aux.is_extended present => d6083f040d5d, which postdates f7866c358733/fdad456cbcca");
	} else if (kt->state == 1 || kt->state == 2) {
		set(pn, TG_FIXED, "kernel-text", "%s", kt->ev);
	} else if (kt->state == 0) {
		if (tg_module_blocks(mod, "freplace_panic"))
		{
			set(pn, TG_MITIGATED, "module",
			    "tailguard blocks EXT progs in prog_arrays (mode=%s, freplace_panic armed); kernel text: %s",
			    mod->mode, kt->ev);
			by(pn, "rule", TG_MIT_NAME_PANIC);
		}
		else
			set(pn, TG_NOT_FIXED, "kernel-text", "%s", kt->ev);
	} else if (tg_module_blocks(mod, "freplace_panic")) {
		set(pn, TG_MITIGATED, "module",
		    "tailguard blocks EXT progs in prog_arrays (mode=%s, freplace_panic armed); kernel %s%s",
		    mod->mode, vt, vs == TG_FIXED ? " suggests fixed (version, weak)" : "");
		by(pn, "rule", TG_MIT_NAME_PANIC);
	} else if (module_says_fixed(mod, "freplace_panic")) {
		set(pn, TG_FIXED, "module", "tailguard reports freplace_panic fixed-in-kernel");
	} else if (vs == TG_FIXED) {
		set(pn, TG_FIXED, "version",
		    "kernel %s >= 6.1.103/v6.11 (version only, weak signal; %s)", vt, kt->ev);
	} else if (vs == TG_NOT_FIXED) {
		set(pn, TG_NOT_FIXED, "version",
		    "kernel %s in 6.1.4..6.1.102 (version only, weak signal; not probed: it would crash)", vt);
	} else {
		set(pn, TG_CANNOT_DETECT, "none",
		    "no safe signal: kernel %s; %s (a behavioural probe would crash an unfixed kernel)",
		    vt, kt->ev);
	}
}

static void classify_freplace(const struct tg_kernel *k, const struct tg_module *mod,
			      const struct tg_freplace_probe *fp, const struct tg_ktext_probe *kt)
{
	struct tg_issue *tc = &tg_issues[TG_I_TAILCALLEE];
	struct tg_issue *pn = &tg_issues[TG_I_FREPLACE_PANIC];
	struct tg_issue *lp = &tg_issues[TG_I_FREPLACE_LOOP];
	bool btf_fixed = k->is_extended && k->member_cnt;
	bool raw_owner, refused;
	char rules[200];

	if (fp->err) {
		/* BPF_PROG_TYPE_EXT came with v5.6 (be8704ff07d2) */
		if (k->ver[0] && KV(k->ver[0], k->ver[1], k->ver[2]) < KV(5, 6, 0)) {
			set(tc, TG_NOT_EXISTS, "version", "kernel < 5.6 has no freplace: %s", fp->what);
			set(pn, TG_NOT_EXISTS, "version", "kernel < 5.6 has no freplace: %s", fp->what);
			set(lp, TG_NOT_EXISTS, "version", "kernel < 5.6 has no freplace: %s", fp->what);
			return;
		}
		set(tc, TG_CANNOT_DETECT, "none", "probe failed: %s%s", fp->what,
		    k->jit_enable == 0 ? " (BPF JIT disabled: freplace needs it)" : "");
		if (btf_fixed)
			set(lp, TG_FIXED, "btf",
			    "BTF: bpf_prog_aux.is_extended and prog_array_member_cnt present (probe failed: %s)",
			    fp->what);
		else
			set(lp, TG_CANNOT_DETECT, "none", "probe failed: %s%s; BTF: %s", fp->what,
			    k->jit_enable == 0 ? " (BPF JIT disabled: freplace needs it)" : "",
			    !k->aux_found ? "unavailable" :
			    "no bpf_prog_aux.is_extended (d6083f040d5d adds it)");
		classify_panic(k, mod, kt, false);
		return;
	}

	/* An XDP prog refused by the EXT-owned array: owner type is raw EXT. */
	raw_owner = fp->e_xdp == EINVAL;

	/* -- invalid tailcallee (1c123c567fb1) -- */
	if (raw_owner && tg_module_blocks(mod, TG_MIT_NAME_TAILCALLEE)) {
		set(tc, TG_MITIGATED, "policy",
		    "tailguard's policy %s refuses every EXT prog in a PROG_ARRAY, so a freplace-owned array of owner type EXT stays empty; TC-targeted EXT prog: %s",
		    TG_MIT_NAME_TAILCALLEE, tg_errname(fp->e_ext_tc));
		by(tc, "policy", TG_MIT_NAME_TAILCALLEE);
	} else if (raw_owner)
		set(tc, TG_NOT_FIXED, "probe",
		    "freplace-owned prog_array has owner type EXT (XDP prog: EINVAL), TC-targeted EXT prog: %s",
		    tg_errname(fp->e_ext_tc));
	else if (fp->e_xdp == 0 && fp->e_ext_tc == EINVAL)
		set(tc, TG_FIXED, "probe",
		    "TC-targeted EXT prog into an XDP-owned prog_array: EINVAL");
	else if (fp->e_ext_tc == 0)
		set(tc, TG_NOT_FIXED, "probe",
		    "TC-targeted EXT prog accepted into an XDP-owned prog_array");
	else
		set(tc, TG_CANNOT_DETECT, "probe",
		    "unexpected errnos: XDP prog %s, TC-targeted EXT prog %s",
		    tg_errname(fp->e_xdp), tg_errname(fp->e_ext_tc));

	/* -- loop caused by freplace (d6083f040d5d) -- */
	snprintf(rules, sizeof(rules),
		 "EXT prog into prog_array: %s; freplace attach to a prog_array member: %s; extended prog into prog_array: %s",
		 tg_errname(fp->e_ext_xdp), tg_errname(fp->e_attach_member), tg_errname(fp->e_member_extended));
	refused = fp->e_ext_xdp == EINVAL && fp->e_attach_member == EBUSY &&
		  fp->e_member_extended == EBUSY;
	if (raw_owner) {
		set(lp, TG_NOT_EXISTS, "probe",
		    "prog_array owner type is raw EXT (pre-1c123c567fb1): freplace target cannot enter its freplace's array");
	} else if (fp->e_ext_xdp == 0 || fp->e_attach_member == 0 || fp->e_member_extended == 0) {
		set(lp, TG_NOT_FIXED, "probe", "%s (fixed: EINVAL, EBUSY, EBUSY)%s", rules,
		    tg_module_blocks(mod, "freplace_loop") ? "; tailguard is armed but let it through" : "");
	} else if (refused) {
		if (btf_fixed)
			set(lp, TG_FIXED, "btf",
			    "BTF: bpf_prog_aux.is_extended and prog_array_member_cnt present; probe: %s", rules);
		else if (tg_module_blocks(mod, "freplace_loop")) {
			set(lp, TG_MITIGATED, "module",
			    "tailguard (mode=enforce, freplace_loop armed) refused: %s; BTF: %s", rules,
			    k->aux_found ? "no bpf_prog_aux.is_extended, kernel unfixed" : "unavailable");
			by(lp, "rule", TG_MIT_NAME_LOOP);
		}
		else if (module_says_fixed(mod, "freplace_loop"))
			set(lp, TG_FIXED, "module", "probe: %s; tailguard reports fixed-in-kernel", rules);
		else
			set(lp, TG_FIXED, "probe", "%s%s", rules,
			    k->aux_found ? " (but BTF lacks bpf_prog_aux.is_extended)" : "");
	} else if (fp->e_ext_xdp == EINVAL && btf_fixed) {
		/* the EBUSY probes could not run; the EINVAL and BTF agree */
		set(lp, TG_FIXED, "btf",
		    "BTF: bpf_prog_aux.is_extended present; probe: EXT prog into prog_array: EINVAL (attach probes: %s)",
		    fp->attach_what[0] ? fp->attach_what : rules);
	} else {
		set(lp, TG_CANNOT_DETECT, "probe", "%s%s%s", rules,
		    fp->attach_what[0] ? "; " : "", fp->attach_what);
	}

	classify_panic(k, mod, kt, raw_owner);
}

/*
 * Weak signal for the trampoline loop, used only when tailguard's policy
 * refused the probe that shows it: 2b5dcb31a19a is in v6.7 and 6.1.76.
 */
static int tramp_by_version(const struct tg_kernel *k)
{
	if (!k->ver[0])
		return -1;
	if (k->ver[0] == 6 && k->ver[1] == 1)
		return k->ver[2] >= 76 ? TG_FIXED : TG_NOT_FIXED;
	return KV(k->ver[0], k->ver[1], k->ver[2]) >= KV(6, 7, 0) ? TG_FIXED : -1;
}

static void classify_jit(const struct tg_kernel *k, const struct tg_module *mod,
			 const struct tg_jit_probe *jp)
{
	struct tg_issue *of = &tg_issues[TG_I_OFFSET];
	struct tg_issue *tr = &tg_issues[TG_I_TRAMPOLINE];
	struct tg_issue *hi = &tg_issues[TG_I_HIERARCHY];
	const struct tg_mitig *hm = tg_module_mitig(mod, TG_MIT_NAME_HIER);
	/* the policy refused our subprog tail call, and refuses everyone's */
	bool policy = jp->policy_refused && tg_module_blocks(mod, TG_MIT_NAME_HIER);
	char pol[200], vt[96];

	snprintf(pol, sizeof(pol),
		 "tailguard's policy %s=%s refuses progs with a tail call in a subprog (it refused the CLI's probe)",
		 TG_MIT_NAME_HIER, hm && hm->policy[0] ? hm->policy : "?");
	tg_kernel_ver_text(k, vt, sizeof(vt));

	if (strcmp(k->machine, "x86_64")) {
		set(of, TG_CANNOT_DETECT, "none", "JIT checks are x86-64 only (machine %s)", k->machine);
		set(tr, TG_CANNOT_DETECT, "none", "JIT checks are x86-64 only (machine %s)", k->machine);
		set(hi, TG_CANNOT_DETECT, "none", "JIT checks are x86-64 only (machine %s)", k->machine);
		return;
	}
	if (k->jit_enable == 0) {
		set(of, TG_CANNOT_DETECT, "none", "BPF JIT disabled (net.core.bpf_jit_enable=0)");
		set(tr, TG_CANNOT_DETECT, "none", "BPF JIT disabled (net.core.bpf_jit_enable=0)");
		set(hi, TG_CANNOT_DETECT, "none", "BPF JIT disabled (net.core.bpf_jit_enable=0)");
		return;
	}
	if (jp->err && jp->no_tailcall_bpf2bpf) {
		const char *w = "verifier: tail_calls are not allowed in programs with bpf-to-bpf calls";

		set(of, TG_NOT_EXISTS, "probe", "%s", w);
		set(tr, TG_NOT_EXISTS, "probe", "%s", w);
		set(hi, TG_NOT_EXISTS, "probe", "%s", w);
		return;
	}
	if (jp->err) {
		set(of, TG_CANNOT_DETECT, "none", "%s", jp->what);
		set(tr, TG_CANNOT_DETECT, "none", "%s", jp->what);
		set(hi, TG_CANNOT_DETECT, "none", "%s", jp->what);
		if (policy) {
			set(hi, TG_MITIGATED, "policy", "%s: the bug's precondition; %s", pol, jp->what);
			by(hi, "policy", TG_MIT_NAME_HIER);
		}
		return;
	}
	if (jp->hier_fixed) {
		set(hi, TG_FIXED, "jit", "%s", jp->hier_ev);
	} else if (policy) {
		set(hi, TG_MITIGATED, "policy", "%s: the bug's precondition; %s", pol, jp->hier_ev);
		by(hi, "policy", TG_MIT_NAME_HIER);
	} else {
		set(hi, TG_NOT_FIXED, "jit", "%s%s", jp->hier_ev,
		    jp->policy_refused ? "; tailguard's policy refused the probe but is not enforced now" : "");
	}
	if (jp->off_state < 0)
		set(of, TG_CANNOT_DETECT, "jit", "%s", jp->off_ev);
	else
		set(of, jp->off_state ? TG_FIXED : TG_NOT_FIXED, "jit", "%s", jp->off_ev);
	if (jp->tramp_state != 1 && tg_module_blocks(mod, TG_MIT_NAME_TRAMP) &&
	    !(jp->policy_refused && tramp_by_version(k) == TG_FIXED)) {
		/* 2b5dcb31a19a's precondition, refused by its own policy */
		set(tr, TG_MITIGATED, "policy",
		    "tailguard's policy %s refuses fentry/fexit on a subprog from which a tail call is reachable: the bug's precondition; kernel %s; %s",
		    TG_MIT_NAME_TRAMP, vt, jp->tramp_ev);
		by(tr, "policy", TG_MIT_NAME_TRAMP);
	} else if (jp->policy_refused && tramp_by_version(k) == TG_FIXED) {
		set(tr, TG_FIXED, "version",
		    "kernel %s >= 6.1.76/v6.7 (version only, weak signal); %s", vt, jp->tramp_ev);
	} else if (policy) {
		/* 2b5dcb31a19a: fentry/fexit on a subprog that tail-calls */
		set(tr, TG_MITIGATED, "policy",
		    "%s: this bug's precondition too (fentry/fexit on a tail-call-reachable subprog); kernel %s; %s",
		    pol, vt, jp->tramp_ev);
		by(tr, "policy", TG_MIT_NAME_HIER);
	} else if (jp->tramp_state < 0)
		set(tr, TG_CANNOT_DETECT, "trampoline", "%s", jp->tramp_ev);
	else
		set(tr, jp->tramp_state ? TG_FIXED : TG_NOT_FIXED, "trampoline", "%s", jp->tramp_ev);
}

void tg_classify(const struct tg_kernel *k, const struct tg_module *mod,
		 const struct tg_freplace_probe *fp, const struct tg_jit_probe *jp,
		 const struct tg_ktext_probe *kt)
{
	classify_freplace(k, mod, fp, kt);
	classify_jit(k, mod, jp);
}

int tg_count_state(enum tg_state st)
{
	int n = 0;

	for (int i = 0; i < TG_NR_ISSUES; i++)
		n += tg_issues[i].state == st;
	return n;
}
