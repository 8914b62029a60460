/* theme: the theme file found and read before the terminal is taken, then
 * fitted to the terminal: colour pairs made on demand, 256 colours brought
 * down to 16 or 8, and attributes alone where there are no colours or
 * NO_COLOR (no-color.org) asks for none. The views ask for elements. */
#include "auto-config.h"

#include <curses.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "theme.h"

/* COLOR_PAIR() keeps eight bits in an attr_t. */
#define THEME_MAX_PAIRS	256

/* The theme as read, and as fitted to this terminal. */
static struct theme_style	 theme_styles[THEME_COUNT];
static struct theme_style	 theme_fitted[THEME_COUNT];
static attr_t			 theme_attrs[THEME_COUNT];
static char			*theme_path;	/* where it came from */
static int			 theme_ncolors;
static int			 theme_default_colors;

/* Pairs made so far; pair 0 is the terminal's own colours. */
static short			 theme_pair_fg[THEME_MAX_PAIRS];
static short			 theme_pair_bg[THEME_MAX_PAIRS];
static int			 theme_npairs = 1;
static int			 theme_max_pairs;

/* The directories searched, in order; the caller frees them. */
static size_t
theme_dirs(char **dirs)
{
	const char	*env = getenv("SKUA_THEMES_DIR");
	char		*config = paths_config_file(), *slash;
	size_t		 n = 0;

	if ((slash = strrchr(config, '/')) != NULL)
		*slash = '\0';
	dirs[n++] = xasprintf("%s/themes", config);
	free(config);
	/* The tests run from the build tree, before any install. */
	dirs[n++] = xstrdup(env != NULL && *env != '\0' ? env :
	    SKUA_THEMESDIR);
	return n;
}

/* ", name" for each theme in dir, added to *list. */
static void
theme_list(const char *dir, char **list)
{
	DIR		*d;
	struct dirent	*de;
	size_t		 len;
	char		*joined;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 6 || de->d_name[0] == '.' ||
		    strcmp(de->d_name + len - 6, ".theme") != 0)
			continue;
		joined = xasprintf("%s%s%.*s", *list != NULL ? *list : "",
		    *list != NULL ? ", " : "", (int)(len - 6), de->d_name);
		free(*list);
		*list = joined;
	}
	closedir(d);
}

enum theme_status
theme_load(const struct config *config, char **errors)
{
	return theme_load_name(config != NULL ? config_theme(config) : NULL,
	    errors);
}

enum theme_status
theme_switch(const char *name, char **errors)
{
	struct theme_style	 saved[THEME_COUNT];
	char			*saved_path = theme_path != NULL ?
				    xstrdup(theme_path) : NULL;

	memcpy(saved, theme_styles, sizeof saved);
	if (theme_load_name(name, errors) != THEME_OK) {
		/* What is on the screen stays. */
		memcpy(theme_styles, saved, sizeof saved);
		free(theme_path);
		theme_path = saved_path;
		return THEME_INVALID;
	}
	free(saved_path);
	theme_start();
	return THEME_OK;
}

enum theme_status
theme_load_name(const char *name, char **errors)
{
	enum theme_file_status	 status = THEME_FILE_NOT_FOUND;
	char			*dirs[2], *path, *found = NULL, *list = NULL;
	size_t			 n, i;

	*errors = NULL;
	theme_file_defaults(theme_styles);
	free(theme_path);
	theme_path = NULL;
	n = theme_dirs(dirs);
	for (i = 0; i < n && status == THEME_FILE_NOT_FOUND; i++) {
		path = xasprintf("%s/%s.theme", dirs[i],
		    name != NULL ? name : "default");
		free(*errors);
		*errors = NULL;
		status = theme_file_load(path, theme_styles, errors);
		if (status == THEME_FILE_OK)
			found = path;
		else
			free(path);
	}
	switch (status) {
	case THEME_FILE_OK:
		theme_path = found;
		break;
	case THEME_FILE_NOT_FOUND:
		free(*errors);
		*errors = NULL;
		/* The default, not installed (a build tree): the built-in
		 * look rather than no skua at all. */
		if (name == NULL || strcmp(name, "default") == 0)
			break;
		for (i = 0; i < n; i++)
			theme_list(dirs[i], &list);
		*errors = xasprintf(_("skua: theme '%s' not found: there is "
		    "no %s.theme in %s or %s (themes there: %s)\n"), name,
		    name, dirs[0], dirs[1], list != NULL ? list : _("none"));
		free(list);
		break;
	default:
		path = *errors;
		*errors = xasprintf(_("%sskua: theme '%s' has errors; "
		    "nothing was started\n"), path,
		    name != NULL ? name : "default");
		free(path);
		break;
	}
	for (i = 0; i < n; i++)
		free(dirs[i]);
	return *errors == NULL ? THEME_OK : THEME_INVALID;
}

/* The pair for fg on bg, made if need be; 0 when out of pairs. */
static short
theme_pair(int fg, int bg)
{
	int	i;

	if (theme_ncolors == 0 ||
	    (fg == THEME_COLOR_DEFAULT && bg == THEME_COLOR_DEFAULT))
		return 0;
	for (i = 1; i < theme_npairs; i++) {
		if (theme_pair_fg[i] == fg && theme_pair_bg[i] == bg)
			return (short)i;
	}
	if (theme_npairs >= theme_max_pairs)
		return 0;
	/* Without default colours, "default" is white on black. */
	if (init_pair((short)theme_npairs,
	    (short)(fg != THEME_COLOR_DEFAULT || theme_default_colors ? fg :
	    COLOR_WHITE),
	    (short)(bg != THEME_COLOR_DEFAULT || theme_default_colors ? bg :
	    COLOR_BLACK)) != OK)
		return 0;
	theme_pair_fg[theme_npairs] = (short)fg;
	theme_pair_bg[theme_npairs] = (short)bg;
	return (short)theme_npairs++;
}

static attr_t
theme_curses_attrs(unsigned attrs)
{
	attr_t	a = A_NORMAL;

	if (attrs & THEME_ATTR_BOLD)
		a |= A_BOLD;
	if (attrs & THEME_ATTR_UNDERLINE)
		a |= A_UNDERLINE;
	if (attrs & THEME_ATTR_REVERSE)
		a |= A_REVERSE;
	if (attrs & THEME_ATTR_DIM)
		a |= A_DIM;
	if (attrs & THEME_ATTR_STANDOUT)
		a |= A_STANDOUT;
	return a;
}

/* style over the colours fg and bg, as attributes and a pair. */
static attr_t
theme_make(int fg, int bg, const struct theme_style *style, attr_t attrs)
{
	if (style->fg != THEME_COLOR_DEFAULT)
		fg = style->fg;
	if (style->bg != THEME_COLOR_DEFAULT)
		bg = style->bg;
	return (attrs & ~A_COLOR) | theme_curses_attrs(style->attrs) |
	    COLOR_PAIR(theme_pair(fg, bg));
}

void
theme_start(void)
{
	const char	*no_color = getenv("NO_COLOR");
	const struct theme_style *normal;
	int		 i;

	theme_ncolors = 0;
	theme_npairs = 1;
	if ((no_color == NULL || *no_color == '\0') && has_colors() &&
	    start_color() == OK && COLORS >= 8 && COLOR_PAIRS > 1) {
		theme_default_colors = use_default_colors() == OK;
		theme_ncolors = COLORS >= 256 ? 256 : COLORS >= 16 ? 16 : 8;
		theme_max_pairs = COLOR_PAIRS < THEME_MAX_PAIRS ?
		    COLOR_PAIRS : THEME_MAX_PAIRS;
	}
	for (i = 0; i < THEME_COUNT; i++)
		theme_fitted[i] = theme_file_fit((enum theme_element)i,
		    &theme_styles[i], theme_ncolors);
	/* Every element is drawn over normal, the screen's own look. */
	normal = &theme_fitted[THEME_NORMAL];
	for (i = 0; i < THEME_COUNT; i++)
		theme_attrs[i] = theme_make(normal->fg, normal->bg,
		    &theme_fitted[i], theme_curses_attrs(normal->attrs));
	bkgd((' ' | theme_attrs[THEME_NORMAL]));
	log_info("theme %s, %d colours%s", theme_path != NULL ? theme_path :
	    "built in", theme_ncolors, no_color != NULL && *no_color != '\0' ?
	    " (NO_COLOR)" : "");
}

int
theme_colors(void)
{
	return theme_ncolors;
}

attr_t
theme_attr(enum theme_element e)
{
	return (int)e >= 0 && e < THEME_COUNT ? theme_attrs[e] : A_NORMAL;
}

attr_t
theme_over(attr_t under, enum theme_element e)
{
	int	pair = PAIR_NUMBER(under), fg = THEME_COLOR_DEFAULT;
	int	bg = THEME_COLOR_DEFAULT;

	if ((int)e < 0 || e >= THEME_COUNT)
		return under;
	if (pair > 0 && pair < theme_npairs) {
		fg = theme_pair_fg[pair];
		bg = theme_pair_bg[pair];
	}
	return theme_make(fg, bg, &theme_fitted[e], under);
}
