/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_SELFTEST_H
#define TG_SELFTEST_H

/* src/selftest.c: the module's only ftrace-instrumented functions */
int tailguard_selftest_target(int x);
unsigned long tailguard_call_gate(unsigned long arg);

struct bpf_map;
struct file;
void *tailguard_orig_get_ptr(struct bpf_map *map, struct file *map_file,
			     int fd);

#endif /* TG_SELFTEST_H */
