#!/bin/bash
# test-missing-dep: configure stops with a message naming the Debian package
# when a library is missing. Each library is hidden in turn: pkg-config gets
# a directory holding every .pc file but that one's.
set -uo pipefail

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# Every directory pkg-config searches, to copy from.
pcdirs=$(pkg-config --variable pc_path pkg-config | tr ':' ' ')

# hide MODULE PACKAGE [configure cache settings...]
hide() {
	local module=$1 package=$2 dir out
	shift 2
	dir=$work/pc-$module
	mkdir -p "$dir" "$work/build-$module"
	for d in $pcdirs; do
		[ -d "$d" ] && find "$d" -maxdepth 1 -name '*.pc' \
			-exec ln -sf {} "$dir/" \;
	done
	[ -n "$module" ] && rm -f "$dir/$module.pc"
	out=$(cd "$work/build-$module" && PKG_CONFIG_LIBDIR=$dir \
		"$srcdir/configure" -q "$@" 2>&1 </dev/null)
	if [ $? = 0 ]; then
		echo "FAIL: configure passed without $module" >&2
		failures=$((failures + 1))
	elif ! grep -q "install the Debian package $package" <<<"$out"; then
		echo "FAIL: without $module, configure said:" >&2
		echo "$out" | tail -3 | sed 's/^/    /' >&2
		failures=$((failures + 1))
	else
		echo "ok: without $module: $(grep -o 'error:.*' <<<"$out")"
	fi
}

hide ncursesw libncurses-dev
hide libetpan libetpan-dev
hide sqlite3 libsqlite3-dev
hide cmocka libcmocka-dev
# notmuch has no .pc: make its header check fail through the cache.
hide notmuch-header libnotmuch-dev ac_cv_header_notmuch_h=no

exit $((failures != 0))
