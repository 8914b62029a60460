/* test-compose: drafts parsed (and refused with the line and the reason),
 * messages built (RFC 2047 words, folding, quoted-printable, base64
 * attachments with RFC 2231 names, Bcc kept out) and read back by skua's
 * own parser and renderer; replies and forwards as editor text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "compose.h"
#include "mime-header.h"
#include "mime-message.h"
#include "render.h"
#include "utf8.h"
#include "xmalloc.h"

/* A fixed date: 2024-03-05 14:07:09 UTC. */
#define TEST_DATE	1709647629

static struct compose *
parse_ok(const char *text)
{
	struct compose	*c = NULL;
	char		*error = NULL;

	if (compose_parse(text, strlen(text), &c, &error) != 0)
		fail_msg("parse failed: %s", error);
	assert_non_null(c);
	assert_null(error);
	return c;
}

/* Parse must fail with an error containing each of want (NULL-ended). */
static void
parse_fails(const char *text, ...)
{
	struct compose	*c = NULL;
	const char	*want;
	char		*error = NULL;
	va_list		 ap;

	assert_int_equal(compose_parse(text, strlen(text), &c, &error), -1);
	assert_null(c);
	assert_non_null(error);
	va_start(ap, text);
	while ((want = va_arg(ap, const char *)) != NULL)
		if (strstr(error, want) == NULL)
			fail_msg("error \"%s\" lacks \"%s\"", error, want);
	va_end(ap);
	free(error);
}

static char *
build(const char *text, int allow_8bit, size_t *len)
{
	struct compose_build_opts	 opts = { TEST_DATE, "test.example",
					     allow_8bit, 0 };
	struct compose			*c = parse_ok(text);
	char				*out = NULL, *error = NULL;
	size_t				 n;

	if (compose_build(c, &opts, &out, &n, &error) != 0)
		fail_msg("build failed: %s", error);
	compose_free(c);
	assert_int_equal(strlen(out), n);
	if (len != NULL)
		*len = n;
	return out;
}

/* Every line ends in CRLF, none is longer than max, no bare CR or LF. */
static void
check_lines(const char *msg, size_t max)
{
	const char	*p = msg, *eol;

	while (*p != '\0') {
		eol = strstr(p, "\r\n");
		assert_non_null(eol);
		assert_null(memchr(p, '\n', eol - p));
		assert_null(memchr(p, '\r', eol - p));
		if ((size_t)(eol - p) > max)
			fail_msg("line of %zu: %.*s", (size_t)(eol - p),
			    (int)(eol - p), p);
		p = eol + 2;
	}
}

/* The value of header name in msg, unfolded (caller frees), or NULL. */
static char *
header_of(const char *msg, const char *name)
{
	struct mime_message	*m;
	char			*v, *d;

	m = mime_message_parse(msg, strlen(msg));
	v = mime_message_header(m, NULL, name);
	mime_message_free(m);
	if (v == NULL)
		return NULL;
	d = mime_header_decode(v, strlen(v), 0, NULL);
	free(v);
	return d;
}

static void
test_parse_errors(void **state)
{
	(void)state;
	parse_fails("From: me@example.org\nTo: bob@\n\nhi\n", "line 2",
	    "To", "bob@", NULL);
	parse_fails("From: me@example.org\nTo: Bob Smith bob@example.org\n\n",
	    "line 2", "not an address", NULL);
	parse_fails("From: me@example.org\nCc: <bob@example.org\n\n",
	    "not closed", NULL);
	parse_fails("From: me@example.org\nTo: bob@example\n\n",
	    "host name", NULL);
	parse_fails("From: me@example.org\nTo: b\xc3\xb6@example.org\n\n",
	    "non-ASCII", NULL);
	parse_fails("From: me@example.org\nX-Thing: 1\n\n", "line 2",
	    "unknown header", NULL);
	parse_fails("From: me@example.org\nthis is the body\n", "line 2",
	    "not a header", NULL);
	parse_fails("From: a@example.org, b@example.org\n\n", "From",
	    "exactly one", NULL);
	parse_fails("From: me@example.org\nSubject: \xff\n\n", "UTF-8",
	    NULL);
	parse_fails("From: me@example.org\nAttach: /nonexistent/file\n\n",
	    "line 2", "/nonexistent/file", NULL);
	parse_fails("From: me@example.org\nIn-Reply-To: nope\n\n",
	    "In-Reply-To", NULL);
	parse_fails("  continued\n\n", "continuation", NULL);
}

static void
test_parse_fields(void **state)
{
	struct compose	*c;

	(void)state;
	c = parse_ok("from: \"Doe, Jane\" <jane@example.org>\r\n"
	    "To: Bob <bob@example.org>, carol@example.org,\r\n"
	    "  (the boss) Dave <dave@example.org>\r\n"
	    "Cc:\r\nBcc: undisclosed-recipients:;\r\n"
	    "Subject:   Hello   there  \r\n"
	    "References: <a@x> <b@y>\r\n\r\nbody\r\n");
	assert_int_equal(c->from.n, 1);
	assert_string_equal(c->from.v[0].name, "Doe, Jane");
	assert_string_equal(c->from.v[0].addr, "jane@example.org");
	assert_int_equal(c->to.n, 3);
	assert_string_equal(c->to.v[0].name, "Bob");
	assert_null(c->to.v[1].name);
	assert_string_equal(c->to.v[2].name, "Dave");
	assert_int_equal(c->cc.n, 0);
	assert_int_equal(c->bcc.n, 1);
	assert_null(c->bcc.v[0].addr);
	assert_string_equal(c->subject, "Hello there");
	assert_string_equal(c->references, "<a@x> <b@y>");
	assert_string_equal(c->body, "body\r\n");
	assert_string_equal(compose_sender(c), "jane@example.org");
	compose_free(c);

	/* Nothing at all: no From, which build then refuses. */
	c = parse_ok("");
	assert_null(compose_sender(c));
	compose_free(c);
	compose_free(NULL);
}

static void
test_header_encoding(void **state)
{
	char	*msg, *v;

	(void)state;
	msg = build("From: J\xc3\xb6rg M\xc3\xbcller <j@example.org>\n"
	    "To: \"Doe, John\" <jd@example.org>, plain@example.org\n"
	    "Subject: Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln, ok\n\nhi\n", 0,
	    NULL);
	/* Only the words that need it are encoded. */
	assert_non_null(strstr(msg, "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?= "
	    "aus =?utf-8?q?K=C3=B6ln=2C?= ok\r\n"));
	assert_non_null(strstr(msg, "From: =?utf-8?q?J=C3=B6rg_M=C3=BCller?= "
	    "<j@example.org>\r\n"));
	assert_non_null(strstr(msg, "To: \"Doe, John\" <jd@example.org>, "
	    "plain@example.org\r\n"));
	assert_non_null(strstr(msg, "Date: "));
	assert_non_null(strstr(msg, "MIME-Version: 1.0\r\n"));
	assert_non_null(strstr(msg, "@test.example>\r\n"));
	assert_non_null(strstr(msg, "Content-Transfer-Encoding: 7bit\r\n"));
	for (v = msg; *v != '\0'; v++)
		assert_true((unsigned char)*v < 0x80);
	v = header_of(msg, "Subject");
	assert_string_equal(v, "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln, ok");
	free(v);
	free(msg);

	/* ASCII that looks like an encoded word is encoded, so it stays. */
	msg = build("From: a@example.org\nSubject: about =?x?q?y?=\n\n", 0,
	    NULL);
	v = header_of(msg, "Subject");
	assert_string_equal(v, "about =?x?q?y?=");
	free(v);
	free(msg);
}

static void
test_folding(void **state)
{
	char	 draft[4096], *msg, *v;
	char	 subject[2048];
	size_t	 i;

	(void)state;
	strcpy(draft, "From: a@example.org\nTo: ");
	for (i = 0; i < 12; i++) {
		char	one[64];

		snprintf(one, sizeof one, "%sPerson %zu "
		    "<person%zu@example.org>", i > 0 ? ", " : "", i, i);
		strcat(draft, one);
	}
	strcpy(subject, "");
	for (i = 0; i < 30; i++)
		strcat(subject, i % 2 ? "w\xc3\xb6rd " : "word ");
	strcat(subject, "end");
	strcat(draft, "\nSubject: ");
	strcat(draft, subject);
	strcat(draft, "\n\nbody\n");
	msg = build(draft, 0, NULL);
	check_lines(msg, 77);
	if (strstr(msg, ",\r\n ") == NULL)
		fail_msg("not folded between addresses: %s", msg);
	v = header_of(msg, "Subject");
	assert_string_equal(v, subject);
	free(v);
	v = header_of(msg, "To");
	assert_non_null(strstr(v, "Person 11 <person11@example.org>"));
	free(v);
	free(msg);
}

static void
test_body_encoding(void **state)
{
	char	draft[4096], *msg;
	size_t	i;

	(void)state;
	/* Non-ASCII, no 8BITMIME: quoted-printable. */
	msg = build("From: a@example.org\n\ncaf\xc3\xa9 = bar \nnext\n", 0,
	    NULL);
	assert_non_null(strstr(msg, "Content-Transfer-Encoding: "
	    "quoted-printable\r\n"));
	assert_non_null(strstr(msg, "\r\n\r\ncaf=C3=A9 =3D bar=20\r\n"
	    "next\r\n"));
	assert_non_null(strstr(msg, "text/plain; charset=utf-8"));
	free(msg);

	/* With 8BITMIME and short lines: 8bit, as written. */
	msg = build("From: a@example.org\n\ncaf\xc3\xa9\n", 1, NULL);
	assert_non_null(strstr(msg, "Content-Transfer-Encoding: 8bit\r\n"));
	assert_non_null(strstr(msg, "\r\n\r\ncaf\xc3\xa9\r\n"));
	free(msg);

	/* A line over 998 octets: quoted-printable even in ASCII, soft
	 * breaks keep lines at 76. */
	strcpy(draft, "From: a@example.org\n\n");
	for (i = 0; i < 1200; i++)
		strcat(draft, "x");
	strcat(draft, "\n");
	msg = build(draft, 1, NULL);
	assert_non_null(strstr(msg, "quoted-printable"));
	check_lines(msg, 76);
	assert_non_null(strstr(msg, "=\r\nxxx"));
	free(msg);
}

/* A file in a temporary directory; the caller frees the path. */
static char *
write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char	*path;
	FILE	*f;

	path = xasprintf("%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

static void
test_attachment(void **state)
{
	char		 dir[] = "/tmp/test-compose-XXXXXX", draft[2048];
	char		*pdf, *txt, *bin, *msg, *p, *end, *b64;
	unsigned char	 data[300], decoded[400];
	size_t		 i, n;
	int		 r;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < sizeof data; i++)
		data[i] = i * 7;
	pdf = write_file(dir, "r\xc3\xa9sum\xc3\xa9.pdf", data, sizeof data);
	txt = write_file(dir, "notes", "plain text\n", 11);
	bin = write_file(dir, "blob", "\0\1\2", 3);
	snprintf(draft, sizeof draft, "From: a@example.org\nTo: b@example.org\n"
	    "Attach: %s\nAttach: %s\nAttach: %s\n\nsee attached\n", pdf, txt,
	    bin);
	msg = build(draft, 0, NULL);
	check_lines(msg, 77);
	assert_non_null(strstr(msg, "Content-Type: multipart/mixed;"));
	assert_non_null(strstr(msg, "Content-Type: application/pdf\r\n"));
	assert_non_null(strstr(msg, "Content-Disposition: attachment; "
	    "filename*=utf-8''r%C3%A9sum%C3%A9.pdf\r\n"));
	assert_non_null(strstr(msg, "Content-Type: text/plain; "
	    "charset=utf-8\r\nContent-Disposition: attachment; "
	    "filename=\"notes\""));
	assert_non_null(strstr(msg, "Content-Type: application/octet-stream"
	    "\r\nContent-Disposition: attachment; filename=\"blob\""));

	/* The PDF's base64 decodes to the bytes. */
	p = strstr(msg, "r%C3%A9sum%C3%A9.pdf\r\n");
	p = strstr(p, "base64\r\n\r\n") + 10;
	end = strstr(p, "\r\n\r\n--");
	b64 = calloc(1, end - p + 1);
	for (n = 0; p < end; p++)
		if (*p != '\r' && *p != '\n')
			b64[n++] = *p;
	r = EVP_DecodeBlock(decoded, (unsigned char *)b64, n);
	assert_int_equal(r - (b64[n - 1] == '=') - (b64[n - 2] == '='),
	    sizeof data);
	assert_memory_equal(decoded, data, sizeof data);
	free(b64);
	free(msg);

	/* A long non-ASCII name: RFC 2231 continuations, lines short. */
	unlink(txt);
	free(txt);
	txt = write_file(dir, "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"
	    "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4.txt",
	    "x", 1);
	snprintf(draft, sizeof draft, "From: a@example.org\nAttach: %s\n\n",
	    txt);
	msg = build(draft, 0, NULL);
	check_lines(msg, 77);
	assert_non_null(strstr(msg, "filename*0*=utf-8''%C3%A4"));
	assert_non_null(strstr(msg, "filename*1*="));
	free(msg);

	unlink(pdf);
	unlink(txt);
	unlink(bin);
	rmdir(dir);
	free(pdf);
	free(txt);
	free(bin);
}

static void
test_bcc(void **state)
{
	struct compose	*c;
	char		*msg, **rcpts;
	size_t		 n;

	(void)state;
	c = parse_ok("From: a@example.org\nTo: To <to@example.org>\n"
	    "Cc: cc@example.org, TO@example.org\n"
	    "Bcc: Secret <secret@example.org>\n\nhi\n");
	compose_recipients(c, &rcpts, &n);
	assert_int_equal(n, 3);
	assert_string_equal(rcpts[0], "to@example.org");
	assert_string_equal(rcpts[1], "cc@example.org");
	assert_string_equal(rcpts[2], "secret@example.org");
	compose_recipients_free(rcpts, n);
	compose_free(c);
	msg = build("From: a@example.org\nTo: To <to@example.org>\n"
	    "Bcc: Secret <secret@example.org>\n\nhi\n", 0, NULL);
	assert_null(strstr(msg, "secret"));
	assert_null(strstr(msg, "Secret"));
	assert_null(strstr(msg, "Bcc"));
	free(msg);
}

static void
test_round_trip(void **state)
{
	struct render_opts	 ropts;
	char			 dir[] = "/tmp/test-compose-XXXXXX";
	char			 draft[2048], *att, *msg, *text;
	size_t			 len;

	(void)state;
	assert_non_null(mkdtemp(dir));
	att = write_file(dir, "\xc3\xbc" "bersicht.pdf", "%PDF-1.4\n", 9);
	snprintf(draft, sizeof draft,
	    "From: J\xc3\xb6rg M\xc3\xbcller <j@example.org>\n"
	    "To: Ren\xc3\xa9" "e Dupont <renee@example.org>\n"
	    "Cc: plain@example.org\n"
	    "Subject: R\xc3\xa9sum\xc3\xa9 f\xc3\xbcr die Sitzung\n"
	    "Attach: %s\n\n"
	    "Hallo Ren\xc3\xa9" "e,\n\nanbei die \xc3\x9c" "bersicht.\n", att);
	msg = build(draft, 0, &len);
	memset(&ropts, 0, sizeof ropts);
	text = render_message(msg, len, &ropts);
	if (strstr(text, "Subject: R\xc3\xa9sum\xc3\xa9 f\xc3\xbcr die "
	    "Sitzung") == NULL)
		fail_msg("rendered: %s", text);
	assert_non_null(strstr(text, "From: J\xc3\xb6rg M\xc3\xbcller "
	    "<j@example.org>"));
	assert_non_null(strstr(text, "To: Ren\xc3\xa9" "e Dupont "
	    "<renee@example.org>"));
	assert_non_null(strstr(text, "Cc: plain@example.org"));
	assert_non_null(strstr(text, "Hallo Ren\xc3\xa9" "e,\n\nanbei die "
	    "\xc3\x9c" "bersicht.\n"));
	assert_non_null(strstr(text, "\xc3\xbc" "bersicht.pdf"));
	assert_non_null(strstr(text, "application/pdf"));
	free(text);
	free(msg);
	unlink(att);
	rmdir(dir);
	free(att);
}

static const char * const alternates[] = { "me2@example.org", NULL };
static const struct compose_identity me = { "Me <me@example.org>",
    alternates };

static void
test_reply(void **state)
{
	struct compose_original	 o;
	struct compose		*c;
	char			*d;

	(void)state;
	memset(&o, 0, sizeof o);
	o.from = "Alice Example <alice@example.org>";
	o.to = "Me <me@example.org>, Bob <bob@example.org>";
	o.cc = "me2@example.org, \"Carol, C.\" <carol@example.org>";
	o.message_id = "<m1@example.org>";
	o.references = "<m0@example.org>";
	o.subject = "Hello";
	o.date = "Tue, 5 Mar 2024 14:07";
	o.body = "first line\n> earlier\n\nlast";

	d = compose_reply_draft(&o, &me, 0);
	assert_non_null(strstr(d, "From: Me <me@example.org>\n"));
	assert_non_null(strstr(d, "To: Alice Example <alice@example.org>\n"));
	assert_non_null(strstr(d, "Cc:\n"));
	assert_non_null(strstr(d, "Subject: Re: Hello\n"));
	assert_non_null(strstr(d, "In-Reply-To: <m1@example.org>\n"));
	assert_non_null(strstr(d, "References: <m0@example.org> "
	    "<m1@example.org>\n"));
	assert_non_null(strstr(d, "\n\nOn Tue, 5 Mar 2024 14:07, Alice "
	    "Example wrote:\n> first line\n>> earlier\n>\n> last\n"));
	c = parse_ok(d);
	assert_int_equal(c->to.n, 1);
	compose_free(c);
	free(d);

	/* Reply-all: To and Cc but the user's own addresses. */
	d = compose_reply_draft(&o, &me, 1);
	assert_non_null(strstr(d, "To: Alice Example <alice@example.org>\n"));
	assert_non_null(strstr(d, "Cc: Bob <bob@example.org>, \"Carol, C.\" "
	    "<carol@example.org>\n"));
	assert_null(strstr(d, "me2@"));
	assert_null(strstr(d, "To: Me"));
	c = parse_ok(d);
	assert_int_equal(c->cc.n, 2);
	compose_free(c);
	free(d);

	/* Reply-To wins over From; the subject gets one "Re:". */
	o.reply_to = "List <list@example.org>";
	o.subject = "RE: Hello";
	d = compose_reply_draft(&o, &me, 0);
	assert_non_null(strstr(d, "To: List <list@example.org>\n"));
	assert_non_null(strstr(d, "Subject: RE: Hello\n"));
	free(d);
	d = compose_reply_draft(&o, &me, 1);
	assert_non_null(strstr(d, "To: List <list@example.org>\n"));
	assert_non_null(strstr(d, "Cc: Bob <bob@example.org>"));
	free(d);

	/* Mail-Followup-To, for reply-all, is where the answer goes. */
	o.mail_followup_to = "team@example.org, me@example.org";
	d = compose_reply_draft(&o, &me, 1);
	assert_non_null(strstr(d, "To: team@example.org\nCc:\n"));
	free(d);

	/* Answering one's own message goes to its recipients. */
	memset(&o, 0, sizeof o);
	o.from = "Me <me@example.org>";
	o.to = "Bob <bob@example.org>";
	o.subject = "Hi";
	d = compose_reply_draft(&o, &me, 0);
	assert_non_null(strstr(d, "To: Bob <bob@example.org>\n"));
	assert_non_null(strstr(d, "Me wrote:\n"));
	free(d);
}

static void
test_forward(void **state)
{
	struct compose_original	 o;
	struct compose		*c;
	char			*d;

	(void)state;
	memset(&o, 0, sizeof o);
	o.from = "Alice <alice@example.org>";
	o.to = "me@example.org";
	o.subject = "Plans";
	o.date = "Tue, 5 Mar 2024";
	o.body = "the text";
	d = compose_forward_draft(&o, &me);
	assert_non_null(strstr(d, "Subject: Fwd: Plans\n"));
	assert_non_null(strstr(d, "-------- Forwarded message --------\n"
	    "From: Alice <alice@example.org>\nDate: Tue, 5 Mar 2024\n"
	    "Subject: Plans\nTo: me@example.org\n\nthe text\n"));
	c = parse_ok(d);
	assert_int_equal(c->to.n, 0);
	assert_string_equal(c->subject, "Fwd: Plans");
	compose_free(c);
	free(d);
	o.subject = "fwd: Plans";
	d = compose_forward_draft(&o, &me);
	assert_non_null(strstr(d, "Subject: fwd: Plans\n"));
	free(d);
}

static void
test_build_errors(void **state)
{
	struct compose_build_opts	 opts = { TEST_DATE, NULL, 0, 0 };
	struct compose			*c;
	char				*out, *error = NULL;
	size_t				 len;

	(void)state;
	c = parse_ok("To: b@example.org\n\nhi\n");
	assert_int_equal(compose_build(c, &opts, &out, &len, &error), -1);
	assert_null(out);
	assert_non_null(strstr(error, "From"));
	free(error);
	compose_free(c);

	/* The Message-ID domain defaults to the From address's. */
	c = parse_ok("From: a@sender.example\n\nhi\n");
	assert_int_equal(compose_build(c, &opts, &out, &len, &error), 0);
	assert_non_null(strstr(out, "@sender.example>\r\n"));
	assert_non_null(strstr(out, "Date: Tue, 5 Mar 2024 14:07:09 +0000"));
	free(out);
	compose_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_header_encoding),
		cmocka_unit_test(test_folding),
		cmocka_unit_test(test_body_encoding),
		cmocka_unit_test(test_attachment),
		cmocka_unit_test(test_bcc),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_forward),
		cmocka_unit_test(test_build_errors),
	};

	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
