#!/bin/bash
# test-send: MSG_REQ_SEND through the account worker, with the dovecot rig
# and the loopback SMTP sink: the message arrives byte for byte with its
# envelope and a copy lands in the IMAP Sent folder; with the sink down it
# stays in the outbox and a later outbox-flush sends it exactly once; a
# wrong SMTP password keeps it too; save_sent = no saves nothing; a POP3
# account's copy goes to its local Maildir's Sent.
set -uo pipefail

. "$(dirname "$0")/lib.sh"

sink=$lib_here/rig/smtp-sink

sinks=()
send_cleanup() {
	local d
	for d in "${sinks[@]}"; do
		"$sink" stop "$d" >/dev/null 2>&1
	done
	lib_cleanup
}
trap send_cleanup EXIT

# start_sink NAME: a sink in $tmp/NAME, its settings in SINK_*, and a CA
# file that trusts both it and the rig.
start_sink() {
	"$sink" start "$tmp/$1" || { fail "smtp-sink did not start"; finish; }
	sinks+=("$tmp/$1")
	. "$tmp/$1/sink.env"
	cat "$RIG_CA" "$SINK_CA" >"$tmp/ca.pem"
}

"$rig" start "$tmp/rig" >/dev/null 2>&1 || { fail "rig did not start"; finish; }
"$rig" populate "$tmp/rig" --inbox 3 >/dev/null 2>&1
. "$tmp/rig/rig.env"
export XDG_CACHE_HOME=$tmp/xdg/cache XDG_DATA_HOME=$tmp/xdg/data \
	XDG_STATE_HOME=$tmp/xdg/state
outbox=$XDG_DATA_HOME/skua/mail/outbox
printf '%s\n' "$RIG_PASS" >"$tmp/pass"

# conf FILE [LINE...]: the rig's IMAP account, sending to the sink.
conf() {
	local file=$1
	shift
	write_conf "$file" "from = Me <me@example.org>" \
		"smtp_host = 127.0.0.1" "smtp_port = $SINK_PORT" \
		"smtp_user = $SINK_USER" \
		"smtp_password_command = cat $tmp/smtppass" "$@"
	sed -i "s|^tls_ca_file = .*|tls_ca_file = $tmp/ca.pem|" "$file"
}

# message FILE SUBJECT: a built message (CRLF line ends).
message() {
	printf 'From: Me <me@example.org>\r\nTo: Bob <bob@example.org>\r\n%s\r\n%s\r\n\r\n%s\r\n.dot line\r\n' \
		"Subject: $2" "Message-ID: <$2@example.org>" "Hello from $2." >"$1"
}

# in_sent SUBJECT: how many messages in Sent have it.
in_sent() {
	imap "c.select('Sent')" "t, d = c.search(None, 'SUBJECT', '$1')
print(len(d[0].split()))"
}

queued() { ls "$outbox"/*.msg 2>/dev/null | wc -l; }

# --- sent, copied to Sent -------------------------------------------------
start_sink one
printf '%s\n' "$SINK_PASS" >"$tmp/smtppass"
conf "$tmp/s.conf"
message "$tmp/m1" send-one
out=$("$probe" "$tmp/s.conf" mail send "$tmp/m1" bob@example.org \
	hidden@example.org 2>&1)
if [ $? = 0 ] && grep -q ' DONE$' <<<"$out"; then
	ok "sent"
else
	fail "send: $out"
fi
cmp -s "$tmp/m1" "$tmp/one/mail/1.eml" && ok "the sink got the same bytes" ||
	fail "the message differs at the sink"
env1=$(cat "$tmp/one/mail/1.env" 2>/dev/null)
if grep -q '^MAIL FROM:<me@example.org>' <<<"$env1" &&
    grep -qx 'RCPT TO:<bob@example.org>' <<<"$env1" &&
    grep -qx 'RCPT TO:<hidden@example.org>' <<<"$env1" &&
    grep -qx "AUTH $SINK_USER" <<<"$env1"; then
	ok "envelope: the from address, both recipients, logged in"
else
	fail "envelope: $env1"
fi
[ "$(in_sent send-one)" = 1 ] && ok "a copy in Sent" ||
	fail "Sent has $(in_sent send-one) copies"
[ "$(queued)" = 0 ] && ok "the outbox is empty once sent" ||
	fail "the outbox still has $(queued)"

# --- the server is down: kept, then flushed once --------------------------
"$sink" stop "$tmp/one"
message "$tmp/m2" send-two
out=$("$probe" "$tmp/s.conf" mail send "$tmp/m2" bob@example.org 2>&1)
if [ $? = 1 ] && grep -q 'ERROR .*kept in the outbox and will be retried' \
    <<<"$out"; then
	ok "server down: kept in the outbox"
else
	fail "server down: $out"
fi
[ "$(queued)" = 1 ] && ok "the outbox file is there" ||
	fail "the outbox has $(queued)"
out=$("$probe" "$tmp/s.conf" mail outbox-list 2>&1)
grep -q 'OUTBOX .* subject send-two to bob@example.org attempts 1 error .' \
	<<<"$out" && ok "outbox-list: subject, recipient, one failed try" ||
	fail "outbox-list: $out"

start_sink two
conf "$tmp/s.conf"
out=$("$probe" "$tmp/s.conf" mail outbox-flush 2>&1)
[ $? = 0 ] && ok "outbox-flush" || fail "outbox-flush: $out"
cmp -s "$tmp/m2" "$tmp/two/mail/1.eml" && ok "flushed: the same bytes" ||
	fail "flushed message differs"
[ ! -e "$tmp/two/mail/2.eml" ] && ok "sent exactly once" ||
	fail "sent more than once"
[ "$(queued)" = 0 ] && ok "the outbox is empty after the flush" ||
	fail "the outbox still has $(queued)"
[ "$(in_sent send-two)" = 1 ] && ok "the flushed message's copy in Sent" ||
	fail "Sent has $(in_sent send-two) copies of the flushed one"
out=$("$probe" "$tmp/s.conf" mail outbox-flush 2>&1)
[ $? = 0 ] && [ ! -e "$tmp/two/mail/2.eml" ] &&
	ok "a second flush sends nothing" || fail "second flush: $out"

# --- a wrong password ------------------------------------------------------
printf 'wrong\n' >"$tmp/smtppass"
message "$tmp/m3" send-three
out=$("$probe" "$tmp/s.conf" mail send "$tmp/m3" bob@example.org 2>&1)
if [ $? = 1 ] && grep -q 'ERROR The login .*535.*kept in the outbox' \
    <<<"$out"; then
	ok "wrong password: the login error, kept in the outbox"
else
	fail "wrong password: $out"
fi
[ "$(queued)" = 1 ] && ok "the refused message is queued" ||
	fail "the outbox has $(queued)"
printf '%s\n' "$SINK_PASS" >"$tmp/smtppass"
"$probe" "$tmp/s.conf" mail outbox-flush >/dev/null 2>&1
cmp -s "$tmp/m3" "$tmp/two/mail/2.eml" && [ "$(queued)" = 0 ] &&
	ok "sent once the password is right" || fail "not sent after the fix"

# --- save_sent = no ----------------------------------------------------------
conf "$tmp/nosave.conf" "save_sent = no"
message "$tmp/m4" send-four
out=$("$probe" "$tmp/nosave.conf" mail send "$tmp/m4" bob@example.org 2>&1)
[ $? = 0 ] && cmp -s "$tmp/m4" "$tmp/two/mail/3.eml" &&
	ok "save_sent = no: sent" || fail "save_sent = no: $out"
[ "$(in_sent send-four)" = 0 ] && ok "save_sent = no: nothing in Sent" ||
	fail "save_sent = no: a copy in Sent"

# --- a POP3 account: the copy in the local Maildir's Sent -------------------
{
	printf '[account pop]\nprotocol = pop3\nhost = 127.0.0.1\n'
	printf 'port = %s\ntls_ca_file = %s\nuser = %s\n' "$RIG_POP3S_PORT" \
		"$tmp/ca.pem" "$RIG_USER"
	printf 'password_command = cat %s\nfrom = Me <me@example.org>\n' \
		"$tmp/pass"
	printf 'smtp_host = 127.0.0.1\nsmtp_port = %s\nsmtp_user = %s\n' \
		"$SINK_PORT" "$SINK_USER"
	printf 'smtp_password_command = cat %s\n' "$tmp/smtppass"
} >"$tmp/pop.conf"
chmod 600 "$tmp/pop.conf"
message "$tmp/m5" send-five
out=$("$probe" -s "" "$tmp/pop.conf" pop send "$tmp/m5" bob@example.org 2>&1)
[ $? = 0 ] && cmp -s "$tmp/m5" "$tmp/two/mail/4.eml" && ok "POP3: sent" ||
	fail "POP3 send: $out"
copy=$(ls "$XDG_DATA_HOME"/skua/pop/mail/.Sent/cur/* 2>/dev/null)
if [ "$(wc -l <<<"$copy")" = 1 ] && cmp -s "$tmp/m5" "$copy"; then
	ok "POP3: the copy in the local Sent, seen"
else
	fail "POP3: Sent has: $copy"
fi
case $copy in *:2,S) ;; *) fail "POP3: the copy is not marked seen: $copy" ;; esac

# --- sendmail_command instead of SMTP ---------------------------------------
cat >"$tmp/sendmail" <<EOF
#!/bin/sh
printf '%s\n' "\$@" >"$tmp/sendmail.args"
cat >"$tmp/sendmail.in"
EOF
chmod +x "$tmp/sendmail"
write_conf "$tmp/sm.conf" "from = Me <me@example.org>" \
	"sendmail_command = $tmp/sendmail -oi" "save_sent = no"
message "$tmp/m6" send-six
out=$("$probe" "$tmp/sm.conf" mail send "$tmp/m6" bob@example.org \
	carol@example.org 2>&1)
if [ $? = 0 ] && [ "$(cat "$tmp/sendmail.args")" = "-oi
bob@example.org
carol@example.org" ] && tr -d '\r' <"$tmp/m6" | cmp -s - "$tmp/sendmail.in"
then
	ok "sendmail_command: the recipients and the message"
else
	fail "sendmail_command: $out"
fi
[ "$(queued)" = 0 ] && ok "sendmail_command: nothing left queued" ||
	fail "sendmail_command: the outbox has $(queued)"

finish
