/* config: parse the INI-like configuration file, check every value against
 * config-table.c, and collect all errors with file and line at once. */
#include "auto-config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "config-table.h"
#include "config-values.h"
#include "intl.h"
#include "xmalloc.h"

/* More than this many errors means the wrong file: stop listing. */
#define CONFIG_MAX_ERRORS	20
/* A configuration file is small; refuse something that is not one. */
#define CONFIG_MAX_SIZE		(1024 * 1024)

struct config {
	char			 *file;
	struct config_values	  values;
	struct config_account	**accounts;
	size_t			  naccounts;
	struct config_binding	 *bindings;
	size_t			  nbindings;
	char			 *warnings;
};

/* Parser state: the current section and the errors so far. */
struct config_parser {
	struct config		 *config;
	const char		 *name;
	int			  line;
	enum { SECTION_GLOBAL, SECTION_ACCOUNT, SECTION_BIND, SECTION_BAD }
				  section;
	struct config_account	 *account;
	char			 *bind_view;
	unsigned char		  seen[64];	/* keys set in this section */
	char			 *errors;
	int			  nerrors;
};

static void	config_error(struct config_parser *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
config_error(struct config_parser *p, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	config_errors_add(&p->errors, &p->nerrors, CONFIG_MAX_ERRORS, p->name,
	    p->line, msg);
	free(msg);
}

void
config_errors_add(char **errors, int *nerrors, int max, const char *name,
    int line, const char *msg)
{
	char	*joined;

	if (++*nerrors > max)
		return;
	if (*nerrors == max)
		joined = xasprintf(_("%s%s: too many errors, stopping\n"),
		    *errors != NULL ? *errors : "", name);
	else
		joined = xasprintf("%s%s:%d: %s\n",
		    *errors != NULL ? *errors : "", name, line, msg);
	free(*errors);
	*errors = joined;
}

size_t
config_distance(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j, *row, prev, tmp, d;

	row = xcalloc(lb + 1, sizeof *row);
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			d = prev + (tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]));
			if (row[j] + 1 < d)
				d = row[j] + 1;
			if (row[j - 1] + 1 < d)
				d = row[j - 1] + 1;
			row[j] = d;
			prev = tmp;
		}
	}
	d = row[lb];
	free(row);
	return d;
}

static char *
config_trim(char *s)
{
	char	*end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* A value may be "quoted" to keep spaces or a leading #; \" and \\ escape. */
static char *
config_unquote(struct config_parser *p, const char *value)
{
	char	*out, *o;

	if (*value != '"')
		return xstrdup(value);
	out = o = xmalloc(strlen(value) + 1);
	for (value++; *value != '"'; value++) {
		if (*value == '\0') {
			config_error(p, _("missing closing quote"));
			free(out);
			return NULL;
		}
		if (*value == '\\' && (value[1] == '"' || value[1] == '\\'))
			value++;
		*o++ = *value;
	}
	*o = '\0';
	if (*config_trim((char *)value + 1) != '\0') {
		config_error(p, _("text after the closing quote"));
		free(out);
		return NULL;
	}
	return out;
}

/* Account names become directory names: keep them tame. */
static int
config_is_name(const char *s)
{
	if (*s == '\0' || *s == '.' || strlen(s) > 64)
		return 0;
	for (; *s != '\0'; s++) {
		if (!isalnum((unsigned char)*s) && strchr("._-", *s) == NULL)
			return 0;
	}
	return 1;
}

static int
config_parse_bool(const char *value, int *out)
{
	static const char *yes[] = { "yes", "true", "on", "1", NULL };
	static const char *no[] = { "no", "false", "off", "0", NULL };
	int	i;

	for (i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(value, yes[i]) == 0)
			return (*out = 1);
	}
	for (i = 0; no[i] != NULL; i++) {
		if (strcasecmp(value, no[i]) == 0) {
			*out = 0;
			return 1;
		}
	}
	return 0;
}

/* "sha256:" then 32 bytes in hex, optionally with colons between bytes. */
static char *
config_parse_fingerprint(const char *value)
{
	char	 hex[65];
	size_t	 n = 0;

	if (strncasecmp(value, "sha256:", 7) != 0)
		return NULL;
	for (value += 7; *value != '\0'; value++) {
		if (*value == ':')
			continue;
		if (!isxdigit((unsigned char)*value) || n == 64)
			return NULL;
		hex[n++] = tolower((unsigned char)*value);
	}
	if (n != 64)
		return NULL;
	hex[n] = '\0';
	return xasprintf("sha256:%s", hex);
}

static char *
config_choices(const char * const *choices)
{
	char	*s = xstrdup(""), *t;
	int	 i;

	for (i = 0; choices[i] != NULL; i++) {
		t = xasprintf("%s%s%s", s, i == 0 ? "" : (choices[i + 1] == NULL ?
		    _(" or ") : ", "), choices[i]);
		free(s);
		s = t;
	}
	return s;
}

/* Store one checked value through the table's offset. */
static void
config_set(struct config_parser *p, void *base,
    const struct config_table_key *key, const char *value)
{
	char		*end, *s;
	long		 n;
	int		 i, b;

	switch (key->type) {
	case CONFIG_TABLE_STRING:
		if (*value == '\0') {
			config_error(p, _("%s needs a value (%s)"), key->name,
			    _(key->help));
			return;
		}
		*(char **)((char *)base + key->offset) = xstrdup(value);
		return;
	case CONFIG_TABLE_NAME:
		if (!config_is_name(value)) {
			config_error(p, _("%s: '%s' is not %s (letters, digits, "
			    "'.', '-' and '_')"), key->name, value,
			    _(key->help));
			return;
		}
		*(char **)((char *)base + key->offset) = xstrdup(value);
		return;
	case CONFIG_TABLE_INT:
		errno = 0;
		n = strtol(value, &end, 10);
		if (*value == '\0' || *end != '\0' || errno != 0 ||
		    n < key->min || n > key->max) {
			config_error(p, _("%s: '%s' is not %s from %d to %d"),
			    key->name, value, _(key->help), key->min,
			    key->max);
			return;
		}
		*(int *)((char *)base + key->offset) = (int)n;
		return;
	case CONFIG_TABLE_BOOL:
		if (!config_parse_bool(value, &b)) {
			config_error(p, _("%s: '%s' is not yes or no"),
			    key->name, value);
			return;
		}
		*(int *)((char *)base + key->offset) = b;
		return;
	case CONFIG_TABLE_ENUM:
		for (i = 0; key->choices[i] != NULL; i++) {
			if (strcasecmp(value, key->choices[i]) == 0) {
				*(int *)((char *)base + key->offset) = i;
				return;
			}
		}
		s = config_choices(key->choices);
		config_error(p, _("%s: '%s' is not one of %s"), key->name,
		    value, s);
		free(s);
		return;
	case CONFIG_TABLE_FINGERPRINT:
		if ((s = config_parse_fingerprint(value)) == NULL) {
			config_error(p, _("%s: expected sha256: and 64 hex "
			    "digits, as 'openssl x509 -noout -fingerprint "
			    "-sha256' prints them"), key->name);
			return;
		}
		*(char **)((char *)base + key->offset) = s;
		return;
	}
}

static void
config_account_free(struct config_account *a)
{
	if (a == NULL)
		return;
	free(a->name);
	free(a->host);
	free(a->user);
	free(a->password_command);
	free(a->password);
	free(a->oauth2_token_command);
	free(a->tls_ca_file);
	free(a->tls_fingerprint);
	free(a->maildir);
	free(a->from);
	free(a->alternates);
	free(a->smtp_host);
	free(a->smtp_user);
	free(a->smtp_password_command);
	free(a->sendmail_command);
	free(a->signature);
	free(a);
}

/* The POP3 deletion options: only for POP3, and agreeing. Leaving mail on
 * the server for a while implies not deleting it at once. */
static void
config_account_pop3(struct config_parser *p, struct config_account *a)
{
	int	later = a->pop3_delete_after_days > 0 ||
		    a->pop3_delete_when_deleted_locally;

	if (a->protocol != CONFIG_PROTOCOL_POP3 && (a->pop3_delete != -1 ||
	    later))
		config_error(p, _("account %s: the pop3_delete options are for "
		    "POP3 accounts"), a->name);
	else if (a->pop3_delete == 1 && later)
		config_error(p, _("account %s: pop3_delete = yes deletes mail "
		    "from the server at once; set pop3_delete = no to keep it "
		    "there for pop3_delete_after_days or until "
		    "pop3_delete_when_deleted_locally"), a->name);
	if (a->pop3_delete == -1)
		a->pop3_delete = !later;
}

/* The sending options' defaults: the identity and the SMTP login come from
 * the account's own, so one user and password_command serve both. */
static void
config_account_send(struct config_account *a)
{
	if (a->from == NULL && a->user != NULL && strchr(a->user, '@') != NULL)
		a->from = xstrdup(a->user);
	if (a->smtp_user == NULL && a->user != NULL)
		a->smtp_user = xstrdup(a->user);
	if (a->smtp_password_command == NULL && a->password_command != NULL)
		a->smtp_password_command = xstrdup(a->password_command);
	if (a->smtp_port == 0)
		a->smtp_port = a->smtp_tls == CONFIG_TLS_IMPLICIT ? 465 :
		    a->smtp_tls == CONFIG_TLS_STARTTLS ? 587 : 25;
}

/* Check a finished account section and fill in defaults. */
static void
config_account_finish(struct config_parser *p)
{
	struct config_account	*a = p->account;
	int			 saved = p->line;

	if (a == NULL)
		return;
	p->line = a->line;
	if (!p->seen[config_table_find(CONFIG_TABLE_ACCOUNT, "protocol") -
	    config_table_keys])
		config_error(p, _("account %s: protocol is missing (imap or "
		    "pop3)"), a->name);
	if (a->host == NULL)
		config_error(p, _("account %s: host is missing"), a->name);
	if (a->user == NULL)
		config_error(p, _("account %s: user is missing"), a->name);
	if (a->port == 0) {
		if (a->protocol == CONFIG_PROTOCOL_IMAP)
			a->port = a->tls == CONFIG_TLS_IMPLICIT ? 993 : 143;
		else
			a->port = a->tls == CONFIG_TLS_IMPLICIT ? 995 : 110;
	}
	if (a->password != NULL && a->password_command != NULL)
		config_error(p, _("account %s: set password or "
		    "password_command, not both"), a->name);
	config_account_pop3(p, a);
	config_account_send(a);
	p->line = saved;
	p->account = NULL;
}

static void
config_section(struct config_parser *p, char *text)
{
	struct config	*c = p->config;
	char		*kind, *name;
	size_t		 i;

	config_account_finish(p);
	free(p->bind_view);
	p->bind_view = NULL;
	memset(p->seen, 0, sizeof p->seen);
	p->section = SECTION_BAD;

	kind = config_trim(text);
	name = kind + strcspn(kind, " \t");
	if (*name != '\0')
		*name++ = '\0';
	name = config_trim(name);

	if (strcmp(kind, "account") == 0) {
		if (!config_is_name(name)) {
			config_error(p, _("[account NAME] needs a name of "
			    "letters, digits, '.', '-' and '_'"));
			return;
		}
		for (i = 0; i < c->naccounts; i++) {
			if (strcmp(c->accounts[i]->name, name) == 0) {
				config_error(p, _("account %s is already "
				    "defined on line %d"), name,
				    c->accounts[i]->line);
				return;
			}
		}
		p->account = xcalloc(1, sizeof *p->account);
		p->account->name = xstrdup(name);
		p->account->download_confirm_mb = 10;
		p->account->delete_to_trash = 1;
		p->account->idle = 1;
		p->account->pop3_delete = -1;	/* config_account_finish */
		p->account->smtp_tls = CONFIG_TLS_STARTTLS;
		p->account->save_sent = 1;
		p->account->line = p->line;
		c->accounts = xreallocarray(c->accounts, c->naccounts + 1,
		    sizeof *c->accounts);
		c->accounts[c->naccounts++] = p->account;
		p->section = SECTION_ACCOUNT;
	} else if (strcmp(kind, "bind") == 0) {
		if (*name == '\0' || strchr(name, ' ') != NULL) {
			config_error(p, _("[bind VIEW] needs one view name"));
			return;
		}
		p->bind_view = xstrdup(name);
		p->section = SECTION_BIND;
	} else if (config_distance(kind, "account") <= 2)
		config_error(p, _("unknown section [%s]; did you mean "
		    "[account %s]?"), kind, *name ? name : "NAME");
	else if (config_distance(kind, "bind") <= 1)
		config_error(p, _("unknown section [%s]; did you mean "
		    "[bind %s]?"), kind, *name ? name : "VIEW");
	else
		config_error(p, _("unknown section [%s]; expected "
		    "[account NAME] or [bind VIEW]"), kind);
}

static void
config_key(struct config_parser *p, const char *name, const char *value)
{
	const struct config_table_key	*key, *near;
	enum config_table_section	 section;
	void				*base;
	struct config_binding		*b;
	struct config			*c = p->config;

	if (p->section == SECTION_BAD)
		return;	/* the section line already got an error */
	if (p->section == SECTION_BIND) {
		c->bindings = xreallocarray(c->bindings, c->nbindings + 1,
		    sizeof *c->bindings);
		b = &c->bindings[c->nbindings++];
		b->view = xstrdup(p->bind_view);
		b->key = xstrdup(name);
		b->action = xstrdup(value);
		b->line = p->line;
		return;
	}
	section = p->section == SECTION_ACCOUNT ? CONFIG_TABLE_ACCOUNT :
	    CONFIG_TABLE_GLOBAL;
	base = p->section == SECTION_ACCOUNT ? (void *)p->account :
	    (void *)&c->values;
	if ((key = config_table_find(section, name)) == NULL) {
		if ((key = config_table_find(!section, name)) != NULL)
			config_error(p, section == CONFIG_TABLE_GLOBAL ?
			    _("%s belongs in an [account NAME] section") :
			    _("%s is a global option: put it before the "
			    "first section"), name);
		else if ((near = config_table_nearest(name)) != NULL)
			config_error(p, _("unknown option '%s'; did you mean "
			    "'%s'?"), name, near->name);
		else
			config_error(p, _("unknown option '%s' (see "
			    "skua-config(5))"), name);
		return;
	}
	if (p->seen[key - config_table_keys]) {
		config_error(p, _("%s is set twice in this section"), name);
		return;
	}
	p->seen[key - config_table_keys] = 1;
	config_set(p, base, key, value);
}

static void
config_line(struct config_parser *p, char *line)
{
	char	*eq, *name, *value, *close;

	line = config_trim(line);
	if (*line == '\0' || *line == '#' || *line == ';')
		return;
	if (*line == '[') {
		if ((close = strchr(line, ']')) == NULL ||
		    *config_trim(close + 1) != '\0') {
			config_error(p, _("a section line looks like "
			    "[account NAME] or [bind VIEW]"));
			p->section = SECTION_BAD;
			config_account_finish(p);
			return;
		}
		*close = '\0';
		config_section(p, line + 1);
		return;
	}
	if ((eq = strchr(line, '=')) == NULL) {
		config_error(p, _("expected KEY = VALUE, a [section] or a "
		    "# comment"));
		return;
	}
	*eq = '\0';
	name = config_trim(line);
	if (*name == '\0') {
		config_error(p, _("a key is missing before '='"));
		return;
	}
	if ((value = config_unquote(p, config_trim(eq + 1))) == NULL)
		return;
	config_key(p, name, value);
	free(value);
}

enum config_status
config_parse(const char *name, const char *text, size_t len,
    struct config **out, char **errors)
{
	struct config_parser	 p;
	struct config		*c;
	const char		*end = text + len, *nl;
	char			*line;

	c = xcalloc(1, sizeof *c);
	c->file = xstrdup(name);
	c->values.sidebar_width = 28;
	c->values.check_interval = 60;
	c->values.sort = CONFIG_SORT_DATE;
	memset(&p, 0, sizeof p);
	p.config = c;
	p.name = name;
	p.section = SECTION_GLOBAL;

	while (text < end) {
		p.line++;
		if ((nl = memchr(text, '\n', end - text)) == NULL)
			nl = end;
		line = xstrndup(text, nl - text);
		if (strlen(line) != (size_t)(nl - text))
			config_error(&p, _("a NUL byte: this is not a text "
			    "file"));
		else
			config_line(&p, line);
		free(line);
		text = nl + 1;
	}
	config_account_finish(&p);
	free(p.bind_view);

	if (p.nerrors != 0) {
		if (errors != NULL)
			*errors = p.errors;
		else
			free(p.errors);
		config_free(c);
		*out = NULL;
		return CONFIG_INVALID;
	}
	*out = c;
	return CONFIG_OK;
}

/* A password in a file that group or others can read deserves a warning. */
static void
config_check_mode(struct config *c, int fd)
{
	struct stat	sb;
	size_t		i;

	if (fstat(fd, &sb) == -1 || (sb.st_mode & 044) == 0)
		return;
	for (i = 0; i < c->naccounts; i++) {
		if (c->accounts[i]->password != NULL) {
			c->warnings = xasprintf(_("%s: holds a password and "
			    "others can read it; run chmod 600 %s, or use "
			    "password_command"), c->file, c->file);
			return;
		}
	}
}

enum config_status
config_load(const char *path, struct config **out, char **errors)
{
	struct stat		 sb;
	enum config_status	 status;
	char			*text;
	ssize_t			 n;
	size_t			 len = 0;
	int			 fd;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errors != NULL)
			*errors = xasprintf("%s: %s\n", path, strerror(errno));
		return errno == ENOENT ? CONFIG_NOT_FOUND : CONFIG_IO_ERROR;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > CONFIG_MAX_SIZE) {
		if (errors != NULL)
			*errors = xasprintf(_("%s: not a regular file of at "
			    "most 1 MiB\n"), path);
		close(fd);
		return CONFIG_IO_ERROR;
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
			return CONFIG_IO_ERROR;
		}
		len += n;
	}
	status = config_parse(path, text, len, out, errors);
	free(text);
	if (status == CONFIG_OK)
		config_check_mode(*out, fd);
	close(fd);
	return status;
}

void
config_free(struct config *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->naccounts; i++)
		config_account_free(c->accounts[i]);
	free(c->accounts);
	for (i = 0; i < c->nbindings; i++) {
		free(c->bindings[i].view);
		free(c->bindings[i].key);
		free(c->bindings[i].action);
	}
	free(c->bindings);
	free(c->warnings);
	free(c->values.html_command);
	free(c->values.theme);
	free(c->values.pager_headers);
	free(c->values.url_command);
	free(c->values.editor);
	free(c->file);
	free(c);
}

const char *
config_warnings(const struct config *c)
{
	return c->warnings;
}

const char *
config_file(const struct config *c)
{
	return c->file;
}

size_t
config_account_count(const struct config *c)
{
	return c->naccounts;
}

const struct config_account *
config_account(const struct config *c, size_t i)
{
	return i < c->naccounts ? c->accounts[i] : NULL;
}

const struct config_account *
config_account_find(const struct config *c, const char *name)
{
	size_t	i;

	for (i = 0; i < c->naccounts; i++) {
		if (strcmp(c->accounts[i]->name, name) == 0)
			return c->accounts[i];
	}
	return NULL;
}

size_t
config_binding_count(const struct config *c)
{
	return c->nbindings;
}

const struct config_binding *
config_binding(const struct config *c, size_t i)
{
	return i < c->nbindings ? &c->bindings[i] : NULL;
}

int
config_sidebar_width(const struct config *c)
{
	return c->values.sidebar_width;
}

int
config_check_interval(const struct config *c)
{
	return c->values.check_interval;
}

enum config_sort
config_sort(const struct config *c, int *reverse)
{
	/* The table lists every order, then every order reversed. */
	*reverse = c->values.sort >= CONFIG_SORT_COUNT;
	return (enum config_sort)(c->values.sort % CONFIG_SORT_COUNT);
}

int
config_sort_threads_first(const struct config *c)
{
	return c->values.sort_threads == 1;
}

const char *
config_html_command(const struct config *c)
{
	return c->values.html_command;
}

int
config_prefer_html(const struct config *c)
{
	return c->values.prefer_html;
}

const char *
config_theme(const struct config *c)
{
	return c->values.theme;
}

const char *
config_pager_headers(const struct config *c)
{
	return c->values.pager_headers != NULL ? c->values.pager_headers :
	    CONFIG_PAGER_HEADERS_DEFAULT;
}

const char *
config_url_command(const struct config *c)
{
	return c->values.url_command;
}

const char *
config_editor(const struct config *c)
{
	return c->values.editor;
}

const char *
config_protocol_name(enum config_protocol protocol)
{
	return protocol == CONFIG_PROTOCOL_IMAP ? "imap" : "pop3";
}

const char *
config_tls_name(enum config_tls tls)
{
	switch (tls) {
	case CONFIG_TLS_IMPLICIT:
		return "implicit";
	case CONFIG_TLS_STARTTLS:
		return "starttls";
	case CONFIG_TLS_NONE:
		break;
	}
	return "none";
}
