# lib.sh: what the IMAP integration scripts share: a private temp dir whose
# rigs are stopped on exit, ok/fail counting, another client (imaplib), the
# rig's byte counts, and a skua config for the rig. Source it first.
#
#   ok MSG / fail MSG   count a check (LABEL, if set, prefixes the message)
#   imap CODE...        run Python statements with c, a logged-in IMAP4_SSL
#   last_out            bytes dovecot sent in its latest finished session
#   write_conf FILE [LINE...]   an [account mail] for the rig in rig.env
#   finish              print the failures and exit with the right status

lib_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rig=$lib_here/rig/dovecot-rig
probe=${top_builddir:-$lib_here/../..}/tests/integration/account-probe
skua=${SKUA:-${top_builddir:-$lib_here/../..}/skua}
py=/usr/bin/python3
tmp=$(mktemp -d)
# dovecot's mail user (not root) must be able to reach the rigs below.
chmod 711 "$tmp"
failures=0
LABEL=

lib_cleanup() {
	local d
	for d in "$tmp"/rig*; do
		[ -f "$d/rig.env" ] && "$rig" stop "$d" >/dev/null 2>&1
	done
	rm -rf "$tmp"
}
trap lib_cleanup EXIT

fail() {
	echo "FAIL: ${LABEL:+$LABEL: }$*" >&2
	failures=$((failures + 1))
}

ok() {
	echo "ok: ${LABEL:+$LABEL: }$*"
}

imap() {
	"$py" - "$RIG_IMAPS_PORT" "$RIG_CA" "$RIG_USER" "$RIG_PASS" "$@" <<'PY'
import imaplib, ssl, sys
port, ca, user, password = sys.argv[1:5]
c = imaplib.IMAP4_SSL("127.0.0.1", int(port),
    ssl_context=ssl.create_default_context(cafile=ca), timeout=10)
c.login(user, password)
for cmd in sys.argv[5:]:
    exec(cmd)
c.logout()
PY
}

last_out() {
	grep -o 'out=[0-9]*' "$RIG_LOG" | tail -1 | cut -d= -f2
}

write_conf() {
	local file=$1
	shift
	printf '%s\n' "$RIG_PASS" > "$tmp/pass"
	{
		printf '[account mail]\nprotocol = imap\nhost = 127.0.0.1\n'
		printf 'port = %s\ntls_ca_file = %s\nuser = %s\n' \
			"$RIG_IMAPS_PORT" "$RIG_CA" "$RIG_USER"
		printf 'password_command = cat %s\n' "$tmp/pass"
		[ $# -gt 0 ] && printf '%s\n' "$@"
	} > "$file"
	chmod 600 "$file"
}

finish() {
	[ "$failures" = 0 ] || { echo "$failures check(s) failed" >&2; exit 1; }
	exit 0
}
