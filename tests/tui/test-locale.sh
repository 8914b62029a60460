#!/bin/bash
# test-locale: the real skua in tmux under LANG=de_DE.UTF-8 speaks German:
# the status line (a plural), an account's details, the help screen with
# the actions' descriptions, the message line. The catalogue is po/
# installed into a temporary DESTDIR (see tests/build/test-locale.sh).
# Skips without the de_DE.UTF-8 locale, which scripts/deps makes.
set -euo pipefail
. "$(dirname "$0")/tui.sh"

builddir=${top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}
unset LC_ALL LC_MESSAGES LANGUAGE
if ! locale -a 2>/dev/null | grep -qix 'de_DE\.utf-\?8'; then
	echo "SKIP: no de_DE.UTF-8 locale; as root, scripts/deps makes it"
	exit 77
fi
export LANG=de_DE.UTF-8

home=$(mktemp -d)
trap 'tui_stop; rm -rf "$home"' EXIT
${MAKE:-make} -C "$builddir/po" install DESTDIR="$home/root" \
    >"$home/install.log" 2>&1 || { cat "$home/install.log" >&2; exit 99; }
mo=$(find "$home/root" -path '*/de/LC_MESSAGES/skua.mo' | head -1)
[ -n "$mo" ] || { echo "FAIL: no skua.mo installed" >&2; exit 1; }
export SKUA_LOCALEDIR=${mo%/de/LC_MESSAGES/skua.mo}

export HOME=$home XDG_STATE_HOME=$home/state XDG_CONFIG_HOME=$home/config
mkdir -p "$XDG_CONFIG_HOME/skua"
cat > "$XDG_CONFIG_HOME/skua/config" <<'CONF'
[account work]
protocol = imap
host = imap.example.org
user = jane
password_command = echo secret
[account home]
protocol = pop3
host = pop.example.net
tls = starttls
user = j
CONF

tui_start env LANG=de_DE.UTF-8 "$SKUA"
tui_wait "2 Konten | ?:Hilfe q:Ende"
tui_wait "Server    imap.example.org:993 (tls implicit)"
tui_wait "Benutzer  jane"

tui_keys '?'
tui_wait "Geltende Tastenbelegungen"
tui_wait "skua beenden"
tui_keys q
tui_wait_gone "Geltende Tastenbelegungen"

tui_keys Z
tui_wait "Taste Z ist nicht belegt"

tui_keys q
tui_wait_exit 5
[ "$TUI_STATUS" = 0 ] || tui_fail "skua exited with $TUI_STATUS"
echo "PASS: German status line, account details, help, message line"
