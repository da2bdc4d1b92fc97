#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guest.sh - tests/clients' guest side: Debian's bpftool and xdp-loader
# (libxdp) as tailguard's users, run once bare and once with tailguard
# armed, in one boot.  tests/clients/run-clients passes it with -f and
# judges what it prints:
#
#   TG-CLI-STEP leg=LEG step=STEP rc=RC     one command, and its exit status
#   TG-CLI-OUT leg=LEG step=STEP | LINE     its output (stdout and stderr)
#   TG-CLI-DMESG span=SPAN | LINE           a "tailguard:" kernel line
#                                           logged during SPAN
#   TG-CLI-SKIP leg=LEG step=STEP why       a step not run
#
# Legs: "bare" (no module), then "armed" (insmod /tailguard.ko).  Each leg
# runs, in order:
#   bpftool  loadall of the tail-call chain with pinmaps, map update of its
#            PROG_ARRAY, prog show, a test run through the chain
#   xdp      three XDP programs loaded one by one with xdp-loader on a veth
#            (each load makes a new dispatcher and re-attaches the programs
#            as freplace), status, a test run of the dispatcher, unload
#   refused  the three refusals of the fixed kernel's contract: libxdp's
#            attached EXT prog (r1) and its dispatcher, extended by it (r2),
#            into a PROG_ARRAY by bpftool map update; a freplace attach to
#            a PROG_ARRAY member (r3: bpftool makes the member, tg-harness
#            attaches: bpftool cannot attach a freplace)
#   control  xdp-loader load of xdp_client_tail (a tail call in a
#            subprog); in the armed leg with policy_hierarchy=enforce, which
#            refuses it: the comparison must see that; then
#            xdp_client_a, which the policy lets through
# Environment: SKIP_BARE="r1 ..." steps not run bare (r1 kills a kernel
# with the freplace panic bug).
set -u

SKIP_BARE=${SKIP_BARE:-}
O=/bin			# run-vm -f puts the objects there
PIN=/sys/fs/bpf
PKT=/tmp/pkt
POLICY=/sys/kernel/tailguard/mitigations/tailcall_hierarchy/policy
leg=bare

# step NAME CMD...: run CMD, print its status and its output
step() {
	_name=$1
	shift
	_out=$("$@" 2>&1)
	_rc=$?
	echo "TG-CLI-STEP leg=$leg step=$_name rc=$_rc"
	[ -z "$_out" ] || printf '%s\n' "$_out" |
		sed "s/^/TG-CLI-OUT leg=$leg step=$_name | /"
	return 0
}

skipped() {
	[ "$leg" = bare ] || return 1
	case " $SKIP_BARE " in
	*" $1 "*) echo "TG-CLI-SKIP leg=$leg step=$1 SKIP_BARE" ;;
	*) return 1 ;;
	esac
}

# the id of the first prog named $1 (bpftool prog show name)
prog_id() {
	bpftool prog show name "$1" 2>/dev/null | sed -n 's/^\([0-9]*\): .*/\1/p' |
		head -n1
}

veth_up() {
	ip link add tgc0 type veth peer name tgc1 &&
		ip link set tgc0 up && ip link set tgc1 up
}

# Wait (5 s at most) until no BPF prog is left: a PROG_ARRAY releases its
# progs from a workqueue.  Whatever is left is printed and compared.
settle() {
	_i=0
	while [ -n "$(bpftool prog show 2>/dev/null)" ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	step "settle_$1" bpftool prog show
}

bpftool_leg() {
	settle bpftool
	step bt_loadall bpftool prog loadall $O/tailcall_chain.bpf.o \
		$PIN/tgc_chain pinmaps $PIN/tgc_maps
	for i in 0 1 2; do
		step "bt_update_$i" bpftool map update pinned $PIN/tgc_maps/jmp_table \
			key "$i" 0 0 0 value pinned "$PIN/tgc_chain/chain_$((i + 1))"
	done
	step bt_show bpftool prog show
	# chain_0 -> chain_1 -> chain_2 -> chain_3, which returns 3
	step bt_run bpftool prog run pinned $PIN/tgc_chain/chain_0 \
		data_in $PKT repeat 1
	for i in 0 1 2; do
		step "bt_delete_$i" bpftool map delete pinned $PIN/tgc_maps/jmp_table \
			key "$i" 0 0 0
	done
	rm -rf $PIN/tgc_chain $PIN/tgc_maps
}

xdp_leg() {
	settle xdp
	veth_up
	step xdp_load_a xdp-loader load -P 10 -p $PIN/tgc_xdp tgc0 $O/xdp_client_a.bpf.o
	step xdp_load_b xdp-loader load -P 20 -p $PIN/tgc_xdp tgc0 $O/xdp_client_b.bpf.o
	step xdp_load_c xdp-loader load -P 30 -p $PIN/tgc_xdp tgc0 $O/xdp_client_c.bpf.o
	step xdp_status xdp-loader status tgc0
	# the dispatcher runs a, b (XDP_PASS: on to the next) and c (XDP_DROP)
	step xdp_run bpftool prog run id "$(prog_id xdp_dispatcher)" \
		data_in $PKT repeat 1
	step xdp_hits bpftool map dump pinned $PIN/tgc_xdp/tg_xdp_hits
	step xdp_unload xdp-loader unload tgc0 --all
	step xdp_status_after xdp-loader status tgc0
	rm -rf $PIN/tgc_xdp
	ip link del tgc0
}

refused_leg() {
	settle refused
	veth_up
	step r_xdp_load xdp-loader load tgc0 $O/xdp_client_a.bpf.o
	# a PROG_ARRAY each: the first insert sets the array's owner type
	step r_pa bpftool map create $PIN/tgc_pa1 type prog_array key 4 value 4 \
		entries 1 name tgc_pa1
	step r_pa2 bpftool map create $PIN/tgc_pa2 type prog_array key 4 value 4 \
		entries 1 name tgc_pa2
	# r1: libxdp's attached EXT prog into a PROG_ARRAY
	skipped r1 || step r1 bpftool map update pinned $PIN/tgc_pa1 \
		key 0 0 0 0 value id "$(prog_id xdp_client_a)"
	# r2: the dispatcher, extended by that attached freplace
	skipped r2 || step r2 bpftool map update pinned $PIN/tgc_pa2 \
		key 0 0 0 0 value id "$(prog_id xdp_dispatcher)"
	# where the kernel accepted them: out again before the unload
	bpftool map delete pinned $PIN/tgc_pa1 key 0 0 0 0 2>/dev/null
	bpftool map delete pinned $PIN/tgc_pa2 key 0 0 0 0 2>/dev/null
	rm -f $PIN/tgc_pa1 $PIN/tgc_pa2
	step r_xdp_unload xdp-loader unload tgc0 --all
	ip link del tgc0

	# r3: T, made a PROG_ARRAY member by bpftool, pinned where
	# tg-harness's preexisting_member finds its pre step's state; its
	# post step attaches freplace_ret to T's subprog_tc, then empties
	# the slot and removes the pins
	mkdir -p $PIN/tg
	step r3_load bpftool prog load $O/tc_bpf2bpf.bpf.o $PIN/tg/pre_member_target
	step r3_pa bpftool map create $PIN/tg/pre_member_map type prog_array \
		key 4 value 4 entries 1 name pre_member_map
	step r3_member bpftool map update pinned $PIN/tg/pre_member_map \
		key 0 0 0 0 value pinned $PIN/tg/pre_member_target
	skipped r3 || step r3 tg-harness -p post preexisting_member
	rm -rf $PIN/tg
}

control_leg() {
	settle control
	veth_up
	[ "$leg" = bare ] || echo enforce >$POLICY
	step ctl_load xdp-loader load tgc0 $O/xdp_client_tail.bpf.o
	# the policy refuses that one only: a program without tail calls loads
	step ctl_load_a xdp-loader load -P 10 tgc0 $O/xdp_client_a.bpf.o
	step ctl_status xdp-loader status tgc0
	xdp-loader unload tgc0 --all >/dev/null 2>&1
	[ "$leg" = bare ] || echo off >$POLICY
	ip link del tgc0
}

# the "tailguard:" lines logged since mark $2, as span $1
dmesg_mark() {
	dmesg | wc -l
}
dmesg_span() {
	dmesg | sed -n "$(($2 + 1)),\$p" | grep 'tailguard:' |
		sed "s/^/TG-CLI-DMESG span=$1 | /"
	echo "TG-CLI-SPAN span=$1"
}

dd if=/dev/zero of=$PKT bs=64 count=1 2>/dev/null
# xdp-loader's lock file: /run/xdp-loader.lck
mkdir -p /run
# veth: a module on Debian's kernels (run-clients passes veth.ko), built
# into lab
[ ! -f /bin/veth.ko ] || insmod /bin/veth.ko

for leg in bare armed; do
	if [ "$leg" = armed ]; then
		insmod /tailguard.ko
		echo "TG-CLI-ARMED $(cat /sys/kernel/tailguard/mitigations/freplace_loop/state)"
		sleep 1
	fi
	m=$(dmesg_mark)
	bpftool_leg
	xdp_leg
	dmesg_span "$leg-clients" "$m"
	m=$(dmesg_mark)
	refused_leg
	dmesg_span "$leg-refused" "$m"
	m=$(dmesg_mark)
	control_leg
	dmesg_span "$leg-control" "$m"
done
settle end
echo "TG-CLI-DONE"
