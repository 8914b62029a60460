#!/bin/bash
# test-open: attachments with hostile names opened through a mailcap the
# test writes and piped to a command, in the real skua against the
# throwaway dovecot. The viewer gets an exact copy under a plain name in a
# private directory that is gone afterwards; a pipe gets the bytes on its
# standard input; nothing in a name ever runs; a type without an entry and
# a viewer that fails are reported on the message line.
set -euo pipefail
. "$(dirname "$0")/tui.sh"

tui_rig --inbox 3 --folders none --big-attachment-mb 0 --hostile
mkdir -p "$tmp/tmp" "$tmp/out" "$tmp/work"
export TMPDIR=$tmp/tmp MAILCAPS=$tmp/mailcap
cd "$tmp/work"
cat > "$XDG_CONFIG_HOME/skua/config" <<CONF
check_interval = 0
[account mail]
protocol = imap
host = 127.0.0.1
port = $RIG_IMAPS_PORT
tls_ca_file = $RIG_CA
user = $RIG_USER
password_command = cat $tmp/password
CONF
chmod 600 "$XDG_CONFIG_HOME/skua/config"
# The PDF viewer copies the file it is given and notes its path; the
# text viewer fails. No entry for image/png.
cat > "$MAILCAPS" <<MAILCAP
# written by test-open
application/pdf; cp %s $tmp/out/opened.pdf \\
	&& echo %s > $tmp/out/opened.path; test=test -d $tmp/out
text/plain; sh -c 'echo viewer failed\\; exit 3'
MAILCAP

# The attachments' digests, from the message file itself.
/usr/bin/python3 - "$RIG_MAILDIR" > "$tmp/digests" <<'PY'
import email, email.policy, glob, hashlib, os, sys
[path] = glob.glob(os.path.join(sys.argv[1], ".Hostile", "cur", "*"))
with open(path, "rb") as f:
    m = email.message_from_binary_file(f, policy=email.policy.default)
for part in m.iter_attachments():
    print(part.get_content_type(),
          hashlib.sha256(part.get_payload(decode=True)).hexdigest())
PY
pdf_sum=$(awk '$1 == "application/pdf" { print $2 }' "$tmp/digests")
text_sum=$(awk '$1 == "text/plain" { print $2 }' "$tmp/digests")
[ -n "$pdf_sum" ] && [ -n "$text_sum" ] || tui_fail "no attachment digests"

line() {
	tui_screen | sed -n "${1}p"
}
no_pwned() {
	local found
	found=$(find "$tmp" / -xdev -maxdepth 1 -name pwned 2>/dev/null; \
		find "$tmp" -name pwned 2>/dev/null)
	[ -z "$found" ] || tui_fail "a name ran as a command: $found"
}

tui_start "$SKUA"
tui_wait "Hostile" 20
# Hostile sorts after the folders dovecot makes: the last in the sidebar.
tui_keys '*' Enter
tui_wait "Hostile attachment names" 20
tui_keys Enter
tui_wait "Subject: Hostile attachment names" 10
tui_wait "These attachments have hostile names." 20
tui_keys v
tui_wait "Attachments of: Hostile attachment names"
tui_wait "[application/pdf"

# Enter: the PDF through its mailcap entry.
tui_keys Enter
for ((i = 0; i < 200; i++)); do
	[ -s "$tmp/out/opened.path" ] && break
	sleep 0.05
done
[ -s "$tmp/out/opened.path" ] || tui_fail "the mailcap viewer did not run"
tui_wait "Attachments of: Hostile attachment names"
got=$(sha256sum "$tmp/out/opened.pdf" | cut -d' ' -f1)
[ "$got" = "$pdf_sum" ] || tui_fail "the viewer got $got, not $pdf_sum"
opened=$(cat "$tmp/out/opened.path")
case $opened in
"$tmp/tmp/skua-"*/*.pdf) ;;
*) tui_fail "the viewer's file is $opened, not in a private directory" ;;
esac
name=${opened##*/}
[[ $name =~ ^[A-Za-z0-9._+-]+$ ]] || tui_fail "an unsafe name: $name"
# The file and its directory are gone once the viewer ended.
for ((i = 0; i < 100; i++)); do
	[ -e "$opened" ] || [ -e "${opened%/*}" ] || break
	sleep 0.05
done
[ ! -e "$opened" ] || tui_fail "$opened is still there"
[ ! -e "${opened%/*}" ] || tui_fail "${opened%/*} is still there"
no_pwned

# |: the text attachment piped to a command, which gets the terminal and
# its bytes on stdin; a key brings skua back.
tui_keys j
tui_keys '|'
tui_wait "Pipe to:"
tui_keys -l "sha256sum > $tmp/out/piped.sum"
tui_keys Enter
tui_wait "Press any key to continue..." 20
tui_keys Space
tui_wait "Attachments of: Hostile attachment names"
tui_wait "Piped "
got=$(cut -d' ' -f1 "$tmp/out/piped.sum")
[ "$got" = "$text_sum" ] || tui_fail "the pipe got $got, not $text_sum"
no_pwned

# Esc at the prompt pipes nothing.
tui_keys '|'
tui_wait "Pipe to:"
tui_keys Escape
tui_wait "Not piped."

# A viewer that fails: its words stay until a key, then the message line
# says so.
tui_keys Enter
tui_wait "viewer failed" 20
tui_wait "Press any key to continue..."
tui_keys Space
tui_wait "sh failed (exit status 3)." 10
# skua's screen is whole again: nothing of the command's is left.
tui_wait_gone "viewer failed"
tui_wait_gone "Press any key"
tui_wait "Attachments of: Hostile attachment names"

# No entry for image/png: said plainly, nothing fetched.
tui_keys j
tui_keys m
tui_wait "No mailcap entry for image/png" 10

tui_keys q
tui_wait_gone "Attachments of:"
tui_keys q q q
tui_wait_exit 10
[ "$TUI_STATUS" = 0 ] || tui_fail "skua exited with $TUI_STATUS"
no_pwned
left=$(ls -A "$tmp/tmp")
[ -z "$left" ] || tui_fail "left in TMPDIR: $left"
echo "PASS: attachments opened through mailcap and piped"
