#!/bin/bash
# test-imap-oauth: oauth2_token_command: the token goes out as XOAUTH2 (with
# SASL-IR), exactly as RFC 7628-style providers expect, and never over an
# unencrypted connection unless the account allows it. The scripted fake
# server fails the run if the client sends anything else.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
fake=$here/../fake-server/fake-server
probe=${top_builddir:-$here/../..}/tests/integration/account-probe
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME=$tmp/cache XDG_DATA_HOME=$tmp/data XDG_STATE_HOME=$tmp/state
failures=0

b64=$(printf 'user=skua\001auth=Bearer tok123\001\001' | base64 -w0)
cat > "$tmp/ok.script" <<SCRIPT
S * OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2 SASL-IR] fake-server ready
C * AUTHENTICATE XOAUTH2 $b64
S \${TAG} OK [CAPABILITY IMAP4rev1] authenticated
C * LIST "" "*"
S * LIST (\\HasNoChildren) "/" INBOX
S \${TAG} OK LIST done
C * LSUB "" "*"
S \${TAG} OK LSUB done
C * STATUS INBOX *
S * STATUS INBOX (MESSAGES 0 UNSEEN 0)
S \${TAG} OK STATUS done
IF-C * LOGOUT
S * BYE bye
S \${TAG} OK LOGOUT done
END
SCRIPT
cat > "$tmp/refuse.script" <<'SCRIPT'
S * OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2 SASL-IR] fake-server ready
IF-C * LOGOUT
S * BYE bye
S ${TAG} OK LOGOUT done
END
EXPECT-CLOSE
SCRIPT

# run SCRIPT ALLOW WANT: the probe lists folders through the fake server.
run() {
	local script=$1 allow=$2 want=$3 port i out pid
	rm -f "$tmp/port"
	"$fake" --script "$tmp/$script" --port-file "$tmp/port" --timeout 15 \
		2>"$tmp/fake.err" &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		[ -s "$tmp/port" ] && break
		sleep 0.05
	done
	port=$(cat "$tmp/port")
	cat > "$tmp/conf" <<CONF
[account mail]
protocol = imap
host = 127.0.0.1
port = $port
tls = none
allow_plaintext_password = $allow
user = skua
oauth2_token_command = echo tok123
CONF
	out=$(timeout 30 "$probe" "$tmp/conf" mail list)
	if ! wait "$pid"; then
		echo "FAIL: $script: the fake server says:" >&2
		sed 's/^/    /' "$tmp/fake.err" >&2
		failures=$((failures + 1))
	elif ! grep -q -- "$want" <<<"$out"; then
		echo "FAIL: $script: $out (wanted $want)" >&2
		failures=$((failures + 1))
	else
		echo "ok: $script: $want"
	fi
}

run ok.script yes "STATE online"
run refuse.script no "refusing to send the password over an unencrypted"

[ "$failures" = 0 ] || { echo "$failures check(s) failed" >&2; exit 1; }
