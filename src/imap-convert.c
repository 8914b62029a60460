/* imap-convert: turns libetpan's parse of a FETCH response into the plain
 * rows of the mirror. Everything shown later is decoded and sanitised here,
 * in the worker, so the UI never handles raw server bytes. */
#include "auto-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "imap-convert.h"
#include "mime-header.h"
#include "mime-sanitize.h"
#include "mime-structure.h"
#include "store-mirror.h"
#include "xmalloc.h"

/* Longest header value kept for the index; longer ones are cut. */
#define IMAP_CONVERT_MAX_HEADER	4096

static void
imap_convert_add(struct mailimap_fetch_type *type, struct mailimap_fetch_att *a)
{
	if (a == NULL ||
	    mailimap_fetch_type_new_fetch_att_list_add(type, a) != 0)
		fatal("out of memory");
}

struct mailimap_fetch_type *
imap_convert_flags_fetch_type(int with_modseq)
{
	struct mailimap_fetch_type	*type;

	if ((type = mailimap_fetch_type_new_fetch_att_list_empty()) == NULL)
		fatal("out of memory");
	imap_convert_add(type, mailimap_fetch_att_new_uid());
	imap_convert_add(type, mailimap_fetch_att_new_flags());
	if (with_modseq)
		imap_convert_add(type, mailimap_fetch_att_new_modseq());
	return type;
}

struct mailimap_fetch_type *
imap_convert_fetch_type(int with_modseq)
{
	struct mailimap_fetch_type	*type;
	struct mailimap_header_list	*headers;
	clist				*names;
	char				*name;

	type = imap_convert_flags_fetch_type(with_modseq);
	imap_convert_add(type, mailimap_fetch_att_new_envelope());
	imap_convert_add(type, mailimap_fetch_att_new_internaldate());
	imap_convert_add(type, mailimap_fetch_att_new_rfc822_size());
	imap_convert_add(type, mailimap_fetch_att_new_bodystructure());
	/* ENVELOPE has no References: ask for that one header. */
	if ((names = clist_new()) == NULL ||
	    (name = strdup("References")) == NULL ||
	    clist_append(names, name) != 0 ||
	    (headers = mailimap_header_list_new(names)) == NULL)
		fatal("out of memory");
	imap_convert_add(type, mailimap_fetch_att_new_body_peek_section(
	    mailimap_section_new_header_fields(headers)));
	return type;
}

char *
imap_convert_header(const char *value)
{
	char	*decoded, *out;
	size_t	 len;

	if (value == NULL)
		return NULL;
	len = strlen(value);
	if (len > IMAP_CONVERT_MAX_HEADER)
		len = IMAP_CONVERT_MAX_HEADER;
	/* Unlabelled 8-bit text stays if it is UTF-8, else is Latin-1. */
	decoded = mime_header_decode(value, len, 0, NULL);
	out = mime_sanitize(decoded, strlen(decoded), 0);
	free(decoded);
	return out;
}

/* Seconds since the epoch for a date, time and zone (+0130 is 130); 0 for
 * a date that cannot be. */
static int64_t
imap_convert_epoch(int year, int month, int day, int hour, int min, int sec,
    int zone)
{
	struct tm	tm;

	if (month < 1 || month > 12 || day < 1 || day > 31)
		return 0;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	return (int64_t)timegm(&tm) - (zone / 100) * 3600 - (zone % 100) * 60;
}

int64_t
imap_convert_date(const char *value)
{
	struct mailimf_date_time	*dt = NULL;
	size_t				 indx = 0;
	int64_t				 t;

	if (value == NULL || mailimf_date_time_parse(value, strlen(value),
	    &indx, &dt) != MAILIMF_NO_ERROR || dt == NULL)
		return 0;
	t = imap_convert_epoch(dt->dt_year, dt->dt_month, dt->dt_day,
	    dt->dt_hour, dt->dt_min, dt->dt_sec, dt->dt_zone);
	mailimf_date_time_free(dt);
	return t;
}

static int64_t
imap_convert_internal_date(const struct mailimap_date_time *d)
{
	if (d == NULL)
		return 0;
	return imap_convert_epoch(d->dt_year, d->dt_month, d->dt_day,
	    d->dt_hour, d->dt_min, d->dt_sec, d->dt_zone);
}

/* "Name <mailbox@host>, ..." from an address list, decoded. */
static char *
imap_convert_addresses(clist *list)
{
	clistiter		*it;
	struct mailimap_address	*a;
	char			*out = NULL, *name, *joined;
	int			 n = 0;

	if (list == NULL)
		return NULL;
	for (it = clist_begin(list); it != NULL; it = clist_next(it)) {
		a = clist_content(it);
		/* Group syntax comes as a NULL host; skip its markers. */
		if (a->ad_host_name == NULL || a->ad_mailbox_name == NULL)
			continue;
		name = imap_convert_header(a->ad_personal_name);
		if (name != NULL && *name != '\0')
			joined = xasprintf("%s%s%s <%s@%s>", out != NULL ?
			    out : "", n > 0 ? ", " : "", name,
			    a->ad_mailbox_name, a->ad_host_name);
		else
			joined = xasprintf("%s%s%s@%s", out != NULL ? out : "",
			    n > 0 ? ", " : "", a->ad_mailbox_name,
			    a->ad_host_name);
		free(name);
		free(out);
		out = joined;
		if (++n == 50)	/* enough for an index line */
			break;
	}
	if (out == NULL)
		return NULL;
	joined = mime_sanitize(out, strlen(out), 0);
	free(out);
	return joined;
}

static void
imap_convert_envelope(struct mailimap_envelope *env, struct store_message *m)
{
	char	*s;

	m->date = imap_convert_date(env->env_date);
	m->subject = imap_convert_header(env->env_subject);
	if (env->env_from != NULL)
		m->from = imap_convert_addresses(env->env_from->frm_list);
	if (env->env_to != NULL)
		m->to = imap_convert_addresses(env->env_to->to_list);
	if (env->env_cc != NULL)
		m->cc = imap_convert_addresses(env->env_cc->cc_list);
	if ((s = env->env_message_id) != NULL)
		m->message_id = mime_sanitize(s, strnlen(s, 998), 0);
	if ((s = env->env_in_reply_to) != NULL)
		m->in_reply_to = mime_sanitize(s, strnlen(s, 998), 0);
}

/* The References header's value from "References: <a>\r\n <b>\r\n\r\n". */
static char *
imap_convert_references(const char *text, size_t len)
{
	const char	*colon;
	char		*value;

	if (text == NULL || len < 11 || strncasecmp(text, "References",
	    10) != 0 || (colon = memchr(text, ':', len)) == NULL)
		return NULL;
	colon++;
	value = mime_sanitize(colon, len - (colon - text), 0);
	/* mime_sanitize folded the lines; trim the ends. */
	{
		char	*start = value, *end;

		while (*start == ' ')
			start++;
		end = start + strlen(start);
		while (end > start && end[-1] == ' ')
			*--end = '\0';
		if (*start == '\0') {
			free(value);
			return NULL;
		}
		memmove(value, start, strlen(start) + 1);
	}
	return value;
}

uint32_t
imap_convert_flags(struct mailimap_msg_att_dynamic *dyn, char **keywords)
{
	clistiter		*it;
	struct mailimap_flag	*f;
	struct mailimap_flag_fetch *ff;
	uint32_t		 flags = 0;
	char			*kw = NULL, *joined;
	const char		*name;

	*keywords = NULL;
	if (dyn == NULL || dyn->att_list == NULL)
		return 0;
	for (it = clist_begin(dyn->att_list); it != NULL; it = clist_next(it)) {
		ff = clist_content(it);
		if (ff->fl_type != MAILIMAP_FLAG_FETCH_OTHER ||
		    (f = ff->fl_flag) == NULL)
			continue;
		name = NULL;
		switch (f->fl_type) {
		case MAILIMAP_FLAG_ANSWERED:
			flags |= STORE_FLAG_ANSWERED;
			break;
		case MAILIMAP_FLAG_FLAGGED:
			flags |= STORE_FLAG_FLAGGED;
			break;
		case MAILIMAP_FLAG_DELETED:
			flags |= STORE_FLAG_DELETED;
			break;
		case MAILIMAP_FLAG_SEEN:
			flags |= STORE_FLAG_SEEN;
			break;
		case MAILIMAP_FLAG_DRAFT:
			flags |= STORE_FLAG_DRAFT;
			break;
		case MAILIMAP_FLAG_KEYWORD:
			name = f->fl_data.fl_keyword;
			break;
		case MAILIMAP_FLAG_EXTENSION:
			name = f->fl_data.fl_extension;
			break;
		}
		if (name == NULL)
			continue;
		if (strcasecmp(name, "$Forwarded") == 0)
			flags |= STORE_FLAG_FORWARDED;
		else if (strcasecmp(name, "$Junk") == 0)
			flags |= STORE_FLAG_JUNK;
		joined = xasprintf("%s%s%s", kw != NULL ? kw : "",
		    kw != NULL ? " " : "", name);
		free(kw);
		kw = joined;
	}
	if (kw != NULL) {
		*keywords = mime_sanitize(kw, strlen(kw), 0);
		free(kw);
	}
	return flags;
}

static uint64_t
imap_convert_modseq(struct mailimap_extension_data *ext)
{
	struct mailimap_condstore_fetch_mod_resp	*resp;

	if (ext == NULL || ext->ext_extension != &mailimap_extension_condstore ||
	    ext->ext_type != MAILIMAP_CONDSTORE_TYPE_FETCH_DATA)
		return 0;
	resp = ext->ext_data;
	return resp != NULL ? resp->cs_modseq_value : 0;
}

static void
imap_convert_static(struct mailimap_msg_att_static *st,
    struct store_message *m, int *has_uid)
{
	struct mime_part			*root;
	struct mailimap_msg_att_body_section	*bs;

	switch (st->att_type) {
	case MAILIMAP_MSG_ATT_UID:
		m->uid = st->att_data.att_uid;
		*has_uid = 1;
		break;
	case MAILIMAP_MSG_ATT_ENVELOPE:
		if (st->att_data.att_env != NULL)
			imap_convert_envelope(st->att_data.att_env, m);
		break;
	case MAILIMAP_MSG_ATT_INTERNALDATE:
		m->internal_date = imap_convert_internal_date(
		    st->att_data.att_internal_date);
		break;
	case MAILIMAP_MSG_ATT_RFC822_SIZE:
		m->size = st->att_data.att_rfc822_size;
		break;
	case MAILIMAP_MSG_ATT_BODYSTRUCTURE:
		if (st->att_data.att_bodystructure == NULL)
			break;
		root = mime_structure_from_imap(st->att_data.att_bodystructure);
		free(m->bodystructure);
		m->bodystructure = mime_structure_serialize(root);
		m->attachments = mime_structure_has_attachments(root);
		mime_structure_free(root);
		break;
	case MAILIMAP_MSG_ATT_BODY_SECTION:
		bs = st->att_data.att_body_section;
		if (bs != NULL && m->references == NULL)
			m->references = imap_convert_references(
			    bs->sec_body_part, bs->sec_length);
		break;
	default:
		break;
	}
}

int
imap_convert_message(struct mailimap_msg_att *att, struct store_message *m)
{
	struct mailimap_msg_att_item	*item;
	clistiter			*it;
	int				 has_uid = 0;

	memset(m, 0, sizeof *m);
	m->attachments = -1;
	for (it = clist_begin(att->att_list); it != NULL; it = clist_next(it)) {
		item = clist_content(it);
		switch (item->att_type) {
		case MAILIMAP_MSG_ATT_ITEM_DYNAMIC:
			free(m->keywords);
			m->flags = imap_convert_flags(item->att_data.att_dyn,
			    &m->keywords);
			break;
		case MAILIMAP_MSG_ATT_ITEM_STATIC:
			imap_convert_static(item->att_data.att_static, m,
			    &has_uid);
			break;
		case MAILIMAP_MSG_ATT_ITEM_EXTENSION:
			if (imap_convert_modseq(item->att_data.att_extension_data)
			    != 0)
				m->modseq = imap_convert_modseq(
				    item->att_data.att_extension_data);
			break;
		}
	}
	if (!has_uid) {
		store_message_clear(m);
		return -1;
	}
	return 0;
}
