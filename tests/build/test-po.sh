#!/bin/bash
# test-po: the German catalogue is complete for the current sources. The
# template is made afresh into a temporary directory, with po/Makevars'
# options, as "make -C po skua.pot-update" makes it (the tree is not
# touched); po/de.po is merged with it, and each message left untranslated
# or fuzzy is named. msgfmt -c must accept the result (format strings
# agree), and every source file that marks strings must be in
# po/POTFILES.in, or its strings would never reach the template.
# To fix a failure: translate the strings named in po/de.po (or run
# "make -C po update-po" first to merge the new template into it).
set -uo pipefail

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# entries FILE: the entries of a .po file but its header, for a report.
entries() {
	awk 'done { print; next } /^$/ { done = 1 }' "$1" | sed 's/^/    /'
}

for tool in xgettext msgmerge msgfmt msgattrib; do
	if ! command -v "$tool" >/dev/null; then
		echo "ERROR: $tool not found: install the Debian package" \
		    "gettext (scripts/deps)" >&2
		exit 99
	fi
done

cd "$srcdir" || exit 99

# Every file that marks a string is listed, and every listed file exists.
listed=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' po/POTFILES.in)
for f in src/*.c ui/*.c; do
	if grep -Eq '(^|[^[:alnum:]_])(_|N_|ngettext)\(' "$f" &&
	    ! grep -qx "$f" <<<"$listed"; then
		fail "$f marks strings for translation but is not in" \
		    "po/POTFILES.in"
	fi
done
for f in $listed; do
	[ -f "$f" ] || fail "po/POTFILES.in lists $f, which does not exist"
done

# The template, as po/Makefile makes it.
options=$(sed -n 's/^XGETTEXT_OPTIONS *= *//p' po/Makevars)
# shellcheck disable=SC2086 # the options are words
if ! xgettext --default-domain=skua --directory=. \
    --add-comments=TRANSLATORS: --files-from=po/POTFILES.in \
    --package-name=skua $options -o "$work/skua.pot" 2>"$work/xgettext.err"
then
	cat "$work/xgettext.err" >&2
	fail "xgettext could not make the template"
	exit 1
fi
count=$(msgattrib --no-obsolete "$work/skua.pot" | grep -c '^msgid ')
echo "ok: the template has $((count - 1)) messages"

# Each language in po/LINGUAS, and German at least.
languages=$(sed -e 's/#.*//' po/LINGUAS)
grep -qw de <<<"$languages" || fail "po/LINGUAS does not list de"
for lang in $languages; do
	po=po/$lang.po
	if [ ! -f "$po" ]; then
		fail "po/LINGUAS lists $lang, but $po does not exist"
		continue
	fi
	if ! msgmerge --quiet --lang="$lang" -o "$work/$lang.po" "$po" \
	    "$work/skua.pot" 2>"$work/msgmerge.err"; then
		cat "$work/msgmerge.err" >&2
		fail "$po: msgmerge failed"
		continue
	fi
	msgattrib --untranslated --no-obsolete -o "$work/untranslated.po" \
	    "$work/$lang.po"
	msgattrib --only-fuzzy --no-obsolete -o "$work/fuzzy.po" \
	    "$work/$lang.po"
	if [ -s "$work/untranslated.po" ]; then
		fail "$po: these messages are not translated:"
		entries "$work/untranslated.po" >&2
	fi
	if [ -s "$work/fuzzy.po" ]; then
		fail "$po: these translations are fuzzy (check them, then" \
		    "remove the fuzzy flag):"
		entries "$work/fuzzy.po" >&2
	fi
	if ! msgfmt -c --statistics -o "$work/$lang.mo" "$work/$lang.po" \
	    2>"$work/msgfmt.out"; then
		fail "$po: msgfmt -c refuses it:"
		sed 's/^/    /' "$work/msgfmt.out" >&2
		continue
	fi
	echo "ok: $po: $(cat "$work/msgfmt.out")"
done

exit $((failures != 0))
