/* theme-file: a colour theme's text ("ELEMENT = FG [BG] [ATTR...]" lines)
 * read into one style per part of the screen, and the colour arithmetic
 * that fits a theme to a terminal with fewer colours. No curses: any
 * process may call it, and the unit tests do. */
#ifndef SKUA_THEME_FILE_H
#define SKUA_THEME_FILE_H

#include <stddef.h>

/* A colour is 0-255 (the xterm numbering), or this: the terminal's own. */
#define THEME_COLOR_DEFAULT	(-1)

/* Attributes, as bits: curses's own values stay in ui/theme.c. */
#define THEME_ATTR_BOLD		0x01
#define THEME_ATTR_UNDERLINE	0x02
#define THEME_ATTR_REVERSE	0x04
#define THEME_ATTR_DIM		0x08
#define THEME_ATTR_STANDOUT	0x10

/* The parts of the screen a theme styles; names in theme-file.c's table
 * ("index.cursor"), documented in themes/README and skua-config(5). */
enum theme_element {
	THEME_NORMAL,		/* the screen's background and plain text */
	THEME_STATUS,
	THEME_MESSAGE,
	THEME_ERROR,
	THEME_PROMPT,
	THEME_HELP,
	THEME_HELP_TITLE,
	THEME_SIDEBAR,
	THEME_SIDEBAR_ACCOUNT,
	THEME_SIDEBAR_CURSOR,
	THEME_SIDEBAR_CURSOR_UNFOCUSED,
	THEME_SIDEBAR_UNREAD,
	THEME_SIDEBAR_OPEN,
	THEME_SIDEBAR_NOSELECT,
	THEME_SIDEBAR_INFO,
	THEME_SIDEBAR_OFFLINE,
	THEME_SIDEBAR_BORDER,
	THEME_INDEX,
	THEME_INDEX_TITLE,
	THEME_INDEX_CURSOR,
	THEME_INDEX_CURSOR_UNFOCUSED,
	THEME_INDEX_UNREAD,
	THEME_INDEX_FLAGGED,
	THEME_INDEX_DELETED,
	THEME_INDEX_TAGGED,
	THEME_INDEX_TREE,
	THEME_PAGER,
	THEME_PAGER_HEADER,
	THEME_PAGER_HEADER_NAME,
	THEME_PAGER_QUOTE1,	/* deeper levels cycle through the four */
	THEME_PAGER_QUOTE2,
	THEME_PAGER_QUOTE3,
	THEME_PAGER_QUOTE4,
	THEME_PAGER_SIGNATURE,
	THEME_PAGER_NOTE,	/* "[-- ... --]" */
	THEME_PAGER_ATTACHMENT,
	THEME_PAGER_URL,
	THEME_ATTACH_TITLE,
	THEME_ATTACH_CURSOR,
	THEME_COUNT
};
#define THEME_PAGER_QUOTES	4

/* How one element is drawn. */
struct theme_style {
	int		fg;		/* 0-255 or THEME_COLOR_DEFAULT */
	int		bg;
	unsigned	attrs;		/* THEME_ATTR_* */
};

enum theme_file_status {
	THEME_FILE_OK,
	THEME_FILE_NOT_FOUND,	/* no such file */
	THEME_FILE_IO_ERROR,	/* could not read it */
	THEME_FILE_INVALID,	/* one or more lines are wrong */
};

/* The monochrome look (attributes only): what a theme starts from, so an
 * element a file leaves out keeps it. styles has THEME_COUNT entries. */
void		 theme_file_defaults(struct theme_style *styles);

/*
 * Parse text over styles (already filled, usually by theme_file_defaults).
 * On THEME_FILE_INVALID styles may be half changed, and *errors (if not
 * NULL) receives every problem, one "NAME:LINE: what is wrong" a line; the
 * caller frees it. name is used in the messages.
 */
enum theme_file_status theme_file_parse(const char *name, const char *text,
		     size_t len, struct theme_style *styles, char **errors);
/* The same for the file at path; NOT_FOUND and IO_ERROR also explain
 * themselves in *errors. */
enum theme_file_status theme_file_load(const char *path,
		     struct theme_style *styles, char **errors);

/* An element's name in theme files, and back (-1: no such element). */
const char	*theme_file_element_name(enum theme_element);
int		 theme_file_element_find(const char *name);

/* The colour nearest to color (0-255) that a terminal with ncolors shows:
 * the same on 256, one of the first 16 or 8 on fewer, and
 * THEME_COLOR_DEFAULT (none) below 8 colours or for the default itself. */
int		 theme_file_color_reduce(int color, int ncolors);

/*
 * The style element e gets on a terminal with ncolors (0: attributes
 * only, for NO_COLOR, TERM=vt100 and the like). Where colours are lost
 * (none at all, or fg and bg fall on the same one) the element keeps the
 * difference with the monochrome look's attributes added to its own.
 */
struct theme_style theme_file_fit(enum theme_element e,
		     const struct theme_style *style, int ncolors);

#endif
