#!/bin/bash
# test-imap-oauth: oauth2_token_command: the token goes out as OAUTHBEARER
# (RFC 7628) where the server offers it, else as XOAUTH2, with SASL-IR or
# after the server's "+", and never over an unencrypted connection unless
# the account allows it. A refused token is acknowledged as each mechanism
# wants and reported with the server's reason. Scripted fake servers fail
# the run if the client sends anything else; a real dovecot checks tokens
# through an introspection server this script runs.
set -uo pipefail

. "$(dirname "$0")/lib.sh"
here=$lib_here
fake=$here/../fake-server/fake-server
export XDG_CACHE_HOME=$tmp/cache XDG_DATA_HOME=$tmp/data XDG_STATE_HOME=$tmp/state

b64() { printf "$1" | base64 -w0; }

# The rest of a session once logged in: one folder, then LOGOUT.
after_login='C * LIST "" "*"
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
END'

xoauth2=$(b64 'user=skua\001auth=Bearer tok123\001\001')
cat > "$tmp/xoauth2.script" <<SCRIPT
S * OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2 SASL-IR] fake-server ready
C * AUTHENTICATE XOAUTH2 $xoauth2
S \${TAG} OK [CAPABILITY IMAP4rev1] authenticated
$after_login
SCRIPT
cat > "$tmp/refuse.script" <<'SCRIPT'
S * OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2 SASL-IR] fake-server ready
IF-C * LOGOUT
S * BYE bye
S ${TAG} OK LOGOUT done
END
EXPECT-CLOSE
SCRIPT
# Both offered: OAUTHBEARER wins. Its message names host and port, so the
# script takes any response and the transcript is checked afterwards.
cat > "$tmp/oauthbearer.script" <<SCRIPT
S * OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2 AUTH=OAUTHBEARER SASL-IR] ready
C~ (?P<T>\S+) AUTHENTICATE OAUTHBEARER [A-Za-z0-9+/=]+
S \${T} OK [CAPABILITY IMAP4rev1] authenticated
$after_login
SCRIPT
# Without SASL-IR the response follows the server's "+".
cat > "$tmp/oauthbearer-noir.script" <<SCRIPT
S * OK [CAPABILITY IMAP4rev1 AUTH=OAUTHBEARER] ready
C~ (?P<T>\S+) AUTHENTICATE OAUTHBEARER
S +\x20
C~ [A-Za-z0-9+/=]+
S * CAPABILITY IMAP4rev1
S \${T} OK authenticated
$after_login
SCRIPT
# A refused token: RFC 7628's JSON error as a challenge, which the client
# must answer with a lone 0x01 ("AQ==") before the NO comes.
error=$(b64 '{"status":"invalid_token","scope":"mail","openid-configuration":"https://example.org/.well-known/openid-configuration"}')
cat > "$tmp/oauthbearer-fail.script" <<SCRIPT
S * OK [CAPABILITY IMAP4rev1 AUTH=OAUTHBEARER SASL-IR] ready
C~ (?P<T>\S+) AUTHENTICATE OAUTHBEARER [A-Za-z0-9+/=]+
S + $error
C AQ==
S \${T} NO [AUTHENTICATIONFAILED] Authentication failed.
EXPECT-CLOSE
SCRIPT
# Google's XOAUTH2 error: answered with an empty line.
error=$(b64 '{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}')
cat > "$tmp/xoauth2-fail.script" <<SCRIPT
S * OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2 SASL-IR] ready
C~ (?P<T>\S+) AUTHENTICATE XOAUTH2 $xoauth2
S + $error
C
S \${T} NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)
EXPECT-CLOSE
SCRIPT
# Neither mechanism: nothing is sent.
cat > "$tmp/none.script" <<'SCRIPT'
S * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready
IF-C * LOGOUT
S * BYE bye
S ${TAG} OK LOGOUT done
END
EXPECT-CLOSE
SCRIPT

# conf FILE PORT TLS ALLOW TOKEN: an account with oauth2_token_command.
conf() {
	cat > "$1" <<CONF
[account mail]
protocol = imap
host = 127.0.0.1
port = $2
tls = $3
allow_plaintext_password = $4
user = skua
oauth2_token_command = echo $5
CONF
	[ "$3" = implicit ] && echo "tls_ca_file = $RIG_CA" >> "$1"
}

# run SCRIPT ALLOW WANT: the probe lists folders through the fake server,
# with the debug log (and its protocol trace) in $tmp/SCRIPT.log.
run() {
	local script=$1 allow=$2 want=$3 port i out pid
	rm -f "$tmp/port"
	"$fake" --script "$tmp/$script" --port-file "$tmp/port" --timeout 15 \
		--transcript "$tmp/$script.transcript" 2>"$tmp/fake.err" &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		[ -s "$tmp/port" ] && break
		sleep 0.05
	done
	port=$(cat "$tmp/port")
	conf "$tmp/conf" "$port" none "$allow" tok123
	out=$(ACCOUNT_PROBE_LOG=$tmp/$script.log timeout 30 "$probe" \
		"$tmp/conf" mail list)
	if ! wait "$pid"; then
		fail "$script: the fake server says:"
		sed 's/^/    /' "$tmp/fake.err" >&2
	elif ! grep -q -- "$want" <<<"$out"; then
		fail "$script: $out (wanted $want)"
	else
		ok "$script: $want"
	fi
	last_port=$port
}

# sent SCRIPT: the base64 the client sent after AUTHENTICATE, decoded, with
# 0x01 shown as ^A.
sent() {
	"$py" - "$tmp/$1.transcript" <<'PY'
import base64, re, sys
for line in open(sys.argv[1]):
    if not line.startswith("C: "):
        continue
    text = line[3:].rstrip("\n").replace("\\r\\n", "")
    m = re.match(r"\S+ AUTHENTICATE \S+ (\S+)$", text) or \
        re.match(r"([A-Za-z0-9+/]{8,}=*)$", text)
    if m:
        print(base64.b64decode(m.group(1)).decode().replace("\x01", "^A"))
        break
PY
}

# clean LOG WHAT...: none of the secrets is in the log.
clean() {
	local log=$1 s
	shift
	for s in "$@"; do
		if grep -qF -- "$s" "$log"; then
			fail "$log holds $s"
			return
		fi
	done
	ok "no token in the trace"
}

echo "# XOAUTH2 (fake server)"
run xoauth2.script yes "STATE online"
run refuse.script no "refusing to send the password over an unencrypted"
run xoauth2-fail.script yes "XOAUTH2).*it reported: 401"
clean "$tmp/xoauth2-fail.script.log" tok123 "$xoauth2"

echo "# OAUTHBEARER (fake server)"
run oauthbearer.script yes "STATE online"
want="n,a=skua,^Ahost=127.0.0.1^Aport=$last_port^Aauth=Bearer tok123^A^A"
got=$(sent oauthbearer.script)
[ "$got" = "$want" ] && ok "OAUTHBEARER preferred; it sent $got" ||
	fail "OAUTHBEARER sent '$got', want '$want'"
grep -q "> [0-9]* AUTHENTICATE OAUTHBEARER \*\*\*$" \
	"$tmp/oauthbearer.script.log" &&
	ok "the trace shows AUTHENTICATE OAUTHBEARER ***" ||
	fail "no redacted OAUTHBEARER line in the trace"
clean "$tmp/oauthbearer.script.log" tok123 \
	"$(grep -o 'AUTHENTICATE OAUTHBEARER [A-Za-z0-9+/=]*' \
	"$tmp/oauthbearer.script.transcript" | cut -d' ' -f3)"
run oauthbearer-noir.script yes "STATE online"
got=$(sent oauthbearer-noir.script)
want="n,a=skua,^Ahost=127.0.0.1^Aport=$last_port^Aauth=Bearer tok123^A^A"
[ "$got" = "$want" ] && ok "without SASL-IR, after the +: $got" ||
	fail "OAUTHBEARER after + sent '$got'"
grep -A2 "> [0-9]* AUTHENTICATE OAUTHBEARER$" \
	"$tmp/oauthbearer-noir.script.log" | grep -q "> \*\*\*$" &&
	ok "the response line is redacted in the trace" ||
	fail "the response after + is not redacted"
clean "$tmp/oauthbearer-noir.script.log" tok123
run oauthbearer-fail.script yes \
	"STATE offline 127.0.0.1: login (AUTHENTICATE OAUTHBEARER): the server said: Authentication failed. (it reported: invalid_token)"
grep -q "> \*\*\*$" "$tmp/oauthbearer-fail.script.log" &&
	ok "the acknowledgement is redacted too" ||
	fail "no redacted acknowledgement in the trace"
clean "$tmp/oauthbearer-fail.script.log" tok123
run none.script yes "the server offers neither OAUTHBEARER nor XOAUTH2"

echo "# OAUTHBEARER against dovecot, tokens checked by introspection"
"$py" - "$tmp/intro.port" "$tmp/intro.log" <<'PY' &
# RFC 7662 token introspection, as dovecot's oauth2 passdb asks for it:
# one good token, for user skua.
import http.server, json, os, sys, urllib.parse
class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        form = urllib.parse.parse_qs(self.rfile.read(n).decode())
        token = form.get("token", [""])[0]
        with open(sys.argv[2], "a") as f:
            f.write("token %s\n" % token)
        good = token == "good-token"
        body = json.dumps({"active": True, "username": "skua"} if good
                          else {"active": False}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d\n" % server.server_address[1])
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
server.serve_forever()
PY
intro=$!
trap 'kill $intro 2>/dev/null; lib_cleanup' EXIT
for ((i = 0; i < 100; i++)); do
	[ -s "$tmp/intro.port" ] && break
	sleep 0.05
done
if ! "$rig" start "$tmp/rig-oauth" \
	--oauth2 "http://127.0.0.1:$(cat "$tmp/intro.port")/introspect" \
	>/dev/null 2>&1; then
	fail "rig with --oauth2 failed"
	finish
fi
# shellcheck disable=SC1091
. "$tmp/rig-oauth/rig.env"
conf "$tmp/dovecot.conf" "$RIG_IMAPS_PORT" implicit no good-token
out=$(ACCOUNT_PROBE_LOG=$tmp/dovecot-good.log "$probe" "$tmp/dovecot.conf" \
	mail list)
grep -q "STATE online" <<<"$out" && grep -q "FOLDER INBOX" <<<"$out" &&
	ok "a good token logs in and lists the folders" ||
	fail "good token: $out"
grep -q "Login: user=<skua>, method=OAUTHBEARER" "$RIG_LOG" &&
	ok "dovecot says: method=OAUTHBEARER" ||
	fail "dovecot logged no OAUTHBEARER login"
grep -q "^token good-token$" "$tmp/intro.log" &&
	ok "dovecot checked the token with the introspection server" ||
	fail "the introspection server saw no good-token"
clean "$tmp/dovecot-good.log" good-token
conf "$tmp/dovecot.conf" "$RIG_IMAPS_PORT" implicit no bad-token
out=$(ACCOUNT_PROBE_LOG=$tmp/dovecot-bad.log "$probe" "$tmp/dovecot.conf" \
	mail list)
grep -q "STATE offline .*login (AUTHENTICATE OAUTHBEARER).*it reported: invalid_token" \
	<<<"$out" && ok "a bad token: $(grep -o 'STATE offline.*' <<<"$out")" ||
	fail "bad token: $out"
grep -q "< + eyJ" "$tmp/dovecot-bad.log" &&
	grep -A1 "< + eyJ" "$tmp/dovecot-bad.log" | grep -q "> \*\*\*$" &&
	ok "dovecot's JSON error was acknowledged (redacted in the trace)" ||
	fail "no acknowledged error report in the trace"
grep -q "Authentication failed" "$tmp/dovecot-bad.log" ||
	fail "no tagged NO after the acknowledgement"
clean "$tmp/dovecot-bad.log" bad-token
finish
