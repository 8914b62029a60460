#!/bin/bash
# test-pager: the pager in the real skua against the throwaway dovecot's
# Pager folder (mkcorpus --pager): the header block with To and Cc, in
# the order pager_headers gives; quote levels in their colours and the
# signature dimmed; next and previous message; the URL list, whose chosen
# URL reaches url_command exactly as written, shell syntax and all, or is
# shown when there is no command.
set -euo pipefail
. "$(dirname "$0")/tui.sh"

rig=$top_srcdir/tests/integration/rig/dovecot-rig
tmp=$(mktemp -d "${TMPDIR:-/tmp}/skua-pager.XXXXXX")
# dovecot's unprivileged processes must reach the rig below (as root).
chmod 711 "$tmp"
cleanup() {
	tui_stop
	"$rig" stop "$tmp/rig" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT

"$rig" start "$tmp/rig" >/dev/null 2>&1 || tui_fail "the rig did not start"
"$rig" populate "$tmp/rig" --inbox 3 --folders none --big-attachment-mb 0 \
	--pager >/dev/null 2>&1 || tui_fail "the rig was not populated"
# shellcheck disable=SC1091
. "$tmp/rig/rig.env"
mkdir -p "$tmp/home" "$tmp/config/skua" "$tmp/work"
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/config XDG_CACHE_HOME=$tmp/cache \
	XDG_DATA_HOME=$tmp/data XDG_STATE_HOME=$tmp/state LC_ALL=C.UTF-8 TZ=UTC
# A URL that escaped its quotes would run in here.
cd "$tmp/work"
printf '%s\n' "$RIG_PASS" > "$tmp/password"
chmod 600 "$tmp/password"
conf=$XDG_CONFIG_HOME/skua/config
# A theme with the quote levels in the eight basic colours and the
# signature dim, so the attributes on screen say which element drew them.
mkdir -p "$XDG_CONFIG_HOME/skua/themes"
cat > "$XDG_CONFIG_HOME/skua/themes/pager-test.theme" <<THEME
pager.quote1		= cyan
pager.quote2		= green
pager.quote3		= yellow
pager.quote4		= magenta
pager.signature		= default default dim
THEME
# write_conf [GLOBAL LINE]...
write_conf() {
	{
		echo "check_interval = 0"
		echo "theme = pager-test"
		printf '%s\n' "$@"
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

# The screen is wide and tall enough for the whole first message.
export TUI_COLS=120 TUI_ROWS=40
# The pager's text on screen line N, after the sidebar and its border (29
# columns; counted in characters, as a name in the sidebar may not be
# ASCII).
text_of() {
	tui_screen | /usr/bin/python3 -c 'import sys
lines = sys.stdin.read().split("\n")
n = int(sys.argv[1])
print(lines[n - 1][29:].rstrip() if n <= len(lines) else "")' "$1"
}
# The number of the first screen line whose pager text is TEXT.
line_of() {
	tui_screen | /usr/bin/python3 -c 'import sys
for i, l in enumerate(sys.stdin.read().split("\n")):
    if l[29:].rstrip() == sys.argv[1]:
        print(i + 1)
        break' "$1"
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
# The screen line whose pager text is TEXT, with its attributes as escape
# sequences.
styled() {
	local n
	n=$(line_of "$1")
	[ -n "$n" ] || tui_fail "no line '$1' on the screen"
	tmux -L "$TUI_SOCKET" capture-pane -e -p -t tui | sed -n "${n}p"
}
# has_sgr TEXT CODE: the line TEXT is drawn with SGR parameter CODE (36:
# cyan, 2: dim; an extended regular expression).
has_sgr() {
	styled "$1" | grep -qE $'\033\\[([0-9]+;)*('"$2"')(;[0-9]+)*m'
}
# wait_file FILE TEXT: FILE holds exactly TEXT, soon.
wait_file() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ -e "$1" ] && [ "$(cat "$1")" = "$2" ] && return 0
		sleep 0.05
	done
	[ -e "$1" ] || tui_fail "url_command did not run"
	tui_fail "url_command got '$(cat "$1")', not '$2'"
}
no_pwned() {
	[ -z "$(find "$tmp" -name pwned 2>/dev/null)" ] ||
		tui_fail "a URL ran as a command"
}
open_pager_folder() {
	tui_wait "Pager" 20
	# Pager sorts after the folders dovecot makes: the last one.
	tui_keys '*' Enter
	tui_wait "[3 messages" 20
	tui_keys Enter
	tui_wait "Subject: Pager: headers, quotes and links" 10
	tui_wait "Quote level four." 20
}

want_urls=(
	"https://example.org/release/notes.html"
	"https://en.wikipedia.org/wiki/Skua_(bird)"
	"mailto:help@example.org"
	"ftp://ftp.example.net/pub/skua.tar.gz"
	"https://example.net/q?a='x';b=\$(id)&c=%27"
	"https://example.net/tick"
	"https://example.net/quoted"
	"https://example.org/alice"
)
long_url="https://example.org/a/very/long/path/$(printf 'segment/%.0s' \
	{1..16})end?query=$(printf 'x%.0s' {1..40})"

# --- the default header block, colours, next and previous ---------------
write_conf "url_command = printf %%s %s > $tmp/url.out"
tui_start "$SKUA"
open_pager_folder
[ "$(text_of 1)" = "From: Alice Example <alice@example.org>" ] ||
	tui_fail "line 1 is not From: $(text_of 1)"
[ "$(text_of 2)" = "To: Skua User <skua@example.test>, Bob Builder <bob@example.net>" ] ||
	tui_fail "line 2 is not To: $(text_of 2)"
[ "$(text_of 3)" = "Cc: Jürgen Müller <juergen@beispiel.de>, O'Brien, Pat <pat@example.ie>" ] ||
	tui_fail "line 3 is not Cc: $(text_of 3)"
[ "$(text_of 4)" = "Date: Tue, 30 Jun 2026 10:00:00 +0000" ] ||
	tui_fail "line 4 is not Date: $(text_of 4)"
[ "$(text_of 5)" = "Subject: Pager: headers, quotes and links" ] ||
	tui_fail "line 5 is not Subject: $(text_of 5)"
[ -z "$(text_of 6)" ] || tui_fail "no blank line after the headers"
# Reply-To is not in the default list (and not in the envelope).
tui_screen | grep -qF "Reply-To:" && tui_fail "Reply-To shown"

# Quote levels in turn (cyan, green, yellow, magenta), spaced or not; the
# signature dimmed; plain text neither.
for q in "36:> Quote level one." "32:> > Quote level two, spaced." \
    "33:>>> Quote level three." "35:>>>> Quote level four."; do
	has_sgr "${q#*:}" "${q%%:*}" ||
		tui_fail "not in colour ${q%%:*}: $(styled "${q#*:}" | cat -v)"
done
for l in "--" "Alice Example" "https://example.org/alice"; do
	has_sgr "$l" 2 || tui_fail "not dim: $(styled "$l" | cat -v)"
done
body="The wiki (https://en.wikipedia.org/wiki/Skua_(bird)) has the bird."
attribution="On Monday, Bob wrote:"
for l in "$body" "$attribution"; do
	has_sgr "$l" "2|3[1-7]" && tui_fail "styled: $(styled "$l" | cat -v)"
done

# J and K: the next and previous message, with their headers.
tui_keys J
tui_wait "Subject: Pager: the second message" 10
tui_wait "[message 2/3]"
tui_wait "The second message." 20
[ "$(text_of 2)" = "To: Skua User <skua@example.test>" ] ||
	tui_fail "the second message's To: $(text_of 2)"
tui_screen | grep -qF "Cc:" && tui_fail "a Cc for a message without one"
# Its one URL is longer than a row of the URL list: it is shown whole,
# wrapped, below the list, and reaches url_command whole.
tui_keys U
tui_wait "1 URL in: Pager: the second message"
shown=$(tui_screen | /usr/bin/python3 -c 'import sys
# Above the status bar and the message line.
lines = [l[29:].rstrip() for l in sys.stdin.read().split("\n")][:38]
for i, l in enumerate(lines):
    if l.startswith("https://"):
        out = ""
        while i < len(lines) and lines[i]:
            out += lines[i]
            i += 1
        print(out)
        break')
[ "$shown" = "$long_url" ] || tui_fail "the long URL is shown as '$shown'"
tui_keys Enter
wait_file "$tmp/url.out" "$long_url"
tui_keys q
tui_wait "The second message."
tui_keys J
tui_wait "Subject: Pager: the third message" 10
tui_keys J
tui_wait "You are on the last message."
tui_keys K K
tui_wait "Subject: Pager: headers, quotes and links" 10
tui_wait "[message 1/3]"
tui_keys K
tui_wait "You are on the first message."
tui_wait "Quote level four." 20

# --- the URL list ------------------------------------------------------------
tui_keys U
tui_wait "8 URLs in: Pager: headers, quotes and links"
for ((i = 0; i < ${#want_urls[@]}; i++)); do
	got=$(text_of $((i + 3)) | sed 's/^ *//')
	want="$((i + 1))  ${want_urls[i]}"
	[ "$got" = "$want" ] || tui_fail "URL row $((i + 1)): '$got', not '$want'"
done
# The fifth: quotes, ; and $(...), which the command must get as they are.
tui_keys j j j j Enter
wait_file "$tmp/url.out" "${want_urls[4]}"
tui_wait "8 URLs in:"
no_pwned
# The bracketed one, through the same command.
tui_keys = j Enter
wait_file "$tmp/url.out" "${want_urls[1]}"
tui_wait "8 URLs in:"
# q: back to the pager, then the index; quit.
tui_keys q
tui_wait_gone "8 URLs in:"
tui_wait "Quote level four."
tui_keys q
tui_wait "[3 messages"
tui_keys q q
tui_wait_exit 10
[ "$TUI_STATUS" = 0 ] || tui_fail "skua exited with $TUI_STATUS"
echo "ok: header block, quotes, signature, next/previous, URL list"

# --- pager_headers, and no url_command --------------------------------------
write_conf "pager_headers = From Subject"
tui_restart "$SKUA"
open_pager_folder
[ "$(text_of 1)" = "From: Alice Example <alice@example.org>" ] ||
	tui_fail "pager_headers: line 1 is $(text_of 1)"
[ "$(text_of 2)" = "Subject: Pager: headers, quotes and links" ] ||
	tui_fail "pager_headers: line 2 is $(text_of 2)"
[ -z "$(text_of 3)" ] || tui_fail "pager_headers: line 3 is $(text_of 3)"
tui_screen | grep -qE "^.{29}(To|Cc|Date):" &&
	tui_fail "a header pager_headers does not list"
# Enter without url_command shows the URL to copy.
tui_keys U
tui_wait "8 URLs in:"
tui_keys Enter
tui_wait "https://example.org/release/notes.html (set url_command" 10
tui_keys q q
tui_wait "[3 messages"
tui_keys q q
tui_wait_exit 10
[ "$TUI_STATUS" = 0 ] || tui_fail "skua exited with $TUI_STATUS"
no_pwned
echo "PASS: pager headers, quotes, signature, messages and URLs"
