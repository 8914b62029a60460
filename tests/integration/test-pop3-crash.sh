#!/bin/bash
# test-pop3-crash: kill -9 `skua fetch` and its worker at random moments
# while they download a 500-message maildrop with pop3_delete = yes, and
# run it again each time. After every kill no message is stored twice and
# none is lost (each is on the server or in the store); at the end every
# message is in the store exactly once, by content hash, and the server is
# empty. Kills land after a random number of new files (mid-batch: between
# the link into new/ and the record) or after a random delay (login,
# listing, DELE, QUIT).
#
#   TRIALS (default 50): at least that many kills; SKUA_CRASH_SEED makes
#   the choice of moments repeatable.
set -uo pipefail

. "$(dirname "$0")/lib.sh"
export HOME=$tmp/home XDG_DATA_HOME=$tmp/home/data \
	XDG_STATE_HOME=$tmp/home/state XDG_CACHE_HOME=$tmp/home/cache \
	XDG_CONFIG_HOME=$tmp/home/config
mkdir -p "$HOME"
unset SKUA_TEST_NOW
trials=${TRIALS:-50}
RANDOM=${SKUA_CRASH_SEED:-$$}
echo "# seed ${SKUA_CRASH_SEED:-$$}, $trials trials"

if ! "$rig" start "$tmp/rig" >/dev/null 2>"$tmp/rig.err"; then
	cat "$tmp/rig.err" >&2
	echo "FAIL: rig did not start" >&2
	exit 1
fi
. "$tmp/rig/rig.env"
"$rig" populate "$tmp/rig" --inbox 500 --folders none --big-attachment-mb 0 \
	--quiet >/dev/null
printf '%s\n' "$RIG_PASS" >"$tmp/pass"
{
	printf '[account crash]\nprotocol = pop3\nhost = 127.0.0.1\n'
	printf 'port = %s\ntls_ca_file = %s\nuser = %s\n' "$RIG_POP3S_PORT" \
		"$RIG_CA" "$RIG_USER"
	printf 'password_command = cat %s\npop3_delete = yes\n' "$tmp/pass"
} >"$tmp/conf"
chmod 600 "$tmp/conf"
store=$XDG_DATA_HOME/skua/crash/mail

hashes() {	# hashes DIR: SHA-256 of the message files under DIR, sorted
	find "$1" -type f \( -path '*/new/*' -o -path '*/cur/*' \) -print0 2>/dev/null |
		xargs -0 -r sha256sum 2>/dev/null | cut -c1-64 | sort
}

# The original set, as the server gives it (LF line ends), which is what
# dovecot keeps in its Maildir: that is checked once here, and then the
# Maildir is read directly, which is much quicker than RETR.
original=$(hashes "$RIG_MAILDIR")
served=$("$py" - "$RIG_POP3S_PORT" "$RIG_CA" "$RIG_USER" "$RIG_PASS" <<'PY' | sort
import hashlib, poplib, ssl, sys
port, ca, user, password = sys.argv[1:5]
c = poplib.POP3_SSL("127.0.0.1", int(port),
    context=ssl.create_default_context(cafile=ca), timeout=30)
c.user(user)
c.pass_(password)
for i in range(1, len(c.list()[1]) + 1):
    print(hashlib.sha256(b"\n".join(c.retr(i)[1]) + b"\n").hexdigest())
c.quit()
PY
)
[ "$(wc -l <<<"$original")" = 500 ] || fail "the server has $(wc -l <<<"$original") messages, not 500"
[ "$original" = "$served" ] || fail "dovecot's files differ from what it serves"
[ "$(uniq <<<"$original" | wc -l)" = 500 ] || fail "the corpus has duplicates"

# check N: the invariants after kill N. The server side is read again if
# it looks short: dovecot may be moving files as its session ends.
check() {
	local mine dup stray missing
	mine=$(hashes "$store")
	dup=$(uniq -d <<<"$mine")
	[ -z "$dup" ] || fail "after kill $1: stored twice: $dup"
	stray=$(comm -13 <(echo "$original") <(echo "$mine") | grep . || true)
	[ -z "$stray" ] || fail "after kill $1: a file that is no message: $stray"
	for _ in 1 2 3 4 5; do
		missing=$(comm -23 <(echo "$original") <(sort -u <(echo "$mine") \
			<(hashes "$RIG_MAILDIR")) | grep . || true)
		[ -z "$missing" ] && break
		sleep 0.3
	done
	[ -z "$missing" ] || fail "after kill $1: lost: $(wc -l <<<"$missing") messages"
}

# Files in new/.
count_new() {
	local files=("$store"/new/*)
	[ -e "${files[0]}" ] && new=${#files[@]} || new=0
}

log=$XDG_STATE_HOME/skua/skua.log
killed=0 finished=0 n=0 by_files=0 by_time=0 by_dele=0 by_quit=0

# The killer: starts `skua fetch` (the command after --, output to OUT),
# waits for a moment in the run, then SIGKILLs it and its worker at once;
# exits with skua's status (137 when killed). Python, so that it reacts
# within a fraction of a millisecond: the 500 DELEs take some 30 ms here.
cat >"$tmp/killer.py" <<'PY'
import os, signal, subprocess, sys, time
sep = sys.argv.index("--")
out, kind, args = sys.argv[1], sys.argv[2], sys.argv[3:sep]
with open(out, "wb") as f:
    child = subprocess.Popen(sys.argv[sep + 1:], stdin=subprocess.DEVNULL,
        stdout=f, stderr=f)
pid = child.pid

def alive():
    return child.poll() is None

def children():
    kids = []
    for d in os.listdir("/proc"):
        try:
            with open("/proc/%s/stat" % d) as f:
                if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                    kids.append(int(d))
        except (OSError, ValueError, IndexError):
            pass
    return kids

def files(path):
    try:
        return len(os.listdir(path))
    except FileNotFoundError:
        return 0

def wait_for_moment():
    deadline = time.monotonic() + 60
    if kind == "files":          # new/ holds N files
        new, want = args[0], int(args[1])
        while alive() and time.monotonic() < deadline:
            if files(new) >= want:
                return
            time.sleep(0.0002)
    elif kind == "delay":
        time.sleep(float(args[0]))
    elif kind == "trace":        # the log shows the client's WORD N times
        log, offset, word, want = args[0], int(args[1]), args[2], int(args[3])
        needle = ("tls > " + word).encode()
        with open(log, "rb") as f:
            f.seek(offset)
            data = b""
            while alive() and time.monotonic() < deadline:
                more = f.read()
                if not more:
                    time.sleep(0.0001)
                    continue
                data += more
                if data.count(needle) >= want:
                    return

try:
    wait_for_moment()
finally:
    # Whatever happened here, no skua outlives its run.
    for p in [pid] + children():
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass
status = child.wait()
sys.exit(128 - status if status < 0 else status)
PY

# run KIND ARG...: one `skua fetch`, killed (with its worker) when the
# killer says: "files N" once new/ holds N files, "delay S" after S
# seconds, "trace WORD N" once the protocol trace shows the client's WORD
# N times (the run has -d for that). Then the invariants are checked.
run() {
	local kind=$1 size=0 debug=
	count_new
	local before=$new
	[ "$kind" = trace ] && debug=-d size=$(stat -c %s "$log")
	n=$((n + 1))
	case $kind in
	files)	set -- files "$store/new" "$2" ;;
	trace)	set -- trace "$log" "$size" "$2" "$3" ;;
	esac
	"$py" "$tmp/killer.py" "$tmp/out" "$@" -- "$skua" $debug \
		-F "$tmp/conf" fetch
	local status=$?
	if [ "$status" = 0 ]; then
		finished=$((finished + 1))
	elif [ "$status" = 137 ]; then
		killed=$((killed + 1))
	else
		fail "run $n: skua fetch exit $status: $(cat "$tmp/out")"
	fi
	check "$n"
	count_new
	[ -n "${CRASH_DEBUG:-}" ] && echo "# run $n ($kind ${*: -1}):" \
		"exit $status, new/ had $before files, $new after"
	return 0
}

start=$(date +%s)
# 1. The download, about a second's work here, killed over and over:
# mostly once 1 to 10 more files are in new/ (mid-batch: between the link
# into new/ and the record), else 0 to 60 ms into the run (connecting,
# logging in, listing, the first message). The last kill comes as the
# last file lands.
count_new
while ((new < 500 && n < 20 * trials)); do
	if ((RANDOM % 3 != 0)); then
		by_files=$((by_files + 1))
		t=$((new + 1 + RANDOM % 10))
		run files $((t > 500 ? 500 : t))
	else
		by_time=$((by_time + 1))
		run delay "0.0$(printf '%02d' $((RANDOM % 60)))"
	fi
done
# 2. All stored, nothing deleted yet: kill among the 500 DELEs (void
# without QUIT), and once just after QUIT was sent.
for ((j = 0; j < trials / 10; j++)); do
	by_dele=$((by_dele + 1))
	run trace DELE $((1 + RANDOM % 400))
done
by_quit=1
run trace QUIT 1
# 3. Kills anywhere in whatever is left, then until the end.
for ((j = 0; j < 4; j++)); do
	by_time=$((by_time + 1))
	run delay "0.$(printf '%03d' $((RANDOM % 300)))"
done
echo "# $n runs: $killed killed ($by_files at new files, $by_time after a" \
	"delay, $by_dele among DELEs, $by_quit after QUIT), $finished" \
	"finished first; $(($(date +%s) - start)) s"
((killed >= trials)) || fail "only $killed runs were killed (want $trials)"

# Then a run to the end: every message stored once, the server emptied.
out=$(timeout 120 "$skua" -F "$tmp/conf" fetch 2>&1 </dev/null)
[ $? = 0 ] && ok "the last run finished: $out" || fail "the last run: $out"
out=$(timeout 120 "$skua" -F "$tmp/conf" fetch 2>&1 </dev/null)
[ $? = 0 ] || fail "a run after the last: $out"
mine=$(hashes "$store")
if [ "$mine" = "$original" ]; then
	ok "all 500 messages stored, each exactly once"
else
	fail "the store differs: $(comm -3 <(echo "$original") <(echo "$mine") |
		wc -l) hashes"
fi
left=$(hashes "$RIG_MAILDIR" | wc -l)
[ "$left" = 0 ] && ok "the server is empty" || fail "$left messages on the server"
tmpfiles=$(find "$store/tmp" -type f | wc -l)
pending=$("$py" -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute(
    "SELECT count(*) FROM pending").fetchone()[0])' \
	"$XDG_DATA_HOME/skua/crash/pop3.db")
[ "$tmpfiles/$pending" = 0/0 ] && ok "nothing half-done left" ||
	fail "tmp/ files and journal rows left: $tmpfiles/$pending"
echo "# recovery: $(grep -c 'before an interruption; recording it' "$log")" \
	"downloads finished and recorded at the next start," \
	"$(grep -c 'never arrived' "$log") undone"
grep -q 'before an interruption; recording it' "$log" ||
	fail "no kill landed between the link into new/ and the record"
finish
