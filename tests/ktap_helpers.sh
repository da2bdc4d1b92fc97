# SPDX-License-Identifier: GPL-2.0
#
# tests/ktap_helpers.sh - print TAP as kselftest does, for the suites in
# shell (after tools/testing/selftests/kselftest/ktap_helpers.sh).
#
#   . "$top/tests/ktap_helpers.sh"
#   ktap_print_header                   TAP version 13; starts the count
#   ktap_set_plan N                     1..N, when N is known up front
#   ktap_test_pass "description"        ok 1 description
#   ktap_test_fail "description"        not ok 2 description
#   ktap_test_skip "description"        ok 3 description # SKIP
#   ktap_test_result "description" CMD...  pass if CMD succeeds
#   ktap_print_msg "text"...            # text
#   ktap_finished                       the plan, if none was set (TAP
#                                       allows it last), and the totals;
#                                       returns 1 if anything failed
#
# tests/tap-summary reads what these print.

ktap_print_header() {
	KTAP_TESTNO=1
	KTAP_CNT_PASS=0
	KTAP_CNT_FAIL=0
	KTAP_CNT_SKIP=0
	KTAP_PLAN=
	echo "TAP version 13"
}

ktap_set_plan() {
	KTAP_PLAN=$1
	echo "1..$KTAP_PLAN"
}

# One "# " line per line of each argument; nothing for an empty one.
ktap_print_msg() {
	local text

	for text in "$@"; do
		[ -z "$text" ] || printf '%s\n' "$text"
	done | sed 's/^/# /'
}

# result, description[, directive]: a "#" in the description would start
# a directive, and a newline a new line
__ktap_test() {
	local desc=${2//#/_}

	desc=${desc//$'\n'/ }
	echo "$1 $KTAP_TESTNO $desc${3:+ # $3}"
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
}

ktap_test_pass() {
	__ktap_test ok "$1"
	KTAP_CNT_PASS=$((KTAP_CNT_PASS + 1))
}

ktap_test_fail() {
	__ktap_test "not ok" "$1"
	KTAP_CNT_FAIL=$((KTAP_CNT_FAIL + 1))
}

ktap_test_skip() {
	__ktap_test ok "$1" SKIP
	KTAP_CNT_SKIP=$((KTAP_CNT_SKIP + 1))
}

ktap_test_result() {
	local desc=$1

	shift
	if "$@"; then
		ktap_test_pass "$desc"
	else
		ktap_test_fail "$desc"
	fi
}

ktap_print_totals() {
	echo "# Totals: pass:$KTAP_CNT_PASS fail:$KTAP_CNT_FAIL xfail:0 xpass:0 skip:$KTAP_CNT_SKIP error:0"
}

ktap_finished() {
	[ -n "$KTAP_PLAN" ] || echo "1..$((KTAP_TESTNO - 1))"
	ktap_print_totals
	[ "$KTAP_CNT_FAIL" = 0 ]
}
