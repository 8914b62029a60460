#!/bin/bash
# test-imap-sync: the IMAP mirror end to end against the rig, with both the
# full and the reduced-capability profiles: folders with special-use, a
# cold open that sends rows before it finishes, a warm reopen that fetches
# nothing, changes made by another client, UIDVALIDITY, offline, `skua sync`.
set -uo pipefail

. "$(dirname "$0")/lib.sh"

run_profile() {
	local profile=$1 dir conf out first done_line
	dir=$tmp/rig-$profile
	"$rig" start "$dir" --profile "$profile" >/dev/null 2>&1 ||
		{ fail "$profile: rig did not start"; return; }
	"$rig" populate "$dir" --big-attachment-mb 1 >/dev/null 2>&1
	# shellcheck disable=SC1091
	. "$dir/rig.env"
	export XDG_CACHE_HOME=$tmp/$profile/cache XDG_DATA_HOME=$tmp/$profile/data \
		XDG_STATE_HOME=$tmp/$profile/state
	conf=$tmp/$profile.conf
	write_conf "$conf"
	db=$XDG_CACHE_HOME/skua/mail/mirror.db
	echo "# $profile: folder list"
	out=$("$probe" "$conf" mail list)
	grep -q "STATE online" <<<"$out" || fail "$profile: not online: $out"
	for f in "INBOX role 1" "Sent display Sent role 2" \
	    "Drafts display Drafts role 3" "Trash display Trash role 4" \
	    "Junk display Junk role 5" "Archive display Archive role 6" \
	    "display Réunions"; do
		grep -q "$f" <<<"$out" && ok "$profile: folder $f" ||
			fail "$profile: no folder '$f' in: $out"
	done

	echo "# $profile: cold open"
	out=$("$probe" "$conf" mail open INBOX)
	first=$(grep -n "ROWS" <<<"$out" | head -1 | cut -d: -f1)
	done_line=$(grep -n "DONE" <<<"$out" | cut -d: -f1)
	rows=$(grep -o "ROWS [0-9]*" <<<"$out" | awk '{s += $2} END {print s}')
	if [ -n "$first" ] && [ -n "$done_line" ] && [ "$first" -lt "$done_line" ] &&
	    [ "$(grep -c ROWS <<<"$out")" -ge 2 ] && [ "$rows" = 300 ]; then
		ok "$profile: cold open sent $rows rows in windows before DONE"
	else
		fail "$profile: cold open: $out"
	fi
	cold_att=$(grep -o "attachments [0-9]*" <<<"$out" |
		awk '{s += $2} END {print s}')
	first=$(grep -m1 "ROWS" <<<"$out")
	grep -q "ROWS 60 .*max-uid 300 " <<<"$first" &&
		ok "$profile: the first window is the newest 60" ||
		fail "$profile: first window not newest: $(head -5 <<<"$out")"
	[ "$(sqlite3 "$db" "select count(*) from message m join folder f on \
	    m.folder_id = f.id where f.name = 'INBOX'")" = 300 ] &&
		ok "$profile: 300 rows mirrored" || fail "$profile: mirror count"
	[ "$(sqlite3 "$db" "select count(*) from message where bodystructure \
	    is null")" = 0 ] && ok "$profile: every row has its structure" ||
		fail "$profile: rows without BODYSTRUCTURE"
	subjects=$(sqlite3 "$db" "select subject from message")
	grep -q '[^ -~]' <<<"$subjects" &&
		ok "$profile: non-ASCII subjects decoded" ||
		fail "$profile: no decoded non-ASCII subject"
	[ "$(sqlite3 "$db" "select count(*) from message where references_ \
	    is not null")" != 0 ] && ok "$profile: References stored" ||
		fail "$profile: no References"

	echo "# $profile: warm reopen, nothing changed"
	out=$("$probe" "$conf" mail open INBOX)
	first=$(head -1 <<<"$out")
	grep -q "ROWS" <<<"$first" &&
		ok "$profile: mirrored rows come first ($first)" ||
		fail "$profile: warm open did not start with rows: $first"
	warm_att=$(grep -o "attachments [0-9]*" <<<"$out" |
		awk '{s += $2} END {print s}')
	[ "$cold_att" -gt 0 ] && [ "$cold_att" = "$warm_att" ] &&
		ok "$profile: $cold_att rows with attachments, cold and warm" ||
		fail "$profile: attachments cold $cold_att, warm $warm_att"
	if [ "$profile" = full ]; then
		[ "$(grep -c ROWS <<<"$out")" = 1 ] ||
			fail "$profile: warm reopen fetched rows: $out"
		sleep 0.5
		bytes=$(last_out)
		[ -n "$bytes" ] && [ "$bytes" -le 4096 ] &&
			ok "$profile: warm reopen: server sent $bytes bytes" ||
			fail "$profile: warm reopen cost $bytes bytes"
	fi

	echo "# $profile: another client changes things"
	imap 'c.select("INBOX")' \
	    'c.uid("STORE", "1", "+FLAGS", "(\\Flagged)")' \
	    'c.uid("STORE", "2", "+FLAGS", "(\\Deleted)")' 'c.expunge()' \
	    'c.append("INBOX", None, None, b"From: x@example.org\r\nSubject: late arrival\r\n\r\nhi\r\n")'
	out=$("$probe" "$conf" mail open INBOX)
	grep -q "FLAGS uid 1 flags" <<<"$out" && ok "$profile: flag change seen" ||
		fail "$profile: flag change missing: $out"
	grep -q "VANISHED 1" <<<"$out" && ok "$profile: expunge seen" ||
		fail "$profile: expunge missing: $out"
	grep -q "subject late arrival" <<<"$out" && ok "$profile: new mail seen" ||
		fail "$profile: new mail missing: $out"
	[ "$(sqlite3 "$db" "select count(*) from message m join folder f on \
	    m.folder_id = f.id where f.name = 'INBOX'")" = 300 ] &&
		ok "$profile: mirror has 300 - 1 + 1 rows" ||
		fail "$profile: mirror count after changes"
	[ "$(sqlite3 "$db" "select flags & 4 from message m join folder f on \
	    m.folder_id = f.id where f.name = 'INBOX' and uid = 1")" = 4 ] &&
		ok "$profile: mirror has the flag" || fail "$profile: flag not stored"

	echo "# $profile: UIDVALIDITY changes"
	"$probe" "$conf" mail open Junk >/dev/null
	imap 'c.delete("Junk")' 'c.create("Junk")' \
	    'c.append("Junk", None, None, b"Subject: fresh\r\n\r\nx\r\n")'
	out=$("$probe" "$conf" mail open Junk)
	grep -q "VANISHED 0" <<<"$out" && grep -q "subject fresh" <<<"$out" &&
		ok "$profile: Junk rebuilt after UIDVALIDITY change" ||
		fail "$profile: UIDVALIDITY: $out"
	[ "$(sqlite3 "$db" "select count(*) from message m join folder f on \
	    m.folder_id = f.id where f.name = 'Junk'")" = 1 ] &&
		ok "$profile: Junk mirror holds only the new message" ||
		fail "$profile: Junk mirror not rebuilt"

	echo "# $profile: skua sync"
	out=$("$skua" -F "$conf" sync 2>&1)
	[ $? = 0 ] && grep -q "mail: synced" <<<"$out" &&
		ok "$profile: skua sync: $out" || fail "$profile: skua sync: $out"
	[ "$(sqlite3 "$db" "select count(*) from message m join folder f on \
	    m.folder_id = f.id where f.name = 'Lists/dev'")" = 50 ] &&
		ok "$profile: sync filled Lists/dev" ||
		fail "$profile: Lists/dev not synced"

	echo "# $profile: offline"
	"$rig" stop "$dir" >/dev/null 2>&1
	out=$("$probe" "$conf" mail open INBOX)
	grep -q "ROWS" <<<"$out" && grep -q "STATE offline" <<<"$out" &&
		grep -q DONE <<<"$out" &&
		ok "$profile: offline open shows the mirror" ||
		fail "$profile: offline open: $out"
	out=$("$skua" -F "$conf" sync mail/INBOX 2>&1)
	[ $? = 1 ] && grep -q "error" <<<"$out" &&
		ok "$profile: offline sync fails plainly: $(tail -1 <<<"$out")" ||
		fail "$profile: offline sync: $out"
}

run_profile full
run_profile reduced
finish
