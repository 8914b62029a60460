#!/bin/bash
# test-index: the index's limit, search, tags and command line in the real
# skua against the throwaway dovecot: skua -f mail/INBOX starts in INBOX;
# l limits to a subject and back; / and n move the cursor to the matches;
# t tags two messages (* in the flags), l ~T shows only them, ; applies an
# action to them or says it cannot; :sort orders by subject; :bogus is an
# error; -f finds a folder by its display name, says when there is no such
# folder, and -f with an unknown account exits 1 with the account list.
set -euo pipefail
. "$(dirname "$0")/tui.sh"

tui_rig --big-attachment-mb 1
conf=$XDG_CONFIG_HOME/skua/config
{
	tui_account
	echo
	cat <<CONF
[account old]
protocol = pop3
host = 127.0.0.1
port = $RIG_POP3_PORT
tls = starttls
user = $RIG_USER
password_command = cat $tmp/password
CONF
} > "$conf"
chmod 600 "$conf"

# What the index should show, from INBOX's files, newest first: how many
# subjects hold "invoice"; where the messages holding "migration" (subject
# or sender) are; the first subject by subject order (without Re: and
# Fwd:, case folded) and the newest one.
/usr/bin/python3 - "$RIG_MAILDIR" > "$tmp/expect" <<'PY'
import email, email.policy, email.utils, os, re, sys
rows = []
for sub in ("cur", "new"):
    d = os.path.join(sys.argv[1], sub)
    for name in os.listdir(d):
        with open(os.path.join(d, name), "rb") as f:
            m = email.message_from_binary_file(f, policy=email.policy.default)
        t = email.utils.parsedate_to_datetime(m["date"]).timestamp()
        rows.append((t, str(m["subject"]), str(m["from"])))
rows.sort(key=lambda r: -r[0])
if len(set(r[0] for r in rows)) != len(rows):
    sys.exit("two messages have the same date: the order is not known")
invoices = sum(1 for r in rows if "invoice" in r[1].lower())
hits = [i for i, r in enumerate(rows)
        if "migration" in r[1].lower() or "migration" in r[2].lower()]
def bare(s):
    while True:
        t = re.sub(r"^\s*(re|fwd|fw|aw|sv|wg|tr|antw)(\[\d*\]|\(\d*\))?\s*:",
                   "", s, flags=re.I)
        if t == s:
            return s.lstrip()
        s = t
first = min(bare(r[1]).lower() for r in rows)
print(invoices)
print(" ".join(str(i) for i in hits))
print(first[:12])
print(rows[0][1][:12])
PY
invoices=$(sed -n 1p "$tmp/expect")
hits=$(sed -n 2p "$tmp/expect")
first=$(sed -n 3p "$tmp/expect")
newest=$(sed -n 4p "$tmp/expect")
[ "$invoices" -gt 2 ] || tui_fail "too few invoices in the corpus: $invoices"
read -r -a hit <<<"$hits"
[ "${#hit[@]}" -gt 2 ] || tui_fail "too few migrations in the corpus: $hits"

line() {
	tui_screen | sed -n "${1}p"
}
line_has() {
	line "$1" | grep -qiF -- "$2"
}
# is_reverse N: whether line N has text in reverse video (the index's
# cursor): follow the SGR escapes tmux puts before each change.
is_reverse() {
	tmux -L "$TUI_SOCKET" capture-pane -e -p -t tui | sed -n "${1}p" |
	    awk 'BEGIN { RS = "\033" }
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
		if (reverse && index(text, " "))
			found = 1
	}
	END { exit !found }'
}
wait_until() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 20; i++)); do
		"$@" 2>/dev/null && return 0
		sleep 0.05
	done
	tui_fail "timed out waiting for: $*"
}
# The index's lines (1 to 22 of 24) that hold text.
rows_with() {
	tui_screen | sed -n '1,22p' | grep -ciF -- "$1" || true
}
# The line the cursor is on at index i, into $at, as view-index.c
# scrolls: the screen follows once the cursor passes its last line.
top=0
at=0
cursor_line() {
	local i=$1 lines=22
	if [ "$i" -lt "$top" ]; then top=$i; fi
	if [ "$i" -ge $((top + lines)) ]; then top=$((i - lines + 1)); fi
	at=$((i - top + 1))
}
# The flags column is after the sidebar (28 columns) and a blank: its
# second character is * on a tagged row.
is_tagged() {
	line "$1" | grep -q '^.\{29\}.\*'
}

TUI_COLS=120
tui_start "$SKUA" -f mail/INBOX
tui_wait "[300 messages" 30
tui_wait "mail/INBOX"
wait_until 10 line_has 1 "$newest"
wait_until 5 is_reverse 1

# --- limit --------------------------------------------------------------
tui_keys l
tui_wait "Limit to messages matching:"
tui_keys -l "~s invoice"
tui_keys Enter
tui_wait "[$invoices of 300 messages"
tui_wait "limit: ~s invoice"
shown=$((invoices < 22 ? invoices : 22))
wait_until 5 eval '[ "$(rows_with "Invoice 2024")" = "$shown" ]'
for s in "Quarterly report" "Lunch on Friday" "Server migration"; do
	[ "$(rows_with "$s")" = 0 ] || tui_fail "'$s' is shown under the limit"
done
# l and an empty pattern: every message again.
tui_keys l Enter
tui_wait "No limit: every message is shown."
tui_wait "[300 messages"
line_has 23 "limit:" && tui_fail "the status bar still shows a limit"
wait_until 5 line_has 1 "$newest"
echo "ok: limit to a subject and back"

# --- search -------------------------------------------------------------
# The cursor is on the newest message; / finds the next match after it.
tui_keys /
tui_wait "Search for:"
tui_keys -l "migration"
tui_keys Enter
i=${hit[0]}
[ "$i" -gt 0 ] || i=${hit[1]}
cursor_line "$i"
n=$at
wait_until 5 is_reverse "$n"
line_has "$n" "migration" || tui_fail "the cursor is not on a match"
# n: the next one.
for next in "${hit[@]}"; do
	if [ "$next" -gt "$i" ]; then break; fi
done
tui_keys n
cursor_line "$next"
m=$at
wait_until 5 is_reverse "$m"
line_has "$m" "migration" || tui_fail "n did not go to the next match"
[ "$m" != "$n" ] || [ "$top" -gt 0 ] || tui_fail "n did not move"
echo "ok: / and n go to index $i, then $next"

# --- tags -----------------------------------------------------------------
tui_keys =
wait_until 5 is_reverse 1
tui_keys t
wait_until 5 is_tagged 1
wait_until 5 is_reverse 2
tui_keys t
wait_until 5 is_tagged 2
tui_wait "2 tagged]"
is_tagged 3 && tui_fail "an untagged row shows *"
tui_keys l
tui_wait "Limit to messages matching:"
tui_keys -l "~T"
tui_keys Enter
tui_wait "[2 of 300 messages"
wait_until 5 line_has 1 "$newest"
is_tagged 1 && is_tagged 2 || tui_fail "the tagged rows are not shown"
[ -z "$(line 3 | sed 's/^[^│]*│//' | tr -d ' ')" ] ||
	tui_fail "a third row is shown"
# ; and an action with no tagged form says so; ;t untags them all.
tui_keys '\;'
tui_wait "the next action is for the 2 tagged messages"
tui_keys Enter
tui_wait ";open: not available for tagged messages."
tui_keys '\;'
tui_keys t
tui_wait "Untagged 2 messages."
wait_until 5 eval '! is_tagged 1 && ! is_tagged 2'
tui_wait_gone "tagged]"
tui_keys '\;'
tui_wait "No tagged messages."
tui_keys l Enter
tui_wait "[300 messages"
echo "ok: t, * in the flags, l ~T, ; and ;t"

# --- the command line -------------------------------------------------------
tui_keys :
tui_keys -l "sort subject"
tui_keys Enter
tui_wait "Sorted by subject, A to Z."
# The cursor stays on its message: = goes to the first.
tui_keys =
wait_until 5 line_has 1 "$first"
tui_keys :
tui_keys -l "sort reverse-date"
tui_keys Enter
tui_wait "Sorted by date, oldest first."
tui_keys :
tui_keys -l "sort date"
tui_keys Enter
tui_wait "Sorted by date, newest first."
tui_keys =
wait_until 5 line_has 1 "$newest"
tui_keys :
tui_keys -l "bogus"
tui_keys Enter
tui_wait "Unknown command: bogus"
tui_keys :
tui_keys -l "sotr date"
tui_keys Enter
tui_wait "Unknown command: sotr (did you mean sort?)"
tui_keys :
tui_keys -l "limit ~s invoice"
tui_keys Enter
tui_wait "[$invoices of 300 messages"
tui_keys :
tui_keys -l "limit"
tui_keys Enter
tui_wait "[300 messages"
# An action by its name, and help; Esc leaves the prompt alone.
tui_keys :
tui_keys -l "bottom"
tui_keys Enter
wait_until 5 is_reverse 22
tui_keys :
wait_until 5 eval '[ "$(line 24)" = ":" ]'
tui_keys Escape
wait_until 5 eval '[ -z "$(line 24)" ]'
tui_keys '?'
tui_wait "Bindings in force"
tui_wait "enter-command"
tui_keys q
tui_wait_gone "Bindings in force"
tui_keys :
tui_keys -l "quit"
tui_keys Enter
tui_wait_exit 10
[ "$TUI_STATUS" = 0 ] || tui_fail "skua exited with $TUI_STATUS"
echo "ok: :sort, :limit, :bogus, :bottom, :quit"

# --- -f: a display name, a folder that is not there, an unknown account ----
tui_restart "$SKUA" -f "mail/Réunions"
tui_wait "mail/Réunions" 20
tui_keys q q
tui_wait_exit 10
tui_restart "$SKUA" -f mail/NoSuchFolder
tui_wait "mail: no folder NoSuchFolder." 20
tui_keys q
tui_wait_exit 10
status=0
"$SKUA" -f nosuch </dev/null >"$tmp/out" 2>"$tmp/err" || status=$?
[ "$status" = 1 ] || tui_fail "skua -f nosuch exited with $status"
grep -qF "no account 'nosuch'" "$tmp/err" || tui_fail "$(cat "$tmp/err")"
grep -qF "accounts are: mail, old" "$tmp/err" || tui_fail "$(cat "$tmp/err")"
echo "PASS: limit, search, tags, tag prefix, commands, -f"
