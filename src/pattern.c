/* pattern: a small recursive-descent parser for mutt's pattern language
 * into a tree matched per row, or walked by a translator (imap-search).
 * Text is folded to lower case once, at parse time, so matching 100,000
 * rows is one case-insensitive substring search per text term and row. */
#include "auto-config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "pattern.h"
#include "store-mirror.h"

/* Longer patterns are refused: the tree, and so the recursion matching
 * it, stays a few thousand nodes deep at most. */
#define PATTERN_MAX_LENGTH	4096
/* The largest count in ~d and ~z, so no arithmetic below overflows. */
#define PATTERN_MAX_COUNT	1000000000LL

struct pattern_node {
	enum pattern_kind	 kind;
	char			*text;		/* ASCII folded to lower case */
	uint32_t		 flag;		/* STORE_FLAG_* */
	int64_t			 min;
	int64_t			 max;
	struct pattern_node	*left;		/* NOT's operand too */
	struct pattern_node	*right;
};

struct pattern {
	struct pattern_node	*root;
};

struct pattern_parser {
	const char	*p;		/* the next character to read */
	int64_t		 now;
	char		*error;		/* the first error, or NULL */
};

static int
pattern_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
pattern_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void
pattern_skip_space(struct pattern_parser *ps)
{
	while (pattern_is_space((unsigned char)*ps->p))
		ps->p++;
}

/* Whether a term may end here: it must not run into the next one. */
static int
pattern_at_end_of_term(const struct pattern_parser *ps)
{
	return *ps->p == '\0' || *ps->p == '|' || *ps->p == ')' ||
	    pattern_is_space((unsigned char)*ps->p);
}

/* Record the first error, with the rest of the text to show where. */
static void
pattern_fail(struct pattern_parser *ps, const char *fmt, ...)
{
	va_list	 ap;
	char	*what;

	if (ps->error != NULL)
		return;
	va_start(ap, fmt);
	what = xvasprintf(fmt, ap);
	va_end(ap);
	if (*ps->p != '\0')
		ps->error = xasprintf(_("%s, at: %s"), what, ps->p);
	else
		ps->error = xstrdup(what);
	free(what);
}

static struct pattern_node *
pattern_node_new(enum pattern_kind kind)
{
	struct pattern_node	*n = xcalloc(1, sizeof *n);

	n->kind = kind;
	return n;
}

static void
pattern_node_free(struct pattern_node *n)
{
	if (n == NULL)
		return;
	pattern_node_free(n->left);
	pattern_node_free(n->right);
	free(n->text);
	free(n);
}

static struct pattern_node *
pattern_node_pair(enum pattern_kind kind, struct pattern_node *left,
    struct pattern_node *right)
{
	struct pattern_node	*n = pattern_node_new(kind);

	n->left = left;
	n->right = right;
	return n;
}

/* A text term's argument: a word, or "..." or '...'; folded to lower
 * case. NULL (and an error) if it is missing or a quote is not closed. */
static char *
pattern_parse_text(struct pattern_parser *ps, const char *what)
{
	char		*text, *t;
	const char	*start = ps->p;
	int		 quote = 0;

	t = text = xmalloc(strlen(ps->p) + 1);
	if (*ps->p == '"' || *ps->p == '\'')
		quote = *ps->p++;
	while (*ps->p != '\0') {
		if (quote != 0 ? *ps->p == quote : pattern_at_end_of_term(ps))
			break;
		/* A backslash escapes, except inside '' (as in sh). */
		if (*ps->p == '\\' && quote != '\'' && ps->p[1] != '\0')
			ps->p++;
		*t++ = (char)pattern_lower((unsigned char)*ps->p++);
	}
	*t = '\0';
	if (quote != 0) {
		if (*ps->p != quote) {
			ps->p = start;
			pattern_fail(ps, _("a quote is not closed"));
			free(text);
			return NULL;
		}
		ps->p++;
	} else if (t == text) {
		pattern_fail(ps, _("%s needs a text"), what);
		free(text);
		return NULL;
	}
	return text;
}

/* A count: digits, at most PATTERN_MAX_COUNT; -1 if there are none. */
static long long
pattern_parse_count(struct pattern_parser *ps)
{
	long long	n = 0;

	if (*ps->p < '0' || *ps->p > '9')
		return -1;
	while (*ps->p >= '0' && *ps->p <= '9') {
		n = n * 10 + (*ps->p++ - '0');
		if (n > PATTERN_MAX_COUNT)
			return -1;
	}
	return n;
}

/* Days since 1970-01-01 of a date on the proleptic Gregorian calendar;
 * a day past the month's end rolls into the next (as mktime does). */
static int64_t
pattern_days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t	era, yoe, doy, doe;

	/* Months out of 1-12 move the year; March starts the year below so
	 * that February's length does not matter. */
	y += (m - 1 >= 0 ? (m - 1) / 12 : -((12 - m) / 12));
	m = ((m - 1) % 12 + 12) % 12 + 1;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The UTC calendar date of a day since 1970-01-01. */
static void
pattern_civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d)
{
	int64_t	era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

/* now moved back by n units: to the second for H and M; otherwise to
 * 00:00 UTC of the day n units back on the calendar (as mutt does, a
 * month ago is the same day last month), since IMAP's SINCE and BEFORE
 * know only days. */
static int64_t
pattern_ago(int64_t now, long long n, int unit)
{
	int64_t	day, y, m, d;

	if (unit == 'M')
		return now - n * 60;
	if (unit == 'H')
		return now - n * 3600;
	day = now >= 0 ? now / 86400 : -((-now + 86399) / 86400);
	pattern_civil_from_days(day, &y, &m, &d);
	switch (unit) {
	case 'y':
		y -= n > 10000 ? 10000 : n;
		break;
	case 'm':
		m -= n > 120000 ? 120000 : n;
		break;
	case 'w':
		d -= (n > 520000 ? 520000 : n) * 7;
		break;
	default:
		d -= n > 3650000 ? 3650000 : n;
		break;
	}
	return pattern_days_from_civil(y, m, d) * 86400;
}

/* ~d <Nu (within the last N units) or >Nu (before them). */
static struct pattern_node *
pattern_parse_date(struct pattern_parser *ps)
{
	struct pattern_node	*n;
	const char		*start = ps->p;
	long long		 count;
	int64_t			 then;
	int			 cmp, unit;

	cmp = *ps->p;
	if (cmp == '<' || cmp == '>') {
		ps->p++;
		if ((count = pattern_parse_count(ps)) >= 0 &&
		    *ps->p != '\0' && strchr("ymwdHM", *ps->p) != NULL) {
			unit = *ps->p++;
			if (pattern_at_end_of_term(ps))
				goto good;
		}
	}
	ps->p = start;
	pattern_fail(ps, _("~d needs <N or >N and a unit (y, m, w, d, H or "
	    "M), as in ~d <7d"));
	return NULL;
good:
	then = pattern_ago(ps->now, count, unit);
	n = pattern_node_new(unit == 'H' || unit == 'M' ? PATTERN_KIND_TIME :
	    PATTERN_KIND_DATE);
	if (cmp == '<') {
		n->min = then;
		n->max = INT64_MAX;
	} else {
		n->min = 1;
		n->max = then - 1;
	}
	return n;
}

/* A size: a count with an optional K or M; -1 if there is none. */
static long long
pattern_parse_size_value(struct pattern_parser *ps)
{
	long long	n;

	if ((n = pattern_parse_count(ps)) < 0)
		return -1;
	if (*ps->p == 'K' || *ps->p == 'k') {
		ps->p++;
		n *= 1024;
	} else if (*ps->p == 'M' || *ps->p == 'm') {
		ps->p++;
		n *= 1024 * 1024;
	}
	return n;
}

/* ~z <N, >N, N, MIN-MAX, MIN- or -MAX. */
static struct pattern_node *
pattern_parse_size(struct pattern_parser *ps)
{
	struct pattern_node	*n;
	const char		*start = ps->p;
	long long		 min = 0, max = LLONG_MAX, v;
	int			 cmp = *ps->p;

	if (cmp == '<' || cmp == '>') {
		ps->p++;
		if ((v = pattern_parse_size_value(ps)) < 0)
			goto bad;
		if (cmp == '<') {
			if (v == 0)
				goto bad;
			max = v - 1;
		} else
			min = v + 1;
	} else {
		if (*ps->p != '-' && (min = pattern_parse_size_value(ps)) < 0)
			goto bad;
		if (*ps->p == '-') {
			ps->p++;
			if (!pattern_at_end_of_term(ps) &&
			    (max = pattern_parse_size_value(ps)) < 0)
				goto bad;
			if (ps->p == start + 1)
				goto bad;	/* a lone "-" */
		} else
			max = min;
	}
	if (!pattern_at_end_of_term(ps) || min > max)
		goto bad;
	n = pattern_node_new(PATTERN_KIND_SIZE);
	n->min = min;
	n->max = max;
	return n;
bad:
	ps->p = start;
	pattern_fail(ps, _("~z needs a size: <N, >N or MIN-MAX, with K or M, "
	    "as in ~z >1M"));
	return NULL;
}

static struct pattern_node *
pattern_parse_flag(enum pattern_kind kind, uint32_t flag)
{
	struct pattern_node	*n = pattern_node_new(kind);

	n->flag = flag;
	return n;
}

/* ~X and its argument; ps->p is on the ~. */
static struct pattern_node *
pattern_parse_operator(struct pattern_parser *ps)
{
	struct pattern_node	*n;
	enum pattern_kind	 kind;
	int			 c = (unsigned char)ps->p[1];
	char			*text, what[3] = { '~', (char)c, '\0' };

	if (c < 0x21 || c > 0x7e) {
		pattern_fail(ps, _("~ needs an operator letter (~s, ~f, ~N, "
		    "...)"));
		return NULL;
	}
	ps->p += 2;
	switch (c) {
	case 'A':
		return pattern_node_new(PATTERN_KIND_ALL);
	case 'N':
	case 'U':
		return pattern_parse_flag(PATTERN_KIND_NO_FLAG,
		    STORE_FLAG_SEEN);
	case 'R':
		return pattern_parse_flag(PATTERN_KIND_FLAG, STORE_FLAG_SEEN);
	case 'F':
		return pattern_parse_flag(PATTERN_KIND_FLAG,
		    STORE_FLAG_FLAGGED);
	case 'D':
		return pattern_parse_flag(PATTERN_KIND_FLAG,
		    STORE_FLAG_DELETED);
	case 'Q':
		return pattern_parse_flag(PATTERN_KIND_FLAG,
		    STORE_FLAG_ANSWERED);
	case 'T':
		return pattern_node_new(PATTERN_KIND_TAGGED);
	case 'd':
		pattern_skip_space(ps);
		return pattern_parse_date(ps);
	case 'z':
		pattern_skip_space(ps);
		return pattern_parse_size(ps);
	case 'B':
	case 'C':
	case 'b':
	case 'c':
	case 'f':
	case 's':
	case 't':
		kind = c == 'B' ? PATTERN_KIND_MESSAGE : c == 'C' ?
		    PATTERN_KIND_TO_CC : c == 'b' ? PATTERN_KIND_BODY :
		    c == 'c' ? PATTERN_KIND_CC : c == 'f' ? PATTERN_KIND_FROM :
		    c == 's' ? PATTERN_KIND_SUBJECT : PATTERN_KIND_TO;
		pattern_skip_space(ps);
		if ((text = pattern_parse_text(ps, what)) == NULL)
			return NULL;
		n = pattern_node_new(kind);
		n->text = text;
		return n;
	}
	ps->p -= 2;
	pattern_fail(ps, _("%s: unknown operator (known: ~A ~B ~C ~D ~F ~N "
	    "~Q ~R ~T ~U ~b ~c ~d ~f ~s ~t ~z)"), what);
	return NULL;
}

static struct pattern_node *pattern_parse_or(struct pattern_parser *);

/* One term: !term, ( alternatives ), ~X, or text. */
static struct pattern_node *
pattern_parse_term(struct pattern_parser *ps)
{
	struct pattern_node	*n;
	const char		*open;
	char			*text;

	switch (*ps->p) {
	case '!':
		ps->p++;
		pattern_skip_space(ps);
		if (pattern_at_end_of_term(ps)) {
			pattern_fail(ps, _("! needs something to negate"));
			return NULL;
		}
		if ((n = pattern_parse_term(ps)) == NULL)
			return NULL;
		return pattern_node_pair(PATTERN_KIND_NOT, n, NULL);
	case '(':
		open = ps->p++;
		if ((n = pattern_parse_or(ps)) == NULL)
			return NULL;
		pattern_skip_space(ps);
		if (*ps->p != ')') {
			ps->p = open;
			pattern_fail(ps, _("a ( is not closed"));
			pattern_node_free(n);
			return NULL;
		}
		ps->p++;
		return n;
	case '~':
		return pattern_parse_operator(ps);
	}
	if ((text = pattern_parse_text(ps, _("a term"))) == NULL)
		return NULL;
	n = pattern_node_new(PATTERN_KIND_TEXT);
	n->text = text;
	return n;
}

/* Terms side by side: all must match. */
static struct pattern_node *
pattern_parse_and(struct pattern_parser *ps)
{
	struct pattern_node	*n = NULL, *term;

	for (;;) {
		pattern_skip_space(ps);
		if (*ps->p == '\0' || *ps->p == '|' || *ps->p == ')')
			break;
		if ((term = pattern_parse_term(ps)) == NULL) {
			pattern_node_free(n);
			return NULL;
		}
		n = n == NULL ? term : pattern_node_pair(PATTERN_KIND_AND, n,
		    term);
	}
	if (n == NULL)
		pattern_fail(ps, _("a term is missing"));
	return n;
}

/* Alternatives joined by |. */
static struct pattern_node *
pattern_parse_or(struct pattern_parser *ps)
{
	struct pattern_node	*n, *right;

	if ((n = pattern_parse_and(ps)) == NULL)
		return NULL;
	while (*ps->p == '|') {
		ps->p++;
		if ((right = pattern_parse_and(ps)) == NULL) {
			pattern_node_free(n);
			return NULL;
		}
		n = pattern_node_pair(PATTERN_KIND_OR, n, right);
	}
	return n;
}

/* Plain text (no ~, ! or |): the whole of it, spaces inside included,
 * is looked for in the subject and the sender, as mutt's simple search. */
static struct pattern_node *
pattern_parse_simple(const char *text)
{
	struct pattern_node	*n;
	size_t			 len, i;

	while (pattern_is_space((unsigned char)*text))
		text++;
	len = strlen(text);
	while (len > 0 && pattern_is_space((unsigned char)text[len - 1]))
		len--;
	if (len == 0 || (len == 3 && strncmp(text, "all", 3) == 0) ||
	    (len == 1 && text[0] == '.'))
		return pattern_node_new(PATTERN_KIND_ALL);
	n = pattern_node_new(PATTERN_KIND_TEXT);
	n->text = xstrndup(text, len);
	for (i = 0; i < len; i++)
		n->text[i] = (char)pattern_lower((unsigned char)n->text[i]);
	return n;
}

enum pattern_status
pattern_parse(const char *text, int64_t now, struct pattern **pattern,
    char **error)
{
	struct pattern_parser	 ps;
	struct pattern_node	*root;

	*pattern = NULL;
	*error = NULL;
	if (text == NULL)
		text = "";
	if (strlen(text) > PATTERN_MAX_LENGTH) {
		*error = xasprintf(_("the pattern is longer than %d bytes"),
		    PATTERN_MAX_LENGTH);
		return PATTERN_INVALID;
	}
	if (strpbrk(text, "~!|") == NULL)
		root = pattern_parse_simple(text);
	else {
		memset(&ps, 0, sizeof ps);
		ps.p = text;
		ps.now = now;
		root = pattern_parse_or(&ps);
		if (root != NULL && *ps.p != '\0') {
			/* Only a ) nothing opened stops the parse early. */
			pattern_fail(&ps, _("a ) closes nothing"));
			pattern_node_free(root);
			root = NULL;
		}
		if (root == NULL) {
			*error = ps.error != NULL ? ps.error :
			    xstrdup(_("bad pattern"));
			return PATTERN_INVALID;
		}
	}
	*pattern = xcalloc(1, sizeof **pattern);
	(*pattern)->root = root;
	return PATTERN_OK;
}

void
pattern_free(struct pattern *pattern)
{
	if (pattern == NULL)
		return;
	pattern_node_free(pattern->root);
	free(pattern);
}

int
pattern_is_all(const struct pattern *pattern)
{
	return pattern->root->kind == PATTERN_KIND_ALL;
}

/* Whether needle (already lower case) is in haystack, ASCII letters
 * compared without case. */
static int
pattern_contains(const char *haystack, const char *needle)
{
	const char	*h, *n;

	if (haystack == NULL)
		return 0;
	if (*needle == '\0')
		return 1;
	for (; *haystack != '\0'; haystack++) {
		if (pattern_lower((unsigned char)*haystack) !=
		    (unsigned char)*needle)
			continue;
		for (h = haystack + 1, n = needle + 1; *n != '\0' &&
		    pattern_lower((unsigned char)*h) == (unsigned char)*n;
		    h++, n++)
			;
		if (*n == '\0')
			return 1;
	}
	return 0;
}

static int
pattern_node_match(const struct pattern_node *n,
    const struct pattern_message *m)
{
	switch (n->kind) {
	case PATTERN_KIND_ALL:
		return 1;
	case PATTERN_KIND_TEXT:
		return pattern_contains(m->subject, n->text) ||
		    pattern_contains(m->from, n->text);
	case PATTERN_KIND_FROM:
		return pattern_contains(m->from, n->text);
	case PATTERN_KIND_SUBJECT:
		return pattern_contains(m->subject, n->text);
	case PATTERN_KIND_TO:
		return pattern_contains(m->to, n->text);
	case PATTERN_KIND_CC:
		return pattern_contains(m->cc, n->text);
	case PATTERN_KIND_TO_CC:
		return pattern_contains(m->to, n->text) ||
		    pattern_contains(m->cc, n->text);
	case PATTERN_KIND_BODY:
	case PATTERN_KIND_MESSAGE:
		return 0;	/* the row has no body: see pattern.h */
	case PATTERN_KIND_FLAG:
		return (m->flags & n->flag) != 0;
	case PATTERN_KIND_NO_FLAG:
		return (m->flags & n->flag) == 0;
	case PATTERN_KIND_TAGGED:
		return m->tagged != 0;
	case PATTERN_KIND_DATE:
	case PATTERN_KIND_TIME:
		/* An unknown date is neither recent nor old. */
		return m->date > 0 && m->date >= n->min && m->date <= n->max;
	case PATTERN_KIND_SIZE:
		return (int64_t)m->size >= n->min && (int64_t)m->size <= n->max;
	case PATTERN_KIND_NOT:
		return !pattern_node_match(n->left, m);
	case PATTERN_KIND_AND:
		return pattern_node_match(n->left, m) &&
		    pattern_node_match(n->right, m);
	case PATTERN_KIND_OR:
		return pattern_node_match(n->left, m) ||
		    pattern_node_match(n->right, m);
	}
	return 0;
}

int
pattern_match(const struct pattern *pattern, const struct pattern_message *m)
{
	return pattern_node_match(pattern->root, m);
}

static int
pattern_node_needs_server(const struct pattern_node *n)
{
	if (n == NULL)
		return 0;
	if (n->kind == PATTERN_KIND_BODY || n->kind == PATTERN_KIND_MESSAGE)
		return 1;
	return pattern_node_needs_server(n->left) ||
	    pattern_node_needs_server(n->right);
}

int
pattern_needs_server(const struct pattern *pattern)
{
	return pattern_node_needs_server(pattern->root);
}

const struct pattern_node *
pattern_root(const struct pattern *pattern)
{
	return pattern->root;
}

enum pattern_kind
pattern_node_kind(const struct pattern_node *n)
{
	return n->kind;
}

const char *
pattern_node_text(const struct pattern_node *n)
{
	return n->text;
}

uint32_t
pattern_node_flag(const struct pattern_node *n)
{
	return n->flag;
}

void
pattern_node_range(const struct pattern_node *n, int64_t *min, int64_t *max)
{
	*min = n->min;
	*max = n->max;
}

const struct pattern_node *
pattern_node_left(const struct pattern_node *n)
{
	return n->left;
}

const struct pattern_node *
pattern_node_right(const struct pattern_node *n)
{
	return n->right;
}
