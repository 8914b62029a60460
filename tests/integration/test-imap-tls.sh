#!/bin/bash
# test-imap-tls: imap-session against real dovecots (good, expired,
# wrong-host and foreign-CA certificates; STARTTLS; pins; plaintext policy)
# and against the fake server (STARTTLS stripped, hostile literals, a drop
# mid-literal, a silent server). Every refusal must happen before LOGIN.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
rig=$here/rig/dovecot-rig
fake=$here/../fake-server/fake-server
probe=${top_builddir:-$here/../..}/tests/integration/imap-probe
tmp=$(mktemp -d)
chmod 711 "$tmp"
cleanup() {
	for d in "$tmp"/rig-*; do
		[ -d "$d" ] && "$rig" stop "$d" >/dev/null 2>&1
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
failures=0

# expect STATUS PATTERN ARGS...: run the probe, check exit status and output.
expect() {
	local want=$1 pattern=$2 out status
	shift 2
	out=$(timeout 60 "$probe" "$@" 2>&1)
	status=$?
	if [ "$status" != "$want" ] || ! grep -qF -- "$pattern" <<<"$out"; then
		echo "FAIL: probe $* -> $status (want $want): $out" >&2
		echo "    (wanted: $pattern)" >&2
		failures=$((failures + 1))
	else
		echo "ok: $want $out"
	fi
}

start_rig() {	# NAME [rig options]
	local name=$1
	shift
	"$rig" start "$tmp/rig-$name" "$@" >/dev/null || {
		echo "FAIL: rig $name did not start" >&2
		exit 1
	}
}

start_rig good
# shellcheck disable=SC1091
. "$tmp/rig-good/rig.env"
ca=$RIG_CA
login=(-u "$RIG_USER" -w "$RIG_PASS")
h=127.0.0.1

echo "# implicit TLS and STARTTLS, verified"
expect 0 OK -h $h -p "$RIG_IMAPS_PORT" -t implicit -c "$ca" "${login[@]}"
expect 0 OK -h localhost -p "$RIG_IMAPS_PORT" -t implicit -c "$ca" "${login[@]}"
expect 0 OK -h $h -p "$RIG_IMAP_PORT" -t starttls -c "$ca" "${login[@]}"
# Capabilities after STARTTLS and login are the real ones.
expect 0 OK -h $h -p "$RIG_IMAP_PORT" -t starttls -c "$ca" -k IDLE \
	"${login[@]}"

echo "# untrusted certificates"
expect 3 "not signed by a trusted authority" \
	-h $h -p "$RIG_IMAPS_PORT" -t implicit -c "$RIG_OTHER_CA" "${login[@]}"
expect 3 "not signed by a trusted authority" \
	-h $h -p "$RIG_IMAPS_PORT" -t implicit "${login[@]}"
expect 3 "not signed by a trusted authority" \
	-h $h -p "$RIG_IMAP_PORT" -t starttls -c "$RIG_OTHER_CA" "${login[@]}"

echo "# pins"
pin=sha256:$(openssl x509 -in "$RIG_DIR/tls/server.pem" -noout -fingerprint \
	-sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')
expect 0 OK -h $h -p "$RIG_IMAPS_PORT" -t implicit -c "$RIG_OTHER_CA" \
	-f "$pin" "${login[@]}"
badpin=sha256:$(printf '%064d' 0)
expect 4 "is not the pinned one" -h $h -p "$RIG_IMAPS_PORT" -t implicit \
	-c "$ca" -f "$badpin" "${login[@]}"

echo "# passwords"
expect 5 "login" -h $h -p "$RIG_IMAPS_PORT" -t implicit -c "$ca" \
	-u "$RIG_USER" -w wrong-password
expect 4 "refusing to send the password over an unencrypted connection" \
	-h $h -p "$RIG_IMAP_PORT" -t none "${login[@]}"
expect 0 OK -h $h -p "$RIG_IMAP_PORT" -t none -P "${login[@]}"

echo "# connection failures"
expect 1 "Connection refused" -h $h -p 1 -t implicit -c "$ca" "${login[@]}"
expect 1 "Name or service not known" -h no-such-host.invalid -p 993 \
	-t implicit "${login[@]}"

echo "# expired and wrong-host certificates from the same CA"
start_rig expired --cert expired
start_rig wronghost --cert wronghost
. "$tmp/rig-expired/rig.env"
expect 3 "the certificate has expired" -h $h -p "$RIG_IMAPS_PORT" \
	-t implicit -c "$RIG_CA" "${login[@]}"
. "$tmp/rig-wronghost/rig.env"
expect 3 "the certificate is not valid for 127.0.0.1" -h $h \
	-p "$RIG_IMAPS_PORT" -t implicit -c "$RIG_CA" "${login[@]}"
expect 3 "the certificate is not valid for localhost" -h localhost \
	-p "$RIG_IMAP_PORT" -t starttls -c "$RIG_CA" "${login[@]}"

# fake SCRIPT STATUS PATTERN [probe args]: run the probe against the fake
# server; it must exit 0 itself (the client never deviated, e.g. no LOGIN
# in the clear).
fake() {
	local script=$1 want=$2 pattern=$3 port i
	shift 3
	rm -f "$tmp/port"
	"$fake" --script "$here/../fake-server/scripts/$script" \
		--port-file "$tmp/port" --timeout 20 \
		--transcript "$tmp/$script.transcript" 2>"$tmp/fake.err" &
	local pid=$!
	for ((i = 0; i < 100; i++)); do
		[ -s "$tmp/port" ] && break
		sleep 0.05
	done
	port=$(cat "$tmp/port")
	expect "$want" "$pattern" -h $h -p "$port" "$@"
	if ! wait "$pid"; then
		echo "FAIL: the fake server for $script says:" >&2
		sed 's/^/    /' "$tmp/fake.err" >&2
		failures=$((failures + 1))
	fi
}

echo "# an untrusted certificate: the user is asked (once, always, no)"
aprobe=${top_builddir:-$here/../..}/tests/integration/account-probe
. "$tmp/rig-good/rig.env"
export XDG_CACHE_HOME=$tmp/xdg/cache XDG_DATA_HOME=$tmp/xdg/data \
	XDG_STATE_HOME=$tmp/xdg/state
printf '%s\n' "$RIG_PASS" > "$tmp/pass"
cat > "$tmp/trust.conf" <<CONF
[account mail]
protocol = imap
host = 127.0.0.1
port = $RIG_IMAPS_PORT
user = $RIG_USER
password_command = cat $tmp/pass
CONF
trust() {	# ANSWER WANT-ONLINE WANT-QUESTION
	local out
	out=$("$aprobe" -t "$1" "$tmp/trust.conf" mail list)
	if { [ "$2" = yes ] && ! grep -q "STATE online" <<<"$out"; } ||
	    { [ "$2" = no ] && grep -q "STATE online" <<<"$out"; } ||
	    { [ "$3" = yes ] && ! grep -q "QUESTION 2" <<<"$out"; } ||
	    { [ "$3" = no ] && grep -q "QUESTION 2" <<<"$out"; }; then
		echo "FAIL: trust $*: $out" >&2
		failures=$((failures + 1))
	else
		echo "ok: answer $1: online $2, asked $3"
	fi
}
trust no no yes
trust once yes yes
trust once yes yes
[ ! -s "$XDG_DATA_HOME/skua/certificates" ] ||
	{ echo "FAIL: 'once' was stored" >&2; failures=$((failures + 1)); }
trust always yes yes
grep -q "^127.0.0.1:$RIG_IMAPS_PORT sha256:" \
	"$XDG_DATA_HOME/skua/certificates" ||
	{ echo "FAIL: 'always' not stored" >&2; failures=$((failures + 1)); }
trust no yes no

echo "# hostile servers"
fake imap-starttls-stripped.script 4 "refusing to continue without encryption" \
	-t starttls "${login[@]}"
fake imap-starttls-missing.script 4 "does not offer STARTTLS" \
	-t starttls "${login[@]}"
fake imap-huge-literal.script 1 "a literal of more than" \
	-t none -P -F "${login[@]}"
fake imap-deep-nesting.script 1 "parentheses nested deeper than" \
	-t none -P -F "${login[@]}"
fake imap-drop-mid-fetch.script 1 "the connection closed with" \
	-t none -P -F "${login[@]}"
fake imap-silent.script 1 "did not answer in time" \
	-t none -P -T 1500 "${login[@]}"

[ "$failures" = 0 ] || { echo "$failures check(s) failed" >&2; exit 1; }
