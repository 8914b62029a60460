#!/bin/bash
# test-locale: the real skua in tmux under LANG=de_DE.UTF-8 speaks German:
# the status line (a plural), an account's details, the help screen with
# the actions' descriptions, the message line, and a question and an
# error from an account's worker (against the dovecot rig), answered with
# the German letters the question shows. The catalogue is po/
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

rig=$top_srcdir/tests/integration/rig/dovecot-rig
home=$(mktemp -d)
chmod 711 "$home"
trap 'tui_stop; "$rig" stop "$home/rig" >/dev/null 2>&1; rm -rf "$home"' EXIT
flock "$builddir/po/Makefile" ${MAKE:-make} -C "$builddir/po" install \
    DESTDIR="$home/root" >"$home/install.log" 2>&1 ||
	{ cat "$home/install.log" >&2; exit 99; }
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
echo "ok: German status line, account details, help, message line"

# A question from an account's worker, in German, answered with the
# letters it shows: y is not an answer there, n and j are.
"$rig" start "$home/rig" >/dev/null 2>&1
"$rig" populate "$home/rig" --inbox 1 --folders none --big-attachment-mb 0 \
	>/dev/null 2>&1
. "$home/rig/rig.env"
/usr/bin/python3 - "$RIG_IMAPS_PORT" "$RIG_CA" "$RIG_USER" "$RIG_PASS" <<'PY'
import imaplib, ssl, sys, time
port, ca, user, password = sys.argv[1:5]
c = imaplib.IMAP4_SSL("127.0.0.1", int(port),
    ssl_context=ssl.create_default_context(cafile=ca), timeout=10)
c.login(user, password)
t = time.time() + 86400
c.append("INBOX", None, imaplib.Time2Internaldate(t),
    b"From: Big Sender <big@example.org>\r\nSubject: Huge text\r\nDate: " +
    time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(t)).encode() +
    b"\r\n\r\n" + b"0123456789abcdef\r\n" * 120000)
c.logout()
PY
printf '%s\n' "$RIG_PASS" > "$home/pass"
cat > "$home/conf" <<CONF
check_interval = 0
[account mail]
protocol = imap
host = 127.0.0.1
port = $RIG_IMAPS_PORT
tls_ca_file = $RIG_CA
user = $RIG_USER
password_command = cat $home/pass
download_confirm_mb = 1
CONF
tui_restart env LANG=de_DE.UTF-8 "$SKUA" -F "$home/conf"
tui_wait "INBOX" 20
tui_keys j Enter
tui_wait "Huge text" 20
tui_keys Enter
tui_wait "Herunterladen? (j/n)" 10
tui_keys y
sleep 0.5
tui_wait "Herunterladen? (j/n)" 1
tui_keys n
tui_wait "Diese Nachricht kann nicht angezeigt werden:" 10
tui_wait "nicht heruntergeladen: der Text ist 2,1 MB" 5
tui_keys q
tui_wait "Huge text" 5
tui_keys Enter
tui_wait "Herunterladen? (j/n)" 10
tui_keys j
tui_wait "0123456789abcdef" 20
tui_keys q q q
tui_wait_exit 10
[ "$TUI_STATUS" = 0 ] || tui_fail "skua exited with $TUI_STATUS"
echo "PASS: German screens, and a worker's question answered in German"
