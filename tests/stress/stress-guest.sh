#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the run-vm guest (copied to /bin); run-stress sets
# STRESS_SECS, STRESS_CYCLES, STRESS_THREADS and STRESS_ARGS.
# Every result line starts with TG- so run-vm echoes it.

secs=${STRESS_SECS:-60}
cycles=${STRESS_CYCLES:-5}
threads=${STRESS_THREADS:-4}

echo "TG-STRESS guest: $(uname -r), $(grep -c ^processor /proc/cpuinfo) vcpus, $secs s, >= $cycles cycles"
kml=/sys/kernel/debug/kmemleak
if [ -w $kml ]; then
	echo scan >$kml || true
	echo clear >$kml || true	# boot-time leaks are not ours
	echo "TG-STRESS kmemleak: armed"
fi

# kernel messages at warning level and below only in the final dmesg dump,
# so they do not cut into result lines
echo 4 >/proc/sys/kernel/printk || true

tg-stress badinput || true
# The CLI (build/tailguard, when built) fed bad arguments: each must exit
# non-zero with a message on stderr and change nothing in the module.
if command -v tailguard >/dev/null && insmod /tailguard.ko 2>/dev/null; then
	snap() { for f in /sys/kernel/tailguard/mode /sys/kernel/tailguard/mitigations/*/enabled; do
		printf '%s=%s ' "$f" "$(cat "$f")"; done; }
	before=$(snap)
	for args in "" "bogus" "--nosuch" "status extra" "--format=xml status" \
		"--format" "check --format=" "--json --format=text status" \
		"status $(head -c 3000 /dev/zero | tr '\0' x)"; do
		rc=0
		# shellcheck disable=SC2086
		tailguard $args >/tmp/cli.out 2>/tmp/cli.err || rc=$?
		after=$(snap)
		short=$(printf '%.40s' "$args")
		if [ "$rc" != 0 ] && [ -s /tmp/cli.err ] && [ "$before" = "$after" ]; then
			echo "TG-CHECK PASS badinput-cli '$short': exit $rc, $(head -n1 /tmp/cli.err | cut -c1-80)"
		else
			echo "TG-CHECK FAIL badinput-cli '$short': exit $rc, stderr $(wc -c </tmp/cli.err) bytes, state changed: $([ "$before" = "$after" ] && echo no || echo yes)"
		fi
	done
	rmmod tailguard || true
fi

tg-stress run -t "$secs" -c "$cycles" -j "$threads" $STRESS_ARGS || true
tg-stress faults || true

if [ -w $kml ]; then
	sleep 6
	echo scan >$kml || true
	sleep 6
	echo scan >$kml || true
	n=$(grep -c 'unreferenced object' $kml || true)
	echo "TG-STRESS kmemleak: $n suspected leaks after the run"
	if [ "$n" -gt 0 ]; then
		echo "TG-CHECK FAIL kmemleak $n suspected leaks (see the console log)"
		cat $kml || true
	else
		echo "TG-CHECK PASS kmemleak no suspected leak"
	fi
fi
grep -q . /sys/kernel/tailguard/tracked_progs 2>/dev/null && echo "TG-STRESS module still loaded at the end" || true
