#!/bin/bash
# test-terminal: skua and the terminal: resizing while a folder of 5,000
# messages is still being mirrored (down to 40x10, back to 80x24, up to
# 132x40), each time with the whole layout redrawn to the new size; ^Z
# suspends it to the shell and fg brings the screen back; the terminal is
# given back clean on quit (the shell prompt is usable).
set -euo pipefail
. "$(dirname "$0")/tui.sh"

tui_rig --inbox 5000 --quiet
tui_account > "$XDG_CONFIG_HOME/skua/config"
chmod 600 "$XDG_CONFIG_HOME/skua/config"

# skua under an interactive shell, so that ^Z and fg are real job control.
tui_start bash --norc --noprofile -i
tmux -L "$TUI_SOCKET" set-option -t tui history-limit 0 >/dev/null
tui_keys "PS1='shell> '" Enter
tui_wait "shell>"
tui_keys "clear; $SKUA" Enter
tui_wait "online" 20

# The screen is drawn to size: its last line (status or message line) is
# on the last row, and no row is wider than the terminal.
check_layout() {
	local cols=$1 rows=$2 screen n wide
	screen=$(tui_screen)
	n=$(wc -l <<<"$screen")
	wide=$(/usr/bin/python3 -c '
import sys, unicodedata
cols = int(sys.argv[1])
for n, line in enumerate(sys.stdin.read().split("\n"), 1):
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else
            0 if unicodedata.combining(c) else 1 for c in line)
    if w > cols:
        print(n)
        break
' "$cols" <<<"$screen")
	[ -z "$wide" ] || tui_fail "line $wide wider than $cols at ${cols}x$rows"
	# The sidebar's first entry is on the first row at every size.
	head -1 <<<"$screen" | grep -q "mail" ||
		tui_fail "no account on the first row at ${cols}x$rows"
	[ "$n" -le "$rows" ] || tui_fail "$n rows at ${cols}x$rows"
}

# Open INBOX and resize while its 5,000 rows are still arriving.
tui_keys j
tui_wait "INBOX"
tui_keys Enter
tui_wait "mail/INBOX" 10
tui_resize 40 10
sleep 0.3
check_layout 40 10
tui_resize 80 24
sleep 0.3
check_layout 80 24
tui_resize 132 40
sleep 0.3
check_layout 132 40
tui_resize 80 24
tui_wait "[5000 messages" 60
sleep 0.3
check_layout 80 24
tui_screen | grep -q "mail/INBOX" || tui_fail "the status bar is gone"

# ^Z: the shell comes back with the job stopped; fg redraws skua.
tui_keys C-z
tui_wait "Stopped" 10
tui_wait "shell>" 5
tui_keys "fg" Enter
tui_wait "mail/INBOX" 10
tui_wait "[5000 messages" 10
# Keys work after the resume.
tui_keys '?'
tui_wait "quit" 10
tui_keys q
tui_wait "mail/INBOX" 10

# Quit (q leaves the index for the sidebar, q there quits): the terminal
# is the shell's again and answers.
tui_keys q
sleep 0.5
tui_screen | grep -q "shell>" || tui_keys q
tui_wait "shell>" 10
tui_keys "echo back-\$((40 + 2))" Enter
tui_wait "back-42" 5
echo "ok: resize during a sync, suspend and resume, a clean exit"
