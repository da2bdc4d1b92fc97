// SPDX-License-Identifier: GPL-2.0
/*
 * The fixture of tg-harness: loads the skeletons of tests/bpf for a
 * scenario and records everything it hands out (objects, links, fds,
 * PROG_ARRAY slots, pins) on a stack; the teardown, once the scenario
 * returned, releases it last-in first-out.  A filled slot is emptied
 * before its array is closed (closing the last fd of a prog_array clears
 * it only asynchronously), a link goes before its prog.
 *
 * Objects (tests/bpf/):
 *   tc_bpf2bpf        "T": tc entry_tc calling global subprog_tc (returns 1)
 *   tailcall3         SCHED_CLS-owned 1-slot jmp_table; tail-call limit
 *   freplace_ret      freplace of subprog_tc returning 42
 *   tailcall_freplace freplace of subprog_tc that tail-calls its own jmp_table
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "harness.h"
#include "tc_bpf2bpf.skel.h"
#include "tailcall3.skel.h"
#include "freplace_ret.skel.h"
#include "tailcall_freplace.skel.h"

enum tg_kind {
	TG_CALL,	/* fn(ptr) */
	TG_CLOSE,	/* close(fd) */
	TG_SLOT,	/* empty slot key of the map fd */
	TG_UNPIN,	/* unlink(ptr) */
	TG_UNPIN_PRE,	/* unlink(ptr), unless a pre step ends without ERROR */
	TG_RMDIR,	/* rmdir(TG_PIN_DIR), if empty */
};

struct tg_cleanup {
	enum tg_kind kind;
	void (*fn)(void *);
	const void *ptr;
	int fd;
	__u32 key;
	bool done;
};

static struct tg_cleanup *fx_push(struct tg_fixture *fx, enum tg_kind kind)
{
	struct tg_cleanup *c;

	if (fx->depth == fx->size) {
		int size = fx->size ? 2 * fx->size : 16;
		void *p = realloc(fx->stack, size * sizeof(*fx->stack));

		if (!p) {
			fprintf(stderr, "tg-harness: out of memory\n");
			exit(1);
		}
		fx->stack = p;
		fx->size = size;
	}
	c = &fx->stack[fx->depth++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->fd = -1;
	return c;
}

void fx_defer(struct tg_fixture *fx, void (*fn)(void *), void *arg)
{
	struct tg_cleanup *c = fx_push(fx, TG_CALL);

	c->fn = fn;
	c->ptr = arg;
}

int fx_fd(struct tg_fixture *fx, int fd)
{
	if (fd >= 0)
		fx_push(fx, TG_CLOSE)->fd = fd;
	return fd;
}

static void cleanup_run(struct tg_fixture *fx, struct tg_cleanup *c)
{
	bool keep_pins = fx->phase == TG_PHASE_PRE &&
			 strcmp(tg_res.token, "ERROR");

	if (c->done)
		return;
	c->done = true;
	switch (c->kind) {
	case TG_CALL:
		c->fn((void *)c->ptr);
		break;
	case TG_CLOSE:
		close(c->fd);
		break;
	case TG_SLOT:
		slot_clear(c->fd, c->key);
		break;
	case TG_UNPIN_PRE:
		if (keep_pins)
			break;
		/* fall through */
	case TG_UNPIN:
		pin_remove(c->ptr);
		break;
	case TG_RMDIR:
		/* fails with ENOTEMPTY while other scenarios' pins exist */
		rmdir(TG_PIN_DIR);
		break;
	}
}

void fx_release(struct tg_fixture *fx, const void *obj)
{
	int i;

	for (i = fx->depth - 1; i >= 0; i--)
		if (fx->stack[i].kind == TG_CALL && fx->stack[i].ptr == obj &&
		    !fx->stack[i].done)
			return cleanup_run(fx, &fx->stack[i]);
}

/* the fd itself (TG_CLOSE), or the slot filled in the map fd (TG_SLOT) */
static void fx_release_kind(struct tg_fixture *fx, enum tg_kind kind, int fd)
{
	int i;

	for (i = fx->depth - 1; i >= 0; i--)
		if (fx->stack[i].kind == kind && fx->stack[i].fd == fd &&
		    !fx->stack[i].done)
			return cleanup_run(fx, &fx->stack[i]);
}

void fx_release_fd(struct tg_fixture *fx, int fd)
{
	fx_release_kind(fx, TG_CLOSE, fd);
}

void fx_slot_clear(struct tg_fixture *fx, int map_fd)
{
	fx_release_kind(fx, TG_SLOT, map_fd);
}

void fx_teardown(struct tg_fixture *fx)
{
	while (fx->depth > 0)
		cleanup_run(fx, &fx->stack[--fx->depth]);
	free(fx->stack);
	fx->stack = NULL;
	fx->size = 0;
}

/* --- the skeletons ---------------------------------------------------------- */

TG_DESTROY(tc_bpf2bpf)
TG_DESTROY(tailcall3)
TG_DESTROY(freplace_ret)
TG_DESTROY(tailcall_freplace)
TG_DESTROY(bpf_link)

struct tc_bpf2bpf *fx_target(struct tg_fixture *fx, int *fd, __u32 *id)
{
	struct tc_bpf2bpf *t = tc_bpf2bpf__open_and_load();

	if (!ASSERT_OK_PTR(t, "load tc_bpf2bpf"))
		return NULL;
	fx_defer(fx, tc_bpf2bpf_destroy, t);
	if (fd)
		*fd = bpf_program__fd(t->progs.entry_tc);
	if (id && !ASSERT_OK(prog_id(bpf_program__fd(t->progs.entry_tc), id),
			     "prog info"))
		return NULL;
	dbg("loaded T entry_tc fd %d", bpf_program__fd(t->progs.entry_tc));
	return t;
}

struct tailcall3 *fx_owner(struct tg_fixture *fx, int *map_fd)
{
	struct tailcall3 *o = tailcall3__open_and_load();

	if (!ASSERT_OK_PTR(o, "load tailcall3"))
		return NULL;
	fx_defer(fx, tailcall3_destroy, o);
	*map_fd = bpf_map__fd(o->maps.jmp_table);
	return o;
}

/* the EXT prog @prog of an opened skeleton, for @func of @tgt_fd: load it */
static int ext_load(struct bpf_object_skeleton *skel, struct bpf_program *prog,
		    int tgt_fd, const char *func)
{
	int err = bpf_program__set_attach_target(prog, tgt_fd, func);

	return err ? err : bpf_object__load_skeleton(skel);
}

struct freplace_ret *fx_ext_ret(struct tg_fixture *fx, int tgt_fd,
				const char *func, __u32 *id)
{
	struct freplace_ret *e = freplace_ret__open();
	int err;

	if (!ASSERT_OK_PTR(e, "open freplace_ret"))
		return NULL;
	fx_defer(fx, freplace_ret_destroy, e);
	err = ext_load(e->skeleton, e->progs.new_subprog_tc, tgt_fd, func);
	if (!err && id)
		err = prog_id(bpf_program__fd(e->progs.new_subprog_tc), id);
	if (!ASSERT_OK(err, "load freplace_ret"))
		return NULL;
	return e;
}

struct tailcall_freplace *fx_ext_tc(struct tg_fixture *fx, int tgt_fd)
{
	struct tailcall_freplace *e = tailcall_freplace__open();

	if (!ASSERT_OK_PTR(e, "open tailcall_freplace"))
		return NULL;
	fx_defer(fx, tailcall_freplace_destroy, e);
	if (!ASSERT_OK(ext_load(e->skeleton, e->progs.entry_freplace, tgt_fd,
				"subprog_tc"), "load tailcall_freplace"))
		return NULL;
	return e;
}

/*
 * Attach an freplace prog to func of the prog tgt_fd the way the upstream
 * selftests do (BPF_LINK_CREATE with target_fd and btf_id).  On failure
 * returns NULL and the errno in *err.
 */
struct bpf_link *fx_attach(struct tg_fixture *fx, struct bpf_program *prog,
			   int tgt_fd, const char *func, int *err)
{
	struct bpf_link *link;

	errno = 0;
	link = bpf_program__attach_freplace(prog, tgt_fd, func);
	if (!link) {
		*err = errno ? errno : EINVAL;
		dbg("attach freplace %s -> %s: %s", bpf_program__name(prog),
		    func, errno_name(*err));
		return NULL;
	}
	*err = 0;
	dbg("attached freplace %s -> %s", bpf_program__name(prog), func);
	fx_defer(fx, bpf_link_destroy, link);
	return link;
}

int fx_prog_array(struct tg_fixture *fx)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, NULL, 4, 4, 4, NULL);

	if (!ASSERT_OK_FD(fd, "create prog_array"))
		return -1;
	return fx_fd(fx, fd);
}

/* --- PROG_ARRAY slots ------------------------------------------------------- */

/* quiet: the races call these in tight loops */
int slot_set(int map_fd, __u32 key, int prog_fd)
{
	return bpf_map_update_elem(map_fd, &key, &prog_fd, BPF_ANY) ? errno : 0;
}

void slot_clear(int map_fd, __u32 key)
{
	bpf_map_delete_elem(map_fd, &key);
}

int fx_slot_set(struct tg_fixture *fx, int map_fd, int prog_fd)
{
	int err = slot_set(map_fd, 0, prog_fd);

	dbg("prog_array update: %s", err ? errno_name(err) : "OK");
	if (!err)
		fx_push(fx, TG_SLOT)->fd = map_fd;
	return err;
}

/* --- pins --------------------------------------------------------------------- */

void pin_remove(const char *path)
{
	if (unlink(path) && errno != ENOENT)
		dbg("unlink %s: %s", path, strerror(errno));
}

bool fx_pin_dir(struct tg_fixture *fx)
{
	if (mkdir(TG_PIN_DIR, 0700) && errno != EEXIST)
		return ASSERT_OK(errno, "mkdir " TG_PIN_DIR);
	fx_push(fx, TG_RMDIR);
	return true;
}

bool fx_pin(struct tg_fixture *fx, int fd, const char *path)
{
	pin_remove(path);	/* stale, from an aborted run */
	if (!ASSERT_OK(bpf_obj_pin(fd, path) ? errno : 0, "pin"))
		return false;
	fx_push(fx, TG_UNPIN_PRE)->ptr = path;
	return true;
}

void fx_unpin(struct tg_fixture *fx, const char *path)
{
	fx_push(fx, TG_UNPIN)->ptr = path;
}

int fx_pinned(struct tg_fixture *fx, const char *path)
{
	int fd;

	fx_unpin(fx, path);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		res_error("no pin %s (pre step not run?): %s", path,
			  errno_name(errno));
		return -1;
	}
	return fx_fd(fx, fd);
}
