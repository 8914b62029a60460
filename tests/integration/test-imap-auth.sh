#!/bin/bash
# test-imap-auth: a password goes out as AUTHENTICATE PLAIN where the server
# offers AUTH=PLAIN (with SASL-IR on the command line, else after the "+"),
# as LOGIN where it does not, and not at all under LOGINDISABLED; the
# protocol trace never shows it. dovecot logs the LOGIN command as
# method=PLAIN too, so the mechanism is read from skua's own trace.
set -uo pipefail

. "$(dirname "$0")/lib.sh"
fake=$lib_here/../fake-server/fake-server

# login PROFILE CONF: list folders with the debug trace in $tmp/PROFILE.log.
login() {
	rm -f "$tmp/$1.log"
	ACCOUNT_PROBE_LOG=$tmp/$1.log "$probe" "$2" mail list
}

# secret_free LOG: neither the password nor its PLAIN encoding is logged.
secret_free() {
	local plain
	plain=$(printf '\0%s\0%s' "$RIG_USER" "$RIG_PASS" | base64 -w0)
	if grep -qF -- "$RIG_PASS" "$1" || grep -qF -- "$plain" "$1"; then
		fail "the password is in $1"
	else
		ok "neither the password nor its base64 is in the trace"
	fi
}

for profile in full reduced; do
	LABEL=$profile
	"$rig" start "$tmp/rig-$profile" --profile "$profile" >/dev/null 2>&1 ||
		{ fail "rig failed"; continue; }
	# shellcheck disable=SC1091
	. "$tmp/rig-$profile/rig.env"
	export XDG_CACHE_HOME=$tmp/$profile/cache \
		XDG_DATA_HOME=$tmp/$profile/data \
		XDG_STATE_HOME=$tmp/$profile/state
	write_conf "$tmp/$profile.conf"
	out=$(login "$profile" "$tmp/$profile.conf")
	grep -q "STATE online" <<<"$out" && grep -q "DONE" <<<"$out" &&
		ok "logged in" || fail "login: $out"
	log=$tmp/$profile.log
	if [ "$profile" = full ]; then
		# SASL-IR: "tag AUTHENTICATE PLAIN <response>" in one line.
		grep -q "> [0-9]* AUTHENTICATE PLAIN \*\*\*$" "$log" &&
			ok "AUTHENTICATE PLAIN with SASL-IR: $(grep -o \
			'> [0-9]* AUTHENTICATE PLAIN \*\*\*$' "$log")" ||
			fail "no AUTHENTICATE PLAIN with SASL-IR in the trace"
	else
		# No SASL-IR: the command, the server's "+", the response.
		grep -A2 "> [0-9]* AUTHENTICATE PLAIN$" "$log" |
			grep -q "< +" &&
			grep -A2 "> [0-9]* AUTHENTICATE PLAIN$" "$log" |
			grep -q "> \*\*\*$" &&
			ok "AUTHENTICATE PLAIN, response after the +, redacted" ||
			fail "no AUTHENTICATE PLAIN continuation in the trace"
	fi
	grep -q "> [0-9]* LOGIN " "$log" &&
		fail "LOGIN was used although AUTH=PLAIN is offered"
	grep -q "logged in to 127.0.0.1 as skua with PLAIN" "$log" &&
		ok "the log names the mechanism" ||
		fail "no 'with PLAIN' in the log"
	secret_free "$log"
	grep -q "Login: user=<skua>, method=PLAIN" "$RIG_LOG" &&
		ok "dovecot says: method=PLAIN" || fail "dovecot: no PLAIN login"

	# A wrong password is the server's refusal, said plainly.
	sed "s|cat $tmp/pass|echo wrong-password|" "$tmp/$profile.conf" \
		> "$tmp/$profile-wrong.conf"
	out=$(login "$profile-wrong" "$tmp/$profile-wrong.conf")
	grep -q "STATE offline 127.0.0.1: login (AUTHENTICATE PLAIN): the server said: .*Authentication failed" \
		<<<"$out" && ok "wrong password: $(grep -o 'STATE.*' <<<"$out")" ||
		fail "wrong password: $out"
	grep -q "wrong-password" "$tmp/$profile-wrong.log" &&
		fail "the wrong password is in the trace"
	"$rig" stop "$tmp/rig-$profile" >/dev/null 2>&1
done
LABEL=

echo "# AUTH=LOGIN only: dovecot then disables the LOGIN command"
"$rig" start "$tmp/rig-login" --mechanisms login >/dev/null 2>&1 ||
	fail "rig --mechanisms login failed"
# shellcheck disable=SC1091
. "$tmp/rig-login/rig.env"
write_conf "$tmp/login.conf"
out=$(login login "$tmp/login.conf")
grep -q "STATE offline 127.0.0.1: the server disabled LOGIN here" \
	<<<"$out" && ok "LOGINDISABLED without AUTH=PLAIN: refused, nothing sent" ||
	fail "LOGINDISABLED: $out"
grep -Eq "> [0-9]+ (LOGIN|AUTHENTICATE)" "$tmp/login.log" &&
	fail "a login was attempted under LOGINDISABLED"
"$rig" stop "$tmp/rig-login" >/dev/null 2>&1

echo "# no AUTH=PLAIN (fake server): the LOGIN command"
cat > "$tmp/login.script" <<'SCRIPT'
S * OK [CAPABILITY IMAP4rev1 AUTH=CRAM-MD5] fake-server ready
C~ (?P<T>\S+) LOGIN skua "?skua-pass"?
S * CAPABILITY IMAP4rev1
S ${T} OK logged in
C * LIST "" "*"
S * LIST (\HasNoChildren) "/" INBOX
S ${TAG} OK LIST done
C * LSUB "" "*"
S ${TAG} OK LSUB done
C * STATUS INBOX *
S * STATUS INBOX (MESSAGES 0 UNSEEN 0)
S ${TAG} OK STATUS done
IF-C * LOGOUT
S * BYE bye
S ${TAG} OK LOGOUT done
END
SCRIPT
rm -f "$tmp/port"
"$fake" --script "$tmp/login.script" --port-file "$tmp/port" --timeout 15 \
	2>"$tmp/fake.err" &
pid=$!
for ((i = 0; i < 100; i++)); do
	[ -s "$tmp/port" ] && break
	sleep 0.05
done
cat > "$tmp/fake.conf" <<CONF
[account mail]
protocol = imap
host = 127.0.0.1
port = $(cat "$tmp/port")
tls = none
allow_plaintext_password = yes
user = skua
password_command = cat $tmp/pass
CONF
out=$(login fake "$tmp/fake.conf")
if ! wait "$pid"; then
	fail "the fake server says:"
	sed 's/^/    /' "$tmp/fake.err" >&2
fi
grep -q "STATE online" <<<"$out" && ok "logged in with LOGIN" ||
	fail "LOGIN: $out"
grep -q "> [0-9]* LOGIN skua \*\*\*$" "$tmp/fake.log" &&
	ok "the trace shows LOGIN skua ***" || fail "no redacted LOGIN line"
secret_free "$tmp/fake.log"
finish
