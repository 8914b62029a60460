#!/bin/bash
# shellcheck disable=SC1090,SC1091  # rig.env files exist only at run time
# Self-test of the dovecot test rig (rig/dovecot-rig) and the sample-mail
# generator (rig/mkcorpus): two rigs at once (full and reduced profile),
# TLS verification of every port, IMAP/POP3 basics, quota, special-use,
# the logout byte counts, and a clean stop.  Exit 0 = pass.
set -euo pipefail
# Process checks need ps: fail loudly rather than find nothing.
command -v ps >/dev/null || { echo "test-rig: ps is missing (Debian package procps)" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RIG=$HERE/rig/dovecot-rig
PY=/usr/bin/python3
INBOX_N=25
T=$(mktemp -d)
chmod 711 "$T"        # as root, dovecot's unprivileged processes must reach the rigs
FAILS=0

cleanup() {
    "$RIG" stop "$T/a" 2>/dev/null || true
    "$RIG" stop "$T/b" 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT
trap "exit 130" INT TERM     # make signals run the EXIT trap too

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; FAILS=$((FAILS + 1)); }
# check DESC CMD...: CMD must succeed; its output is shown only on failure.
check() {
    local desc=$1; shift
    if "$@" >"$T/out" 2>&1; then ok "$desc"; else not_ok "$desc"; sed 's/^/    # /' "$T/out" | tail -n 15; fi
}
# refute DESC CMD...: CMD must fail.
refute() {
    local desc=$1; shift
    if "$@" >"$T/out" 2>&1; then not_ok "$desc"; sed 's/^/    # /' "$T/out" | tail -n 15; else ok "$desc"; fi
}

# tls PORT [s_client options]: handshake must verify (bounded by timeout).
tls() {
    local port=$1 out rc=0; shift
    out=$(timeout 10 openssl s_client -connect "127.0.0.1:$port" -verify_return_error \
        "$@" </dev/null 2>&1) || rc=$?
    echo "$out"
    [ $rc -eq 0 ] && grep -q 'Verify return code: 0 (ok)' <<<"$out"
}

echo "# starting two rigs in parallel (full; reduced + wronghost cert)"
t0=$(date +%s%N)
"$RIG" start "$T/a" >"$T/start-a.log" 2>&1 & pa=$!
"$RIG" start "$T/b" --profile reduced --cert wronghost >"$T/start-b.log" 2>&1 & pb=$!
ra=0; rb=0; wait $pa || ra=$?; wait $pb || rb=$?
echo "# started in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
if [ $ra -ne 0 ] || [ $rb -ne 0 ]; then
    cat "$T/start-a.log" "$T/start-b.log"; not_ok "rigs start"; exit 1
fi
ok "two rigs started"

A=$(. "$T/a/rig.env"; compgen -v RIG_ | tr '\n' ' ')
for k in RIG_DIR RIG_HOST RIG_IMAP_PORT RIG_IMAPS_PORT RIG_POP3_PORT RIG_POP3S_PORT \
         RIG_USER RIG_PASS RIG_CA RIG_MAILDIR RIG_LOG RIG_PROFILE RIG_PID; do
    case " $A " in *" $k "*) ;; *) not_ok "rig.env lacks $k" ;; esac
done
ok "rig.env has all keys"

# Rig a's settings as RIG_*, rig b's as B_* (each rig has its own CA).
. "$T/a/rig.env"
eval "$(sed 's/^RIG_/B_/' "$T/b/rig.env")"
if [ "$RIG_IMAP_PORT" != "$B_IMAP_PORT" ]; then ok "rigs use different ports"; else not_ok "port clash"; fi

check "populate small corpus" \
    "$RIG" populate "$RIG_DIR" --inbox $INBOX_N --big-attachment-mb 1 --seed 7

TLS=$RIG_DIR/tls
V=(-CAfile "$RIG_CA" -verify_hostname localhost)
check "IMAPS verifies (hostname)"        tls "$RIG_IMAPS_PORT" "${V[@]}"
check "IMAPS verifies (IP 127.0.0.1)"    tls "$RIG_IMAPS_PORT" -CAfile "$RIG_CA" -verify_ip 127.0.0.1
check "POP3S verifies"                   tls "$RIG_POP3S_PORT" "${V[@]}"
check "IMAP STARTTLS verifies"           tls "$RIG_IMAP_PORT" -starttls imap "${V[@]}"
check "POP3 STLS verifies"               tls "$RIG_POP3_PORT" -starttls pop3 "${V[@]}"
refute "IMAPS fails with unrelated CA"   tls "$RIG_IMAPS_PORT" -CAfile "$TLS/other-ca.pem" -verify_hostname localhost
refute "wronghost cert fails for localhost" tls "$B_IMAPS_PORT" -CAfile "$B_CA" -verify_hostname localhost
refute "wronghost cert fails for 127.0.0.1" tls "$B_IMAPS_PORT" -CAfile "$B_CA" -verify_ip 127.0.0.1
check "wronghost cert is valid for wrong.example" \
    tls "$B_IMAPS_PORT" -CAfile "$B_CA" -verify_hostname wrong.example
refute "expired cert fails verification" openssl verify -CAfile "$RIG_CA" "$TLS/expired.pem"
check "expired cert is expired" sh -c "openssl verify -CAfile '$RIG_CA' '$TLS/expired.pem' 2>&1 | grep -q expired"
check "other.pem verifies with other-ca.pem only" openssl verify -CAfile "$TLS/other-ca.pem" "$TLS/other.pem"
refute "other.pem fails with ca.pem"     openssl verify -CAfile "$RIG_CA" "$TLS/other.pem"

# Protocol talk with bounded timeouts; prints its own ok/not ok lines.
read -r -d '' TALK <<'EOF' || true
import imaplib, poplib, re, sys, time
from datetime import datetime
from email.utils import parsedate_to_datetime
mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
user, pw = sys.argv[4], sys.argv[5]
fails = 0
def check(desc, cond, info=""):
    global fails
    print(("ok - " if cond else "not ok - ") + desc + ("" if cond else "  # %s" % info))
    fails += not cond

SLOW = {"CONDSTORE", "QRESYNC", "MOVE", "UIDPLUS", "IDLE", "SPECIAL-USE",
        "LIST-STATUS", "ENABLE", "LITERAL+", "ID", "NAMESPACE", "QUOTA", "SASL-IR"}
m = imaplib.IMAP4(host, port, timeout=10)
pre = set(m.capabilities)
t = time.time()
try:
    m.login(user, "wrong-" + pw); bad = True
except imaplib.IMAP4.error:
    bad = False
check("wrong password refused without delay", not bad and time.time() - t < 1.5,
      "%.1fs" % (time.time() - t))
m.login(user, pw)
caps = set(m.capability()[1][0].decode().split())
lst = b"\n".join(m.list()[1]).decode()
if mode == "full":
    n = int(sys.argv[6])
    typ, data = m.select("INBOX")
    check("SELECT INBOX shows %d messages" % n, typ == "OK" and int(data[0]) == n, data)
    typ, data = m.getquotaroot("INBOX")
    check("GETQUOTAROOT INBOX answers", typ == "OK" and b"STORAGE" in b" ".join(data[1]), data)
    for su in ("Sent", "Drafts", "Trash", "Junk", "Archive"):
        check("LIST shows \\%s" % su, re.search(r"\\%s\)? \"/\" %s" % (su, su), lst), lst)
    check("LIST shows Lists/dev and R&AOk-unions", '"/" Lists/dev' in lst and "R&AOk-unions" in lst, lst)
    check("Lists/dev subscribed", "Lists/dev" in b"\n".join(m.lsub()[1]).decode())
    typ, data = m.status("Lists/dev", "(MESSAGES)")
    check("Lists/dev has 50 messages", b"MESSAGES 50" in data[0], data)
    typ, data = m.fetch("1:*", "(INTERNALDATE BODY.PEEK[HEADER.FIELDS (DATE)])")
    same = 0; total = 0
    for item in data:
        if isinstance(item, tuple):
            idate = re.search(rb'INTERNALDATE "([^"]+)"', item[0]).group(1).decode()
            hdr = item[1].decode().split(":", 1)[1].strip()
            total += 1
            same += datetime.strptime(idate, "%d-%b-%Y %H:%M:%S %z").timestamp() == \
                parsedate_to_datetime(hdr).timestamp()
    check("INTERNALDATE matches Date: header", total == n and same == n, "%d/%d" % (same, total))
    check("full profile advertises CONDSTORE MOVE IDLE QUOTA SPECIAL-USE",
          {"CONDSTORE", "MOVE", "IDLE", "QUOTA", "SPECIAL-USE"} <= caps, caps)
    m.logout()
    p = poplib.POP3(host, int(sys.argv[7]), timeout=10)
    p.user(user); p.pass_(pw)
    cnt, size = p.stat()
    check("POP3 USER/PASS + STAT shows %d messages" % n, cnt == n, (cnt, size))
    check("POP3 UIDL works", len(p.uidl()[1]) == n)
    p.quit()
else:
    check("reduced pre-login CAPABILITY keeps STARTTLS AUTH=PLAIN",
          {"IMAP4REV1", "STARTTLS", "AUTH=PLAIN"} <= pre, pre)
    check("reduced pre-login CAPABILITY lacks SASL-IR/ID/IDLE", not (pre & SLOW), pre)
    check("reduced CAPABILITY lacks CONDSTORE/MOVE/IDLE/...", not (caps & SLOW), caps)
    check("reduced LIST has Sent but no special-use flags",
          '"/" Sent' in lst and "\\Sent" not in lst, lst)
    m.logout()
sys.exit(1 if fails else 0)
EOF

echo "# IMAP/POP3 on the full rig"
"$PY" -c "$TALK" full 127.0.0.1 "$RIG_IMAP_PORT" "$RIG_USER" "$RIG_PASS" \
    $INBOX_N "$RIG_POP3_PORT" || FAILS=$((FAILS + 1))
echo "# IMAP on the reduced rig"
"$PY" -c "$TALK" reduced 127.0.0.1 "$B_IMAP_PORT" "$RIG_USER" "$RIG_PASS" || FAILS=$((FAILS + 1))

log_has() {   # bounded wait: the log process writes asynchronously
    for _ in $(seq 30); do grep -Eq "$1" "$RIG_LOG" && return 0; sleep 0.1; done
    return 1
}
check "IMAP logout line with in=/out= in log" log_has 'imap\(skua\).*Logged out in=[0-9]+ out=[0-9]+'
check "POP3 logout line with in=/out= in log" log_has 'pop3\(skua\).*in=[0-9]+ out=[0-9]+'

refute "no errors in the dovecot logs" grep -E ': (Error|Fatal|Panic):' "$RIG_LOG" "$B_LOG"

echo "# stopping"
t0=$(date +%s%N)
"$RIG" stop "$T/a" & "$RIG" stop "$T/b" & wait
echo "# stopped in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
alive() {   # any live (non-zombie) process left in the rig's session?
    ps -e -o sid=,stat= | awk -v s="$1" '$1 == s && $2 !~ /^Z/ { f = 1 } END { exit !f }'
}
refute "no processes left from rig a" alive "$RIG_PID"
refute "no processes left from rig b" alive "$B_PID"
refute "IMAP port closed after stop" timeout 3 "$PY" -c \
    "import socket; socket.create_connection(('127.0.0.1', $RIG_IMAP_PORT), timeout=2)"
check "stop is idempotent" "$RIG" stop "$T/a"

if [ $FAILS -ne 0 ]; then echo "FAIL: $FAILS check(s) failed"; exit 1; fi
echo "PASS"
