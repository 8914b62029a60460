#!/bin/bash
# test-quota: a nearly full mailbox in the real skua: the status bar shows
# the quota's use and, from 90%, the message line warns; :quota lists the
# biggest messages with their biggest attachment; a archives the selected
# one into the account's local Maildir (the same bytes) and deletes it from
# the server, and the use goes down.
set -euo pipefail
. "$(dirname "$0")/tui.sh"

TUI_RIG_START="--quota 12M" tui_rig --big-attachment-mb 1
tui_account > "$XDG_CONFIG_HOME/skua/config"
chmod 600 "$XDG_CONFIG_HOME/skua/config"

# Fill the mailbox past 90% with messages of 300 KB, then note the biggest.
/usr/bin/python3 - "$RIG_IMAPS_PORT" "$RIG_CA" "$RIG_USER" "$RIG_PASS" \
    > "$tmp/big" <<'PY'
import hashlib, imaplib, re, ssl, sys
port, ca, user, password = sys.argv[1:5]
c = imaplib.IMAP4_SSL("127.0.0.1", int(port),
    ssl_context=ssl.create_default_context(cafile=ca), timeout=10)
c.login(user, password)
def usage():
    t, d = c.getquotaroot("INBOX")
    m = re.search(rb"STORAGE (\d+) (\d+)", b" ".join(x for x in d[1] if x))
    return int(m.group(1)), int(m.group(2))
n = 0
while True:
    used, limit = usage()
    if used * 100 >= limit * 93 or n > 60:
        break
    body = ("filler %d\r\n" % n) * 30000
    c.append("INBOX", None, None, ("Subject: filler %d\r\n\r\n%s" %
        (n, body)).encode())
    n += 1
c.select("INBOX")
t, d = c.uid("SEARCH", None, "ALL")
best = max(d[0].split(), key=lambda u: int(re.search(rb"RFC822.SIZE (\d+)",
    c.uid("FETCH", u, "(RFC822.SIZE)")[1][0]).group(1)))
t, m = c.uid("FETCH", best, "(BODY.PEEK[])")
print(hashlib.sha256(m[0][1]).hexdigest())
print(used * 100 // limit)
c.logout()
PY
want=$(sed -n 1p "$tmp/big")
pct=$(sed -n 2p "$tmp/big")
[ "$pct" -ge 90 ] || tui_fail "the mailbox is only $pct% full"

tui_start "$SKUA" -f mail/INBOX
tui_wait "quota $pct%" 20
tui_wait "full; new mail bounces"
echo "ok: status bar and warning at $pct%"

tui_keys : "quota" Enter
tui_wait "biggest message"
tui_wait "($pct%)"
tui_wait "d:delete for good"
tui_wait "INBOX  "
tui_keys a
tui_wait "Type yes:"
tui_keys yes Enter
tui_wait "archived to" 20
echo "ok: archived"
for i in $(seq 1 100); do
	found=$(sha256sum "$XDG_DATA_HOME"/skua/mail/mail/cur/* 2>/dev/null |
		grep -c "^$want " || true)
	[ "$found" = 1 ] && break
	sleep 0.1
done
[ "$found" = 1 ] || tui_fail "the archived message is not in the Maildir"
echo "ok: the same bytes in the local Maildir"
tui_wait_gone "($pct%)" 10
tui_wait "quota " 1
echo "ok: the quota's use went down"
tui_keys q
tui_wait_gone "biggest message"
tui_keys q
sleep 0.3
tui_keys q
tui_wait_exit 10
