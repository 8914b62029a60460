#!/bin/bash
# test-imap-read: reading IMAP mail the way the mission says: a message is
# fetched when opened (only its text part), attachments only when saved
# (checksummed), \Seen set on the server, cached parts read offline,
# uncached ones refused plainly, and a dropped connection recovered.
set -uo pipefail

. "$(dirname "$0")/lib.sh"

# The same checks against the full and the reduced-capability server.
run_profile() {
profile=$1
LABEL=$profile
"$rig" start "$tmp/rig-$profile" --profile "$profile" >/dev/null 2>&1 ||
	{ fail "rig failed"; return; }
"$rig" populate "$tmp/rig-$profile" --big-attachment-mb 3 >/dev/null 2>&1
# shellcheck disable=SC1091
. "$tmp/rig-$profile/rig.env"
export XDG_CACHE_HOME=$tmp/$profile/cache XDG_DATA_HOME=$tmp/$profile/data \
	XDG_STATE_HOME=$tmp/$profile/state
conf=$tmp/$profile.conf
write_conf "$conf" "download_confirm_mb = 1"
db=$XDG_CACHE_HOME/skua/mail/mirror.db
"$probe" "$conf" mail open INBOX >/dev/null || fail "open INBOX"
big=$(sqlite3 "$db" "select uid from message where size > 3000000")
small=$(sqlite3 "$db" "select uid from message where size < 3000 and \
    uid <> $big order by uid limit 1")
[ -n "$big" ] && [ -n "$small" ] || { fail "no test messages"; return; }

echo "# opening the message with a 3 MB attachment"
# Make it unread first (through another client), and let skua see that.
imap 'c.select("INBOX")' "c.uid('STORE', '$big', '-FLAGS', '(\\\\Seen)')"
"$probe" "$conf" mail open INBOX >/dev/null || fail "reopen INBOX"
[ "$(sqlite3 "$db" "select flags & 1 from message where uid = $big")" = 0 ] ||
	fail "the message is not unread in the mirror"
sleep 0.3
out=$("$probe" "$conf" mail fetch INBOX "$big")
sleep 0.5
bytes=$(last_out)
grep -q "TEXT section 1 type text/plain" <<<"$out" &&
	grep -q "Here is the archive with everything (3 MB)." <<<"$out" &&
	ok "text part shown" || fail "text part: $out"
grep -q "ATTACHMENT section 2 name archive-3MB.zip type application/zip" \
	<<<"$out" && ok "attachment listed with name, type and size" ||
	fail "attachment list: $out"
grep -qx "HEADER Subject: Big attachment (3 MB)" <<<"$out" &&
	grep -qx "HEADER To: Skua User <skua@example.test>" <<<"$out" &&
	ok "the headers come with the text" || fail "headers: $out"
[ -n "$bytes" ] && [ "$bytes" -lt 16384 ] &&
	ok "server sent $bytes bytes for it (the attachment was not fetched)" ||
	fail "opening it cost $bytes bytes"
grep -q "FLAGS uid $big flags" <<<"$out" && ok "marked read" ||
	fail "no \\Seen event: $out"
seen=$(imap 'c.select("INBOX")' \
	"print(c.uid('FETCH', '$big', '(FLAGS)')[1][0].decode())")
grep -q 'Seen' <<<"$seen" && ok "\\Seen set on the server" ||
	fail "server flags: $seen"

echo "# a text part over download_confirm_mb is a question"
imap 'c.append("INBOX", None, None, b"From: x@example.org\r\nSubject: Huge text\r\nContent-Type: text/plain\r\n\r\n" + b"0123456789abcdef\r\n" * 120000)'
"$probe" "$conf" mail open INBOX >/dev/null
huge=$(sqlite3 "$db" "select uid from message where subject = 'Huge text'")
out=$("$probe" "$conf" mail fetch INBOX "$huge")
grep -q "QUESTION 3 answered n" <<<"$out" &&
	grep -q "ERROR not downloaded: its text is 2.1 MB" <<<"$out" &&
	ok "declined: not downloaded" || fail "declined: $out"
out=$("$probe" -y "$conf" mail fetch INBOX "$huge")
grep -q "TEXT section 1 type text/plain notes 0 bytes 2040000" <<<"$out" &&
	ok "accepted: shown" || fail "accepted: $(head -5 <<<"$out")"

echo "# saving the attachment"
out=$("$probe" "$conf" mail save INBOX "$big" 2 "$tmp/$profile-saved.zip")
grep -q DONE <<<"$out" && grep -q PROGRESS <<<"$out" &&
	ok "saved with progress" || fail "save: $out"
want=$("$py" -c 'import random, hashlib
print(hashlib.sha256(random.Random("1:big").randbytes(3 * 1024 * 1024)).hexdigest())')
got=$(sha256sum "$tmp/$profile-saved.zip" | cut -d' ' -f1)
[ "$want" = "$got" ] && ok "saved attachment intact (sha256 $got)" ||
	fail "checksum $got, want $want"
out=$("$probe" "$conf" mail save INBOX "$big" 2 "$tmp/$profile-saved.zip")
grep -q "exists; not overwritten" <<<"$out" &&
	ok "an existing file is not overwritten" || fail "overwrite: $out"

echo "# a dropped connection is recovered"
( sleep 1.5; doveadm -c "$RIG_DIR/dovecot.conf" kick "$RIG_USER" \
	>/dev/null 2>&1 ) &
out=$("$probe" "$conf" mail open INBOX + pause 3000 + open INBOX)
wait
[ "$(grep -c "^[0-9]* DONE" <<<"$out")" = 2 ] && ok "second open after a kick: DONE" ||
	fail "after the kick: $out"

echo "# --debug: the protocol trace, without the password"
rm -f "$XDG_STATE_HOME/skua/skua.log"
"$skua" --debug -F "$conf" sync mail/INBOX >/dev/null 2>&1
log=$XDG_STATE_HOME/skua/skua.log
# Both profiles offer AUTH=PLAIN: with SASL-IR (full) the response is on
# the command line, without (reduced) on the next; test-imap-auth has more.
grep -Eq "> [0-9]+ AUTHENTICATE PLAIN \*\*\*$|> \*\*\*$" "$log" &&
	grep -q "< .* OK" "$log" &&
	ok "the trace shows AUTHENTICATE PLAIN with the password redacted" ||
	fail "no redacted AUTHENTICATE PLAIN in the trace"
grep -q -- "$RIG_PASS" "$log" && fail "the password is in the log"
ACCOUNT_PROBE_LOG=$tmp/$profile-probe.log "$probe" "$conf" mail open INBOX >/dev/null
grep -q "open INBOX: the server sent [0-9]* bytes" "$tmp/$profile-probe.log" &&
	ok "bytes per action logged: $(grep -o 'open INBOX: the server sent [0-9]* bytes' "$tmp/$profile-probe.log")" ||
	fail "no byte count in the debug log"

echo "# skua sync --bodies caches every text part"
"$skua" -F "$conf" sync --bodies mail/Sent >/dev/null 2>&1 ||
	fail "skua sync --bodies failed"
sent=$(sqlite3 "$db" "select uid from message m join folder f on \
    m.folder_id = f.id where f.name = 'Sent' order by uid limit 1")

echo "# a failing password_command is tried again later"
sed "s|cat $tmp/pass|cat $tmp/$profile-late-pass|" "$conf" > "$tmp/$profile-late.conf"
( sleep 1; printf '%s\n' "$RIG_PASS" > "$tmp/$profile-late-pass" ) &
out=$("$probe" "$tmp/$profile-late.conf" mail list + pause 3000 + list)
wait
grep -q "STATE offline password_command: the command failed" <<<"$out" &&
	grep -q "STATE online" <<<"$out" &&
	ok "offline while the command fails, online once it works" ||
	fail "password_command retry: $out"

echo "# an HTML-only message, through html_command (w3m)"
html=$(sqlite3 "$db" "select uid from message where bodystructure like \
    'mime_' || char(10) || '0 text html %' limit 1")
out=$("$probe" "$conf" mail fetch INBOX "$html")
# notes 8: RENDER_NOTE_HTML_COMMAND; w3m leaves no tags behind.
grep -q "TEXT section 1 type text/html notes 8 " <<<"$out" &&
	! grep -q "<p>" <<<"$out" && grep -q DONE <<<"$out" &&
	ok "HTML shown as text by html_command" || fail "HTML: $out"

echo "# offline"
"$rig" stop "$tmp/rig-$profile" >/dev/null 2>&1
out=$("$probe" "$conf" mail fetch INBOX "$big")
grep -q "Here is the archive" <<<"$out" && grep -q DONE <<<"$out" &&
	ok "a cached message reads offline" || fail "offline cached: $out"
out=$("$probe" "$conf" mail fetch INBOX "$small")
grep -q "ERROR this part is not cached, and the server is unreachable" \
	<<<"$out" && ok "an uncached one says so plainly" ||
	fail "offline uncached: $out"
out=$("$probe" "$conf" mail fetch Sent "$sent")
grep -q "TEXT section" <<<"$out" && grep -q DONE <<<"$out" &&
	ok "a message cached by sync --bodies reads offline" ||
	fail "offline after --bodies: $out"

}

run_profile full
run_profile reduced
finish
