/* test-thread: threading by Message-ID, References and In-Reply-To (chains,
 * missing parents, duplicates, loops, hostile headers, 100,000 messages),
 * the tree prefix, and the flat orders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "thread.h"

/* A message on the stack; the strings are the caller's. */
static struct thread_message
msg(const char *id, const char *in_reply_to, const char *references,
    int64_t date)
{
	struct thread_message	m;

	memset(&m, 0, sizeof m);
	m.message_id = id;
	m.in_reply_to = in_reply_to;
	m.references = references;
	m.date = date;
	return m;
}

/*
 * Every message in exactly one row; a parent is an earlier row one level
 * up; a row without one is a root, or at depth 1 under a missing message.
 */
static void
assert_rows(const struct thread_row *rows, size_t n)
{
	unsigned char	*seen = calloc(n > 0 ? n : 1, 1);
	size_t		 i;

	assert_non_null(seen);
	for (i = 0; i < n; i++) {
		assert_true(rows[i].message < n);
		assert_false(seen[rows[i].message]);
		seen[rows[i].message] = 1;
		if (rows[i].parent != THREAD_NONE) {
			assert_true(rows[i].parent < i);
			assert_int_equal(rows[i].depth,
			    rows[rows[i].parent].depth + 1);
			assert_false(rows[i].flags & THREAD_ROW_MISSING);
		} else if (rows[i].depth != 0) {
			assert_int_equal(rows[i].depth, 1);
			assert_true(rows[i].flags & THREAD_ROW_MISSING);
		}
	}
	free(seen);
}

/* The row of message m. */
static size_t
row_of(const struct thread_row *rows, size_t n, uint32_t m)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (rows[i].message == m)
			return i;
	}
	fail_msg("message %u has no row", m);
	return 0;
}

/* The message in the parent row of message m's row, or THREAD_NONE. */
static uint32_t
parent_of(const struct thread_row *rows, size_t n, uint32_t m)
{
	size_t	i = row_of(rows, n, m);

	if (rows[i].parent == THREAD_NONE)
		return THREAD_NONE;
	return rows[rows[i].parent].message;
}

static void
assert_prefix(const struct thread_row *rows, size_t n, uint32_t m,
    const char *want)
{
	char	buf[64];
	size_t	len;

	len = thread_prefix(rows, n, row_of(rows, n, m), buf, sizeof buf);
	assert_string_equal(buf, want);
	assert_int_equal(len, strlen(want));
}

static void
test_empty(void **state)
{
	struct thread_message	m[3];
	struct thread_row	rows[3];
	uint32_t		order[3];
	char			buf[8];

	thread_build(NULL, 0, 0, NULL);
	thread_sort(NULL, 0, THREAD_SORT_SUBJECT, 0, NULL);
	/* Nothing usable at all: three roots, newest first. */
	m[0] = msg(NULL, NULL, NULL, 10);
	m[1] = msg("", "", "", 30);
	m[2] = msg("  ", "<>", "<<<>>> < > garbage <", 20);
	thread_build(m, 3, 0, rows);
	assert_rows(rows, 3);
	assert_int_equal(rows[0].message, 1);
	assert_int_equal(rows[1].message, 2);
	assert_int_equal(rows[2].message, 0);
	assert_int_equal(rows[0].depth + rows[1].depth + rows[2].depth, 0);
	assert_int_equal(thread_prefix(rows, 3, 0, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
	assert_int_equal(thread_prefix(rows, 3, 7, buf, sizeof buf), 0);
	assert_int_equal(thread_prefix(rows, 3, 0, buf, 0), 0);
	thread_sort(m, 3, THREAD_SORT_FROM, 0, order);
	assert_int_equal(order[0], 1);
	assert_string_equal(thread_subject(NULL), "");
}

static void
test_chain(void **state)
{
	struct thread_message	m[4];
	struct thread_row	rows[4];

	/* Given out of order, as a folder may hold them. */
	m[0] = msg("<c@x>", "<b@x>", "<a@x> <b@x>", 300);
	m[1] = msg("<a@x>", NULL, NULL, 100);
	m[2] = msg("<b@x>", "<a@x>", "<a@x>", 200);
	m[3] = msg("<d@x>", NULL, "\t<a@x>\r\n <b@x>  <c@x>", 400);
	thread_build(m, 4, 0, rows);
	assert_rows(rows, 4);
	assert_int_equal(rows[0].message, 1);
	assert_int_equal(rows[0].depth, 0);
	assert_int_equal(rows[1].message, 2);
	assert_int_equal(rows[1].depth, 1);
	assert_int_equal(rows[2].message, 0);
	assert_int_equal(rows[2].depth, 2);
	assert_int_equal(rows[3].message, 3);
	assert_int_equal(rows[3].depth, 3);
	assert_int_equal(rows[3].flags, THREAD_ROW_FIRST | THREAD_ROW_LAST);
	assert_prefix(rows, 4, 1, "");
	assert_prefix(rows, 4, 2, "`->");
	assert_prefix(rows, 4, 0, "  `->");
	assert_prefix(rows, 4, 3, "    `->");
}

static void
test_in_reply_to(void **state)
{
	struct thread_message	m[4];
	struct thread_row	rows[4];

	m[0] = msg("<a@x>", NULL, NULL, 100);
	/* Only In-Reply-To, with a comment, as older mailers write it. */
	m[1] = msg("<b@x>", "<a@x> (Alice's message of Monday)", NULL, 200);
	/* Several ids: the first is the parent. */
	m[2] = msg("<c@x>", "<b@x> <a@x>", NULL, 300);
	/* References win over In-Reply-To. */
	m[3] = msg("<d@x>", "<c@x>", "<a@x>", 400);
	thread_build(m, 4, 0, rows);
	assert_rows(rows, 4);
	assert_int_equal(parent_of(rows, 4, 1), 0);
	assert_int_equal(parent_of(rows, 4, 2), 1);
	assert_int_equal(parent_of(rows, 4, 3), 0);
	/* a's children oldest first: b, then d. */
	assert_int_equal(rows[0].message, 0);
	assert_int_equal(rows[1].message, 1);
	assert_int_equal(rows[2].message, 2);
	assert_int_equal(rows[3].message, 3);
	assert_prefix(rows, 4, 1, "+->");
	assert_prefix(rows, 4, 2, "| `->");
	assert_prefix(rows, 4, 3, "`->");
}

static void
test_missing_parent(void **state)
{
	struct thread_message	m[7];
	struct thread_row	rows[7];
	size_t			i;

	/* Two replies to a message the folder lacks: kept together. */
	m[0] = msg("<b@x>", NULL, "<a@x>", 200);
	m[1] = msg("<c@x>", NULL, "<a@x>", 300);
	/* One reply to a lost message: a root of its own. */
	m[2] = msg("<d@x>", NULL, "<lost@x>", 50);
	/* A gap in the middle: g hangs under e, its nearest ancestor. */
	m[3] = msg("<e@x>", NULL, NULL, 10);
	m[4] = msg("<g@x>", NULL, "<e@x> <f@x>", 20);
	/* Two levels missing above two replies. */
	m[5] = msg("<h@x>", NULL, "<p@x> <q@x>", 30);
	m[6] = msg("<i@x>", NULL, "<p@x> <r@x>", 40);
	thread_build(m, 7, 0, rows);
	assert_rows(rows, 7);
	i = row_of(rows, 7, 0);
	assert_int_equal(rows[i].depth, 1);
	assert_int_equal(rows[i].parent, THREAD_NONE);
	assert_int_equal(rows[i].flags, THREAD_ROW_MISSING | THREAD_ROW_FIRST);
	assert_int_equal(rows[i + 1].message, 1);
	assert_int_equal(rows[i + 1].flags,
	    THREAD_ROW_MISSING | THREAD_ROW_LAST);
	assert_prefix(rows, 7, 0, ",->");
	assert_prefix(rows, 7, 1, "`->");
	assert_int_equal(rows[row_of(rows, 7, 2)].depth, 0);
	assert_int_equal(parent_of(rows, 7, 4), 3);
	assert_int_equal(rows[row_of(rows, 7, 4)].depth, 1);
	assert_int_equal(rows[row_of(rows, 7, 5)].depth, 1);
	assert_int_equal(rows[row_of(rows, 7, 5)].parent, THREAD_NONE);
	assert_int_equal(row_of(rows, 7, 6), row_of(rows, 7, 5) + 1);
	/* Threads newest first by their latest message: b/c (300), d (50),
	 * h/i (40), e/g (20). */
	assert_int_equal(rows[0].message, 0);
	assert_int_equal(rows[2].message, 2);
	assert_int_equal(rows[3].message, 5);
	assert_int_equal(rows[5].message, 3);
}

static void
test_duplicates(void **state)
{
	struct thread_message	m[5];
	struct thread_row	rows[5];

	m[0] = msg("<a@x>", NULL, NULL, 100);
	m[1] = msg("<a@x>", NULL, NULL, 100);	/* a copy, same date */
	m[2] = msg("<a@x>", NULL, "<z@x>", 150);	/* elsewhere */
	m[3] = msg("<b@x>", NULL, "<a@x>", 200);
	/* No brackets, the same id, and a as its parent. */
	m[4] = msg("a@x", NULL, "<a@x>", 250);
	thread_build(m, 5, 0, rows);
	assert_rows(rows, 5);
	/* The first keeps the id; replies go to it. */
	assert_int_equal(parent_of(rows, 5, 3), 0);
	assert_int_equal(rows[row_of(rows, 5, 1)].depth, 0);
	assert_int_equal(rows[row_of(rows, 5, 2)].depth, 0);
	assert_int_equal(parent_of(rows, 5, 4), 0);
}

static void
test_cycles(void **state)
{
	struct thread_message	m[6];
	struct thread_row	rows[6];

	/* Each says the other is its parent: the older becomes the root. */
	m[0] = msg("<a@x>", NULL, "<b@x>", 200);
	m[1] = msg("<b@x>", NULL, "<a@x>", 100);
	/* A chain that comes back on itself through missing messages. */
	m[2] = msg("<c@x>", NULL, "<p@x> <q@x> <p@x> <c@x> <q@x>", 300);
	/* Self-references, in References and In-Reply-To. */
	m[3] = msg("<s@x>", "<s@x>", "<s@x>", 400);
	m[4] = msg("<t@x>", "<t@x>", NULL, 500);
	/* A longer loop of messages. */
	m[5] = msg("<u@x>", NULL, "<v@x> <w@x> <u@x> <c@x>", 600);
	thread_build(m, 6, 0, rows);
	assert_rows(rows, 6);
	assert_int_equal(parent_of(rows, 6, 1), THREAD_NONE);
	assert_int_equal(parent_of(rows, 6, 0), 1);
	assert_int_equal(rows[row_of(rows, 6, 3)].depth, 0);
	assert_int_equal(rows[row_of(rows, 6, 4)].depth, 0);
	/* The same, oldest threads first and by first date. */
	thread_build(m, 6, THREAD_OLDEST_FIRST | THREAD_BY_FIRST_DATE, rows);
	assert_rows(rows, 6);
	assert_int_equal(rows[0].message, 1);
}

static void
test_hostile_references(void **state)
{
	struct thread_message	*m;
	struct thread_row	*rows;
	char			*refs, *back, *p, buf[16];
	size_t			 i, n = 10000;

	/* 10,000 ids, the first the only message the folder has. */
	refs = malloc(n * 24 + 1);
	back = malloc(n * 24 + 1);
	assert_non_null(refs);
	assert_non_null(back);
	p = refs;
	for (i = 0; i < n; i++)
		p += sprintf(p, "<ref%zu@x> ", i);
	p = back;
	for (i = n; i > 0; i--)
		p += sprintf(p, "<ref%zu@x> ", i - 1);
	m = calloc(3, sizeof *m);
	rows = calloc(n, sizeof *rows);
	assert_non_null(m);
	assert_non_null(rows);
	m[0] = msg("<ref0@x>", NULL, NULL, 1);
	m[1] = msg("<long@x>", NULL, refs, 2);
	/* And the same list backwards, making loops everywhere. */
	m[2] = msg("<other@x>", NULL, back, 3);
	thread_build(m, 3, 0, rows);
	assert_rows(rows, 3);
	assert_int_equal(rows[0].message, 0);
	assert_int_equal(parent_of(rows, 3, 1), 0);
	assert_int_equal(parent_of(rows, 3, 2), 0);
	free(m);
	free(back);

	/* A thread 10,000 deep: every message answers the one before. */
	m = calloc(n, sizeof *m);
	assert_non_null(m);
	p = refs;
	for (i = 0; i < n; i++) {
		m[i].message_id = p;
		p += sprintf(p, "<m%zu@x>", i) + 1;
		if (i > 0)
			m[i].in_reply_to = m[i - 1].message_id;
		m[i].date = (int64_t)i;
	}
	thread_build(m, n, 0, rows);
	assert_rows(rows, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(rows[i].message, i);
		assert_int_equal(rows[i].depth, i);
	}
	/* Too deep to show: the arrow stays, the left is cut. */
	assert_int_equal(thread_prefix(rows, n, n - 1, buf, sizeof buf), 15);
	assert_string_equal(buf, "            `->");
	/* Make it a loop: the first answers the last. */
	m[0].in_reply_to = m[n - 1].message_id;
	thread_build(m, n, 0, rows);
	assert_rows(rows, n);
	assert_int_equal(rows[0].message, 0);
	free(m);
	free(rows);
	free(refs);
}

static void
test_prefix(void **state)
{
	struct thread_message	m[7];
	struct thread_row	rows[7];
	char			buf[4];

	m[0] = msg("<r@x>", NULL, NULL, 100);
	m[1] = msg("<a@x>", NULL, "<r@x>", 200);
	m[2] = msg("<a1@x>", NULL, "<r@x> <a@x>", 300);
	m[3] = msg("<a2@x>", NULL, "<r@x> <a@x>", 400);
	m[4] = msg("<b@x>", NULL, "<r@x>", 500);
	m[5] = msg("<b1@x>", NULL, "<r@x> <b@x>", 600);
	m[6] = msg("<b11@x>", NULL, "<b1@x>", 700);
	thread_build(m, 7, 0, rows);
	assert_rows(rows, 7);
	assert_prefix(rows, 7, 0, "");
	assert_prefix(rows, 7, 1, "+->");
	assert_prefix(rows, 7, 2, "| +->");
	assert_prefix(rows, 7, 3, "| `->");
	assert_prefix(rows, 7, 4, "`->");
	assert_prefix(rows, 7, 5, "  `->");
	assert_prefix(rows, 7, 6, "    `->");
	assert_int_equal(rows[1].flags, THREAD_ROW_FIRST);
	assert_int_equal(rows[2].flags, THREAD_ROW_FIRST);
	assert_int_equal(rows[3].flags, THREAD_ROW_LAST);
	assert_int_equal(rows[4].flags, THREAD_ROW_LAST);
	/* Cut on the left to fit. */
	assert_int_equal(thread_prefix(rows, 7, 3, buf, sizeof buf), 3);
	assert_string_equal(buf, "`->");
	assert_int_equal(thread_prefix(rows, 7, 3, buf, 2), 1);
	assert_string_equal(buf, ">");
}

static void
test_root_order(void **state)
{
	struct thread_message	m[4];
	struct thread_row	rows[4];

	/* x started first but has the latest reply. */
	m[0] = msg("<x@x>", NULL, NULL, 100);
	m[1] = msg("<y@x>", NULL, NULL, 200);
	m[2] = msg("<x1@x>", NULL, "<x@x>", 300);
	m[3] = msg("<z@x>", NULL, NULL, 250);
	thread_build(m, 4, 0, rows);
	assert_int_equal(rows[0].message, 0);
	assert_int_equal(rows[1].message, 2);
	assert_int_equal(rows[2].message, 3);
	assert_int_equal(rows[3].message, 1);
	thread_build(m, 4, THREAD_OLDEST_FIRST, rows);
	assert_int_equal(rows[0].message, 1);
	assert_int_equal(rows[1].message, 3);
	assert_int_equal(rows[2].message, 0);
	assert_int_equal(rows[3].message, 2);
	thread_build(m, 4, THREAD_BY_FIRST_DATE, rows);
	assert_int_equal(rows[0].message, 3);
	assert_int_equal(rows[1].message, 1);
	assert_int_equal(rows[2].message, 0);
	assert_int_equal(rows[3].message, 2);
}

/* Deterministic pseudo-random numbers, independent of libc. */
static uint32_t
next_random(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

static double
seconds(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
test_many(void **state)
{
	struct thread_message	*m;
	struct thread_row	*rows;
	uint32_t		*order, seed = 7, k, j, r;
	char			*ids, *refs, *p;
	size_t			 i, n = 100000, roots = 0;
	double			 start, took;

	m = calloc(n, sizeof *m);
	rows = calloc(n, sizeof *rows);
	order = calloc(n, sizeof *order);
	ids = malloc(n * 16);
	refs = malloc(n * 80);
	assert_non_null(m);
	assert_non_null(rows);
	assert_non_null(order);
	assert_non_null(ids);
	assert_non_null(refs);
	for (i = 0; i < n; i++) {
		/* One in 50 a duplicate id. */
		k = next_random(&seed) % 50 == 0 ?
		    next_random(&seed) % (uint32_t)n : (uint32_t)i;
		snprintf(ids + i * 16, 16, "<%u@x>", k);
		m[i].message_id = ids + i * 16;
		m[i].date = next_random(&seed) % 1000000;
		m[i].size = next_random(&seed);
	}
	for (i = 0; i < n; i++) {
		/* Up to four references, mostly to messages before it, some
		 * to missing ones, some later (loops). */
		p = refs + i * 80;
		*p = '\0';
		r = next_random(&seed) % 5;
		for (j = 0; j < r; j++) {
			k = next_random(&seed) % 10 == 0 ?
			    (uint32_t)n + next_random(&seed) % 1000 :
			    next_random(&seed) % 20 == 0 ?
			    next_random(&seed) % (uint32_t)n :
			    (uint32_t)(i * (j + 1) / (r + 1));
			p += sprintf(p, "<%u@x> ", k);
		}
		m[i].references = refs + i * 80;
		if (r == 0 && i > 0 && next_random(&seed) % 2)
			m[i].in_reply_to = m[next_random(&seed) % i].message_id;
	}
	start = seconds();
	thread_build(m, n, 0, rows);
	took = seconds() - start;
	print_message("thread_build: %zu messages in %.1f ms\n", n,
	    took * 1000);
	assert_rows(rows, n);
	for (i = 0; i < n; i++) {
		if (rows[i].depth == 0)
			roots++;
	}
	assert_true(roots > 0 && roots < n);

	start = seconds();
	thread_sort(m, n, THREAD_SORT_SIZE, 0, order);
	took = seconds() - start;
	print_message("thread_sort: %zu messages in %.1f ms\n", n,
	    took * 1000);
	for (i = 0; i + 1 < n; i++)
		assert_true(m[order[i]].size >= m[order[i + 1]].size);
	free(refs);
	free(ids);
	free(order);
	free(rows);
	free(m);
}

static void
test_subject(void **state)
{
	assert_string_equal(thread_subject("Re: hello"), "hello");
	assert_string_equal(thread_subject("RE: Fwd: re:hello"), "hello");
	assert_string_equal(thread_subject("  AW[2]: Re(3): x"), "x");
	assert_string_equal(thread_subject("Re : oui"), "oui");
	assert_string_equal(thread_subject("SV: FW: x"), "x");
	assert_string_equal(thread_subject("Rebase: x"), "Rebase: x");
	assert_string_equal(thread_subject("Re[: x"), "Re[: x");
	assert_string_equal(thread_subject("Re:"), "");
	assert_string_equal(thread_subject("hello"), "hello");
}

static void
test_sort(void **state)
{
	struct thread_message	m[5];
	uint32_t		order[5];

	memset(m, 0, sizeof m);
	m[0].subject = "Re: banana";
	m[0].from = "\"Zed\" <z@x>";
	m[0].date = 100;
	m[0].size = 10;
	m[1].subject = "apple";
	m[1].from = "alice <a@x>";
	m[1].date = 200;
	m[1].size = 30;
	m[2].subject = "Fwd: Apple";
	m[2].from = "Bob <b@x>";
	m[2].date = 300;
	m[2].size = 20;
	m[3].subject = NULL;
	m[3].from = NULL;
	m[3].date = 300;
	m[3].size = 20;
	m[4].subject = "cherry";
	m[4].from = "<carol@x>";
	m[4].date = 50;
	m[4].size = 5;

	thread_sort(m, 5, THREAD_SORT_DATE, 0, order);
	/* 3 and 2 tie: the later in the input first. */
	assert_int_equal(order[0], 3);
	assert_int_equal(order[1], 2);
	assert_int_equal(order[2], 1);
	assert_int_equal(order[3], 0);
	assert_int_equal(order[4], 4);
	thread_sort(m, 5, THREAD_SORT_DATE, 1, order);
	assert_int_equal(order[0], 4);
	assert_int_equal(order[4], 3);

	thread_sort(m, 5, THREAD_SORT_SUBJECT, 0, order);
	assert_int_equal(order[0], 3);	/* "" */
	assert_int_equal(order[1], 2);	/* Apple, newer */
	assert_int_equal(order[2], 1);	/* apple */
	assert_int_equal(order[3], 0);	/* banana */
	assert_int_equal(order[4], 4);	/* cherry */

	thread_sort(m, 5, THREAD_SORT_FROM, 0, order);
	assert_int_equal(order[0], 3);	/* "" */
	assert_int_equal(order[1], 1);	/* alice */
	assert_int_equal(order[2], 2);	/* Bob */
	assert_int_equal(order[3], 4);	/* carol */
	assert_int_equal(order[4], 0);	/* Zed */

	thread_sort(m, 5, THREAD_SORT_SIZE, 0, order);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 3);
	assert_int_equal(order[2], 2);
	assert_int_equal(order[3], 0);
	assert_int_equal(order[4], 4);
	thread_sort(m, 5, THREAD_SORT_SIZE, 1, order);
	assert_int_equal(order[0], 4);
	assert_int_equal(order[4], 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_in_reply_to),
		cmocka_unit_test(test_missing_parent),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_cycles),
		cmocka_unit_test(test_hostile_references),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_root_order),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_subject),
		cmocka_unit_test(test_sort),
	};

	return cmocka_run_group_tests_name("thread", tests, NULL, NULL);
}
