#!/bin/bash
# test-changes: changing mail in the real skua against the throwaway
# dovecot, checked from a second IMAP client: F flags, N marks read, d
# moves to the Trash, s moves to a folder typed on the bottom line, ;
# applies N to the tagged messages; another client's new mail and flags
# show within 2 s (IDLE); :mkdir makes a folder; :quota lists the biggest
# messages.
set -euo pipefail
. "$(dirname "$0")/tui.sh"

tui_rig
tui_account > "$XDG_CONFIG_HOME/skua/config"
chmod 600 "$XDG_CONFIG_HOME/skua/config"

imap() {
	/usr/bin/python3 - "$RIG_IMAPS_PORT" "$RIG_CA" "$RIG_USER" "$RIG_PASS" "$@" <<'PY'
import imaplib, ssl, sys, email.utils, time
port, ca, user, password = sys.argv[1:5]
c = imaplib.IMAP4_SSL("127.0.0.1", int(port),
    ssl_context=ssl.create_default_context(cafile=ca), timeout=10)
c.login(user, password)
def add(folder, subject, age=0):
    date = email.utils.formatdate(time.time() - age)
    c.append(folder, None, None, ("From: Tess <tess@example.test>\r\n"
        "Date: %s\r\nSubject: %s\r\n\r\nbody\r\n" % (date, subject)).encode())
def flags(folder, subject):
    c.select(folder)
    t, d = c.uid("SEARCH", None, "SUBJECT", subject)
    if not d[0]:
        return "none"
    t, f = c.uid("FETCH", d[0].split()[0], "(FLAGS)")
    return f[0].decode()
for cmd in sys.argv[5:]:
    exec(cmd)
c.logout()
PY
}

# wait_imap CODE WANT: up to 5 s for the second client's view to hold WANT.
wait_imap() {
	local i out
	for i in $(seq 1 25); do
		out=$(imap "$1")
		grep -qF -- "$2" <<<"$out" && return 0
		sleep 0.2
	done
	tui_fail "the server never showed '$2' (last: $out)"
}

# row SUBJECT: the index line with it.
row() {
	tui_screen | grep -F -- "$1" | head -1
}

imap "add('INBOX', 'zz-one', 30)" "add('INBOX', 'zz-two', 20)" \
	"add('INBOX', 'zz-three', 10)"

tui_start "$SKUA" -f mail/INBOX
tui_wait "zz-three" 20
tui_wait "zz-one"

# The newest is selected: F flags it ('!'), N marks it read.
tui_keys F
for i in $(seq 1 40); do row zz-three | grep -q '!' && break; sleep 0.05; done
row zz-three | grep -q '!' || tui_fail "F did not show '!'"
wait_imap "print(flags('INBOX', 'zz-three'))" '\Flagged'
tui_keys N
wait_imap "print(flags('INBOX', 'zz-three'))" '\Seen'
echo "ok: F and N reach the server"

# d: to the Trash; the row goes.
tui_keys d
tui_wait_gone "zz-three"
wait_imap "print(flags('Trash', 'zz-three'))" 'FLAGS'
echo "ok: d moved it to the Trash"

# s: the selected message (now zz-two) to Archive.
row zz-two | grep -q . || tui_fail "zz-two not shown"
tui_keys k
tui_keys s
tui_wait "to folder:"
tui_keys "Archive" Enter
tui_wait_gone "zz-two"
wait_imap "print(flags('Archive', 'zz-two'))" 'FLAGS'
echo "ok: s moved it to Archive"

# Another client's new mail and flag show within 2 s (IDLE).
start=$(date +%s%3N)
imap "add('INBOX', 'zz-idle', 0)"
tui_wait "zz-idle" 2
echo "ok: another client's new mail shown after $(( $(date +%s%3N) - start )) ms"
imap "c.select('INBOX')" "t, d = c.uid('SEARCH', None, 'SUBJECT', 'zz-one')" \
	"c.uid('STORE', d[0].split()[0], '+FLAGS', '(\\\\Flagged)')"
for i in $(seq 1 40); do row zz-one | grep -q '!' && break; sleep 0.05; done
row zz-one | grep -q '!' || tui_fail "another client's flag did not show in 2 s"
echo "ok: another client's flag shown"

# ;N on two tagged messages: both read on the server.
tui_keys '='
tui_keys t t
tui_wait "*"
tui_keys '\;' N
wait_imap "print(flags('INBOX', 'zz-idle'))" '\Seen'
echo "ok: ;N reached both tagged messages"

# Folder commands and the quota view.
tui_keys : "mkdir Projekte" Enter
tui_wait "Projekte"
wait_imap "print(c.list()[1])" 'Projekte'
echo "ok: :mkdir"
tui_keys : "quota" Enter
tui_wait "biggest message"
tui_keys q
tui_wait_gone "biggest message"
echo "ok: :quota"

# q: the index to the sidebar, then out.
tui_keys q
sleep 0.3
tui_keys q
tui_wait_exit 10
echo "ok: quit"
