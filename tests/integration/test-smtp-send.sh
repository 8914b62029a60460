#!/bin/bash
# test-smtp-send: a draft built by compose and sent by smtp-send to the
# loopback sink arrives byte for byte, with the envelope (Bcc included),
# over STARTTLS and implicit TLS, with a password or an OAuth token; a
# refused login, recipient, a 4xx and a dead server give the right status;
# a sendmail command gets the message and the recipients.
set -u

. "$(dirname "$0")/lib.sh"

sink=$lib_here/rig/smtp-sink
smtp_probe=${top_builddir:-$lib_here/../..}/tests/integration/smtp-probe

sinks=()
sink_cleanup() {
	local d
	for d in "${sinks[@]}"; do
		"$sink" stop "$d" >/dev/null 2>&1
	done
	lib_cleanup
}
trap sink_cleanup EXIT

# start_sink NAME [OPTIONS]: a sink in $tmp/NAME, its settings in SINK_*.
start_sink() {
	local d=$tmp/$1
	shift
	"$sink" start "$d" "$@" || { fail "smtp-sink did not start"; finish; }
	sinks+=("$d")
	. "$d/sink.env"
}

# send DRAFT OUT [PROBE OPTIONS]: prints the status word.
send() {
	local draft=$1 out=$2
	shift 2
	"$smtp_probe" -h 127.0.0.1 "$@" "$draft" "$out" 2>"$out.err" |
		sed -n 's/^status=//p'
}

expect() {	# expect WANT GOT WHAT
	if [ "$2" = "$1" ]; then
		ok "$3: $1"
	else
		fail "$3: wanted $1, got '$2' ($(cat "$4.err" 2>/dev/null))"
	fi
}

cat >"$tmp/draft" <<'EOF'
From: Me Myself <me@example.org>
To: Bob <bob@example.org>
Cc: carol@example.org
Bcc: Hidden <hidden@example.org>
Subject: Grüße über SMTP

Hallo Bob,
.a line starting with a dot
.
done.
EOF

start_sink main
main=$tmp/main

# --- STARTTLS, AUTH PLAIN ---------------------------------------------------
st=$(send "$tmp/draft" "$tmp/out1" -t starttls -p "$SINK_PORT" \
	-c "$SINK_CA" -u "$SINK_USER" -w "$SINK_PASS")
expect ok "$st" "STARTTLS send" "$tmp/out1"
if cmp -s "$tmp/out1" "$main/mail/1.eml"; then
	ok "the sink got exactly the bytes built"
else
	fail "the message differs from what was built"
fi
want="MAIL FROM:<me@example.org>
RCPT TO:<bob@example.org>
RCPT TO:<carol@example.org>
RCPT TO:<hidden@example.org>
AUTH sinkuser"
if [ "$(cat "$main/mail/1.env" 2>/dev/null)" = "$want" ]; then
	ok "envelope: sender, To, Cc and Bcc, logged in"
else
	fail "envelope: $(cat "$main/mail/1.env" 2>/dev/null)"
fi
if grep -qi 'hidden' "$tmp/out1"; then
	fail "the Bcc address is in the message"
else
	ok "no Bcc in the message"
fi
subject=$'Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe_=C3=BCber?= SMTP\r'
grep -qxF "$subject" "$tmp/out1" && ok "encoded subject" ||
	fail "subject: $(grep Subject "$tmp/out1")"

# --- implicit TLS, and XOAUTH2 --------------------------------------------
st=$(send "$tmp/draft" "$tmp/out2" -t implicit -p "$SINK_TLS_PORT" \
	-c "$SINK_CA" -u "$SINK_USER" -w "$SINK_PASS")
expect ok "$st" "implicit TLS send" "$tmp/out2"
cmp -s "$tmp/out2" "$main/mail/2.eml" && ok "implicit TLS: same bytes" ||
	fail "implicit TLS: the message differs"

st=$(send "$tmp/draft" "$tmp/out3" -t implicit -p "$SINK_TLS_PORT" \
	-c "$SINK_CA" -u "$SINK_USER" -o "$SINK_TOKEN")
expect ok "$st" "XOAUTH2 login" "$tmp/out3"
grep -qx 'AUTH sinkuser' "$main/mail/3.env" 2>/dev/null &&
	ok "XOAUTH2: logged in as the user" || fail "XOAUTH2: not logged in"

# --- refusals -------------------------------------------------------------
st=$(send "$tmp/draft" "$tmp/out4" -t starttls -p "$SINK_PORT" \
	-c "$SINK_CA" -u "$SINK_USER" -w "wrong password")
expect auth "$st" "wrong password" "$tmp/out4"
grep -q '535' "$tmp/out4.err" && ok "the error names the server's reply" ||
	fail "no 535 in: $(cat "$tmp/out4.err")"

# Without the sink's CA (the system store) the certificate is unknown.
st=$(send "$tmp/draft" "$tmp/out5" -t implicit -p "$SINK_TLS_PORT" \
	-u "$SINK_USER" -w "$SINK_PASS")
expect certificate "$st" "a certificate from an unknown CA" "$tmp/out5"

st=$(send "$tmp/draft" "$tmp/out6" -t implicit -p "$SINK_TLS_PORT" \
	-c "$SINK_CA" -u "$SINK_USER" -o "wrong-token")
expect auth "$st" "wrong OAuth token" "$tmp/out6"

[ ! -e "$main/mail/4.eml" ] && ok "nothing stored after refusals" ||
	fail "a refused send was stored"

start_sink reject --reject-rcpt carol@example.org
st=$(send "$tmp/draft" "$tmp/out7" -t starttls -p "$SINK_PORT" \
	-c "$SINK_CA" -u "$SINK_USER" -w "$SINK_PASS")
expect permanent "$st" "a rejected recipient" "$tmp/out7"
grep -q 'carol@example.org.*550' "$tmp/out7.err" &&
	ok "the error names the recipient and the reply" ||
	fail "error: $(cat "$tmp/out7.err")"
[ -z "$(ls "$tmp/reject/mail")" ] && ok "nothing sent after a refused RCPT" ||
	fail "the message was sent anyway"

start_sink fail --fail-auth
st=$(send "$tmp/draft" "$tmp/out8" -t starttls -p "$SINK_PORT" \
	-c "$SINK_CA" -u "$SINK_USER" -w "$SINK_PASS")
expect auth "$st" "login refused (--fail-auth)" "$tmp/out8"

start_sink temp --tempfail
st=$(send "$tmp/draft" "$tmp/out9" -t starttls -p "$SINK_PORT" \
	-c "$SINK_CA" -u "$SINK_USER" -w "$SINK_PASS")
expect temporary "$st" "451 after DATA" "$tmp/out9"
port=$SINK_PORT
"$sink" stop "$tmp/temp"
st=$(send "$tmp/draft" "$tmp/out10" -t starttls -p "$port" \
	-c "$SINK_CA" -u "$SINK_USER" -w "$SINK_PASS")
expect temporary "$st" "the server stopped" "$tmp/out10"

# --- no TLS at all, no login (a local relay) ------------------------------
. "$main/sink.env"
st=$(send "$tmp/draft" "$tmp/out11" -t none -p "$SINK_PORT")
expect ok "$st" "plain SMTP without login" "$tmp/out11"

# --- sendmail command ------------------------------------------------------
cat >"$tmp/sendmail" <<EOF
#!/bin/sh
printf '%s\n' "\$@" >"$tmp/sendmail.args"
cat >"$tmp/sendmail.in"
exit \${SENDMAIL_EXIT:-0}
EOF
chmod +x "$tmp/sendmail"
st=$(send "$tmp/draft" "$tmp/out12" -s "$tmp/sendmail -oi")
expect ok "$st" "sendmail command" "$tmp/out12"
if tr -d '\r' <"$tmp/out12" | cmp -s - "$tmp/sendmail.in"; then
	ok "sendmail got the message on stdin (LF line ends)"
else
	fail "sendmail's input differs"
fi
want="-oi
bob@example.org
carol@example.org
hidden@example.org"
[ "$(cat "$tmp/sendmail.args")" = "$want" ] &&
	ok "sendmail got the recipients, Bcc too" ||
	fail "sendmail args: $(cat "$tmp/sendmail.args")"
st=$(SENDMAIL_EXIT=75 send "$tmp/draft" "$tmp/out13" -s "$tmp/sendmail")
expect temporary "$st" "sendmail EX_TEMPFAIL" "$tmp/out13"
st=$(SENDMAIL_EXIT=67 send "$tmp/draft" "$tmp/out14" -s "$tmp/sendmail")
expect permanent "$st" "sendmail EX_NOUSER" "$tmp/out14"

finish
