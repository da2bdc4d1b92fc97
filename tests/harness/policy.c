// SPDX-License-Identifier: GPL-2.0
/*
 * tg-harness: the tail-call hierarchy policy (tailguard's tailcall_hierarchy,
 * src/mitigate_hierarchy.c).  Each scenario switches the policy to enforce
 * itself where the module is loaded (its sysfs file exists) and puts the
 * old value back at teardown, so these rows run in the matrix's existing
 * states: in "loaded" the policy is enforced, in "audit" the global mode
 * makes it audit, in "bare" and "unloaded" there is no module.
 *
 *   hierarchy_load         the tailcall_bpf2bpf_hierarchy pattern, loaded
 *                          and never run (running it hangs an unfixed
 *                          kernel): the load's result is the outcome
 *   ctl_hierarchy_allowed  tail calls from main progs that make bpf2bpf
 *                          calls: loaded and run, the limit holds (PASS)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "harness.h"
#include "../../include/uapi/tailguard.h"
#include "tailcall_hierarchy.skel.h"
#include "tailcall_main_bpf2bpf.skel.h"

#define POLICY_FILE	TG_SYSFS_MITS "/" TG_MIT_NAME_HIER "/" TG_F_POLICY

static char policy_old[16];

static int policy_write(const char *val)
{
	int fd = open(POLICY_FILE, O_WRONLY), err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, val, strlen(val)) < 0)
		err = errno;
	close(fd);
	return err;
}

static void policy_restore(void *arg)
{
	policy_write(policy_old);
}

/* policy_hierarchy=enforce until teardown, where the module is loaded */
static bool policy_enforce(struct tg_fixture *fx)
{
	FILE *f = fopen(POLICY_FILE, "r");

	if (!f) {
		res_kv("policy=none");
		return true;
	}
	if (!fgets(policy_old, sizeof(policy_old), f))
		policy_old[0] = 0;
	fclose(f);
	policy_old[strcspn(policy_old, "\n")] = 0;
	if (!ASSERT_OK(policy_write(TG_MODE_NAME_ENFORCE), "policy=enforce"))
		return false;
	fx_defer(fx, policy_restore, NULL);
	res_kv("policy=%s->enforce", policy_old);
	return true;
}

static void hierarchy_destroy(void *p)
{
	tailcall_hierarchy__destroy(p);
}

static void main_bpf2bpf_destroy(void *p)
{
	tailcall_main_bpf2bpf__destroy(p);
}

TG_SCENARIO(hierarchy_load,
	    "load a prog whose subprog tail-calls (tailcall_bpf2bpf_hierarchy); never run (fixed: OK; policy_hierarchy=enforce: EINVAL)")
{
	struct tailcall_hierarchy *o;

	if (!policy_enforce(fx))
		return;
	o = tailcall_hierarchy__open();
	if (!ASSERT_OK_PTR(o, "open tailcall_hierarchy"))
		return;
	fx_defer(fx, hierarchy_destroy, o);
	OUTCOME(tailcall_hierarchy__load(o));
}

TG_SCENARIO(ctl_hierarchy_allowed,
	    "main-prog tail calls + bpf2bpf calls load and run under policy_hierarchy=enforce: count 33 (PASS)")
{
	struct tailcall_main_bpf2bpf *o;

	if (!policy_enforce(fx))
		return;
	o = tailcall_main_bpf2bpf__open_and_load();
	if (!ASSERT_OK_PTR(o, "load tailcall_main_bpf2bpf"))
		return;
	fx_defer(fx, main_bpf2bpf_destroy, o);
	expect_tailcall_limit(fx, bpf_map__fd(o->maps.jmp_table),
			      bpf_program__fd(o->progs.entry),
			      bpf_program__fd(o->progs.classifier_0),
			      &o->bss->count);
}
