/* mailcap: RFC 1524 says which program shows a type; the danger is in
 * building its command line. Values from a message (the type, a charset)
 * are quoted for the shell according to where the template puts them,
 * and the file is a path skua made itself, never a name a sender chose. */
#include "auto-config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "command.h"
#include "log.h"
#include "mailcap.h"
#include "mime-filename.h"
#include "paths.h"
#include "xmalloc.h"

/* A mailcap file is small; refuse what is not one. */
#define MAILCAP_FILE_MAX	(1024 * 1024)
/* A logical line (continuations joined); longer ones are skipped. */
#define MAILCAP_LINE_MAX	8192
#define MAILCAP_ENTRIES_MAX	10000
#define MAILCAP_FIELDS_MAX	64
/* How long a test= command may take. */
#define MAILCAP_TEST_MS		3000
/* The longest file name mailcap_file_name makes. */
#define MAILCAP_NAME_MAX	200
#define MAILCAP_PARAM_MAX	64

struct mailcap_entry {
	char	*type;		/* lowercase "text/html", "text/ *" */
	char	*view;		/* the command, backslash escapes kept */
	char	*test;		/* or NULL */
	char	*nametemplate;	/* or NULL */
	char	*where;		/* "FILE:LINE" */
	int	 flags;		/* MAILCAP_* */
	int	 tested;	/* a test without escapes: 1 passed, -1 not */
};

struct mailcap {
	struct mailcap_entry	*entries;
	size_t			 n;
};

/* A growing string. */
struct mailcap_buf {
	char	*s;
	size_t	 len;
	size_t	 size;
};

static void
mailcap_buf_add(struct mailcap_buf *b, const char *s, size_t len)
{
	if (b->len + len + 1 > b->size) {
		b->size = (b->len + len + 1) * 2;
		b->s = xreallocarray(b->s, b->size, 1);
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

static void
mailcap_buf_addc(struct mailcap_buf *b, char c)
{
	mailcap_buf_add(b, &c, 1);
}

/* The buffer's string; never NULL, the caller frees. */
static char *
mailcap_buf_take(struct mailcap_buf *b)
{
	if (b->s == NULL)
		return xstrdup("");
	return b->s;
}

struct mailcap *
mailcap_new(void)
{
	return xcalloc(1, sizeof (struct mailcap));
}

void
mailcap_free(struct mailcap *mc)
{
	size_t	i;

	if (mc == NULL)
		return;
	for (i = 0; i < mc->n; i++) {
		free(mc->entries[i].type);
		free(mc->entries[i].view);
		free(mc->entries[i].test);
		free(mc->entries[i].nametemplate);
		free(mc->entries[i].where);
	}
	free(mc->entries);
	free(mc);
}

size_t
mailcap_count(const struct mailcap *mc)
{
	return mc->n;
}

/* --- parsing -------------------------------------------------------- */

/* A character of an RFC 2045 token. */
static int
mailcap_is_token(int c)
{
	return isalnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`{|}~", c) !=
	    NULL);
}

/* "Text/HTML" as "text/html", "text" as "text/ *"; NULL if it is not a
 * type at all. */
static char *
mailcap_parse_type(const char *s)
{
	const char	*slash = strchr(s, '/'), *p;
	char		*type, *t;

	if (*s == '\0' || *s == '/')
		return NULL;
	for (p = s; *p != '\0'; p++) {
		if (p != slash && !mailcap_is_token((unsigned char)*p))
			return NULL;
	}
	if (slash == NULL)
		type = xasprintf("%s/*", s);
	else if (slash[1] == '\0')
		return NULL;
	else
		type = xstrdup(s);
	for (t = type; *t != '\0'; t++)
		*t = (char)tolower((unsigned char)*t);
	return type;
}

/* Blanks off both ends, in place. */
static char *
mailcap_trim(char *s)
{
	char	*end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r' || end[-1] == '\n'))
		*--end = '\0';
	return s;
}

/* RFC 1524's backslash: the next character as it is. */
static char *
mailcap_unescape(const char *s)
{
	char	*out = xmalloc(strlen(s) + 1), *o = out;

	for (; *s != '\0'; s++) {
		if (*s == '\\' && s[1] != '\0')
			s++;
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* One logical line: an entry, a comment, or something skipped. */
static void
mailcap_line(struct mailcap *mc, const char *name, int lineno, char *line)
{
	struct mailcap_entry	 e;
	char			*fields[MAILCAP_FIELDS_MAX], *p, *key, *value;
	char			*eq;
	size_t			 n = 0, i;

	line = mailcap_trim(line);
	if (*line == '\0' || *line == '#')
		return;
	/* Fields end at a ';' that no backslash escapes. */
	fields[n++] = line;
	for (p = line; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == ';') {
			*p = '\0';
			if (n == MAILCAP_FIELDS_MAX)
				break;
			fields[n++] = p + 1;
		}
	}
	if (n < 2 || mc->n >= MAILCAP_ENTRIES_MAX)
		goto bad;
	memset(&e, 0, sizeof e);
	if ((e.type = mailcap_parse_type(mailcap_trim(fields[0]))) == NULL)
		goto bad;
	if (*(value = mailcap_trim(fields[1])) == '\0') {
		free(e.type);
		goto bad;
	}
	e.view = xstrdup(value);
	for (i = 2; i < n; i++) {
		key = mailcap_trim(fields[i]);
		value = NULL;
		if ((eq = strchr(key, '=')) != NULL) {
			*eq = '\0';
			value = mailcap_trim(eq + 1);
			key = mailcap_trim(key);
		}
		if (strcasecmp(key, "copiousoutput") == 0)
			e.flags |= MAILCAP_COPIOUSOUTPUT;
		else if (strcasecmp(key, "needsterminal") == 0)
			e.flags |= MAILCAP_NEEDSTERMINAL;
		else if (strcasecmp(key, "test") == 0 && value != NULL &&
		    *value != '\0' && e.test == NULL)
			e.test = xstrdup(value);
		else if (strcasecmp(key, "nametemplate") == 0 &&
		    value != NULL && e.nametemplate == NULL)
			e.nametemplate = mailcap_unescape(value);
		/* description=, print=, edit= and the rest: not used. */
	}
	e.where = xasprintf("%s:%d", name, lineno);
	mc->entries = xreallocarray(mc->entries, mc->n + 1,
	    sizeof *mc->entries);
	mc->entries[mc->n++] = e;
	return;
bad:
	log_debug("%s: %s:%d: not a mailcap entry; skipped", __func__, name,
	    lineno);
}

void
mailcap_parse(struct mailcap *mc, const char *name, const char *text,
    size_t len)
{
	struct mailcap_buf	 line;
	const char		*p = text, *end = text + len, *nl;
	size_t			 plen;
	int			 lineno = 0, first = 0, too_long = 0, more;

	memset(&line, 0, sizeof line);
	mailcap_buf_add(&line, "", 0);
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		lineno++;
		if (first == 0)
			first = lineno;
		plen = (size_t)(nl - p);
		if (plen > 0 && p[plen - 1] == '\r')
			plen--;
		/* A backslash at the end joins the next line. */
		more = plen > 0 && p[plen - 1] == '\\';
		if (more)
			plen--;
		if (line.len + plen > MAILCAP_LINE_MAX ||
		    memchr(p, '\0', plen) != NULL)
			too_long = 1;
		else if (!too_long)
			mailcap_buf_add(&line, p, plen);
		p = nl < end ? nl + 1 : end;
		if (more && p < end)
			continue;
		if (!too_long)
			mailcap_line(mc, name, first, line.s);
		else
			log_debug("%s: %s:%d: too long or binary; skipped",
			    __func__, name, first);
		line.len = 0;
		line.s[0] = '\0';
		first = too_long = 0;
	}
	free(line.s);
}

/* A file of the search path, if it is one; errors only logged. */
static void
mailcap_read(struct mailcap *mc, const char *path)
{
	struct stat	 sb;
	char		*text;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno != ENOENT)
			log_debug("%s: %s: %s", __func__, path,
			    strerror(errno));
		return;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > MAILCAP_FILE_MAX) {
		log_warn("%s: %s: not a regular file of at most 1 MiB; "
		    "skipped", __func__, path);
		close(fd);
		return;
	}
	text = xmalloc((size_t)sb.st_size + 1);
	while (len < (size_t)sb.st_size) {
		n = read(fd, text + len, (size_t)sb.st_size - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	mailcap_parse(mc, path, text, len);
	free(text);
}

char *
mailcap_path(void)
{
	const char	*env = getenv("MAILCAPS");
	char		*config, *slash, *path;

	if (env != NULL && *env != '\0')
		return xstrdup(env);
	/* Beside skua's config file: a mailcap for skua alone. */
	config = paths_config_file();
	if ((slash = strrchr(config, '/')) != NULL)
		*slash = '\0';
	path = xasprintf("%s/mailcap:~/.mailcap:/etc/mailcap:"
	    "/usr/etc/mailcap:/usr/local/etc/mailcap", config);
	free(config);
	return path;
}

struct mailcap *
mailcap_load(const char *path)
{
	struct mailcap	*mc = mailcap_new();
	const char	*home = getenv("HOME");
	char		*list, *item, *next, *file;

	list = path != NULL ? xstrdup(path) : mailcap_path();
	for (item = list; item != NULL; item = next) {
		if ((next = strchr(item, ':')) != NULL)
			*next++ = '\0';
		if (*item == '\0')
			continue;
		if (strncmp(item, "~/", 2) == 0) {
			if (home == NULL || *home == '\0')
				continue;
			file = xasprintf("%s/%s", home, item + 2);
		} else
			file = xstrdup(item);
		mailcap_read(mc, file);
		free(file);
	}
	free(list);
	return mc;
}

/* --- commands ------------------------------------------------------- */

/*
 * Where the shell would read the next character of a command: outside
 * quotes, in '...', in "..." or in a comment. Once `...`, $(...), ${...}
 * or a here-document appears, their nesting is not followed: unsafe is
 * set and every later value is reduced to plain characters.
 */
struct mailcap_shell {
	enum {
		MAILCAP_SHELL_PLAIN,
		MAILCAP_SHELL_SINGLE,
		MAILCAP_SHELL_DOUBLE,
		MAILCAP_SHELL_COMMENT,
	}	 state;
	int	 escaped;	/* after a backslash that quotes */
	int	 unsafe;
	char	 last;		/* the previous character; 0 at the start */
};

static int
mailcap_shell_word_start(char last)
{
	return last == '\0' || strchr(" \t\n;&|()<>", last) != NULL;
}

/* A character of the template, as the shell will see it. */
static void
mailcap_shell_feed(struct mailcap_shell *sh, char c)
{
	int	nested = c == '`' || (sh->last == '$' && (c == '(' ||
		    c == '{'));

	if (sh->escaped) {
		sh->escaped = 0;
		sh->last = 'a';		/* not a word start, not '$' */
		return;
	}
	switch (sh->state) {
	case MAILCAP_SHELL_COMMENT:
		if (c == '\n')
			sh->state = MAILCAP_SHELL_PLAIN;
		break;
	case MAILCAP_SHELL_SINGLE:
		if (c == '\'')
			sh->state = MAILCAP_SHELL_PLAIN;
		break;
	case MAILCAP_SHELL_DOUBLE:
		if (c == '\\')
			sh->escaped = 1;
		else if (c == '"')
			sh->state = MAILCAP_SHELL_PLAIN;
		else if (nested)
			sh->unsafe = 1;
		break;
	case MAILCAP_SHELL_PLAIN:
		if (c == '\\')
			sh->escaped = 1;
		else if (c == '\'')
			sh->state = MAILCAP_SHELL_SINGLE;
		else if (c == '"')
			sh->state = MAILCAP_SHELL_DOUBLE;
		else if (c == '#' && mailcap_shell_word_start(sh->last))
			sh->state = MAILCAP_SHELL_COMMENT;
		else if (nested || (sh->last == '<' && c == '<'))
			sh->unsafe = 1;
		break;
	}
	sh->last = c;
}

static void
mailcap_put(struct mailcap_buf *b, struct mailcap_shell *sh, char c)
{
	mailcap_buf_addc(b, c);
	mailcap_shell_feed(sh, c);
}

/* A value from outside, so the command gets it as one literal word. */
static void
mailcap_put_value(struct mailcap_buf *b, struct mailcap_shell *sh,
    const char *v, size_t len)
{
	const unsigned char	*u = (const unsigned char *)v;
	size_t			 i;
	char			 one[2] = { 0, 0 };

	/* After a '$', bash would read $'...' with escapes of its own. */
	if (sh->state == MAILCAP_SHELL_PLAIN && !sh->unsafe && !sh->escaped &&
	    sh->last != '$') {
		mailcap_buf_addc(b, '\'');
		for (i = 0; i < len; i++) {
			if (u[i] == '\'')
				mailcap_buf_add(b, "'\\''", 4);
			else if (u[i] < 0x20 || u[i] == 0x7f)
				mailcap_buf_addc(b, '_');
			else
				mailcap_buf_addc(b, (char)u[i]);
		}
		mailcap_buf_addc(b, '\'');
	} else {
		/* In quotes the template chose, or where nesting makes
		 * quoting uncertain: only what no quoting changes. */
		for (i = 0; i < len; i++) {
			one[0] = (char)u[i];
			mailcap_buf_addc(b, u[i] < 0x80 &&
			    command_is_plain(one) ? (char)u[i] : '_');
		}
	}
	sh->escaped = 0;
	sh->last = 'a';
}

/* The type without parameters, lowercase, for %t; the caller frees. */
static char *
mailcap_bare_type(const char *type)
{
	char	*t, *p;

	t = xstrndup(type != NULL ? type : "", type != NULL ?
	    strcspn(type, ";") : 0);
	p = mailcap_trim(t);
	memmove(t, p, strlen(p) + 1);
	for (p = t; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return t;
}

static const char *
mailcap_param(const struct mailcap_subst *s, const char *name)
{
	size_t	i;

	for (i = 0; i < s->nparams; i++) {
		if (s->params[i].name != NULL &&
		    strcasecmp(s->params[i].name, name) == 0)
			return s->params[i].value != NULL ?
			    s->params[i].value : "";
	}
	return "";
}

char *
mailcap_expand(const char *template, const struct mailcap_subst *s,
    int *used_file)
{
	struct mailcap_buf	 b;
	struct mailcap_shell	 sh;
	const char		*p, *close, *v;
	char			*type, *name;
	size_t			 n;

	memset(&b, 0, sizeof b);
	memset(&sh, 0, sizeof sh);
	if (used_file != NULL)
		*used_file = 0;
	type = mailcap_bare_type(s->type);
	for (p = template; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			mailcap_put(&b, &sh, *++p);
			continue;
		}
		if (*p != '%' || p[1] == '\0') {
			mailcap_put(&b, &sh, *p);
			continue;
		}
		switch (p[1]) {
		case 's':
			v = s->file != NULL ? s->file : "";
			mailcap_put_value(&b, &sh, v, strlen(v));
			if (used_file != NULL)
				*used_file = 1;
			p++;
			break;
		case 't':
			mailcap_put_value(&b, &sh, type, strlen(type));
			p++;
			break;
		case '%':
			mailcap_put(&b, &sh, '%');
			p++;
			break;
		case '{':
			close = strchr(p + 2, '}');
			n = close != NULL ? (size_t)(close - (p + 2)) : 0;
			if (close == NULL || n == 0 || n > MAILCAP_PARAM_MAX) {
				mailcap_put(&b, &sh, *p);
				break;
			}
			name = xstrndup(p + 2, n);
			v = mailcap_param(s, name);
			mailcap_put_value(&b, &sh, v, strlen(v));
			free(name);
			p = close;
			break;
		default:
			/* %n, %F (multipart) and the unknown: as they are. */
			mailcap_put(&b, &sh, *p);
			break;
		}
	}
	free(type);
	return mailcap_buf_take(&b);
}

char *
mailcap_command(const struct mailcap_entry *e, const struct mailcap_subst *s,
    int *on_stdin)
{
	char	*command;
	int	 used_file;

	command = mailcap_expand(e->view, s, &used_file);
	if (on_stdin != NULL)
		*on_stdin = !used_file;
	return command;
}

/* --- lookup --------------------------------------------------------- */

static int
mailcap_matches(const char *entry, const char *want)
{
	const char	*es = strchr(entry, '/'), *ws = strchr(want, '/');
	size_t		 major = (size_t)(es - entry);

	if (ws == NULL)
		ws = want + strlen(want);
	if ((size_t)(ws - want) != major || strncmp(entry, want, major) != 0)
		return 0;
	if (strcmp(es + 1, "*") == 0)
		return 1;
	return *ws == '/' && strcmp(es + 1, ws + 1) == 0;
}

/* Whether the entry's test= (if any) passes. */
static int
mailcap_test(struct mailcap_entry *e, const struct mailcap_subst *s)
{
	struct command_result	 r;
	enum command_status	 status;
	char			*command, *error = NULL;
	int			 used_file, ok;

	if (e->test == NULL)
		return 1;
	if (e->tested != 0)
		return e->tested > 0;
	command = mailcap_expand(e->test, s, &used_file);
	if (used_file && s->file == NULL) {
		free(command);
		return 0;
	}
	status = command_run(command, NULL, 0, 0, MAILCAP_TEST_MS, &r,
	    &error);
	ok = status == COMMAND_OK && r.exit_status == 0;
	log_debug("%s: %s: test %s: %s", __func__, e->where, command,
	    ok ? "passed" : status == COMMAND_TIMEOUT ? "timed out" :
	    status == COMMAND_ERROR ? error : "failed");
	command_result_clear(&r);
	free(error);
	free(command);
	/* Only a test that depends on nothing of the message is kept. */
	if (strchr(e->test, '%') == NULL)
		e->tested = ok ? 1 : -1;
	return ok;
}

const struct mailcap_entry *
mailcap_find(struct mailcap *mc, enum mailcap_use use,
    const struct mailcap_subst *s)
{
	struct mailcap_entry	*e;
	char			*want;
	size_t			 i;
	int			 pass, copious;

	want = mailcap_bare_type(s->type);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < mc->n; i++) {
			e = &mc->entries[i];
			copious = (e->flags & MAILCAP_COPIOUSOUTPUT) != 0;
			/* For text, copiousoutput only; to view, entries
			 * without it first. */
			if (use == MAILCAP_TEXT ? !copious || pass == 1 :
			    copious != pass)
				continue;
			if (!mailcap_matches(e->type, want) ||
			    !mailcap_test(e, s))
				continue;
			free(want);
			return e;
		}
	}
	free(want);
	return NULL;
}

const char *
mailcap_entry_type(const struct mailcap_entry *e)
{
	return e->type;
}

const char *
mailcap_entry_view(const struct mailcap_entry *e)
{
	return e->view;
}

int
mailcap_entry_flags(const struct mailcap_entry *e)
{
	return e->flags;
}

const char *
mailcap_entry_where(const struct mailcap_entry *e)
{
	return e->where;
}

/* --- file names ----------------------------------------------------- */

/* s with every byte but [A-Za-z0-9._+-] as '_' (one per character). */
static char *
mailcap_plain_name(const char *s, size_t len)
{
	char	*out = xmalloc(len + 1), *o = out;
	size_t	 i;
	int	 c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x80 && c < 0xc0)
			continue;	/* the rest of a UTF-8 character */
		if (isalnum(c) && c < 0x80)
			*o++ = (char)c;
		else if (c != '\0' && strchr("._+-", c) != NULL)
			*o++ = (char)c;
		else
			*o++ = '_';
	}
	*o = '\0';
	return out;
}

char *
mailcap_file_name(const struct mailcap_entry *e, const char *name)
{
	const char	*template = e != NULL ? e->nametemplate : NULL, *at;
	char		*safe, *base, *prefix, *suffix, *out;
	size_t		 blen, slen, room;

	safe = mime_filename_safe(name);
	base = mailcap_plain_name(safe, strlen(safe));
	free(safe);
	if (template == NULL || (at = strstr(template, "%s")) == NULL) {
		prefix = xstrdup("");
		suffix = xstrdup("");
	} else {
		prefix = mailcap_plain_name(template, (size_t)(at - template));
		suffix = mailcap_plain_name(at + 2, strlen(at + 2));
	}
	/* "page.html" stays so under "%s.html". */
	blen = strlen(base);
	slen = strlen(suffix);
	if (slen > 0 && blen >= slen &&
	    strcasecmp(base + blen - slen, suffix) == 0)
		*suffix = '\0';
	if (strlen(prefix) + strlen(suffix) > MAILCAP_NAME_MAX / 2) {
		prefix[0] = '\0';
		suffix[0] = '\0';
	}
	room = MAILCAP_NAME_MAX - strlen(prefix) - strlen(suffix);
	if (blen > room) {
		/* Keep the end: it holds the extension viewers go by. */
		memmove(base, base + blen - room, room + 1);
	}
	out = xasprintf("%s%s%s", prefix, base, suffix);
	free(prefix);
	free(suffix);
	free(base);
	return out;
}
