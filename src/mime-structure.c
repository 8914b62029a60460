/* mime-structure: the reader must know which part to fetch and what is
 * attached without downloading anything. BODYSTRUCTURE says it; the
 * mirror keeps it as plain text that a corrupted cache cannot crash. */
#include "auto-config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "mime-decode.h"
#include "mime-header.h"
#include "mime-structure.h"
#include "utf8.h"
#include "xmalloc.h"

/* The first line of the text form; a new layout gets a new one. */
#define MIME_STRUCTURE_MAGIC	"mime2\n"
#define MIME_STRUCTURE_MAGIC1	"mime1\n"	/* no FLAGS field */
/* Charset labels longer than this are garbage (mime-decode would refuse
 * them anyway). */
#define MIME_STRUCTURE_MAX_CHARSET	64
#define MIME_STRUCTURE_CSSIZE		(MIME_STRUCTURE_MAX_CHARSET + 1)

/* A growing byte buffer. */
struct mime_structure_buf {
	char	*s;
	size_t	 len;
	size_t	 size;
};

static void
mime_structure_buf_grow(struct mime_structure_buf *b, size_t more)
{
	size_t	size;

	if (b->size - b->len > more)
		return;
	size = b->size == 0 ? 64 : b->size;
	while (size - b->len <= more) {
		if (size > SIZE_MAX / 2)
			fatal("%s: buffer too large", __func__);
		size *= 2;
	}
	b->s = xreallocarray(b->s, size, 1);
	b->size = size;
}

static void
mime_structure_buf_add(struct mime_structure_buf *b, const void *p,
    size_t len)
{
	mime_structure_buf_grow(b, len);
	memcpy(b->s + b->len, p, len);
	b->len += len;
	b->s[b->len] = '\0';
}

static void
mime_structure_buf_addc(struct mime_structure_buf *b, char c)
{
	mime_structure_buf_add(b, &c, 1);
}

/* Whether s is valid UTF-8 (used on names read back from the mirror). */
static int
mime_structure_is_utf8(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 len = strlen(s), used;

	while (len > 0) {
		if (utf8_decode(p, len, &used) == -1)
			return 0;
		p += used;
		len -= used;
	}
	return 1;
}

/* len bytes in charset as valid UTF-8 without NULs (the caller frees
 * it), the label read as for bodies: aliases and mislabels resolved,
 * garbage never given to iconv. What cannot be converted becomes U+FFFD;
 * an unknown charset is read as UTF-8. */
static char *
mime_structure_to_utf8(const char *charset, const char *in, size_t len)
{
	return mime_decode_charset(charset, in, len, NULL);
}

/* A copy of s in ASCII lowercase. */
static char *
mime_structure_lower(const char *s)
{
	char	*t = xstrdup(s), *p;

	for (p = t; *p != '\0'; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
	}
	return t;
}

/* An optional string: NULL when missing or empty. */
static char *
mime_structure_optional(const char *s, int lower)
{
	if (s == NULL || *s == '\0')
		return NULL;
	return lower ? mime_structure_lower(s) : xstrdup(s);
}

static const char *
mime_structure_param(const struct mailimap_body_fld_param *params,
    const char *name)
{
	struct mailimap_single_body_fld_param	*sp;
	clistiter				*it;

	if (params == NULL || params->pa_list == NULL)
		return NULL;
	for (it = clist_begin(params->pa_list); it != NULL;
	    it = clist_next(it)) {
		sp = clist_content(it);
		if (sp != NULL && sp->pa_name != NULL && sp->pa_value != NULL &&
		    strcasecmp(sp->pa_name, name) == 0)
			return sp->pa_value;
	}
	return NULL;
}

static int
mime_structure_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* RFC 2231 %XX decoding onto b; a '%' without two hex digits stays. */
static void
mime_structure_percent(struct mime_structure_buf *b, const char *s)
{
	int	hi, lo;

	for (; *s != '\0'; s++) {
		if (*s == '%' && (hi = mime_structure_hex(s[1])) != -1 &&
		    (lo = mime_structure_hex(s[2])) != -1) {
			mime_structure_buf_addc(b, (char)(hi << 4 | lo));
			s += 2;
		} else
			mime_structure_buf_addc(b, *s);
	}
}

/* Split "charset'language'value": the charset into cs (empty when it is
 * missing or too long) and the value returned. Without both quotes the
 * whole string is the value. */
static const char *
mime_structure_extended(const char *v, char *cs, size_t cssize)
{
	const char	*q1, *q2;

	cs[0] = '\0';
	if ((q1 = strchr(v, '\'')) == NULL ||
	    (q2 = strchr(q1 + 1, '\'')) == NULL)
		return v;
	if ((size_t)(q1 - v) < cssize) {
		memcpy(cs, v, (size_t)(q1 - v));
		cs[q1 - v] = '\0';
	}
	return q2 + 1;
}

/* If pname is "<name>*<n>" or "<name>*<n>*" with n < limit (no leading
 * zeros), return n and whether it is extended (%-encoded); else -1. */
static long
mime_structure_segment(const char *pname, const char *name, size_t limit,
    int *extended)
{
	size_t		 nl = strlen(name);
	const char	*p;
	size_t		 n = 0;

	if (strncasecmp(pname, name, nl) != 0 || pname[nl] != '*')
		return -1;
	p = pname + nl + 1;
	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' &&
	    p[1] <= '9'))
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (size_t)(*p - '0');
		if (n >= limit)
			return -1;
	}
	*extended = 0;
	if (*p == '*') {
		*extended = 1;
		p++;
	}
	if (*p != '\0')
		return -1;
	return (long)n;
}

/* The RFC 2231 form of parameter name ("name*" or "name*0*", "name*1",
 * ...) decoded to UTF-8, or NULL if there is none. */
static char *
mime_structure_rfc2231(const struct mailimap_body_fld_param *params,
    const char *name)
{
	struct mailimap_single_body_fld_param	 *sp;
	struct mime_structure_buf		  b = { NULL, 0, 0 };
	const char				**seg, *v;
	clistiter				 *it;
	char					 *key, *out;
	char					  cs[MIME_STRUCTURE_CSSIZE];
	int					 *ext, e;
	size_t					  nparams, n;
	long					  i;

	if (params == NULL || params->pa_list == NULL)
		return NULL;
	cs[0] = '\0';
	key = xasprintf("%s*", name);
	v = mime_structure_param(params, key);
	free(key);
	if (v != NULL) {
		v = mime_structure_extended(v, cs, sizeof cs);
		mime_structure_buf_add(&b, "", 0);
		mime_structure_percent(&b, v);
		goto done;
	}

	/* Continuations: only an unbroken run from 0 counts, so no index
	 * can be as large as the number of parameters. */
	if ((nparams = (size_t)clist_count(params->pa_list)) == 0)
		return NULL;
	seg = xcalloc(nparams, sizeof *seg);
	ext = xcalloc(nparams, sizeof *ext);
	for (it = clist_begin(params->pa_list); it != NULL;
	    it = clist_next(it)) {
		sp = clist_content(it);
		if (sp == NULL || sp->pa_name == NULL || sp->pa_value == NULL)
			continue;
		i = mime_structure_segment(sp->pa_name, name, nparams, &e);
		if (i >= 0 && seg[i] == NULL) {
			seg[i] = sp->pa_value;
			ext[i] = e;
		}
	}
	if (seg[0] != NULL) {
		mime_structure_buf_add(&b, "", 0);
		for (n = 0; n < nparams && seg[n] != NULL; n++) {
			v = seg[n];
			if (n == 0 && ext[0])
				v = mime_structure_extended(v, cs, sizeof cs);
			if (ext[n])
				mime_structure_percent(&b, v);
			else
				mime_structure_buf_add(&b, v, strlen(v));
		}
	}
	free(seg);
	free(ext);
	if (b.s == NULL)
		return NULL;

done:
	out = mime_structure_to_utf8(cs[0] != '\0' ? cs : NULL, b.s, b.len);
	free(b.s);
	return out;
}

/* A plain parameter value as a name: RFC 2047 words (which mailers put
 * in quoted names against the rules) decoded, raw 8-bit read as UTF-8 or
 * else Latin-1. Words that decode to nothing leave the value as it is. */
static char *
mime_structure_plain_name(const char *v)
{
	char	*out;

	out = mime_header_decode(v, strlen(v), 0, NULL);
	if (*out == '\0') {
		free(out);
		out = mime_decode_guess(v, strlen(v));
	}
	return out;
}

/* Parameter key as a name, the RFC 2231 form first; NULL if none. */
char *
mime_structure_param_name(const struct mailimap_body_fld_param *params,
    const char *key)
{
	const char	*v;
	char		*s;

	if ((s = mime_structure_rfc2231(params, key)) != NULL) {
		if (*s != '\0')
			return s;
		free(s);
	}
	if ((v = mime_structure_param(params, key)) != NULL) {
		s = mime_structure_plain_name(v);
		if (*s != '\0')
			return s;
		free(s);
	}
	return NULL;
}

static const char *
mime_structure_encoding(const struct mailimap_body_fld_enc *enc)
{
	if (enc == NULL)
		return "7bit";
	switch (enc->enc_type) {
	case MAILIMAP_BODY_FLD_ENC_7BIT:
		return "7bit";
	case MAILIMAP_BODY_FLD_ENC_8BIT:
		return "8bit";
	case MAILIMAP_BODY_FLD_ENC_BINARY:
		return "binary";
	case MAILIMAP_BODY_FLD_ENC_BASE64:
		return "base64";
	case MAILIMAP_BODY_FLD_ENC_QUOTED_PRINTABLE:
		return "quoted-printable";
	}
	if (enc->enc_value == NULL || *enc->enc_value == '\0')
		return "7bit";
	return enc->enc_value;
}

static const char *
mime_structure_media(const struct mailimap_media_basic *m)
{
	switch (m->med_type) {
	case MAILIMAP_MEDIA_BASIC_APPLICATION:
		return "application";
	case MAILIMAP_MEDIA_BASIC_AUDIO:
		return "audio";
	case MAILIMAP_MEDIA_BASIC_IMAGE:
		return "image";
	case MAILIMAP_MEDIA_BASIC_MESSAGE:
		return "message";
	case MAILIMAP_MEDIA_BASIC_VIDEO:
		return "video";
	}
	return m->med_basic_type != NULL ? m->med_basic_type : "application";
}

static void
mime_structure_add_child(struct mime_part *p, struct mime_part *child)
{
	p->children = xreallocarray(p->children, p->nchildren + 1,
	    sizeof *p->children);
	p->children[p->nchildren++] = child;
}

static int
mime_structure_is(const struct mime_part *p, const char *type,
    const char *subtype)
{
	return strcasecmp(p->type, type) == 0 &&
	    (subtype == NULL || strcasecmp(p->subtype, subtype) == 0);
}

/* Give each part its IMAP section (RFC 3501 6.4.5): section is this
 * part's own, prefix what its children's numbers start with. */
static void
mime_structure_number(struct mime_part *p, const char *section,
    const char *prefix)
{
	struct mime_part	*c;
	char			*s;
	size_t			 i;

	free(p->section);
	p->section = xstrdup(section);
	if (mime_structure_is(p, "multipart", NULL)) {
		for (i = 0; i < p->nchildren; i++) {
			if (*prefix == '\0')
				s = xasprintf("%zu", i + 1);
			else
				s = xasprintf("%s.%zu", prefix, i + 1);
			mime_structure_number(p->children[i], s, s);
			free(s);
		}
	} else if (p->nchildren > 0) {
		/* The body of message/rfc822: its parts are numbered under
		 * the message part; a multipart body itself is N.TEXT. */
		c = p->children[0];
		if (mime_structure_is(c, "multipart", NULL)) {
			s = xasprintf("%s.TEXT", section);
			mime_structure_number(c, s, section);
		} else {
			s = xasprintf("%s.1", section);
			mime_structure_number(c, s, s);
		}
		free(s);
	}
}

void
mime_structure_number_root(struct mime_part *root)
{
	if (mime_structure_is(root, "multipart", NULL))
		mime_structure_number(root, "", "");
	else
		mime_structure_number(root, "1", "1");
}

/* The MIME_PART_* flags that params carry. */
static uint32_t
mime_structure_flags(const struct mailimap_body_fld_param *params)
{
	const char	*v;
	uint32_t	 flags = 0;

	if ((v = mime_structure_param(params, "format")) != NULL &&
	    strcasecmp(v, "flowed") == 0) {
		flags |= MIME_PART_FLOWED;
		if ((v = mime_structure_param(params, "delsp")) != NULL &&
		    strcasecmp(v, "yes") == 0)
			flags |= MIME_PART_DELSP;
	}
	return flags;
}

/* One libetpan body and what is under it; NULL when past the part count
 * (then nothing more is added anywhere). */
static struct mime_part *
mime_structure_build(const struct mailimap_body *body, int depth,
    size_t *count)
{
	const struct mailimap_body_type_mpart	*mp;
	const struct mailimap_body_type_1part	*one;
	const struct mailimap_body_type_basic	*basic;
	const struct mailimap_body_fields	*fields = NULL;
	const struct mailimap_body_fld_param	*params = NULL;
	const struct mailimap_body_fld_dsp	*dsp = NULL;
	const struct mailimap_body		*inner = NULL;
	struct mime_part			*p, *c;
	clistiter				*it;

	if (body == NULL || *count >= MIME_STRUCTURE_MAX_PARTS)
		return NULL;
	(*count)++;
	p = xcalloc(1, sizeof *p);
	if (body->bd_type == MAILIMAP_BODY_MPART &&
	    (mp = body->bd_data.bd_body_mpart) != NULL) {
		p->type = xstrdup("multipart");
		p->subtype = mime_structure_lower(mp->bd_media_subtype != NULL ?
		    mp->bd_media_subtype : "mixed");
		if (mp->bd_ext_mpart != NULL) {
			params = mp->bd_ext_mpart->bd_parameter;
			dsp = mp->bd_ext_mpart->bd_disposition;
		}
		if (depth + 1 < MIME_STRUCTURE_MAX_DEPTH &&
		    mp->bd_list != NULL) {
			for (it = clist_begin(mp->bd_list); it != NULL;
			    it = clist_next(it)) {
				c = mime_structure_build(clist_content(it),
				    depth + 1, count);
				if (c != NULL)
					mime_structure_add_child(p, c);
			}
		}
	} else if (body->bd_type == MAILIMAP_BODY_1PART &&
	    (one = body->bd_data.bd_body_1part) != NULL) {
		switch (one->bd_type) {
		case MAILIMAP_BODY_TYPE_1PART_BASIC:
			if ((basic = one->bd_data.bd_type_basic) == NULL)
				break;
			if (basic->bd_media_basic != NULL) {
				p->type = mime_structure_lower(
				    mime_structure_media(
				    basic->bd_media_basic));
				if (basic->bd_media_basic->med_subtype != NULL)
					p->subtype = mime_structure_lower(
					    basic->bd_media_basic->med_subtype);
			}
			fields = basic->bd_fields;
			break;
		case MAILIMAP_BODY_TYPE_1PART_MSG:
			if (one->bd_data.bd_type_msg == NULL)
				break;
			p->type = xstrdup("message");
			p->subtype = xstrdup("rfc822");
			fields = one->bd_data.bd_type_msg->bd_fields;
			p->lines = one->bd_data.bd_type_msg->bd_lines;
			inner = one->bd_data.bd_type_msg->bd_body;
			break;
		case MAILIMAP_BODY_TYPE_1PART_TEXT:
			if (one->bd_data.bd_type_text == NULL)
				break;
			p->type = xstrdup("text");
			if (one->bd_data.bd_type_text->bd_media_text != NULL)
				p->subtype = mime_structure_lower(
				    one->bd_data.bd_type_text->bd_media_text);
			fields = one->bd_data.bd_type_text->bd_fields;
			p->lines = one->bd_data.bd_type_text->bd_lines;
			break;
		}
		if (one->bd_ext_1part != NULL)
			dsp = one->bd_ext_1part->bd_disposition;
		if (fields != NULL) {
			params = fields->bd_parameter;
			p->charset = mime_structure_optional(
			    mime_structure_param(params, "charset"), 1);
			p->id = mime_structure_optional(fields->bd_id, 0);
			p->size = fields->bd_size;
			p->flags = mime_structure_flags(params);
		}
		p->encoding = mime_structure_lower(mime_structure_encoding(
		    fields != NULL ? fields->bd_encoding : NULL));
		if (inner != NULL && depth + 1 < MIME_STRUCTURE_MAX_DEPTH &&
		    (c = mime_structure_build(inner, depth + 1, count)) != NULL)
			mime_structure_add_child(p, c);
	}
	/* What libetpan left out (it should not) becomes opaque data. */
	if (p->type == NULL) {
		p->type = xstrdup("application");
		free(p->subtype);
		p->subtype = xstrdup("octet-stream");
	}
	if (p->subtype == NULL)
		p->subtype = xstrdup("octet-stream");
	if (p->encoding == NULL && !mime_structure_is(p, "multipart", NULL))
		p->encoding = xstrdup("7bit");
	/* RFC 2183: an unknown disposition is treated as attachment. */
	if (dsp != NULL && dsp->dsp_type != NULL && *dsp->dsp_type != '\0')
		p->disposition = xstrdup(strcasecmp(dsp->dsp_type, "inline") ==
		    0 ? "inline" : "attachment");
	if (dsp != NULL)
		p->name = mime_structure_param_name(dsp->dsp_attributes,
		    "filename");
	if (p->name == NULL)
		p->name = mime_structure_param_name(params, "name");
	return p;
}

struct mime_part *
mime_structure_from_imap(const struct mailimap_body *body)
{
	struct mime_part	*root;
	size_t			 count = 0;

	if (body == NULL)
		return NULL;
	root = mime_structure_build(body, 0, &count);
	mime_structure_number_root(root);
	return root;
}

const struct mime_part *
mime_structure_find(const struct mime_part *p, const char *section)
{
	const struct mime_part	*found;
	size_t			 i;

	if (strcmp(p->section, section) == 0)
		return p;
	for (i = 0; i < p->nchildren; i++) {
		if ((found = mime_structure_find(p->children[i], section)) !=
		    NULL)
			return found;
	}
	return NULL;
}

void
mime_structure_free(struct mime_part *p)
{
	size_t	i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nchildren; i++)
		mime_structure_free(p->children[i]);
	free(p->children);
	free(p->section);
	free(p->type);
	free(p->subtype);
	free(p->charset);
	free(p->name);
	free(p->disposition);
	free(p->encoding);
	free(p->id);
	free(p);
}

/* Whether serialize writes byte c at position i of a string as %XX. */
static int
mime_structure_escaped(unsigned char c, size_t i)
{
	return c <= 0x20 || c >= 0x7f || c == '%' || (c == '-' && i == 0);
}

static void
mime_structure_put_string(struct mime_structure_buf *b, const char *s)
{
	char	hex[4];
	size_t	i;

	mime_structure_buf_addc(b, ' ');
	if (s == NULL) {
		mime_structure_buf_addc(b, '-');
		return;
	}
	for (i = 0; s[i] != '\0'; i++) {
		if (mime_structure_escaped((unsigned char)s[i], i)) {
			snprintf(hex, sizeof hex, "%%%02X",
			    (unsigned char)s[i]);
			mime_structure_buf_add(b, hex, 3);
		} else
			mime_structure_buf_addc(b, s[i]);
	}
}

static void
mime_structure_put(struct mime_structure_buf *b, const struct mime_part *p,
    int depth)
{
	char	num[64];
	int	n;
	size_t	i;

	n = snprintf(num, sizeof num, "%d", depth);
	mime_structure_buf_add(b, num, (size_t)n);
	mime_structure_put_string(b, p->type);
	mime_structure_put_string(b, p->subtype);
	mime_structure_put_string(b, p->charset);
	mime_structure_put_string(b, p->name);
	mime_structure_put_string(b, p->disposition);
	mime_structure_put_string(b, p->encoding);
	mime_structure_put_string(b, p->id);
	n = snprintf(num, sizeof num, " %llu %lu %lu\n",
	    (unsigned long long)p->size, (unsigned long)p->lines,
	    (unsigned long)p->flags);
	mime_structure_buf_add(b, num, (size_t)n);
	for (i = 0; i < p->nchildren; i++)
		mime_structure_put(b, p->children[i], depth + 1);
}

char *
mime_structure_serialize(const struct mime_part *root)
{
	struct mime_structure_buf	b = { NULL, 0, 0 };

	if (root == NULL)
		return NULL;
	mime_structure_buf_add(&b, MIME_STRUCTURE_MAGIC,
	    strlen(MIME_STRUCTURE_MAGIC));
	mime_structure_put(&b, root, 0);
	return b.s;
}

/* One field of a line as a string. Only serialize's exact spelling is
 * accepted, so that reading and writing again gives the same text.
 * *error is set when the field is wrong. */
static char *
mime_structure_get_string(const char *f, size_t len, const char **error)
{
	char		*out, *o;
	size_t		 i;
	int		 hi, lo;
	unsigned char	 c;

	if (len == 1 && f[0] == '-')
		return NULL;
	out = o = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		c = (unsigned char)f[i];
		if (c != '%') {
			if (mime_structure_escaped(c, (size_t)(o - out))) {
				*error = "a byte that should be escaped";
				goto fail;
			}
			*o++ = (char)c;
			continue;
		}
		if (len - i < 3 || (hi = mime_structure_hex(f[i + 1])) == -1 ||
		    (lo = mime_structure_hex(f[i + 2])) == -1 ||
		    (f[i + 1] >= 'a' && f[i + 1] <= 'f') ||
		    (f[i + 2] >= 'a' && f[i + 2] <= 'f')) {
			*error = "a bad %XX escape";
			goto fail;
		}
		c = (unsigned char)(hi << 4 | lo);
		if (c == 0) {
			*error = "an escaped NUL";
			goto fail;
		}
		if (!mime_structure_escaped(c, (size_t)(o - out))) {
			*error = "an escape that is not needed";
			goto fail;
		}
		*o++ = (char)c;
		i += 2;
	}
	*o = '\0';
	return out;

fail:
	free(out);
	return NULL;
}

/* One field as a number no larger than max; -1 and *error if it is
 * not one (leading zeros, signs and overflow are refused). */
static int
mime_structure_get_number(const char *f, size_t len, uint64_t max,
    uint64_t *out, const char **error)
{
	uint64_t	n = 0, d;
	size_t		i;

	if (len == 0 || (len > 1 && f[0] == '0')) {
		*error = "a bad number";
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (f[i] < '0' || f[i] > '9') {
			*error = "a bad number";
			return -1;
		}
		d = (uint64_t)(f[i] - '0');
		if (n > (max - d) / 10) {
			*error = "a number too large";
			return -1;
		}
		n = n * 10 + d;
	}
	*out = n;
	return 0;
}

#define MIME_STRUCTURE_FIELDS	11	/* mime1 has one fewer */

/* One part line (from line up to the '\n' at end) into a new part and its
 * depth; NULL and *error if it is wrong. */
static struct mime_part *
mime_structure_get_line(const char *line, const char *end, size_t nfields,
    int *depth, const char **error)
{
	const char		*f[MIME_STRUCTURE_FIELDS], *s = line, *sp;
	size_t			 len[MIME_STRUCTURE_FIELDS], n = 0;
	struct mime_part	*p;
	char			**strings[7];
	uint64_t		 v;
	size_t			 i;

	for (;;) {
		if (n == nfields) {
			*error = "too many fields";
			return NULL;
		}
		sp = memchr(s, ' ', (size_t)(end - s));
		f[n] = s;
		len[n++] = (size_t)((sp != NULL ? sp : end) - s);
		if (sp == NULL)
			break;
		s = sp + 1;
	}
	if (n != nfields) {
		*error = "too few fields";
		return NULL;
	}
	if (mime_structure_get_number(f[0], len[0], UINT32_MAX, &v,
	    error) != 0)
		return NULL;
	if (v >= MIME_STRUCTURE_MAX_DEPTH) {
		*error = "parts nested too deep";
		return NULL;
	}
	*depth = (int)v;

	p = xcalloc(1, sizeof *p);
	strings[0] = &p->type;
	strings[1] = &p->subtype;
	strings[2] = &p->charset;
	strings[3] = &p->name;
	strings[4] = &p->disposition;
	strings[5] = &p->encoding;
	strings[6] = &p->id;
	for (i = 0; i < 7; i++) {
		*error = NULL;
		*strings[i] = mime_structure_get_string(f[i + 1], len[i + 1],
		    error);
		if (*error != NULL)
			goto fail;
	}
	if (mime_structure_get_number(f[8], len[8], UINT64_MAX, &v,
	    error) != 0)
		goto fail;
	p->size = v;
	if (mime_structure_get_number(f[9], len[9], UINT32_MAX, &v,
	    error) != 0)
		goto fail;
	p->lines = (uint32_t)v;
	if (nfields > 10) {
		if (mime_structure_get_number(f[10], len[10], UINT32_MAX,
		    &v, error) != 0)
			goto fail;
		if ((v & ~(uint64_t)(MIME_PART_FLOWED | MIME_PART_DELSP)) != 0) {
			*error = "unknown flags";
			goto fail;
		}
		p->flags = (uint32_t)v;
	}

	/* What mime_structure_from_imap promises. */
	if (p->type == NULL || p->subtype == NULL) {
		*error = "a part without a type";
		goto fail;
	}
	if (p->encoding == NULL && !mime_structure_is(p, "multipart", NULL)) {
		*error = "a part without an encoding";
		goto fail;
	}
	if (p->disposition != NULL &&
	    strcmp(p->disposition, "inline") != 0 &&
	    strcmp(p->disposition, "attachment") != 0) {
		*error = "an unknown disposition";
		goto fail;
	}
	if (p->name != NULL && !mime_structure_is_utf8(p->name)) {
		*error = "a name that is not UTF-8";
		goto fail;
	}
	return p;

fail:
	mime_structure_free(p);
	return NULL;
}

enum mime_structure_status
mime_structure_parse(const char *text, struct mime_part **out, char **error)
{
	struct mime_part	*stack[MIME_STRUCTURE_MAX_DEPTH];
	struct mime_part	*root = NULL, *p, *parent;
	const char		*line, *nl, *why = NULL;
	size_t			 lineno = 1, count = 0, nfields;
	int			 depth, last = -1;

	*out = NULL;
	if (error != NULL)
		*error = NULL;
	if (text == NULL) {
		why = "no text";
		goto fail;
	}
	nfields = MIME_STRUCTURE_FIELDS;
	if (strncmp(text, MIME_STRUCTURE_MAGIC1,
	    strlen(MIME_STRUCTURE_MAGIC1)) == 0)
		nfields--;
	else if (strncmp(text, MIME_STRUCTURE_MAGIC,
	    strlen(MIME_STRUCTURE_MAGIC)) != 0) {
		why = "not a MIME structure (no \"mime2\" line)";
		goto fail;
	}
	for (line = text + strlen(MIME_STRUCTURE_MAGIC); *line != '\0';
	    line = nl + 1) {
		lineno++;
		if ((nl = strchr(line, '\n')) == NULL) {
			why = "cut short (no end of line)";
			goto fail;
		}
		if (++count > MIME_STRUCTURE_MAX_PARTS) {
			why = "too many parts";
			goto fail;
		}
		if ((p = mime_structure_get_line(line, nl, nfields, &depth,
		    &why)) == NULL)
			goto fail;
		if (depth > last + 1 || (depth == 0 && root != NULL)) {
			mime_structure_free(p);
			why = depth == 0 ? "a second root" :
			    "a part without a parent";
			goto fail;
		}
		if (depth == 0)
			root = p;
		else {
			parent = stack[depth - 1];
			if (!mime_structure_is(parent, "multipart", NULL) &&
			    (!mime_structure_is(parent, "message", NULL) ||
			    parent->nchildren > 0)) {
				mime_structure_free(p);
				why = "parts inside a part that has none";
				goto fail;
			}
			mime_structure_add_child(parent, p);
		}
		stack[depth] = p;
		last = depth;
	}
	if (root == NULL) {
		why = "no parts";
		goto fail;
	}
	mime_structure_number_root(root);
	*out = root;
	return MIME_STRUCTURE_OK;

fail:
	mime_structure_free(root);
	if (error != NULL)
		*error = xasprintf("line %zu: %s", lineno, why);
	return MIME_STRUCTURE_INVALID;
}

/* Text worth showing as a message body (a calendar or a vCard is data). */
static int
mime_structure_is_text(const struct mime_part *p)
{
	return mime_structure_is(p, "text", NULL) &&
	    strcasecmp(p->subtype, "calendar") != 0 &&
	    strcasecmp(p->subtype, "vcard") != 0 &&
	    strcasecmp(p->subtype, "x-vcard") != 0 &&
	    strcasecmp(p->subtype, "directory") != 0;
}

static int
mime_structure_is_attachment(const struct mime_part *p)
{
	return p->disposition != NULL &&
	    strcmp(p->disposition, "attachment") == 0;
}

/* How good a choice a displayed part d is inside multipart/alternative. */
static int
mime_structure_rank(const struct mime_part *d, int prefer_html)
{
	if (d == NULL)
		return 0;
	if (strcasecmp(d->subtype, "plain") == 0)
		return prefer_html ? 2 : 3;
	if (strcasecmp(d->subtype, "html") == 0)
		return prefer_html ? 3 : 2;
	return 1;
}

/* The display part under p; top when p is the whole message (or the
 * body of a message/rfc822 that is). */
static const struct mime_part *
mime_structure_choose(const struct mime_part *p, int prefer_html, int top)
{
	const struct mime_part	*d, *best = NULL;
	size_t			 i;
	int			 rank, best_rank = 0;

	if (mime_structure_is(p, "multipart", NULL)) {
		if (p->nchildren == 0 ||
		    strcasecmp(p->subtype, "encrypted") == 0)
			return NULL;
		if (strcasecmp(p->subtype, "signed") == 0 ||
		    strcasecmp(p->subtype, "related") == 0)
			return mime_structure_choose(p->children[0],
			    prefer_html, 0);
		if (strcasecmp(p->subtype, "alternative") == 0) {
			/* RFC 2046: the last is the richest, so later
			 * parts win ties. */
			for (i = 0; i < p->nchildren; i++) {
				d = mime_structure_choose(p->children[i],
				    prefer_html, 0);
				rank = mime_structure_rank(d, prefer_html);
				if (rank > 0 && rank >= best_rank) {
					best = d;
					best_rank = rank;
				}
			}
			return best;
		}
		for (i = 0; i < p->nchildren; i++) {
			d = mime_structure_choose(p->children[i], prefer_html,
			    0);
			if (d != NULL)
				return d;
		}
		return NULL;
	}
	if (p->nchildren > 0)	/* message/rfc822 */
		return top ? mime_structure_choose(p->children[0],
		    prefer_html, 1) : NULL;
	if (mime_structure_is_text(p) &&
	    (top || !mime_structure_is_attachment(p)))
		return p;
	return NULL;
}

const struct mime_part *
mime_structure_display(const struct mime_part *root, int prefer_html)
{
	if (root == NULL)
		return NULL;
	return mime_structure_choose(root, prefer_html, 1);
}

struct mime_structure_walk {
	const struct mime_part	*shown[2];
	mime_structure_cb	 cb;
	void			*arg;
	size_t			 count;
};

static void
mime_structure_list(struct mime_structure_walk *w, const struct mime_part *p)
{
	w->count++;
	if (w->cb != NULL)
		w->cb(p, w->arg);
}

/* List what under p is not shown; in_alt when p is inside an alternative
 * (its text is another form of the shown text), top as for choose. */
static void
mime_structure_walk(struct mime_structure_walk *w, const struct mime_part *p,
    int in_alt, int top)
{
	const struct mime_part	*c;
	size_t			 i, first = 0;

	if (p == w->shown[0] || p == w->shown[1])
		return;
	if (mime_structure_is(p, "multipart", NULL)) {
		if (p->nchildren == 0)
			return;
		/* A signature is not content, even when a mailer calls it
		 * an attachment (some do). */
		if (strcasecmp(p->subtype, "signed") == 0) {
			mime_structure_walk(w, p->children[0], in_alt, 0);
			return;
		}
		/* Resources of the shown HTML, unless they say otherwise. */
		if (strcasecmp(p->subtype, "related") == 0) {
			mime_structure_walk(w, p->children[0], in_alt, 0);
			for (i = 1; i < p->nchildren; i++) {
				c = p->children[i];
				if (c->nchildren == 0 &&
				    mime_structure_is_attachment(c))
					mime_structure_list(w, c);
			}
			return;
		}
		/* The first part of multipart/encrypted is its version. */
		if (strcasecmp(p->subtype, "encrypted") == 0)
			first = 1;
		if (strcasecmp(p->subtype, "alternative") == 0)
			in_alt = 1;
		for (i = first; i < p->nchildren; i++)
			mime_structure_walk(w, p->children[i], in_alt, 0);
		return;
	}
	if (p->nchildren > 0 && top) {	/* the message is message/rfc822 */
		mime_structure_walk(w, p->children[0], in_alt, 1);
		return;
	}
	if (in_alt && mime_structure_is(p, "text", NULL) &&
	    !mime_structure_is_attachment(p))
		return;
	mime_structure_list(w, p);
}

size_t
mime_structure_attachments(const struct mime_part *root,
    mime_structure_cb cb, void *arg)
{
	struct mime_structure_walk	w;

	if (root == NULL)
		return 0;
	memset(&w, 0, sizeof w);
	w.shown[0] = mime_structure_display(root, 0);
	w.shown[1] = mime_structure_display(root, 1);
	w.cb = cb;
	w.arg = arg;
	mime_structure_walk(&w, root, 0, 1);
	return w.count;
}

static void
mime_structure_mark(const struct mime_part *p, void *arg)
{
	int	*found = arg;

	if (p->name != NULL || mime_structure_is_attachment(p) ||
	    !mime_structure_is_text(p))
		*found = 1;
}

int
mime_structure_has_attachments(const struct mime_part *root)
{
	int	found = 0;

	mime_structure_attachments(root, mime_structure_mark, &found);
	return found;
}
