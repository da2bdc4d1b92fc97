# SPDX-License-Identifier: GPL-2.0
#
# tests/selftests/selftests.mk - the kernel's BPF selftests as the oracle
# (included by the top Makefile; docs/selftests.md).
#
#   make selftests         build test_progs of Debian's 6.1.192 (about 3
#                          minutes cold, cached in $TG_CACHE/selftests-KEY,
#                          build/selftests links to it)
#   make selftests-check   run tests/selftests/groups on every configuration
#                          of tests/selftests/expect and compare per subtest
#                          (make check runs it when the build is cached)

.PHONY: selftests selftests-check

selftests:
	@$(TOP)/scripts/build-selftests

selftests-check: selftests
	@$(TOP)/tests/selftests/run-selftests
