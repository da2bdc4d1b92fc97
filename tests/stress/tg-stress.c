// SPDX-License-Identifier: GPL-2.0
/*
 * tg-stress - tailguard under load, unload, mode switches, bad input and
 * injected allocation failures.  Runs inside a run-vm guest.
 *
 *   tg-stress run [-t SECS] [-j THREADS] [-c MIN_CYCLES] [-k KO] [-s SEED]
 *       runs SECS seconds, then on until MIN_CYCLES load/unload cycles are
 *       done (at most 3 x SECS in all)
 *   tg-stress run -O [-t SECS]
 *       oracle self-test: never load the module but check as if it
 *       enforced; on a vulnerable kernel the checks must find violations
 *       (EXT inserts too: only on kernels without the NULL-deref bug!)
 *   tg-stress badinput [-k KO]
 *   tg-stress faults [-k KO]
 *
 * run (run.c): workers do random BPF operations on a shared pool while a
 * control thread loads, unloads and switches the module; while it
 * enforces, every operation is followed by a check of its invariants.
 * badinput (badinput.c): bad module parameters and sysfs writes must be
 * refused.  faults (faults.c): injected allocation failures must fail
 * closed.  common.c: the check reporting and the helpers they share.
 *
 * Lines: "TG-STRESS ..." (figures), "TG-CHECK PASS|FAIL name detail".
 * Exit status 1 if any check failed.
 */
#include "stress.h"
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>

static int libbpf_quiet(enum libbpf_print_level l, const char *f, va_list ap)
{
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	int o;

	optind = 2;
	while ((o = getopt(argc, argv, "t:j:c:k:s:O")) != -1) {
		switch (o) {
		case 'O': cfg.oracle = 1; break;
		case 't': cfg.secs = atoi(optarg); break;
		case 'j': cfg.threads = atoi(optarg); break;
		case 'c': cfg.min_cycles = atoi(optarg); break;
		case 'k': cfg.ko = optarg; break;
		case 's': cfg.seed = strtoul(optarg, NULL, 0); break;
		default: goto usage;
		}
	}
	if (cfg.threads < 1 || cfg.threads > 64)
		cfg.threads = 4;
	if (!cfg.seed)
		cfg.seed = (unsigned)now_ns() | 1;
	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	libbpf_set_print(libbpf_quiet);
	if (!strcmp(cmd, "run"))
		return cmd_run();
	if (!strcmp(cmd, "badinput"))
		return cmd_badinput();
	if (!strcmp(cmd, "faults"))
		return cmd_faults();
usage:
	fprintf(stderr, "usage: tg-stress run|badinput|faults [-t SECS] [-j THREADS] [-c MIN_CYCLES] [-k KO] [-s SEED]\n");
	return 2;
}
