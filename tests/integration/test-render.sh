#!/bin/bash
# test-render: `skua render` over tests/corpora: each message's output is
# compared with its .out file (what a person checked once), then messages
# built here test the bounds: CRLF, huge headers, deep nesting, many parts,
# a parser that dies. UPDATE=1 rewrites the .out files (then review them).
set -uo pipefail

corpora=${top_srcdir:?}/tests/corpora
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
# No configuration at all: render works without one. w3m's output is
# pinned by the .out files; the dates are shown in UTC.
export HOME=$home XDG_CONFIG_HOME=$home/config XDG_STATE_HOME=$home/state
export TZ=UTC
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

for eml in "$corpora"/*.eml; do
	name=$(basename "$eml" .eml)
	want=$corpora/$name.out
	"$SKUA" render "$eml" >"$home/out" 2>"$home/err"
	status=$?
	if [ "${UPDATE:-}" = 1 ]; then
		cp "$home/out" "$want"
		continue
	fi
	if [ "$status" != 0 ]; then
		fail "$name: exit status $status: $(cat "$home/err")"
	elif [ ! -f "$want" ]; then
		fail "$name: no $name.out to compare with"
	elif ! diff -u "$want" "$home/out" >"$home/diff"; then
		fail "$name: output differs:"
		sed 's/^/    /' "$home/diff" >&2
	else
		echo "ok: $name"
	fi
done

# Standard input, and CRLF line ends give the same text as LF.
sed 's/$/\r/' "$corpora/plain-ascii.eml" >"$home/crlf.eml"
if "$SKUA" render - <"$home/crlf.eml" >"$home/out" &&
    diff -u "$corpora/plain-ascii.out" "$home/out"; then
	echo "ok: CRLF on standard input"
else
	fail "CRLF on standard input differs"
fi

# No terminal control reaches the output, whatever the message says.
if "$SKUA" render "$corpora"/*.eml | LC_ALL=C grep -qP \
    '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]'
then
	fail "control characters in the output"
else
	echo "ok: no control characters in any output"
fi

# Bounds, each within the time limit and with a note of what was left out.
check_bound() {
	local what=$1 file=$2 pattern=$3
	if ! timeout 60 "$SKUA" render "$file" >"$home/out" 2>"$home/err"
	then
		fail "$what: exit status $? $(head -c 300 "$home/err")"
	elif ! grep -qF -- "$pattern" "$home/out"; then
		fail "$what: no '$pattern' in: $(head -c 600 "$home/out")"
	else
		echo "ok: $what"
	fi
}

# A 2 MB Subject and 20,000 header lines.
/usr/bin/python3 - "$home/huge-header.eml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("From: a@example.org\nSubject: " + "x" * 2000000 + "\n")
    for i in range(20000):
        f.write("X-Filler-%d: %s\n" % (i, "y" * 40))
    f.write("\nThe body after a huge header.\n")
PY
check_bound "huge header" "$home/huge-header.eml" "[-- Part of this message"

# Multiparts nested 900 deep (libetpan's parser recurses through them
# all), then 5,000 (refused before it, read as text).
for n in 900 5000; do
/usr/bin/python3 - "$home/deep.eml" $n <<'PY'
import sys
n = int(sys.argv[2])
with open(sys.argv[1], "w") as f:
    f.write("From: a@example.org\nSubject: deep\nMIME-Version: 1.0\n")
    f.write('Content-Type: multipart/mixed; boundary="b0"\n\n')
    for i in range(1, n):
        f.write('--b%d\nContent-Type: multipart/mixed; boundary="b%d"\n\n'
                % (i - 1, i))
    f.write("--b%d\nContent-Type: text/plain\n\nDeep text.\n" % (n - 1))
    for i in range(n - 1, -1, -1):
        f.write("--b%d--\n" % i)
PY
check_bound "nesting $n deep" "$home/deep.eml" "Subject: deep"
done

# Comments nested a million deep in a header (libetpan recurses into each).
/usr/bin/python3 - "$home/parens.eml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("From: " + "(" * 1000000 + "\nSubject: parens\n\nText.\n")
PY
check_bound "comments a million deep" "$home/parens.eml" \
    "[-- The MIME structure could not be read"

# A parser that dies costs that message only: 900 levels of multipart need
# more stack than 256 KB, so libetpan crashes in the child; skua says so,
# prints the message as safe raw text and exits 1.
/usr/bin/python3 - "$home/deep900.eml" <<'PY'
import sys
n = 900
with open(sys.argv[1], "w") as f:
    f.write("From: a@example.org\nSubject: deep900\nMIME-Version: 1.0\n")
    f.write('Content-Type: multipart/mixed; boundary="b0"\n\n')
    for i in range(1, n):
        f.write('--b%d\nContent-Type: multipart/mixed; boundary="b%d"\n\n'
                % (i - 1, i))
    f.write("--b%d\nContent-Type: text/plain\n\nDeep \x1b[2J text.\n"
            % (n - 1))
    for i in range(n - 1, -1, -1):
        f.write("--b%d--\n" % i)
PY
(ulimit -s 256; "$SKUA" render "$home/deep900.eml" "$corpora/signed.eml") \
    >"$home/out" 2>"$home/err"
status=$?
if [ "$status" = 1 ] &&
    grep -q "deep900.eml: the parser \(crashed\|failed\); shown as raw" \
    "$home/err" && grep -q "^Deep \[2J text.$" "$home/out" &&
    grep -q "^This text is signed.$" "$home/out"; then
	echo "ok: a crashing parser costs one message"
else
	fail "crash: status $status, $(tail -3 "$home/err"), $(tail -5 "$home/out")"
fi

# Nested 40 deep: past the tree's depth, the rest is cut with a note.
/usr/bin/python3 - "$home/deep40.eml" <<'PY'
import sys
n = 40
with open(sys.argv[1], "w") as f:
    f.write("From: a@example.org\nSubject: deep40\nMIME-Version: 1.0\n")
    f.write('Content-Type: multipart/mixed; boundary="b0"\n\n')
    f.write("--b0\nContent-Type: text/plain\n\nTop text.\n")
    for i in range(1, n):
        f.write('--b%d\nContent-Type: multipart/mixed; boundary="b%d"\n\n'
                % (i - 1, i))
    f.write("--b%d\nContent-Type: text/plain\n\nDeep text.\n" % (n - 1))
    for i in range(n - 1, -1, -1):
        f.write("--b%d--\n" % i)
PY
check_bound "nesting 40 deep" "$home/deep40.eml" "[-- Part of this message"

# 3,000 parts: the first 1,000 are listed, then a note.
/usr/bin/python3 - "$home/many.eml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("From: a@example.org\nSubject: many\nMIME-Version: 1.0\n")
    f.write('Content-Type: multipart/mixed; boundary="m"\n\n')
    f.write("--m\nContent-Type: text/plain\n\nMany parts follow.\n")
    for i in range(3000):
        f.write('--m\nContent-Type: application/octet-stream; '
                'name="f%d.bin"\n\nx\n' % i)
    f.write("--m--\n")
PY
check_bound "3,000 parts" "$home/many.eml" "[-- Part of this message"
if grep -q "f990.bin" "$home/out" && ! grep -q "f1500.bin" "$home/out"; then
	echo "ok: parts listed up to the bound"
else
	fail "3,000 parts: wrong parts listed"
fi

# A 10 MB text body renders whole.
/usr/bin/python3 - "$home/big.eml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("From: a@example.org\nSubject: big\n\n")
    for i in range(200000):
        f.write("line %06d of a long plain text message, quite ordinary\n" % i)
PY
check_bound "10 MB body" "$home/big.eml" "line 199999 of a long"

# Several files, one after another, with their names.
if "$SKUA" render "$corpora/plain-ascii.eml" "$corpora/signed.eml" \
    >"$home/out" && grep -q "^==> .*plain-ascii.eml <==" "$home/out" &&
    grep -q "^==> .*signed.eml <==" "$home/out"; then
	echo "ok: several files"
else
	fail "several files"
fi

# pager_headers: the header block as configured, in its order and
# spelling, any header the message has; a name that cannot be one is
# passed over.
cat >"$home/headers.eml" <<'EML'
From: Alice <alice@example.org>
To: bob@example.net
Reply-To: =?UTF-8?Q?L=C3=A9a?= <lea@example.org>
X-Mailer: skua-test 1.0
Subject: Headers
Date: Mon, 06 Jan 2025 09:00:00 +0000

Text.
EML
printf 'pager_headers = Subject, reply-to X-Mailer Bcc Bad:Name\n' \
	>"$home/headers.conf"
printf 'Subject: Headers\nreply-to: L\303\251a <lea@example.org>\nX-Mailer: skua-test 1.0\n\nText.\n' \
	>"$home/headers.want"
if "$SKUA" -F "$home/headers.conf" render "$home/headers.eml" \
    >"$home/out" 2>"$home/err" && diff -u "$home/headers.want" "$home/out"
then
	echo "ok: pager_headers"
else
	fail "pager_headers: $(cat "$home/err")"
fi

# Errors: a missing file, no file at all.
"$SKUA" render "$home/missing.eml" >/dev/null 2>"$home/err"
status=$?
if [ "$status" = 1 ] && grep -q "missing.eml: No such file" "$home/err"; then
	echo "ok: missing file"
else
	fail "missing file: status $status, $(cat "$home/err")"
fi
"$SKUA" render >/dev/null 2>"$home/err"
[ $? = 2 ] && echo "ok: no file is a usage error" || fail "no file: status"

echo "$failures failures"
[ "$failures" = 0 ]
