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
