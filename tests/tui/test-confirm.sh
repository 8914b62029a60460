#!/bin/bash
# test-confirm: a message whose text is over download_confirm_mb is only
# downloaded after the user says yes (one key); no leaves it on the server.
set -euo pipefail
. "$(dirname "$0")/tui.sh"

rig=$top_srcdir/tests/integration/rig/dovecot-rig
tmp=$(mktemp -d)
chmod 711 "$tmp"
trap 'tui_stop; "$rig" stop "$tmp/rig" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
"$rig" start "$tmp/rig" >/dev/null 2>&1
"$rig" populate "$tmp/rig" --inbox 5 --folders none --big-attachment-mb 0 \
	>/dev/null 2>&1
. "$tmp/rig/rig.env"
export HOME=$tmp XDG_CACHE_HOME=$tmp/cache XDG_DATA_HOME=$tmp/data \
	XDG_STATE_HOME=$tmp/state
# The newest message (dated tomorrow): 2.1 MB of text.
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
printf '%s\n' "$RIG_PASS" > "$tmp/pass"
cat > "$tmp/conf" <<CONF
check_interval = 0
[account mail]
protocol = imap
host = 127.0.0.1
port = $RIG_IMAPS_PORT
tls_ca_file = $RIG_CA
user = $RIG_USER
password_command = cat $tmp/pass
download_confirm_mb = 1
CONF

tui_start "$SKUA" -F "$tmp/conf"
tui_wait "INBOX" 20
tui_keys j Enter
tui_wait "Huge text" 20
tui_keys Enter
tui_wait "Download it? (y/n)" 10
tui_keys n
tui_wait "Cannot show this message: not downloaded" 10
tui_keys q
tui_wait "Huge text" 5
tui_keys Enter
tui_wait "Download it? (y/n)" 10
tui_keys y
tui_wait "0123456789abcdef" 20
tui_keys q q q
tui_wait_exit 10
[ "$TUI_STATUS" = 0 ] || tui_fail "skua exited with $TUI_STATUS"
echo "PASS: the download question, no then yes"
