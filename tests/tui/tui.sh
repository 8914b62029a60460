# tui.sh: drive the real skua in a fixed-size tmux session: start it, send
# keys, wait (bounded) for text on the screen, capture it. Source this file.
#
#   tui_start CMD...     run CMD in an 80x24 pane (TUI_COLS/TUI_ROWS override)
#   tui_keys KEY...      tmux send-keys (names like Enter, Down, C-l work)
#   tui_wait TEXT [SECS] wait until TEXT is on screen, else fail with a dump
#   tui_wait_gone TEXT [SECS]
#   tui_screen           print the screen
#   tui_resize COLS ROWS
#   tui_wait_exit [SECS] wait for CMD to end; its status is in TUI_STATUS
#   tui_restart CMD...   kill the session and start CMD in a new one
#   tui_stop             kill the session (also done on exit)
#   tui_rig [ARGS...]    a throwaway dovecot in $tmp/rig, populated with
#                        ARGS (mkcorpus options), stopped on exit; HOME and
#                        the XDG directories under $tmp (made here);
#                        TUI_RIG_START adds options to its start (--quota)
#   tui_account [NAME]   print an [account NAME] section (default mail)
#                        for the rig

TUI_SOCKET="skua-tui-$$-$RANDOM"
TUI_DIR=$(mktemp -d "${TMPDIR:-/tmp}/skua-tui.XXXXXX")
TUI_STATUS=

tui_fail() {
	echo "FAIL: $*" >&2
	echo "---- screen ----" >&2
	tui_screen >&2 || true
	echo "----------------" >&2
	exit 1
}

tui_start() {
	local cmd="" arg
	for arg in "$@"; do
		cmd="$cmd $(printf '%q' "$arg")"
	done
	# The pane runs the command, then records its exit status.
	tmux -L "$TUI_SOCKET" -f /dev/null new-session -d -s tui \
		-x "${TUI_COLS:-80}" -y "${TUI_ROWS:-24}" \
		"$cmd; echo \$? > '$TUI_DIR/status'; sleep 30" ||
		tui_fail "tmux could not start"
	tmux -L "$TUI_SOCKET" set-option -t tui status off >/dev/null
}

tui_keys() {
	tmux -L "$TUI_SOCKET" send-keys -t tui "$@"
}

tui_screen() {
	tmux -L "$TUI_SOCKET" capture-pane -p -t tui
}

tui_wait() {
	local text=$1 secs=${2:-10} i screen
	for ((i = 0; i < secs * 20; i++)); do
		# No pipe into grep -q: with pipefail its early exit would
		# count as a failure.
		screen=$(tui_screen 2>/dev/null) || true
		if grep -qF -- "$text" <<<"$screen"; then
			return 0
		fi
		sleep 0.05
	done
	tui_fail "'$text' did not appear within ${secs}s"
}

tui_wait_gone() {
	local text=$1 secs=${2:-10} i screen
	for ((i = 0; i < secs * 20; i++)); do
		screen=$(tui_screen 2>/dev/null) || true
		if ! grep -qF -- "$text" <<<"$screen"; then
			return 0
		fi
		sleep 0.05
	done
	tui_fail "'$text' stayed on screen for ${secs}s"
}

tui_resize() {
	tmux -L "$TUI_SOCKET" resize-window -t tui -x "$1" -y "$2"
}

tui_wait_exit() {
	local secs=${1:-10} i
	for ((i = 0; i < secs * 20; i++)); do
		if [ -s "$TUI_DIR/status" ]; then
			TUI_STATUS=$(cat "$TUI_DIR/status")
			return 0
		fi
		sleep 0.05
	done
	tui_fail "the program did not exit within ${secs}s"
}

tui_restart() {
	tmux -L "$TUI_SOCKET" kill-server 2>/dev/null || true
	rm -f "$TUI_DIR/status"
	# A new socket: a server started on the old one can reach the old
	# server while it is still going away ("server exited unexpectedly").
	TUI_SOCKET="skua-tui-$$-$RANDOM"
	tui_start "$@"
}

tui_stop() {
	tmux -L "$TUI_SOCKET" kill-server 2>/dev/null || true
	rm -rf "$TUI_DIR"
}

trap tui_stop EXIT

tui_rig() {
	rig=$top_srcdir/tests/integration/rig/dovecot-rig
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/skua-tui-rig.XXXXXX")
	# dovecot's unprivileged processes must reach the rig below (as root).
	chmod 711 "$tmp"
	trap tui_rig_cleanup EXIT
	# shellcheck disable=SC2086 # TUI_RIG_START: words for dovecot-rig start
	"$rig" start "$tmp/rig" ${TUI_RIG_START:-} >/dev/null 2>&1 ||
		tui_fail "the rig did not start"
	"$rig" populate "$tmp/rig" "$@" >/dev/null 2>&1 ||
		tui_fail "the rig was not populated"
	# shellcheck disable=SC1091
	. "$tmp/rig/rig.env"
	export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/config \
		XDG_CACHE_HOME=$tmp/cache XDG_DATA_HOME=$tmp/data \
		XDG_STATE_HOME=$tmp/state LC_ALL=C.UTF-8 TZ=UTC
	mkdir -p "$HOME" "$XDG_CONFIG_HOME/skua"
	printf '%s\n' "$RIG_PASS" > "$tmp/password"
	chmod 600 "$tmp/password"
}

tui_rig_cleanup() {
	tui_stop
	"$rig" stop "$tmp/rig" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}

tui_account() {
	printf '[account %s]\nprotocol = imap\nhost = 127.0.0.1\nport = %s\n' \
		"${1:-mail}" "$RIG_IMAPS_PORT"
	printf 'tls_ca_file = %s\nuser = %s\npassword_command = cat %s\n' \
		"$RIG_CA" "$RIG_USER" "$tmp/password"
}
