#!/bin/bash
# test-start: the real skua in tmux: the first screen at 80x24, moving in
# the sidebar, help with a binding from the config, resize, quit, the log.
set -euo pipefail
. "$(dirname "$0")/tui.sh"

home=$(mktemp -d)
trap 'tui_stop; rm -rf "$home"' EXIT
export HOME=$home XDG_STATE_HOME=$home/state XDG_CONFIG_HOME=$home/config
mkdir -p "$XDG_CONFIG_HOME/skua"
cat > "$XDG_CONFIG_HOME/skua/config" <<'CONF'
[account work]
protocol = imap
host = imap.example.org
user = jane
password_command = echo secret
[account home]
protocol = pop3
host = pop.example.net
tls = starttls
user = j
[bind global]
<F2> = help
CONF

tui_start "$SKUA"
tui_wait "2 accounts"
tui_wait "server    imap.example.org:993 (tls implicit)"
tui_keys j
tui_wait "server    pop.example.net:110 (tls starttls)"
tui_keys Up
tui_wait "imap.example.org:993"

# F2 comes from the config; the help screen lists it.
tui_keys F2
tui_wait "Bindings in force"
tui_wait "<F2>"
tui_keys q
tui_wait_gone "Bindings in force"
tui_wait "imap.example.org"

tui_keys Z
tui_wait "Key Z is not bound"

tui_resize 120 40
tui_wait "imap.example.org"
tui_resize 80 24
tui_wait "2 accounts"

tui_keys q
tui_wait_exit 5
[ "$TUI_STATUS" = 0 ] || tui_fail "skua exited with $TUI_STATUS"
grep -q "ui started, 2 accounts" "$XDG_STATE_HOME/skua/skua.log" ||
	tui_fail "no log at \$XDG_STATE_HOME/skua/skua.log"
echo "PASS: start, move, help, unbound key, resize, quit, log"
