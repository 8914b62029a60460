/* theme-file: a colour theme's text read into one style per part of the
 * screen, and colours fitted to terminals with fewer of them. The parser
 * is as strict as the configuration's: a wrong line is an error naming
 * the file and line, so a typo never silently loses a colour. */
#include "auto-config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "intl.h"
#include "theme-file.h"
#include "xmalloc.h"

#define THEME_FILE_MAX_SIZE	(1024 * 1024)
#define THEME_FILE_MAX_ERRORS	20

/* Each element's name and its monochrome look, in enum order. The look is
 * what skua had before themes: reverse for cursors and the status bar,
 * bold for what is new, dim for what matters less. */
static const struct {
	const char	*name;
	unsigned	 mono;
} theme_file_elements[THEME_COUNT] = {
	[THEME_NORMAL] = { "normal", 0 },
	[THEME_STATUS] = { "status", THEME_ATTR_REVERSE },
	[THEME_MESSAGE] = { "message", 0 },
	[THEME_ERROR] = { "error", THEME_ATTR_BOLD },
	[THEME_PROMPT] = { "prompt", THEME_ATTR_BOLD },
	[THEME_HELP] = { "help", 0 },
	[THEME_HELP_TITLE] = { "help.title", THEME_ATTR_BOLD },
	[THEME_SIDEBAR] = { "sidebar", 0 },
	[THEME_SIDEBAR_ACCOUNT] = { "sidebar.account", THEME_ATTR_BOLD },
	[THEME_SIDEBAR_CURSOR] = { "sidebar.cursor", THEME_ATTR_REVERSE },
	[THEME_SIDEBAR_CURSOR_UNFOCUSED] = { "sidebar.cursor.unfocused",
	    THEME_ATTR_UNDERLINE },
	[THEME_SIDEBAR_UNREAD] = { "sidebar.unread", 0 },
	[THEME_SIDEBAR_OPEN] = { "sidebar.open", THEME_ATTR_BOLD },
	[THEME_SIDEBAR_NOSELECT] = { "sidebar.noselect", THEME_ATTR_DIM },
	[THEME_SIDEBAR_INFO] = { "sidebar.info", THEME_ATTR_DIM },
	[THEME_SIDEBAR_OFFLINE] = { "sidebar.offline", 0 },
	[THEME_SIDEBAR_BORDER] = { "sidebar.border", 0 },
	[THEME_INDEX] = { "index", 0 },
	[THEME_INDEX_TITLE] = { "index.title", THEME_ATTR_BOLD },
	[THEME_INDEX_CURSOR] = { "index.cursor", THEME_ATTR_REVERSE },
	[THEME_INDEX_CURSOR_UNFOCUSED] = { "index.cursor.unfocused",
	    THEME_ATTR_UNDERLINE },
	[THEME_INDEX_UNREAD] = { "index.unread", THEME_ATTR_BOLD },
	[THEME_INDEX_FLAGGED] = { "index.flagged", 0 },
	[THEME_INDEX_DELETED] = { "index.deleted", THEME_ATTR_DIM },
	[THEME_INDEX_TAGGED] = { "index.tagged", 0 },
	[THEME_INDEX_TREE] = { "index.tree", 0 },
	[THEME_PAGER] = { "pager", 0 },
	[THEME_PAGER_HEADER] = { "pager.header", 0 },
	[THEME_PAGER_HEADER_NAME] = { "pager.header.name", THEME_ATTR_BOLD },
	[THEME_PAGER_QUOTE1] = { "pager.quote1", THEME_ATTR_DIM },
	[THEME_PAGER_QUOTE2] = { "pager.quote2", THEME_ATTR_DIM },
	[THEME_PAGER_QUOTE3] = { "pager.quote3", THEME_ATTR_DIM },
	[THEME_PAGER_QUOTE4] = { "pager.quote4", THEME_ATTR_DIM },
	[THEME_PAGER_SIGNATURE] = { "pager.signature", THEME_ATTR_DIM },
	[THEME_PAGER_NOTE] = { "pager.note", THEME_ATTR_BOLD },
	[THEME_PAGER_ATTACHMENT] = { "pager.attachment", THEME_ATTR_BOLD },
	[THEME_PAGER_URL] = { "pager.url", THEME_ATTR_UNDERLINE },
	[THEME_ATTACH_TITLE] = { "attach.title", THEME_ATTR_BOLD },
	[THEME_ATTACH_CURSOR] = { "attach.cursor", THEME_ATTR_REVERSE },
};

static const char * const theme_file_colors[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

static const struct {
	const char	*name;
	unsigned	 bit;
} theme_file_attrs[] = {
	{ "bold", THEME_ATTR_BOLD },
	{ "underline", THEME_ATTR_UNDERLINE },
	{ "reverse", THEME_ATTR_REVERSE },
	{ "dim", THEME_ATTR_DIM },
	{ "standout", THEME_ATTR_STANDOUT },
};

/* xterm's first sixteen colours: what 8-15 are on a terminal of eight. */
static const unsigned char theme_file_basic[16][3] = {
	{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
	{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 },
	{ 127, 127, 127 }, { 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 },
	{ 92, 92, 255 }, { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
};

struct theme_file_parser {
	const char	*name;
	int		 line;
	int		 seen[THEME_COUNT];	/* line an element was set on */
	char		*errors;
	int		 nerrors;
};

static void	theme_file_error(struct theme_file_parser *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
theme_file_error(struct theme_file_parser *p, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	config_errors_add(&p->errors, &p->nerrors, THEME_FILE_MAX_ERRORS,
	    p->name, p->line, msg);
	free(msg);
}

void
theme_file_defaults(struct theme_style *styles)
{
	int	i;

	for (i = 0; i < THEME_COUNT; i++) {
		styles[i].fg = styles[i].bg = THEME_COLOR_DEFAULT;
		styles[i].attrs = theme_file_elements[i].mono;
	}
}

const char *
theme_file_element_name(enum theme_element e)
{
	return (int)e >= 0 && e < THEME_COUNT ? theme_file_elements[e].name :
	    NULL;
}

int
theme_file_element_find(const char *name)
{
	int	i;

	for (i = 0; name != NULL && i < THEME_COUNT; i++) {
		if (strcasecmp(name, theme_file_elements[i].name) == 0)
			return i;
	}
	return -1;
}

/* The element nearest to a misspelt name, or NULL if none is close. */
static const char *
theme_file_element_nearest(const char *name)
{
	size_t	d, best_d = (size_t)-1, limit;
	int	i, best = 0;

	limit = strlen(name) / 4 + 1;
	for (i = 0; i < THEME_COUNT; i++) {
		d = config_distance(name, theme_file_elements[i].name);
		if (d < best_d) {
			best_d = d;
			best = i;
		}
	}
	return best_d <= limit ? theme_file_elements[best].name : NULL;
}

/* A colour word: a name, "brightNAME", "colorN" or "colourN", or a number
 * 0-255; -2 when it is none of them. */
static int
theme_file_color(const char *word)
{
	const char	*digits = word;
	char		*end;
	long		 n;
	size_t		 i;

	if (strcasecmp(word, "default") == 0)
		return THEME_COLOR_DEFAULT;
	for (i = 0; i < 8; i++) {
		if (strcasecmp(word, theme_file_colors[i]) == 0)
			return (int)i;
		if (strncasecmp(word, "bright", 6) == 0 &&
		    strcasecmp(word + 6, theme_file_colors[i]) == 0)
			return (int)i + 8;
	}
	if (strncasecmp(word, "colour", 6) == 0)
		digits = word + 6;
	else if (strncasecmp(word, "color", 5) == 0)
		digits = word + 5;
	if (!isdigit((unsigned char)*digits) || strlen(digits) > 3)
		return -2;
	errno = 0;
	n = strtol(digits, &end, 10);
	if (*end != '\0' || errno != 0 || n > 255)
		return -2;
	return (int)n;
}

static int
theme_file_attr(const char *word, unsigned *bit)
{
	size_t	i;

	for (i = 0; i < sizeof theme_file_attrs / sizeof theme_file_attrs[0];
	    i++) {
		if (strcasecmp(word, theme_file_attrs[i].name) == 0) {
			*bit = theme_file_attrs[i].bit;
			return 0;
		}
	}
	return -1;
}

static char *
theme_file_trim(char *s)
{
	char	*end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* "ELEMENT = FG [BG] [ATTR...]": the style replaces the element's. */
static void
theme_file_line(struct theme_file_parser *p, char *line,
    struct theme_style *styles)
{
	struct theme_style	 style;
	const char		*nearest;
	char			*eq, *name, *word, *save = NULL;
	unsigned		 bit;
	int			 e, color, words = 0;

	if ((eq = strchr(line, '#')) != NULL)
		*eq = '\0';
	line = theme_file_trim(line);
	if (*line == '\0')
		return;
	if ((eq = strchr(line, '=')) == NULL) {
		theme_file_error(p, _("expected ELEMENT = FG [BG] [ATTR...]"));
		return;
	}
	*eq = '\0';
	name = theme_file_trim(line);
	if ((e = theme_file_element_find(name)) == -1) {
		nearest = *name != '\0' ? theme_file_element_nearest(name) :
		    NULL;
		if (nearest != NULL)
			theme_file_error(p, _("unknown element '%s'; did you "
			    "mean '%s'?"), name, nearest);
		else
			theme_file_error(p, _("unknown element '%s' (see "
			    "skua-config(5) for the list)"), name);
		return;
	}
	if (p->seen[e] != 0) {
		theme_file_error(p, _("%s is set twice (first on line %d)"),
		    theme_file_elements[e].name, p->seen[e]);
		return;
	}
	p->seen[e] = p->line;
	style.fg = style.bg = THEME_COLOR_DEFAULT;
	style.attrs = 0;
	for (word = strtok_r(eq + 1, " \t", &save); word != NULL;
	    word = strtok_r(NULL, " \t", &save), words++) {
		color = theme_file_color(word);
		if (words == 0 && color == -2) {
			theme_file_error(p, _("%s: '%s' is not a colour "
			    "(default, black, red, green, yellow, blue, "
			    "magenta, cyan, white, bright..., or 0-255)"),
			    theme_file_elements[e].name, word);
			return;
		}
		if (words == 0) {
			style.fg = color;
			continue;
		}
		if (words == 1 && color != -2) {
			style.bg = color;
			continue;
		}
		if (theme_file_attr(word, &bit) == -1) {
			theme_file_error(p, _("%s: '%s' is not %s"),
			    theme_file_elements[e].name, word, words == 1 ?
			    _("a colour or an attribute (bold, underline, "
			    "reverse, dim, standout)") :
			    _("an attribute (bold, underline, reverse, dim, "
			    "standout)"));
			return;
		}
		style.attrs |= bit;
	}
	if (words == 0) {
		theme_file_error(p, _("%s needs a colour (default for the "
		    "terminal's own)"), theme_file_elements[e].name);
		return;
	}
	styles[e] = style;
}

enum theme_file_status
theme_file_parse(const char *name, const char *text, size_t len,
    struct theme_style *styles, char **errors)
{
	struct theme_file_parser	 p;
	const char			*end = text + len, *nl;
	char				*line;

	memset(&p, 0, sizeof p);
	p.name = name;
	if (errors != NULL)
		*errors = NULL;
	while (text != NULL && text < end) {
		p.line++;
		if ((nl = memchr(text, '\n', (size_t)(end - text))) == NULL)
			nl = end;
		line = xstrndup(text, (size_t)(nl - text));
		if (strlen(line) != (size_t)(nl - text))
			theme_file_error(&p, _("a NUL byte: this is not a "
			    "text file"));
		else
			theme_file_line(&p, line, styles);
		free(line);
		text = nl + 1;
	}
	if (p.nerrors == 0)
		return THEME_FILE_OK;
	if (errors != NULL)
		*errors = p.errors;
	else
		free(p.errors);
	return THEME_FILE_INVALID;
}

enum theme_file_status
theme_file_load(const char *path, struct theme_style *styles, char **errors)
{
	struct stat		 sb;
	enum theme_file_status	 status;
	char			*text;
	ssize_t			 n;
	size_t			 len = 0;
	int			 fd;

	if (errors != NULL)
		*errors = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errors != NULL)
			*errors = xasprintf("%s: %s\n", path, strerror(errno));
		return errno == ENOENT ? THEME_FILE_NOT_FOUND :
		    THEME_FILE_IO_ERROR;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > THEME_FILE_MAX_SIZE) {
		if (errors != NULL)
			*errors = xasprintf(_("%s: not a regular file of at "
			    "most 1 MiB\n"), path);
		close(fd);
		return THEME_FILE_IO_ERROR;
	}
	text = xmalloc((size_t)sb.st_size + 1);
	while (len < (size_t)sb.st_size &&
	    (n = read(fd, text + len, (size_t)sb.st_size - len)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errors != NULL)
				*errors = xasprintf("%s: %s\n", path,
				    strerror(errno));
			free(text);
			close(fd);
			return THEME_FILE_IO_ERROR;
		}
		len += (size_t)n;
	}
	close(fd);
	status = theme_file_parse(path, text, len, styles, errors);
	free(text);
	return status;
}

/* A colour of the 256 as red, green and blue, as xterm shows it. */
static void
theme_file_rgb(int color, int rgb[3])
{
	static const int	levels[6] = { 0, 95, 135, 175, 215, 255 };
	int			i;

	if (color < 16) {
		for (i = 0; i < 3; i++)
			rgb[i] = theme_file_basic[color][i];
	} else if (color < 232) {
		color -= 16;
		rgb[0] = levels[color / 36];
		rgb[1] = levels[(color / 6) % 6];
		rgb[2] = levels[color % 6];
	} else
		rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (color - 232);
}

/* The basic colour a grey of the given lightness is nearest to, among
 * black, bright black, white and bright white (or black and white). */
static int
theme_file_grey(int level, int n)
{
	/* On eight colours any but the darkest is white: a dark grey as
	 * black text would vanish on the usual black background. */
	if (n < 16)
		return level < 0x40 ? 0 : 7;
	if (level < 64)
		return 0;
	if (level < 178)
		return 8;
	return level < 242 ? 7 : 15;
}

/*
 * Down to the basic colours by hue, not by distance in RGB: the nearest
 * of red, yellow, green, cyan, blue and magenta, bright when light or
 * vivid (on 16 colours); colours too pale to have a hue are greys.
 * Distance would send a salmon error line or a light green to grey, and
 * lose what it meant.
 */
int
theme_file_color_reduce(int color, int ncolors)
{
	static const int	hues[6] = { 0, 60, 120, 180, 240, 300 };
	static const int	basic[6] = { 1, 3, 2, 6, 4, 5 };
	int			rgb[3], max, min, hue, d, i, n, best = 0;
	int			best_d = 360;

	if (color < 0 || color > 255 || ncolors < 8)
		return THEME_COLOR_DEFAULT;
	if (ncolors >= 256)
		return color;
	/* Up to 16 colours are the basic ones; a terminal with 88 has its
	 * own cube, so only the first 16 are taken as they are. */
	n = ncolors >= 16 ? 16 : 8;
	if (color < n)
		return color;
	theme_file_rgb(color, rgb);
	max = min = rgb[0];
	for (i = 1; i < 3; i++) {
		if (rgb[i] > max)
			max = rgb[i];
		if (rgb[i] < min)
			min = rgb[i];
	}
	if (max - min < 48)
		return theme_file_grey((max + min) / 2, n);
	if (max == rgb[0])
		hue = 60 * (rgb[1] - rgb[2]) / (max - min);
	else if (max == rgb[1])
		hue = 120 + 60 * (rgb[2] - rgb[0]) / (max - min);
	else
		hue = 240 + 60 * (rgb[0] - rgb[1]) / (max - min);
	if (hue < 0)
		hue += 360;
	for (i = 0; i < 6; i++) {
		d = hue > hues[i] ? hue - hues[i] : hues[i] - hue;
		if (d > 180)
			d = 360 - d;
		if (d < best_d) {
			best_d = d;
			best = i;
		}
	}
	return basic[best] + (n >= 16 && (max >= 0xf0 ||
	    (max + min) / 2 >= 0x90) ? 8 : 0);
}

struct theme_style
theme_file_fit(enum theme_element e, const struct theme_style *style,
    int ncolors)
{
	struct theme_style	fit = *style;
	int			colored;

	colored = style->fg != THEME_COLOR_DEFAULT ||
	    style->bg != THEME_COLOR_DEFAULT;
	fit.fg = theme_file_color_reduce(style->fg, ncolors);
	fit.bg = theme_file_color_reduce(style->bg, ncolors);
	/* Text the colour of its background would vanish. */
	if (fit.fg != THEME_COLOR_DEFAULT && fit.fg == fit.bg &&
	    style->fg != style->bg)
		fit.fg = fit.bg = THEME_COLOR_DEFAULT;
	if (colored && fit.fg == THEME_COLOR_DEFAULT &&
	    fit.bg == THEME_COLOR_DEFAULT && (int)e >= 0 && e < THEME_COUNT)
		fit.attrs |= theme_file_elements[e].mono;
	return fit;
}
