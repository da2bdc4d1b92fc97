# SPDX-License-Identifier: GPL-2.0
#
# apt.sh - the project-local apt configuration (sourced by bash scripts).
#
# scripts/apt/sources.list and state under build/apt (a link into the
# cache, scripts/lib/cache.sh): the machine's own apt sources are never read
# or edited.  apt verifies every download against Debian's archive keys.
#
#   tg_apt_init TOP     set up build/apt, fill tg_aptopts, refresh the lists
#                       when older than a day or when sources.list changed
#   tg_apt ...          apt-get with those options
#   tg_apt_cache ...    apt-cache with those options

tg_apt_init() {
	local top=$1 aptdir stamp want

	tg_cache_link "$top" apt || return 1
	aptdir=$(readlink -f "$top/build/apt")
	mkdir -p "$aptdir/lists/partial" "$aptdir/archives/partial" \
		"$aptdir/etc/preferences.d"
	tg_aptopts=(
		-o "Dir::Etc::SourceList=$top/scripts/apt/sources.list"
		-o "Dir::Etc::SourceParts=/nonexistent"
		-o "Dir::Etc::Preferences=/nonexistent"
		-o "Dir::Etc::PreferencesParts=$aptdir/etc/preferences.d"
		-o "Dir::State::Lists=$aptdir/lists"
		-o "Dir::Cache=$aptdir/cache"
		-o "Dir::Cache::Archives=$aptdir/archives"
		-o "Dir::State::status=/dev/null"
		-o "APT::Architecture=amd64"
		-o "Debug::NoLocking=1"
		-o "Acquire::Retries=3"
		-o "APT::Sandbox::User=root"
		-q
	)
	tg_aptdir=$aptdir
	stamp=$aptdir/lists/.updated
	want=$(sha256sum <"$top/scripts/apt/sources.list" | cut -c1-16)
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
		[ -z "$(find "$stamp" -mmin +1440 2>/dev/null)" ]; then
		return 0
	fi
	echo "apt: updating the project-local package lists" >&2
	if ! apt-get "${tg_aptopts[@]}" update >"$aptdir/update.log" 2>&1 ||
		grep -q '^[EW]: Failed to fetch' "$aptdir/update.log"; then
		cat "$aptdir/update.log" >&2
		echo "apt: apt-get update of scripts/apt/sources.list failed (see above)" >&2
		return 1
	fi
	echo "$want" >"$stamp"
}

tg_apt() {
	apt-get "${tg_aptopts[@]}" "$@"
}

tg_apt_cache() {
	apt-cache "${tg_aptopts[@]}" "$@"
}
