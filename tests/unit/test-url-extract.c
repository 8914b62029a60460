/* test-url-extract: URLs found in message text for the pager's URL list,
 * with sentences around them, shell syntax in them, and megabytes of
 * hostile text that must still take linear time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "url-extract.h"

/* text gives exactly the URLs listed (NULL-terminated), in order. */
static void
check(const char *text, const char *const *want)
{
	char	**urls;
	size_t	  n, i;

	urls = url_extract(text, URL_EXTRACT_MAX, &n);
	for (i = 0; want[i] != NULL; i++) {
		if (i >= n)
			fail_msg("%s: URL %zu (%s) missing", text, i, want[i]);
		assert_string_equal(urls[i], want[i]);
	}
	if (n != i)
		fail_msg("%s: %zu URLs, not %zu (extra: %s)", text, n, i,
		    urls[i]);
	url_extract_free(urls, n);
}

#define CHECK(text, ...) do {						\
	const char *const want_[] = { __VA_ARGS__, NULL };		\
	check(text, want_);						\
} while (0)
#define NONE(text) do {							\
	const char *const want_[] = { NULL };				\
	check(text, want_);						\
} while (0)

static void
test_empty(void **state)
{
	size_t	n = 7;

	assert_null(url_extract(NULL, URL_EXTRACT_MAX, &n));
	assert_int_equal(n, 0);
	assert_null(url_extract("", URL_EXTRACT_MAX, &n));
	assert_int_equal(n, 0);
	NONE("no links here, only http and mailto as words");
	NONE("http:// https://. ftp:// mailto: mailto:,");
	NONE("xhttp://example.org ahttps://example.org");
}

static void
test_schemes(void **state)
{
	CHECK("see https://example.org/a?b=c&d=e#f now",
	    "https://example.org/a?b=c&d=e#f");
	CHECK("http://example.org", "http://example.org");
	CHECK("FTP://ftp.example.net/pub/x.tar.gz and HTTPS://EXAMPLE.ORG/",
	    "FTP://ftp.example.net/pub/x.tar.gz", "HTTPS://EXAMPLE.ORG/");
	CHECK("write to mailto:help@example.org?subject=Hi",
	    "mailto:help@example.org?subject=Hi");
	CHECK("http://[2001:db8::1]:8080/x", "http://[2001:db8::1]:8080/x");
	/* Other schemes are not listed. */
	NONE("file:///etc/passwd javascript:alert(1) gopher://x.org");
}

static void
test_punctuation(void **state)
{
	CHECK("Read https://example.org/docs.", "https://example.org/docs");
	CHECK("https://example.org/a, https://example.org/b; and",
	    "https://example.org/a", "https://example.org/b");
	CHECK("Really?! https://example.org/x?!", "https://example.org/x");
	CHECK("\"https://example.org/q\" 'https://example.org/s'",
	    "https://example.org/q", "https://example.org/s");
	CHECK("(see https://example.org/x)", "https://example.org/x");
	CHECK("(https://en.wikipedia.org/wiki/Skua_(bird)).",
	    "https://en.wikipedia.org/wiki/Skua_(bird)");
	CHECK("[https://example.org/list]", "https://example.org/list");
	CHECK("<https://example.org/angle>", "https://example.org/angle");
	CHECK("*https://example.org/bold*", "https://example.org/bold");
	/* A URL ends at a space, a quote mark that is not its own, or any
	 * character RFC 3986 does not allow. */
	CHECK("https://example.org/a b", "https://example.org/a");
	CHECK("https://example.org/a\"b", "https://example.org/a");
	CHECK("https://example.org/a{b}", "https://example.org/a");
	CHECK("https://example.org/a\\b", "https://example.org/a");
	CHECK("https://example.org/a\tb\nhttps://example.org/c",
	    "https://example.org/a", "https://example.org/c");
	/* Non-ASCII ends it too: "»" is not part of the address. */
	CHECK("«https://example.org/fr»", "https://example.org/fr");
}

static void
test_shell(void **state)
{
	/* Shell syntax RFC 3986 allows stays in (the command that opens a
	 * URL gets it quoted); a backtick ends it. */
	CHECK("https://example.net/q?a='x'&b=$(id)",
	    "https://example.net/q?a='x'&b=$(id)");
	CHECK("https://example.net/x`touch pwned`", "https://example.net/x");
	CHECK("https://example.net/$(touch pwned) ",
	    "https://example.net/$(touch");
	CHECK("https://example.net/a;rm -rf ~", "https://example.net/a;rm");
	CHECK("http://x.org/%27%60%24", "http://x.org/%27%60%24");
}

static void
test_duplicates(void **state)
{
	CHECK("https://a.org/ x https://b.org/ https://a.org/ https://b.org/",
	    "https://a.org/", "https://b.org/");
	/* Trimmed, they are the same URL. */
	CHECK("https://a.org/x. https://a.org/x, (https://a.org/x)",
	    "https://a.org/x");
	/* Case matters past the scheme's. */
	CHECK("https://a.org/X https://a.org/x", "https://a.org/X",
	    "https://a.org/x");
}

static void
test_bounds(void **state)
{
	char	 *text, **urls;
	size_t	  n, i, len;

	/* At most max, the first ones. */
	text = malloc(1000 * 32);
	assert_non_null(text);
	for (i = 0, len = 0; i < 1000; i++)
		len += (size_t)sprintf(text + len, "http://h%zu.example/ ", i);
	urls = url_extract(text, 500, &n);
	assert_int_equal(n, 500);
	assert_string_equal(urls[0], "http://h0.example/");
	assert_string_equal(urls[499], "http://h499.example/");
	url_extract_free(urls, n);
	urls = url_extract(text, 0, &n);
	assert_int_equal(n, 0);
	assert_null(urls);
	free(text);

	/* Too long to list; the next one still is. */
	len = URL_EXTRACT_MAX_LENGTH + 100;
	text = malloc(len + 64);
	assert_non_null(text);
	memcpy(text, "http://", 7);
	memset(text + 7, 'a', len - 7);
	strcpy(text + len, " https://after.example/");
	urls = url_extract(text, URL_EXTRACT_MAX, &n);
	assert_int_equal(n, 1);
	assert_string_equal(urls[0], "https://after.example/");
	url_extract_free(urls, n);
	free(text);
}

/* 10 MB of text shaped to make a careless scanner quadratic. */
static void
huge(const char *piece, size_t want)
{
	size_t	 size = 10 * 1024 * 1024, plen = strlen(piece), i;
	char	*text = malloc(size + 1), **urls;
	clock_t	 start;
	double	 secs;
	size_t	 n;

	assert_non_null(text);
	for (i = 0; i + plen <= size; i += plen)
		memcpy(text + i, piece, plen);
	text[i] = '\0';
	start = clock();
	urls = url_extract(text, URL_EXTRACT_MAX, &n);
	secs = (double)(clock() - start) / CLOCKS_PER_SEC;
	assert_int_equal(n, want);
	url_extract_free(urls, n);
	free(text);
	/* A linear pass is well under a second even under a sanitizer. */
	if (secs > 5.0)
		fail_msg("%.40s...: %.1f s for 10 MB", piece, secs);
}

static void
test_huge(void **state)
{
	/* One URL over and over: each must be found in the set at once. */
	huge("https://example.org/same ", 1);
	/* Schemes that never finish. */
	huge("http:/", 0);
	huge("mailto", 0);
	/* One line that is all URL characters: one scan, then too long. */
	huge("http://a", 0);
	/* Closing brackets and dots to trim, over and over. */
	huge("http://a.org/)))).... ", 1);
	/* Hash-friendly distinct URLs up to the bound. */
	huge("https://example.org/x https://example.org/y ", 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_schemes),
		cmocka_unit_test(test_punctuation),
		cmocka_unit_test(test_shell),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_huge),
	};

	return cmocka_run_group_tests_name("url-extract", tests, NULL, NULL);
}
