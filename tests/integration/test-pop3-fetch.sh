#!/bin/bash
# test-pop3-fetch: `skua fetch` against dovecot's POP3 (POP3S, STLS, APOP)
# and the fake server: every message stored once with the content the
# server had, each deletion policy (at once, leave a copy, after N days on
# a faked clock, when deleted locally), and the failures that must lose
# nothing and delete nothing not stored: no UIDL, hostile LIST/UIDL, -ERR
# on RETR, a connection dropped mid-RETR, a full disk.
set -uo pipefail

. "$(dirname "$0")/lib.sh"
fake=$lib_here/../fake-server/fake-server
export HOME=$tmp/home XDG_DATA_HOME=$tmp/home/data \
	XDG_STATE_HOME=$tmp/home/state XDG_CACHE_HOME=$tmp/home/cache \
	XDG_CONFIG_HOME=$tmp/home/config
mkdir -p "$HOME"
unset SKUA_TEST_NOW

if ! "$rig" start "$tmp/rig" >/dev/null 2>"$tmp/rig.err"; then
	cat "$tmp/rig.err" >&2
	echo "FAIL: rig did not start" >&2
	exit 1
fi
. "$tmp/rig/rig.env"
printf '%s\n' "$RIG_PASS" >"$tmp/pass"
seed=100

# populate N [mkcorpus options]: N more messages in the server's INBOX.
populate() {
	local n=$1
	shift
	seed=$((seed + 1))
	"$rig" populate "$tmp/rig" --inbox "$n" --folders none \
		--big-attachment-mb 0 --seed "$seed" --quiet "$@" >/dev/null
}

# pop CMD: the server seen by Python's poplib: "count", "hashes" (SHA-256
# of each message with LF line ends, as skua stores it), "clear".
pop() {
	"$py" - "$RIG_POP3S_PORT" "$RIG_CA" "$RIG_USER" "$RIG_PASS" "$1" <<'PY'
import hashlib, poplib, ssl, sys
port, ca, user, password, cmd = sys.argv[1:6]
c = poplib.POP3_SSL("127.0.0.1", int(port),
    context=ssl.create_default_context(cafile=ca), timeout=20)
c.user(user)
c.pass_(password)
n = len(c.list()[1])
if cmd == "count":
    print(n)
elif cmd == "hashes":
    for i in range(1, n + 1):
        print(hashlib.sha256(b"\n".join(c.retr(i)[1]) + b"\n").hexdigest())
elif cmd == "clear":
    for i in range(1, n + 1):
        c.dele(i)
c.quit()
PY
}

# conf NAME [KEY = VALUE...]: a config with one POP3 account for the rig
# (POP3S unless the lines say otherwise).
conf() {
	local name=$1 line
	shift
	declare -A given=()
	for line in "$@"; do
		given[${line%% =*}]=1
	done
	{
		printf '[account %s]\nprotocol = pop3\nhost = 127.0.0.1\n' "$name"
		printf 'tls_ca_file = %s\nuser = %s\n' "$RIG_CA" "$RIG_USER"
		[ -n "${given[port]:-}" ] || printf 'port = %s\n' "$RIG_POP3S_PORT"
		[ -n "${given[password_command]:-}" ] ||
			printf 'password_command = cat %s\n' "$tmp/pass"
		[ $# -gt 0 ] && printf '%s\n' "$@"
	} >"$tmp/$name.conf"
	chmod 600 "$tmp/$name.conf"
}

store() { echo "$XDG_DATA_HOME/skua/$1/mail"; }

# local_hashes NAME: SHA-256 of every message file in the account's store.
local_hashes() {
	find "$(store "$1")" -type f \( -path '*/new/*' -o -path '*/cur/*' \) \
		-print0 | xargs -0 -r sha256sum | cut -c1-64 | sort
}

# fetch WANT NAME [ENV=VALUE...]: run skua fetch for the account; $out
# holds what it said, and its exit status must be WANT.
fetch() {
	local want=$1 name=$2 status
	shift 2
	out=$(env "$@" timeout 120 "$skua" -F "$tmp/$name.conf" fetch \
		</dev/null 2>&1)
	status=$?
	if [ "$status" != "$want" ]; then
		fail "skua fetch $name: exit $status (want $want): $out"
		return 1
	fi
	return 0
}

# said TEXT: the last fetch said TEXT.
said() {
	if grep -qF -- "$1" <<<"$out"; then
		ok "said '$1'"
	else
		fail "wanted '$1' in: $out"
	fi
}

same() {	# same WHAT GOT WANT
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		fail "$1: got '$2', want '$3'"
	fi
}

# Nothing half-done is left: tmp/ empty, the journal empty.
clean() {
	local left pending
	left=$(find "$(store "$1")/tmp" -type f | wc -l)
	pending=$(sqlite3 "$XDG_DATA_HOME/skua/$1/pop3.db" \
		'SELECT count(*) FROM pending' 2>/dev/null || echo "?")
	same "$1: tmp/ empty and no journal rows" "$left/$pending" "0/0"
}

LABEL="delete at once"
conf once
populate 30
want=$(pop hashes | sort)
fetch 0 once
said "once: 30 messages ("
said "downloaded, 30 deleted on the server, 0 left there"
same "server empty" "$(pop count)" 0
same "every message stored, as the server had it" "$(local_hashes once)" \
	"$want"
same "all in new/" "$(find "$(store once)/new" -type f | wc -l)" 30
clean once
same "records forgotten once deleted" "$(sqlite3 \
	"$XDG_DATA_HOME/skua/once/pop3.db" 'SELECT count(*) FROM message')" 0
same "state is private" "$(stat -c %a "$XDG_DATA_HOME/skua/once/pop3.db")" 600
fetch 0 once
said "once: 0 messages (0 bytes) downloaded, 0 deleted"
for ((i = 0; i < 40; i++)); do	# dovecot logs as its session ends
	grep -q 'del=30/30' "$RIG_LOG" && break
	sleep 0.05
done
grep -q 'del=30/30' "$RIG_LOG" && ok "dovecot logged 30 deletions" ||
	fail "dovecot did not log del=30/30"

LABEL="leave a copy"
conf copy "pop3_delete = no"
populate 12
want=$(pop hashes | sort)
fetch 0 copy
said "copy: 12 messages ("
said "0 deleted on the server, 12 left there"
same "server keeps them" "$(pop count)" 12
same "stored as the server has them" "$(local_hashes copy)" "$want"
fetch 0 copy
said "copy: 0 messages (0 bytes) downloaded, 0 deleted on the server, 12 left"
same "still once each" "$(local_hashes copy)" "$want"
# A reader moving them to cur/ with flags changes nothing.
for f in "$(store copy)"/new/*; do
	mv "$f" "$(store copy)/cur/$(basename "$f"):2,S"
done
fetch 0 copy
said "copy: 0 messages (0 bytes) downloaded"
clean copy
pop clear >/dev/null

LABEL="after N days"
conf aged "pop3_delete_after_days = 7"
t0=1780000000
populate 5
old=$(pop hashes | sort)
fetch 0 aged SKUA_TEST_NOW=$t0
said "aged: 5 messages ("
said "0 deleted on the server, 5 left there"
fetch 0 aged SKUA_TEST_NOW=$((t0 + 6 * 86400))
said "aged: 0 messages (0 bytes) downloaded, 0 deleted on the server, 5 left"
populate 3
new=$(comm -13 <(echo "$old") <(pop hashes | sort))
fetch 0 aged SKUA_TEST_NOW=$((t0 + 7 * 86400 + 60))
said "aged: 3 messages ("
said "5 deleted on the server, 3 left there"
same "the server keeps the new ones only" "$(pop hashes | sort)" "$new"
same "all 8 stored" "$(local_hashes aged)" "$(sort <(echo "$old") \
	<(echo "$new"))"
fetch 0 aged SKUA_TEST_NOW=$((t0 + 8 * 86400))
said "aged: 0 messages (0 bytes) downloaded, 0 deleted on the server, 3 left"
fetch 0 aged SKUA_TEST_NOW=$((t0 + 15 * 86400))
said "aged: 0 messages (0 bytes) downloaded, 3 deleted on the server"
same "server empty" "$(pop count)" 0
clean aged

LABEL="deleted locally"
conf gone "pop3_delete_when_deleted_locally = yes"
populate 5
fetch 0 gone
said "gone: 5 messages ("
said "0 deleted on the server, 5 left there"
s=$(store gone)
mapfile -t files < <(ls "$s/new")
keep_read=$(sha256sum "$s/new/${files[3]}" | cut -c1-64)
keep_moved=$(sha256sum "$s/new/${files[4]}" | cut -c1-64)
rm "$s/new/${files[0]}"
mkdir -p "$s/.Trash/cur" "$s/.Trash/new" "$s/.Trash/tmp" \
	"$s/.Work/cur" "$s/.Work/new" "$s/.Work/tmp"
mv "$s/new/${files[1]}" "$s/.Trash/cur/${files[1]}:2,S"
mv "$s/new/${files[2]}" "$s/cur/${files[2]}:2,ST"
mv "$s/new/${files[3]}" "$s/cur/${files[3]}:2,S"
mv "$s/new/${files[4]}" "$s/.Work/cur/${files[4]}:2,"
fetch 0 gone
said "gone: 0 messages (0 bytes) downloaded, 3 deleted on the server, 2 left"
same "the server keeps what is still here" "$(pop hashes | sort)" \
	"$(printf '%s\n%s\n' "$keep_read" "$keep_moved" | sort)"
fetch 0 gone
said "gone: 0 messages (0 bytes) downloaded, 0 deleted on the server, 2 left"
clean gone
pop clear >/dev/null

LABEL="STLS, plaintext, APOP, password"
conf stls "port = $RIG_POP3_PORT" "tls = starttls"
populate 2
fetch 0 stls
said "stls: 2 messages ("
conf plain "port = $RIG_POP3_PORT" "tls = none"
populate 1
fetch 1 plain
said "refusing to send the password over an unencrypted connection"
same "nothing taken without TLS" "$(pop count)" 1
conf wrong "password_command = echo wrong"
fetch 1 wrong
said "login"
same "nothing taken with a wrong password" "$(pop count)" 1
# dovecot offers APOP (a <timestamp> in its greeting) when asked to: the
# password does not cross the connection, and the digest must be right.
if "$rig" start "$tmp/rig-apop" --mechanisms "plain login apop" \
	>/dev/null 2>"$tmp/rig.err"; then
	(
		. "$tmp/rig-apop/rig.env"
		"$rig" populate "$tmp/rig-apop" --inbox 2 --folders none \
			--big-attachment-mb 0 --quiet >/dev/null
		{
			printf '[account apop]\nprotocol = pop3\nhost = 127.0.0.1\n'
			printf 'port = %s\ntls = none\nuser = %s\n' \
				"$RIG_POP3_PORT" "$RIG_USER"
			printf 'password_command = cat %s\n' "$tmp/pass"
		} >"$tmp/apop.conf"
		chmod 600 "$tmp/apop.conf"
		out=$(timeout 60 "$skua" -F "$tmp/apop.conf" fetch 2>&1)
		if [ $? = 0 ] && grep -q "apop: 2 messages" <<<"$out" &&
			grep -q "as skua with APOP" "$XDG_STATE_HOME/skua/skua.log"
		then
			echo "ok: $LABEL: APOP login, 2 messages"
		else
			echo "FAIL: $LABEL: APOP: $out" >&2
			exit 1
		fi
	) || failures=$((failures + 1))
	"$rig" stop "$tmp/rig-apop" >/dev/null 2>&1
else
	fail "APOP rig did not start: $(cat "$tmp/rig.err")"
fi
pop clear >/dev/null

# --- the fake server ----------------------------------------------------
# fake_run SCRIPT NAME WANT_SKUA PATTERN [CONF LINES]: serve SCRIPT (a file)
# over implicit TLS, run skua fetch for account NAME against it; skua
# must exit WANT_SKUA saying PATTERN, the fake server must exit 0 (the
# client never sent RETR or DELE where the script forbids them).
fake_tls=implicit	# or starttls: the script says STARTTLS itself
fake_run() {
	local script=$1 name=$2 want=$3 pattern=$4 i port status implicit=
	shift 4
	rm -f "$tmp/port"
	[ "$fake_tls" = implicit ] && implicit=--implicit-tls
	"$fake" --script "$script" --port-file "$tmp/port" --timeout 30 \
		$implicit --tls-self-signed --tls-cert-out "$tmp/fake.pem" \
		--transcript "$tmp/$name.transcript" 2>"$tmp/fake.err" &
	local pid=$!
	for ((i = 0; i < 200; i++)); do
		[ -s "$tmp/port" ] && break
		sleep 0.05
	done
	port=$(cat "$tmp/port" 2>/dev/null)
	{
		printf '[account %s]\nprotocol = pop3\nhost = 127.0.0.1\n' "$name"
		printf 'port = %s\ntls_ca_file = %s\nuser = u\n' "$port" \
			"$tmp/fake.pem"
		printf 'password_command = echo secret\ntls = %s\n' "$fake_tls"
		[ $# -gt 0 ] && printf '%s\n' "$@"
	} >"$tmp/$name.conf"
	chmod 600 "$tmp/$name.conf"
	fetch "$want" "$name" && said "$pattern"
	wait "$pid"
	status=$?
	if [ "$status" = 0 ]; then
		ok "$name: the server saw nothing it forbids"
	else
		fail "$name: fake server exit $status: $(cat "$tmp/fake.err")"
	fi
	if grep -q "worker.*died\|signal" <<<"$out"; then
		fail "$name: the worker died: $out"
	fi
}

scripts=$lib_here/../fake-server/scripts
LABEL="hostile"
fake_run "$scripts/pop3-no-uidl.script" nouidl 1 "does not support UIDL"
same "nothing stored without UIDL" "$(local_hashes nouidl)" ""
fake_run "$scripts/pop3-uidl-zero.script" uidlzero 1 \
	"refused what the server sent: message number 0 in the UIDL listing"
fake_run "$scripts/pop3-uidl-negative.script" uidlneg 1 \
	"refused what the server sent: a negative message number in the UIDL"

# listing NAME LIST-LINES UIDL-LINES: a script with STAT 2 and the given
# LIST and UIDL lines ("|" between lines); no RETR or DELE allowed.
listing() {
	{
		printf 'S +OK fake ready\nIF-C CAPA\nS +OK\nS USER\nS UIDL\nS .\n'
		printf 'END\nC USER *\nS +OK\nC PASS *\nS +OK ready\n'
		printf 'C STAT\nS +OK 2 640\nC LIST\nS +OK\n'
		tr '|' '\n' <<<"$2" | sed 's/^/S /'
		printf 'S .\n'
		if [ -n "$3" ]; then
			printf 'C UIDL\nS +OK\n'
			tr '|' '\n' <<<"$3" | sed 's/^/S /'
			printf 'S .\n'
		fi
		printf 'IF-C QUIT\nS +OK bye\nDONE\nEND\nEXPECT-CLOSE\n'
	} >"$tmp/$1.script"
}
listing listzero "0 320|1 320" ""
fake_run "$tmp/listzero.script" listzero 1 "message number 0 in the LIST"
listing listneg "1 320|-2 320" ""
fake_run "$tmp/listneg.script" listneg 1 "a negative message number in the LIST"
listing listbig "1 320|2 320|3 320" ""
fake_run "$tmp/listbig.script" listbig 1 "message number 3 in the LIST listing, but STAT counted 2"
listing listgap "2 320|1 320" ""
fake_run "$tmp/listgap.script" listgap 1 "message number 2 in the LIST listing where 1 was due"
listing listword "one 320|2 320" ""
fake_run "$tmp/listword.script" listword 1 "does not start with a message number"
listing listhuge "1 320|4294967297 320" ""
fake_run "$tmp/listhuge.script" listhuge 1 "but STAT counted 2"
listing uidlbig "1 320|2 320" "1 AAA|3 BBB"
fake_run "$tmp/uidlbig.script" uidlbig 1 "message number 3 in the UIDL listing, but STAT counted 2"
listing uidlword "1 320|2 320" "1 AAA|x BBB"
fake_run "$tmp/uidlword.script" uidlword 1 "does not start with a message number"
listing uidldup "1 320|2 320" "1 SAME|2 SAME"
fake_run "$tmp/uidldup.script" uidldup 1 "the same unique id"
long=$(head -c 5000 /dev/zero | tr '\0' x)
listing uidllong "1 320|2 320" "1 AAA|2 $long"
fake_run "$tmp/uidllong.script" uidllong 1 "a reply line longer than 4096 bytes"

LABEL="login"
# AUTH PLAIN where offered; a server that wants the response apart gets
# "*" (cancel) and then USER/PASS.
{
	printf 'S +OK fake ready\nC CAPA\nS +OK\nS SASL PLAIN\nS UIDL\nS .\n'
	printf 'C~ AUTH PLAIN AHUAc2VjcmV0\nS + \nC *\nS -ERR cancelled\n'
	printf 'C USER u\nS +OK\nC PASS secret\nS +OK in\n'
	printf 'C STAT\nS +OK 0 0\nC LIST\nS +OK\nS .\nC UIDL\nS +OK\nS .\n'
	printf 'C QUIT\nS +OK bye\n'
} >"$tmp/saslplain.script"
fake_run "$tmp/saslplain.script" saslplain 0 "saslplain: 0 messages"
# Bytes after STLS's +OK and before the handshake are an injection: no
# login follows (USER or PASS would make the server exit 1).
{
	printf 'S +OK fake ready\nC CAPA\nS +OK\nS STLS\nS UIDL\nS .\n'
	printf 'C STLS\nS- +OK go ahead\\r\\n+OK injected\\r\\n\n'
	printf 'EXPECT-CLOSE\n'
} >"$tmp/stlsinject.script"
fake_tls=starttls
fake_run "$tmp/stlsinject.script" stlsinject 1 "stlsinject: error:"
# No STLS at all: nothing is sent in the clear.
{
	printf 'S +OK fake ready\nC CAPA\nS +OK\nS USER\nS UIDL\nS .\n'
	printf 'C STLS\nS -ERR not here\nEXPECT-CLOSE QUIT\n'
} >"$tmp/nostls.script"
fake_run "$tmp/nostls.script" nostls 1 "does not offer STLS"
fake_tls=implicit

# A message: what RETR sends and what skua must store (LF line ends,
# dot-stuffing undone).
message() {
	printf 'S From: a@example.org\nS Subject: %s\nS\nS body of %s\n' "$1" "$1"
	printf 'S ..a line that starts with a dot\nS .\n'
}
msg_hash() {
	printf 'From: a@example.org\nSubject: %s\n\nbody of %s\n.a line that starts with a dot\n' \
		"$1" "$1" | sha256sum | cut -c1-64
}
greeting() {
	printf 'S +OK fake ready\nIF-C CAPA\nS +OK\nS USER\nS UIDL\nS .\n'
	printf 'END\nC USER *\nS +OK\nC PASS *\nS +OK ready\n'
}

LABEL="-ERR on RETR"
{
	greeting
	printf 'C STAT\nS +OK 2 200\nC LIST\nS +OK\nS 1 100\nS 2 100\nS .\n'
	printf 'C UIDL\nS +OK\nS 1 ID-ONE\nS 2 ID-TWO\nS .\n'
	printf 'C RETR 1\nS -ERR message is being repaired\n'
	printf 'C RETR 2\nS +OK\n'
	message two
	# DELE 1 would be a deviation: only the stored one goes.
	printf 'C DELE 2\nS +OK\nC QUIT\nS +OK bye\n'
} >"$tmp/retrerr.script"
fake_run "$tmp/retrerr.script" retrerr 1 \
	"message 1 (UIDL ID-ONE) was not downloaded"
said "message is being repaired"
said "1 message ("
same "the other one stored" "$(local_hashes retrerr)" "$(msg_hash two)"
clean retrerr

LABEL="dropped mid-RETR"
{
	greeting
	printf 'C STAT\nS +OK 3 300\nC LIST\nS +OK\nS 1 100\nS 2 100\nS 3 100\nS .\n'
	printf 'C UIDL\nS +OK\nS 1 ID-1\nS 2 ID-2\nS 3 ID-3\nS .\n'
	printf 'C RETR 1\nS +OK\n'
	message one
	printf 'C RETR 2\nS +OK\nS From: a@example.org\nS Subject: cut\nS\nS half a\n'
	printf 'CLOSE\n'
	printf -- '--- connection 2\n'
	greeting
	printf 'C STAT\nS +OK 3 300\nC LIST\nS +OK\nS 1 100\nS 2 100\nS 3 100\nS .\n'
	printf 'C UIDL\nS +OK\nS 1 ID-1\nS 2 ID-2\nS 3 ID-3\nS .\n'
	printf 'C RETR 2\nS +OK\n'
	message two
	printf 'C RETR 3\nS +OK\n'
	message three
	printf 'C DELE 1\nS +OK\nC DELE 2\nS +OK\nC DELE 3\nS +OK\n'
	printf 'C QUIT\nS +OK bye\n'
} >"$tmp/drop.script"
# fake_run serves both connections: the first fetch fails, the second
# (run by hand below while the server waits) finishes the job.
rm -f "$tmp/port"
"$fake" --script "$tmp/drop.script" --port-file "$tmp/port" --timeout 30 \
	--implicit-tls --tls-self-signed --tls-cert-out "$tmp/fake.pem" \
	--transcript "$tmp/drop.transcript" 2>"$tmp/fake.err" &
pid=$!
for ((i = 0; i < 200; i++)); do [ -s "$tmp/port" ] && break; sleep 0.05; done
{
	printf '[account drop]\nprotocol = pop3\nhost = 127.0.0.1\n'
	printf 'port = %s\ntls_ca_file = %s\nuser = u\n' "$(cat "$tmp/port")" \
		"$tmp/fake.pem"
	printf 'password_command = echo secret\n'
} >"$tmp/drop.conf"
chmod 600 "$tmp/drop.conf"
# Over TLS a close without close_notify is a read error, without TLS the
# guard's EOF: either way the download stops there.
fetch 1 drop && said "downloading message 2 (RETR)"
said "drop: 1 message ("
same "the whole message stored, not the cut one" "$(local_hashes drop)" \
	"$(msg_hash one)"
grep -q '^C: DELE' "$tmp/drop.transcript" &&
	fail "DELE sent on the broken connection" ||
	ok "no DELE on the broken connection"
fetch 0 drop && said "drop: 2 messages ("
said "3 deleted on the server"
wait "$pid" && ok "the retry asked for the rest only" ||
	fail "fake server: $(cat "$tmp/fake.err")"
same "each message once" "$(local_hashes drop)" "$(printf '%s\n' \
	"$(msg_hash one)" "$(msg_hash two)" "$(msg_hash three)" | sort)"
clean drop

LABEL="disk full"
conf full
populate 4
populate 1 --big-attachment-mb 1
want=$(pop hashes | sort)
# The file size limit stops the big message half-way (EFBIG).
out=$(ulimit -f 400; timeout 120 "$skua" -F "$tmp/full.conf" fetch 2>&1 \
	</dev/null)
status=$?
same "exit status when the disk is full" "$status" 1
said "File too large"
same "no file left in tmp/" "$(find "$(store full)/tmp" -type f | wc -l)" 0
partial=$(comm -23 <(local_hashes full) <(echo "$want"))
same "no partial file in new/" "$partial" ""
same "nothing deleted from the server" "$(pop count)" 5
fetch 0 full
said "deleted on the server"
same "then all stored, once" "$(local_hashes full)" "$want"
same "and the server empty" "$(pop count)" 0
clean full

LABEL="cli"
out=$("$skua" -F "$tmp/once.conf" fetch nosuch 2>&1)
[ $? = 1 ] && grep -q "no account nosuch" <<<"$out" && ok "unknown account" ||
	fail "unknown account: $out"
out=$("$skua" -F "$tmp/once.conf" fetch --bogus 2>&1)
[ $? = 2 ] && grep -q "Usage: skua fetch" <<<"$out" && ok "unknown option" ||
	fail "unknown option: $out"
printf '[account i]\nprotocol = imap\nhost = h\nuser = u\n' >"$tmp/imap.conf"
out=$("$skua" -F "$tmp/imap.conf" fetch 2>&1)
[ $? = 1 ] && grep -q "no POP3 account" <<<"$out" && ok "no POP3 account" ||
	fail "no POP3 account: $out"
out=$("$skua" -F "$tmp/imap.conf" fetch i 2>&1)
[ $? = 1 ] && grep -q "is an IMAP account" <<<"$out" && ok "an IMAP account" ||
	fail "an IMAP account: $out"
# The options are checked with the rest of the file.
printf 'pop3_delete = no\n' >>"$tmp/imap.conf"
out=$("$skua" --check-config -F "$tmp/imap.conf" 2>&1)
[ $? = 1 ] && grep -q "imap.conf:1: account i: the pop3_delete options are for POP3" \
	<<<"$out" && ok "pop3_delete on IMAP" || fail "pop3_delete on IMAP: $out"
conf bad "pop3_delete = yes" "pop3_delete_after_days = 3"
out=$("$skua" --check-config -F "$tmp/bad.conf" 2>&1)
[ $? = 1 ] && grep -q "pop3_delete = yes deletes mail from the server at once" \
	<<<"$out" && ok "yes and days disagree" || fail "yes and days: $out"
conf bad "pop3_delete_after_days = 0"
out=$("$skua" --check-config -F "$tmp/bad.conf" 2>&1)
[ $? = 1 ] && grep -q "is not a number of days from 1 to 36500" <<<"$out" &&
	ok "days out of range" || fail "days out of range: $out"

finish
