/* draw: text on the screen counted in terminal columns, not bytes. Text is
 * decoded with the locale; anything unprintable shows as '?', and a wide
 * character that would cross the edge is left out, so no subject or name a
 * server sent can move the cursor, garble a line or spill into the next. */
#include "auto-config.h"

#include <curses.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "core.h"
#include "view.h"

/* Combining marks kept on one character: enough for real text, and a
 * "zalgo" subject cannot grow the buffer without bound. */
#define DRAW_MARKS	3

static wchar_t	*draw_buffer;
static size_t	 draw_size;

static void
draw_push(size_t *n, wchar_t wc)
{
	if (*n + 1 >= draw_size) {
		draw_size = draw_size == 0 ? 256 : draw_size * 2;
		draw_buffer = xreallocarray(draw_buffer, draw_size,
		    sizeof *draw_buffer);
	}
	draw_buffer[(*n)++] = wc;
}

/* Bidirectional controls reorder what follows in some terminals. */
static int
draw_is_bidi(wchar_t wc)
{
	return (wc >= 0x200e && wc <= 0x200f) ||
	    (wc >= 0x202a && wc <= 0x202e) || (wc >= 0x2066 && wc <= 0x2069);
}

/* Decode text into draw_buffer, at most width columns; the count of wide
 * characters is returned and the columns they take in *cols. */
static size_t
draw_prepare(const char *text, int width, int *cols)
{
	mbstate_t	 state;
	wchar_t		 wc;
	size_t		 n = 0, len, k;
	int		 used = 0, w, marks = 0;

	memset(&state, 0, sizeof state);
	len = text != NULL ? strlen(text) : 0;
	while (len > 0) {
		k = mbrtowc(&wc, text, len, &state);
		if (k == (size_t)-1 || k == (size_t)-2) {
			/* Not text in this locale: one byte, shown as '?'. */
			memset(&state, 0, sizeof state);
			wc = L'?';
			k = 1;
		} else if (k == 0)
			break;
		text += k;
		len -= k;
		if (wc == L'\t' || wc == L'\n' || wc == L'\r')
			wc = L' ';
		if (draw_is_bidi(wc))
			continue;
		w = wcwidth(wc);
		if (w < 0 || !iswprint(wc)) {
			wc = L'?';
			w = 1;
		}
		if (w == 0) {
			/* A mark on the previous character, if there is one. */
			if (n == 0 || marks >= DRAW_MARKS)
				continue;
			marks++;
			draw_push(&n, wc);
			continue;
		}
		if (used + w > width)
			break;
		marks = 0;
		used += w;
		draw_push(&n, wc);
	}
	*cols = used;
	return n;
}

/* Put text at y, x in at most width columns; the columns used. */
int
draw_text(int y, int x, int width, const char *text)
{
	size_t	n;
	int	cols;

	if (y < 0 || y >= LINES || x < 0 || x >= COLS || width <= 0)
		return 0;
	if (width > COLS - x)
		width = COLS - x;
	n = draw_prepare(text, width, &cols);
	if (n > 0)
		mvaddnwstr(y, x, draw_buffer, (int)n);
	return cols;
}

/* The same, then blanks to fill the width. */
int
draw_text_padded(int y, int x, int width, const char *text)
{
	int	cols;

	if (width > COLS - x)
		width = COLS - x;
	cols = draw_text(y, x, width, text);
	draw_blank(y, x + cols, width - cols);
	return width > 0 ? width : 0;
}

void
draw_blank(int y, int x, int width)
{
	if (y < 0 || y >= LINES || x < 0 || x >= COLS || width <= 0)
		return;
	if (width > COLS - x)
		width = COLS - x;
	mvhline(y, x, ' ', width);
}

/* How many bytes of text fit in width columns (at least one character,
 * so a caller cutting text into lines always moves on). */
size_t
draw_fit(const char *text, int width)
{
	return draw_fitn(text, strlen(text), width);
}

/* The same for the first len bytes of text. */
size_t
draw_fitn(const char *text, size_t len, int width)
{
	mbstate_t	 state;
	wchar_t		 wc;
	size_t		 k, used = 0;
	int		 cols = 0, w;

	memset(&state, 0, sizeof state);
	while (used < len) {
		k = mbrtowc(&wc, text + used, len - used, &state);
		if (k == (size_t)-1 || k == (size_t)-2) {
			memset(&state, 0, sizeof state);
			wc = L'?';
			k = 1;
		} else if (k == 0)
			break;
		w = wcwidth(wc);
		if (w < 0 || !iswprint(wc))
			w = draw_is_bidi(wc) ? 0 : 1;
		if (cols + w > width && used > 0)
			break;
		cols += w;
		used += k;
	}
	return used;
}

/* The columns text takes on the screen. */
int
draw_columns(const char *text)
{
	int	cols;

	draw_prepare(text, INT_MAX, &cols);
	return cols;
}
