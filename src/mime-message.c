/* mime-message: libetpan's mailmime does the parsing; this file turns its
 * tree into skua's (so IMAP and local mail share one reader), remembers
 * where bodies lie, and keeps the inputs known to crash libetpan away. */
#include "auto-config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "mime-message.h"
#include "mime-structure.h"
#include "xmalloc.h"

/* Where a part of the tree came from in buf. */
struct mime_message_span {
	const struct mime_part	*part;
	const char		*body;		/* leaf body, or NULL */
	size_t			 bodylen;
	const char		*header;	/* message header, or NULL */
	size_t			 headerlen;
};

struct mime_message {
	const char			*buf;
	size_t				 len;
	struct mime_part		*root;
	unsigned			 cuts;
	struct mime_message_span	*spans;
	size_t				 nspans;
};

/* More multipart declarations than this and the message is read as text:
 * libetpan's parser recurses once per level, and the tree keeps only
 * MIME_STRUCTURE_MAX_DEPTH levels anyway. Real mail stays far below. */
#define MIME_MESSAGE_MAX_MULTIPARTS	1000
/* Comments nested deeper than this in one header line: libetpan parses
 * them recursively and runs out of stack at about a million. */
#define MIME_MESSAGE_MAX_COMMENT_DEPTH	1000

/* The length of the header block at s: up to and including the empty
 * line, or all of len if there is none. */
static size_t
mime_message_header_len(const char *s, size_t len)
{
	size_t	i;

	if (len > 0 && s[0] == '\n')
		return 1;
	if (len > 1 && s[0] == '\r' && s[1] == '\n')
		return 2;
	for (i = 0; i + 1 < len; i++) {
		if (s[i] != '\n')
			continue;
		if (s[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && s[i + 1] == '\r' && s[i + 2] == '\n')
			return i + 3;
	}
	return len;
}

/* Case-insensitive search for the ASCII word w in s. */
static const char *
mime_message_find(const char *s, const char *end, const char *w)
{
	size_t	wl = strlen(w);

	for (; (size_t)(end - s) >= wl; s++) {
		if ((*s | 0x20) == w[0] && strncasecmp(s, w, wl) == 0)
			return s;
	}
	return NULL;
}

/*
 * Whether buf holds what libetpan 1.9.4 cannot parse safely: a boundary
 * parameter whose quoted value has a backslash in it (boundary="\""
 * overflows the heap), an empty one, or so many multiparts or so deeply
 * nested comments that its recursion runs out of stack. The test is wider than the bug, on purpose:
 * RFC 2046 boundaries never need a backslash.
 */
static int
mime_message_hostile(const char *buf, size_t len)
{
	const char	*end = buf + len, *s = buf, *v;
	size_t		 multiparts = 0, depth = 0;

	while ((s = mime_message_find(s, end, "boundary")) != NULL) {
		v = s + 8;
		s = v;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		if (v == end || *v != '=')
			continue;
		v++;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		if (v < end && *v == '"') {
			if (v + 1 < end && v[1] == '"')
				return 1;
			for (v++; v < end && *v != '"' && *v != '\n'; v++)
				if (*v == '\\')
					return 1;
		} else if (v == end || *v == ';' || *v == '\r' || *v == '\n')
			return 1;
	}
	for (s = buf; (s = mime_message_find(s, end, "multipart")) != NULL;
	    s += 9)
		if (++multiparts > MIME_MESSAGE_MAX_MULTIPARTS)
			return 1;
	/* A fold continues the line; any other line starts again. */
	for (s = buf; s < end; s++) {
		if (*s == '(') {
			if (++depth > MIME_MESSAGE_MAX_COMMENT_DEPTH)
				return 1;
		} else if (*s == ')' && depth > 0)
			depth--;
		else if (*s == '\n' && (s + 1 == end ||
		    (s[1] != ' ' && s[1] != '\t')))
			depth = 0;
	}
	return 0;
}

static void
mime_message_span_add(struct mime_message *m, const struct mime_part *p,
    const char *body, size_t bodylen, const char *header, size_t headerlen)
{
	struct mime_message_span	*sp;

	m->spans = xreallocarray(m->spans, m->nspans + 1, sizeof *m->spans);
	sp = &m->spans[m->nspans++];
	sp->part = p;
	sp->body = body;
	sp->bodylen = bodylen;
	sp->header = header;
	sp->headerlen = headerlen;
}

static char *
mime_message_lower(const char *s)
{
	char	*out = xstrdup(s), *o;

	for (o = out; *o != '\0'; o++)
		if (*o >= 'A' && *o <= 'Z')
			*o = (char)(*o - 'A' + 'a');
	return out;
}

static const char *
mime_message_discrete(const struct mailmime_discrete_type *d)
{
	switch (d->dt_type) {
	case MAILMIME_DISCRETE_TYPE_TEXT:
		return "text";
	case MAILMIME_DISCRETE_TYPE_IMAGE:
		return "image";
	case MAILMIME_DISCRETE_TYPE_AUDIO:
		return "audio";
	case MAILMIME_DISCRETE_TYPE_VIDEO:
		return "video";
	case MAILMIME_DISCRETE_TYPE_APPLICATION:
		return "application";
	}
	return d->dt_extension != NULL ? d->dt_extension : "application";
}

static const char *
mime_message_composite(const struct mailmime_composite_type *c)
{
	switch (c->ct_type) {
	case MAILMIME_COMPOSITE_TYPE_MESSAGE:
		return "message";
	case MAILMIME_COMPOSITE_TYPE_MULTIPART:
		return "multipart";
	}
	return c->ct_token != NULL ? c->ct_token : "application";
}

static const char *
mime_message_mechanism(const struct mailmime_mechanism *m)
{
	switch (m->enc_type) {
	case MAILMIME_MECHANISM_7BIT:
		return "7bit";
	case MAILMIME_MECHANISM_8BIT:
		return "8bit";
	case MAILMIME_MECHANISM_BINARY:
		return "binary";
	case MAILMIME_MECHANISM_QUOTED_PRINTABLE:
		return "quoted-printable";
	case MAILMIME_MECHANISM_BASE64:
		return "base64";
	}
	return m->enc_token != NULL && *m->enc_token != '\0' ?
	    m->enc_token : "7bit";
}

static void
mime_message_param_add(clist *list, const char *name, const char *value)
{
	struct mailimap_single_body_fld_param	*sp;

	if (name == NULL || value == NULL)
		return;
	sp = mailimap_single_body_fld_param_new(xstrdup(name),
	    xstrdup(value));
	if (sp == NULL || clist_append(list, sp) != 0)
		abort();
}

/* Free what mime_message_params made: libetpan's own free would hand our
 * strings to mmap_string_unref, which leaves them. */
static void
mime_message_params_free(struct mailimap_body_fld_param *params)
{
	struct mailimap_single_body_fld_param	*sp;
	clistiter				*it;

	for (it = clist_begin(params->pa_list); it != NULL;
	    it = clist_next(it)) {
		sp = clist_content(it);
		free(sp->pa_name);
		free(sp->pa_value);
		free(sp);
	}
	clist_free(params->pa_list);
	free(params);
}

/* libetpan's MIME parameters in the IMAP form mime-structure reads, so that
 * both kinds of message get their names decoded by the same code. */
static struct mailimap_body_fld_param *
mime_message_params(clist *params)
{
	struct mailimap_body_fld_param	*out;
	struct mailmime_parameter	*pa;
	clist				*list;
	clistiter			*it;

	if ((list = clist_new()) == NULL)
		abort();
	if (params != NULL) {
		for (it = clist_begin(params); it != NULL;
		    it = clist_next(it)) {
			pa = clist_content(it);
			if (pa != NULL)
				mime_message_param_add(list, pa->pa_name,
				    pa->pa_value);
		}
	}
	if ((out = mailimap_body_fld_param_new(list)) == NULL)
		abort();
	return out;
}

static struct mailimap_body_fld_param *
mime_message_dsp_params(clist *parms)
{
	struct mailimap_body_fld_param	*out;
	struct mailmime_disposition_parm *dp;
	clist				*list;
	clistiter			*it;

	if ((list = clist_new()) == NULL)
		abort();
	if (parms != NULL) {
		for (it = clist_begin(parms); it != NULL;
		    it = clist_next(it)) {
			if ((dp = clist_content(it)) == NULL)
				continue;
			if (dp->pa_type == MAILMIME_DISPOSITION_PARM_FILENAME)
				mime_message_param_add(list, "filename",
				    dp->pa_data.pa_filename);
			else if (dp->pa_type ==
			    MAILMIME_DISPOSITION_PARM_PARAMETER &&
			    dp->pa_data.pa_parameter != NULL)
				mime_message_param_add(list,
				    dp->pa_data.pa_parameter->pa_name,
				    dp->pa_data.pa_parameter->pa_value);
		}
	}
	if ((out = mailimap_body_fld_param_new(list)) == NULL)
		abort();
	return out;
}

static const char *
mime_message_param(clist *params, const char *name)
{
	struct mailmime_parameter	*pa;
	clistiter			*it;

	if (params == NULL)
		return NULL;
	for (it = clist_begin(params); it != NULL; it = clist_next(it)) {
		pa = clist_content(it);
		if (pa != NULL && pa->pa_name != NULL && pa->pa_value != NULL &&
		    strcasecmp(pa->pa_name, name) == 0)
			return pa->pa_value;
	}
	return NULL;
}

/* Type, charset, flags and name from the Content-Type. */
static void
mime_message_content(struct mime_part *p, const struct mailmime *mm,
    const char *deftype, const char *defsub)
{
	const struct mailmime_content	*ct = mm->mm_content_type;
	const char			*type = deftype, *sub = defsub, *v;

	if (ct != NULL && ct->ct_type != NULL) {
		if (ct->ct_type->tp_type == MAILMIME_TYPE_DISCRETE_TYPE &&
		    ct->ct_type->tp_data.tp_discrete_type != NULL)
			type = mime_message_discrete(
			    ct->ct_type->tp_data.tp_discrete_type);
		else if (ct->ct_type->tp_type ==
		    MAILMIME_TYPE_COMPOSITE_TYPE &&
		    ct->ct_type->tp_data.tp_composite_type != NULL)
			type = mime_message_composite(
			    ct->ct_type->tp_data.tp_composite_type);
		if (ct->ct_subtype != NULL && *ct->ct_subtype != '\0')
			sub = ct->ct_subtype;
	}
	p->type = mime_message_lower(type);
	p->subtype = mime_message_lower(sub);
	if (ct == NULL)
		return;
	if ((v = mime_message_param(ct->ct_parameters, "charset")) != NULL &&
	    *v != '\0')
		p->charset = mime_message_lower(v);
	if ((v = mime_message_param(ct->ct_parameters, "format")) != NULL &&
	    strcasecmp(v, "flowed") == 0) {
		p->flags |= MIME_PART_FLOWED;
		if ((v = mime_message_param(ct->ct_parameters, "delsp")) !=
		    NULL && strcasecmp(v, "yes") == 0)
			p->flags |= MIME_PART_DELSP;
	}
}

/* Encoding, id, disposition and name from the MIME fields. */
static void
mime_message_fields(struct mime_part *p, const struct mailmime *mm)
{
	struct mailimap_body_fld_param	*params;
	const struct mailmime_field	*f;
	const struct mailmime_disposition *dsp = NULL;
	clistiter			*it;

	if (mm->mm_mime_fields != NULL && mm->mm_mime_fields->fld_list !=
	    NULL) {
		for (it = clist_begin(mm->mm_mime_fields->fld_list);
		    it != NULL; it = clist_next(it)) {
			if ((f = clist_content(it)) == NULL)
				continue;
			if (f->fld_type == MAILMIME_FIELD_TRANSFER_ENCODING &&
			    f->fld_data.fld_encoding != NULL &&
			    p->encoding == NULL)
				p->encoding = mime_message_lower(
				    mime_message_mechanism(
				    f->fld_data.fld_encoding));
			else if (f->fld_type == MAILMIME_FIELD_ID &&
			    f->fld_data.fld_id != NULL && p->id == NULL &&
			    *f->fld_data.fld_id != '\0')
				p->id = xstrdup(f->fld_data.fld_id);
			else if (f->fld_type == MAILMIME_FIELD_DISPOSITION &&
			    dsp == NULL)
				dsp = f->fld_data.fld_disposition;
		}
	}
	if (strcmp(p->type, "multipart") != 0 && p->encoding == NULL)
		p->encoding = xstrdup("7bit");
	if (strcmp(p->type, "multipart") == 0) {
		free(p->encoding);
		p->encoding = NULL;
	}
	if (dsp != NULL && dsp->dsp_type != NULL) {
		/* RFC 2183: an unknown disposition is an attachment. */
		p->disposition = xstrdup(dsp->dsp_type->dsp_type ==
		    MAILMIME_DISPOSITION_TYPE_INLINE ? "inline" :
		    "attachment");
		params = mime_message_dsp_params(dsp->dsp_parms);
		p->name = mime_structure_param_name(params, "filename");
		mime_message_params_free(params);
	}
	if (p->name == NULL && mm->mm_content_type != NULL) {
		params = mime_message_params(
		    mm->mm_content_type->ct_parameters);
		p->name = mime_structure_param_name(params, "name");
		mime_message_params_free(params);
	}
}

static uint32_t
mime_message_lines(const char *s, size_t len)
{
	uint32_t	n = 0;
	size_t		i;

	for (i = 0; i < len; i++)
		n += s[i] == '\n';
	if (len > 0 && s[len - 1] != '\n')
		n++;
	return n;
}

static void
mime_message_add_child(struct mime_part *p, struct mime_part *c)
{
	p->children = xreallocarray(p->children, p->nchildren + 1,
	    sizeof *p->children);
	p->children[p->nchildren++] = c;
}

/*
 * One libetpan part and what is under it. deftype/defsub: the type when
 * there is no Content-Type (text/plain; message/rfc822 in a digest). NULL
 * when past the part count; deeper levels are left out. Either sets
 * MIME_MESSAGE_CUT_PARTS.
 */
static struct mime_part *
mime_message_build(struct mime_message *m, const struct mailmime *mm,
    int depth, size_t *count, const char *deftype, const char *defsub)
{
	struct mime_part	*p, *c;
	const struct mailmime	*child;
	const struct mailmime_data *d;
	const char		*ct, *cs;
	clistiter		*it;
	int			 digest;

	if (*count >= MIME_STRUCTURE_MAX_PARTS) {
		m->cuts |= MIME_MESSAGE_CUT_PARTS;
		return NULL;
	}
	(*count)++;
	p = xcalloc(1, sizeof *p);
	switch (mm->mm_type) {
	case MAILMIME_MULTIPLE:
		mime_message_content(p, mm, "multipart", "mixed");
		mime_message_fields(p, mm);
		mime_message_span_add(m, p, NULL, 0, NULL, 0);
		digest = strcmp(p->subtype, "digest") == 0;
		if (mm->mm_data.mm_multipart.mm_mp_list == NULL)
			break;
		if (depth + 1 >= MIME_STRUCTURE_MAX_DEPTH) {
			if (clist_count(mm->mm_data.mm_multipart.mm_mp_list))
				m->cuts |= MIME_MESSAGE_CUT_PARTS;
			break;
		}
		for (it = clist_begin(mm->mm_data.mm_multipart.mm_mp_list);
		    it != NULL; it = clist_next(it)) {
			if ((child = clist_content(it)) == NULL)
				continue;
			c = mime_message_build(m, child, depth + 1, count,
			    digest ? "message" : "text",
			    digest ? "rfc822" : "plain");
			if (c == NULL)
				break;
			mime_message_add_child(p, c);
		}
		break;
	case MAILMIME_MESSAGE:
		mime_message_content(p, mm, "message", "rfc822");
		mime_message_fields(p, mm);
		d = mm->mm_body;
		if (d != NULL && d->dt_type == MAILMIME_DATA_TEXT) {
			p->size = d->dt_data.dt_text.dt_length;
			p->lines = mime_message_lines(d->dt_data.dt_text.dt_data,
			    d->dt_data.dt_text.dt_length);
			mime_message_span_add(m, p, d->dt_data.dt_text.dt_data,
			    d->dt_data.dt_text.dt_length,
			    d->dt_data.dt_text.dt_data,
			    mime_message_header_len(d->dt_data.dt_text.dt_data,
			    d->dt_data.dt_text.dt_length));
		} else
			mime_message_span_add(m, p, NULL, 0, NULL, 0);
		child = mm->mm_data.mm_message.mm_msg_mime;
		if (child == NULL)
			break;
		if (depth + 1 >= MIME_STRUCTURE_MAX_DEPTH) {
			m->cuts |= MIME_MESSAGE_CUT_PARTS;
			break;
		}
		if ((c = mime_message_build(m, child, depth + 1, count,
		    "text", "plain")) != NULL)
			mime_message_add_child(p, c);
		break;
	default:
		mime_message_content(p, mm, deftype, defsub);
		mime_message_fields(p, mm);
		d = mm->mm_data.mm_single;
		if (d != NULL && d->dt_type == MAILMIME_DATA_TEXT) {
			p->size = d->dt_data.dt_text.dt_length;
			if (strcmp(p->type, "text") == 0)
				p->lines = mime_message_lines(
				    d->dt_data.dt_text.dt_data,
				    d->dt_data.dt_text.dt_length);
			mime_message_span_add(m, p, d->dt_data.dt_text.dt_data,
			    d->dt_data.dt_text.dt_length, NULL, 0);
		} else
			mime_message_span_add(m, p, "", 0, NULL, 0);
		break;
	}
	/* A text part without a charset is US-ASCII (RFC 2046); say so,
	 * so the reader treats 8-bit bytes as the usual mislabelling. */
	ct = p->type;
	cs = p->charset;
	if (strcmp(ct, "text") == 0 && cs == NULL)
		p->charset = xstrdup("us-ascii");
	return p;
}

/* The message as one text/plain part: what follows its header block. */
static void
mime_message_as_text(struct mime_message *m)
{
	size_t	hl = mime_message_header_len(m->buf, m->len);

	m->root = xcalloc(1, sizeof *m->root);
	m->root->type = xstrdup("text");
	m->root->subtype = xstrdup("plain");
	m->root->encoding = xstrdup("7bit");
	m->root->size = m->len - hl;
	m->root->lines = mime_message_lines(m->buf + hl, m->len - hl);
	mime_message_span_add(m, m->root, m->buf + hl, m->len - hl, NULL, 0);
	mime_structure_number_root(m->root);
}

struct mime_message *
mime_message_parse(const char *buf, size_t len)
{
	struct mime_message	*m;
	struct mailmime		*mm = NULL;
	const struct mailmime	*body;
	size_t			 indx = 0, count = 0, hl;

	m = xcalloc(1, sizeof *m);
	m->buf = buf;
	m->len = len;
	hl = mime_message_header_len(buf, len);
	if (hl > MIME_MESSAGE_MAX_HEADER)
		m->cuts |= MIME_MESSAGE_CUT_HEADER;
	if (mime_message_hostile(buf, len)) {
		m->cuts |= MIME_MESSAGE_REFUSED;
		mime_message_as_text(m);
		return m;
	}
	if (mailmime_parse(buf, len, &indx, &mm) != MAILIMF_NO_ERROR ||
	    mm == NULL) {
		m->cuts |= MIME_MESSAGE_UNPARSED;
		mime_message_as_text(m);
		return m;
	}
	/* The top is the message; its body is the tree we show. */
	body = mm->mm_type == MAILMIME_MESSAGE ?
	    mm->mm_data.mm_message.mm_msg_mime : mm;
	if (body != NULL)
		m->root = mime_message_build(m, body, 0, &count, "text",
		    "plain");
	mailmime_free(mm);
	if (m->root == NULL) {
		free(m->spans);
		m->spans = NULL;
		m->nspans = 0;
		mime_message_as_text(m);
		return m;
	}
	mime_structure_number_root(m->root);
	return m;
}

void
mime_message_free(struct mime_message *m)
{
	if (m == NULL)
		return;
	mime_structure_free(m->root);
	free(m->spans);
	free(m);
}

const struct mime_part *
mime_message_root(const struct mime_message *m)
{
	return m->root;
}

unsigned
mime_message_cuts(const struct mime_message *m)
{
	return m->cuts;
}

static const struct mime_message_span *
mime_message_span(const struct mime_message *m, const struct mime_part *p)
{
	size_t	i;

	for (i = 0; i < m->nspans; i++)
		if (m->spans[i].part == p)
			return &m->spans[i];
	return NULL;
}

int
mime_message_body(const struct mime_message *m, const struct mime_part *p,
    const char **data, size_t *len)
{
	const struct mime_message_span	*sp;

	if ((sp = mime_message_span(m, p)) == NULL || sp->body == NULL)
		return -1;
	*data = sp->body;
	*len = sp->bodylen;
	return 0;
}

/* The value of a field unfolded: CR and LF dropped (a fold's white space
 * stays), leading white space skipped, at most MIME_MESSAGE_MAX_FIELD. */
static char *
mime_message_unfold(const char *v)
{
	char	*out, *o;

	while (*v == ' ' || *v == '\t')
		v++;
	out = o = xmalloc(strlen(v) + 1);
	for (; *v != '\0' && (size_t)(o - out) < MIME_MESSAGE_MAX_FIELD; v++)
		if (*v != '\r' && *v != '\n')
			*o++ = *v;
	while (o > out && (o[-1] == ' ' || o[-1] == '\t'))
		o--;
	*o = '\0';
	return out;
}

char *
mime_message_header(const struct mime_message *m,
    const struct mime_part *msg, const char *name)
{
	const struct mime_message_span	*sp;
	struct mailimf_fields		*fields = NULL;
	struct mailimf_field		*f;
	const char			*h = m->buf;
	char				*out = NULL;
	size_t				 hl, indx = 0;
	clistiter			*it;

	if (msg != NULL && msg != m->root) {
		if ((sp = mime_message_span(m, msg)) == NULL ||
		    sp->header == NULL)
			return NULL;
		h = sp->header;
		hl = sp->headerlen;
	} else
		hl = mime_message_header_len(m->buf, m->len);
	if (hl > MIME_MESSAGE_MAX_HEADER)
		hl = MIME_MESSAGE_MAX_HEADER;
	if (mailimf_optional_fields_parse(h, hl, &indx, &fields) !=
	    MAILIMF_NO_ERROR || fields == NULL)
		return NULL;
	for (it = clist_begin(fields->fld_list); it != NULL;
	    it = clist_next(it)) {
		f = clist_content(it);
		if (f == NULL || f->fld_type != MAILIMF_FIELD_OPTIONAL_FIELD ||
		    f->fld_data.fld_optional_field == NULL ||
		    f->fld_data.fld_optional_field->fld_name == NULL ||
		    f->fld_data.fld_optional_field->fld_value == NULL)
			continue;
		if (strcasecmp(f->fld_data.fld_optional_field->fld_name,
		    name) == 0) {
			out = mime_message_unfold(
			    f->fld_data.fld_optional_field->fld_value);
			break;
		}
	}
	mailimf_fields_free(fields);
	return out;
}
