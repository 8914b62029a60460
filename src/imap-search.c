/* imap-search: a pattern's tree walked into libetpan's search keys, one
 * node for one key, then UID SEARCH; and the same keys written out as
 * IMAP text, since libetpan keeps its own writer private. */
#include "auto-config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "imap-search.h"
#include "imap-session.h"
#include "log.h"
#include "pattern.h"
#include "store-mirror.h"
#include "xmalloc.h"

/* The days an IMAP date is given for: 1-Jan-1970 (a row dated before has
 * no date, so SINCE then is SINCE ever) to 31-Dec-9999 (4 digits). */
#define IMAP_SEARCH_DAY_MIN	0LL
#define IMAP_SEARCH_DAY_MAX	253402214400LL

/* IMAP text being written (imap_search_text). */
struct imap_search_buffer {
	char	*data;
	size_t	 len;
	size_t	 size;
};

static struct mailimap_search_key *imap_search_key(const struct pattern_node *);

static struct mailimap_search_key *
imap_search_checked(struct mailimap_search_key *key)
{
	if (key == NULL)
		fatal("out of memory");
	return key;
}

/* A key without an argument (SEEN, UNSEEN, ...). */
static struct mailimap_search_key *
imap_search_key_plain(int type)
{
	return imap_search_checked(mailimap_search_key_new(type, NULL, NULL,
	    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL));
}

/* A copy of text for a key, or NULL if it cannot travel as a quoted
 * string (libetpan would send CR or LF inside one and break the command;
 * other controls have no business in a search either). */
static char *
imap_search_string(const char *text)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return NULL;
	}
	return xstrdup(text);
}

/* A text key: type is MAILIMAP_SEARCH_KEY_FROM, SUBJECT, ... */
static struct mailimap_search_key *
imap_search_key_text(int type, const char *text)
{
	char	*s;

	if ((s = imap_search_string(text)) == NULL)
		return NULL;
	switch (type) {
	case MAILIMAP_SEARCH_KEY_FROM:
		return imap_search_checked(mailimap_search_key_new_from(s));
	case MAILIMAP_SEARCH_KEY_SUBJECT:
		return imap_search_checked(mailimap_search_key_new_subject(s));
	case MAILIMAP_SEARCH_KEY_TO:
		return imap_search_checked(mailimap_search_key_new_to(s));
	case MAILIMAP_SEARCH_KEY_CC:
		return imap_search_checked(mailimap_search_key_new_cc(s));
	case MAILIMAP_SEARCH_KEY_BODY:
		return imap_search_checked(mailimap_search_key_new_body(s));
	case MAILIMAP_SEARCH_KEY_TEXT:
		return imap_search_checked(mailimap_search_key_new_text(s));
	}
	fatal("%s: key type %d", __func__, type);
}

/* OR of two text keys on the same text: plain text, ~C. */
static struct mailimap_search_key *
imap_search_key_either(int type1, int type2, const char *text)
{
	struct mailimap_search_key	*k1, *k2;

	if ((k1 = imap_search_key_text(type1, text)) == NULL)
		return NULL;
	k2 = imap_search_key_text(type2, text);
	return imap_search_checked(mailimap_search_key_new_or(k1, k2));
}

/* A flag set or clear; NULL for a flag IMAP has no search key for. */
static struct mailimap_search_key *
imap_search_key_flag(uint32_t flag, int set)
{
	switch (flag) {
	case STORE_FLAG_SEEN:
		return imap_search_key_plain(set ? MAILIMAP_SEARCH_KEY_SEEN :
		    MAILIMAP_SEARCH_KEY_UNSEEN);
	case STORE_FLAG_ANSWERED:
		return imap_search_key_plain(set ?
		    MAILIMAP_SEARCH_KEY_ANSWERED :
		    MAILIMAP_SEARCH_KEY_UNANSWERED);
	case STORE_FLAG_FLAGGED:
		return imap_search_key_plain(set ?
		    MAILIMAP_SEARCH_KEY_FLAGGED :
		    MAILIMAP_SEARCH_KEY_UNFLAGGED);
	case STORE_FLAG_DELETED:
		return imap_search_key_plain(set ?
		    MAILIMAP_SEARCH_KEY_DELETED :
		    MAILIMAP_SEARCH_KEY_UNDELETED);
	case STORE_FLAG_DRAFT:
		return imap_search_key_plain(set ? MAILIMAP_SEARCH_KEY_DRAFT :
		    MAILIMAP_SEARCH_KEY_UNDRAFT);
	}
	return NULL;
}

/* The IMAP date of the UTC day holding t, within the years IMAP can say. */
static struct mailimap_date *
imap_search_date(int64_t t)
{
	struct mailimap_date	*date;
	struct tm		 tm;
	time_t			 tt;

	tt = (time_t)(t < IMAP_SEARCH_DAY_MIN ? IMAP_SEARCH_DAY_MIN :
	    t > IMAP_SEARCH_DAY_MAX ? IMAP_SEARCH_DAY_MAX : t);
	if (gmtime_r(&tt, &tm) == NULL)
		fatal("%s: gmtime", __func__);
	if ((date = mailimap_date_new(tm.tm_mday, tm.tm_mon + 1,
	    tm.tm_year + 1900)) == NULL)
		fatal("out of memory");
	return date;
}

/* Keys side by side: a list of one is the key itself, of none ALL. */
static struct mailimap_search_key *
imap_search_key_list(struct mailimap_search_key **keys, size_t n)
{
	struct mailimap_search_key	*list;
	size_t				 i;

	if (n == 0)
		return imap_search_checked(mailimap_search_key_new_all());
	if (n == 1)
		return keys[0];
	list = imap_search_checked(mailimap_search_key_new_multiple_empty());
	for (i = 0; i < n; i++) {
		if (mailimap_search_key_multiple_add(list, keys[i]) !=
		    MAILIMAP_NO_ERROR)
			fatal("out of memory");
	}
	return list;
}

/* ~d in whole days: SINCE the first, BEFORE the day after the last. */
static struct mailimap_search_key *
imap_search_key_date(const struct pattern_node *n)
{
	struct mailimap_search_key	*keys[2];
	int64_t				 min, max;
	size_t				 i = 0;

	pattern_node_range(n, &min, &max);
	if (min > 1)
		keys[i++] = imap_search_checked(mailimap_search_key_new_since(
		    imap_search_date(min)));
	if (max < INT64_MAX)
		keys[i++] = imap_search_checked(mailimap_search_key_new_before(
		    imap_search_date(max + 1)));
	return imap_search_key_list(keys, i);
}

/* ~z: LARGER min - 1 and SMALLER max + 1, as far as 32 bits go (a size
 * above them cannot be: RFC822.SIZE is 32 bits, and so is a row's). */
static struct mailimap_search_key *
imap_search_key_size(const struct pattern_node *n)
{
	struct mailimap_search_key	*keys[2];
	int64_t				 min, max;
	size_t				 i = 0;

	pattern_node_range(n, &min, &max);
	if (min > 0)
		keys[i++] = imap_search_checked(mailimap_search_key_new_larger(
		    min - 1 > (int64_t)UINT32_MAX ? UINT32_MAX :
		    (uint32_t)(min - 1)));
	if (max < (int64_t)UINT32_MAX)
		keys[i++] = imap_search_checked(mailimap_search_key_new_smaller(
		    (uint32_t)(max + 1)));
	return imap_search_key_list(keys, i);
}

/* The operands of a chain of ANDs, in order, into list; 0 when one of
 * them does not translate (the caller frees list and what it holds). */
static int
imap_search_key_and(const struct pattern_node *n,
    struct mailimap_search_key *list)
{
	struct mailimap_search_key	*key;

	if (pattern_node_kind(n) == PATTERN_KIND_AND)
		return imap_search_key_and(pattern_node_left(n), list) &&
		    imap_search_key_and(pattern_node_right(n), list);
	if ((key = imap_search_key(n)) == NULL)
		return 0;
	if (mailimap_search_key_multiple_add(list, key) != MAILIMAP_NO_ERROR)
		fatal("out of memory");
	return 1;
}

/* n as a search key, or NULL if some of it has no IMAP equivalent. */
static struct mailimap_search_key *
imap_search_key(const struct pattern_node *n)
{
	struct mailimap_search_key	*left, *right;
	const struct pattern_node	*operand;
	const char			*text = pattern_node_text(n);

	switch (pattern_node_kind(n)) {
	case PATTERN_KIND_ALL:
		return imap_search_checked(mailimap_search_key_new_all());
	case PATTERN_KIND_TEXT:
		return imap_search_key_either(MAILIMAP_SEARCH_KEY_SUBJECT,
		    MAILIMAP_SEARCH_KEY_FROM, text);
	case PATTERN_KIND_FROM:
		return imap_search_key_text(MAILIMAP_SEARCH_KEY_FROM, text);
	case PATTERN_KIND_SUBJECT:
		return imap_search_key_text(MAILIMAP_SEARCH_KEY_SUBJECT, text);
	case PATTERN_KIND_TO:
		return imap_search_key_text(MAILIMAP_SEARCH_KEY_TO, text);
	case PATTERN_KIND_CC:
		return imap_search_key_text(MAILIMAP_SEARCH_KEY_CC, text);
	case PATTERN_KIND_TO_CC:
		return imap_search_key_either(MAILIMAP_SEARCH_KEY_TO,
		    MAILIMAP_SEARCH_KEY_CC, text);
	case PATTERN_KIND_BODY:
		return imap_search_key_text(MAILIMAP_SEARCH_KEY_BODY, text);
	case PATTERN_KIND_MESSAGE:
		return imap_search_key_text(MAILIMAP_SEARCH_KEY_TEXT, text);
	case PATTERN_KIND_FLAG:
		return imap_search_key_flag(pattern_node_flag(n), 1);
	case PATTERN_KIND_NO_FLAG:
		return imap_search_key_flag(pattern_node_flag(n), 0);
	case PATTERN_KIND_TAGGED:
	case PATTERN_KIND_TIME:
		return NULL;
	case PATTERN_KIND_DATE:
		return imap_search_key_date(n);
	case PATTERN_KIND_SIZE:
		return imap_search_key_size(n);
	case PATTERN_KIND_NOT:
		/* !!x is x: "NOT NOT" is legal but needless. */
		operand = pattern_node_left(n);
		if (pattern_node_kind(operand) == PATTERN_KIND_NOT)
			return imap_search_key(pattern_node_left(operand));
		if ((left = imap_search_key(operand)) == NULL)
			return NULL;
		return imap_search_checked(mailimap_search_key_new_not(left));
	case PATTERN_KIND_AND:
		left = imap_search_checked(
		    mailimap_search_key_new_multiple_empty());
		if (!imap_search_key_and(n, left)) {
			mailimap_search_key_free(left);
			return NULL;
		}
		return left;
	case PATTERN_KIND_OR:
		if ((left = imap_search_key(pattern_node_left(n))) == NULL)
			return NULL;
		if ((right = imap_search_key(pattern_node_right(n))) == NULL) {
			mailimap_search_key_free(left);
			return NULL;
		}
		return imap_search_checked(mailimap_search_key_new_or(left,
		    right));
	}
	return NULL;
}

static void
imap_search_add(struct imap_search_buffer *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	size_t	 len;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	len = strlen(s);
	if (b->len + len + 1 > b->size) {
		b->size = (b->len + len + 1) * 2;
		b->data = xreallocarray(b->data, b->size, 1);
	}
	memcpy(b->data + b->len, s, len + 1);
	b->len += len;
	free(s);
}

static int
imap_search_is_ascii(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x80)
			return 0;
	}
	return 1;
}

/* Whether some text in key is not ASCII: libetpan then sends CHARSET. */
static int
imap_search_needs_charset(const struct mailimap_search_key *key)
{
	clistiter	*i;

	switch (key->sk_type) {
	case MAILIMAP_SEARCH_KEY_FROM:
		return !imap_search_is_ascii(key->sk_data.sk_from);
	case MAILIMAP_SEARCH_KEY_SUBJECT:
		return !imap_search_is_ascii(key->sk_data.sk_subject);
	case MAILIMAP_SEARCH_KEY_TO:
		return !imap_search_is_ascii(key->sk_data.sk_to);
	case MAILIMAP_SEARCH_KEY_CC:
		return !imap_search_is_ascii(key->sk_data.sk_cc);
	case MAILIMAP_SEARCH_KEY_BODY:
		return !imap_search_is_ascii(key->sk_data.sk_body);
	case MAILIMAP_SEARCH_KEY_TEXT:
		return !imap_search_is_ascii(key->sk_data.sk_text);
	case MAILIMAP_SEARCH_KEY_NOT:
		return imap_search_needs_charset(key->sk_data.sk_not);
	case MAILIMAP_SEARCH_KEY_OR:
		return imap_search_needs_charset(key->sk_data.sk_or.sk_or1) ||
		    imap_search_needs_charset(key->sk_data.sk_or.sk_or2);
	case MAILIMAP_SEARCH_KEY_MULTIPLE:
		for (i = clist_begin(key->sk_data.sk_multiple); i != NULL;
		    i = clist_next(i)) {
			if (imap_search_needs_charset(clist_content(i)))
				return 1;
		}
		return 0;
	}
	return 0;
}

/* A string as libetpan sends it: an atom if it is letters, digits and
 * dashes, else quoted (a literal, for LITERAL+ servers, is shown quoted). */
static void
imap_search_write_string(struct imap_search_buffer *b, const char *name,
    const char *s)
{
	const char	*p;
	int		 atom = *s != '\0';

	for (p = s; *p != '\0'; p++) {
		if (!(*p == '-' || (*p >= '0' && *p <= '9') ||
		    (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
			atom = 0;
	}
	if (atom) {
		imap_search_add(b, "%s %s", name, s);
		return;
	}
	imap_search_add(b, "%s \"", name);
	for (p = s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			imap_search_add(b, "\\%c", *p);
		else
			imap_search_add(b, "%c", *p);
	}
	imap_search_add(b, "\"");
}

static void
imap_search_write_date(struct imap_search_buffer *b, const char *name,
    const struct mailimap_date *d)
{
	static const char	*months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

	imap_search_add(b, "%s %d-%s-%d", name, d->dt_day,
	    months[(d->dt_month - 1) % 12], d->dt_year);
}

/* key as IMAP text; a list in ( ) unless it is the whole of the search. */
static void
imap_search_write(struct imap_search_buffer *b,
    const struct mailimap_search_key *key, int top)
{
	clistiter	*i;

	switch (key->sk_type) {
	case MAILIMAP_SEARCH_KEY_ALL:
		imap_search_add(b, "ALL");
		break;
	case MAILIMAP_SEARCH_KEY_SEEN:
		imap_search_add(b, "SEEN");
		break;
	case MAILIMAP_SEARCH_KEY_UNSEEN:
		imap_search_add(b, "UNSEEN");
		break;
	case MAILIMAP_SEARCH_KEY_ANSWERED:
		imap_search_add(b, "ANSWERED");
		break;
	case MAILIMAP_SEARCH_KEY_UNANSWERED:
		imap_search_add(b, "UNANSWERED");
		break;
	case MAILIMAP_SEARCH_KEY_FLAGGED:
		imap_search_add(b, "FLAGGED");
		break;
	case MAILIMAP_SEARCH_KEY_UNFLAGGED:
		imap_search_add(b, "UNFLAGGED");
		break;
	case MAILIMAP_SEARCH_KEY_DELETED:
		imap_search_add(b, "DELETED");
		break;
	case MAILIMAP_SEARCH_KEY_UNDELETED:
		imap_search_add(b, "UNDELETED");
		break;
	case MAILIMAP_SEARCH_KEY_DRAFT:
		imap_search_add(b, "DRAFT");
		break;
	case MAILIMAP_SEARCH_KEY_UNDRAFT:
		imap_search_add(b, "UNDRAFT");
		break;
	case MAILIMAP_SEARCH_KEY_FROM:
		imap_search_write_string(b, "FROM", key->sk_data.sk_from);
		break;
	case MAILIMAP_SEARCH_KEY_SUBJECT:
		imap_search_write_string(b, "SUBJECT",
		    key->sk_data.sk_subject);
		break;
	case MAILIMAP_SEARCH_KEY_TO:
		imap_search_write_string(b, "TO", key->sk_data.sk_to);
		break;
	case MAILIMAP_SEARCH_KEY_CC:
		imap_search_write_string(b, "CC", key->sk_data.sk_cc);
		break;
	case MAILIMAP_SEARCH_KEY_BODY:
		imap_search_write_string(b, "BODY", key->sk_data.sk_body);
		break;
	case MAILIMAP_SEARCH_KEY_TEXT:
		imap_search_write_string(b, "TEXT", key->sk_data.sk_text);
		break;
	case MAILIMAP_SEARCH_KEY_SINCE:
		imap_search_write_date(b, "SINCE", key->sk_data.sk_since);
		break;
	case MAILIMAP_SEARCH_KEY_BEFORE:
		imap_search_write_date(b, "BEFORE", key->sk_data.sk_before);
		break;
	case MAILIMAP_SEARCH_KEY_LARGER:
		imap_search_add(b, "LARGER %u", key->sk_data.sk_larger);
		break;
	case MAILIMAP_SEARCH_KEY_SMALLER:
		imap_search_add(b, "SMALLER %u", key->sk_data.sk_smaller);
		break;
	case MAILIMAP_SEARCH_KEY_NOT:
		imap_search_add(b, "NOT ");
		imap_search_write(b, key->sk_data.sk_not, 0);
		break;
	case MAILIMAP_SEARCH_KEY_OR:
		imap_search_add(b, "OR ");
		imap_search_write(b, key->sk_data.sk_or.sk_or1, 0);
		imap_search_add(b, " ");
		imap_search_write(b, key->sk_data.sk_or.sk_or2, 0);
		break;
	case MAILIMAP_SEARCH_KEY_MULTIPLE:
		if (!top)
			imap_search_add(b, "(");
		for (i = clist_begin(key->sk_data.sk_multiple); i != NULL;
		    i = clist_next(i)) {
			imap_search_write(b, clist_content(i), 0);
			if (clist_next(i) != NULL)
				imap_search_add(b, " ");
		}
		if (!top)
			imap_search_add(b, ")");
		break;
	default:
		fatal("%s: key type %d", __func__, key->sk_type);
	}
}

/* key as the arguments of UID SEARCH (caller frees). */
static char *
imap_search_render(const struct mailimap_search_key *key)
{
	struct imap_search_buffer	b;

	memset(&b, 0, sizeof b);
	if (imap_search_needs_charset(key))
		imap_search_add(&b, "CHARSET UTF-8 ");
	imap_search_write(&b, key, 1);
	return b.data;
}

char *
imap_search_text(const struct pattern *pattern)
{
	struct mailimap_search_key	*key;
	char				*text;

	if ((key = imap_search_key(pattern_root(pattern))) == NULL)
		return NULL;
	text = imap_search_render(key);
	mailimap_search_key_free(key);
	return text;
}

static int
imap_search_compare(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The UIDs of a SEARCH answer, ascending, without repeats. */
static void
imap_search_collect(clist *result, uint32_t **uids, size_t *n)
{
	clistiter	*i;
	size_t		 count = 0, j, k;

	if (result == NULL || clist_isempty(result))
		return;
	*uids = xreallocarray(NULL, clist_count(result), sizeof **uids);
	for (i = clist_begin(result); i != NULL; i = clist_next(i))
		(*uids)[count++] = *(uint32_t *)clist_content(i);
	qsort(*uids, count, sizeof **uids, imap_search_compare);
	for (j = k = 0; j < count; j++) {
		if (k == 0 || (*uids)[k - 1] != (*uids)[j])
			(*uids)[k++] = (*uids)[j];
	}
	*n = k;
}

enum imap_search_status
imap_search_run(struct imap_session *s, const struct pattern *pattern,
    uint32_t **uids, size_t *n, char **error)
{
	struct mailimap_search_key	*key;
	clist				*result = NULL;
	char				*text;
	int				 r;

	*uids = NULL;
	*n = 0;
	*error = NULL;
	if ((key = imap_search_key(pattern_root(pattern))) == NULL)
		return IMAP_SEARCH_LOCAL;
	if (log_get_level() >= LOG_LEVEL_DEBUG) {
		text = imap_search_render(key);
		log_debug("%s: UID SEARCH %s", __func__, text);
		free(text);
	}
	/* libetpan sends "CHARSET UTF-8" only where a text is not ASCII;
	 * with LITERAL+ such a text goes as a literal, as RFC 3501 wants,
	 * else quoted with 8-bit bytes, which dovecot takes too. */
	if (imap_session_has(s, "LITERAL+"))
		r = mailimap_uid_search_literalplus(imap_session_imap(s),
		    "UTF-8", key, &result);
	else
		r = mailimap_uid_search(imap_session_imap(s), "UTF-8", key,
		    &result);
	mailimap_search_key_free(key);
	if (r == MAILIMAP_NO_ERROR) {
		imap_search_collect(result, uids, n);
		if (result != NULL)
			mailimap_search_result_free(result);
		return IMAP_SEARCH_OK;
	}
	*error = imap_session_error(s, r, "UID SEARCH");
	/* On a NO or BAD libetpan hands over whatever came before it. */
	if (r == MAILIMAP_ERROR_UID_SEARCH && result != NULL)
		mailimap_search_result_free(result);
	if (imap_session_cancelled(s))
		return IMAP_SEARCH_ERROR;
	/* A NO; or no folder selected, and nothing was sent. A BAD comes
	 * as MAILIMAP_ERROR_PROTOCOL, as does a reply with another tag. */
	if (r == MAILIMAP_ERROR_UID_SEARCH || r == MAILIMAP_ERROR_BAD_STATE)
		return IMAP_SEARCH_REFUSED;
	return IMAP_SEARCH_ERROR;
}
