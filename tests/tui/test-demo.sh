#!/bin/bash
# test-demo: the README's demo command end to end (with the binary under
# test): dovecot starts with sample mail, skua opens on its two accounts,
# q quits, and dovecot and the temporary directory are gone afterwards.
set -euo pipefail
. "$(dirname "$0")/tui.sh"

tmp=$(mktemp -d)
chmod 711 "$tmp"
trap 'tui_stop; rm -rf "$tmp"' EXIT

TMPDIR=$tmp tui_start env TMPDIR="$tmp" SKUA="$SKUA" "$top_srcdir/scripts/demo"
tui_wait "2 accounts" 30
tui_wait "demo-imap"
tui_wait "demo-pop3"
tui_wait "server    127.0.0.1:"
tui_keys '*'
tui_wait "(tls starttls)"
tui_keys q
tui_wait_exit 20
[ "$TUI_STATUS" = 0 ] || tui_fail "the demo exited with $TUI_STATUS"
tui_wait "dovecot stopped"
left=$(find "$tmp" -mindepth 1 -maxdepth 1 -name 'skua-demo.*' | wc -l)
[ "$left" = 0 ] || tui_fail "the demo left its temporary directory behind"
# Read /proc directly: a missing ps/pgrep must not pass this check.
for cmdline in /proc/[0-9]*/cmdline; do
	args=$(tr '\0' ' ' < "$cmdline" 2>/dev/null) || continue
	if grep -qF "$tmp/" <<<"$args"; then
		tui_fail "a process of the demo is still running: $cmdline"
	fi
done
echo "PASS: demo starts dovecot, shows both accounts, cleans up"
