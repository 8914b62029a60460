#!/bin/bash
# test-pop3-read: a POP3 account's mail read in the real skua with no server
# at all: its folders in the sidebar with counts and roles, INBOX in the
# index newest first, a message in the pager (marked read in its file
# name), an attachment saved byte for byte, and G (fetch-mail): the
# download fails plainly, and mail that another program delivered shows.
set -euo pipefail
. "$(dirname "$0")/tui.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/skua-pop3-read.XXXXXX")
cleanup() {
	tui_stop
	rm -rf "$tmp"
}
trap cleanup EXIT

export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/config XDG_CACHE_HOME=$tmp/cache \
	XDG_DATA_HOME=$tmp/data XDG_STATE_HOME=$tmp/state LC_ALL=C.UTF-8 TZ=UTC
mkdir -p "$HOME" "$XDG_CONFIG_HOME/skua" "$tmp/saved"

# The store, as a download leaves it: messages in new/ of INBOX, plus a
# Sent and a Trash folder (Maildir++), delivered a day apart.
store=$tmp/store
for d in "" .Sent .Trash; do
	mkdir -p "$store/$d/new" "$store/$d/cur" "$store/$d/tmp"
done
n=0
for f in plain-ascii rfc2231-names charset-koi8r; do
	n=$((n + 1))
	name=$((1700000000 + n * 86400)).M${n}P7.test
	cp "$top_srcdir/tests/corpora/$f.eml" "$store/new/$name"
	touch -d "@$((1700000000 + n * 86400))" "$store/new/$name"
done
cp "$top_srcdir/tests/corpora/flowed.eml" "$store/.Sent/cur/1.M1P1.test:2,S"

# Nothing listens on port 1: reading needs no server, G says it failed.
cat > "$XDG_CONFIG_HOME/skua/config" <<CONF
check_interval = 0
[account home]
protocol = pop3
host = 127.0.0.1
port = 1
user = me
password_command = echo not-used
maildir = $store
CONF

line() {
	tui_screen | sed -n "${1}p"
}
line_has() {
	line "$1" | grep -qF -- "$2"
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
# The index's flag column on line N: the first character after the
# sidebar's border.
flag_of() {
	local l
	l=$(line "$1")
	l=${l#*│ }
	printf '%s\n' "${l:0:1}"
}

# A sidebar line: the folder's name, then its counts at the right.
sidebar_has() {
	tui_screen | grep -Eq -- "^ +$1 +$2 │"
}

tui_start "$SKUA"
tui_wait " home" 10
# INBOX first with unread/total, then the special folders.
wait_until 10 sidebar_has INBOX 3/3
sidebar_has Sent 1 || tui_fail "no Sent with 1 message"
sidebar_has Trash 0 || tui_fail "no Trash"
tui_screen | grep -qF "not supported" && tui_fail "POP3 still not supported"
tui_wait "protocol  pop3"

# The index: newest first by date.
tui_keys j Enter
tui_wait "home/INBOX" 10
tui_wait "[3 messages, 3 unread]" 10
wait_until 5 line_has 1 "Attachments with internati"
line_has 2 "Привет" || tui_fail "order: $(line 2)"
line_has 3 "Lunch on Friday?" || tui_fail "order: $(line 3)"
[ "$(flag_of 1)" = N ] || tui_fail "the newest is not new: $(line 1)"

# The pager: headers, text, the attachments; one saved, its bytes checked.
tui_keys Enter
tui_wait "Subject: Attachments with international names" 10
tui_wait "Three files attached."
tui_wait "[-- Attachment #2: Résumé de l'année.pdf"
tui_wait "[message 1/3]"
tui_keys v
tui_wait "Attachments of: Attachments with international"
tui_wait "café.txt  [text/plain, 6]"
tui_keys s
tui_wait "Save to: $HOME/Résumé de l'année.pdf"
tui_keys C-u
tui_keys -l "$tmp/saved/resume.pdf"
tui_keys Enter
tui_wait "Saved to $tmp/saved/resume.pdf" 10
want=$(printf 'JVBERi0xLjQKJcfs' | base64 -d | sha256sum | cut -d' ' -f1)
got=$(sha256sum <"$tmp/saved/resume.pdf" | cut -d' ' -f1)
[ "$got" = "$want" ] || tui_fail "saved sha256 $got, want $want"
tui_keys q
tui_wait_gone "Attachments of:"

# Back in the index it is read, and in its file name too (:2,S).
tui_keys q
tui_wait "[3 messages, 2 unread]" 10
wait_until 5 eval '[ "$(flag_of 1)" != N ]'
ls "$store/cur" | grep -q '^1700172800.M2P7.test:2,S$' ||
	tui_fail "not marked read on disk: $(ls "$store/cur")"
wait_until 5 sidebar_has INBOX 2/3

# The next one: another charset.
tui_keys j Enter
tui_wait "Subject: Привет" 10
tui_wait "Как дела?"
tui_wait "[message 2/3]"
tui_keys q
tui_wait "[3 messages, 1 unread]" 10

# G: the download fails (no server) and says so; what another program
# delivered meanwhile shows at once, newest first.
printf 'From: New <new@example.org>\nSubject: Fresh arrival\nDate: %s\n\nhi\n' \
	"Mon, 09 Mar 2026 10:00:00 +0000" >"$store/new/1800000000.M9P9.test"
tui_keys G
tui_wait "Fresh arrival" 10
tui_wait "[4 messages, 2 unread]"
tui_wait "home: fetch-mail:" 10
wait_until 5 line_has 1 "Fresh arrival"
wait_until 5 sidebar_has INBOX 2/4

# Another folder of the store.
tui_keys Tab j Enter
tui_wait "home/Sent" 10
tui_wait "format=flowed"
tui_keys q q
tui_wait_exit 10
[ "$TUI_STATUS" = 0 ] || tui_fail "skua exited with $TUI_STATUS"
echo "PASS: a POP3 account's store: folders, index, pager, attachment, G"
