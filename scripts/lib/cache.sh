# SPDX-License-Identifier: GPL-2.0
#
# cache.sh - where the lab's expensive builds live (sourced by bash scripts).
#
# Kernel builds, fetched kernels and the project-local apt state are kept
# outside the clone, keyed by content, so that a fresh clone on the same
# machine reuses them: TG_CACHE, default ${XDG_CACHE_HOME:-~/.cache}/tailguard.
# build/ in the clone only holds symlinks into it.

tg_cache_dir() {
	local d=${TG_CACHE:-${XDG_CACHE_HOME:-${HOME:-/var/tmp}/.cache}/tailguard}

	mkdir -p "$d" || {
		echo "cache: cannot create the cache directory $d (set TG_CACHE)" >&2
		return 1
	}
	(cd "$d" && pwd)
}

# tg_cache_link NAME: build/NAME -> $cache/NAME, for whole directories
# (kernels, apt).  A real directory left by an older checkout is moved
# into the cache once, so nothing already fetched is fetched again.
tg_cache_link() {
	local top=$1 name=$2 cache link

	cache=$(tg_cache_dir) || return 1
	link=$top/build/$name
	mkdir -p "$top/build" "$cache/$name"
	if [ -d "$link" ] && [ ! -L "$link" ]; then
		cp -a "$link/." "$cache/$name/" && rm -rf "$link"
	fi
	[ "$(readlink "$link" 2>/dev/null)" = "$cache/$name" ] ||
		ln -sfn "$cache/$name" "$link"
}
