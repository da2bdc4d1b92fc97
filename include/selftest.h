/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_SELFTEST_H
#define TG_SELFTEST_H

/* src/selftest.c: the module's only ftrace-instrumented functions */
int tailguard_selftest_target(int x);
unsigned long tailguard_call_gate(unsigned long arg);

#endif /* TG_SELFTEST_H */
