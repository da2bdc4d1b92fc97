/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tg-harness: one scenario per invocation, one "TG-RESULT" line on stdout.
 *
 * In the shape of the kernel's tools/testing/selftests/bpf/test_progs.h:
 *
 *   TG_SCENARIO(name, "help")          one function per scenario, registered
 *   {                                  in the "tg_scenarios" section
 *           int tfd, map_fd;
 *
 *           if (!fx_target(fx, &tfd, NULL) || !fx_owner(fx, &map_fd))
 *                   return;            the fixture said ERROR already
 *           OUTCOME(fx_slot_set(fx, map_fd, tfd));
 *   }                                  OK or the errno: the matrix
 *                                      compares it with tests/expect.txt
 *
 * The fixture (fixture.c) loads the skeletons and records every object,
 * slot, fd and pin it hands out; its teardown releases them in reverse
 * order after the scenario returns, so scenarios have no destroys and no
 * "goto out".
 *
 * A scenario's result is one token:
 *   OUTCOME(err)          OK, or the errno name: the operation under test,
 *                         judged by tests/expect.txt (fixed kernel: EINVAL
 *                         or EBUSY, vulnerable: OK, ...)
 *   OUTCOME_STEP(err, s)  a refused step of a multi-step operation: errno
 *                         name and step=s; an accepted step records nothing
 *   EXPECT_*()            checks of a positive control or a race: PASS when
 *                         all held, FAIL otherwise (the harness decides
 *                         once the scenario returns)
 *   ASSERT_OK*()          setup: ERROR msg="..." when it broke
 * All of them evaluate to true when what they check held.
 */
#ifndef TG_HARNESS_H
#define TG_HARNESS_H

#include <errno.h>
#include <stdbool.h>
#include <linux/types.h>

struct bpf_program;
struct bpf_link;
struct tc_bpf2bpf;
struct tailcall3;
struct freplace_ret;
struct tailcall_freplace;

/* Where the scenarios with a pre step keep state between the two phases. */
#define TG_PIN_DIR	"/sys/fs/bpf/tg"

/* The one result of a run; filled by the scenario, printed by main(). */
struct tg_result {
	char token[32];		/* OK, EINVAL, PASS, FAIL, ERROR, ... */
	char extra[512];	/* " key=value ..." */
	bool set;
	/* EXPECT_*(): how many ran, and how many did not hold */
	int checks, fails;
	/* races: rules bypassed, refusals the fixed kernel would not make */
	long bypass, spurious;
};

extern struct tg_result tg_res;
extern bool tg_verbose;

/* Result helpers: the first call that sets the token wins. */
void res_token(const char *token);
void res_errno(int err);		/* token = errno name */
void res_kv(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* ERROR with msg="..."; overrides any token set so far */
void res_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

const char *errno_name(int err);
void dbg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --- assertions ----------------------------------------------------------
 * err is 0 or an errno, either sign (libbpf's -errno, a syscall's errno).
 */
bool tg_assert_ok(int err, const char *what);
bool tg_outcome(int err, const char *step);
bool tg_expect_eq(long long got, long long want, const char *name);
bool tg_expect_ok(int err, const char *name);
bool tg_expect_race(bool held, long *count, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define ASSERT_OK(err, what)	tg_assert_ok((err), (what))
#define ASSERT_OK_PTR(ptr, what) \
	tg_assert_ok((ptr) ? 0 : (errno ? errno : EINVAL), (what))
#define ASSERT_OK_FD(fd, what) \
	tg_assert_ok((fd) >= 0 ? 0 : (errno ? errno : EINVAL), (what))

#define OUTCOME(err)		tg_outcome((err), NULL)
#define OUTCOME_STEP(err, step)	tg_outcome((err), (step))

/* name=got into the result; a mismatch fails the scenario */
#define EXPECT_EQ(got, want, name) \
	tg_expect_eq((long long)(got), (long long)(want), (name))
/* nothing when err is 0, else name=ERRNO and the scenario fails */
#define EXPECT_OK(err, name)	tg_expect_ok((err), (name))
/* races: an accepted operation a rule forbids is a bypass ... */
#define EXPECT_REFUSED(err, ...) \
	tg_expect_race((err) != 0, &tg_res.bypass, __VA_ARGS__)
/* ... a refused one the fixed kernel accepts is spurious */
#define EXPECT_ACCEPTED(err, ...) \
	tg_expect_race((err) == 0, &tg_res.spurious, __VA_ARGS__)

/* --- the fixture (fixture.c) ---------------------------------------------- */

enum tg_phase {
	TG_PHASE_ALL,	/* no -p: the pre step, then the scenario */
	TG_PHASE_PRE,	/* -p pre: before the module step of the matrix */
	TG_PHASE_POST,	/* -p post: after it */
};

struct tg_cleanup;

struct tg_fixture {
	enum tg_phase phase;	/* the phase running now: PRE or POST */
	int variant;		/* TG_VARIANT()'s */
	struct tg_cleanup *stack;
	int depth, size;
};

/*
 * Loaders: each returns the object (or a value >= 0) and records it for
 * the teardown; on failure it says ERROR and returns NULL (or -1).
 */
/* T: tc_bpf2bpf, entry_tc calling subprog_tc; its fd in *fd, id in *id */
struct tc_bpf2bpf *fx_target(struct tg_fixture *fx, int *fd, __u32 *id);
/* tailcall3: SCHED_CLS owns its 1-slot jmp_table from load on */
struct tailcall3 *fx_owner(struct tg_fixture *fx, int *map_fd);
/* freplace_ret for @func of the prog @tgt_fd, loaded, not attached */
struct freplace_ret *fx_ext_ret(struct tg_fixture *fx, int tgt_fd,
				const char *func, __u32 *id);
/* tailcall_freplace for subprog_tc of @tgt_fd (tail-calls its jmp_table) */
struct tailcall_freplace *fx_ext_tc(struct tg_fixture *fx, int tgt_fd);
/* an freplace link of @prog on @func of @tgt_fd; NULL and *err if refused */
struct bpf_link *fx_attach(struct tg_fixture *fx, struct bpf_program *prog,
			   int tgt_fd, const char *func, int *err);
/* a 4-slot PROG_ARRAY of no owner yet */
int fx_prog_array(struct tg_fixture *fx);
/* an fd to close at teardown (a link fd, ...); returns fd */
int fx_fd(struct tg_fixture *fx, int fd);

/* slot 0 of @map_fd <- @prog_fd: 0 or an errno; emptied again at teardown */
int fx_slot_set(struct tg_fixture *fx, int map_fd, int prog_fd);
/* empty that slot now */
void fx_slot_clear(struct tg_fixture *fx, int map_fd);
/* slot @key <- prog, and its delete, not recorded: 0 or an errno */
int slot_set(int map_fd, __u32 key, int prog_fd);
void slot_clear(int map_fd, __u32 key);

/* Pins: TG_PIN_DIR, created by fx_pin_dir(), removed at teardown if empty. */
bool fx_pin_dir(struct tg_fixture *fx);
/* pin @fd at @path; the pin is kept when a pre step ends without ERROR */
bool fx_pin(struct tg_fixture *fx, int fd, const char *path);
/* open the pin @path (made by the pre step): fd or -1; unpinned at teardown */
int fx_pinned(struct tg_fixture *fx, const char *path);
/* remove the pin @path at teardown */
void fx_unpin(struct tg_fixture *fx, const char *path);
void pin_remove(const char *path);

/*
 * TG_DESTROY(name): static void name_destroy(void *p), which calls
 * name__destroy(p): a skeleton's (or bpf_link's) destructor in the shape
 * fx_defer() takes.
 */
#define TG_DESTROY(name)						\
	static void name##_destroy(void *p)				\
	{								\
		name##__destroy(p);					\
	}

/* run @fn(@arg) at teardown */
void fx_defer(struct tg_fixture *fx, void (*fn)(void *), void *arg);
/* tear down now what fx_*() handed out as @obj (a pointer or an fd) */
void fx_release(struct tg_fixture *fx, const void *obj);
void fx_release_fd(struct tg_fixture *fx, int fd);
void fx_teardown(struct tg_fixture *fx);

/* BPF helpers shared by the scenarios (tg-harness.c). */
int prog_id(int prog_fd, __u32 *id);
int test_run(int prog_fd, __u32 *retval);
int count_links_of_prog(__u32 prog_id, int *nlinks);
/* scenarios.c: the tail-call limit checks of upstream's test_tailcall_3 */
void expect_tailcall_limit(struct tg_fixture *fx, int map_fd, int entry_fd,
			   int callee_fd, const int *count);

/* --- the registry ----------------------------------------------------------- */

struct tg_scenario {
	const char *name;
	const char *help;
	/* the scenario; with .pre, its post step */
	void (*run)(struct tg_fixture *fx);
	/* state that must exist before the module step (pinned) */
	void (*pre)(struct tg_fixture *fx);
	int variant;		/* for run, as fx->variant */
};

#define TG_REGISTER(_name, ...)						\
	static const struct tg_scenario tg_sc_##_name			\
	__attribute__((used, section("tg_scenarios"),			\
		       aligned(sizeof(void *)))) = {			\
		.name = #_name, __VA_ARGS__				\
	}

/*
 * TG_SCENARIO(name, help[, .pre = fn]) { body }: defines the scenario
 * function, with the fixture as fx, and registers it.  fn, the pre step,
 * runs in a process of its own before the module step (tg-harness -p).
 */
#define TG_SCENARIO(_name, _help, ...)					\
	static void sc_##_name(struct tg_fixture *fx);			\
	TG_REGISTER(_name, .help = _help, .run = sc_##_name, __VA_ARGS__); \
	static void sc_##_name(struct tg_fixture *fx)

/*
 * TG_VARIANT(name, fn, variant, help): one more scenario run by the
 * function fn of other scenarios, with fx->variant set to variant.
 */
#define TG_VARIANT(_name, _fn, _variant, _help)				\
	TG_REGISTER(_name, .help = _help, .run = _fn, .variant = _variant)

#endif /* TG_HARNESS_H */
