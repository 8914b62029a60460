#!/bin/bash
# test-cli: the skua binary without a terminal: --help, --version, a missing
# config, bad config lines and bindings, warnings, usage errors.
set -uo pipefail

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME=$home XDG_STATE_HOME=$home/state
unset XDG_CONFIG_HOME
failures=0

# expect STATUS PATTERN CMD...: run CMD, check its exit status and that its
# output (stdout and stderr together) contains PATTERN (fixed string).
expect() {
	local want=$1 pattern=$2 out status
	shift 2
	out=$("$@" 2>&1 </dev/null)
	status=$?
	if [ "$status" != "$want" ] || ! grep -qF -- "$pattern" <<<"$out"; then
		echo "FAIL: $* -> status $status (want $want), output:" >&2
		echo "$out" | sed 's/^/    /' >&2
		echo "    (wanted: $pattern)" >&2
		failures=$((failures + 1))
	else
		echo "ok: $* -> $want, '$pattern'"
	fi
}

conf() {
	printf '%s\n' "$@" > "$home/test.conf"
	chmod 600 "$home/test.conf"
}

expect 0 "Usage: skua" "$SKUA" --help
expect 0 "--config FILE" "$SKUA" -h
expect 0 "skua 0." "$SKUA" --version
expect 2 "Usage: skua" "$SKUA" --bogus
expect 2 "unexpected argument 'extra'" "$SKUA" extra

# No configuration: say where it goes and how to make one.
expect 1 "no configuration file at ~/.config/skua/config" "$SKUA"
expect 1 "skua --example-config > ~/.config/skua/config" "$SKUA"
expect 1 "$home/nothere: No such file" "$SKUA" -F "$home/nothere"

# The example is a valid configuration.
"$SKUA" --example-config > "$home/example.conf"
expect 0 "OK, 2 accounts" "$SKUA" --check-config -F "$home/example.conf"
mkdir -p "$home/.config/skua"
cp "$home/example.conf" "$home/.config/skua/config"
expect 0 "OK, 2 accounts" "$SKUA" --check-config
export XDG_CONFIG_HOME=$home/xdg
mkdir -p "$XDG_CONFIG_HOME/skua"
conf "[account x]" "protocol = imap" "host = h" "user = u"
cp "$home/test.conf" "$XDG_CONFIG_HOME/skua/config"
expect 0 "$XDG_CONFIG_HOME/skua/config: OK, 1 account" "$SKUA" --check-config

# Bad lines: file, line, what was expected, the nearest key.
conf "[account work]" "protocol = imap" "hots = imap.example.org" "user = u"
expect 1 "test.conf:3: unknown option 'hots'; did you mean 'host'?" \
	"$SKUA" -F "$home/test.conf"
expect 1 "has errors; nothing was started" "$SKUA" -F "$home/test.conf"
conf "[account work]" "protocol = imap" "host = h" "user = u" "port = http"
expect 1 "test.conf:5: port: 'http' is not a port number from 1 to 65535" \
	"$SKUA" -F "$home/test.conf"
conf "[acount work]"
expect 1 "test.conf:1: unknown section [acount]; did you mean [account work]?" \
	"$SKUA" -F "$home/test.conf"
conf "just some words"
expect 1 "test.conf:1: expected KEY = VALUE" "$SKUA" -F "$home/test.conf"
conf "[account w]" "protocol = imap" "user = u"
expect 1 "test.conf:1: account w: host is missing" "$SKUA" -F "$home/test.conf"
# Several errors are all reported at once.
conf "[account w]" "protocol = imapx" "host = h" "user = u" "tls = ssl"
expect 1 "test.conf:2: protocol: 'imapx'" "$SKUA" -F "$home/test.conf"
expect 1 "test.conf:5: tls: 'ssl' is not one of implicit, starttls or none" \
	"$SKUA" -F "$home/test.conf"

# Bindings are checked by the UI's key table, with file and line too.
conf "[account w]" "protocol = imap" "host = h" "user = u" "[bind index]" \
	"x = qiut"
expect 1 "test.conf:6: unknown action 'qiut'; did you mean 'quit'?" \
	"$SKUA" -F "$home/test.conf"
conf "[bind index]" "<Hyper> = quit"
expect 1 "test.conf:2: unknown key '<Hyper>'" "$SKUA" -F "$home/test.conf"
conf "[bind nowhere]" "x = quit"
expect 1 "test.conf:2: [bind nowhere]: unknown view" "$SKUA" -F "$home/test.conf"
conf "[bind pager]" "^N = next" "<F5> = redraw" "<PageDown> = page-down"
expect 0 "OK, 0 accounts" "$SKUA" --check-config -F "$home/test.conf"

# A password in a file others can read: a warning, not a stop.
conf "[account w]" "protocol = imap" "host = h" "user = u" "password = hunter2"
chmod 644 "$home/test.conf"
expect 0 "holds a password and others can read it" \
	"$SKUA" --check-config -F "$home/test.conf"
chmod 600 "$home/test.conf"
out=$("$SKUA" --check-config -F "$home/test.conf" 2>&1)
if grep -q "others can read" <<<"$out"; then
	echo "FAIL: warned about a private file" >&2
	failures=$((failures + 1))
fi

# A directory, and a file that is not text.
expect 1 "not a regular file" "$SKUA" -F "$home"
printf 'a = b\0c\n' > "$home/test.conf"
expect 1 "a NUL byte" "$SKUA" -F "$home/test.conf"

# The interface needs a terminal.
conf "[account w]" "protocol = imap" "host = h" "user = u"
expect 1 "must be a terminal" "$SKUA" -F "$home/test.conf"

if [ "$failures" != 0 ]; then
	echo "$failures check(s) failed" >&2
	exit 1
fi
