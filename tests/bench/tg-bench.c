// SPDX-License-Identifier: GPL-2.0
/*
 * tg-bench - what tailguard costs, measured inside one guest boot.
 *
 *   tg-bench [-r ROUNDS] [-q] [-k KO] [-p PARAMS] [-P MAXPROGS] [-S N,N,N]
 *
 *   -r ROUNDS  rounds (default 11, at most 16)
 *   -q         quick: fewer iterations (for smoke tests, not for figures)
 *   -k KO      the module (default /tailguard.ko)
 *   -p PARAMS  module parameters for every insmod (default none)
 *   -P MAX     most distinct progs loaded for the scale test (default 100000)
 *   -S LIST    scale levels, entries in the PROG_ARRAY (default 10,1000,100000)
 *   -w MS      settle time after every insmod and rmmod (default 1000): the
 *              load's deferred work (RCU-tasks grace periods, ...) must not
 *              be billed to the first "with" sample
 *
 * Phases, all in this one boot: "bare", ROUNDS samples with the module
 * never loaded yet; ROUNDS rounds of { sample without, insmod (timed),
 * sample with ("armed"), rmmod }; "after", ROUNDS samples once it is gone.
 * A sample is the fastest of 5 short bursts (3 for test_run, each of
 * 10^6 repetitions).  The ratio of a figure is the median over the rounds
 * of with / mean(without before, without after), so slow drift of the
 * host's load cancels.  Then the scale test: for each level, fill a
 * PROG_ARRAY of N entries from min(N, MAX) distinct progs, bare and then
 * armed, and time the same insert+delete on a separate 64-slot array.
 *
 * Every figure is a time per operation; ratio = with / without, so 1.00 is
 * no change and 1.05 is 5% slower.  Every output line starts with
 * "TG-BENCH " (run-vm echoes TG- lines); the last one is
 *   TG-BENCH headline: prog_array_update=R freplace_attach=R test_run=R ... prog_load=R
 * Nothing here asserts on timing: exit status 1 only when a measurement
 * could not be taken at all (setup error).
 */
#include <getopt.h>
#include <sys/utsname.h>
#include <linux/perf_event.h>
#include <bpf/libbpf.h>
#include "tgperf.h"
#include "tailcall_chain.skel.h"
#include "tc_bpf2bpf.skel.h"
#include "freplace_ret.skel.h"

#define MAXR		32
#define PA_SLOTS	64
#define MAP_KEYS	1024

enum { B_PA, B_FR, B_TR, B_HASH, B_ARR, B_PERF, B_LOAD, NB };
static const char *bname[NB] = {
	"prog_array insert+delete",
	"freplace link create+close",
	"test_run tail-call chain (per rep)",
	"hash map update",
	"array map update",
	"perf_event_array update",
	"prog load (bpf2bpf call)",
};
static const char *bkey[NB] = {
	"prog_array_update", "freplace_attach", "test_run", "hash_update",
	"array_update", "perf_event_array_update", "prog_load",
};

enum { PH_BARE, PH_ARMED, PH_AFTER, NPH };

static struct {
	int rounds, quick;
	const char *ko, *params;
	long pmax;
	long scales[8];
	int nscales;
	long pa_iter, fr_iter, tr_repeat, map_iter, load_iter;
	int settle_ms;
} cfg = {
	.settle_ms = 1000,
	.rounds = 11, .ko = "/tailguard.ko", .params = "", .pmax = 100000,
	.scales = { 10, 1000, 100000 }, .nscales = 3,
};

static struct {
	struct tailcall_chain *chain;
	struct tc_bpf2bpf *tgt;
	struct freplace_ret *ext;
	int pa_map, pa_progs[PA_SLOTS];
	int tgt_fd, ext_fd, chain_fd;
	__u32 btf_id;
	enum bpf_attach_type ext_type;
	int hash_fd, arr_fd, perf_map, perf_fd;
} c;

static uint64_t samp[NPH][NB][MAXR];
static int nsamp[NPH][NB];
static long errors[NB];
static uint64_t load_ns[MAXR], unload_ns[MAXR];
static int nload, load_fail;

#define out(...) do { printf("TG-BENCH " __VA_ARGS__); fflush(stdout); } while (0)

static int libbpf_quiet(enum libbpf_print_level l, const char *f, va_list ap)
{
	return l == LIBBPF_WARN ? vfprintf(stderr, f, ap) : 0;
}

static int setup(void)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info), k;
	struct bpf_link *l;
	int i, err;

	c.chain = tailcall_chain__open_and_load();
	if (!c.chain) {
		fprintf(stderr, "tg-bench: load tailcall_chain.bpf.o: %s\n",
			strerror(errno));
		return -1;
	}
	c.tgt = tc_bpf2bpf__open_and_load();
	if (!c.tgt) {
		fprintf(stderr, "tg-bench: load tc_bpf2bpf.bpf.o: %s\n", strerror(errno));
		return -1;
	}
	c.chain_fd = bpf_program__fd(c.chain->progs.chain_0);
	c.tgt_fd = bpf_program__fd(c.tgt->progs.entry_tc);
	{
		int jt = bpf_map__fd(c.chain->maps.jmp_table);
		int fds[3] = { bpf_program__fd(c.chain->progs.chain_1),
			       bpf_program__fd(c.chain->progs.chain_2),
			       bpf_program__fd(c.chain->progs.chain_3) };

		for (k = 0; k < 3; k++)
			if (bpf_map_update_elem(jt, &k, &fds[k], BPF_ANY)) {
				perror("tg-bench: chain jmp_table");
				return -1;
			}
	}

	c.ext = freplace_ret__open();
	if (!c.ext)
		return -1;
	bpf_program__set_attach_target(c.ext->progs.new_subprog_tc, c.tgt_fd,
				       "subprog_tc");
	if (freplace_ret__load(c.ext)) {
		fprintf(stderr, "tg-bench: load freplace_ret.bpf.o: %s\n", strerror(errno));
		return -1;
	}
	c.ext_fd = bpf_program__fd(c.ext->progs.new_subprog_tc);
	c.ext_type = bpf_program__expected_attach_type(c.ext->progs.new_subprog_tc);
	/* Attach once through libbpf to learn subprog_tc's BTF id. */
	l = bpf_program__attach_freplace(c.ext->progs.new_subprog_tc, c.tgt_fd,
					 "subprog_tc");
	if (!l) {
		fprintf(stderr, "tg-bench: attach freplace: %s\n", strerror(errno));
		return -1;
	}
	err = bpf_obj_get_info_by_fd(bpf_link__fd(l), &info, &len);
	bpf_link__destroy(l);
	if (err || !info.tracing.target_btf_id) {
		fprintf(stderr, "tg-bench: freplace link info: %s\n", strerror(errno));
		return -1;
	}
	c.btf_id = info.tracing.target_btf_id;

	c.pa_map = bpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, "tgb_pa", 4, 4,
				  PA_SLOTS, NULL);
	if (c.pa_map < 0)
		return -1;
	for (i = 0; i < PA_SLOTS; i++) {
		c.pa_progs[i] = load_raw_tc();
		if (c.pa_progs[i] < 0) {
			perror("tg-bench: load tc prog");
			return -1;
		}
	}
	c.hash_fd = bpf_map_create(BPF_MAP_TYPE_HASH, "tgb_hash", 4, 8,
				   MAP_KEYS, NULL);
	c.arr_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "tgb_arr", 4, 8,
				  MAP_KEYS, NULL);
	if (c.hash_fd < 0 || c.arr_fd < 0)
		return -1;
	/* a software perf event in the slot of a 1-entry perf_event_array */
	{
		struct perf_event_attr pa = {
			.type = PERF_TYPE_SOFTWARE,
			.size = sizeof(pa),
			.config = PERF_COUNT_SW_DUMMY,
		};

		c.perf_fd = syscall(__NR_perf_event_open, &pa, 0, -1, -1, 0);
		c.perf_map = bpf_map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY,
					    "tgb_perf", 4, 4, 1, NULL);
		if (c.perf_fd < 0 || c.perf_map < 0)
			return -1;
	}
	return 0;
}

/* ns per update of a perf_event_array slot (an fd array, not PROG_ARRAY) */
static uint64_t run_perf(long iters)
{
	uint64_t t0 = now_ns();
	__u32 k = 0;
	long i;

	for (i = 0; i < iters; i++)
		if (bpf_map_update_elem(c.perf_map, &k, &c.perf_fd, BPF_ANY))
			errors[B_PERF]++;
	return (now_ns() - t0) / iters;
}

/* ns per insert+delete pair of ordinary tc progs in a 64-slot PROG_ARRAY */
static uint64_t run_pa(int map, long iters)
{
	uint64_t t0 = now_ns();
	long i;

	for (i = 0; i < iters; i++) {
		__u32 k = i % PA_SLOTS;

		if (bpf_map_update_elem(map, &k, &c.pa_progs[k], BPF_ANY))
			errors[B_PA]++;
		if (bpf_map_delete_elem(map, &k))
			errors[B_PA]++;
	}
	return (now_ns() - t0) / iters;
}

static uint64_t run_fr(long iters)
{
	LIBBPF_OPTS(bpf_link_create_opts, o, .target_btf_id = c.btf_id);
	uint64_t t0 = now_ns();
	long i;

	for (i = 0; i < iters; i++) {
		int fd = bpf_link_create(c.ext_fd, c.tgt_fd, c.ext_type, &o);

		if (fd < 0)
			errors[B_FR]++;
		else
			close(fd);
	}
	return (now_ns() - t0) / iters;
}

static uint64_t run_tr(long repeat)
{
	char buf[64] = {};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = buf,
		    .data_size_in = sizeof(buf), .repeat = repeat);

	if (bpf_prog_test_run_opts(c.chain_fd, &o) || o.retval != 3) {
		errors[B_TR]++;
		return 0;
	}
	return o.duration;	/* the kernel's average ns per repetition */
}

static uint64_t run_map(int fd, long iters, int which)
{
	uint64_t t0 = now_ns();
	long i;

	for (i = 0; i < iters; i++) {
		__u32 k = i % MAP_KEYS;
		__u64 v = i;

		if (bpf_map_update_elem(fd, &k, &v, BPF_ANY))
			errors[which]++;
	}
	return (now_ns() - t0) / iters;
}

/*
 * BPF_PROG_LOAD + close of a SCHED_CLS prog whose main calls a subprog:
 * every load crosses bpf_prog_select_runtime() (the hierarchy policy's
 * hook, placed while the policy is off too), and with two functions it
 * takes the hook's longest path short of a refusal.  Raw instructions: no
 * BTF, no maps, so the figure is the load and little else.
 */
static uint64_t run_load(long iters)
{
	static const struct bpf_insn insns[] = {
		/* call subprog (pc + 1 + 1); exit */
		{ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_CALL, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
		/* subprog: r0 = 0; exit */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	uint64_t t0 = now_ns();
	long i;

	for (i = 0; i < iters; i++) {
		int fd = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "tg_bench_load",
				       "GPL", insns, 4, NULL);

		if (fd < 0)
			errors[B_LOAD]++;
		else
			close(fd);
	}
	return (now_ns() - t0) / iters;
}

/*
 * One sample = the fastest of BURSTS short bursts: contention from other
 * guests or host load only ever adds time, so the minimum is the figure
 * least disturbed by it.
 */
#define BURSTS 5

static uint64_t min_of(uint64_t a, uint64_t b)
{
	return !a ? b : (!b ? a : (a < b ? a : b));
}

static void measure(int ph, uint64_t *v)
{
	int b, i;

	memset(v, 0, NB * sizeof(*v));
	for (i = 0; i < BURSTS; i++) {
		v[B_PA] = min_of(v[B_PA], run_pa(c.pa_map, cfg.pa_iter));
		v[B_FR] = min_of(v[B_FR], run_fr(cfg.fr_iter));
		if (i < 3)
			v[B_TR] = min_of(v[B_TR], run_tr(cfg.tr_repeat));
		v[B_HASH] = min_of(v[B_HASH], run_map(c.hash_fd, cfg.map_iter, B_HASH));
		v[B_ARR] = min_of(v[B_ARR], run_map(c.arr_fd, cfg.map_iter, B_ARR));
		v[B_PERF] = min_of(v[B_PERF], run_perf(cfg.map_iter));
		v[B_LOAD] = min_of(v[B_LOAD], run_load(cfg.load_iter));
	}
	for (b = 0; b < NB; b++)
		if (nsamp[ph][b] < MAXR && v[b])
			samp[ph][b][nsamp[ph][b]++] = v[b];
}

static void print_states(void)
{
	static const char *m[] = { "freplace_panic", "freplace_loop" };
	char path[256], buf[128], mode[64] = "-";
	unsigned i;

	read_file(TG_SYSFS "/mode", mode, sizeof(mode));
	out("module: mode=%s", mode);
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), TG_SYSFS "/mitigations/%s/state", m[i]);
		if (read_file(path, buf, sizeof(buf)))
			strcpy(buf, "-");
		printf(" %s=%s", m[i], buf);
	}
	printf(" tracked_progs=%ld\n", tg_tracked());
	fflush(stdout);
}

static int mod_in(void)
{
	uint64_t t0 = now_ns();
	int err = tg_mod_load(cfg.ko, cfg.params);

	if (err) {
		fprintf(stderr, "tg-bench: insmod %s: %s\n", cfg.ko, strerror(-err));
		load_fail++;
		return err;
	}
	if (nload < MAXR)
		load_ns[nload++] = now_ns() - t0;
	usleep(cfg.settle_ms * 1000);	/* let post-load work die down */
	return 0;
}

static void mod_out(void)
{
	uint64_t t0 = now_ns();
	int err, tries;

	for (tries = 0; tries < 100; tries++) {
		err = tg_mod_unload();
		if (err != -EAGAIN && err != -EBUSY)
			break;
		usleep(20000);
	}
	if (err)
		fprintf(stderr, "tg-bench: rmmod: %s\n", strerror(-err));
	else if (nload - 1 < MAXR)
		unload_ns[nload - 1] = now_ns() - t0;
	usleep(cfg.settle_ms * 1000);
}

static double med(int ph, int b)
{
	uint64_t tmp[MAXR * 2];
	int n = 0, i;

	if (ph == PH_BARE) {	/* without: bare and after together */
		for (i = 0; i < nsamp[PH_BARE][b]; i++)
			tmp[n++] = samp[PH_BARE][b][i];
		for (i = 0; i < nsamp[PH_AFTER][b]; i++)
			tmp[n++] = samp[PH_AFTER][b][i];
	} else {
		for (i = 0; i < nsamp[ph][b]; i++)
			tmp[n++] = samp[ph][b][i];
	}
	return median_u64(tmp, n);
}

/*
 * Round r measured "without" (wo[r]), loaded the module, measured "with"
 * (w[r]) and unloaded it; wo[rounds] is the first sample after the last
 * unload.  The ratio is the median over rounds of w[r] / mean(wo[r],
 * wo[r+1]): each "with" against its own neighbours, so drift in the host's
 * load cancels out.
 */
static uint64_t wo[NB][MAXR + 1], w[NB][MAXR];
static int nrounds;

/* q: 0.5 median, 0.25 / 0.75 the quartiles of the per-round ratios */
static double ratio_q(int b, double q)
{
	uint64_t rr[MAXR];
	int r, n = 0;

	for (r = 0; r < nrounds; r++) {
		double base = (wo[b][r] + wo[b][r + 1]) / 2.0;

		if (base > 0 && w[b][r])
			rr[n++] = (uint64_t)(w[b][r] / base * 1e6);
	}
	if (!n)
		return 0;
	if (q == 0.5)
		return median_u64(rr, n) / 1e6;
	qsort(rr, n, sizeof(*rr), cmp_u64);
	return rr[(int)(q * (n - 1) + 0.5)] / 1e6;
}

static double ratio(int b)
{
	return ratio_q(b, 0.5);
}

/* ns the module adds per op: median over rounds of w[r] - mean(wo) */
static double added_ns(int b)
{
	int64_t d[MAXR];
	uint64_t u[MAXR];
	int r, n = 0;

	for (r = 0; r < nrounds; r++)
		if (w[b][r] && wo[b][r] && wo[b][r + 1])
			d[n++] = (int64_t)w[b][r] -
				 (int64_t)(wo[b][r] + wo[b][r + 1]) / 2;
	if (!n)
		return 0;
	/* median of signed values: shift to unsigned around a large offset */
	for (r = 0; r < n; r++)
		u[r] = (uint64_t)(d[r] + (1LL << 40));
	return (double)((int64_t)median_u64(u, n) - (1LL << 40));
}

static void print_table(void)
{
	int b;

	out("\n");
	out("%-36s %12s %12s %12s %12s %7s %9s  %s\n", "figure (median ns/op)", "bare",
	    "armed", "after", "without", "ratio", "ns added",
	    "(quartiles of the per-round ratios)");
	for (b = 0; b < NB; b++) {
		uint64_t tmp[MAXR];
		double bare, after;

		memcpy(tmp, samp[PH_BARE][b], sizeof(tmp));
		bare = median_u64(tmp, nsamp[PH_BARE][b]);
		memcpy(tmp, samp[PH_AFTER][b], sizeof(tmp));
		after = median_u64(tmp, nsamp[PH_AFTER][b]);
		out("%-36s %12.0f %12.0f %12.0f %12.0f %7.3f %9.0f  (%.3f .. %.3f)%s\n",
		    bname[b], bare, med(PH_ARMED, b), after, med(PH_BARE, b),
		    ratio(b), added_ns(b), ratio_q(b, 0.25), ratio_q(b, 0.75),
		    errors[b] ? "  (errors!)" : "");
	}
	{
		double pw = med(PH_ARMED, B_PA), pwo = med(PH_BARE, B_PA);

		out("%-36s %12.0f %12s %12s %12.0f ops/s\n",
		    "prog_array insert+delete pairs/s", pwo ? 1e9 / pwo : 0,
		    "", "", pw ? 1e9 / pw : 0);
		out("  (ops/s: first column without, last column with)\n");
	}
	out("errors: prog_array=%ld freplace=%ld test_run=%ld hash=%ld array=%ld perf_event_array=%ld prog_load=%ld\n",
	    errors[B_PA], errors[B_FR], errors[B_TR], errors[B_HASH], errors[B_ARR],
	    errors[B_PERF], errors[B_LOAD]);
	{
		uint64_t tmp[MAXR];
		int n = nload < MAXR ? nload : MAXR;

		memcpy(tmp, load_ns, sizeof(tmp));
		out("module load-and-arm (finit_module): median %.2f ms over %d loads (%d failed)\n",
		    median_u64(tmp, n) / 1e6, n, load_fail);
		memcpy(tmp, unload_ns, sizeof(tmp));
		out("module unload (delete_module): median %.2f ms\n",
		    median_u64(tmp, n) / 1e6);
	}
}

/* ------------------------------------------------------------------ scale */

static int *sprogs;
static long nsprogs;

static int grow_progs(long want)
{
	if (!sprogs)
		sprogs = calloc(cfg.pmax, sizeof(*sprogs));
	while (nsprogs < want) {
		int fd = load_raw_tc();

		if (fd < 0) {
			fprintf(stderr, "tg-bench: load prog #%ld: %s\n", nsprogs,
				strerror(errno));
			return -1;
		}
		sprogs[nsprogs++] = fd;
	}
	return 0;
}

static long fill(int map, long n, long p, uint64_t *ns)
{
	uint64_t t0 = now_ns();
	long i, err = 0;

	for (i = 0; i < n; i++) {
		__u32 k = i;

		if (bpf_map_update_elem(map, &k, &sprogs[i % p], BPF_ANY))
			err++;
	}
	*ns = (now_ns() - t0) / n;
	return err;
}

static void clear(int map, long n)
{
	long i;

	for (i = 0; i < n; i++) {
		__u32 k = i;

		bpf_map_delete_elem(map, &k);
	}
}

static void scale(void)
{
	int s;

	out("\n");
	out("scale: PROG_ARRAY of N entries from P distinct progs (all tracked when armed); meanwhile\n");
	out("       upd = insert+delete in a second 64-slot array, att = freplace link create+close (ns)\n");
	out("%8s %8s %10s %10s %10s %10s %7s %10s %10s %7s %9s %10s\n", "N", "P",
	    "fill bare", "fill armd", "upd bare", "upd armd", "ratio",
	    "att bare", "att armd", "ratio", "tracked", "B/tracked");
	for (s = 0; s < cfg.nscales; s++) {
		long n = cfg.scales[s], p = n < cfg.pmax ? n : cfg.pmax;
		uint64_t fb, fa, ub[MAXR], ua[MAXR], ab[MAXR], aa[MAXR];
		long kb0, kb1, kb2, kb3, t0, t1, ferr;
		double bytes = 0;
		int map, r;

		if (grow_progs(p)) {
			out("%8ld: could not load %ld progs, level skipped\n", n, p);
			break;
		}
		map = bpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, "tgb_scale", 4, 4,
				     n, NULL);
		if (map < 0) {
			out("%8ld: PROG_ARRAY of %ld: %s\n", n, n, strerror(errno));
			break;
		}
		/* bare */
		kb0 = kmem_kb();
		ferr = fill(map, n, p, &fb);
		kb1 = kmem_kb();
		for (r = 0; r < cfg.rounds; r++)
			ub[r] = min_of(run_pa(c.pa_map, cfg.pa_iter),
				       run_pa(c.pa_map, cfg.pa_iter));
		for (r = 0; r < cfg.rounds; r++)
			ab[r] = min_of(run_fr(cfg.fr_iter / 2), run_fr(cfg.fr_iter / 2));
		clear(map, n);
		/* armed */
		if (mod_in()) {
			close(map);
			break;
		}
		t0 = tg_tracked();
		kb2 = kmem_kb();
		ferr += fill(map, n, p, &fa);
		kb3 = kmem_kb();
		t1 = tg_tracked();
		for (r = 0; r < cfg.rounds; r++)
			ua[r] = min_of(run_pa(c.pa_map, cfg.pa_iter),
				       run_pa(c.pa_map, cfg.pa_iter));
		for (r = 0; r < cfg.rounds; r++)
			aa[r] = min_of(run_fr(cfg.fr_iter / 2), run_fr(cfg.fr_iter / 2));
		clear(map, n);
		mod_out();
		close(map);
		if (t0 >= 0 && t1 > t0)
			bytes = ((kb3 - kb2) - (kb1 - kb0)) * 1024.0 / (t1 - t0);
		{
			double mb = median_u64(ub, cfg.rounds),
			       ma = median_u64(ua, cfg.rounds);
			char tr[32] = "n/a", bp[32] = "n/a";

			if (t0 >= 0)
				snprintf(tr, sizeof(tr), "%+ld", t1 - t0);
			/* a few progs are below /proc/meminfo's resolution */
			if (t0 >= 0 && t1 - t0 >= 1000)
				snprintf(bp, sizeof(bp), "%.0f", bytes);
			double ab_m = median_u64(ab, cfg.rounds),
			       aa_m = median_u64(aa, cfg.rounds);

			out("%8ld %8ld %10llu %10llu %10.0f %10.0f %7.3f %10.0f %10.0f %7.3f %9s %10s%s\n",
			    n, p, (unsigned long long)fb, (unsigned long long)fa,
			    mb, ma, mb > 0 ? ma / mb : 0, ab_m, aa_m,
			    ab_m > 0 ? aa_m / ab_m : 0, tr, bp,
			    ferr ? "  (fill errors!)" : "");
			out("%8s   kernel memory (Slab+Percpu+VmallocUsed) over the fill: bare %+ld kB, armed %+ld kB; tracked_progs %ld -> %ld\n",
			    "", kb1 - kb0, kb3 - kb2, t0, t1);
		}
	}
	out("(fill = ns per insert while filling; upd, att = median ns per pair)\n");
}

int main(int argc, char **argv)
{
	int o, r;

	while ((o = getopt(argc, argv, "r:qk:p:P:S:w:")) != -1) {
		switch (o) {
		case 'w': cfg.settle_ms = atoi(optarg); break;
		case 'r':
			cfg.rounds = atoi(optarg);
			if (cfg.rounds < 1 || cfg.rounds > MAXR / 2)
				cfg.rounds = 11;
			break;
		case 'q': cfg.quick = 1; break;
		case 'k': cfg.ko = optarg; break;
		case 'p': cfg.params = optarg; break;
		case 'P': cfg.pmax = atol(optarg); break;
		case 'S': {
			char *s = optarg, *e;

			cfg.nscales = 0;
			while (*s && cfg.nscales < 8) {
				cfg.scales[cfg.nscales++] = strtol(s, &e, 10);
				s = *e ? e + 1 : e;
			}
			break;
		}
		default:
			fprintf(stderr, "usage: tg-bench [-r N] [-q] [-k KO] [-p PARAMS] [-P MAX] [-S N,N,N] [-w MS]\n");
			return 2;
		}
	}
	cfg.pa_iter = cfg.quick ? 100 : 1000;
	cfg.fr_iter = cfg.quick ? 5 : 40;
	cfg.tr_repeat = cfg.quick ? 10000 : 1000000;
	cfg.map_iter = cfg.quick ? 500 : 5000;
	cfg.load_iter = cfg.quick ? 50 : 200;
	if (cfg.pmax < 1)
		cfg.pmax = 1;

	raise_nofile();
	libbpf_set_print(libbpf_quiet);
	if (tg_mod_loaded()) {
		fprintf(stderr, "tg-bench: tailguard is already loaded; bare figures need it out\n");
		return 1;
	}
	if (setup())
		return 1;
	{
		struct utsname u;

		uname(&u);
		out("kernel %s, %d rounds, iterations: prog_array %ld pairs, freplace %ld, test_run repeat %ld, maps %ld\n",
	    u.release, cfg.rounds, cfg.pa_iter, cfg.fr_iter, cfg.tr_repeat, cfg.map_iter);
	}

	{
		uint64_t v[NB];
		int b;

		/* bare: the module has never been loaded in this boot */
		for (r = 0; r < cfg.rounds; r++)
			measure(PH_BARE, v);
		/* interleaved: without, insmod, with, rmmod */
		for (r = 0; r < cfg.rounds; r++) {
			measure(PH_BARE, v);
			for (b = 0; b < NB; b++)
				wo[b][r] = v[b];
			if (mod_in())
				break;
			if (r == 0)
				print_states();
			measure(PH_ARMED, v);
			for (b = 0; b < NB; b++)
				w[b][r] = v[b];
			mod_out();
			nrounds = r + 1;
		}
		/* after: the module is gone again */
		for (r = 0; r < cfg.rounds; r++) {
			measure(PH_AFTER, v);
			if (r == 0)
				for (b = 0; b < NB; b++)
					wo[b][nrounds] = v[b];
		}
	}
	print_table();
	scale();
	out("\n");
	out("headline: prog_array_update=%.3f freplace_attach=%.3f test_run=%.3f hash_update=%.3f array_update=%.3f perf_event_array_update=%.3f prog_load=%.3f\n",
	    ratio(B_PA), ratio(B_FR), ratio(B_TR), ratio(B_HASH), ratio(B_ARR),
	    ratio(B_PERF), ratio(B_LOAD));
	(void)bkey;
	return load_fail && !nload ? 1 : 0;
}
