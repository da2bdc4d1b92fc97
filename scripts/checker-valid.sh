#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# checker-valid.sh CHECK [CHECKFLAGS...] - for Debian header trees whose
# linux-kbuild package lacks the kernel's own scripts/checker-valid.sh
# (scripts/kbuild-env installs this one there).  The kernel Makefile runs
# sparse only when this prints 1: the checker exists and parses
# __typeof_unqual__, which the 7.x headers use under __CHECKER__.  sparse
# exits 0 on errors, so its output is what decides.
command -v "$1" >/dev/null 2>&1 || { echo 0; exit 0; }
t=$(mktemp --suffix=.c) || { echo 0; exit 0; }
printf '%s\n' 'static int f(const int *p) { __typeof_unqual__(*p) x = *p; return x; }' >"$t"
if "$@" "$t" 2>&1 | grep -q error; then
	echo 0
else
	echo 1
fi
rm -f "$t"
