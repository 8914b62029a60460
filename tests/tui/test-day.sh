#!/bin/bash
# test-day: a user's day in one sitting of the real skua on the rig's
# dovecot, each step checked on the screen: start, the sidebar, open a
# folder, move, read a message, list and save its attachment (digest
# checked), search, limit, tag and delete, change folder (by name and in
# the sidebar), resize to 80x24 and back, a binding from the config,
# suspend and resume, then the light theme.
set -euo pipefail
. "$(dirname "$0")/tui.sh"

tui_rig --big-attachment-mb 1
conf=$XDG_CONFIG_HOME/skua/config
write_conf() {
	{
		printf '%s\n' "$1"
		tui_account
		printf '\n[bind index]\nx = search\n'
	} > "$conf"
	chmod 600 "$conf"
}
write_conf "sort = date"

step() { echo "ok: $*"; }

# Start under a real shell (for ^Z), the sidebar with its folders.
tui_start bash --norc --noprofile -i
tui_keys "PS1='shell> '" Enter
tui_wait "shell>"
tui_keys "clear; $SKUA" Enter
tui_wait "Réunions" 20
tui_wait "online" 20
step "started; the sidebar lists the folders"

# Open INBOX, move down and up.
tui_keys j Enter
tui_wait "[300 messages" 30
tui_keys j j k
tui_wait "mail/INBOX"
step "INBOX open, moving in the index"

# The big message: search for it with the binding from the config (x).
tui_keys x
tui_wait "Search for:" 5
tui_keys -l "Big attachment"
tui_keys Enter
tui_keys Enter
tui_wait "Subject: Big attachment (1 MB)" 10
tui_wait "Here is the archive with everything (1 MB)." 20
step "the [bind index] key x searched; the message is open"

# Its attachment: listed, saved, the bytes checked.
tui_keys v
tui_wait "archive-1MB.zip  [application/zip"
tui_keys s
tui_wait "Save to: "
tui_keys C-u
tui_keys -l "$tmp/archive.zip"
tui_keys Enter
tui_wait "Saved to $tmp/archive.zip" 60
want=$(/usr/bin/python3 -c 'import hashlib, random
print(hashlib.sha256(random.Random("1:big").randbytes(1024 * 1024)).hexdigest())')
got=$(sha256sum "$tmp/archive.zip" | cut -d' ' -f1)
[ "$got" = "$want" ] || tui_fail "the saved attachment's digest is $got"
tui_keys q
tui_wait_gone "Attachments of:"
tui_keys q
tui_wait "[300 messages" 10
step "attachment listed and saved intact"

# Limit, then tag two messages and limit to them.
tui_keys l
tui_wait "Limit to messages matching:"
tui_keys -l "~s invoice"
tui_keys Enter
tui_wait "limit: ~s invoice" 10
tui_keys l Enter
tui_wait "No limit: every message is shown."
tui_keys t t
tui_wait "2 tagged]" 5
step "limit set and cleared, two messages tagged"

# ;d: the two tagged go to the Trash.
tui_keys '\;' d
tui_wait "[298 messages" 10
step "the tagged messages deleted (to the Trash)"

# Another folder by name (c), then Sent from the sidebar.
tui_keys c
tui_wait "Open folder:"
tui_keys -l "Trash"
tui_keys Enter
tui_wait "mail/Trash" 10
step "changed to Trash with c"
tui_keys Tab
tui_keys k k k k
sleep 0.3
tui_keys Enter
tui_wait "mail/Sent" 10
tui_wait "[40 messages" 20
step "changed to Sent"

# Resize small and back: the status bar follows the size.
tui_resize 60 16
tui_wait "mail/Sent" 5
tui_resize 80 24
tui_wait "[40 messages" 5
step "resized to 60x16 and back to 80x24"

# ^Z and fg.
tui_keys C-z
tui_wait "Stopped" 10
tui_keys fg Enter
tui_wait "mail/Sent" 10
tui_keys '?'
tui_wait "quit" 10
tui_keys q
step "suspended and resumed"

# Quit, then the light theme: the screen comes up with other colours.
colors() {
	tmux -L "$TUI_SOCKET" capture-pane -e -p -t tui | grep -o $'\033\\[[0-9;]*m' |
	    sort -u | tr -d '\n'
}
before=$(colors)
tui_keys q
sleep 0.5
tui_screen | grep -q "shell>" || tui_keys q
tui_wait "shell>" 10
write_conf "theme = light"
tui_keys "clear; $SKUA" Enter
tui_wait "online" 20
sleep 0.5
after=$(colors)
[ "$before" != "$after" ] || tui_fail "the light theme looks like the default"
tui_keys q
sleep 0.5
tui_screen | grep -q "shell>" || tui_keys q
tui_wait "shell>" 10
step "switched to the light theme"
