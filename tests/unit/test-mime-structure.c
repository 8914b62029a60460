/* test-mime-structure: real BODYSTRUCTURE replies through libetpan's
 * parser into skua's tree: sections, the part shown, attachments and
 * names, the mirror's text form, and corrupted text read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "mime-structure.h"

/* Pieces of BODYSTRUCTURE text (RFC 3501 7.4.2), to keep cases short. */
#define TEXT(sub, size, lines)						\
	"(\"TEXT\" \"" sub "\" (\"CHARSET\" \"utf-8\") NIL NIL "	\
	"\"QUOTED-PRINTABLE\" " #size " " #lines " NIL NIL NIL NIL)"
#define PLAIN(size, lines)	TEXT("PLAIN", size, lines)
#define HTML(size, lines)	TEXT("HTML", size, lines)
#define ATTACHED(type, sub, file, size)					\
	"(\"" type "\" \"" sub "\" (\"NAME\" \"" file "\") NIL NIL "	\
	"\"BASE64\" " #size " NIL (\"ATTACHMENT\" (\"FILENAME\" \""	\
	file "\")) NIL NIL)"
#define MULTI(sub, parts)						\
	"(" parts " \"" sub "\" (\"BOUNDARY\" \"=_b\") NIL NIL NIL)"
#define ENVELOPE							\
	"(\"Mon, 1 Jan 2024 10:00:00 +0000\" \"Inner\" "		\
	"((\"A\" NIL \"a\" \"example.org\")) "				\
	"((\"A\" NIL \"a\" \"example.org\")) "				\
	"((\"A\" NIL \"a\" \"example.org\")) "				\
	"((\"B\" NIL \"b\" \"example.org\")) NIL NIL NIL "		\
	"\"<inner@example.org>\")"
#define MESSAGE(body, size, lines, dsp)					\
	"(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" " #size " "	\
	ENVELOPE " " body " " #lines " NIL " dsp " NIL NIL)"

/* Parts equal field by field, children too. */
static int
equal_string(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static int
equal(const struct mime_part *a, const struct mime_part *b)
{
	size_t	i;

	if (!equal_string(a->section, b->section) ||
	    !equal_string(a->type, b->type) ||
	    !equal_string(a->subtype, b->subtype) ||
	    !equal_string(a->charset, b->charset) ||
	    !equal_string(a->name, b->name) ||
	    !equal_string(a->disposition, b->disposition) ||
	    !equal_string(a->encoding, b->encoding) ||
	    !equal_string(a->id, b->id) || a->size != b->size ||
	    a->lines != b->lines || a->nchildren != b->nchildren)
		return 0;
	for (i = 0; i < a->nchildren; i++) {
		if (!equal(a->children[i], b->children[i]))
			return 0;
	}
	return 1;
}

/* serialize, parse, compare, serialize again: the same text. */
static void
check_round_trip(const struct mime_part *root)
{
	struct mime_part	*back = NULL;
	char			*text, *again, *error = NULL;

	text = mime_structure_serialize(root);
	assert_non_null(text);
	if (mime_structure_parse(text, &back, &error) != MIME_STRUCTURE_OK)
		fail_msg("%s: %s", error, text);
	assert_null(error);
	assert_true(equal(root, back));
	again = mime_structure_serialize(back);
	assert_string_equal(again, text);
	free(again);
	free(text);
	mime_structure_free(back);
}

/* The BODYSTRUCTURE as libetpan parses it from a server's FETCH reply,
 * fed through a socketpair; then skua's tree of it. */
static struct mime_part *
load(const char *bodystructure)
{
	struct mailimap_msg_att_item	*item;
	struct mailimap_msg_att		*att;
	struct mailimap_body		*body = NULL;
	struct mailimap_fetch_type	*type;
	struct mailimap_set		*set;
	struct mime_part		*root;
	mailimap			*imap;
	mailstream			*stream;
	clistiter			*it, *jt;
	clist				*result = NULL;
	char				*reply;
	size_t				 len, off = 0;
	ssize_t				 n;
	int				 sv[2], r;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	len = strlen(bodystructure) + 128;
	reply = malloc(len);
	len = (size_t)snprintf(reply, len, "* OK ready\r\n"
	    "* 1 FETCH (UID 7 BODYSTRUCTURE %s)\r\n1 OK done\r\n",
	    bodystructure);
	while (off < len) {
		n = write(sv[1], reply + off, len - off);
		assert_true(n > 0);
		off += (size_t)n;
	}
	free(reply);

	imap = mailimap_new(0, NULL);
	assert_non_null(stream = mailstream_socket_open(sv[0]));
	r = mailimap_connect(imap, stream);
	assert_int_equal(r, MAILIMAP_NO_ERROR_NON_AUTHENTICATED);
	imap->imap_state = MAILIMAP_STATE_SELECTED;
	set = mailimap_set_new_single(1);
	type = mailimap_fetch_type_new_fetch_att(
	    mailimap_fetch_att_new_bodystructure());
	r = mailimap_fetch(imap, set, type, &result);
	mailimap_fetch_type_free(type);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		fail_msg("libetpan did not parse %s: %d", bodystructure, r);

	for (it = clist_begin(result); it != NULL; it = clist_next(it)) {
		att = clist_content(it);
		for (jt = clist_begin(att->att_list); jt != NULL;
		    jt = clist_next(jt)) {
			item = clist_content(jt);
			if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
			    item->att_data.att_static->att_type ==
			    MAILIMAP_MSG_ATT_BODYSTRUCTURE)
				body = item->att_data.att_static->
				    att_data.att_bodystructure;
		}
	}
	assert_non_null(body);
	root = mime_structure_from_imap(body);
	assert_non_null(root);

	/* Close first: mailimap_free would wait for a LOGOUT reply. */
	mailimap_fetch_list_free(result);
	mailstream_close(imap->imap_stream);
	imap->imap_stream = NULL;
	mailimap_free(imap);
	close(sv[1]);

	check_round_trip(root);
	return root;
}

static const struct mime_part *
find(const struct mime_part *p, const char *section)
{
	const struct mime_part	*found;
	size_t			 i;

	if (strcmp(p->section, section) == 0)
		return p;
	for (i = 0; i < p->nchildren; i++) {
		if ((found = find(p->children[i], section)) != NULL)
			return found;
	}
	return NULL;
}

static const struct mime_part *
part(const struct mime_part *root, const char *section, const char *type,
    const char *subtype)
{
	const struct mime_part	*p = find(root, section);

	if (p == NULL)
		fail_msg("no part %s", section);
	assert_string_equal(p->type, type);
	assert_string_equal(p->subtype, subtype);
	return p;
}

static void
check_display(const struct mime_part *root, const char *plain,
    const char *html)
{
	const struct mime_part	*d;

	d = mime_structure_display(root, 0);
	if (plain == NULL)
		assert_null(d);
	else {
		assert_non_null(d);
		assert_string_equal(d->section, plain);
	}
	d = mime_structure_display(root, 1);
	if (html == NULL)
		assert_null(d);
	else {
		assert_non_null(d);
		assert_string_equal(d->section, html);
	}
}

/* Attachments as "SECTION NAME SIZE;..." to compare in one go. */
static void
collect(const struct mime_part *p, void *arg)
{
	char	*list = arg;
	size_t	 len = strlen(list);

	snprintf(list + len, 1024 - len, "%s %s %llu;", p->section,
	    p->name != NULL ? p->name : "-", (unsigned long long)p->size);
}

static void
check_attachments(const struct mime_part *root, const char *want, int has)
{
	char	list[1024] = "";
	size_t	n, i, count = 0;

	n = mime_structure_attachments(root, collect, list);
	for (i = 0; list[i] != '\0'; i++)
		count += list[i] == ';';
	assert_string_equal(list, want);
	assert_int_equal(n, count);
	assert_int_equal(mime_structure_attachments(root, NULL, NULL), n);
	assert_int_equal(mime_structure_has_attachments(root), has);
}

static void
test_single(void **state)
{
	struct mime_part	*root;

	root = load("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\" \"FORMAT\" "
	    "\"flowed\") NIL NIL \"QUOTED-PRINTABLE\" 1234 20 NIL NIL NIL "
	    "NIL)");
	part(root, "1", "text", "plain");
	assert_string_equal(root->charset, "utf-8");
	assert_string_equal(root->encoding, "quoted-printable");
	assert_null(root->name);
	assert_null(root->disposition);
	assert_null(root->id);
	assert_int_equal(root->size, 1234);
	assert_int_equal(root->lines, 20);
	assert_int_equal(root->flags, MIME_PART_FLOWED);
	assert_int_equal(root->nchildren, 0);
	check_display(root, "1", "1");
	check_attachments(root, "", 0);
	mime_structure_free(root);

	root = load("(\"TEXT\" \"PLAIN\" (\"FORMAT\" \"Flowed\" \"DelSp\" "
	    "\"Yes\") NIL NIL \"7BIT\" 12 2 NIL NIL NIL NIL)");
	assert_int_equal(root->flags, MIME_PART_FLOWED | MIME_PART_DELSP);
	mime_structure_free(root);
	/* delsp alone means nothing. */
	root = load("(\"TEXT\" \"PLAIN\" (\"DELSP\" \"yes\") NIL NIL "
	    "\"7BIT\" 12 2 NIL NIL NIL NIL)");
	assert_int_equal(root->flags, 0);
	mime_structure_free(root);

	/* Without extension data (BODY, not BODYSTRUCTURE, style). */
	root = load("(\"text\" \"plain\" NIL NIL NIL \"7bit\" 3 1)");
	part(root, "1", "text", "plain");
	assert_null(root->charset);
	assert_string_equal(root->encoding, "7bit");
	check_display(root, "1", "1");
	mime_structure_free(root);
}

static void
test_alternative(void **state)
{
	struct mime_part	*root;

	root = load(MULTI("ALTERNATIVE", PLAIN(100, 5) HTML(900, 12)));
	part(root, "", "multipart", "alternative");
	assert_null(root->encoding);
	assert_int_equal(root->nchildren, 2);
	assert_int_equal(part(root, "1", "text", "plain")->size, 100);
	assert_int_equal(part(root, "2", "text", "html")->lines, 12);
	check_display(root, "1", "2");
	check_attachments(root, "", 0);
	mime_structure_free(root);

	/* html first (odd, but seen): preferences still decide. */
	root = load(MULTI("ALTERNATIVE", HTML(900, 12) PLAIN(100, 5)));
	check_display(root, "2", "1");
	mime_structure_free(root);
}

static void
test_html_only(void **state)
{
	struct mime_part	*root;

	root = load(HTML(3000, 40));
	part(root, "1", "text", "html");
	check_display(root, "1", "1");
	check_attachments(root, "", 0);
	mime_structure_free(root);
}

static void
test_mixed_rfc2231(void **state)
{
	struct mime_part	*root;
	const struct mime_part	*p;
	char			*text;

	root = load(MULTI("MIXED",
	    PLAIN(50, 2)
	    "(\"APPLICATION\" \"PDF\" "
	    "(\"NAME*\" \"utf-8''R%C3%A9sum%C3%A9.pdf\") NIL NIL \"BASE64\" "
	    "54000 NIL (\"ATTACHMENT\" (\"FILENAME*\" "
	    "\"utf-8''R%C3%A9sum%C3%A9.pdf\")) NIL NIL)"
	    "(\"APPLICATION\" \"PDF\" (\"NAME*0*\" \"utf-8''Lettre%20de%20\" "
	    "\"NAME*1*\" \"motivation %C3%A9t%C3%A9\" \"NAME*2\" \".pdf\") NIL "
	    "NIL \"BASE64\" 2048 NIL (\"attachment\" NIL) NIL NIL)"
	    "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"iso-8859-1\" \"NAME*0*\" "
	    "\"iso-8859-1'fr'caf%E9\" \"NAME*1\" \".txt\") NIL NIL "
	    "\"8BIT\" 10 1 NIL (\"ATTACHMENT\" NIL) NIL NIL)"
	    "(\"IMAGE\" \"JPEG\" "
	    "(\"NAME\" \"=?UTF-8?B?5pel5pys6KqeLnR4dA==?=\") NIL NIL "
	    "\"BASE64\" 4096 NIL (\"INLINE\" NIL) NIL NIL)"));
	part(root, "", "multipart", "mixed");
	assert_int_equal(root->nchildren, 5);
	p = part(root, "2", "application", "pdf");
	assert_string_equal(p->name, "Résumé.pdf");
	assert_string_equal(p->disposition, "attachment");
	assert_string_equal(p->encoding, "base64");
	assert_int_equal(p->size, 54000);
	p = part(root, "3", "application", "pdf");
	assert_string_equal(p->name, "Lettre de motivation été.pdf");
	assert_string_equal(p->disposition, "attachment");
	p = part(root, "4", "text", "plain");
	assert_string_equal(p->name, "café.txt");
	assert_string_equal(p->charset, "iso-8859-1");
	assert_string_equal(p->encoding, "8bit");
	p = part(root, "5", "image", "jpeg");
	assert_string_equal(p->name, "日本語.txt");
	assert_string_equal(p->disposition, "inline");
	check_display(root, "1", "1");
	check_attachments(root, "2 Résumé.pdf 54000;"
	    "3 Lettre de motivation été.pdf 2048;4 café.txt 10;"
	    "5 日本語.txt 4096;", 1);

	/* The text form, pinned: the mirror keeps it across versions. */
	text = mime_structure_serialize(root);
	assert_string_equal(text, "mime2\n"
	    "0 multipart mixed - - - - - 0 0 0\n"
	    "1 text plain utf-8 - - quoted-printable - 50 2 0\n"
	    "1 application pdf - R%C3%A9sum%C3%A9.pdf attachment base64 - "
	    "54000 0 0\n"
	    "1 application pdf - Lettre%20de%20motivation%20%C3%A9t%C3%A9.pdf "
	    "attachment base64 - 2048 0 0\n"
	    "1 text plain iso-8859-1 caf%C3%A9.txt attachment 8bit - 10 1 0\n"
	    "1 image jpeg - %E6%97%A5%E6%9C%AC%E8%AA%9E.txt inline base64 - "
	    "4096 0 0\n");
	free(text);
	mime_structure_free(root);
}

/* Which name wins, and names that are broken in every way. */
static void
test_names(void **state)
{
	struct mime_part	*root;

	root = load(MULTI("MIXED",
	    /* filename* over filename over name* over name. */
	    "(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME\" \"n.bin\" \"NAME*\" "
	    "\"utf-8''n2.bin\") NIL NIL \"BASE64\" 1 NIL (\"ATTACHMENT\" "
	    "(\"FILENAME\" \"f.bin\" \"FILENAME*\" \"utf-8''f2.bin\")) NIL NIL)"
	    "(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME\" \"n.bin\" \"NAME*\" "
	    "\"utf-8''n2.bin\") NIL NIL \"BASE64\" 2 NIL (\"ATTACHMENT\" "
	    "(\"FILENAME\" \"f.bin\")) NIL NIL)"
	    "(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME\" \"n.bin\" \"NAME*\" "
	    "\"utf-8''n2.bin\") NIL NIL \"BASE64\" 3 NIL (\"ATTACHMENT\" "
	    "(\"SIZE\" \"3\")) NIL NIL)"
	    /* Invalid UTF-8, an escaped NUL, a bad escape. */
	    "(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME*\" "
	    "\"utf-8''bad%FF%00name%zz.txt\") NIL NIL \"BASE64\" 4 NIL NIL "
	    "NIL NIL)"
	    /* Unknown charset (read as UTF-8), a hostile charset name. */
	    "(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME*\" "
	    "\"x-no-such-charset''%C3%A9.txt\") NIL NIL \"BASE64\" 5 NIL NIL "
	    "NIL NIL)"
	    "(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME*\" "
	    "\"../../x//TRANSLIT''%E9t%E9\") NIL NIL \"BASE64\" 6 NIL NIL NIL "
	    "NIL)"
	    /* Latin-1 cut mid-sequence is fine; UTF-16 cut is not whole. */
	    "(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME*\" "
	    "\"utf-16be''%00a%00b%00\") NIL NIL \"BASE64\" 7 NIL NIL NIL NIL)"
	    /* Continuations with a gap stop at the gap; leading zeros and
	     * odd suffixes are not segments. */
	    "(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME*0\" \"a\" \"NAME*1\" "
	    "\"b\" \"NAME*3\" \"d\" \"NAME*02\" \"x\" \"NAME*2x\" \"y\") "
	    "NIL NIL \"BASE64\" 8 NIL NIL NIL NIL)"
	    /* No quotes in an extended value: all of it is the value. */
	    "(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME*\" \"plain%20name\") "
	    "NIL NIL \"BASE64\" 9 NIL NIL NIL NIL)"
	    /* An RFC 2047 word in an unknown charset, and a broken one. */
	    "(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME\" "
	    "\"=?x-unknown?Q?a=E9b?=\") NIL NIL \"BASE64\" 10 NIL NIL NIL NIL)"
	    "(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME\" \"=?utf-8?B?###?=\") "
	    "NIL NIL \"BASE64\" 11 NIL NIL NIL NIL)"
	    /* Raw 8-bit in a plain name, and an empty one. */
	    "(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME\" \"r\xe9sum\xc3\xa9\") "
	    "NIL NIL \"BASE64\" 12 NIL NIL NIL NIL)"
	    "(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME\" \"\") NIL NIL "
	    "\"X-UUENCODE\" 13 NIL (\"FORM-DATA\" NIL) NIL NIL)"));
	assert_string_equal(find(root, "1")->name, "f2.bin");
	assert_string_equal(find(root, "2")->name, "f.bin");
	assert_string_equal(find(root, "3")->name, "n2.bin");
	assert_string_equal(find(root, "4")->name,
	    "bad\xef\xbf\xbdname%zz.txt");
	assert_string_equal(find(root, "5")->name, "é.txt");
	assert_string_equal(find(root, "6")->name, "\xef\xbf\xbdt\xef\xbf\xbd");
	assert_string_equal(find(root, "7")->name, "ab\xef\xbf\xbd");
	assert_string_equal(find(root, "8")->name, "ab");
	assert_string_equal(find(root, "9")->name, "plain name");
	assert_string_equal(find(root, "10")->name, "a\xc3\xa9" "b");
	assert_string_equal(find(root, "11")->name, "=?utf-8?B?###?=");
	/* Mixed Latin-1 and UTF-8: each read as what it is. */
	assert_string_equal(find(root, "12")->name, "résumé");
	assert_null(find(root, "13")->name);
	assert_string_equal(find(root, "13")->encoding, "x-uuencode");
	/* RFC 2183: an unknown disposition is an attachment. */
	assert_string_equal(find(root, "13")->disposition, "attachment");
	mime_structure_free(root);
}

static void
test_message_attached(void **state)
{
	struct mime_part	*root;
	const struct mime_part	*p;

	root = load(MULTI("MIXED", PLAIN(30, 1)
	    MESSAGE(MULTI("MIXED", PLAIN(10, 1)
	    ATTACHED("IMAGE", "PNG", "dot.png", 300)), 4000, 80,
	    "(\"ATTACHMENT\" (\"FILENAME\" \"fwd.eml\"))")));
	part(root, "", "multipart", "mixed");
	part(root, "1", "text", "plain");
	p = part(root, "2", "message", "rfc822");
	assert_string_equal(p->name, "fwd.eml");
	assert_int_equal(p->size, 4000);
	assert_int_equal(p->lines, 80);
	assert_int_equal(p->nchildren, 1);
	part(root, "2.TEXT", "multipart", "mixed");
	part(root, "2.1", "text", "plain");
	assert_string_equal(part(root, "2.2", "image", "png")->name, "dot.png");
	check_display(root, "1", "1");
	/* The message once, as a whole; not what is inside it. */
	check_attachments(root, "2 fwd.eml 4000;", 1);
	mime_structure_free(root);

	/* A message with a one-part body: that body is N.1. */
	root = load(MULTI("MIXED", PLAIN(30, 1)
	    MESSAGE(PLAIN(10, 1), 400, 8, "NIL")));
	part(root, "2", "message", "rfc822");
	part(root, "2.1", "text", "plain");
	check_display(root, "1", "1");
	check_attachments(root, "2 - 400;", 1);
	mime_structure_free(root);
}

/* The whole message is message/rfc822: shown inline. */
static void
test_message_whole(void **state)
{
	struct mime_part	*root;

	root = load(MESSAGE(MULTI("ALTERNATIVE", PLAIN(10, 1) HTML(20, 2)),
	    500, 20, "NIL"));
	part(root, "1", "message", "rfc822");
	part(root, "1.TEXT", "multipart", "alternative");
	part(root, "1.1", "text", "plain");
	part(root, "1.2", "text", "html");
	check_display(root, "1.1", "1.2");
	check_attachments(root, "", 0);
	mime_structure_free(root);

	root = load(MESSAGE(PLAIN(10, 1), 300, 10, "NIL"));
	part(root, "1.1", "text", "plain");
	check_display(root, "1.1", "1.1");
	check_attachments(root, "", 0);
	mime_structure_free(root);

	/* Nested twice: message in message. */
	root = load(MESSAGE(MESSAGE(MULTI("MIXED", PLAIN(1, 1)
	    ATTACHED("APPLICATION", "ZIP", "a.zip", 99)), 200, 9, "NIL"),
	    300, 10, "NIL"));
	part(root, "1.1", "message", "rfc822");
	part(root, "1.1.TEXT", "multipart", "mixed");
	part(root, "1.1.1", "text", "plain");
	part(root, "1.1.2", "application", "zip");
	check_display(root, "1.1.1", "1.1.1");
	check_attachments(root, "1.1.2 a.zip 99;", 1);
	mime_structure_free(root);
}

static void
test_related(void **state)
{
	struct mime_part	*root;
	const struct mime_part	*p;

	root = load(MULTI("ALTERNATIVE", PLAIN(100, 3)
	    MULTI("RELATED", HTML(2000, 30)
	    "(\"IMAGE\" \"PNG\" (\"NAME\" \"logo.png\") \"<logo@example.org>\" "
	    "NIL \"BASE64\" 5000 NIL (\"INLINE\" (\"FILENAME\" \"logo.png\")) "
	    "NIL NIL)")));
	part(root, "2", "multipart", "related");
	part(root, "2.1", "text", "html");
	p = part(root, "2.2", "image", "png");
	assert_string_equal(p->id, "<logo@example.org>");
	assert_string_equal(p->name, "logo.png");
	check_display(root, "1", "2.1");
	check_attachments(root, "", 0);
	mime_structure_free(root);

	/* A resource that says it is an attachment is listed. */
	root = load(MULTI("RELATED", HTML(2000, 30)
	    ATTACHED("APPLICATION", "PDF", "real.pdf", 777)));
	check_display(root, "1", "1");
	check_attachments(root, "2 real.pdf 777;", 1);
	mime_structure_free(root);
}

static void
test_signed(void **state)
{
	struct mime_part	*root;

	root = load("(" PLAIN(40, 2)
	    "(\"APPLICATION\" \"PGP-SIGNATURE\" (\"NAME\" \"signature.asc\") "
	    "NIL \"OpenPGP digital signature\" \"7BIT\" 833 NIL "
	    "(\"ATTACHMENT\" (\"FILENAME\" \"signature.asc\")) NIL NIL) "
	    "\"SIGNED\" (\"MICALG\" \"pgp-sha256\" \"PROTOCOL\" "
	    "\"application/pgp-signature\" \"BOUNDARY\" \"s\") NIL NIL NIL)");
	part(root, "", "multipart", "signed");
	part(root, "2", "application", "pgp-signature");
	check_display(root, "1", "1");
	check_attachments(root, "", 0);
	mime_structure_free(root);

	/* Signed content with an attachment inside it. */
	root = load("(" MULTI("MIXED", MULTI("ALTERNATIVE", PLAIN(1, 1)
	    HTML(2, 2)) ATTACHED("APPLICATION", "PDF", "x.pdf", 3))
	    "(\"APPLICATION\" \"PKCS7-SIGNATURE\" (\"NAME\" \"smime.p7s\") NIL "
	    "NIL \"BASE64\" 4 NIL (\"ATTACHMENT\" (\"FILENAME\" \"smime.p7s\"))"
	    " NIL NIL) \"SIGNED\" NIL NIL NIL NIL)");
	part(root, "1.1.1", "text", "plain");
	part(root, "1.1.2", "text", "html");
	check_display(root, "1.1.1", "1.1.2");
	check_attachments(root, "1.2 x.pdf 3;", 1);
	mime_structure_free(root);
}

static void
test_mixed_in_alternative(void **state)
{
	struct mime_part	*root;

	/* Apple Mail: html, the attachment and more html in the html
	 * alternative; the plain one says only "see attachment". */
	root = load(MULTI("ALTERNATIVE", PLAIN(100, 4)
	    MULTI("MIXED", HTML(200, 5)
	    ATTACHED("APPLICATION", "PDF", "report.pdf", 65536)
	    HTML(50, 2))));
	part(root, "1", "text", "plain");
	part(root, "2", "multipart", "mixed");
	part(root, "2.1", "text", "html");
	part(root, "2.2", "application", "pdf");
	part(root, "2.3", "text", "html");
	check_display(root, "1", "2.1");
	check_attachments(root, "2.2 report.pdf 65536;", 1);
	mime_structure_free(root);

	/* The usual way round: alternative inside mixed. */
	root = load(MULTI("MIXED", MULTI("ALTERNATIVE", PLAIN(1, 1)
	    HTML(2, 2)) ATTACHED("IMAGE", "JPEG", "cat.jpg", 12345)
	    ATTACHED("TEXT", "PLAIN", "notes.txt", 99)));
	part(root, "1", "multipart", "alternative");
	part(root, "1.1", "text", "plain");
	part(root, "1.2", "text", "html");
	part(root, "2", "image", "jpeg");
	part(root, "3", "text", "plain");
	check_display(root, "1.1", "1.2");
	check_attachments(root, "2 cat.jpg 12345;3 notes.txt 99;", 1);
	mime_structure_free(root);
}

static void
test_no_text(void **state)
{
	struct mime_part	*root;

	/* A bare image: nothing to show, one attachment. */
	root = load("(\"IMAGE\" \"JPEG\" NIL NIL NIL \"BASE64\" 777 NIL NIL "
	    "NIL NIL)");
	check_display(root, NULL, NULL);
	check_attachments(root, "1 - 777;", 1);
	mime_structure_free(root);

	/* A text part that is an attachment, alone in a mixed. */
	root = load(MULTI("MIXED", ATTACHED("TEXT", "PLAIN", "a.txt", 5)));
	check_display(root, NULL, NULL);
	check_attachments(root, "1 a.txt 5;", 1);
	mime_structure_free(root);

	/* Encrypted: the version part is not listed. */
	root = load("((\"APPLICATION\" \"PGP-ENCRYPTED\" NIL NIL NIL \"7BIT\" "
	    "11 NIL NIL NIL NIL)(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME\" "
	    "\"encrypted.asc\") NIL NIL \"7BIT\" 999 NIL (\"INLINE\" "
	    "(\"FILENAME\" \"encrypted.asc\")) NIL NIL) \"ENCRYPTED\" "
	    "(\"PROTOCOL\" \"application/pgp-encrypted\") NIL NIL NIL)");
	check_display(root, NULL, NULL);
	check_attachments(root, "2 encrypted.asc 999;", 1);
	mime_structure_free(root);

	/* A calendar is data, not the text to show. */
	root = load(MULTI("MIXED", TEXT("CALENDAR", 300, 10) PLAIN(5, 1)));
	check_display(root, "2", "2");
	check_attachments(root, "1 - 300;", 1);
	mime_structure_free(root);
}

/* A list footer is listed but is not worth a mark in the index. */
static void
test_footer(void **state)
{
	struct mime_part	*root;

	root = load(MULTI("MIXED", PLAIN(500, 10) PLAIN(80, 3)));
	check_display(root, "1", "1");
	check_attachments(root, "2 - 80;", 0);
	mime_structure_free(root);
}

/* libetpan parses deeper and wider trees than skua keeps. */
static void
test_bounds(void **state)
{
	struct mime_part	*root;
	const struct mime_part	*p;
	char			*text, *s;
	size_t			 i, depth, len;
	const char		*leaf =
	    "(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)";

	/* 40 nested multiparts: kept to 32 levels. */
	len = 40 * 20 + strlen(leaf) + 1;
	text = calloc(1, len);
	for (i = 0; i < 40; i++)
		strcat(text, "(");
	strcat(text, leaf);
	for (i = 0; i < 40; i++)
		strcat(text, " \"MIXED\")");
	root = load(text);
	free(text);
	for (p = root, depth = 1; p->nchildren > 0; p = p->children[0])
		depth++;
	assert_int_equal(depth, MIME_STRUCTURE_MAX_DEPTH);
	assert_string_equal(p->type, "multipart");
	check_display(root, NULL, NULL);
	mime_structure_free(root);

	/* 1200 parts: the first 1000 are kept. */
	len = 1200 * strlen(leaf) + 32;
	text = s = calloc(1, len);
	*s++ = '(';
	for (i = 0; i < 1200; i++)
		s = stpcpy(s, leaf);
	strcpy(s, " \"MIXED\")");
	root = load(text);
	free(text);
	assert_int_equal(root->nchildren, MIME_STRUCTURE_MAX_PARTS - 1);
	part(root, "999", "text", "plain");
	check_display(root, "1", "1");
	/* The other 998 texts are listed, but are no attachments. */
	assert_int_equal(mime_structure_attachments(root, NULL, NULL), 998);
	assert_int_equal(mime_structure_has_attachments(root), 0);
	mime_structure_free(root);
}

static void
check_invalid(const char *text)
{
	struct mime_part	*out = (struct mime_part *)1;
	char			*error = NULL;

	if (mime_structure_parse(text, &out, &error) != MIME_STRUCTURE_INVALID)
		fail_msg("accepted: %s", text != NULL ? text : "NULL");
	assert_null(out);
	assert_non_null(error);
	assert_true(strncmp(error, "line ", 5) == 0);
	free(error);
	/* error may be NULL. */
	assert_int_equal(mime_structure_parse(text, &out, NULL),
	    MIME_STRUCTURE_INVALID);
}

/* What serialize writes for an old "mime1" text: FLAGS 0 on each line.
 * Static storage; the tests' texts are small. */
static const char *
mime2_of(const char *text)
{
	static char	 buf[65536];
	size_t		 o = 0;
	const char	*s;

	o = (size_t)snprintf(buf, sizeof buf, "mime2\n");
	for (s = text + 6; *s != '\0' && o + 4 < sizeof buf; s++) {
		if (*s == '\n') {
			buf[o++] = ' ';
			buf[o++] = '0';
		}
		buf[o++] = *s;
	}
	buf[o] = '\0';
	return buf;
}

static void
check_valid(const char *text)
{
	struct mime_part	*out = NULL;
	char			*error = NULL, *again;

	if (mime_structure_parse(text, &out, &error) != MIME_STRUCTURE_OK)
		fail_msg("%s: %s", error, text);
	again = mime_structure_serialize(out);
	if (strncmp(text, "mime1\n", 6) == 0)
		assert_string_equal(again, mime2_of(text));
	else
		assert_string_equal(again, text);
	free(again);
	mime_structure_free(out);
}

#define LEAF	"text plain - - - 7bit - 1 1\n"
#define MIXED	"multipart mixed - - - - - 0 0\n"

static void
test_parse_garbage(void **state)
{
	check_invalid(NULL);
	check_invalid("");
	check_invalid("mime1");
	check_invalid("mime1\n");
	check_invalid("mime2\n0 " LEAF);
	check_invalid("mime2\n0 text plain - - - 7bit - 1 1 4\n");
	check_invalid("mime2\n0 text plain - - - 7bit - 1 1 -\n");
	check_invalid("mime2\n0 text plain - - - 7bit - 1 1 1 1\n");
	check_valid("mime2\n0 text plain - - - 7bit - 1 1 3\n");
	check_invalid("MIME1\n0 " LEAF);
	check_invalid("\n0 " LEAF);
	check_invalid("mime1\n\n");
	check_invalid("mime1\n0 text plain - - - 7bit - 1 1");
	check_invalid("mime1\r\n0 " LEAF);
	check_invalid("mime1\n0 text plain - - - 7bit - 1 1\r\n");
	/* Field counts and separators. */
	check_invalid("mime1\n0 text plain - - - 7bit - 1\n");
	check_invalid("mime1\n0 text plain - - - 7bit - 1 1 1\n");
	check_invalid("mime1\n0  text plain - - - 7bit - 1 1\n");
	check_invalid("mime1\n0 text plain - - - 7bit - 1 1 \n");
	check_invalid("mime1\n0\ttext plain - - - 7bit - 1 1\n");
	/* Numbers. */
	check_invalid("mime1\n0 text plain - - - 7bit - "
	    "18446744073709551616 1\n");
	check_invalid("mime1\n0 text plain - - - 7bit - "
	    "99999999999999999999999 1\n");
	check_invalid("mime1\n0 text plain - - - 7bit - 1 4294967296\n");
	check_invalid("mime1\n0 text plain - - - 7bit - -1 1\n");
	check_invalid("mime1\n0 text plain - - - 7bit - +1 1\n");
	check_invalid("mime1\n0 text plain - - - 7bit - 01 1\n");
	check_invalid("mime1\n0 text plain - - - 7bit - 1x 1\n");
	check_invalid("mime1\n0 text plain - - - 7bit - 1 \n");
	check_invalid("mime1\n00 " LEAF);
	check_invalid("mime1\n99999999999999999999 " LEAF);
	check_invalid("mime1\nx " LEAF);
	/* Strings: escapes, raw bytes, NUL, names that are not UTF-8. */
	check_invalid("mime1\n0 text plain - a%2 - 7bit - 1 1\n");
	check_invalid("mime1\n0 text plain - a%zz - 7bit - 1 1\n");
	check_invalid("mime1\n0 text plain - a%c3%a9 - 7bit - 1 1\n");
	check_invalid("mime1\n0 text plain - a%00b - 7bit - 1 1\n");
	check_invalid("mime1\n0 text plain - %41 - 7bit - 1 1\n");
	check_invalid("mime1\n0 text plain - a\xc3\xa9 - 7bit - 1 1\n");
	check_invalid("mime1\n0 text plain - a%FFb - 7bit - 1 1\n");
	check_invalid("mime1\n0 text plain - %C3 - 7bit - 1 1\n");
	check_invalid("mime1\n0 text plain - -x - 7bit - 1 1\n");
	check_invalid("mime1\n0 text plain - - weird 7bit - 1 1\n");
	check_invalid("mime1\n0 - plain - - - 7bit - 1 1\n");
	check_invalid("mime1\n0 text - - - - 7bit - 1 1\n");
	check_invalid("mime1\n0 text plain - - - - - 1 1\n");
	/* Shape: second root, a child too deep, children of a leaf, two
	 * bodies in one message. */
	check_invalid("mime1\n0 " LEAF "0 " LEAF);
	check_invalid("mime1\n1 " LEAF);
	check_invalid("mime1\n0 " MIXED "2 " LEAF);
	check_invalid("mime1\n0 " LEAF "1 " LEAF);
	check_invalid("mime1\n0 message rfc822 - - - 7bit - 1 1\n1 " LEAF
	    "1 " LEAF);
	check_invalid("mime1\n0 " MIXED "1 " LEAF "garbage\n");

	/* And what is right in these shapes. */
	check_valid("mime1\n0 " LEAF);
	check_valid("mime1\n0 " MIXED);
	check_valid("mime1\n0 text plain - - - 7bit - 18446744073709551615 "
	    "4294967295\n");
	check_valid("mime1\n0 text plain - %2D - 7bit - 0 0\n");
	check_valid("mime1\n0 text plain - - - 7bit %2Dx-y%25%20%7F%80 0 0\n");
	check_valid("mime1\n0 text plain  %C3%A9 - 7bit  0 0\n");
	check_valid("mime1\n0 message rfc822 - - - 7bit - 1 1\n1 " LEAF);
	check_valid("mime1\n0 " MIXED "1 " MIXED "2 " LEAF "1 " LEAF);
}

static void
test_parse_bounds(void **state)
{
	char	*text, *s;
	size_t	 i, n;

	/* 100000 levels of nesting. */
	n = 100000;
	text = s = malloc(8 + n * (8 + strlen(MIXED)));
	s = stpcpy(s, "mime1\n");
	for (i = 0; i < n; i++)
		s += sprintf(s, "%zu " MIXED, i);
	check_invalid(text);
	free(text);

	/* Exactly the deepest allowed, then one more. */
	for (n = MIME_STRUCTURE_MAX_DEPTH; n <= MIME_STRUCTURE_MAX_DEPTH + 1;
	    n++) {
		text = s = malloc(8 + n * (8 + strlen(MIXED)));
		s = stpcpy(s, "mime1\n");
		for (i = 0; i < n; i++)
			s += sprintf(s, "%zu " MIXED, i);
		if (n == MIME_STRUCTURE_MAX_DEPTH)
			check_valid(text);
		else
			check_invalid(text);
		free(text);
	}

	/* As many parts as allowed, then one more. */
	for (n = MIME_STRUCTURE_MAX_PARTS; n <= MIME_STRUCTURE_MAX_PARTS + 1;
	    n++) {
		text = s = malloc(16 + strlen(MIXED) + n * (4 + strlen(LEAF)));
		s = stpcpy(s, "mime1\n0 " MIXED);
		for (i = 1; i < n; i++)
			s = stpcpy(s, "1 " LEAF);
		if (n == MIME_STRUCTURE_MAX_PARTS)
			check_valid(text);
		else
			check_invalid(text);
		free(text);
	}
}

/* Every prefix and random damage of a real text: an error, or (where the
 * damage still spells a tree) the same text written back. */
static void
test_parse_damage(void **state)
{
	struct mime_part	*root, *out;
	char			*text, *copy, *again;
	size_t			 len, i, j;
	unsigned int		 seed = 42;
	static const char	 bytes[] = " -%09AZaz\n\r\xc3\xa9\x01";

	root = load(MULTI("MIXED", MULTI("ALTERNATIVE", PLAIN(1, 1)
	    HTML(2, 2)) MESSAGE(MULTI("MIXED", PLAIN(10, 1)
	    ATTACHED("IMAGE", "PNG", "d%20t.png", 300)), 4000, 80,
	    "(\"ATTACHMENT\" (\"FILENAME*\" \"utf-8''f%C3%A9.eml\"))")));
	text = mime_structure_serialize(root);
	len = strlen(text);
	copy = malloc(len + 1);
	for (i = 0; i <= len; i++) {
		memcpy(copy, text, i);
		copy[i] = '\0';
		out = NULL;
		if (mime_structure_parse(copy, &out, NULL) ==
		    MIME_STRUCTURE_OK) {
			again = mime_structure_serialize(out);
			assert_string_equal(again, copy);
			free(again);
			mime_structure_free(out);
		}
	}
	for (i = 0; i < 20000; i++) {
		memcpy(copy, text, len + 1);
		for (j = 0; j < 1 + (size_t)(rand_r(&seed) % 4); j++)
			copy[rand_r(&seed) % len] =
			    bytes[rand_r(&seed) % (sizeof bytes - 1)];
		out = NULL;
		if (mime_structure_parse(copy, &out, NULL) ==
		    MIME_STRUCTURE_OK) {
			again = mime_structure_serialize(out);
			assert_string_equal(again, copy);
			free(again);
			mime_structure_free(out);
		}
	}
	free(copy);
	free(text);
	mime_structure_free(root);
}

static void
test_parse_random(void **state)
{
	struct mime_part	*out;
	char			 buf[256];
	unsigned int		 seed = 7;
	size_t			 i, j, n;

	for (i = 0; i < 20000; i++) {
		n = (size_t)rand_r(&seed) % (sizeof buf - 8);
		j = 0;
		if (i % 2)
			j = (size_t)sprintf(buf, "mime1\n");
		for (; j < n; j++)
			buf[j] = (char)(1 + rand_r(&seed) % 255);
		buf[j] = '\0';
		out = NULL;
		if (mime_structure_parse(buf, &out, NULL) ==
		    MIME_STRUCTURE_OK)
			mime_structure_free(out);
	}
}

static void
test_null(void **state)
{
	assert_null(mime_structure_from_imap(NULL));
	assert_null(mime_structure_serialize(NULL));
	assert_null(mime_structure_display(NULL, 0));
	assert_int_equal(mime_structure_attachments(NULL, NULL, NULL), 0);
	assert_int_equal(mime_structure_has_attachments(NULL), 0);
	mime_structure_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single),
		cmocka_unit_test(test_alternative),
		cmocka_unit_test(test_html_only),
		cmocka_unit_test(test_mixed_rfc2231),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_message_attached),
		cmocka_unit_test(test_message_whole),
		cmocka_unit_test(test_related),
		cmocka_unit_test(test_signed),
		cmocka_unit_test(test_mixed_in_alternative),
		cmocka_unit_test(test_no_text),
		cmocka_unit_test(test_footer),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_parse_garbage),
		cmocka_unit_test(test_parse_bounds),
		cmocka_unit_test(test_parse_damage),
		cmocka_unit_test(test_parse_random),
		cmocka_unit_test(test_null),
	};

	return cmocka_run_group_tests_name("mime-structure", tests, NULL,
	    NULL);
}
