#!/bin/bash
# Self-test for tests/fake-server/fake-server: runs it on small scripts
# against a little python client and checks both sides.  Exit 0 on pass.
# Every server run has a short --timeout and every client read a socket
# timeout, so nothing here can hang.

set -u

here=$(cd "$(dirname "$0")" && pwd)
FS=$here/fake-server
PY=/usr/bin/python3

if [ ! -x "$PY" ]; then
    echo "SKIP: $PY not found"
    exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fake-server-test.XXXXXX") || exit 99
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null
    done
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------
# The client: connects to 127.0.0.1:PORT and runs its steps in order.
#   >TEXT     send TEXT and CRLF        lf>TEXT   send TEXT and a bare LF
#   <TEXT     read a line, must be TEXT (CRLF stripped)
#   <~REGEX   read a line, must match REGEX (whole line)
#   <*        read any line
#   lines:N:REGEX   read N lines, each matching REGEX
#   bytes:N   read exactly N bytes      partial:TEXT  read exactly TEXT
#   tls       wrap in TLS, no certificate checks
#   eof       the server must close next (no more data)
#   hold:MS   stay connected, reading nothing, for MS ms
#   sleep:MS  pause
cat > "$tmp/client.py" <<'EOF'
import re, socket, ssl, sys, time

def die(msg):
    sys.stderr.write('client: %s\n' % msg)
    sys.exit(1)

port = int(sys.argv[1])
sock = socket.create_connection(('127.0.0.1', port), timeout=5)
sock.settimeout(5)
buf = bytearray()

def more():
    try:
        data = sock.recv(65536)
    except (ConnectionResetError, ssl.SSLError) as e:
        return b''
    return data

def line():
    while True:
        i = buf.find(b'\n')
        if i >= 0:
            out = bytes(buf[:i + 1])
            del buf[:i + 1]
            if not out.endswith(b'\r\n'):
                die('line without CRLF: %r' % out)
            return out[:-2].decode('latin-1')
        data = more()
        if not data:
            die('end of stream, wanted a line (have %r)' % bytes(buf))
        buf.extend(data)

def exactly(n):
    while len(buf) < n:
        data = more()
        if not data:
            die('end of stream after %d of %d bytes' % (len(buf), n))
        buf.extend(data)
    out = bytes(buf[:n])
    del buf[:n]
    return out

for step in sys.argv[2:]:
    if step.startswith('>'):
        sock.sendall(step[1:].encode('latin-1') + b'\r\n')
    elif step.startswith('lf>'):
        sock.sendall(step[3:].encode('latin-1') + b'\n')
    elif step == '<*':
        line()
    elif step.startswith('<~'):
        got = line()
        if not re.fullmatch(step[2:], got):
            die('wanted a line matching %r, got %r' % (step[2:], got))
    elif step.startswith('<'):
        got = line()
        if got != step[1:]:
            die('wanted %r, got %r' % (step[1:], got))
    elif step.startswith('lines:'):
        _, n, rx = step.split(':', 2)
        rx = re.compile(rx)
        for k in range(int(n)):
            got = line()
            if not rx.fullmatch(got):
                die('line %d: %r does not match %r' % (k + 1, got, rx.pattern))
    elif step.startswith('bytes:'):
        exactly(int(step[6:]))
    elif step.startswith('partial:'):
        want = step[8:].encode('latin-1').decode('unicode_escape').encode('latin-1')
        got = exactly(len(want))
        if got != want:
            die('wanted %r, got %r' % (want, got))
    elif step == 'tls':
        if buf:
            die('plaintext left before TLS: %r' % bytes(buf))
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        sock = ctx.wrap_socket(sock, server_hostname='localhost')
        sock.settimeout(5)
    elif step == 'eof':
        if buf:
            die('wanted end of stream, have %r' % bytes(buf))
        data = more()
        if data:
            die('wanted end of stream, got %r' % data)
    elif step.startswith('hold:'):
        time.sleep(int(step[5:]) / 1000.0)
    elif step.startswith('sleep:'):
        time.sleep(int(step[6:]) / 1000.0)
    else:
        die('bad step %r' % step)
sock.close()
EOF

# ---------------------------------------------------------------------------

failures=0
checks=0

ok() { checks=$((checks + 1)); echo "ok   - $1"; }
not_ok() {
    checks=$((checks + 1)); failures=$((failures + 1))
    echo "FAIL - $1"
    local f
    for f in "$tmp/$name.err" "$tmp/$name.log" "$tmp/$name.client"; do
        [ -s "$f" ] && sed 's/^/       | /' "$f"
    done
}

# start NAME [fake-server options...] < script
# Starts the server in the background; sets $port and $srv.
start() {
    name=$1; shift
    cat > "$tmp/$name.script"
    rm -f "$tmp/$name.port"
    "$FS" --script "$tmp/$name.script" --port-file "$tmp/$name.port" \
        --transcript "$tmp/$name.log" --timeout 5 "$@" \
        > "$tmp/$name.out" 2> "$tmp/$name.err" &
    srv=$!
    pids+=("$srv")
    local i
    for ((i = 0; i < 200; i++)); do
        if [ -s "$tmp/$name.port" ]; then
            port=$(cat "$tmp/$name.port")
            return 0
        fi
        kill -0 "$srv" 2>/dev/null || break
        sleep 0.025
    done
    port=0
    return 1
}

# client STEPS...: runs the client against $port; sets $crc.
client() {
    timeout 10 "$PY" "$tmp/client.py" "$port" "$@" 2>> "$tmp/$name.client"
    crc=$?
}

# finish: waits for the server; sets $rc.
finish() {
    wait "$srv"
    rc=$?
}

# check DESCRIPTION WANT_SERVER_RC WANT_CLIENT_RC
check() {
    if [ "$rc" -eq "$2" ] && [ "$crc" -eq "$3" ]; then
        ok "$1"
    else
        not_ok "$1 (server exit $rc, wanted $2; client exit $crc, wanted $3)"
    fi
}

now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

# ---------------------------------------------------------------------------

start normal <<'EOF'
# greeting, CAPABILITY, LOGIN, LOGOUT
S * OK fake ready
C * CAPABILITY
S * CAPABILITY IMAP4rev1 AUTH=PLAIN
S ${TAG} OK done
C~ (?P<T>\S+) (?i:login) (?P<USER>\S+) \S+
S ${T} OK hello ${USER}
C * logout
S * BYE
S ${TAG} OK LOGOUT done
EOF
client '<* OK fake ready' '>a1 CAPABILITY' '<* CAPABILITY IMAP4rev1 AUTH=PLAIN' \
    '<a1 OK done' '>a2 LOGIN joe secret' '<a2 OK hello joe' \
    '>a3 LOGOUT' '<* BYE' '<a3 OK LOGOUT done' eof
finish
check "normal path exits 0" 0 0
if grep -q '^C: a2 LOGIN joe secret\\r\\n$' "$tmp/normal.log" &&
   grep -q '^S: a3 OK LOGOUT done\\r\\n$' "$tmp/normal.log"; then
    ok "transcript records both directions"
else
    not_ok "transcript records both directions"
fi

start deviate <<'EOF'
S * OK ready
C * LOGIN *
S ${TAG} OK
EOF
client '<* OK ready' '>a1 LOGOUT' eof
finish
check "wrong client line exits 1" 1 0
if grep -q 'expected: \* LOGIN \*' "$tmp/deviate.err" &&
   grep -q 'received: a1 LOGOUT' "$tmp/deviate.err"; then
    ok "deviation message shows expected and received lines"
else
    not_ok "deviation message shows expected and received lines"
fi

start tags <<'EOF'
S * OK ready
REPEAT 3
C * NOOP
S ${TAG} OK NOOP number ${I}
END
C? 
S ${TAG} \x41\t\\ \$x \Seen
S- ${TAG}-raw
RAW 0d 0a
LITERAL 5 z
S 
EOF
client '<* OK ready' '>x1 NOOP' '<x1 OK NOOP number 1' '>Y.2 noop' \
    '<Y.2 OK NOOP number 2' '>z3 NOOP' '<z3 OK NOOP number 3' \
    '>q9 whatever' 'partial:q9 A\t\\ $x \\Seen\r\nq9-raw\r\nzzzzz\r\n' eof
finish
check "tag substitution, counters and escapes" 0 0

start early-close <<'EOF'
S * OK ready
C * LOGIN *
EOF
client '<* OK ready'
finish
check "client closing early exits 2" 2 0

start bare-lf <<'EOF'
S * OK ready
C a NOOP
EOF
client '<* OK ready' 'lf>a NOOP' eof
finish
check "bare LF line is a deviation" 1 0

start close-mid <<'EOF'
S * OK ready
C * FETCH *
S * 1 FETCH (BODY[] {100}
S- From: a@b\r\nSubject: cut
CLOSE
EOF
client '<* OK ready' '>f1 FETCH 1 BODY[]' '<* 1 FETCH (BODY[] {100}' \
    'partial:From: a@b\r\nSubject: cut' eof
finish
check "CLOSE mid-literal is seen by the client" 0 0

start expect-close <<'EOF'
S * OK [CAPABILITY IMAP4rev1 STARTTLS] ready
C * STARTTLS
S ${TAG} BAD no
EXPECT-CLOSE * LOGOUT
EOF
client '<~\* OK .*' '>s1 STARTTLS' '<s1 BAD no' '>s2 LOGOUT'
finish
check "EXPECT-CLOSE passes when the client gives up" 0 0

start expect-close-bad <<'EOF'
S * OK [CAPABILITY IMAP4rev1 STARTTLS] ready
C * STARTTLS
S ${TAG} BAD no
EXPECT-CLOSE * LOGOUT
EOF
client '<~\* OK .*' '>s1 STARTTLS' '<s1 BAD no' '>s2 LOGIN joe secret' eof
finish
check "EXPECT-CLOSE fails when the client carries on" 1 0

start if-c --connections 2 <<'EOF'
S +OK ready
IF-C CAPA
S +OK caps
S UIDL
S .
END
C USER *
S +OK
IF-C QUIT
S +OK bye
END
EXPECT-CLOSE
EOF
client '<+OK ready' '>CAPA' '<+OK caps' '<UIDL' '<.' '>USER a' '<+OK' \
    '>QUIT' '<+OK bye'
c1=$crc
client '<+OK ready' '>USER b' '<+OK'
[ "$c1" -eq 0 ] || crc=$c1
finish
check "IF-C optional lines, same script on 2 connections" 0 0

start parts <<'EOF'
--- connection 1
S first
C one
--- connection 2
S second
C two
EOF
client '<first' '>one' eof
c1=$crc
client '<second' '>two' eof
[ "$c1" -eq 0 ] || crc=$c1
finish
check "--connections: one script part per connection" 0 0

start read <<'EOF'
S * OK
C * APPEND INBOX {11}
S + go
READ 13
C ${TAG}x DONE
S ${TAG} OK
EOF
client '<* OK' '>t1 APPEND INBOX {11}' '<+ go' '>hello world' '>t1x DONE' '<t1x OK'
finish
check "READ takes a client literal, \${TAG} in a pattern" 0 0

start stall --timeout 1 <<'EOF'
S * OK ready
WAIT-FOREVER
EOF
t0=$(now_ms)
client '<* OK ready' 'hold:3000' &
cpid=$!
pids+=("$cpid")
finish
t1=$(now_ms)
crc=0
if [ "$rc" -eq 2 ] && [ $((t1 - t0)) -lt 2500 ]; then
    ok "--timeout bounds a stalled run ($((t1 - t0)) ms, exit $rc)"
else
    not_ok "--timeout bounds a stalled run ($((t1 - t0)) ms, exit $rc)"
fi
kill "$cpid" 2>/dev/null
wait "$cpid" 2>/dev/null

start wait-close <<'EOF'
S * OK ready
WAIT-FOREVER
EOF
client '<* OK ready' 'hold:200'
finish
check "WAIT-FOREVER ends when the client closes" 0 0

start no-client --timeout 0.5 <<'EOF'
S * OK
EOF
finish
crc=0
check "no client at all: timeout exit 2" 2 0

start flood <<'EOF'
S * OK ready
C * SELECT INBOX
REPEAT 100000
S * ${I} EXISTS
END
S ${TAG} OK flood done
EOF
t0=$(now_ms)
client '<* OK ready' '>a SELECT INBOX' 'lines:100000:\* [0-9]+ EXISTS' \
    '<a OK flood done' eof
finish
t1=$(now_ms)
if [ "$rc" -eq 0 ] && [ "$crc" -eq 0 ] && [ $((t1 - t0)) -lt 5000 ]; then
    ok "REPEAT 100000 lines ($((t1 - t0)) ms)"
else
    not_ok "REPEAT 100000 lines ($((t1 - t0)) ms, server $rc, client $crc)"
fi

name=stdout-port
printf 'S hi\n' > "$tmp/$name.script"
"$FS" --script "$tmp/$name.script" --timeout 5 > "$tmp/$name.out" \
    2> "$tmp/$name.err" &
srv=$!
pids+=("$srv")
port=0
for ((i = 0; i < 200; i++)); do
    if grep -q '^PORT [0-9]*$' "$tmp/$name.out"; then
        port=$(sed -n 's/^PORT //p' "$tmp/$name.out")
        break
    fi
    sleep 0.025
done
client '<hi' eof
finish
check "port printed as PORT n on stdout" 0 0

# ---------------------------------------------------------------------------
# The example scripts

name=examples
bad=
for f in "$here"/scripts/*.script; do
    "$FS" --check --script "$f" 2>> "$tmp/$name.err" || bad="$bad ${f##*/}"
done
rc=0; crc=0
[ -z "$bad" ] || rc=1
check "example scripts parse${bad:+ (not:$bad)}" 0 0

start greeting-ok < "$here/scripts/imap-greeting-ok.script"
client '<~\* OK .*' '>A001 CAPABILITY' '<* CAPABILITY IMAP4rev1' \
    '<A001 OK CAPABILITY completed' '>A002 LOGIN "joe" "pw"' \
    '<A002 OK LOGIN completed' '>A003 LOGOUT' '<* BYE logging out' \
    '<A003 OK LOGOUT completed' eof
finish
check "imap-greeting-ok with a good client" 0 0

start stripped-good < "$here/scripts/imap-starttls-stripped.script"
client '<~\* OK .*' '>A1 CAPABILITY' '<* CAPABILITY IMAP4rev1 AUTH=PLAIN' \
    '<A1 OK CAPABILITY completed' '>A2 LOGOUT' '<* BYE logging out' \
    '<A2 OK LOGOUT completed' eof
finish
check "imap-starttls-stripped: client giving up passes" 0 0

start stripped-bad < "$here/scripts/imap-starttls-stripped.script"
client '<~\* OK .*' '>A1 STARTTLS' '<A1 BAD STARTTLS not available' \
    '>A2 LOGIN joe secret' eof
finish
check "imap-starttls-stripped: LOGIN in the clear fails" 1 0

start uidl-zero < "$here/scripts/pop3-uidl-zero.script"
client '<+OK fake-server POP3 ready' '>USER joe' '<+OK' '>PASS pw' \
    '<+OK maildrop locked and ready' '>UIDL' '<*' '<0 AAAA0000' \
    '<1 BBBB1111' '<.' '>QUIT' '<+OK bye' eof
finish
check "pop3-uidl-zero: client quitting passes" 0 0

start uidl-retr < "$here/scripts/pop3-uidl-negative.script"
client '<+OK fake-server POP3 ready' '>USER joe' '<+OK' '>PASS pw' '<*' \
    '>UIDL' '<*' '<*' '<*' '<.' '>RETR 1' eof
finish
check "pop3-uidl-negative: client fetching fails" 1 0

start huge --timeout 2 < "$here/scripts/imap-huge-literal.script"
client '<*' '>a LOGIN x y' '<*' '>b SELECT INBOX' '<*' '<*' '<*' '<*' \
    '>c UID FETCH 1 BODY.PEEK[]' '<~.*\{4294967290\}' 'bytes:100'
finish
check "imap-huge-literal: client dropping the connection passes" 0 0

name=usage
"$FS" --script "$tmp/none.script" > /dev/null 2> "$tmp/$name.err"
rc=$?; crc=0
check "missing script is a usage error" 3 0
printf 'S ok\nBOGUS 1\n' > "$tmp/bogus.script"
"$FS" --script "$tmp/bogus.script" > /dev/null 2> "$tmp/$name.err"
rc=$?
check "unknown directive is a usage error" 3 0
"$FS" --timeout > /dev/null 2> "$tmp/$name.err"
rc=$?
check "bad option is a usage error" 3 0
printf 'S ok\nSTARTTLS\n' > "$tmp/tls.script"
"$FS" --script "$tmp/tls.script" > /dev/null 2> "$tmp/$name.err"
rc=$?
check "STARTTLS without a certificate is a usage error" 3 0

# ---------------------------------------------------------------------------
# TLS

if command -v openssl > /dev/null 2>&1 &&
   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
       -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 1 \
       -subj /CN=localhost > /dev/null 2>&1; then
    tlsopts=(--tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem")

    start starttls "${tlsopts[@]}" <<'EOF'
S * OK [CAPABILITY IMAP4rev1 STARTTLS] ready
C * STARTTLS
S ${TAG} OK begin TLS
STARTTLS
C * CAPABILITY
S * CAPABILITY IMAP4rev1 AUTH=PLAIN
S ${TAG} OK done
C * LOGOUT
S * BYE
S ${TAG} OK bye
EOF
    client '<~\* OK .*' '>t1 STARTTLS' '<t1 OK begin TLS' tls \
        '>t2 CAPABILITY' '<* CAPABILITY IMAP4rev1 AUTH=PLAIN' '<t2 OK done' \
        '>t3 LOGOUT' '<* BYE' '<t3 OK bye' eof
    finish
    check "STARTTLS" 0 0

    start implicit "${tlsopts[@]}" --implicit-tls <<'EOF'
S +OK pop3 over TLS
C USER *
S +OK
LITERAL 70000 y
S 
HALFCLOSE
C QUIT
EOF
    client tls '<+OK pop3 over TLS' '>USER x' '<+OK' 'bytes:70002' \
        eof '>QUIT'
    finish
    check "implicit TLS, big LITERAL, TLS half-close" 0 0

    start tls-close "${tlsopts[@]}" --implicit-tls <<'EOF'
S * OK
S- * 1 FETCH (BODY[] {50}\r\nabc
CLOSE
EOF
    client tls '<* OK' 'partial:* 1 FETCH (BODY[] {50}\r\nabc' eof
    finish
    check "CLOSE under TLS" 0 0

    start tls-plain-client "${tlsopts[@]}" --implicit-tls <<'EOF'
S * OK
EOF
    client '>hello there'
    finish
    crc=0
    if [ "$rc" -eq 1 ] || [ "$rc" -eq 2 ]; then
        ok "plaintext client on implicit TLS fails the run (exit $rc)"
    else
        not_ok "plaintext client on implicit TLS fails the run (exit $rc)"
    fi
else
    echo "skip - TLS checks: openssl cannot make a certificate"
fi

echo "$((checks - failures)) of $checks checks passed"
[ "$failures" -eq 0 ]
