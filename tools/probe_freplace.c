// SPDX-License-Identifier: GPL-2.0
/*
 * tailguard CLI: the freplace / prog_array errno probe (invalid_tailcallee,
 * freplace_loop, and freplace_panic's "raw EXT owner" case).  The safety
 * rules of all probes are in tailguard.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tailguard.h"
#include "targets.skel.h"
#include "ext.skel.h"

static int upd(int map_fd, uint32_t key, int prog_fd)
{
	uint32_t v = prog_fd;

	if (bpf_map_update_elem(map_fd, &key, &v, BPF_ANY))
		return errno;
	return 0;
}

/*
 * d6083f040d5d's attach-side rules, with the TC target prog tgprobe_tc,
 * a fresh 1-slot prog_array and the TC-targeted EXT prog tgprobe_ext_tc (which
 * has no tail call and is never put into any array while attached):
 *   1. tgprobe_tc in the array, attach tgprobe_ext_tc to it: EBUSY when fixed;
 *   2. tgprobe_ext_tc attached, tgprobe_tc into the array:   EBUSY when fixed.
 * On an unfixed kernel both succeed; nothing is ever run, and links and
 * slots are undone at once.  This is the loop's real precondition (a prog
 * both extended and a prog_array member); the EXT-into-array EINVAL alone
 * is only the public detector's proxy.
 */
static void probe_ebusy(struct tg_freplace_probe *p, struct tg_targets *t, struct tg_ext *e)
{
	int tgt = bpf_program__fd(t->progs.tgprobe_tc);
	struct bpf_link *l;
	uint32_t key = 0;
	int arr, err;

	arr = bpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, "tg_probe_arr", 4, 4, 1, NULL);
	if (arr < 0) {
		tg_setwhat(p->attach_what, sizeof(p->attach_what), "creating a prog_array: %s",
			tg_errname(errno));
		return;
	}
	err = upd(arr, 0, tgt);
	if (err) {
		tg_setwhat(p->attach_what, sizeof(p->attach_what),
			"TC prog into an empty prog_array: %s", tg_errname(err));
		goto out;
	}
	l = bpf_program__attach_freplace(e->progs.tgprobe_ext_tc, tgt, "tg_tc_sub");
	p->e_attach_member = l ? 0 : errno;
	bpf_link__destroy(l);
	bpf_map_delete_elem(arr, &key);

	l = bpf_program__attach_freplace(e->progs.tgprobe_ext_tc, tgt, "tg_tc_sub");
	if (!l) {
		tg_setwhat(p->attach_what, sizeof(p->attach_what),
			"attaching freplace to a prog outside any prog_array: %s",
			tg_errname(errno));
		goto out;
	}
	p->e_member_extended = upd(arr, 0, tgt);
	bpf_map_delete_elem(arr, &key);
	bpf_link__destroy(l);
out:
	close(arr);
}

/* a setup step failed with -errno err: the probe did not run */
static void setup_failed(struct tg_freplace_probe *p, int err, const char *step)
{
	p->err = err;
	tg_setwhat(p->what, sizeof(p->what), "%s: %s", step, tg_errname(-err));
}

void tg_probe_freplace(struct tg_freplace_probe *p)
{
	struct tg_targets *t = NULL;
	struct tg_ext *e = NULL;
	int err, map_fd;

	memset(p, 0, sizeof(*p));
	p->e_ext_xdp = p->e_xdp = p->e_ext_tc = -1;
	p->e_attach_member = p->e_member_extended = -1;

	tg_log_reset();
	t = tg_targets__open();
	if (!t) {
		setup_failed(p, -(errno ? errno : EINVAL), "opening the freplace target object");
		return;
	}
	/* no BPF_XDP expected_attach_type: it must not differ from the owner's */
	bpf_program__set_expected_attach_type(t->progs.tgprobe_xdp, 0);
	err = tg_targets__load(t);
	if (err) {
		setup_failed(p, err, "loading XDP/TC target progs");
		goto out;
	}

	e = tg_ext__open();
	if (!e) {
		setup_failed(p, -(errno ? errno : EINVAL), "opening the freplace object");
		goto out;
	}
	err = bpf_program__set_attach_target(e->progs.tgprobe_owner,
			bpf_program__fd(t->progs.tgprobe_xdp), "tg_xdp_sub");
	err = err ?: bpf_program__set_attach_target(e->progs.tgprobe_ext_xdp,
			bpf_program__fd(t->progs.tgprobe_xdp), "tg_xdp_sub");
	err = err ?: bpf_program__set_attach_target(e->progs.tgprobe_ext_tc,
			bpf_program__fd(t->progs.tgprobe_tc), "tg_tc_sub");
	if (err) {
		setup_failed(p, err, "setting freplace targets");
		goto out;
	}
	tg_log_reset();
	err = tg_ext__load(e);
	if (err) {
		setup_failed(p, err, "loading (not attaching) freplace progs");
		goto out;
	}

	/* Nothing below is attached or run. */
	map_fd = bpf_map__fd(e->maps.tg_jmp);
	p->e_ext_xdp = upd(map_fd, 0, bpf_program__fd(e->progs.tgprobe_ext_xdp));
	p->e_xdp = upd(map_fd, 1, bpf_program__fd(t->progs.tgprobe_xdp));
	p->e_ext_tc = upd(map_fd, 1, bpf_program__fd(e->progs.tgprobe_ext_tc));
	if (p->e_xdp == 0) {
		uint32_t one = 1;

		/* never attach an EXT prog that sits in a prog_array */
		bpf_map_delete_elem(map_fd, &one);
		probe_ebusy(p, t, e);
	}
	else
		tg_setwhat(p->attach_what, sizeof(p->attach_what), "not run: owner type raw EXT");
out:
	tg_ext__destroy(e);
	tg_targets__destroy(t);
}
