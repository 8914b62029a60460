#!/bin/bash
# test-refresh: with check_interval set, a message another client delivers
# and a flag another client sets show in the open folder without a key.
set -euo pipefail
. "$(dirname "$0")/tui.sh"

rig=$top_srcdir/tests/integration/rig/dovecot-rig
tmp=$(mktemp -d)
chmod 711 "$tmp"
trap 'tui_stop; "$rig" stop "$tmp/rig" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
"$rig" start "$tmp/rig" >/dev/null 2>&1
"$rig" populate "$tmp/rig" --inbox 40 --folders none --big-attachment-mb 0 \
	>/dev/null 2>&1
. "$tmp/rig/rig.env"
export HOME=$tmp XDG_CACHE_HOME=$tmp/cache XDG_DATA_HOME=$tmp/data \
	XDG_STATE_HOME=$tmp/state
printf '%s\n' "$RIG_PASS" > "$tmp/pass"
cat > "$tmp/conf" <<CONF
check_interval = 1
[account mail]
protocol = imap
host = 127.0.0.1
port = $RIG_IMAPS_PORT
tls_ca_file = $RIG_CA
user = $RIG_USER
password_command = cat $tmp/pass
CONF

tui_start "$SKUA" -F "$tmp/conf"
tui_wait "INBOX" 20
tui_keys j Enter
tui_wait "[40 messages" 20

/usr/bin/python3 - "$RIG_IMAPS_PORT" "$RIG_CA" "$RIG_USER" "$RIG_PASS" <<'PY'
import imaplib, ssl, sys, time
port, ca, user, password = sys.argv[1:5]
c = imaplib.IMAP4_SSL("127.0.0.1", int(port),
    ssl_context=ssl.create_default_context(cafile=ca), timeout=10)
c.login(user, password)
date = imaplib.Time2Internaldate(time.time() + 86400)
c.append("INBOX", None, date, b"From: Ada <ada@example.org>\r\n"
    b"Subject: Delivered elsewhere\r\nDate: " +
    time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(time.time() + 86400)).encode() +
    b"\r\n\r\nhello\r\n")
c.logout()
PY
tui_wait "Delivered elsewhere" 15
tui_wait "[41 messages" 5
tui_keys q q
tui_wait_exit 10
[ "$TUI_STATUS" = 0 ] || tui_fail "skua exited with $TUI_STATUS"
echo "PASS: new mail from another client shows without a key"
