#!/bin/bash
# test-imap-fetch: imap-fetch and the part cache against a real dovecot (a
# message with a 3 MiB attachment: lazy text fetch, chunked download,
# cancel, resume, MIME headers, no \Seen unless asked) and the fake server
# (the connection drops mid-chunk; the next run resumes at the right offset).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
rig=$here/rig/dovecot-rig
fake=$here/../fake-server/fake-server
scripts=$here/../fake-server/scripts
probe=${top_builddir:-$here/../..}/tests/integration/fetch-probe
PY=/usr/bin/python3
tmp=$(mktemp -d)
chmod 711 "$tmp"
cleanup() {
	[ -d "$tmp/rig" ] && "$rig" stop "$tmp/rig" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
failures=0
CHUNK=524288

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# run NAME STATUS ARGS...: run the probe, keep its output in $tmp/NAME.out
# and $out; check the exit status.
run() {
	local name=$1 want=$2 status
	shift 2
	out=$(timeout 60 "$probe" "$@" 2>&1)
	status=$?
	printf '%s\n' "$out" >"$tmp/$name.out"
	if [ "$status" != "$want" ]; then
		fail "$name: probe exit $status (want $want): $(tail -n 3 \
			<<<"$out")"
		return 1
	fi
	return 0
}

# expect NAME PATTERN: the last run's output has a line with PATTERN.
expect() {
	if grep -qF -- "$2" <<<"$out"; then
		echo "ok: $1"
	else
		fail "$1: no '$2' in: $(tail -n 3 <<<"$out")"
	fi
}

size_of() { stat -c %s "$1" 2>/dev/null || echo none; }

# logout_bytes BEFORE: wait for dovecot's logout line after line BEFORE of
# its log and print its out= count.
logout_bytes() {
	local i line
	for ((i = 0; i < 100; i++)); do
		line=$(tail -n +"$(($1 + 1))" "$RIG_LOG" | grep 'out=' |
			tail -n 1)
		[ -n "$line" ] && break
		sleep 0.05
	done
	sed -n 's/.*out=\([0-9]*\).*/\1/p' <<<"$line"
}
log_lines() { wc -l <"$RIG_LOG"; }

if ! "$rig" start "$tmp/rig" >/dev/null; then
	echo "FAIL: rig did not start" >&2
	exit 1
fi
# shellcheck disable=SC1091
. "$tmp/rig/rig.env"
login=(-h 127.0.0.1 -p "$RIG_IMAPS_PORT" -t implicit -c "$RIG_CA"
	-u "$RIG_USER" -w "$RIG_PASS")

# One message: a short text part and a 3 MiB random attachment in base64.
# Written into the Maildir as unread (":2," without S); dovecot finds it at
# the first EXAMINE. Prints the attachment's SHA-256 and the size of section
# 2 as IMAP serves it (CRLF line ends, no CRLF before the boundary).
mkdir -p "$RIG_MAILDIR/cur" "$RIG_MAILDIR/new" "$RIG_MAILDIR/tmp"
read -r sha total < <("$PY" - "$RIG_MAILDIR/cur" "$tmp/blob" <<'EOF'
import base64, hashlib, os, sys
cur, blob = sys.argv[1:3]
data = os.urandom(3 * 1024 * 1024)
open(blob, "wb").write(data)
b64 = base64.encodebytes(data).decode().splitlines()
msg = "\n".join([
    "From: Alice <alice@example.org>",
    "To: Skua <skua@example.test>",
    "Subject: fetch test",
    "Date: Mon, 01 Jan 2024 10:00:00 +0000",
    "Message-ID: <fetch-test@example.org>",
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="b1"',
    "",
    "--b1",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit",
    "",
    "Hello, the attachment follows. Gr\u00fc\u00dfe.",
    "--b1",
    'Content-Type: application/octet-stream; name="blob.bin"',
    "Content-Transfer-Encoding: base64",
    'Content-Disposition: attachment; filename="blob.bin"',
    "",
] + b64 + ["--b1--", ""])
open(os.path.join(cur, "1700000000.M1P1.fetchtest:2,"), "w",
     encoding="utf-8").write(msg)
print(hashlib.sha256(data).hexdigest(), len("\r\n".join(b64)))
EOF
)
chown -R --reference="$RIG_MAILDIR" "$RIG_MAILDIR"
[ -n "${total:-}" ] || { echo "FAIL: no test message" >&2; exit 1; }
echo "# attachment sha256 $sha, section 2 is $total bytes"

# check_part FILE: section 2 as cached decodes to the attachment.
check_part() {
	local got
	if [ "$(size_of "$1")" != "$total" ]; then
		fail "$1: $(size_of "$1") bytes, want $total"
		return
	fi
	got=$(tr -d '\r' <"$1" | base64 -d | sha256sum | cut -d' ' -f1)
	if [ "$got" = "$sha" ]; then
		echo "ok: decoded attachment matches ($got)"
	else
		fail "decoded attachment: sha256 $got, want $sha"
	fi
}

echo "# the text alone: the attachment is not downloaded"
before=$(log_lines)
if run text 0 "${login[@]}" -d "$tmp/c1" -s 1 -F; then
	expect "text fetched" "OK "
	expect "EXAMINE and BODY.PEEK leave it unseen" "FLAGS"
	grep -q '^FLAGS.*Seen' <<<"$out" && fail "text: \\Seen was set"
	file=$(sed -n 's/^OK [0-9]* //p' <<<"$out")
	grep -q "Hello, the attachment follows" "$file" 2>/dev/null ||
		fail "text: the cached part lacks the text"
fi
text_out=$(logout_bytes "$before")
echo "# dovecot: text session out=$text_out bytes"
if [ -z "$text_out" ] || [ "$text_out" -gt 16384 ]; then
	fail "text session sent ${text_out:-?} bytes (want < 16 KiB)"
else
	echo "ok: text session out=$text_out, attachment never sent"
fi

echo "# MIME headers"
run mime2 0 "${login[@]}" -H -s 2 && {
	expect "section 2 MIME header" "Content-Transfer-Encoding: base64"
	expect "section 2 MIME header names the file" 'filename="blob.bin"'
}
run mimetop 0 "${login[@]}" -H -s "" &&
	expect "message header" "Subject: fetch test"
run mimebad 1 "${login[@]}" -H -s "1/2" && expect "bad section" "ERROR"

echo "# a download cancelled after the first chunk"
cache=$tmp/c2
run cancel 6 "${login[@]}" -d "$cache" -s 2 -z "$total" -C 1 &&
	expect "cancel reported" "CANCELLED"
final=$(find "$cache" -type f -name '1-2' | head -n 1)
partial=$(find "$cache" -type f -name '1-2.partial' | head -n 1)
[ -z "$final" ] || fail "cancelled run left a complete file $final"
if [ "$(size_of "$partial")" = "$CHUNK" ]; then
	echo "ok: the partial holds the first chunk ($CHUNK bytes)"
else
	fail "partial after cancel: $(size_of "$partial") bytes, want $CHUNK"
fi

echo "# the next run resumes"
before=$(log_lines)
if run resume 0 "${login[@]}" -d "$cache" -s 2 -z "$total"; then
	expect "resumed from the partial" "RESUME $CHUNK"
	expect "progress reaches the total" "PROGRESS $total $total"
	file=$(sed -n 's/^OK [0-9]* //p' <<<"$out")
	check_part "$file"
	[ -e "$file.partial" ] && fail "resume: the partial is still there"
fi
resume_out=$(logout_bytes "$before")
echo "# dovecot: resumed session out=$resume_out bytes"
if [ -z "$resume_out" ] || [ "$resume_out" -ge $((total)) ] ||
   [ "$resume_out" -lt $((total - CHUNK)) ]; then
	fail "resumed session sent ${resume_out:-?} bytes (want the rest)"
else
	echo "ok: the resumed session sent only the rest"
fi

echo "# a whole download in one run"
before=$(log_lines)
if run full 0 "${login[@]}" -d "$tmp/c3" -s 2 -z "$total" -F; then
	expect "RESUME 0" "RESUME 0"
	chunks=$(grep -c '^PROGRESS' <<<"$out")
	[ "$chunks" = $((total / CHUNK + 1)) ] ||
		fail "full: $chunks chunks, want $((total / CHUNK + 1))"
	check_part "$(sed -n 's/^OK [0-9]* //p' <<<"$out")"
	grep -q '^FLAGS.*Seen' <<<"$out" && fail "full: \\Seen was set"
fi
full_out=$(logout_bytes "$before")
echo "# dovecot: full session out=$full_out bytes"
# Again: a committed part is not fetched twice.
if run again 0 "${login[@]}" -d "$tmp/c3" -s 2 -z "$total"; then
	if grep -q '^PROGRESS' <<<"$out"; then
		fail "again: a committed part was fetched again"
	else
		echo "ok: a committed part is not fetched again"
	fi
fi

echo "# \\Seen only when asked"
run peek 0 "${login[@]}" -d "$tmp/c4" -s 1 -W -F && {
	expect "SELECT and BODY.PEEK" "FLAGS"
	grep -q '^FLAGS.*Seen' <<<"$out" && fail "peek: \\Seen was set"
}
run seen 0 "${login[@]}" -d "$tmp/c4" -s 1 -W -S -F &&
	expect "marked seen on request" 'FLAGS \Seen'

echo "# refusals"
run gone 1 "${login[@]}" -d "$tmp/c5" -U 99 -s 1 &&
	expect "expunged UID" "no such message"
run validity 1 "${login[@]}" -d "$tmp/c5" -s 1 -V 12345 &&
	expect "UIDVALIDITY changed" "UIDVALIDITY is now"
n=$(find "$tmp/c5" -type f | wc -l)
[ "$n" = 0 ] || fail "refused runs left $n files"

echo "# the fake server: a drop mid-chunk, a resume, hostile replies"
rm -f "$tmp/port"
"$fake" --script "$scripts/imap-fetch-chunks.script" \
	--port-file "$tmp/port" --timeout 20 \
	--transcript "$tmp/fake.transcript" 2>"$tmp/fake.err" &
fpid=$!
for ((i = 0; i < 100; i++)); do
	[ -s "$tmp/port" ] && break
	sleep 0.05
done
flogin=(-h 127.0.0.1 -p "$(cat "$tmp/port")" -t none -P -u joe -w pw
	-T 5000 -s 2)
cache=$tmp/c6
run drop 1 "${flogin[@]}" -d "$cache" &&
	expect "drop reported" "ERROR: connection: "
[ -z "$(find "$cache" -type f -name '1-2')" ] ||
	fail "a dropped connection left a complete file"
partial=$(find "$cache" -type f -name '1-2.partial' | head -n 1)
if [ "$(size_of "$partial")" = "$CHUNK" ]; then
	echo "ok: only the whole first chunk was kept"
else
	fail "partial after drop: $(size_of "$partial") bytes, want $CHUNK"
fi
run redo 0 "${flogin[@]}" -d "$cache" && {
	expect "resumed at the chunk" "RESUME $CHUNK"
	expect "completed" "OK $((CHUNK + 100)) "
}
run overlong 1 "${flogin[@]}" -d "$tmp/c7" &&
	expect "more than asked" "the server sent $((CHUNK + 1)) bytes"
run refused 1 "${flogin[@]}" -d "$tmp/c7" &&
	expect "NO reported" "ERROR: refused: "
[ -z "$(find "$tmp/c7" -type f -name '1-2')" ] ||
	fail "a hostile server got a complete file stored"
if ! wait "$fpid"; then
	fail "the fake server says: $(cat "$tmp/fake.err")"
else
	echo "ok: the fake server saw the expected commands"
fi

echo "# bytes sent by dovecot: text $text_out, resumed $resume_out," \
	"full $full_out (section 2: $total)"
[ "$failures" = 0 ] || { echo "$failures check(s) failed" >&2; exit 1; }
