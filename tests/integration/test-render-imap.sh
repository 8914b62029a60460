#!/bin/bash
# test-render-imap: the pager's text for an IMAP message (from its
# BODYSTRUCTURE and the one part fetched) is what `skua render` shows for
# the same message read whole: every corpus message is appended to the
# rig's dovecot, fetched through the account worker, and its text (with
# a forwarded message inline) must appear in the render output, with the
# same notes.
set -uo pipefail

. "$(dirname "$0")/lib.sh"
corpora=${top_srcdir:?}/tests/corpora
export TZ=UTC

"$rig" start "$tmp/rig" >/dev/null 2>&1 || { fail "rig failed"; finish; }
# shellcheck disable=SC1091
. "$tmp/rig/rig.env"
export XDG_CACHE_HOME=$tmp/cache XDG_DATA_HOME=$tmp/data \
	XDG_STATE_HOME=$tmp/state HOME=$tmp
conf=$tmp/skua.conf
write_conf "$conf"

files=("$corpora"/*.eml)
# Appended in order, so UID n is file n (CRLF, as on the wire).
imap 'c.create("Corpus")' "
import glob
for f in sorted(glob.glob('$corpora/*.eml')):
    data = open(f, 'rb').read().replace(b'\r\n', b'\n').replace(b'\n', b'\r\n')
    typ, _ = c.append('Corpus', None, None, data)
    assert typ == 'OK', f
" || fail "append"
"$probe" "$conf" mail open Corpus >/dev/null || fail "open Corpus"

uid=0
for f in "${files[@]}"; do
	uid=$((uid + 1))
	name=$(basename "$f" .eml)
	"$probe" "$conf" mail fetch Corpus "$uid" >"$tmp/imap.out" 2>&1
	# The bytes the server has: CRLF line ends (sizes depend on them).
	"$py" -c 'import sys
d = open(sys.argv[1], "rb").read().replace(b"\r\n", b"\n")
sys.stdout.buffer.write(d.replace(b"\n", b"\r\n"))' "$f" >"$tmp/crlf.eml"
	"$skua" render "$tmp/crlf.eml" >"$tmp/render.out" 2>/dev/null
	if "$py" - "$tmp/imap.out" "$tmp/render.out" <<'PY'
import re, sys
imap = open(sys.argv[1], "rb").read()
render = open(sys.argv[2], encoding="utf-8").read()
m = re.search(rb"^\d+ TEXT section \S* type \S* notes (\d+) bytes (\d+)\n",
              imap, re.M)
if not m:
    sys.exit("no TEXT event in: " + imap[:400].decode("utf-8", "replace"))
start = m.end()
text = imap[start:start + int(m.group(2))].decode("utf-8")
# The notes the pager prints, as render prints them (render.c's table).
lines = {1: "Unknown charset", 2: "HTML shown as text --]",
         4: "has no text", 8: "HTML shown as text by html_command",
         0x40: "Signed;", 0x80: "encrypted;"}
notes = int(m.group(1))
for bit, want in lines.items():
    if notes & bit and want not in render:
        sys.exit("note %#x (%s) missing from render" % (bit, want))
body = text.strip("\n")
if body and body not in render:
    sys.exit("IMAP text not in render output:\n---\n%s\n---\n%s"
             % (body[:600], render[:600]))
PY
	then
		ok "$name"
	else
		fail "$name"
	fi
done
finish
