// SPDX-License-Identifier: GPL-2.0
/*
 * tg-stress run: THREADS workers (default 4) do random BPF operations on
 * a shared pool for SECS seconds (default 60): load/close tc progs and
 * freplace (EXT) progs, create/destroy PROG_ARRAYs, insert/delete members,
 * attach/detach freplace links, pin/unpin any of them.  Meanwhile a
 * control thread loads and unloads the module, switches its mode at run
 * time through /sys/kernel/tailguard/mode, and writes garbage to it.
 *
 * While the module is enforcing, every operation is followed by a check
 * of what userspace can see: no EXT prog is a member of any PROG_ARRAY of
 * the pool, and no member is the target of a live freplace link (bpf_link
 * info: target_obj_id).  A hit is re-checked with every worker stopped;
 * only what survives that is a violation (the rest is counted as
 * "transient").  Before the module (re)starts enforcing, the pool's arrays
 * are emptied and its links closed: state made while nothing enforced is
 * not the module's to answer for.  EXT progs are offered to PROG_ARRAYs only
 * while the module enforces (on kernels with the NULL-deref bug that insert
 * is the crash itself), and no prog ever runs.
 * At the end, with the module loaded and every prog, map and link gone,
 * tracked_progs must come back to 0.
 *
 * -O (oracle self-test): no module, and the checks run as if it enforced.
 */
#include "stress.h"
#include <pthread.h>
#include "tc_bpf2bpf.skel.h"
#include "freplace_ret.skel.h"

#define NPROG	24
#define NMAP	6
#define NSLOT	8
#define NLINK	16
#define PIN_DIR	"/sys/fs/bpf/tgs"
#define MAXID	(1 << 22)

/* ------------------------------------------------------------ the pool */

struct prog {
	pthread_rwlock_t lk;
	int live, ext, tgt;	/* tgt: pool slot it was loaded against (EXT) */
	struct tc_bpf2bpf *t;
	struct freplace_ret *e;
	int fd;
	char pin[64];
};
/* a PROG_ARRAY or a freplace link: an fd and maybe a pin */
struct obj {
	pthread_rwlock_t lk;
	int live, fd;
	char pin[64];
};

static struct prog progs[NPROG];
static struct obj maps[NMAP];
static struct obj links[NLINK];

/*
 * Workers hold "world" for reading during an operation and its check; the
 * control thread and the exclusive re-check hold it for writing.
 * "enforcing" only changes under the write lock.
 */
static pthread_rwlock_t world;	/* writer-preferring: see cmd_run() */
static int enforcing;
static atomic_int stop;
static unsigned char *ptype;	/* prog id -> type + 1 (0: unknown) */
static atomic_uint pin_seq;

enum { OP_LOAD_TC, OP_LOAD_EXT, OP_CLOSE_PROG, OP_MAP_NEW, OP_MAP_DEL,
       OP_INSERT, OP_DELETE, OP_ATTACH, OP_DETACH, OP_PIN, OP_UNPIN, NOPS };
static const char *opname[NOPS] = {
	"load_tc", "load_ext", "close_prog", "map_create", "map_destroy",
	"insert", "delete", "attach", "detach", "pin", "unpin",
};
static atomic_long op_ok[NOPS], op_err[NOPS], op_skip[NOPS];
static atomic_long err_einval, err_ebusy, err_enomem, err_other;
static atomic_long n_checks, n_candidates, n_transient, n_violations;
static atomic_long n_loads, n_unloads, n_load_fail;
static atomic_long n_switches, n_switch_fail, n_garbage, n_garbage_taken;
static atomic_long n_refused_ext, n_refused_busy, n_purged;
static uint64_t enf_ns, enf_since, load_ns_sum, unload_ns_sum;

/* enforcing only changes through here, with world held for writing */
static void set_enforcing(int on)
{
	if (on && !enforcing)
		enf_since = now_ns();
	else if (!on && enforcing)
		enf_ns += now_ns() - enf_since;
	enforcing = on;
}

static unsigned rnd(unsigned *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void count_errno(int e)
{
	if (e == EINVAL)
		err_einval++;
	else if (e == EBUSY)
		err_ebusy++;
	else if (e == ENOMEM)
		err_enomem++;
	else
		err_other++;
}

static int prog_type_of(__u32 id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd;

	if (id < MAXID && ptype[id])
		return ptype[id] - 1;
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return -1;
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		close(fd);
		return -1;
	}
	close(fd);
	if (id < MAXID)
		ptype[id] = info.type + 1;
	return info.type;
}

static void unpin(char *pin)
{
	if (pin[0]) {
		unlink(pin);
		pin[0] = '\0';
	}
}

/* a free map or link slot takes fd r; r < 0: the slot stays free, errno */
static int obj_take(struct obj *o, int r)
{
	if (r < 0)
		return errno;
	o->fd = r;
	o->live = 1;
	return 0;
}

/* unpin, close and free the slot of a live map or link */
static void obj_close(struct obj *o)
{
	unpin(o->pin);
	close(o->fd);
	o->live = 0;
}

/*
 * The invariants.  excl: every worker is stopped (world held for writing),
 * so the state is stable; otherwise objects another worker holds are
 * skipped.  Returns the number of breaches; prints them when report.
 */
static int check_all(int excl, int report)
{
	__u32 members[NMAP * NSLOT], mapid[NMAP * NSLOT];
	int nm = 0, bad = 0, i;
	__u32 id = 0, k;

	n_checks++;
	for (i = 0; i < NMAP; i++) {
		struct bpf_map_info mi = {};
		__u32 ml = sizeof(mi);

		if (!excl && pthread_rwlock_tryrdlock(&maps[i].lk))
			continue;
		if (maps[i].live) {
			bpf_obj_get_info_by_fd(maps[i].fd, &mi, &ml);
			for (k = 0; k < NSLOT; k++) {
				__u32 pid;

				if (bpf_map_lookup_elem(maps[i].fd, &k, &pid))
					continue;
				if (prog_type_of(pid) == BPF_PROG_TYPE_EXT) {
					bad++;
					if (report)
						say("VIOLATION: EXT prog %u is in PROG_ARRAY %u slot %u\n",
						    pid, mi.id, k);
				}
				mapid[nm] = mi.id;
				members[nm++] = pid;
			}
		}
		if (!excl)
			pthread_rwlock_unlock(&maps[i].lk);
	}
	while (!bpf_link_get_next_id(id, &id)) {
		struct bpf_link_info li = {};
		__u32 ll = sizeof(li);
		int fd = bpf_link_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &li, &ll)) {
			close(fd);
			continue;
		}
		close(fd);
		if (li.type != BPF_LINK_TYPE_TRACING ||
		    prog_type_of(li.prog_id) != BPF_PROG_TYPE_EXT)
			continue;
		for (i = 0; i < nm; i++)
			if (members[i] == li.tracing.target_obj_id) {
				bad++;
				if (report)
					say("VIOLATION: prog %u is in PROG_ARRAY %u and the target of freplace link %u (EXT prog %u)\n",
					    members[i], mapid[i], li.id, li.prog_id);
			}
	}
	return bad;
}

/*
 * Before the module starts enforcing: undo what would breach the rules,
 * and only that (world held for writing).  EXT members and members that
 * are the target of a live freplace link leave their PROG_ARRAY; every
 * other membership and link stays, so the module must learn them (its
 * load-time scan) to refuse what would breach the rules later.
 */
static void purge(void)
{
	__u32 targets[256], id = 0, k;
	int nt = 0, i, j;

	while (!bpf_link_get_next_id(id, &id) && nt < 256) {
		struct bpf_link_info li = {};
		__u32 ll = sizeof(li);
		int fd = bpf_link_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &li, &ll) &&
		    li.type == BPF_LINK_TYPE_TRACING &&
		    prog_type_of(li.prog_id) == BPF_PROG_TYPE_EXT)
			targets[nt++] = li.tracing.target_obj_id;
		close(fd);
	}
	for (i = 0; i < NMAP; i++) {
		if (!maps[i].live)
			continue;
		for (k = 0; k < NSLOT; k++) {
			__u32 pid;
			int drop;

			if (bpf_map_lookup_elem(maps[i].fd, &k, &pid))
				continue;
			drop = prog_type_of(pid) == BPF_PROG_TYPE_EXT;
			for (j = 0; j < nt && !drop; j++)
				drop = targets[j] == pid;
			if (drop) {
				bpf_map_delete_elem(maps[i].fd, &k);
				n_purged++;
			}
		}
	}
}

/* Try a few random slots; lock the first one in the wanted state. */
static int pick(pthread_rwlock_t *lk0, size_t stride, int n, int *live0,
		int want_live, int wr, unsigned *s, int (*ok)(int))
{
	int tries, i;

	for (tries = 0; tries < 6; tries++) {
		i = rnd(s) % n;
		pthread_rwlock_t *lk = (void *)((char *)lk0 + i * stride);
		int *live = (void *)((char *)live0 + i * stride);

		if (wr ? pthread_rwlock_trywrlock(lk) : pthread_rwlock_tryrdlock(lk))
			continue;
		if (*live == want_live && (!ok || ok(i)))
			return i;
		pthread_rwlock_unlock(lk);
	}
	return -1;
}

static int is_ext(int i) { return progs[i].ext; }
static int is_tc(int i) { return !progs[i].ext; }

#define PICK_PROG(want, wr, s, f) \
	pick(&progs[0].lk, sizeof(progs[0]), NPROG, &progs[0].live, want, wr, s, f)
#define PICK_MAP(want, wr, s) \
	pick(&maps[0].lk, sizeof(maps[0]), NMAP, &maps[0].live, want, wr, s, NULL)
#define PICK_LINK(want, wr, s) \
	pick(&links[0].lk, sizeof(links[0]), NLINK, &links[0].live, want, wr, s, NULL)

static void prog_close(struct prog *p)
{
	unpin(p->pin);
	if (p->ext)
		freplace_ret__destroy(p->e);
	else
		tc_bpf2bpf__destroy(p->t);
	p->live = 0;
}

/* One random operation.  Returns the op, or -1 when nothing was done. */
static int do_op(unsigned *s)
{
	int op = rnd(s) % NOPS, a = -1, b = -1, c = -1, err = 0, r;

	switch (op) {
	case OP_LOAD_TC:
		a = PICK_PROG(0, 1, s, NULL);
		if (a < 0)
			break;
		progs[a].t = tc_bpf2bpf__open_and_load();
		if (!progs[a].t) {
			err = errno;
		} else {
			progs[a].ext = 0;
			progs[a].fd = bpf_program__fd(progs[a].t->progs.entry_tc);
			progs[a].live = 1;
		}
		pthread_rwlock_unlock(&progs[a].lk);
		break;
	case OP_LOAD_EXT:
		a = PICK_PROG(0, 1, s, NULL);
		if (a < 0)
			break;
		b = PICK_PROG(1, 0, s, is_tc);
		if (b < 0) {
			pthread_rwlock_unlock(&progs[a].lk);
			a = -1;
			break;
		}
		progs[a].e = freplace_ret__open();
		if (!progs[a].e) {
			err = errno;
		} else {
			bpf_program__set_attach_target(progs[a].e->progs.new_subprog_tc,
						       progs[b].fd, "subprog_tc");
			r = freplace_ret__load(progs[a].e);
			if (r) {
				err = -r;
				freplace_ret__destroy(progs[a].e);
			} else {
				progs[a].ext = 1;
				progs[a].tgt = b;
				progs[a].fd = bpf_program__fd(progs[a].e->progs.new_subprog_tc);
				progs[a].live = 1;
			}
		}
		pthread_rwlock_unlock(&progs[b].lk);
		pthread_rwlock_unlock(&progs[a].lk);
		break;
	case OP_CLOSE_PROG:
		a = PICK_PROG(1, 1, s, NULL);
		if (a < 0)
			break;
		prog_close(&progs[a]);
		pthread_rwlock_unlock(&progs[a].lk);
		break;
	case OP_MAP_NEW:
		a = PICK_MAP(0, 1, s);
		if (a < 0)
			break;
		r = bpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, "tgs_pa", 4, 4, NSLOT, NULL);
		err = obj_take(&maps[a], r);
		pthread_rwlock_unlock(&maps[a].lk);
		break;
	case OP_MAP_DEL:
	case OP_DETACH: {
		struct obj *pool = op == OP_MAP_DEL ? maps : links;

		a = op == OP_MAP_DEL ? PICK_MAP(1, 1, s) : PICK_LINK(1, 1, s);
		if (a < 0)
			break;
		obj_close(&pool[a]);
		pthread_rwlock_unlock(&pool[a].lk);
		break;
	}
	case OP_INSERT: {
		__u32 k = rnd(s) % NSLOT;

		a = PICK_MAP(1, 0, s);
		if (a < 0)
			break;
		b = PICK_PROG(1, 0, s, NULL);
		if (b < 0) {
			pthread_rwlock_unlock(&maps[a].lk);
			a = -1;
			break;
		}
		if (progs[b].ext && !enforcing) {
			/* only the module stands between this and a NULL deref */
			op_skip[op]++;
			op = -1;
		} else if (bpf_map_update_elem(maps[a].fd, &k, &progs[b].fd, BPF_ANY)) {
			err = errno;
			if (enforcing && progs[b].ext)
				n_refused_ext++;
			if (enforcing && err == EBUSY)
				n_refused_busy++;
		} else if (enforcing && progs[b].ext) {
			say("VIOLATION: EXT prog accepted into a PROG_ARRAY while enforcing\n");
			n_violations++;
		}
		pthread_rwlock_unlock(&progs[b].lk);
		pthread_rwlock_unlock(&maps[a].lk);
		break;
	}
	case OP_DELETE: {
		__u32 k = rnd(s) % NSLOT;

		a = PICK_MAP(1, 0, s);
		if (a < 0)
			break;
		if (bpf_map_delete_elem(maps[a].fd, &k) && errno != ENOENT)
			err = errno;
		pthread_rwlock_unlock(&maps[a].lk);
		break;
	}
	case OP_ATTACH: {
		LIBBPF_OPTS(bpf_link_create_opts, o, .target_btf_id = subprog_btf_id);

		a = PICK_PROG(1, 0, s, is_ext);
		if (a < 0)
			break;
		b = PICK_PROG(1, 0, s, is_tc);
		c = PICK_LINK(0, 1, s);
		if (b < 0 || c < 0) {
			if (b >= 0)
				pthread_rwlock_unlock(&progs[b].lk);
			if (c >= 0)
				pthread_rwlock_unlock(&links[c].lk);
			pthread_rwlock_unlock(&progs[a].lk);
			a = -1;
			break;
		}
		r = bpf_link_create(progs[a].fd, progs[b].fd, ext_attach_type, &o);
		err = obj_take(&links[c], r);
		if (enforcing && err == EBUSY)
			n_refused_busy++;
		pthread_rwlock_unlock(&links[c].lk);
		pthread_rwlock_unlock(&progs[b].lk);
		pthread_rwlock_unlock(&progs[a].lk);
		break;
	}
	case OP_PIN:
	case OP_UNPIN: {
		int kind = rnd(s) % 3, fd;
		char *pin;
		pthread_rwlock_t *lk;

		a = kind == 0 ? PICK_PROG(1, 1, s, NULL) :
		    kind == 1 ? PICK_MAP(1, 1, s) : PICK_LINK(1, 1, s);
		if (a < 0)
			break;
		lk = kind == 0 ? &progs[a].lk : kind == 1 ? &maps[a].lk : &links[a].lk;
		pin = kind == 0 ? progs[a].pin : kind == 1 ? maps[a].pin : links[a].pin;
		fd = kind == 0 ? progs[a].fd : kind == 1 ? maps[a].fd : links[a].fd;
		if (op == OP_PIN && !pin[0]) {
			snprintf(pin, 64, PIN_DIR "/o%u", atomic_fetch_add(&pin_seq, 1));
			if (bpf_obj_pin(fd, pin)) {
				err = errno;
				pin[0] = '\0';
			}
		} else if (op == OP_UNPIN && pin[0]) {
			if (unlink(pin))
				err = errno;
			pin[0] = '\0';
		} else {
			op_skip[op]++;
			op = -1;
		}
		pthread_rwlock_unlock(lk);
		break;
	}
	}
	if (a < 0) {
		if (op >= 0)
			op_skip[op]++;
		return -1;
	}
	if (op < 0)
		return -1;
	if (err) {
		op_err[op]++;
		count_errno(err);
	} else {
		op_ok[op]++;
	}
	return op;
}

static void *worker(void *arg)
{
	unsigned s = cfg.seed * 2654435761u + (unsigned)(long)arg * 40503u + 1;

	while (!stop) {
		int bad = 0, op;

		pthread_rwlock_rdlock(&world);
		op = do_op(&s);
		if (op >= 0 && enforcing)
			bad = check_all(0, 0);
		pthread_rwlock_unlock(&world);
		if (bad) {
			/* re-check with everything stopped */
			n_candidates++;
			pthread_rwlock_wrlock(&world);
			if (enforcing) {
				bad = check_all(1, 1);
				if (bad) {
					n_violations += bad;
					purge();	/* count each breach once */
				} else {
					n_transient++;
				}
			}
			pthread_rwlock_unlock(&world);
		}
	}
	return NULL;
}

/* ------------------------------------------------------------ control */

static const char *modes[] = { "enforce", "audit", "off" };


/*
 * The module (re)started enforcing (world held for writing, or no worker
 * left): follow it, and check at once what its load-time scan must have
 * learned.
 */
static void rearm(void)
{
	set_enforcing(mod_enforcing());
	if (enforcing && check_all(1, 1))
		n_violations++;
}

static long ops_done(void)
{
	long ops = 0;
	int i;

	for (i = 0; i < NOPS; i++)
		ops += op_ok[i] + op_err[i];
	return ops;
}

static long cycles_done(void)
{
	return n_loads < n_unloads ? n_loads : n_unloads;
}

static const char *garbage[] = {
	"", "\n", "bogus", "enforce2", "ENFORCE_", "-1", "2",
	"99999999999999999999", "\x01\x02\xff", "audit off",
};

static void *control(void *arg)
{
	unsigned s = cfg.seed * 7919u + 17;

	while (!stop) {
		int act = rnd(&s) % 100;

		usleep(20000 + rnd(&s) % 150000);
		if (enforcing)	/* stay armed a while: that is when checks run */
			usleep(300000 + rnd(&s) % 1200000);
		if (stop)
			break;
		if (!tg_mod_loaded()) {
			const char *m = modes[act < 60 ? 0 : act < 80 ? 1 : 2];
			char params[32];
			uint64_t t;
			int err;

			snprintf(params, sizeof(params), "mode=%s", m);
			/* the load runs concurrently with the workers; they do
			 * not count on it until it is done and checked */
			t = now_ns();
			err = tg_mod_load(cfg.ko, params);
			load_ns_sum += now_ns() - t;
			if (!err && m == modes[0]) {
				pthread_rwlock_wrlock(&world);
				purge();
				rearm();
				pthread_rwlock_unlock(&world);
			}
			if (err) {
				n_load_fail++;
				say("insmod %s: %s\n", params, strerror(-err));
			} else {
				n_loads++;
			}
			continue;
		}
		if (act < 45) {
			uint64_t t;
			int err;

			pthread_rwlock_wrlock(&world);
			set_enforcing(0);
			pthread_rwlock_unlock(&world);
			t = now_ns();
			err = unload_retry();	/* concurrent with the workers */
			unload_ns_sum += now_ns() - t;
			if (err) {
				n_load_fail++;
				say("rmmod: %s\n", strerror(-err));
			} else {
				n_unloads++;
			}
		} else if (act < 88 && mode_file()) {
			const char *m = modes[rnd(&s) % 3];
			int err;

			pthread_rwlock_wrlock(&world);
			if (m == modes[0]) {
				purge();
				err = mode_set(m);
				set_enforcing(!err && mod_enforcing());
			} else {
				set_enforcing(0);
				err = 0;
			}
			pthread_rwlock_unlock(&world);
			if (m != modes[0])
				err = mode_set(m);	/* concurrent */
			if (err)
				n_switch_fail++;
			else
				n_switches++;
		} else if (mode_file()) {
			/* garbage must be refused and change nothing */
			const char *g = garbage[rnd(&s) % (sizeof(garbage) / sizeof(*garbage))];
			char before[64], after[64];

			pthread_rwlock_wrlock(&world);
			read_file(TG_SYSFS "/mode", before, sizeof(before));
			n_garbage++;
			if (!write_file(TG_SYSFS "/mode", g, strlen(g)) && strlen(g))
				n_garbage_taken++;
			read_file(TG_SYSFS "/mode", after, sizeof(after));
			if (strcmp(before, after))
				n_garbage_taken++;
			pthread_rwlock_unlock(&world);
		}
	}
	return NULL;
}

static void close_all(void)
{
	int i;

	for (i = 0; i < NLINK; i++)
		if (links[i].live)
			obj_close(&links[i]);
	for (i = 0; i < NMAP; i++)
		if (maps[i].live)
			obj_close(&maps[i]);
	for (i = 0; i < NPROG; i++)
		if (progs[i].live)
			prog_close(&progs[i]);
}

int cmd_run(void)
{
	pthread_t th[64], ctl;
	pthread_rwlockattr_t a;
	int i, t0progs;
	long tracked = -2, violations;
	uint64_t start = now_ns(), end;

	ptype = calloc(MAXID, 1);
	/* glibc prefers readers: the control thread would starve */
	pthread_rwlockattr_init(&a);
	pthread_rwlockattr_setkind_np(&a,
		PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&world, &a);
	if (learn_btf_id()) {
		check(0, "stress-setup", "cannot read subprog_tc's BTF id");
		return 1;
	}
	for (i = 0; i < NPROG; i++)
		pthread_rwlock_init(&progs[i].lk, NULL);
	for (i = 0; i < NMAP; i++)
		pthread_rwlock_init(&maps[i].lk, NULL);
	for (i = 0; i < NLINK; i++)
		pthread_rwlock_init(&links[i].lk, NULL);
	mkdir(PIN_DIR, 0700);
	t0progs = count_bpf_progs();
	say("run: %d s, %d workers, seed %u, pool %d progs / %d PROG_ARRAYs x %d / %d links\n",
	    cfg.secs, cfg.threads, cfg.seed, NPROG, NMAP, NSLOT, NLINK);

	for (i = 0; i < cfg.threads; i++)
		pthread_create(&th[i], NULL, worker, (void *)(long)i);
	if (cfg.oracle) {
		say("oracle self-test: no module, checking as if it enforced\n");
		set_enforcing(1);
		cfg.min_cycles = 0;
	} else {
		pthread_create(&ctl, NULL, control, NULL);
	}
	end = start + (uint64_t)cfg.secs * 1000000000ull;
	/* past SECS, go on until MIN_CYCLES load/unload cycles, up to 3x */
	while (now_ns() < end ||
	       ((n_loads < cfg.min_cycles || n_unloads < cfg.min_cycles) &&
		now_ns() < start + 3ull * cfg.secs * 1000000000ull)) {
		sleep(1);
		if ((now_ns() - start) / 1000000000ull % (cfg.secs > 120 ? 60 : 15) == 0)
			say("progress: %llus ops=%ld loads=%ld unloads=%ld switches=%ld violations=%ld\n",
			    (unsigned long long)((now_ns() - start) / 1000000000ull),
			    ops_done(), (long)n_loads, (long)n_unloads, (long)n_switches,
			    (long)n_violations);
	}
	stop = 1;
	if (cfg.oracle) {
		say("oracle self-test: %ld violations found (a vulnerable kernel must show some)\n",
		    (long)n_violations);
		close_all();
		return n_violations ? 0 : 1;
	}
	pthread_join(ctl, NULL);
	set_enforcing(0);
	{
		uint64_t run = now_ns() - start;

		say("module enforcing during %.0f%% of the run; mean insmod %.1f ms, rmmod %.1f ms\n",
		    100.0 * enf_ns / run, n_loads ? load_ns_sum / 1e6 / n_loads : 0,
		    n_unloads ? unload_ns_sum / 1e6 / n_unloads : 0);
	}
	for (i = 0; i < cfg.threads; i++)
		pthread_join(th[i], NULL);

	/* final state: enforcing, checked, then everything closed */
	if (!tg_mod_loaded()) {
		purge();
		if (!tg_mod_load(cfg.ko, "mode=enforce"))
			n_loads++;
	} else if (!mod_enforcing()) {
		purge();
		if (mode_file())
			mode_set("enforce");
	}
	rearm();
	close_all();
	rmdir(PIN_DIR);
	tracked = wait_untracked(100, t0progs);
	say("after close: tracked_progs=%ld, bpf progs left=%d (before run %d)\n",
	    tracked, count_bpf_progs(), t0progs);
	if (tg_mod_loaded()) {
		if (!unload_retry())
			n_unloads++;
	}

	{
		long ops = ops_done(), ok = 0;

		for (i = 0; i < NOPS; i++) {
			ok += op_ok[i];
			say("op %-12s ok=%ld err=%ld skipped=%ld\n", opname[i],
			    (long)op_ok[i], (long)op_err[i], (long)op_skip[i]);
		}
		say("operations: %ld done (%ld ok, %ld refused/failed: EINVAL=%ld EBUSY=%ld ENOMEM=%ld other=%ld)\n",
		    ops, ok, ops - ok, (long)err_einval, (long)err_ebusy,
		    (long)err_enomem, (long)err_other);
		say("refusals while enforcing: EXT into PROG_ARRAY=%ld, EBUSY (member<->extended)=%ld\n",
		    (long)n_refused_ext, (long)n_refused_busy);
		say("module: loads=%ld unloads=%ld (load/unload cycles=%ld) load/unload failures=%ld unloads retried=%ld\n",
		    (long)n_loads, (long)n_unloads, cycles_done(),
		    (long)n_load_fail, (long)n_unload_refused);
		say("mode switches=%ld (failed %ld); garbage writes to mode=%ld (taken %ld)\n",
		    (long)n_switches, (long)n_switch_fail, (long)n_garbage,
		    (long)n_garbage_taken);
		say("breaching state undone before (re)arming: %ld slots\n",
		    (long)n_purged);
		say("invariant checks=%ld candidates=%ld transient=%ld violations=%ld\n",
		    (long)n_checks, (long)n_candidates, (long)n_transient,
		    (long)n_violations);
		say("faults injected: %ld (garbage writes during the run)\n",
		    (long)n_garbage);
		violations = n_violations;
		check(violations == 0, "stress-invariants", "violations=%ld checks=%ld",
		      violations, (long)n_checks);
		check(ops > 0 && op_ok[OP_INSERT] > 0 && op_ok[OP_ATTACH] > 0,
		      "stress-coverage", "ops=%ld inserts=%ld attaches=%ld", ops,
		      (long)op_ok[OP_INSERT], (long)op_ok[OP_ATTACH]);
		check(cycles_done() >= cfg.min_cycles && !n_load_fail,
		      "stress-load-unload", "cycles=%ld (minimum %d) failures=%ld",
		      cycles_done(), cfg.min_cycles, (long)n_load_fail);
		check(!n_garbage_taken, "stress-garbage-mode",
		      "garbage writes=%ld taken=%ld", (long)n_garbage,
		      (long)n_garbage_taken);
		check(tracked == 0, "stress-tracked-zero",
		      "tracked_progs=%ld after every prog was closed%s", tracked,
		      tracked == -1 ? " (no tracked_progs file)" : "");
	}
	return nchecks_fail ? 1 : 0;
}
