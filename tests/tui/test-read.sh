#!/bin/bash
# test-read: reading mail in the real skua against the throwaway dovecot:
# Enter opens the newest message in the pager (header block, body), it
# scrolls and survives a resize, q goes back with the message marked read;
# the message with the big attachment lists it, and v, s save it to a file
# whose digest is checked. Then offline: the message read before shows from
# the cache, one never opened says plainly that it is not cached.
set -euo pipefail
. "$(dirname "$0")/tui.sh"

tui_rig --big-attachment-mb 1
mkdir -p "$tmp/saved"
conf=$XDG_CONFIG_HOME/skua/config
tui_account > "$conf"
chmod 600 "$conf"

# The newest message in INBOX by its Date: the start of its subject as a
# terminal shows it (wide characters take two columns), and the start of
# a line of its text that is not just a greeting.
/usr/bin/python3 - "$RIG_MAILDIR" > "$tmp/newest" <<'PY'
import email, email.policy, email.utils, html, os, re, sys, unicodedata
def cut(s, limit):
    out, cols = "", 0
    for ch in s:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if cols + w > limit:
            break
        out, cols = out + ch, cols + w
    return out
best = None
for sub in ("cur", "new"):
    d = os.path.join(sys.argv[1], sub)
    for name in os.listdir(d):
        with open(os.path.join(d, name), "rb") as f:
            m = email.message_from_binary_file(f, policy=email.policy.default)
        t = email.utils.parsedate_to_datetime(m["date"]).timestamp()
        if best is None or t > best[0]:
            best = (t, m)
m = best[1]
body = m.get_body(preferencelist=("plain", "html"))
text = body.get_content()
if body.get_content_subtype() == "html":
    text = html.unescape(re.sub(r"<[^>]*>", "\n", text))
line = ""
for l in text.split("\n"):
    l = l.strip()
    if len(l) > 8 and not l.startswith(">"):
        line = l
        break
print(cut(str(m["subject"]), 14))
print(cut(line, 16).rstrip())
PY
newest=$(sed -n 1p "$tmp/newest")
newest_body=$(sed -n 2p "$tmp/newest")
[ -n "$newest" ] || tui_fail "no newest subject in $RIG_MAILDIR"
[ -n "$newest_body" ] || tui_fail "no text in the newest message"

line() {
	tui_screen | sed -n "${1}p"
}
line_has() {
	line "$1" | grep -qF -- "$2"
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
# The index's flag column on line N (the sidebar takes 28 columns).
flag_of() {
	line "$1" | awk '{ print substr($0, 30, 1) }'
}
not_new() {
	[ "$(flag_of "$1")" != N ]
}
is_reverse() {
	tmux -L "$TUI_SOCKET" capture-pane -e -p -t tui | sed -n "${1}p" |
		grep -qF $'\033[7m'
}

# --- online --------------------------------------------------------------
tui_start "$SKUA"
tui_wait "Réunions" 20
tui_keys j Enter
tui_wait "[300 messages" 30
wait_until 10 line_has 1 "$newest"

# Enter: the pager, its header block and text.
tui_keys Enter
tui_wait "Subject: $newest" 10
tui_wait "From: "
tui_wait "Date: "
tui_wait "$newest_body" 20
tui_wait "[message 1/300]"
line_has 1 "From: " || tui_fail "the header block is not at the top"

# Scrolling: a long message moves up a line, a short one says its end
# is shown.
if tui_screen | grep -qF -- "-- all --"; then
	tui_keys j
	tui_wait "The end of the message is shown."
else
	tui_keys j
	wait_until 5 eval '! line_has 1 "From: "'
	tui_keys g
	wait_until 5 line_has 1 "From: "
fi
tui_keys Space '-' G g
wait_until 5 line_has 1 "From: "

# A resize wraps the text again and keeps the message.
tui_resize 60 16
wait_until 5 line_has 15 "[message 1/300]"
tui_wait "Subject: "
tui_resize 80 24
wait_until 5 line_has 23 "[message 1/300]"
tui_wait "$newest_body"

# q: back to the index, where the message is not new any more.
tui_keys q
tui_wait "[300 messages" 10
wait_until 10 line_has 1 "$newest"
wait_until 10 not_new 1

# The message with the big attachment: its place in the index from the
# mirror (newest first, the higher uid first on a tie).
mirror=$XDG_CACHE_HOME/skua/mail/mirror.db
[ -f "$mirror" ] || tui_fail "no mirror at $mirror"
position=$(sqlite3 "$mirror" "
	SELECT count(*) FROM message m, folder f, message b
	WHERE m.folder_id = f.id AND b.folder_id = f.id AND f.name = 'INBOX'
	  AND b.subject LIKE 'Big attachment%'
	  AND (m.date > b.date OR (m.date = b.date AND m.uid > b.uid));")
[ -n "$position" ] && [ "$position" -gt 0 ] ||
	tui_fail "the big message is not in the mirror"
keys=()
for ((i = 0; i < position; i++)); do
	keys+=(j)
done
tui_keys "${keys[@]}"
# The cursor stays in the middle of the screen or lower: find its line.
wait_until 10 eval 'tui_screen | grep -qF "Big attachment (1 MB)"'
big_line=$(tui_screen | grep -nF "Big attachment (1 MB)" | head -1 | cut -d: -f1)
wait_until 5 is_reverse "$big_line"
tui_keys Enter
tui_wait "Subject: Big attachment (1 MB)" 10
tui_wait "Here is the archive with everything (1 MB)." 20
tui_wait "[-- Attachment #2: archive-1MB.zip"

# v lists the attachments; s asks where, with a safe default in $HOME.
tui_keys v
tui_wait "Attachments of: Big attachment"
tui_wait "archive-1MB.zip  [application/zip"
tui_keys s
tui_wait "Save to: $HOME/archive-1MB.zip"
tui_keys C-u
tui_keys -l "$tmp/saved/archive.zip"
tui_keys Enter
tui_wait "Saved to $tmp/saved/archive.zip" 60
want=$(/usr/bin/python3 -c 'import hashlib, random
print(hashlib.sha256(random.Random("1:big").randbytes(1024 * 1024)).hexdigest())')
got=$(sha256sum "$tmp/saved/archive.zip" | cut -d' ' -f1)
[ "$got" = "$want" ] || tui_fail "the saved file's digest is $got, not $want"
# Saving again to the same path never overwrites it.
tui_keys s
tui_wait "Save to: "
tui_keys C-u
tui_keys -l "$tmp/saved/archive.zip"
tui_keys Enter
tui_wait "archive.zip exists; not overwritten" 30
got=$(sha256sum "$tmp/saved/archive.zip" | cut -d' ' -f1)
[ "$got" = "$want" ] || tui_fail "the saved file changed"

# q: the attachment list, the pager, the index; then quit.
tui_keys q
tui_wait_gone "Attachments of:"
tui_wait "[-- Attachment #2: archive-1MB.zip"
tui_keys q
tui_wait "[300 messages"
tui_keys q q
tui_wait_exit 10
[ "$TUI_STATUS" = 0 ] || tui_fail "skua exited with $TUI_STATUS"
echo "ok: online: pager, scrolling, resize, read flag, attachment saved"

# --- offline: the rig is gone; the cache has what was read ---------------
"$rig" stop "$tmp/rig" >/dev/null 2>&1 || tui_fail "the rig did not stop"
tui_restart "$SKUA"
tui_wait "mail: offline:" 10
tui_keys j Enter
tui_wait "[300 messages" 10
wait_until 10 line_has 1 "$newest"
tui_keys Enter
tui_wait "Subject: $newest" 10
tui_wait "$newest_body" 10
tui_keys q
tui_wait "[300 messages"
# The second message was never opened: it says so, plainly.
tui_keys j Enter
tui_wait "[message 2/300]" 10
# Words, not phrases: the text is wrapped to the pager's width.
tui_wait "Cannot show this message:" 10
tui_wait "cached,"
tui_wait "unreachable:"
tui_keys q
tui_wait "[300 messages"
tui_keys q q
tui_wait_exit 10
[ "$TUI_STATUS" = 0 ] || tui_fail "skua exited with $TUI_STATUS offline"
echo "PASS: read online and offline"
