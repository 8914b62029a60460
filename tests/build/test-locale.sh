#!/bin/bash
# test-locale: LANG chooses the language. skua --help is German under
# LANG=de_DE.UTF-8 and English under LANG=C, and so is an error message
# from the core (a configuration error). The catalogue is the one the
# build installs: po/ is installed into a temporary DESTDIR and skua is
# pointed at it with SKUA_LOCALEDIR, since the build's skua otherwise looks
# in the install prefix, where nothing may be installed yet.
# gettext translates nothing in the C locale, so this needs the
# de_DE.UTF-8 locale (scripts/deps generates it); without it, it skips.
set -uo pipefail

builddir=${top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}
SKUA=${SKUA:-$builddir/skua}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# The harness runs tests under LC_ALL=C.UTF-8, which would hide LANG.
unset LC_ALL LC_MESSAGES LANGUAGE

if ! locale -a 2>/dev/null | grep -qix 'de_DE\.utf-\?8'; then
	echo "SKIP: no de_DE.UTF-8 locale; as root, scripts/deps makes it"
	exit 77
fi

# One install of po/ at a time (tests/tui/test-locale.sh does the same):
# the lock is po/Makefile itself, so no file is left behind.
if ! flock "$builddir/po/Makefile" ${MAKE:-make} -C "$builddir/po" install \
    DESTDIR="$work/root" >"$work/install.log" 2>&1; then
	cat "$work/install.log" >&2
	echo "ERROR: make -C po install failed" >&2
	exit 99
fi
mo=$(find "$work/root" -path '*/de/LC_MESSAGES/skua.mo' | head -1)
if [ -z "$mo" ]; then
	echo "FAIL: make -C po install installed no de/LC_MESSAGES/skua.mo"
	exit 1
fi
localedir=${mo%/de/LC_MESSAGES/skua.mo}
echo "ok: installed ${mo#"$work/root"}"
export SKUA_LOCALEDIR=$localedir HOME=$work/home
mkdir -p "$HOME"

# expect LANG WHAT TEXT COMMAND...: the output (stdout and stderr) of
# COMMAND run under LANG has TEXT in it.
expect() {
	local lang=$1 what=$2 text=$3 out
	shift 3
	out=$(LANG=$lang "$@" 2>&1)
	if grep -qF -- "$text" <<<"$out"; then
		echo "ok: LANG=$lang: $what: $text"
	else
		fail "LANG=$lang: $what: no \"$text\" in (a message" \
		    "missing from po/de.po? tests/build/test-po.sh says):"
		sed 's/^/    /' <<<"$out" >&2
	fi
}

expect de_DE.UTF-8 "--help" "Aufruf: skua [OPTION]..." "$SKUA" --help
expect de_DE.UTF-8 "--help" "Befehle:" "$SKUA" --help
expect C "--help" "Usage: skua [OPTION]..." "$SKUA" --help
expect C.UTF-8 "--help" "Commands:" "$SKUA" --help

# A message made in src/, and a plural.
printf '[account x]\nprotocol = imap\nhost = h\nuser = u\nport = 0\n' \
    >"$work/bad.conf"
printf '[account x]\nprotocol = imap\nhost = h\nuser = u\n' >"$work/one.conf"
expect de_DE.UTF-8 "a config error" "„0“ ist ungültig, erwartet: eine" \
    "$SKUA" --check-config -F "$work/bad.conf"
expect C "a config error" "'0' is not a port number from 1 to 65535" \
    "$SKUA" --check-config -F "$work/bad.conf"
expect de_DE.UTF-8 "a plural" "OK, 1 Konto" \
    "$SKUA" --check-config -F "$work/one.conf"
expect C "a plural" "OK, 1 account" "$SKUA" --check-config -F "$work/one.conf"

exit $((failures != 0))
