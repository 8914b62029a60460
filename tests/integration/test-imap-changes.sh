#!/bin/bash
# test-imap-changes: skua as a full IMAP citizen, against the rig with two
# sessions on one account: skua's worker (through account-probe) and a
# second client (imaplib). Each change made on one shows on the other:
# flags both ways, move, copy, delete to Trash, mark and purge, folders;
# IDLE reports another client's new mail, flags and expunges; the reduced
# profile takes the fallbacks (COPY + \Deleted, no purge of what the user
# did not mark); changes made offline are kept and replayed once, in
# order, with a vanished message dropped with a note; the quota and the
# biggest messages come from a small quota; server search finds body text.
set -uo pipefail

. "$(dirname "$0")/lib.sh"

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

# subjects_of FOLDER: its subjects, sorted, as the second client sees.
subjects_of() {
	imap "c.select('$1')" "t, d = c.uid('SEARCH', None, 'ALL')
for u in d[0].split():
    t, h = c.uid('FETCH', u, '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
    print(h[0][1].decode().strip())" | sort
}

# subject_uid FOLDER UID: that message's Subject header.
subject_uid() {
	imap "c.select('$1')" "t, h = c.uid('FETCH', '$2', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
print(h[0][1].decode().strip() if h and h[0] and isinstance(h[0], tuple) else 'none')"
}

run_profile() {
	local profile=$1 dir conf out s before after n
	LABEL=$profile
	dir=$tmp/rig-$profile
	"$rig" start "$dir" --profile "$profile" --quota 10M >/dev/null 2>&1 ||
		{ fail "rig did not start"; return; }
	"$rig" populate "$dir" --inbox 40 --big-attachment-mb 1 >/dev/null 2>&1
	# shellcheck disable=SC1091
	. "$dir/rig.env"
	export XDG_CACHE_HOME=$tmp/$profile/cache \
		XDG_DATA_HOME=$tmp/$profile/data XDG_STATE_HOME=$tmp/$profile/state
	conf=$tmp/$profile.conf
	write_conf "$conf"
	log=$tmp/$profile.log
	run() { ACCOUNT_PROBE_LOG=$log timeout 60 "$probe" "$conf" mail "$@"; }
	run list >/dev/null
	run open INBOX >/dev/null || fail "open INBOX"

	echo "# $profile: flags, skua to the other client"
	out=$(run flags INBOX +SF 1,2)
	grep -q "FLAGS uid 1 flags [0-9]* uid 2" <<<"$out" && grep -q DONE <<<"$out" ||
		fail "flags: $out"
	s=$(flags_of INBOX 1)
	[[ $s == *'\Seen'* && $s == *'\Flagged'* ]] && ok "the other client sees \\Seen \\Flagged" ||
		fail "other client sees: $s"
	run flags INBOX -F 2 >/dev/null
	s=$(flags_of INBOX 2)
	[[ $s != *'\Flagged'* && $s == *'\Seen'* ]] && ok "an unflag reaches the server" ||
		fail "unflag: $s"

	echo "# $profile: flags, the other client to skua"
	imap "c.select('INBOX')" "c.uid('STORE', '3', '+FLAGS', '(\\\\Flagged)')" >/dev/null
	out=$(run sync INBOX)
	grep -Eq "FLAGS uid 3 flags ([0-9]+)" <<<"$out" &&
		[ $(( $(grep -Eo "FLAGS uid 3 flags [0-9]+" <<<"$out" | awk '{print $5}') & 4 )) = 4 ] &&
		ok "skua hears another client's \\Flagged" || fail "sync after other's flag: $out"

	echo "# $profile: folders"
	out=$(run folder create "Projekte/Übersicht")
	grep -q DONE <<<"$out" || fail "create: $out"
	grep -q 'display Projekte/Übersicht' <<<"$out" && ok "create: listed at once" ||
		fail "create not listed: $out"
	s=$(imap "print(c.list()[1])")
	[[ $s == *'Projekte/&ANw-bersicht'* ]] && ok "create: the server has it (UTF-7)" ||
		fail "server list: $s"
	out=$(run folder rename "Projekte/&ANw-bersicht" "Projekte/Neu")
	s=$(imap "print(c.list()[1])")
	[[ $s == *'Projekte/Neu'* && $s != *'&ANw-bersicht'* ]] && ok "rename" ||
		fail "rename: $out / $s"
	run folder unsubscribe "Projekte/Neu" >/dev/null
	s=$(imap "print(c.lsub()[1])")
	[[ $s != *'Projekte/Neu'* ]] && ok "unsubscribe" || fail "unsubscribe: $s"
	run folder subscribe "Projekte/Neu" >/dev/null
	s=$(imap "print(c.lsub()[1])")
	[[ $s == *'Projekte/Neu'* ]] && ok "subscribe" || fail "subscribe: $s"
	run folder delete "Projekte/Neu" >/dev/null
	s=$(imap "print(c.list()[1])")
	[[ $s != *'Projekte/Neu'* ]] && ok "delete folder" || fail "delete folder: $s"

	echo "# $profile: move, copy, delete"
	s=$(subject_uid INBOX 5)
	before=$(count_of Archive)
	out=$(run move INBOX Archive 5)
	grep -q "VANISHED 1 5" <<<"$out" && ok "move: the row goes at once" ||
		fail "move events: $out"
	[ "$(count_of Archive)" = $((before + 1)) ] && subjects_of Archive | grep -qF "$s" &&
		ok "move: the message is in Archive" || fail "move: not in Archive"
	[ "$(subject_uid INBOX 5)" = none ] && ok "move: gone from INBOX" ||
		fail "move: still in INBOX"
	run copy INBOX Archive 6 >/dev/null
	[ "$(count_of Archive)" = $((before + 2)) ] && [ "$(subject_uid INBOX 6)" != none ] &&
		ok "copy: in both" || fail "copy"
	before=$(count_of Trash)
	out=$(run delete INBOX 7)
	[ "$(count_of Trash)" = $((before + 1)) ] && [ "$(subject_uid INBOX 7)" = none ] &&
		ok "delete: to Trash" || fail "delete to Trash: $out"
	run open Trash >/dev/null
	n=$(imap "c.select('Trash')" "t, d = c.uid('SEARCH', None, 'ALL')
print(d[0].split()[0].decode())")
	out=$(run delete Trash "$n")
	s=$(flags_of Trash "$n")
	[[ $s == *'\Deleted'* ]] && ok "delete in Trash marks \\Deleted" || fail "mark: $s $out"
	run flags Trash -D "$n" >/dev/null
	s=$(flags_of Trash "$n")
	[[ $s != *'\Deleted'* ]] && ok "undelete" || fail "undelete: $s"
	run flags Trash +D "$n" >/dev/null
	before=$(count_of Trash)
	out=$(run expunge Trash "$n")
	[ "$(count_of Trash)" = $((before - 1)) ] && grep -q "VANISHED 1 $n" <<<"$out" &&
		ok "purge" || fail "purge: $out"

	if [ "$profile" = reduced ]; then
		echo "# $profile: no UIDPLUS: nothing the user did not mark is purged"
		imap "c.select('INBOX')" "c.uid('STORE', '10', '+FLAGS', '(\\\\Deleted)')" >/dev/null
		before=$(count_of INBOX)
		out=$(run move INBOX Archive 11)
		grep -q "NOTE" <<<"$out" && ok "move without UIDPLUS says what is left" ||
			fail "no note: $out"
		[ "$(count_of INBOX)" = "$before" ] && [ "$(subject_uid INBOX 10)" != none ] &&
			ok "the other client's \\Deleted message is still there" ||
			fail "other's deleted message expunged"
		s=$(flags_of INBOX 11)
		[[ $s == *'\Deleted'* ]] && ok "the moved original is marked \\Deleted" ||
			fail "original: $s"
		imap "c.select('INBOX')" "c.uid('STORE', '10', '-FLAGS', '(\\\\Deleted)')" >/dev/null
	fi

	echo "# $profile: IDLE"
	if [ "$profile" = full ]; then
		(sleep 2; imap "c.append('INBOX', None, None, b'Subject: idle news\r\n\r\nhi\r\n')") &
		out=$(run open INBOX + wait-changed 8000 + sync INBOX)
		wait
		grep -q "CHANGED INBOX" <<<"$out" && ok "IDLE: new mail announced" ||
			fail "IDLE new mail: $out"
		grep -q "ROWS 1 .*subject idle news" <<<"$out" && ok "IDLE: the new row follows" ||
			fail "no new row: $out"
		(sleep 2; imap "c.select('INBOX')" "c.uid('STORE', '12', '+FLAGS', '(\$Label1)')") &
		out=$(run open INBOX + wait-changed 8000 + sync INBOX + fetch INBOX 12)
		wait
		grep -q "CHANGED INBOX" <<<"$out" && ok "IDLE: a flag change announced" ||
			fail "IDLE flags: $out"
		grep -q 'HEADER Keywords: $Label1' <<<"$out" &&
			ok "the keyword shows with the message" || fail "keywords: $out"
		(sleep 2; imap "c.select('INBOX')" "c.uid('STORE', '13', '+FLAGS', '(\\\\Deleted)')" "c.expunge()") &
		out=$(run open INBOX + wait-changed 8000 + sync INBOX)
		wait
		grep -q "CHANGED INBOX" <<<"$out" && grep -q "VANISHED 1 13" <<<"$out" &&
			ok "IDLE: an expunge announced and applied" || fail "IDLE expunge: $out"
		# The announcement's latency: the append's time to CHANGED.
		(sleep 2; date +%s%3N > "$tmp/appended"
		 imap "c.append('INBOX', None, None, b'Subject: latency\r\n\r\nx\r\n')") &
		t0=$(date +%s%3N)
		out=$(run open INBOX + wait-changed 8000)
		wait
		n=$(grep -m1 "CHANGED" <<<"$out" | awk '{print $1}')
		if [ -n "$n" ]; then
			n=$((t0 + n - $(cat "$tmp/appended")))
			[ "$n" -lt 2000 ] && ok "IDLE: announced ${n} ms after the append" ||
				fail "IDLE took $n ms"
		else
			fail "no CHANGED for latency: $out"
		fi
	else
		out=$(run open INBOX + wait-changed 1500)
		grep -q "NO-CHANGE" <<<"$out" && ok "no IDLE: the worker waits for the UI's poll" ||
			fail "reduced idle: $out"
	fi

	echo "# $profile: offline queue"
	run open INBOX >/dev/null
	run open Archive >/dev/null
	write_conf "$conf.off"
	sed -i "s/^port = .*/port = 1/" "$conf.off"
	s=$(subject_uid INBOX 15)
	before=$(count_of Archive)
	out=$(ACCOUNT_PROBE_LOG=$log timeout 60 "$probe" "$conf.off" mail \
		flags INBOX +F 14 + move INBOX Archive 15 + flags INBOX +S 16,17)
	grep -q "Offline: the change is kept" <<<"$out" && ok "offline: kept" ||
		fail "offline: $out"
	grep -q "VANISHED 1 15" <<<"$out" && ok "offline: the mirror takes the move" ||
		fail "offline move: $out"
	[ "$(sqlite3 "$XDG_CACHE_HOME/skua/mail/mirror.db" "select count(*) from queue")" = 3 ] &&
		ok "offline: three changes queued" || fail "queue count"
	# Meanwhile the other client deletes one of them.
	imap "c.select('INBOX')" "c.uid('STORE', '17', '+FLAGS', '(\\\\Deleted)')" "c.expunge()" >/dev/null
	out=$(run list)
	grep -q "3 changes made offline are now on the server\|changes made offline are now" <<<"$out" &&
		ok "online again: replayed" || fail "replay: $out"
	grep -q "no longer exist" <<<"$out" && ok "the vanished message is dropped with a note" ||
		fail "no drop note: $out"
	s2=$(flags_of INBOX 14)
	[[ $s2 == *'\Flagged'* ]] && ok "replayed flag on the server" || fail "flag: $s2"
	s2=$(flags_of INBOX 16)
	[[ $s2 == *'\Seen'* ]] && ok "replayed \\Seen on the server" || fail "seen: $s2"
	[ "$(subject_uid INBOX 15)" = none ] && [ "$(count_of Archive)" = $((before + 1)) ] &&
		subjects_of Archive | grep -qF "$s" && ok "replayed move" || fail "move replay"
	out=$(run list)
	grep -q "made offline" <<<"$out" && fail "replayed twice: $out" ||
		ok "nothing replayed twice"
	[ "$(count_of Archive)" = $((before + 1)) ] && ok "Archive count unchanged" ||
		fail "Archive count after second connect"
	[ "$(sqlite3 "$XDG_CACHE_HOME/skua/mail/mirror.db" "select count(*) from queue")" = 0 ] &&
		ok "the queue is empty" || fail "queue not empty"

	echo "# $profile: quota"
	out=$(run quota 3)
	if [ "$profile" = full ]; then
		grep -Eq "QUOTA [0-9]+ 10240" <<<"$out" && ok "quota: usage of 10240 KiB" ||
			fail "quota: $out"
	else
		grep -q "QUOTA" <<<"$out" && fail "reduced has no QUOTA: $out" ||
			ok "no QUOTA: none reported"
	fi
	[ "$(grep -c "^[0-9]* BIG " <<<"$out")" = 3 ] && ok "three biggest listed" ||
		fail "biggest: $out"
	grep -m1 "BIG " <<<"$out" | grep -q "attachment [^-]" &&
		ok "the biggest names its attachment" || fail "big attachment: $out"

	echo "# $profile: archive the biggest into the local Maildir"
	read -r _ _ bf bu _ <<<"$(grep -m1 "BIG " <<<"$out")"
	used=$(grep -Eo "QUOTA [0-9]+" <<<"$out" | awk '{print $2}')
	want=$(imap "c.select('$bf')" "import hashlib
t, d = c.uid('FETCH', '$bu', '(BODY.PEEK[])')
print(hashlib.sha256(d[0][1]).hexdigest())")
	out=$(run archive "$bf" "$bu" + quota 0)
	grep -q "NOTE 1 message archived to" <<<"$out" && grep -q "VANISHED 1 $bu" <<<"$out" &&
		ok "archive: done, the row goes" || fail "archive: $out"
	md=$XDG_DATA_HOME/skua/mail/mail
	[ "$bf" = INBOX ] || md=$md/.$bf
	got=$(sha256sum "$md"/cur/* 2>/dev/null | grep -c "^$want ")
	[ "$got" = 1 ] && ok "archive: the same bytes in the Maildir" ||
		fail "archive: no file with the message's bytes in $md"
	[ "$(subject_uid "$bf" "$bu")" = none ] && ok "archive: off the server" ||
		fail "archive: still on the server"
	if [ "$profile" = full ]; then
		now=$(grep -Eo "QUOTA [0-9]+" <<<"$out" | awk '{print $2}')
		[ -n "$now" ] && [ "$now" -lt "$used" ] &&
			ok "archive: the quota went down ($used to $now KiB)" ||
			fail "archive: quota $used to $now"
	fi

	echo "# $profile: a refused move puts the rows back"
	out=$(run move INBOX "NoSuchFolder" 20)
	grep -q "ERROR" <<<"$out" && grep -Eq "FLAGS uid 20 flags" <<<"$out" &&
		[ "$(subject_uid INBOX 20)" != none ] &&
		ok "refused: error, the row's flags sent back, the message stays" ||
		fail "refused move: $out"

	echo "# $profile: append (Sent, Drafts)"
	printf 'From: skua@example.test\r\nSubject: draftone\r\n\r\nhello\r\n' > "$tmp/draft.eml"
	out=$(run append Drafts +R "$tmp/draft.eml")
	if [ "$profile" = full ]; then
		n=$(imap "t, d = c.select('Drafts')" "t, u = c.uid('SEARCH', None, 'SUBJECT', 'draftone')
print(u[0].decode())")
		[ -n "$n" ] && grep -q "DONE uid $n\$" <<<"$out" && ok "append: APPENDUID $n reported" ||
			fail "append: $out (want uid $n)"
	else
		grep -q "DONE uid 0" <<<"$out" && ok "append without UIDPLUS: uid unknown" ||
			fail "append: $out"
	fi
	s=$(flags_of Drafts "$(imap "c.select('Drafts')" "t, u = c.uid('SEARCH', None, 'SUBJECT', 'draftone')
print(u[0].decode())")")
	[[ $s == *'\Draft'* ]] && ok "append: the message is there, \\Draft" || fail "append flags: $s"

	echo "# $profile: server search"
	imap "c.append('INBOX', None, None, b'Subject: plain\r\n\r\nthe zanzibar clause\r\n')" >/dev/null
	run sync INBOX >/dev/null
	n=$(imap "c.select('INBOX')" "t, d = c.uid('SEARCH', None, 'BODY', 'zanzibar')
print(d[0].decode())")
	out=$(run search INBOX '~b zanzibar')
	grep -q "SEARCH 1 $n" <<<"$out" && ok "body search finds it (uid $n)" ||
		fail "search: $out (want $n)"
}

run_profile full
run_profile reduced
finish
