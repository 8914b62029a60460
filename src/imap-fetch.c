/* imap-fetch: bodies in partial chunks (BODY.PEEK[s]<o.n>), so a large
 * attachment never sits in memory whole, a cancel or a drop loses one chunk
 * at most, and a download resumes where the part cache's partial ends. */
#include "auto-config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "imap-fetch.h"
#include "imap-session.h"
#include "intl.h"
#include "log.h"
#include "store-cache.h"
#include "xmalloc.h"

/* What follows the part numbers of a section, if anything. */
enum imap_fetch_keyword {
	IMAP_FETCH_KEYWORD_NONE,
	IMAP_FETCH_KEYWORD_MIME,
	IMAP_FETCH_KEYWORD_HEADER,
	IMAP_FETCH_KEYWORD_TEXT,
};

/* imap_fetch_to_cache's sink and progress state. */
struct imap_fetch_cache {
	struct store_cache_writer	*w;
	imap_fetch_progress_cb		 progress;
	void				*arg;
};

/* Parse a section specifier ("", "1.2", "1.MIME", "HEADER", ...) into a
 * libetpan section; mime asks for its MIME header instead (HEADER for the
 * message itself). NULL if the specifier is not valid. */
static struct mailimap_section *
imap_fetch_section_new(const char *spec, int mime)
{
	enum imap_fetch_keyword		 keyword = IMAP_FETCH_KEYWORD_NONE;
	struct mailimap_section		*section = NULL;
	struct mailimap_section_part	*part;
	const char			*p, *end;
	clist				*numbers;
	clistiter			*iter;
	uint32_t			*n;
	unsigned long			 value;
	size_t				 len, i;

	if (spec == NULL)
		spec = "";
	if ((numbers = clist_new()) == NULL)
		fatal("out of memory");
	for (p = spec; *p != '\0'; p = *end == '\0' ? end : end + 1) {
		if (keyword != IMAP_FETCH_KEYWORD_NONE)
			goto out;	/* a keyword must come last */
		if ((end = strchr(p, '.')) == NULL)
			end = p + strlen(p);
		len = end - p;
		if (len == 0 || (*end == '.' && end[1] == '\0'))
			goto out;
		if (isdigit((unsigned char)*p)) {
			if (*p == '0' || len > 10)
				goto out;
			value = 0;
			for (i = 0; i < len; i++) {
				if (!isdigit((unsigned char)p[i]))
					goto out;
				value = value * 10 + (p[i] - '0');
			}
			if (value > UINT32_MAX)
				goto out;
			n = xmalloc(sizeof *n);
			*n = (uint32_t)value;
			if (clist_append(numbers, n) != 0)
				fatal("out of memory");
		} else if (len == 4 && strncasecmp(p, "MIME", 4) == 0 &&
		    !clist_isempty(numbers))
			keyword = IMAP_FETCH_KEYWORD_MIME;
		else if (len == 6 && strncasecmp(p, "HEADER", 6) == 0)
			keyword = IMAP_FETCH_KEYWORD_HEADER;
		else if (len == 4 && strncasecmp(p, "TEXT", 4) == 0)
			keyword = IMAP_FETCH_KEYWORD_TEXT;
		else
			goto out;
	}

	if (mime) {
		if (keyword != IMAP_FETCH_KEYWORD_NONE)
			goto out;
		keyword = clist_isempty(numbers) ? IMAP_FETCH_KEYWORD_HEADER :
		    IMAP_FETCH_KEYWORD_MIME;
	}
	if (clist_isempty(numbers)) {
		clist_free(numbers);
		numbers = NULL;
		switch (keyword) {
		case IMAP_FETCH_KEYWORD_NONE:
			section = mailimap_section_new(NULL);
			break;
		case IMAP_FETCH_KEYWORD_HEADER:
			section = mailimap_section_new_header();
			break;
		case IMAP_FETCH_KEYWORD_TEXT:
			section = mailimap_section_new_text();
			break;
		case IMAP_FETCH_KEYWORD_MIME:
			return NULL;	/* refused above */
		}
		if (section == NULL)
			fatal("out of memory");
		return section;
	}
	if ((part = mailimap_section_part_new(numbers)) == NULL)
		fatal("out of memory");
	numbers = NULL;		/* the part owns them now */
	switch (keyword) {
	case IMAP_FETCH_KEYWORD_NONE:
		section = mailimap_section_new_part(part);
		break;
	case IMAP_FETCH_KEYWORD_MIME:
		section = mailimap_section_new_part_mime(part);
		break;
	case IMAP_FETCH_KEYWORD_HEADER:
		section = mailimap_section_new_part_header(part);
		break;
	case IMAP_FETCH_KEYWORD_TEXT:
		section = mailimap_section_new_part_text(part);
		break;
	}
	if (section == NULL)
		fatal("out of memory");
	return section;

out:
	if (numbers != NULL) {
		for (iter = clist_begin(numbers); iter != NULL;
		    iter = clist_next(iter))
			free(clist_content(iter));
		clist_free(numbers);
	}
	return NULL;
}

/* libetpan's result code as our status: NO and BAD leave the session in
 * step; anything else leaves it dead or out of step. */
static enum imap_fetch_status
imap_fetch_status_of(struct imap_session *s, int r)
{
	switch (r) {
	case MAILIMAP_NO_ERROR:
		return IMAP_FETCH_OK;
	case MAILIMAP_ERROR_FETCH:
	case MAILIMAP_ERROR_UID_FETCH:
	case MAILIMAP_ERROR_STORE:
	case MAILIMAP_ERROR_UID_STORE:
		return IMAP_FETCH_REFUSED;
	default:
		return imap_session_cancelled(s) ? IMAP_FETCH_CANCELLED :
		    IMAP_FETCH_ERROR;
	}
}

/* The body section in a FETCH response for uid, or NULL: the server may
 * send unsolicited FETCHes (flag changes) for other messages alongside. */
static struct mailimap_msg_att_body_section *
imap_fetch_find(clist *result, uint32_t uid)
{
	struct mailimap_msg_att_body_section	*body;
	struct mailimap_msg_att			*att;
	struct mailimap_msg_att_item		*item;
	clistiter				*i, *j;
	uint32_t				 got;

	for (i = clist_begin(result); i != NULL; i = clist_next(i)) {
		att = clist_content(i);
		body = NULL;
		got = 0;
		for (j = clist_begin(att->att_list); j != NULL;
		    j = clist_next(j)) {
			item = clist_content(j);
			if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
				continue;
			switch (item->att_data.att_static->att_type) {
			case MAILIMAP_MSG_ATT_UID:
				got = item->att_data.att_static->att_data.
				    att_uid;
				break;
			case MAILIMAP_MSG_ATT_BODY_SECTION:
				body = item->att_data.att_static->att_data.
				    att_body_section;
				break;
			}
		}
		if (got == uid && body != NULL)
			return body;
	}
	return NULL;
}

/*
 * One UID FETCH uid BODY.PEEK[section]<offset.size>. On IMAP_FETCH_OK *body
 * points into *result, which the caller frees with mailimap_fetch_list_free;
 * a NIL body has sec_body_part NULL.
 */
static enum imap_fetch_status
imap_fetch_one(struct imap_session *s, uint32_t uid, const char *spec,
    int mime, uint32_t offset, uint32_t size, clist **result,
    struct mailimap_msg_att_body_section **body, char **error)
{
	mailimap			*imap = imap_session_imap(s);
	mailimap_msg_att_handler	*att_handler;
	mailimap_msg_body_handler	*body_handler;
	struct mailimap_section		*section;
	struct mailimap_fetch_att	*att;
	struct mailimap_fetch_type	*type;
	struct mailimap_set		*set;
	enum imap_fetch_status		 status;
	char				*doing;
	int				 r;

	*result = NULL;
	*body = NULL;
	if ((section = imap_fetch_section_new(spec, mime)) == NULL)
		fatal("%s: section checked but not valid", __func__);
	att = mailimap_fetch_att_new_body_peek_section_partial(section,
	    offset, size);
	if (att == NULL ||
	    (type = mailimap_fetch_type_new_fetch_att(att)) == NULL ||
	    (set = mailimap_set_new_single(uid)) == NULL)
		fatal("out of memory");

	/* Handlers another caller set would take the response (or the body)
	 * away from the list: none while we fetch. */
	att_handler = imap->imap_msg_att_handler;
	body_handler = imap->imap_msg_body_handler;
	imap->imap_msg_att_handler = NULL;
	imap->imap_msg_body_handler = NULL;
	r = mailimap_uid_fetch(imap, set, type, result);
	imap->imap_msg_att_handler = att_handler;
	imap->imap_msg_body_handler = body_handler;
	mailimap_fetch_type_free(type);
	mailimap_set_free(set);

	/* TRANSLATORS: BODY[...]<...> is IMAP syntax; keep it as it is. */
	doing = xasprintf(_("fetching UID %" PRIu32 " BODY[%s%s%s]<%" PRIu32
	    ">"), uid, spec != NULL ? spec : "", mime && spec != NULL &&
	    *spec != '\0' ? "." : "", mime ? (spec != NULL && *spec != '\0' ?
	    "MIME" : "HEADER") : "", offset);
	status = imap_fetch_status_of(s, r);
	if (status != IMAP_FETCH_OK) {
		/* On NO libetpan frees the list but leaves the pointer. */
		*result = NULL;
		*error = imap_session_error(s, r, doing);
		goto out;
	}
	if (*result == NULL || (*body = imap_fetch_find(*result, uid)) ==
	    NULL) {
		*error = xasprintf(_("%s: no such message (expunged?)"), doing);
		status = IMAP_FETCH_NOT_FOUND;
		goto out;
	}
	if ((*body)->sec_body_part == NULL)
		(*body)->sec_length = 0;
	if ((*body)->sec_length > size) {
		*error = xasprintf(_("%s: the server sent %zu bytes for %"
		    PRIu32),
		    doing, (*body)->sec_length, size);
		status = IMAP_FETCH_ERROR;
		goto out;
	}
	if ((*body)->sec_length > 0 && (*body)->sec_origin_octet != offset) {
		*error = xasprintf(_("%s: the server sent bytes from offset %"
		    PRIu32), doing, (*body)->sec_origin_octet);
		status = IMAP_FETCH_ERROR;
		goto out;
	}
out:
	if (status != IMAP_FETCH_OK) {
		log_debug("%s: %s", __func__, *error);
		if (*result != NULL)
			mailimap_fetch_list_free(*result);
		*result = NULL;
		*body = NULL;
	}
	free(doing);
	return status;
}

enum imap_fetch_status
imap_fetch_section(struct imap_session *s, uint32_t uid, const char *section,
    uint64_t offset, uint64_t total, imap_fetch_sink_cb sink,
    imap_fetch_progress_cb progress, void *arg, uint64_t *fetched,
    char **error)
{
	struct mailimap_msg_att_body_section	*body;
	struct mailimap_section			*check;
	enum imap_fetch_status			 status;
	clist					*result;
	uint64_t				 pos = offset;
	size_t					 len;
	char					*why;

	*fetched = offset;
	if (section == NULL)
		section = "";
	if (uid == 0 || (check = imap_fetch_section_new(section, 0)) == NULL) {
		*error = xasprintf(_("UID %" PRIu32 " section \"%s\": not a "
		    "part that can be fetched"), uid, section != NULL ?
		    section : "");
		return IMAP_FETCH_INVALID;
	}
	mailimap_section_free(check);

	for (;;) {
		/* IMAP's partial offsets are 32-bit numbers. */
		if (pos > UINT32_MAX) {
			*error = xasprintf(_("UID %" PRIu32 " section %s: more "
			    "than 4 GiB"), uid, section);
			status = IMAP_FETCH_INVALID;
			break;
		}
		status = imap_fetch_one(s, uid, section, 0, (uint32_t)pos,
		    IMAP_FETCH_CHUNK, &result, &body, error);
		if (status != IMAP_FETCH_OK)
			break;
		len = body->sec_length;
		why = NULL;
		if (len > 0 && sink != NULL &&
		    sink(body->sec_body_part, len, arg, &why) != 0) {
			*error = why != NULL ? why : xasprintf(_("UID %"
			    PRIu32 " section %s: the data could not be "
			    "stored"), uid, section);
			mailimap_fetch_list_free(result);
			status = IMAP_FETCH_SINK;
			break;
		}
		mailimap_fetch_list_free(result);
		pos += len;
		*fetched = pos;
		if (progress != NULL)
			progress(pos, total, arg);
		if (len < IMAP_FETCH_CHUNK)
			break;
	}
	log_debug("%s: UID %" PRIu32 " [%s] %" PRIu64 "..%" PRIu64 ": %d",
	    __func__, uid, section, offset, pos, status);
	return status;
}

static int
imap_fetch_cache_sink(const char *buf, size_t len, void *arg, char **error)
{
	struct imap_fetch_cache	*fc = arg;

	return store_cache_write(fc->w, buf, len, error) == STORE_CACHE_OK ?
	    0 : -1;
}

static void
imap_fetch_cache_progress(uint64_t done, uint64_t total, void *arg)
{
	struct imap_fetch_cache	*fc = arg;

	if (fc->progress != NULL)
		fc->progress(done, total, fc->arg);
}

enum imap_fetch_status
imap_fetch_to_cache(struct imap_session *s, struct store_cache *cache,
    const char *folder, uint32_t uidvalidity, uint32_t uid,
    const char *section, uint64_t total, imap_fetch_progress_cb progress,
    void *arg, uint64_t *resumed_from, char **error)
{
	mailimap		*imap = imap_session_imap(s);
	struct imap_fetch_cache	 fc;
	enum imap_fetch_status	 status;
	enum store_cache_status	 cs;
	uint64_t		 resume, fetched;

	if (resumed_from != NULL)
		*resumed_from = 0;
	if (section == NULL)
		section = "";
	if (store_cache_has(cache, folder, uidvalidity, uid, section))
		return IMAP_FETCH_OK;
	/* Bytes of another UIDVALIDITY's message must never be stored under
	 * this one. */
	if (imap->imap_selection_info != NULL &&
	    imap->imap_selection_info->sel_uidvalidity != 0 &&
	    imap->imap_selection_info->sel_uidvalidity != uidvalidity) {
		*error = xasprintf(_("%s: UIDVALIDITY is now %" PRIu32 ", not %"
		    PRIu32 ": the message is gone"), folder,
		    imap->imap_selection_info->sel_uidvalidity, uidvalidity);
		return IMAP_FETCH_NOT_FOUND;
	}

	memset(&fc, 0, sizeof fc);
	fc.progress = progress;
	fc.arg = arg;
	cs = store_cache_begin(cache, folder, uidvalidity, uid, section,
	    &fc.w, &resume, error);
	if (cs == STORE_CACHE_OK && total != 0 && resume > total) {
		/* Longer than the part: not a prefix of it. Start over. */
		log_warn("%s: partial of %" PRIu64 " bytes for a part of %"
		    PRIu64 "; starting over", __func__, resume, total);
		store_cache_abort(fc.w, 0);
		cs = store_cache_begin(cache, folder, uidvalidity, uid,
		    section, &fc.w, &resume, error);
	}
	if (cs != STORE_CACHE_OK)
		return cs == STORE_CACHE_INVALID ? IMAP_FETCH_INVALID :
		    IMAP_FETCH_SINK;
	if (resumed_from != NULL)
		*resumed_from = resume;

	status = imap_fetch_section(s, uid, section, resume, total,
	    imap_fetch_cache_sink, imap_fetch_cache_progress, &fc, &fetched,
	    error);
	switch (status) {
	case IMAP_FETCH_OK:
		if (total != 0 && fetched != total)
			log_debug("%s: UID %" PRIu32 " [%s]: %" PRIu64
			    " bytes, BODYSTRUCTURE said %" PRIu64, __func__,
			    uid, section, fetched, total);
		if (store_cache_commit(fc.w, error) != STORE_CACHE_OK)
			status = IMAP_FETCH_SINK;
		break;
	case IMAP_FETCH_NOT_FOUND:
	case IMAP_FETCH_INVALID:
		store_cache_abort(fc.w, 0);
		break;
	default:
		/* Cancelled, dropped, refused, disk full: every byte kept
		 * is a whole chunk, so the next run resumes from here. */
		store_cache_abort(fc.w, 1);
		break;
	}
	return status;
}

enum imap_fetch_status
imap_fetch_mime_header(struct imap_session *s, uint32_t uid,
    const char *section, char **out, size_t *len, char **error)
{
	struct mailimap_msg_att_body_section	*body;
	struct mailimap_section			*check;
	enum imap_fetch_status			 status;
	clist					*result;

	*out = NULL;
	*len = 0;
	if (uid == 0 || (check = imap_fetch_section_new(section, 1)) == NULL) {
		*error = xasprintf(_("UID %" PRIu32 " section \"%s\": not a "
		    "part with a MIME header"), uid, section != NULL ?
		    section : "");
		return IMAP_FETCH_INVALID;
	}
	mailimap_section_free(check);

	/* One byte more than allowed tells too big from exactly the limit. */
	status = imap_fetch_one(s, uid, section, 1, 0,
	    IMAP_FETCH_HEADER_MAX + 1, &result, &body, error);
	if (status != IMAP_FETCH_OK)
		return status;
	if (body->sec_length > IMAP_FETCH_HEADER_MAX) {
		*error = xasprintf(_("UID %" PRIu32 " section \"%s\": a MIME "
		    "header of more than %u bytes"), uid, section != NULL ?
		    section : "", IMAP_FETCH_HEADER_MAX);
		status = IMAP_FETCH_TOO_BIG;
		goto out;
	}
	*out = xmalloc(body->sec_length + 1);
	if (body->sec_length > 0)
		memcpy(*out, body->sec_body_part, body->sec_length);
	(*out)[body->sec_length] = '\0';
	*len = body->sec_length;
out:
	mailimap_fetch_list_free(result);
	return status;
}

enum imap_fetch_status
imap_fetch_flag_seen(struct imap_session *s, uint32_t uid, char **error)
{
	struct mailimap_store_att_flags	*att;
	struct mailimap_flag_list	*flags;
	struct mailimap_flag		*seen;
	struct mailimap_set		*set;
	enum imap_fetch_status		 status;
	char				*doing;
	int				 r;

	if (uid == 0) {
		*error = xstrdup(_("UID 0 is not a message"));
		return IMAP_FETCH_INVALID;
	}
	if ((flags = mailimap_flag_list_new_empty()) == NULL ||
	    (seen = mailimap_flag_new_seen()) == NULL ||
	    mailimap_flag_list_add(flags, seen) != 0 ||
	    (att = mailimap_store_att_flags_new_add_flags_silent(flags)) ==
	    NULL || (set = mailimap_set_new_single(uid)) == NULL)
		fatal("out of memory");
	r = mailimap_uid_store(imap_session_imap(s), set, att);
	mailimap_store_att_flags_free(att);
	mailimap_set_free(set);
	status = imap_fetch_status_of(s, r);
	if (status != IMAP_FETCH_OK) {
		doing = xasprintf(_("marking UID %" PRIu32 " seen"), uid);
		*error = imap_session_error(s, r, doing);
		free(doing);
	}
	return status;
}
