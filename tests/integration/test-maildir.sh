#!/bin/bash
# test-maildir: a POP3 account's local store read through the account
# worker with no server at all: the folder list with roles and counts,
# every row with the subject and sender `skua render` shows, each
# message's text within render's output, attachments saved byte for
# byte and never over a file, flags kept in file names (read, and set by
# another client), files that come and go, the cache rebuilt from the
# Maildir, and every file in the notmuch index.
set -uo pipefail

. "$(dirname "$0")/lib.sh"
corpora=${top_srcdir:?}/tests/corpora
export TZ=UTC
export XDG_CACHE_HOME=$tmp/cache XDG_DATA_HOME=$tmp/data \
	XDG_STATE_HOME=$tmp/state XDG_CONFIG_HOME=$tmp/config HOME=$tmp

# The store: INBOX with the corpus in new/, delivered one second apart in
# name order (so UID n is file n), and Maildir++ folders, one of them a
# level with no directory of its own (.Lists.dev without .Lists).
store=$tmp/store
for d in "" .Sent .Drafts .Trash .Junk .Archive .Lists.dev .Réunions; do
	mkdir -p "$store/$d/new" "$store/$d/cur" "$store/$d/tmp"
done
files=("$corpora"/*.eml)
n=0
for f in "${files[@]}"; do
	n=$((n + 1))
	name=$((1700000000 + n)).M${n}P42.test
	cp "$f" "$store/new/$name"
	touch -d "@$((1700000000 + n))" "$store/new/$name"
done
cp "$corpora/plain-ascii.eml" "$store/.Sent/cur/1.M1P1.test:2,S"

# No server: reading never connects; a sync tries to download, is refused
# at once (nothing listens on port 1), and still looks at the store.
conf=$tmp/skua.conf
cat > "$conf" <<CONF
[account local]
protocol = pop3
host = 127.0.0.1
port = 1
user = me
password_command = echo not-used
maildir = $store
CONF
db=$XDG_CACHE_HOME/skua/local/maildir.db

echo "# the folder list"
out=$("$probe" "$conf" local list)
grep -q "^[0-9]* DONE" <<<"$out" || fail "list: $out"
for want in "FOLDER INBOX display INBOX role 1 total $n unseen $n" \
    "FOLDER Sent display Sent role 2 total 1 unseen 0" \
    "FOLDER Drafts display Drafts role 3 total 0" \
    "FOLDER Trash display Trash role 4 total 0" \
    "FOLDER Junk display Junk role 5 total 0" \
    "FOLDER Archive display Archive role 6 total 0" \
    "FOLDER Lists display Lists role 0" \
    "FOLDER Lists.dev display Lists.dev role 0" \
    "FOLDER Réunions display Réunions role 0"; do
	grep -qF "$want" <<<"$out" && ok "$want" || fail "no '$want' in: $out"
done
grep -q "notmuch" <<<"$out" && fail "notmuch's directory listed as a folder"

echo "# opening INBOX: every row, as render shows its sender and subject"
ACCOUNT_PROBE_LOG=$tmp/open.log "$probe" -r "$conf" local open INBOX \
	>"$tmp/open.out" 2>&1 || fail "open INBOX: $(tail -3 "$tmp/open.out")"
rows=$(grep -c "^ROW uid" "$tmp/open.out")
[ "$rows" = "$n" ] && ok "$rows rows for $n files" || fail "$rows rows"
uid=0
for f in "${files[@]}"; do
	uid=$((uid + 1))
	name=$(basename "$f" .eml)
	"$skua" render "$f" >"$tmp/render.out" 2>/dev/null
	if "$py" - "$tmp/open.out" "$tmp/render.out" "$uid" <<'PY'
import sys
rows = open(sys.argv[1], encoding="utf-8").read().split("\n")
render = open(sys.argv[2], encoding="utf-8").read()
uid = sys.argv[3]
head = render.split("\n\n", 1)[0].split("\n")
want = {"From": "", "Subject": ""}
for line in head:
    for k in want:
        if line.startswith(k + ": "):
            want[k] = line[len(k) + 2:]
prefix = "ROW uid %s flags " % uid
row = [r for r in rows if r.startswith(prefix)]
if len(row) != 1:
    sys.exit("no single row for uid " + uid)
got_from = row[0].split(" from ", 1)[1].split(" subject ", 1)[0]
got_subject = row[0].split(" subject ", 1)[1]
if got_from != want["From"] or got_subject != want["Subject"]:
    sys.exit("row %r, render %r" % (row[0], want))
PY
	then
		ok "row $uid: $name"
	else
		fail "row $uid: $name"
	fi
done
ls "$store/new" | grep -q . && fail "opening left files in new/"
[ "$(ls "$store/cur" | grep -c ':2,$')" = "$n" ] &&
	ok "opening moved new/ to cur/ (as mutt does)" ||
	fail "cur/: $(ls "$store/cur")"

echo "# reading each message: its text is what render shows"
uid=0
for f in "${files[@]}"; do
	uid=$((uid + 1))
	name=$(basename "$f" .eml)
	"$probe" "$conf" local fetch INBOX "$uid" >"$tmp/fetch.out" 2>&1
	"$skua" render "$f" >"$tmp/render.out" 2>/dev/null
	if grep -q "^[0-9]* DONE" "$tmp/fetch.out" &&
	    "$py" - "$tmp/fetch.out" "$tmp/render.out" <<'PY'
import re, sys
out = open(sys.argv[1], "rb").read()
render = open(sys.argv[2], encoding="utf-8").read()
m = re.search(rb"^\d+ TEXT section \S* type \S* notes (\d+) bytes (\d+)\n",
              out, re.M)
if not m:
    sys.exit("no TEXT event in: " + out[:400].decode("utf-8", "replace"))
text = out[m.end():m.end() + int(m.group(2))].decode("utf-8")
lines = {1: "Unknown charset", 2: "HTML shown as text --]",
         4: "has no text", 8: "HTML shown as text by html_command",
         0x10: "left out", 0x20: "shown as plain text",
         0x40: "Signed;", 0x80: "encrypted;"}
notes = int(m.group(1))
for bit, want in lines.items():
    if notes & bit and want not in render:
        sys.exit("note %#x (%s) missing from render" % (bit, want))
body = text.strip("\n")
if body and body not in render:
    sys.exit("text not in render output:\n---\n%s\n---\n%s"
             % (body[:600], render[:600]))
PY
	then
		ok "text $uid: $name"
	else
		fail "text $uid: $name: $(head -c 600 "$tmp/fetch.out")"
	fi
done

echo "# flags live in the file names"
read_files=$(ls "$store/cur" | grep -c ':2,S$')
[ "$read_files" = "$n" ] && ok "every message read is :2,S on disk" ||
	fail "$read_files of $n files have :2,S"
out=$("$probe" "$conf" local list)
grep -qF "FOLDER INBOX display INBOX role 1 total $n unseen 0" <<<"$out" &&
	ok "INBOX counts: $n, none unseen" || fail "counts after reading: $out"
# Another client (mutt) flags one and deletes another, and a new one
# arrives: a sync sends exactly that.
first=$(ls "$store/cur" | sort | head -1)
mv "$store/cur/$first" "$store/cur/${first%:2,S}:2,FS"
second=$(ls "$store/cur" | sort | sed -n 2p)
rm "$store/cur/$second"
printf 'From: New <new@example.org>\nSubject: Just arrived\n\nhello\n' \
	>"$store/new/1800000000.M1P1.test"
out=$("$probe" -r "$conf" local sync INBOX)
grep -q "ERROR" <<<"$out" && ok "the download fails: no server" ||
	fail "a download from nowhere: $out"
grep -q "FLAGS uid 1 flags 5" <<<"$out" &&
	ok "a flag set by another client: FLAGS flagged+seen" ||
	fail "external flag: $out"
grep -q "VANISHED 1" <<<"$out" && ok "a file deleted elsewhere: VANISHED" ||
	fail "external delete: $out"
grep -q "ROW uid $((n + 1)) flags 0 .*subject Just arrived" <<<"$out" &&
	ok "a new file: one new row, unread" || fail "new file: $out"
[ -f "$store/new/1800000000.M1P1.test" ] &&
	ok "a sync leaves new/ alone (only opening moves it)" ||
	fail "sync moved the new file"

echo "# attachments"
att=0
for f in "${files[@]}"; do
	att=$((att + 1))
	[ "$(basename "$f")" = rfc2231-names.eml ] && break
done
out=$("$probe" "$conf" local fetch INBOX "$att")
grep -qF "ATTACHMENT section 2 name Résumé de l'année.pdf type application/pdf size 16" <<<"$out" &&
	grep -qF "ATTACHMENT section 3 name café.txt type text/plain" <<<"$out" &&
	grep -qF "ATTACHMENT section 4 name 日本語.bin type application/octet-stream" <<<"$out" &&
	ok "three attachments listed with names, types, sizes" ||
	fail "attachments: $out"
out=$("$probe" "$conf" local save INBOX "$att" 2 "$tmp/saved.pdf")
grep -q "DONE" <<<"$out" || fail "save: $out"
want=$(printf 'JVBERi0xLjQKJcfs' | base64 -d | sha256sum | cut -d' ' -f1)
got=$(sha256sum <"$tmp/saved.pdf" | cut -d' ' -f1)
[ "$want" = "$got" ] && ok "saved attachment decoded byte for byte" ||
	fail "saved sha256 $got, want $want"
"$probe" "$conf" local save INBOX "$att" 4 "$tmp/saved.bin" >/dev/null
[ "$(od -An -tx1 "$tmp/saved.bin" | tr -d ' \n')" = 00010203 ] &&
	ok "a second attachment: 00 01 02 03" || fail "saved.bin"
out=$("$probe" "$conf" local save INBOX "$att" 2 "$tmp/saved.pdf")
grep -q "exists; not overwritten" <<<"$out" &&
	[ "$(sha256sum <"$tmp/saved.pdf" | cut -d' ' -f1)" = "$want" ] &&
	ok "an existing file is not overwritten" || fail "overwrite: $out"
out=$("$probe" "$conf" local save INBOX "$att" 9 "$tmp/none")
grep -q "ERROR message $att has no part 9" <<<"$out" &&
	ok "a part that is not there: a plain error" || fail "no part: $out"

echo "# the cache: a second open parses nothing; a lost cache is rebuilt"
ACCOUNT_PROBE_LOG=$tmp/again.log "$probe" "$conf" local open INBOX \
	>/dev/null || fail "open again"
grep -q "INBOX: $n files, 0 to read, 0 gone, 0 re-flagged" "$tmp/again.log" &&
	ok "reopened from the cache: $n files, none read" ||
	fail "reopen: $(grep refresh "$tmp/again.log")"
# UIDs are the cache's: a new cache numbers the files afresh.
rows() {
	"$probe" -r "$conf" local open INBOX | grep "^ROW" |
		sed 's/^ROW uid [0-9]* //' | sort
}
before=$(rows)
rm -f "$db" "$db-wal" "$db-shm"
after=$(rows)
[ "$before" = "$after" ] && [ "$(wc -l <<<"$after")" = "$n" ] &&
	ok "cache deleted: the same $n rows again" ||
	fail "rebuilt rows differ: $(diff <(echo "$before") <(echo "$after"))"
echo "not a database" >"$db"
out=$("$probe" "$conf" local open INBOX)
grep -q "DONE" <<<"$out" && ok "a damaged cache is made again" ||
	fail "damaged cache: $out"

echo "# notmuch"
[ -d "$store/.notmuch/xapian" ] && ok "a notmuch database at the store root" ||
	fail "no $store/.notmuch/xapian"
# Indexing runs in a process of its own beside the worker, which records
# what it did at its next request: a list, a pause, a list.
for _ in $(seq 10); do
	"$probe" "$conf" local list + pause 1000 + list >/dev/null
	left=$(sqlite3 "$db" "select count(*) from message where indexed is \
		null or indexed <> file")
	[ "$left" = 0 ] && break
done
total=$(sqlite3 "$db" "select count(*) from message")
[ "$left" = 0 ] && [ "$total" -gt 0 ] &&
	ok "every file ($total) is in notmuch under its present name" ||
	fail "$left of $total files not in notmuch"
# Tags follow the flags in the names: all read but the one that just
# arrived; one flagged by another client. Asked of libnotmuch itself.
counts=$("$py" - "$store" 'tag:unread' 'tag:flagged' \
    'subject:"Just arrived" and tag:unread' 'tag:inbox' <<'PY'
import ctypes, sys
nm = ctypes.CDLL("libnotmuch.so.5")
P = ctypes.c_void_p
nm.notmuch_database_open_with_config.argtypes = [ctypes.c_char_p,
    ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(P),
    ctypes.POINTER(ctypes.c_char_p)]
nm.notmuch_query_create.restype = P
nm.notmuch_query_create.argtypes = [P, ctypes.c_char_p]
nm.notmuch_query_count_messages.argtypes = [P, ctypes.POINTER(ctypes.c_uint)]
nm.notmuch_query_destroy.argtypes = [P]
nm.notmuch_database_destroy.argtypes = [P]
db = P()
if nm.notmuch_database_open_with_config(sys.argv[1].encode(), 0, b"", None,
        ctypes.byref(db), None) != 0:
    sys.exit("cannot open the notmuch database")
for q in sys.argv[2:]:
    query = nm.notmuch_query_create(db, q.encode())
    n = ctypes.c_uint()
    rc = nm.notmuch_query_count_messages(query, ctypes.byref(n))
    print(n.value if rc == 0 else -1, end=" ")
    nm.notmuch_query_destroy(query)
nm.notmuch_database_destroy(db)
PY
)
read -r unread flagged arrived inbox <<<"$counts"
[ "$unread" = 1 ] && [ "$flagged" = 1 ] && [ "$arrived" = 1 ] &&
	[ "$inbox" -ge "$((n - 1))" ] &&
	ok "notmuch tags: 1 unread (the new one), 1 flagged, $inbox in inbox" ||
	fail "notmuch counts (unread flagged arrived inbox): $counts"

echo "# other folders, and one that is not there"
out=$("$probe" -r "$conf" local open Sent)
grep -q "ROW uid 1 flags 1 .*subject Lunch on Friday?" <<<"$out" &&
	ok "Sent: its read message" || fail "Sent: $out"
out=$("$probe" "$conf" local open Nope)
grep -q "ERROR Nope: no such folder" <<<"$out" && ok "no such folder" ||
	fail "missing folder: $out"
out=$("$probe" "$conf" local open ../../etc)
grep -q "ERROR" <<<"$out" && ok "a name outside the store is refused" ||
	fail "escape: $out"
finish
