#!/bin/bash
# test-imap-folders: the folder list. Where the server has LIST-STATUS
# (RFC 5819) one LIST brings names, roles, subscriptions and counts; where
# it has not (the reduced profile), LIST, LSUB and a STATUS per folder give
# the same result. Under UTF8=ACCEPT (RFC 6855, which dovecot 2.3 does not
# offer: a fake server does) names travel as UTF-8 and are still shown and
# selected right. A LIST-STATUS refused is listed the old way.
set -uo pipefail

. "$(dirname "$0")/lib.sh"
fake=$lib_here/../fake-server/fake-server

# folders DB: "name subscribed total unseen" per folder, sorted.
folders() {
	sqlite3 -separator ' ' "$1" "select name, subscribed, total, unseen \
	    from folder order by name"
}

for profile in full reduced; do
	LABEL=$profile
	"$rig" start "$tmp/rig-$profile" --profile "$profile" >/dev/null 2>&1 ||
		{ fail "rig failed"; continue; }
	"$rig" populate "$tmp/rig-$profile" --inbox 40 >/dev/null 2>&1
	# shellcheck disable=SC1091
	. "$tmp/rig-$profile/rig.env"
	export XDG_CACHE_HOME=$tmp/$profile/cache \
		XDG_DATA_HOME=$tmp/$profile/data \
		XDG_STATE_HOME=$tmp/$profile/state
	# A folder nobody subscribed to, one with a non-ASCII name, and
	# some unread mail; then the server's own view, through imaplib.
	want=$(imap 'c.create("Lists/dev")' 'c.create("Entw&APw-rfe")' \
		'c.subscribe("Entw&APw-rfe")' \
		'c.append("Entw&APw-rfe", None, None, b"Subject: x\r\n\r\nx\r\n")' \
		'c.select("INBOX")' 'c.store("1:5", "-FLAGS", "(\\Seen)")' \
		'import re
subs = {re.search(rb"\"/\" (.*)$", l).group(1).strip(b"\"").decode()
        for l in c.lsub()[1] if l}
for l in c.list()[1]:
    name = re.search(rb"\"/\" (.*)$", l).group(1).strip(b"\"").decode()
    typ, st = c.status(name, "(MESSAGES UNSEEN)")
    t, u = re.search(r"MESSAGES (\d+) UNSEEN (\d+)",
                     st[0].decode()).groups() if typ == "OK" else (0, 0)
    print(name, int(name in subs or (name == "INBOX" and "INBOX" in subs)), t, u)' |
		LC_ALL=C sort)
	write_conf "$tmp/$profile.conf"
	out=$(ACCOUNT_PROBE_LOG=$tmp/$profile.log "$probe" "$tmp/$profile.conf" \
		mail list)
	grep -q DONE <<<"$out" || fail "list: $out"
	got=$(folders "$XDG_CACHE_HOME/skua/mail/mirror.db")
	[ -n "$want" ] && [ "$got" = "$want" ] &&
		ok "names, subscriptions and counts as the server has them" ||
		fail "mirror: $(echo "$got" | tr '\n' ';') want $(echo "$want" |
		tr '\n' ';')"
	grep -q "FOLDER Entw&APw-rfe display Entwürfe" <<<"$out" &&
		ok "modified UTF-7 shown decoded: Entwürfe" ||
		fail "no decoded Entwürfe: $out"
	grep -q "FOLDER Sent display Sent role 2" <<<"$out" ||
		fail "Sent lost its role: $out"
	log=$tmp/$profile.log
	lists=$(grep -c "> [0-9]* LIST " "$log")
	statuses=$(grep -c "> [0-9]* STATUS " "$log")
	lsubs=$(grep -c "> [0-9]* LSUB " "$log")
	if [ "$profile" = full ]; then
		grep -q '> [0-9]* LIST "" "\*" RETURN (SUBSCRIBED SPECIAL-USE STATUS (MESSAGES UNSEEN))$' \
			"$log" && [ "$lists" = 1 ] && [ "$statuses" = 0 ] &&
			[ "$lsubs" = 0 ] &&
			ok "LIST-STATUS: one LIST, no LSUB, no STATUS" ||
			fail "LIST-STATUS: $lists LIST, $lsubs LSUB, $statuses STATUS"
	else
		n=$(sqlite3 "$XDG_CACHE_HOME/skua/mail/mirror.db" \
			"select count(*) from folder where not noselect")
		[ "$lists" = 1 ] && [ "$lsubs" = 1 ] && [ "$statuses" = "$n" ] &&
			ok "no LIST-STATUS: LIST, LSUB and $statuses STATUS" ||
			fail "without LIST-STATUS: $lists LIST, $lsubs LSUB, $statuses STATUS"
	fi
	# The new folder opens by its skua name.
	out=$("$probe" "$tmp/$profile.conf" mail open "Entw&APw-rfe")
	grep -q "ROWS 1 first-uid 1 subject x" <<<"$out" &&
		ok "Entwürfe opens" || fail "open Entwürfe: $out"
	"$rig" stop "$tmp/rig-$profile" >/dev/null 2>&1
done
LABEL=

# fake SCRIPT COMMAND...: the probe against the fake server; sets out.
fake() {
	local script=$1 i pid
	shift
	rm -f "$tmp/port"
	"$fake" --script "$tmp/$script" --port-file "$tmp/port" --timeout 15 \
		2>"$tmp/fake.err" &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		[ -s "$tmp/port" ] && break
		sleep 0.05
	done
	cat > "$tmp/fake.conf" <<CONF
[account mail]
protocol = imap
host = 127.0.0.1
port = $(cat "$tmp/port")
tls = none
allow_plaintext_password = yes
user = skua
password_command = echo secret
CONF
	export XDG_CACHE_HOME=$tmp/xdg-$script/cache \
		XDG_DATA_HOME=$tmp/xdg-$script/data \
		XDG_STATE_HOME=$tmp/xdg-$script/state
	out=$(ACCOUNT_PROBE_LOG=$tmp/$script.log timeout 30 "$probe" \
		"$tmp/fake.conf" mail "$@")
	if ! wait "$pid"; then
		fail "$script: the fake server says:"
		sed 's/^/    /' "$tmp/fake.err" >&2
	fi
}

echo "# UTF8=ACCEPT (fake server)"
# UTF-8 names, quoted and as a literal; "R&D" is three plain characters
# here. The folder is then selected by its UTF-8 name.
cat > "$tmp/utf8.script" <<'SCRIPT'
S * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] fake-server ready
C~ (?P<T>\S+) AUTHENTICATE PLAIN \S+
S ${T} OK [CAPABILITY IMAP4rev1 ENABLE UTF8=ACCEPT LIST-EXTENDED LIST-STATUS] in
C * ENABLE UTF8=ACCEPT
S * ENABLED UTF8=ACCEPT
S ${TAG} OK enabled
C * LIST "" "*" RETURN (SUBSCRIBED STATUS (MESSAGES UNSEEN))
S * LIST (\Subscribed) "/" INBOX
S * STATUS INBOX (MESSAGES 3 UNSEEN 1)
S * LIST (\Subscribed) "/" "Entwürfe"
S * STATUS "Entwürfe" (MESSAGES 2 UNSEEN 2)
S * LIST () "/" "R&D"
S * STATUS "R&D" (MESSAGES 5 UNSEEN 0)
S * LIST (\Noselect \HasChildren) "/" {6}
S Ärger
S * LIST (\Subscribed) "/" "Ärger/Spaß"
S * STATUS "Ärger/Spaß" (MESSAGES 1 UNSEEN 1)
S ${TAG} OK LIST completed
C * SELECT "Entwürfe"
S * 0 EXISTS
S * OK [UIDVALIDITY 7] ok
S * OK [UIDNEXT 1] ok
S ${TAG} OK [READ-WRITE] selected
IF-C * LOGOUT
S * BYE bye
S ${TAG} OK LOGOUT done
END
SCRIPT
fake utf8.script list + open "Entw&APw-rfe"
for want in "FOLDER INBOX display INBOX role 1 total 3 unseen 1" \
	"FOLDER Entw&APw-rfe display Entwürfe role 0 total 2 unseen 2" \
	"FOLDER R&-D display R&D role 0 total 5 unseen 0" \
	"FOLDER &AMQ-rger display Ärger role 0" \
	"FOLDER &AMQ-rger/Spa&AN8- display Ärger/Spaß role 0 total 1 unseen 1"; do
	grep -qF "$want" <<<"$out" && ok "$want" || fail "no '$want' in: $out"
done
[ "$(grep -c DONE <<<"$out")" = 2 ] &&
	ok "Entwürfe selected by its UTF-8 name" || fail "open: $out"
subs=$(sqlite3 "$XDG_CACHE_HOME/skua/mail/mirror.db" \
	"select name from folder where subscribed order by name" | tr '\n' ' ')
[ "$subs" = "&AMQ-rger/Spa&AN8- Entw&APw-rfe INBOX " ] &&
	ok "subscriptions from \\Subscribed: $subs" || fail "subscribed: $subs"
grep -q "logged in to 127.0.0.1 as skua with PLAIN, UTF8=ACCEPT" \
	"$tmp/utf8.script.log" && ok "the log says UTF8=ACCEPT is on" ||
	fail "UTF8=ACCEPT not logged"

echo "# LIST-STATUS refused (fake server): listed the old way"
cat > "$tmp/refused.script" <<'SCRIPT'
S * OK [CAPABILITY IMAP4rev1 LIST-STATUS] fake-server ready
C * LOGIN skua secret
S ${TAG} OK [CAPABILITY IMAP4rev1 LIST-STATUS] in
C * LIST "" "*" RETURN (STATUS (MESSAGES UNSEEN))
S ${TAG} BAD not today
C * LIST "" "*"
S * LIST (\HasNoChildren) "/" INBOX
S * LIST (\HasNoChildren) "/" "Entw&APw-rfe"
S ${TAG} OK LIST done
C * LSUB "" "*"
S * LSUB () "/" INBOX
S ${TAG} OK LSUB done
C * STATUS INBOX (MESSAGES UNSEEN)
S * STATUS INBOX (MESSAGES 4 UNSEEN 2)
S ${TAG} OK STATUS done
C * STATUS "Entw&APw-rfe" (MESSAGES UNSEEN)
S * STATUS Entw&APw-rfe (MESSAGES 6 UNSEEN 0)
S ${TAG} OK STATUS done
IF-C * LOGOUT
S * BYE bye
S ${TAG} OK LOGOUT done
END
SCRIPT
fake refused.script list
grep -qF "FOLDER INBOX display INBOX role 1 total 4 unseen 2" <<<"$out" &&
	grep -qF "FOLDER Entw&APw-rfe display Entwürfe role 0 total 6" <<<"$out" &&
	grep -q DONE <<<"$out" && ok "LIST, LSUB and STATUS after the BAD" ||
	fail "after a refused LIST-STATUS: $out"
finish
