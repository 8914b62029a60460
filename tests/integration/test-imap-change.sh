#!/bin/bash
# test-imap-change: imap-change's commands, one per change-probe run, on
# both rig profiles, each checked by a second client (imaplib): flags set
# and cleared (long UID lists in several commands), copy and move (UID MOVE,
# or COPY, \Deleted and a purge that never takes what someone else marked
# deleted), purge by UID, folder commands seen by LIST and LSUB, APPEND
# with APPENDUID, the quota and the over-quota refusal, and UNCHANGEDSINCE
# reporting the message another client changed.
set -uo pipefail

. "$(dirname "$0")/lib.sh"
cprobe=${top_builddir:-$lib_here/../..}/tests/integration/change-probe

# flags_of FOLDER UID: the second client's view of one message's flags.
flags_of() {
	imap "c.select('$1')" "t, d = c.uid('FETCH', '$2', '(FLAGS)')
print(d[0].decode() if d and d[0] else 'none')"
}

# count_of FOLDER: messages in it, as the second client sees.
count_of() {
	imap "t, d = c.select('$1')
print(int(d[0]))"
}

# uids_of FOLDER: its UIDs, comma-separated.
uids_of() {
	imap "c.select('$1')" "t, d = c.uid('SEARCH', None, 'ALL')
print(','.join(x.decode() for x in d[0].split()))"
}

# subject_of FOLDER UID: that message's Subject header.
subject_of() {
	imap "c.select('$1')" "t, h = c.uid('FETCH', '$2', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
print(h[0][1].decode().strip() if h and h[0] and isinstance(h[0], tuple) else 'none')"
}

# subjects_of FOLDER: all its subjects, sorted.
subjects_of() {
	imap "c.select('$1')" "t, d = c.uid('SEARCH', None, 'ALL')
for u in d[0].split():
    t, h = c.uid('FETCH', u, '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
    print(h[0][1].decode().strip())" | sort
}

# mark FOLDER UID +FLAGS|-FLAGS FLAG: the second client changes a message.
mark() {
	imap "c.select('$1')" "c.uid('STORE', '$2', '$3', r'($4)')"
}

# names list|lsub: the folder names the server lists, one a line.
names() {
	imap "import re
for l in c.$1()[1]:
    if l: print(re.search(rb'\"/\" (.*)$', l).group(1).strip(b'\"').decode())"
}

has_line() { grep -qxF -- "$2" <<<"$1"; }

run_profile() {
	local profile=$1 dir out rc n before uids s want ms next lines longest
	LABEL=$profile
	dir=$tmp/rig-$profile
	"$rig" start "$dir" --profile "$profile" --quota 20M >/dev/null 2>&1 ||
		{ fail "rig did not start"; return; }
	"$rig" populate "$dir" --inbox 30 >/dev/null 2>&1
	# shellcheck disable=SC1091
	. "$dir/rig.env"
	log=$tmp/$profile.log
	p() {
		CHANGE_PROBE_LOG=$log timeout 60 "$cprobe" -h 127.0.0.1 \
			-p "$RIG_IMAPS_PORT" -c "$RIG_CA" -u "$RIG_USER" \
			-w "$RIG_PASS" "$@"
	}

	echo "# $profile: flags"
	mark INBOX 1:5 +FLAGS '\Seen'
	out=$(p flags INBOX +FA-S 1,2,3)
	s=$(flags_of INBOX 1; flags_of INBOX 3)
	[ "$out" = OK ] && [ "$(grep -c 'Flagged' <<<"$s")" = 2 ] &&
		[ "$(grep -c 'Answered' <<<"$s")" = 2 ] &&
		! grep -q 'Seen' <<<"$s" &&
		grep -q 'Seen' <<<"$(flags_of INBOX 4)" &&
		! grep -q 'Flagged' <<<"$(flags_of INBOX 4)" &&
		ok "+FLAGS and -FLAGS on 1,2,3 only" ||
		fail "flags: $out; 1,3: $s; 4: $(flags_of INBOX 4)"
	out=$(p flags INBOX +WJD-F 2)
	s=$(flags_of INBOX 2)
	[ "$out" = OK ] && grep -q '\$Forwarded' <<<"$s" &&
		grep -q '\$Junk' <<<"$s" && grep -q 'Deleted' <<<"$s" &&
		! grep -q 'Flagged' <<<"$s" &&
		ok "keywords \$Forwarded, \$Junk; \\Deleted set, \\Flagged cleared" ||
		fail "keywords: $out; 2: $s"
	p flags INBOX -D 2 >/dev/null
	: >"$log"
	# 1000 single UIDs: too many for one line; the odd ones that exist
	# are changed, the even ones not.
	out=$(p flags INBOX +T 1:1999/2)
	lines=$(grep -c '> [0-9]* UID STORE' "$log")
	longest=$(grep '> [0-9]* UID STORE' "$log" | sed 's/.* > //' |
		awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
	[ "$out" = OK ] && [ "$lines" -ge 4 ] && [ "$longest" -lt 8192 ] &&
		grep -q Draft <<<"$(flags_of INBOX 29)" &&
		! grep -q Draft <<<"$(flags_of INBOX 30)" &&
		ok "1000 UIDs in $lines STOREs, the longest $longest bytes" ||
		fail "long set: $out, $lines STOREs, longest $longest; 29: $(flags_of INBOX 29); 30: $(flags_of INBOX 30)"
	p flags INBOX -T 1:1999/2 >/dev/null
	grep -q '> [0-9]* UID STORE 1:3 +FLAGS.SILENT' "$log" ||
		grep -q '> [0-9]* UID STORE 1,3,5' "$log" ||
		fail "UID sets not as ranges: $(grep 'UID STORE' "$log" | head -2)"

	echo "# $profile: UNCHANGEDSINCE"
	ms=$(imap "c.select('INBOX')" "import re
t, d = c.uid('FETCH', '14', '(MODSEQ)')
print(re.search(rb'MODSEQ \((\d+)\)', d[0]).group(1).decode() if t == 'OK' and d[0] else 0)" 2>/dev/null)
	[ -n "$ms" ] && [ "$ms" != 0 ] || ms=1
	mark INBOX 14 +FLAGS '\Flagged'
	out=$(p -m "$ms" flags INBOX +J 13,14,15)
	if [ "$profile" = full ]; then
		[ "$out" = "OK modified 14" ] &&
			! grep -q Junk <<<"$(flags_of INBOX 14)" &&
			grep -q Junk <<<"$(flags_of INBOX 13)" &&
			grep -q Junk <<<"$(flags_of INBOX 15)" &&
			grep -q "UID STORE 13:15 (UNCHANGEDSINCE $ms) +FLAGS.SILENT (\$Junk)$" "$log" &&
			ok "UNCHANGEDSINCE $ms: 14 changed by the other client is MODIFIED and left alone" ||
			fail "UNCHANGEDSINCE: $out; 13-15: $(flags_of INBOX 13:15)"
	else
		[ "$out" = OK ] && grep -q Junk <<<"$(flags_of INBOX 14)" &&
			! grep -q UNCHANGEDSINCE "$log" &&
			ok "no CONDSTORE: a plain STORE" ||
			fail "no CONDSTORE: $out; 14: $(flags_of INBOX 14)"
	fi

	echo "# $profile: copy and move"
	n=$(count_of Archive)
	want=$(subject_of INBOX 6; subject_of INBOX 7)
	out=$(p copy INBOX Archive 6,7)
	[ "$out" = OK ] && [ "$(count_of Archive)" = $((n + 2)) ] &&
		[ "$(count_of INBOX)" = 30 ] &&
		has_line "$(subjects_of Archive)" "$(head -1 <<<"$want")" &&
		has_line "$(subjects_of Archive)" "$(tail -1 <<<"$want")" &&
		ok "copy: both in Archive, INBOX untouched" ||
		fail "copy: $out; Archive $(count_of Archive) (was $n); INBOX $(count_of INBOX)"
	n=$(count_of Trash)
	want=$(subject_of INBOX 8)
	: >"$log"
	out=$(p move INBOX Trash 8,9)
	uids=$(uids_of INBOX)
	[ "$out" = OK ] && [ "$(count_of Trash)" = $((n + 2)) ] &&
		[ "$(count_of INBOX)" = 28 ] &&
		! grep -qE '(^|,)(8|9)(,|$)' <<<"$uids" &&
		has_line "$(subjects_of Trash)" "$want" &&
		ok "move: in Trash, gone from INBOX, nothing else gone" ||
		fail "move: $out; Trash $(count_of Trash) (was $n); INBOX $uids"
	if [ "$profile" = full ]; then
		grep -q '> [0-9]* UID MOVE 8:9 Trash' "$log" &&
			ok "move is UID MOVE" || fail "no UID MOVE in the log"
	else
		grep -q '> [0-9]* UID COPY 8:9 Trash' "$log" &&
			grep -q '> [0-9]* UID SEARCH DELETED' "$log" &&
			grep -q '> [0-9]* EXPUNGE' "$log" &&
			ok "no MOVE, no UIDPLUS: COPY, SEARCH DELETED, EXPUNGE" ||
			fail "fallback move: $(grep -o '> [0-9]* [A-Z ]*' "$log" | tr '\n' ';')"
	fi
	# Someone else marked 10 deleted: a move of 11 must not purge it.
	mark INBOX 10 +FLAGS '\Deleted'
	n=$(count_of Trash)
	out=$(p move INBOX Trash 11)
	rc=$?
	uids=$(uids_of INBOX)
	[ "$(count_of Trash)" = $((n + 1)) ] ||
		fail "move of 11 made no copy: Trash $(count_of Trash), was $n"
	grep -qE '(^|,)10(,|$)' <<<"$uids" ||
		fail "move of 11 purged 10, which someone else marked: $uids"
	if [ "$profile" = full ]; then
		[ "$out" = OK ] && [ "$(count_of INBOX)" = 27 ] &&
			ok "UID MOVE of 11 leaves 10 (marked deleted) alone" ||
			fail "move 11: $out; INBOX $uids"
	else
		[ $rc = 4 ] && grep -q '^UNSAFE: .*cop.*marked deleted' <<<"$out" &&
			[ "$(count_of INBOX)" = 28 ] &&
			grep -q Deleted <<<"$(flags_of INBOX 11)" &&
			ok "no UIDPLUS, 10 marked by another: UNSAFE, nothing purged ($out)" ||
			fail "unsafe move: rc $rc, $out; INBOX $uids; 11: $(flags_of INBOX 11)"
	fi

	echo "# $profile: purge by UID"
	mark INBOX 12 +FLAGS '\Deleted'
	if [ "$profile" = full ]; then
		out=$(p expunge INBOX 12)
		uids=$(uids_of INBOX)
		[ "$out" = OK ] && [ "$(count_of INBOX)" = 26 ] &&
			! grep -qE '(^|,)12(,|$)' <<<"$uids" &&
			grep -qE '(^|,)10(,|$)' <<<"$uids" &&
			ok "UID EXPUNGE 12: gone; 10 (also deleted) stays" ||
			fail "expunge 12: $out; INBOX $uids"
	else
		out=$(p expunge INBOX 11,12)
		rc=$?
		[ $rc = 4 ] && grep -q '^UNSAFE' <<<"$out" &&
			[ "$(count_of INBOX)" = 28 ] &&
			ok "purge while 10 is marked by another: UNSAFE, count 28" ||
			fail "unsafe purge: rc $rc, $out; $(count_of INBOX)"
		mark INBOX 10 -FLAGS '\Deleted'
		out=$(p expunge INBOX 11,12)
		uids=$(uids_of INBOX)
		[ "$out" = OK ] && [ "$(count_of INBOX)" = 26 ] &&
			! grep -qE '(^|,)(11|12)(,|$)' <<<"$uids" &&
			grep -qE '(^|,)10(,|$)' <<<"$uids" &&
			ok "only ours marked: EXPUNGE, 11 and 12 gone, 10 stays" ||
			fail "purge 11,12: $out; INBOX $uids"
	fi

	echo "# $profile: folders"
	out=$(p create 'Projekt/Entw&APw-rfe')
	[ "$out" = OK ] && has_line "$(names list)" 'Projekt/Entw&APw-rfe' &&
		has_line "$(names lsub)" 'Projekt/Entw&APw-rfe' &&
		ok "create: listed and subscribed" ||
		fail "create: $out; $(names lsub | tr '\n' ' ')"
	out=$(p create 'Projekt/Entw&APw-rfe')
	rc=$?
	[ $rc = 3 ] && grep -q '^REFUSED' <<<"$out" &&
		ok "create of an existing folder: REFUSED" ||
		fail "create again: rc $rc, $out"
	out=$(p rename 'Projekt/Entw&APw-rfe' 'Projekt/Done')
	s=$(names list)
	[ "$out" = OK ] && has_line "$s" 'Projekt/Done' &&
		! has_line "$s" 'Projekt/Entw&APw-rfe' &&
		has_line "$(names lsub)" 'Projekt/Done' &&
		! has_line "$(names lsub)" 'Projekt/Entw&APw-rfe' &&
		ok "rename: the new name listed and subscribed, the old gone" ||
		fail "rename: $out; list $(tr '\n' ' ' <<<"$s"); lsub $(names lsub | tr '\n' ' ')"
	out=$(p unsubscribe 'Projekt/Done')
	[ "$out" = OK ] && ! has_line "$(names lsub)" 'Projekt/Done' &&
		ok "unsubscribe" || fail "unsubscribe: $out"
	out=$(p rename 'Projekt/Done' 'Projekt/Later')
	s=$(names lsub)
	[ "$out" = OK ] && has_line "$(names list)" 'Projekt/Later' &&
		has_line "$s" Sent && ! has_line "$s" 'Projekt/Later' &&
		! has_line "$s" 'Projekt/Done' &&
		ok "rename of an unsubscribed folder: still unsubscribed" ||
		fail "rename unsubscribed: $out; lsub $(tr '\n' ' ' <<<"$s")"
	out=$(p subscribe 'Projekt/Later')
	[ "$out" = OK ] && has_line "$(names lsub)" 'Projekt/Later' &&
		ok "subscribe" || fail "subscribe: $out"
	out=$(p delete 'Projekt/Later')
	s=$(names list)
	[ "$out" = OK ] && has_line "$s" INBOX && ! has_line "$s" 'Projekt/Later' &&
		has_line "$(names lsub)" Sent &&
		! has_line "$(names lsub)" 'Projekt/Later' &&
		ok "delete: neither listed nor subscribed" ||
		fail "delete: $out; $(names list | tr '\n' ' ')"

	echo "# $profile: append"
	printf 'From: a@example.org\r\nSubject: appended by change-probe\r\n\r\nhello\r\n' \
		>"$tmp/small.eml"
	next=$(imap "import re
t, d = c.status('INBOX', '(UIDNEXT)')
print(re.search(rb'UIDNEXT (\d+)', d[0]).group(1).decode())")
	n=$(count_of INBOX)
	out=$(p append INBOX "$tmp/small.eml" +SF)
	if [ "$profile" = full ]; then
		[ "$out" = "appenduid $next" ] &&
			[ "$(subject_of INBOX "$next")" = 'Subject: appended by change-probe' ] &&
			grep -q Seen <<<"$(flags_of INBOX "$next")" &&
			grep -q Flagged <<<"$(flags_of INBOX "$next")" &&
			ok "APPEND: APPENDUID $next is the message, with its flags" ||
			fail "append: $out (UIDNEXT was $next); $(subject_of INBOX "$next")"
	else
		[ "$out" = "appenduid 0" ] && [ "$(count_of INBOX)" = $((n + 1)) ] &&
			[ "$(subject_of INBOX "$next")" = 'Subject: appended by change-probe' ] &&
			ok "APPEND without UIDPLUS: landed, uid 0 reported" ||
			fail "append: $out; INBOX $(count_of INBOX), was $n"
	fi

	echo "# $profile: quota"
	out=$(p quota INBOX)
	rc=$?
	if [ "$profile" = full ]; then
		want=$(imap "import re
t, d = c.getquotaroot('INBOX')
m = re.search(rb'STORAGE (\d+) (\d+)', b' '.join(x for x in d[1] if isinstance(x, bytes)))
print('%s/%s' % (m.group(1).decode(), m.group(2).decode()))")
		grep -q "^quota storage $want messages 0/0 root " <<<"$out" &&
			[ "${want#*/}" = 20480 ] && [ "${want%/*}" -gt 0 ] &&
			ok "quota: $out (the rig's 20M)" ||
			fail "quota: $out; want storage $want of 20480"
	else
		[ $rc = 5 ] && [ "$out" = UNSUPPORTED ] &&
			ok "no QUOTA: UNSUPPORTED" || fail "quota: rc $rc, $out"
	fi
	"$py" -c "import sys, base64, os
sys.stdout.write('Subject: too big\r\n\r\n')
b = base64.encodebytes(os.urandom(15 * 1024 * 1024)).decode()
sys.stdout.write(b.replace('\n', '\r\n'))" >"$tmp/big.eml"
	n=$(count_of INBOX)
	out=$(p append INBOX "$tmp/big.eml")
	rc=$?
	[ $rc = 3 ] && grep -q '^REFUSED: the mailbox is full' <<<"$out" &&
		[ "$(count_of INBOX)" = "$n" ] &&
		ok "over quota: $out" ||
		fail "over-quota append: rc $rc, $out; INBOX $(count_of INBOX), was $n"

	echo "# $profile: errors"
	out=$(p copy INBOX Nonexistent 1)
	rc=$?
	[ $rc = 3 ] && grep -q '^REFUSED' <<<"$out" &&
		ok "copy to a folder that does not exist: REFUSED" ||
		fail "copy to nowhere: rc $rc, $out"
	"$rig" stop "$dir" >/dev/null 2>&1
}

run_profile full
run_profile reduced
finish
