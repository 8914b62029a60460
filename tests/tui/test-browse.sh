#!/bin/bash
# test-browse: mutt-like browsing in the real skua against the throwaway
# dovecot: the password asked without echo, folders in sidebar order, INBOX
# opened newest first, moving, paging, resizing, focus, help, q and q; then
# the rig stopped, and the same folders and mail shown offline from the
# mirror, with the account marked offline.
set -euo pipefail
. "$(dirname "$0")/tui.sh"

tui_rig --big-attachment-mb 1
conf=$XDG_CONFIG_HOME/skua/config

# The newest message in INBOX by its Date, and the start of its subject
# as a terminal shows it (wide characters take two columns).
newest=$(/usr/bin/python3 - "$RIG_MAILDIR" <<'PY'
import email, email.policy, email.utils, os, sys, unicodedata
best = None
for sub in ("cur", "new"):
    d = os.path.join(sys.argv[1], sub)
    for name in os.listdir(d):
        with open(os.path.join(d, name), "rb") as f:
            m = email.message_from_binary_file(f, policy=email.policy.default)
        t = email.utils.parsedate_to_datetime(m["date"]).timestamp()
        if best is None or t > best[0]:
            best = (t, str(m["subject"]))
out, cols = "", 0
for ch in best[1]:
    w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    if cols + w > 14:
        break
    out, cols = out + ch, cols + w
print(out)
PY
)
[ -n "$newest" ] || tui_fail "no newest subject in $RIG_MAILDIR"

# Line N of the screen, plain or with its attributes as escapes.
line() {
	tui_screen | sed -n "${1}p"
}
line_escaped() {
	tmux -L "$TUI_SOCKET" capture-pane -e -p -t tui | sed -n "${1}p"
}
# is_reverse N TEXT: whether TEXT on line N is in reverse video (the
# cursor): follow the SGR escapes tmux puts before each change.
is_reverse() {
	line_escaped "$1" | awk -v want="$2" 'BEGIN { RS = "\033" }
	{
		text = $0
		if (match($0, /^\[[0-9;]*m/)) {
			n = split(substr($0, 2, RLENGTH - 2), p, ";")
			if (n == 0)
				reverse = 0
			for (i = 1; i <= n; i++) {
				if (p[i] == "7")
					reverse = 1
				else if (p[i] == "" || p[i] == "0" || p[i] == "27")
					reverse = 0
			}
			text = substr($0, RLENGTH + 1)
		}
		if (reverse && index(text, want))
			found = 1
	}
	END { exit !found }'
}
# wait_until SECS CMD...: poll CMD until it succeeds.
wait_until() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 20; i++)); do
		"$@" 2>/dev/null && return 0
		sleep 0.05
	done
	tui_fail "timed out waiting for: $*"
}
line_has() {
	line "$1" | grep -qF -- "$2"
}
# The screen line holding text (first match), 0 if none.
line_of() {
	tui_screen | grep -nF -- "$1" | head -1 | cut -d: -f1 || echo 0
}

# write_config [LINE]: an IMAP account (LINE added to it) and a POP3 one.
write_config() {
	cat > "$conf" <<CONF
[account mail]
protocol = imap
host = 127.0.0.1
port = $RIG_IMAPS_PORT
tls_ca_file = $RIG_CA
user = $RIG_USER
${1:-}

[account old]
protocol = pop3
host = 127.0.0.1
port = $RIG_POP3_PORT
tls = starttls
user = $RIG_USER
password_command = cat $tmp/password
CONF
	chmod 600 "$conf"
}

# --- online: no password_command, so skua asks -------------------------
write_config
tui_start "$SKUA"
tui_wait "Password for $RIG_USER@127.0.0.1" 15
tui_keys -l "$RIG_PASS"
sleep 0.3
tui_screen | grep -qF "$RIG_PASS" && tui_fail "the password was echoed"
tui_keys Enter
tui_wait "Réunions" 20
# The POP3 account lists its local store (empty: nothing fetched yet).
tui_wait " old "
wait_until 10 line_has "$(($(line_of " old ") + 1))" "  INBOX"
tui_wait "2 accounts"
# INBOX, then the special uses in order, then the rest, indented.
prev=0
for f in "  INBOX " "  Sent " "  Drafts " "  Archive " "  Junk " "  Trash " \
    "  Lists " "    dev " "  Réunions "; do
	n=$(line_of "$f")
	[ "$n" -gt "$prev" ] || tui_fail "sidebar order: '$f' at line $n"
	prev=$n
done
[ "$(line_of " old ")" -gt "$prev" ] || tui_fail "the POP3 account is not last"
is_reverse 1 " mail" || tui_fail "the cursor is not on the account"
line_has 1 "state     online" || tui_wait "state     online"

# Open INBOX: the newest message comes first, under the cursor.
tui_keys j
wait_until 5 is_reverse 2 "  INBOX"
tui_keys Enter
tui_wait "mail/INBOX" 10
wait_until 20 line_has 1 "$newest"
tui_wait "[300 messages" 30
wait_until 5 is_reverse 1 "$newest"
tui_keys j
wait_until 5 is_reverse 2 " "
is_reverse 1 "$newest" && tui_fail "two cursors"
tui_keys k
wait_until 5 is_reverse 1 "$newest"
tui_keys '*'
wait_until 5 is_reverse 22 " "
line_has 1 "$newest" && tui_fail "'*' did not scroll to the oldest"
tui_keys =
wait_until 5 is_reverse 1 "$newest"
tui_keys PageDown
wait_until 5 is_reverse 1 " "
wait_until 5 eval '! line_has 1 "$newest"'
tui_keys PageUp
wait_until 5 is_reverse 1 "$newest"
tui_keys Down
wait_until 5 is_reverse 2 " "

# Resizing keeps the folder, the order and the cursor. tmux scrolls the
# old screen as it shrinks, so wait for the whole new one: the sidebar's
# first line, the status bar on the new last but one line.
resized() {
	line_has 1 " mail " && line_has 1 "$newest" && line_has "$1" "mail/INBOX"
}
tui_resize 100 30
wait_until 5 resized 29
is_reverse 2 " " || tui_fail "the cursor moved on resize to 100x30"
tui_resize 80 24
wait_until 5 resized 23
is_reverse 2 " " || tui_fail "the cursor moved on resize to 80x24"

# Tab and h switch focus; the cursor shows where it is.
tui_keys Tab
wait_until 5 is_reverse 2 "  INBOX"
tui_keys j
wait_until 5 is_reverse 3 "  Sent"
tui_keys h
wait_until 5 eval '! is_reverse 3 "  Sent"'
tui_keys k
wait_until 5 is_reverse 1 "$newest"

# Help lists the new actions; q leaves it.
tui_keys '?'
tui_wait "Bindings in force"
tui_wait "focus-toggle"
tui_keys q
tui_wait_gone "Bindings in force"
wait_until 5 line_has 1 "$newest"

# q in the index goes back to the sidebar; q there quits.
tui_keys q
wait_until 5 is_reverse 3 "  Sent"
tui_keys l
wait_until 10 line_has 23 "mail/Sent"
tui_keys q
wait_until 5 is_reverse 3 "  Sent"
tui_keys q
tui_wait_exit 10
[ "$TUI_STATUS" = 0 ] || tui_fail "skua exited with $TUI_STATUS"
echo "ok: online: password prompt, sidebar, index, keys, resize, focus, quit"

# --- offline: the rig is gone; the mirror still has everything ----------
"$rig" stop "$tmp/rig" >/dev/null 2>&1 || tui_fail "the rig did not stop"
write_config "password_command = cat $tmp/password"
tui_restart "$SKUA"
tui_wait "Réunions" 10
tui_wait "mail: offline:" 10
wait_until 5 line_has 1 "offline"
tui_keys j Enter
tui_wait "mail/INBOX" 10
wait_until 10 line_has 1 "$newest"
tui_wait "[300 messages" 10
tui_wait "(offline: "
tui_keys q q
tui_wait_exit 10
[ "$TUI_STATUS" = 0 ] || tui_fail "skua exited with $TUI_STATUS offline"
grep -q "ui started, 2 accounts" "$XDG_STATE_HOME/skua/skua.log" ||
	tui_fail "no log"
echo "PASS: browse online and offline"
