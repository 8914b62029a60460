/* theme: the colours and attributes each part of the screen is drawn in,
 * from the theme the config names, fitted to what the terminal can show.
 * UI process only; the views ask for an element, never for a colour. */
#ifndef SKUA_THEME_H
#define SKUA_THEME_H

#include <curses.h>

#include "theme-file.h"

struct config;

enum theme_status {
	THEME_OK,
	THEME_INVALID,
};

/*
 * Find and read the theme the config names (theme = NAME, "default" if
 * none) before the terminal is taken: $XDG_CONFIG_HOME/skua/themes/, then
 * $SKUA_THEMES_DIR if set (the tests), else the installed themes. On
 * THEME_INVALID *errors ("FILE:LINE: ..." lines, or where the theme was
 * looked for) is the caller's to print and free. A missing default.theme
 * is no error: the monochrome look is built in.
 */
enum theme_status theme_load(const struct config *, char **errors);
/* The same for a theme by name (NULL: the default). */
enum theme_status theme_load_name(const char *name, char **errors);
/* Once curses is up: load another theme and use it at once (the caller
 * redraws everything); on THEME_INVALID the one in use stays. */
enum theme_status theme_switch(const char *name, char **errors);

/* Once curses is up: colours as the terminal and NO_COLOR allow, and the
 * screen's background. */
void		theme_start(void);

/* Colours in use: 256, 16, 8, or 0 when only attributes are. */
int		theme_colors(void);

/* What to attron() for an element: its attributes and colour pair. */
attr_t		theme_attr(enum theme_element);
/* The element drawn over what under gives (the cursor over an unread
 * line): both attributes, over's colours where it has them. */
attr_t		theme_over(attr_t under, enum theme_element);

#endif
