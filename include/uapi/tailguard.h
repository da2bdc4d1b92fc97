/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tailguard's contract with userspace: the sysfs names and the values the
 * module writes there.  The module, the CLI (tools/) and the tests include
 * this one file, so a name cannot drift between them.
 *
 *   /sys/kernel/tailguard/
 *	version, mode (rw), tracked_progs, missed
 *	mitigations/<name>/
 *	    state, action, enabled (rw), blocked, audited, probes, violations
 *	    policy (rw: off|audit|enforce; policies only: tailcall_hierarchy)
 *   /sys/module/tailguard/parameters/
 *	mode, freplace_panic, freplace_loop, policy_hierarchy
 *						(the same setter as sysfs)
 */
#ifndef _UAPI_TAILGUARD_H
#define _UAPI_TAILGUARD_H

#define TG_SYSFS_DIR		"/sys/kernel/tailguard"
#define TG_SYSFS_MITS		TG_SYSFS_DIR "/mitigations"
#define TG_PARAMS_DIR		"/sys/module/tailguard/parameters"

/* files in TG_SYSFS_DIR */
#define TG_F_VERSION		"version"
#define TG_F_MODE		"mode"
#define TG_F_TRACKED		"tracked_progs"
#define TG_F_MISSED		"missed"

/* files in TG_SYSFS_MITS/<mitigation>/ */
#define TG_F_STATE		"state"
#define TG_F_ACTION		"action"
#define TG_F_ENABLED		"enabled"
#define TG_F_BLOCKED		"blocked"
#define TG_F_AUDITED		"audited"
#define TG_F_VIOLATIONS		"violations"
#define TG_F_PROBES		"probes"
#define TG_F_POLICY		"policy"	/* policies only */

/* mitigations */
#define TG_MIT_NAME_PANIC	"freplace_panic"
#define TG_MIT_NAME_LOOP	"freplace_loop"
/*
 * A policy: refuses what the fixed kernel accepts, to keep a bug's
 * precondition away.  Off by default; its "policy" file (and the module
 * parameter below) takes the values of "mode".
 */
#define TG_MIT_NAME_HIER	"tailcall_hierarchy"
#define TG_PARAM_POLICY_HIER	"policy_hierarchy"
#define TG_MIT_NAME_TRAMP	"trampoline_loop"
#define TG_PARAM_POLICY_TRAMP	"policy_trampoline_loop"
#define TG_MIT_NAME_TAILCALLEE	"invalid_tailcallee"
#define TG_PARAM_POLICY_TAILCALLEE	"policy_invalid_tailcallee"

/* values of "mode" */
#define TG_MODE_NAME_OFF	"off"
#define TG_MODE_NAME_AUDIT	"audit"
#define TG_MODE_NAME_ENFORCE	"enforce"

/* values of "state" */
#define TG_STATE_ARMED		"armed"
#define TG_STATE_FIXED		"fixed-in-kernel"
#define TG_STATE_NA		"not-applicable"
#define TG_STATE_DISABLED	"disabled"

/* values of "action" */
#define TG_ACTION_ENFORCE	"enforce"
#define TG_ACTION_AUDIT		"audit"
#define TG_ACTION_ENF_AUDIT	"enforced-in-audit"
#define TG_ACTION_OFF		"off"
#define TG_ACTION_NONE		"none"

/* rule names in the log line "tailguard: blocked rule=<name> ..." */
#define TG_RULE_NAME_EXT	"ext-in-prog-array"
#define TG_RULE_NAME_EXTENDED	"extended-in-prog-array"
#define TG_RULE_NAME_MEMBER	"freplace-to-member"
#define TG_RULE_NAME_SUBPROG_TC	"tail-call-in-subprog"	/* tailcall_hierarchy */
#define TG_RULE_NAME_TRAMP_TC	"trampoline-on-tail-call-subprog"	/* trampoline_loop */

/*
 * A BPF prog whose name starts with this is a probe of the tailguard CLI:
 * refused like any other, but counted in "probes" instead of "blocked" or
 * "audited", and not logged, so `tailguard check` does not feed alerts on
 * "blocked".  Alert on both where a hidden attempt matters.
 */
#define TG_PROBE_PREFIX		"tgprobe_"

#endif /* _UAPI_TAILGUARD_H */
