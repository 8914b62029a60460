#!/bin/bash
# test-theme: colour themes in the real skua against the throwaway dovecot.
# skua is started with each shipped theme in turn: the screen comes up, a
# folder and a message open, and tmux's record of the cells shows default
# and light in 256 colours, 16 in the basic ones only and mono in none, with
# the cursor in reverse video in all. TERM=vt100 and NO_COLOR=1 give no
# colours and a usable screen; an empty NO_COLOR is ignored (no-color.org).
# A theme of one's own in ~/.config/skua/themes is found first; a theme
# file with a bad line stops skua with FILE:LINE and status 1, an unknown
# theme name says where skua looked. :theme NAME switches while skua runs,
# and an unknown name keeps the look.
set -euo pipefail
. "$(dirname "$0")/tui.sh"

tui_rig --inbox 30 --big-attachment-mb 1
export SKUA_THEMES_DIR=$top_srcdir/themes
unset NO_COLOR
mkdir -p "$XDG_CONFIG_HOME/skua/themes"
conf=$XDG_CONFIG_HOME/skua/config

# write_config [THEME]: the account, and theme = THEME if one is given.
write_config() {
	{
		[ -z "${1:-}" ] || printf 'theme = %s\n' "$1"
		cat <<CONF
[account mail]
protocol = imap
host = 127.0.0.1
port = $RIG_IMAPS_PORT
tls_ca_file = $RIG_CA
user = $RIG_USER
password_command = cat $tmp/password
CONF
	} > "$conf"
	chmod 600 "$conf"
}

# The screen with its attributes, as tmux keeps them: SGR escapes before
# each change.
screen_escaped() {
	tmux -L "$TUI_SOCKET" capture-pane -e -p -t tui
}
# colours FILE: what colours the screen in FILE uses: "256" if any beyond
# the basic sixteen, "16" if only those, "none" if none; "reverse" is
# added when some cell is in reverse video. 39 and 49 (the defaults) are
# no colour.
colours() {
	awk 'BEGIN { RS = "\033" }
	/^\[[0-9;]*m/ {
		match($0, /^\[[0-9;]*m/)
		n = split(substr($0, 2, RLENGTH - 2), p, ";")
		for (i = 1; i <= n; i++) {
			v = p[i] + 0
			if ((v == 38 || v == 48) && p[i + 1] == "5") {
				if (p[i + 2] + 0 >= 16)
					wide = 1
				else
					basic = 1
				i += 2
			} else if ((v == 38 || v == 48) && p[i + 1] == "2") {
				wide = 1
				i += 4
			} else if ((v >= 30 && v <= 37) || (v >= 40 && v <= 47) ||
			    (v >= 90 && v <= 97) || (v >= 100 && v <= 107))
				basic = 1
			else if (v == 7)
				reverse = 1
		}
	}
	END {
		printf "%s%s\n", wide ? "256" : basic ? "16" : "none",
		    reverse ? " reverse" : ""
	}' "$1"
}
# wait_until SECS CMD...: poll CMD until it succeeds.
wait_until() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 20; i++)); do
		"$@" 2>/dev/null && return 0
		sleep 0.05
	done
	tui_fail "timed out waiting for: $*"
}
restart() {
	tui_restart "$@"
}
quit() {
	tui_keys q
	sleep 0.2
	tui_keys q
	sleep 0.2
	tui_keys q
	tui_wait_exit 10
	[ "$TUI_STATUS" = 0 ] || tui_fail "skua exited with $TUI_STATUS ($1)"
}

# browse NAME: the sidebar, INBOX and its newest message come up; the
# screen of each is kept in $tmp/NAME.{sidebar,index,pager}.
browse() {
	local name=$1
	tui_wait "Lists" 20
	tui_wait "state     online" 20
	screen_escaped > "$tmp/$name.sidebar"
	tui_keys j Enter
	tui_wait "mail/INBOX" 10
	tui_wait "[30 messages" 20
	screen_escaped > "$tmp/$name.index"
	tui_keys Enter
	tui_wait "Subject:" 10
	tui_wait "[message 1/30]" 10
	tui_wait_gone "Loading..." 10
	screen_escaped > "$tmp/$name.pager"
}

# --- each shipped theme, on a terminal of 256 colours --------------------
for theme in default light 16 mono; do
	write_config "$theme"
	restart env TERM=xterm-256color "$SKUA"
	browse "$theme"
	quit "$theme"
	grep -q "theme $top_srcdir/themes/$theme.theme, 256 colours" \
		"$XDG_STATE_HOME/skua/skua.log" ||
		tui_fail "the log does not say theme $theme was used"
	case $theme in
	default|light) want=256 ;;
	16) want=16 ;;
	mono) want=none ;;
	esac
	# The cursor is in reverse video in the sidebar and the index; the
	# pager has none, so only its colours count.
	for part in sidebar index pager; do
		got=$(colours "$tmp/$theme.$part")
		expect="$want reverse"
		if [ "$part" = pager ]; then
			got=${got% reverse}
			expect=$want
		fi
		[ "$got" = "$expect" ] ||
			tui_fail "theme $theme, $part: '$got', not '$expect'"
	done
	echo "ok: theme $theme"
done
# Switching theme (a restart with another line) changed the look.
cmp -s "$tmp/default.index" "$tmp/mono.index" &&
	tui_fail "default and mono look the same"
cmp -s "$tmp/default.index" "$tmp/light.index" &&
	tui_fail "default and light look the same"

# No theme line is the default theme.
write_config
restart env TERM=xterm-256color "$SKUA"
browse none
quit "no theme line"
[ "$(colours "$tmp/none.index")" = "256 reverse" ] ||
	tui_fail "without a theme line: $(colours "$tmp/none.index")"
echo "ok: default without a theme line"

# --- no colours: TERM=vt100, NO_COLOR -------------------------------------
write_config default
restart env TERM=vt100 "$SKUA"
browse vt100
# Still usable: j and k move the cursor, q goes back.
tui_keys q
tui_wait "[30 messages" 10
quit vt100
for part in sidebar index pager; do
	got=$(colours "$tmp/vt100.$part")
	[ "$got" = "none reverse" ] ||
		tui_fail "TERM=vt100, $part: '$got', not 'none reverse'"
done
grep -q "theme $top_srcdir/themes/default.theme, 0 colours" \
	"$XDG_STATE_HOME/skua/skua.log" || tui_fail "no vt100 in the log"
echo "ok: TERM=vt100"

restart env TERM=xterm-256color NO_COLOR=1 "$SKUA"
browse nocolor
quit NO_COLOR
for part in sidebar index pager; do
	got=$(colours "$tmp/nocolor.$part")
	[ "$got" = "none reverse" ] ||
		tui_fail "NO_COLOR=1, $part: '$got', not 'none reverse'"
done
grep -q "0 colours (NO_COLOR)" "$XDG_STATE_HOME/skua/skua.log" ||
	tui_fail "no NO_COLOR in the log"
echo "ok: NO_COLOR=1"

restart env TERM=xterm-256color NO_COLOR= "$SKUA"
browse emptynocolor
quit "empty NO_COLOR"
[ "$(colours "$tmp/emptynocolor.index")" = "256 reverse" ] ||
	tui_fail "an empty NO_COLOR took the colours away"
echo "ok: empty NO_COLOR is ignored"

# --- 8 colours: the default theme brought down to them --------------------
restart env TERM=screen "$SKUA"
browse screen
quit screen
[ "$(colours "$tmp/screen.index")" = "16 reverse" ] ||
	tui_fail "TERM=screen: $(colours "$tmp/screen.index")"
grep -q "theme $top_srcdir/themes/default.theme, 8 colours" \
	"$XDG_STATE_HOME/skua/skua.log" || tui_fail "no 8 colours in the log"
echo "ok: TERM=screen (8 colours)"

# --- one's own theme comes first ------------------------------------------
cat > "$XDG_CONFIG_HOME/skua/themes/mine.theme" <<'THEME'
# mine: a loud status bar, the rest as mono.
status = 196 226 bold
THEME
write_config mine
restart env TERM=xterm-256color "$SKUA"
tui_wait "Lists" 20
# The status bar, red on yellow.
loud() {
	screen_escaped | grep -q '38;5;196m.*48;5;226m\|48;5;226m.*38;5;196m'
}
wait_until 5 loud
quit mine
echo "ok: a theme in ~/.config/skua/themes"

# --- errors: a bad line, an unknown name ----------------------------------
printf 'status = red\n\nindex.unred = blue\npager.url = 81 blink\n' \
	> "$XDG_CONFIG_HOME/skua/themes/broken.theme"
write_config broken
status=0
"$SKUA" < /dev/null > "$tmp/out" 2> "$tmp/err" || status=$?
[ "$status" = 1 ] || tui_fail "a bad theme: exit status $status, not 1"
want="$XDG_CONFIG_HOME/skua/themes/broken.theme:3: unknown element"
want="$want 'index.unred'; did you mean 'index.unread'?"
grep -qF -- "$want" "$tmp/err" ||
	tui_fail "no FILE:LINE for the bad element: $(cat "$tmp/err")"
grep -qF "broken.theme:4: pager.url: 'blink' is not" "$tmp/err" ||
	tui_fail "no FILE:LINE for the bad attribute: $(cat "$tmp/err")"
# --check-config checks the theme too.
status=0
"$SKUA" --check-config > "$tmp/out" 2> "$tmp/err" || status=$?
[ "$status" = 1 ] || tui_fail "--check-config passed a bad theme"
grep -qF "broken.theme:3:" "$tmp/err" || tui_fail "--check-config: no line"
echo "ok: a bad theme file: FILE:LINE, status 1"

write_config nosuch
status=0
"$SKUA" < /dev/null > "$tmp/out" 2> "$tmp/err" || status=$?
[ "$status" = 1 ] || tui_fail "an unknown theme: exit status $status"
for want in "theme 'nosuch' not found" "$XDG_CONFIG_HOME/skua/themes" \
    "$top_srcdir/themes" "default" "mono"; do
	grep -qF -- "$want" "$tmp/err" ||
		tui_fail "unknown theme: no '$want' in: $(cat "$tmp/err")"
done
echo "ok: an unknown theme says where skua looked"

# --- :theme switches while skua runs ---------------------------------------
write_config mono
restart env TERM=xterm-256color "$SKUA"
tui_wait "Lists" 20
screen_escaped > "$tmp/switch.before"
[ "$(colours "$tmp/switch.before")" = "none reverse" ] ||
	tui_fail "mono before the switch: $(colours "$tmp/switch.before")"
tui_keys : "theme default" Enter
tui_wait "Theme default."
screen_escaped > "$tmp/switch.after"
[ "$(colours "$tmp/switch.after")" = "256 reverse" ] ||
	tui_fail "after :theme default: $(colours "$tmp/switch.after")"
tui_keys : "theme nosuch" Enter
tui_wait "theme 'nosuch' not found"
screen_escaped > "$tmp/switch.kept"
[ "$(colours "$tmp/switch.kept")" = "256 reverse" ] ||
	tui_fail "an unknown theme changed the look"
quit "switch"
echo "ok: :theme switches at once; an unknown one keeps the look"
echo "PASS: themes"
