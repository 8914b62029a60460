/* test-model-folder: the UI's rows of an open folder: upsert by uid, flags,
 * vanished rows and resets, newest-first order with ties broken by uid, the
 * other orders (threads with their tree, sender, subject, size, reversed), a
 * selection that stays on its message, malformed events, and 100,000 rows;
 * a limit over the rows (new ones respecting it), tags and search. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model-folder.h"
#include "msg.h"
#include "store-mirror.h"
#include "summary.h"

/* A summary on the stack; strings are borrowed, which upsert copies. */
static struct summary
row(uint32_t uid, int64_t date, uint32_t flags, const char *from,
    const char *subject)
{
	struct summary	s;

	memset(&s, 0, sizeof s);
	s.uid = uid;
	s.date = date;
	s.flags = flags;
	s.from = (char *)from;
	s.subject = (char *)subject;
	return s;
}

static void
upsert1(struct model_folder *mf, uint32_t uid, int64_t date, uint32_t flags,
    const char *subject)
{
	struct summary	s = row(uid, date, flags, "Alice <a@example.org>",
			    subject);

	model_folder_upsert(mf, &s, 1);
}

/* Every row is newer than the next (or as new with a higher uid), and
 * every row is found by its uid at its index. */
static void
assert_consistent(const struct model_folder *mf)
{
	const struct model_row	*a, *b;
	size_t			 i, index, unseen = 0;
	size_t			 n = model_folder_count(mf);

	for (i = 0; i < n; i++) {
		a = model_folder_row(mf, i);
		assert_non_null(a);
		if ((a->flags & STORE_FLAG_SEEN) == 0)
			unseen++;
		assert_true(model_folder_index_of(mf, a->uid, &index));
		assert_int_equal(index, i);
		assert_ptr_equal(model_folder_find(mf, a->uid), a);
		if (i + 1 == n)
			break;
		b = model_folder_row(mf, i + 1);
		assert_true(a->date > b->date ||
		    (a->date == b->date && a->uid > b->uid));
	}
	assert_null(model_folder_row(mf, n));
	assert_int_equal(model_folder_unseen(mf), unseen);
}

/* In any order: every row once, found by its uid at its index. */
static void
assert_view(const struct model_folder *mf)
{
	const struct model_row	*a;
	size_t			 i, index, n = model_folder_count(mf);

	for (i = 0; i < n; i++) {
		a = model_folder_row(mf, i);
		assert_non_null(a);
		assert_true(model_folder_index_of(mf, a->uid, &index));
		assert_int_equal(index, i);
		assert_ptr_equal(model_folder_find(mf, a->uid), a);
	}
	assert_null(model_folder_row(mf, n));
}

/* A row of a conversation. */
static struct summary
mail(uint32_t uid, int64_t date, const char *id, const char *references)
{
	struct summary	s = row(uid, date, 0, "Alice <a@x>", "talk");

	s.message_id = (char *)id;
	s.references = (char *)references;
	return s;
}

/* The uids in the order shown, as "3 1 2". */
static const char *
uids(const struct model_folder *mf)
{
	static char	buf[256];
	size_t		i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < model_folder_count(mf) && len < sizeof buf - 16; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%u",
		    i > 0 ? " " : "", model_folder_row(mf, i)->uid);
	return buf;
}

static const char *
tree(const struct model_folder *mf, uint32_t uid)
{
	static char	buf[32];
	size_t		index;

	assert_true(model_folder_index_of(mf, uid, &index));
	model_folder_tree(mf, index, buf, sizeof buf);
	return buf;
}

static void
test_empty(void **state)
{
	struct model_folder	*mf = model_folder_new();
	struct msg		*m;
	size_t			 index;

	assert_int_equal(model_folder_count(mf), 0);
	assert_int_equal(model_folder_unseen(mf), 0);
	assert_null(model_folder_row(mf, 0));
	assert_null(model_folder_oldest(mf));
	assert_null(model_folder_find(mf, 1));
	assert_false(model_folder_index_of(mf, 1, &index));
	assert_int_equal(model_folder_selected(mf), 0);
	assert_int_equal(model_folder_selected_uid(mf), 0);
	model_folder_move(mf, 5);
	model_folder_move(mf, -5);
	model_folder_select(mf, 3);
	assert_int_equal(model_folder_selected_uid(mf), 0);
	assert_false(model_folder_set_flags(mf, 1, 0));
	model_folder_remove(mf, NULL, 0);
	model_folder_upsert(mf, NULL, 0);
	model_folder_set_sort(mf, MODEL_FOLDER_SORT_THREAD, 0);
	assert_int_equal(model_folder_count(mf), 0);
	assert_null(model_folder_row(mf, 0));
	assert_int_equal(model_folder_selected_uid(mf), 0);
	model_folder_move(mf, 1);
	model_folder_set_sort(mf, MODEL_FOLDER_SORT_COUNT + 3, 0);
	assert_int_equal(model_folder_sort(mf, NULL), MODEL_FOLDER_SORT_DATE);

	m = msg_new(MSG_EV_PROGRESS, 7);
	assert_int_equal(model_folder_event(mf, m), MODEL_FOLDER_IGNORED);
	msg_free(m);
	model_folder_free(mf);
	model_folder_free(NULL);
	model_folder_clear(NULL);
}

static void
test_upsert_sorted(void **state)
{
	struct model_folder	*mf = model_folder_new();
	const struct model_row	*r;
	struct summary		 s[5];

	s[0] = row(10, 1000, STORE_FLAG_SEEN, "Bob <b@example.net>", "old");
	s[1] = row(11, 3000, 0, "Bob <b@example.net>", "newest");
	s[2] = row(12, 2000, 0, NULL, NULL);
	s[3] = row(13, 2000, STORE_FLAG_SEEN, "Carol <c@x>", "tie");
	s[4] = row(0, 5000, 0, "nobody", "uid 0 is no message");
	model_folder_upsert(mf, s, 5);
	assert_int_equal(model_folder_count(mf), 4);
	assert_int_equal(model_folder_unseen(mf), 2);
	assert_consistent(mf);
	assert_int_equal(model_folder_row(mf, 0)->uid, 11);
	/* Same date: the higher uid first, whatever the arrival order. */
	assert_int_equal(model_folder_row(mf, 1)->uid, 13);
	assert_int_equal(model_folder_row(mf, 2)->uid, 12);
	assert_int_equal(model_folder_row(mf, 3)->uid, 10);
	r = model_folder_find(mf, 12);
	assert_null(r->from);
	assert_null(r->subject);
	/* Interned: one copy of a repeated sender. */
	assert_ptr_equal(model_folder_find(mf, 10)->from,
	    model_folder_find(mf, 11)->from);
	assert_string_equal(model_folder_find(mf, 10)->from,
	    "Bob <b@example.net>");

	/* A warm open sends the mirror's rows, then changes: replace. */
	upsert1(mf, 11, 3000, STORE_FLAG_SEEN | STORE_FLAG_FLAGGED, "edited");
	assert_int_equal(model_folder_count(mf), 4);
	assert_int_equal(model_folder_unseen(mf), 1);
	r = model_folder_find(mf, 11);
	assert_string_equal(r->subject, "edited");
	assert_int_equal(r->flags, STORE_FLAG_SEEN | STORE_FLAG_FLAGGED);
	assert_consistent(mf);

	/* A changed date moves the row. */
	upsert1(mf, 11, 500, STORE_FLAG_SEEN, "moved");
	assert_int_equal(model_folder_row(mf, 3)->uid, 11);
	assert_int_equal(model_folder_row(mf, 0)->uid, 13);
	assert_consistent(mf);

	/* The same uid twice in one batch: the last one counts. */
	s[0] = row(20, 100, 0, "x", "first");
	s[1] = row(20, 9000, 0, "x", "second");
	model_folder_upsert(mf, s, 2);
	assert_int_equal(model_folder_count(mf), 5);
	assert_int_equal(model_folder_row(mf, 0)->uid, 20);
	assert_string_equal(model_folder_row(mf, 0)->subject, "second");
	assert_consistent(mf);
	model_folder_free(mf);
}

static void
test_flags_vanish_reset(void **state)
{
	struct model_folder	*mf = model_folder_new();
	uint32_t		 gone[] = { 2, 99, 2, 4 };
	uint32_t		 i;

	for (i = 1; i <= 5; i++)
		upsert1(mf, i, 100 * i, 0, "s");
	assert_int_equal(model_folder_unseen(mf), 5);
	assert_true(model_folder_set_flags(mf, 3, STORE_FLAG_SEEN));
	assert_false(model_folder_set_flags(mf, 42, STORE_FLAG_SEEN));
	assert_int_equal(model_folder_unseen(mf), 4);
	assert_true(model_folder_set_flags(mf, 3, STORE_FLAG_DELETED));
	assert_int_equal(model_folder_unseen(mf), 5);

	/* Unknown and repeated uids are harmless. */
	model_folder_remove(mf, gone, 4);
	assert_int_equal(model_folder_count(mf), 3);
	assert_null(model_folder_find(mf, 2));
	assert_null(model_folder_find(mf, 4));
	assert_int_equal(model_folder_row(mf, 0)->uid, 5);
	assert_int_equal(model_folder_row(mf, 1)->uid, 3);
	assert_int_equal(model_folder_row(mf, 2)->uid, 1);
	assert_consistent(mf);

	/* Slots are reused after removal. */
	upsert1(mf, 2, 250, 0, "back");
	assert_int_equal(model_folder_count(mf), 4);
	assert_int_equal(model_folder_row(mf, 2)->uid, 2);
	assert_consistent(mf);

	model_folder_clear(mf);
	assert_int_equal(model_folder_count(mf), 0);
	assert_int_equal(model_folder_unseen(mf), 0);
	upsert1(mf, 7, 1, 0, "after a clear");
	assert_int_equal(model_folder_count(mf), 1);
	assert_consistent(mf);
	model_folder_free(mf);
}

static void
test_selection(void **state)
{
	struct model_folder	*mf = model_folder_new();
	uint32_t		 uids[3];
	uint32_t		 i;

	/* Nothing chosen yet: the newest row, even as newer ones come. */
	upsert1(mf, 10, 1000, 0, "s");
	assert_int_equal(model_folder_selected_uid(mf), 10);
	upsert1(mf, 11, 2000, 0, "s");
	assert_int_equal(model_folder_selected(mf), 0);
	assert_int_equal(model_folder_selected_uid(mf), 11);

	for (i = 1; i <= 8; i++)
		upsert1(mf, i, 100 * i, 0, "s");
	/* Order: 11 10 8 7 6 5 4 3 2 1 */
	model_folder_select(mf, 4);
	assert_int_equal(model_folder_selected_uid(mf), 6);
	model_folder_move(mf, 1);
	assert_int_equal(model_folder_selected_uid(mf), 5);
	model_folder_move(mf, -2);
	assert_int_equal(model_folder_selected_uid(mf), 7);

	/* New mail above: the selection stays on its message. */
	upsert1(mf, 12, 5000, 0, "s");
	upsert1(mf, 13, 6000, 0, "s");
	assert_int_equal(model_folder_selected_uid(mf), 7);
	assert_int_equal(model_folder_selected(mf), 5);
	/* Rows above it go: still the same message. */
	uids[0] = 13;
	uids[1] = 11;
	model_folder_remove(mf, uids, 2);
	assert_int_equal(model_folder_selected_uid(mf), 7);
	assert_int_equal(model_folder_selected(mf), 3);
	/* A flag change or a new date elsewhere leaves it alone. */
	model_folder_set_flags(mf, 7, STORE_FLAG_SEEN);
	upsert1(mf, 1, 9000, 0, "moved up");
	assert_int_equal(model_folder_selected_uid(mf), 7);
	/* Its own date changes: it moves, the selection with it. */
	upsert1(mf, 7, 50, 0, "now the oldest");
	assert_int_equal(model_folder_selected_uid(mf), 7);
	assert_int_equal(model_folder_selected(mf),
	    model_folder_count(mf) - 1);
	assert_consistent(mf);

	/* The selected message goes: the one that took its place. Order:
	 * 1 12 10 8 6 5 4 3 2 7 */
	model_folder_select(mf, 3);
	assert_int_equal(model_folder_selected_uid(mf), 8);
	uids[0] = 8;
	uids[1] = 6;
	uids[2] = 12;
	model_folder_remove(mf, uids, 3);
	assert_int_equal(model_folder_selected_uid(mf), 5);
	assert_int_equal(model_folder_selected(mf), 2);
	/* The last one goes: the one before it. */
	model_folder_move(mf, 100);
	assert_int_equal(model_folder_selected_uid(mf), 7);
	uids[0] = 7;
	model_folder_remove(mf, uids, 1);
	assert_int_equal(model_folder_selected_uid(mf), 2);
	model_folder_move(mf, -100);
	assert_int_equal(model_folder_selected_uid(mf), 1);
	assert_consistent(mf);

	/* Everything goes, then rows come back: the newest again. */
	model_folder_clear(mf);
	assert_int_equal(model_folder_selected_uid(mf), 0);
	upsert1(mf, 3, 3, 0, "s");
	upsert1(mf, 4, 4, 0, "s");
	assert_int_equal(model_folder_selected_uid(mf), 4);
	model_folder_free(mf);
}

/* One summary on the wire, in summary_read's order. */
static void
add_row(struct msg *m, uint32_t uid, uint64_t date, uint32_t flags,
    const char *subject)
{
	msg_add_u32(m, uid);
	msg_add_u32(m, flags);
	msg_add_u32(m, 1234);
	msg_add_u64(m, date);
	msg_add_str(m, "Zoë 🚀 Chen <zoe@example.com>");
	msg_add_str(m, subject);
	msg_add_str(m, "<id@example.org>");
	msg_add_str(m, NULL);
	msg_add_str(m, "<a@x> <b@x>");
	msg_add_u32(m, 1);
}

static void
test_events(void **state)
{
	struct model_folder	*mf = model_folder_new();
	const struct model_row	*r;
	struct msg		*m;

	m = msg_new(MSG_EV_ROWS, 3);
	msg_add_u32(m, 2);
	add_row(m, 1, 100, STORE_FLAG_SEEN, "first");
	add_row(m, 2, 200, 0, "会議の議事録");
	assert_int_equal(model_folder_event(mf, m), MODEL_FOLDER_OK);
	/* Read from the first field again: applying twice is idempotent. */
	assert_int_equal(model_folder_event(mf, m), MODEL_FOLDER_OK);
	msg_free(m);
	assert_int_equal(model_folder_count(mf), 2);
	r = model_folder_row(mf, 0);
	assert_int_equal(r->uid, 2);
	assert_int_equal(r->size, 1234);
	assert_int_equal(r->attachments, 1);
	assert_string_equal(r->subject, "会議の議事録");
	assert_string_equal(r->from, "Zoë 🚀 Chen <zoe@example.com>");
	assert_string_equal(r->message_id, "<id@example.org>");
	assert_null(r->in_reply_to);
	assert_string_equal(r->references, "<a@x> <b@x>");

	m = msg_new(MSG_EV_FLAGS, 3);
	msg_add_u32(m, 2);
	msg_add_u32(m, 1);
	msg_add_u32(m, 0);
	msg_add_u32(m, 2);
	msg_add_u32(m, STORE_FLAG_SEEN | STORE_FLAG_ANSWERED);
	assert_int_equal(model_folder_event(mf, m), MODEL_FOLDER_OK);
	msg_free(m);
	assert_int_equal(model_folder_find(mf, 1)->flags, 0);
	assert_int_equal(model_folder_find(mf, 2)->flags,
	    STORE_FLAG_SEEN | STORE_FLAG_ANSWERED);
	assert_int_equal(model_folder_unseen(mf), 1);

	m = msg_new(MSG_EV_VANISHED, 3);
	msg_add_u32(m, 1);
	msg_add_u32(m, 2);
	assert_int_equal(model_folder_event(mf, m), MODEL_FOLDER_OK);
	msg_free(m);
	assert_int_equal(model_folder_count(mf), 1);
	assert_int_equal(model_folder_row(mf, 0)->uid, 1);

	/* Zero uids gone: the folder was reset. */
	m = msg_new(MSG_EV_VANISHED, 3);
	msg_add_u32(m, 0);
	assert_int_equal(model_folder_event(mf, m), MODEL_FOLDER_OK);
	msg_free(m);
	assert_int_equal(model_folder_count(mf), 0);
	model_folder_free(mf);
}

static void
test_malformed(void **state)
{
	struct model_folder	*mf = model_folder_new();
	struct msg		*m;

	/* Says 1000 rows, holds 1: the one is kept, the event is bad. */
	m = msg_new(MSG_EV_ROWS, 1);
	msg_add_u32(m, 1000);
	add_row(m, 5, 500, 0, "only one");
	assert_int_equal(model_folder_event(mf, m), MODEL_FOLDER_INVALID);
	msg_free(m);
	assert_int_equal(model_folder_count(mf), 1);

	/* A huge count with nothing behind it must not allocate it. */
	m = msg_new(MSG_EV_VANISHED, 1);
	msg_add_u32(m, 0xffffffffu);
	msg_add_u32(m, 5);
	assert_int_equal(model_folder_event(mf, m), MODEL_FOLDER_INVALID);
	msg_free(m);
	assert_int_equal(model_folder_count(mf), 0);

	/* Wrong field types, no count, trailing fields. */
	m = msg_new(MSG_EV_ROWS, 1);
	msg_add_str(m, "1");
	assert_int_equal(model_folder_event(mf, m), MODEL_FOLDER_INVALID);
	msg_free(m);
	m = msg_new(MSG_EV_FLAGS, 1);
	assert_int_equal(model_folder_event(mf, m), MODEL_FOLDER_INVALID);
	msg_free(m);
	m = msg_new(MSG_EV_FLAGS, 1);
	msg_add_u32(m, 1);
	msg_add_u32(m, 5);
	assert_int_equal(model_folder_event(mf, m), MODEL_FOLDER_INVALID);
	msg_free(m);
	m = msg_new(MSG_EV_ROWS, 1);
	msg_add_u32(m, 0);
	msg_add_u32(m, 0);
	assert_int_equal(model_folder_event(mf, m), MODEL_FOLDER_INVALID);
	msg_free(m);
	assert_int_equal(model_folder_count(mf), 0);
	model_folder_free(mf);
}

/* Deterministic pseudo-random numbers, independent of libc. */
static uint32_t
next_random(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

static void
test_many_rows(void **state)
{
	struct model_folder	*mf = model_folder_new();
	struct summary		*batch;
	uint32_t		*uids, seed = 42, uid;
	size_t			 i, j, n = 100000, window = 500;
	char			 subject[32];

	batch = calloc(window, sizeof *batch);
	assert_non_null(batch);
	/* A cold open: windows of older and older rows (dates grow with uid,
	 * with ties). */
	for (i = 0; i < n; i += window) {
		for (j = 0; j < window; j++) {
			uid = (uint32_t)(n - i - j);
			snprintf(subject, sizeof subject, "subject %u",
			    uid % 97);
			batch[j] = row(uid, (int64_t)uid / 3,
			    uid % 5 ? STORE_FLAG_SEEN : 0, "Alice <a@x>",
			    subject);
		}
		model_folder_upsert(mf, batch, window);
	}
	assert_int_equal(model_folder_count(mf), n);
	assert_int_equal(model_folder_row(mf, 0)->uid, n);
	assert_int_equal(model_folder_unseen(mf), n / 5);
	model_folder_select(mf, n / 2);
	uid = model_folder_selected_uid(mf);

	/* A warm reopen in random order: every row again, changed flags,
	 * and some new dates. */
	for (i = 0; i < n; i += window) {
		for (j = 0; j < window; j++) {
			uid = 1 + next_random(&seed) % (uint32_t)n;
			batch[j] = row(uid, uid % 1000 == 0 ? 7 : uid / 3,
			    STORE_FLAG_SEEN, "Bob <b@x>", "again");
		}
		model_folder_upsert(mf, batch, window);
	}
	assert_int_equal(model_folder_count(mf), n);
	assert_consistent(mf);

	/* Half of it vanishes, in one event. */
	uids = calloc(n / 2, sizeof *uids);
	assert_non_null(uids);
	for (i = 0; i < n / 2; i++)
		uids[i] = (uint32_t)(2 * i + 1);
	model_folder_remove(mf, uids, n / 2);
	assert_int_equal(model_folder_count(mf), n / 2);
	assert_null(model_folder_find(mf, 1));
	assert_non_null(model_folder_find(mf, 2));
	assert_consistent(mf);
	uid = model_folder_selected_uid(mf);
	assert_int_equal(uid % 2, 0);

	free(uids);
	free(batch);
	model_folder_free(mf);
}

static void
test_sort_orders(void **state)
{
	struct model_folder	*mf = model_folder_new();
	struct summary		 s[5];
	uint32_t		 gone[3];
	int			 flags;

	s[0] = row(1, 100, 0, "Carol <c@x>", "Re: beta");
	s[0].size = 300;
	s[1] = row(2, 200, 0, "alice <a@x>", "alpha");
	s[1].size = 100;
	s[2] = row(3, 300, 0, "Bob <b@x>", "Fwd: Gamma");
	s[2].size = 200;
	s[3] = row(4, 400, 0, "\"Dave\" <d@x>", "ALPHA");
	s[3].size = 100;
	model_folder_upsert(mf, s, 4);
	assert_int_equal(model_folder_sort(mf, &flags), MODEL_FOLDER_SORT_DATE);
	assert_int_equal(flags, 0);
	assert_string_equal(uids(mf), "4 3 2 1");
	model_folder_select(mf, 1);
	assert_int_equal(model_folder_selected_uid(mf), 3);

	/* Another order: the selection stays on its message. */
	model_folder_set_sort(mf, MODEL_FOLDER_SORT_FROM, 0);
	assert_string_equal(uids(mf), "2 3 1 4");
	assert_int_equal(model_folder_selected_uid(mf), 3);
	assert_int_equal(model_folder_selected(mf), 1);
	assert_view(mf);
	model_folder_set_sort(mf, MODEL_FOLDER_SORT_FROM, MODEL_FOLDER_REVERSE);
	assert_string_equal(uids(mf), "4 1 3 2");
	assert_int_equal(model_folder_selected(mf), 2);
	/* Without "Re:" and case; the newer first on a tie. */
	model_folder_set_sort(mf, MODEL_FOLDER_SORT_SUBJECT, 0);
	assert_string_equal(uids(mf), "4 2 1 3");
	model_folder_set_sort(mf, MODEL_FOLDER_SORT_SIZE, 0);
	assert_string_equal(uids(mf), "1 3 4 2");
	model_folder_set_sort(mf, MODEL_FOLDER_SORT_SIZE, MODEL_FOLDER_REVERSE);
	assert_string_equal(uids(mf), "2 4 3 1");
	model_folder_set_sort(mf, MODEL_FOLDER_SORT_DATE, MODEL_FOLDER_REVERSE);
	assert_string_equal(uids(mf), "1 2 3 4");
	assert_view(mf);
	/* No tree outside the thread order. */
	assert_string_equal(tree(mf, 2), "");

	/* New rows and changed ones take their place when next read. */
	model_folder_set_sort(mf, MODEL_FOLDER_SORT_SUBJECT, 0);
	s[4] = row(5, 500, 0, "Eve <e@x>", "aardvark");
	model_folder_upsert(mf, &s[4], 1);
	assert_string_equal(uids(mf), "5 4 2 1 3");
	s[4].subject = "zebra";
	model_folder_upsert(mf, &s[4], 1);
	assert_string_equal(uids(mf), "4 2 1 3 5");
	assert_view(mf);
	assert_int_equal(model_folder_selected_uid(mf), 3);

	/* The selected row goes: the row that took its place... */
	model_folder_select(mf, 1);
	gone[0] = 2;
	model_folder_remove(mf, gone, 1);
	assert_int_equal(model_folder_selected_uid(mf), 1);
	assert_int_equal(model_folder_selected(mf), 1);
	assert_string_equal(uids(mf), "4 1 3 5");
	/* ...or at the end, the one before it. */
	model_folder_select(mf, 3);
	gone[0] = 5;
	gone[1] = 3;
	model_folder_remove(mf, gone, 2);
	assert_int_equal(model_folder_selected_uid(mf), 1);
	assert_string_equal(uids(mf), "4 1");
	assert_view(mf);

	/* Upside down by date, the same. */
	model_folder_clear(mf);
	assert_int_equal(model_folder_sort(mf, NULL),
	    MODEL_FOLDER_SORT_SUBJECT);
	model_folder_set_sort(mf, MODEL_FOLDER_SORT_DATE, MODEL_FOLDER_REVERSE);
	for (flags = 1; flags <= 5; flags++)
		upsert1(mf, (uint32_t)flags, 100 * flags, 0, "s");
	assert_string_equal(uids(mf), "1 2 3 4 5");
	assert_int_equal(model_folder_selected_uid(mf), 1);
	model_folder_select(mf, 1);
	gone[0] = 2;
	model_folder_remove(mf, gone, 1);
	assert_int_equal(model_folder_selected_uid(mf), 3);
	assert_int_equal(model_folder_selected(mf), 1);
	gone[0] = 3;
	gone[1] = 4;
	gone[2] = 5;
	model_folder_remove(mf, gone, 3);
	assert_int_equal(model_folder_selected_uid(mf), 1);
	gone[0] = 1;
	model_folder_remove(mf, gone, 1);
	assert_int_equal(model_folder_selected_uid(mf), 0);
	assert_int_equal(model_folder_count(mf), 0);
	model_folder_free(mf);
}

static void
test_threads(void **state)
{
	struct model_folder	*mf = model_folder_new();
	struct summary		 s[6];
	uint32_t		 gone[1];

	model_folder_set_sort(mf, MODEL_FOLDER_SORT_THREAD, 0);
	s[0] = mail(1, 100, "<a@x>", NULL);
	s[1] = mail(2, 200, "<b@x>", "<a@x>");
	s[2] = mail(3, 300, "<c@x>", "<a@x> <b@x>");
	s[3] = mail(4, 250, "<d@x>", NULL);
	s[3].in_reply_to = "<a@x>";
	s[4] = mail(5, 150, "<e@x>", NULL);
	s[5] = mail(6, 400, "<f@x>", "<x@x>");
	model_folder_upsert(mf, s, 6);
	/* Threads newest first by their latest message. */
	assert_string_equal(uids(mf), "6 1 2 3 4 5");
	assert_int_equal(model_folder_oldest(mf)->uid, 1);
	assert_view(mf);
	assert_string_equal(tree(mf, 1), "");
	assert_string_equal(tree(mf, 2), "+->");
	assert_string_equal(tree(mf, 3), "| `->");
	assert_string_equal(tree(mf, 4), "`->");
	assert_string_equal(tree(mf, 6), "");
	/* Nothing selected yet: the first row. */
	assert_int_equal(model_folder_selected_uid(mf), 6);

	model_folder_set_sort(mf, MODEL_FOLDER_SORT_THREAD,
	    MODEL_FOLDER_REVERSE);
	assert_string_equal(uids(mf), "5 1 2 3 4 6");
	assert_string_equal(tree(mf, 3), "| `->");
	model_folder_set_sort(mf, MODEL_FOLDER_SORT_THREAD,
	    MODEL_FOLDER_THREAD_FIRST_DATE);
	assert_string_equal(uids(mf), "6 5 1 2 3 4");
	model_folder_set_sort(mf, MODEL_FOLDER_SORT_DATE, 0);
	assert_string_equal(uids(mf), "6 3 4 2 5 1");
	assert_string_equal(tree(mf, 3), "");
	model_folder_set_sort(mf, MODEL_FOLDER_SORT_THREAD, 0);

	/* A reply brings its thread up; a parent arriving late adopts. */
	s[0] = mail(7, 500, "<g@x>", "<e@x>");
	model_folder_upsert(mf, s, 1);
	assert_string_equal(uids(mf), "5 7 6 1 2 3 4");
	assert_string_equal(tree(mf, 7), "`->");
	s[0] = mail(8, 50, "<x@x>", NULL);
	model_folder_upsert(mf, s, 1);
	assert_string_equal(uids(mf), "5 7 8 6 1 2 3 4");
	assert_string_equal(tree(mf, 6), "`->");
	assert_view(mf);

	/* The selected row goes: the next takes its place, wherever the
	 * threads put it then. */
	model_folder_select(mf, 5);
	assert_int_equal(model_folder_selected_uid(mf), 2);
	gone[0] = 2;
	model_folder_remove(mf, gone, 1);
	assert_int_equal(model_folder_selected_uid(mf), 3);
	assert_string_equal(uids(mf), "5 7 8 6 1 4 3");
	assert_string_equal(tree(mf, 3), "`->");
	assert_string_equal(tree(mf, 4), "+->");
	model_folder_move(mf, -1);
	assert_int_equal(model_folder_selected_uid(mf), 4);
	model_folder_move(mf, 1);
	gone[0] = 3;
	model_folder_remove(mf, gone, 1);
	assert_int_equal(model_folder_selected_uid(mf), 4);
	assert_view(mf);

	/* A reset keeps the order. */
	model_folder_clear(mf);
	assert_int_equal(model_folder_sort(mf, NULL), MODEL_FOLDER_SORT_THREAD);
	s[0] = mail(1, 100, "<a@x>", NULL);
	s[1] = mail(2, 200, "<b@x>", "<a@x>");
	model_folder_upsert(mf, s, 2);
	assert_string_equal(uids(mf), "1 2");
	assert_string_equal(tree(mf, 2), "`->");
	model_folder_free(mf);
}

static double
seconds(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* n conversations' rows, arriving newest first in windows, read after
 * each as a draw would; the time it all took. */
static double
load_threads(struct model_folder *mf, size_t n, size_t window, int check)
{
	struct summary	*batch;
	char		*ids, *refs, buf[32];
	uint32_t	 seed = 11, uid, parent;
	size_t		 i, j, k;
	double		 start;

	batch = calloc(window, sizeof *batch);
	ids = malloc(window * 16);
	refs = malloc(window * 32);
	assert_non_null(batch);
	assert_non_null(ids);
	assert_non_null(refs);
	start = seconds();
	for (i = 0; i < n; i += window) {
		for (j = 0; j < window && i + j < n; j++) {
			uid = (uint32_t)(n - i - j);
			snprintf(ids + j * 16, 16, "<%u@x>", uid);
			refs[j * 32] = '\0';
			/* Most answer a recent message; some start threads. */
			if (uid > 50 && next_random(&seed) % 5 != 0) {
				parent = uid - 1 - next_random(&seed) % 50;
				snprintf(refs + j * 32, 32, "<%u@x> <%u@x>",
				    parent > 100 ? parent - 100 : parent,
				    parent);
			}
			batch[j] = mail(uid, (int64_t)uid * 60, ids + j * 16,
			    refs + j * 32);
		}
		model_folder_upsert(mf, batch, j);
		/* The first screen, as view-index.c draws it. */
		model_folder_refresh(mf);
		for (k = 0; k < 50 && k < model_folder_count(mf); k++) {
			assert_non_null(model_folder_row(mf, k));
			model_folder_tree(mf, k, buf, sizeof buf);
		}
		(void)model_folder_selected(mf);
		if (check)
			assert_view(mf);
	}
	free(refs);
	free(ids);
	free(batch);
	return seconds() - start;
}

static void
test_defer(void **state)
{
	struct model_folder	*a = model_folder_new();
	struct model_folder	*b = model_folder_new();
	size_t			 i, n = 20000;

	/* Deferring: a usable view after every window... */
	model_folder_set_sort(a, MODEL_FOLDER_SORT_THREAD, 0);
	model_folder_defer(a, 1);
	load_threads(a, n, 500, 1);
	assert_int_equal(model_folder_count(a), n);
	/* ...and, deferring no more, the same as built at once. */
	model_folder_defer(a, 0);
	model_folder_set_sort(b, MODEL_FOLDER_SORT_THREAD, 0);
	load_threads(b, n, n, 0);
	for (i = 0; i < n; i++)
		assert_int_equal(model_folder_row(a, i)->uid,
		    model_folder_row(b, i)->uid);
	assert_view(a);
	model_folder_free(a);
	model_folder_free(b);
}

/* The cost of threading a large folder, for choosing the default order. */
static void
test_many_threads(void **state)
{
	struct model_folder	*mf = model_folder_new();
	double			 took, one;
	size_t			 n = 100000;

	took = load_threads(mf, n, 500, 0);
	print_message("100,000 rows by date, read after each window: "
	    "%.0f ms\n", took * 1000);
	model_folder_clear(mf);

	model_folder_set_sort(mf, MODEL_FOLDER_SORT_THREAD, 0);
	model_folder_defer(mf, 1);
	took = load_threads(mf, n, 500, 0);
	model_folder_defer(mf, 0);
	one = seconds();
	assert_non_null(model_folder_row(mf, 0));
	print_message("the same by thread, deferring: %.0f ms, then %.0f ms "
	    "to finish\n", took * 1000, (seconds() - one) * 1000);
	model_folder_set_sort(mf, MODEL_FOLDER_SORT_SUBJECT, 0);
	one = seconds();
	assert_non_null(model_folder_row(mf, 0));
	print_message("by subject: %.0f ms\n", (seconds() - one) * 1000);
	model_folder_set_sort(mf, MODEL_FOLDER_SORT_THREAD, 0);
	one = seconds();
	assert_non_null(model_folder_row(mf, 0));
	print_message("by thread again: %.0f ms\n", (seconds() - one) * 1000);
	assert_int_equal(model_folder_count(mf), n);
	assert_view(mf);
	model_folder_free(mf);
}

/* Limits and searches below: the subject holds arg. */
static int
subject_has(const struct model_row *r, void *arg)
{
	return r->subject != NULL && strstr(r->subject, arg) != NULL;
}

static int
uid_multiple(const struct model_row *r, void *arg)
{
	return r->uid % *(const uint32_t *)arg == 0;
}

static int
is_tagged(const struct model_row *r, void *arg)
{
	(void)arg;
	return r->tagged;
}

static int
is_unseen(const struct model_row *r, void *arg)
{
	(void)arg;
	return (r->flags & STORE_FLAG_SEEN) == 0;
}

static void
test_limit(void **state)
{
	struct model_folder	*mf = model_folder_new();
	struct summary		 s[2];
	uint32_t		 gone[2];
	size_t			 index;
	uint32_t		 i;

	/* Order: 10 9 8 ... 1; odd uids are "odd", even ones "even". */
	for (i = 1; i <= 10; i++)
		upsert1(mf, i, 100 * i, i % 2 ? 0 : STORE_FLAG_SEEN,
		    i % 2 ? "odd" : "even");
	assert_false(model_folder_is_limited(mf));
	assert_int_equal(model_folder_matches(mf, subject_has, "odd"), 5);
	model_folder_select(mf, 2);			/* uid 8, even */
	assert_int_equal(model_folder_limit(mf, subject_has, "odd"), 5);
	assert_true(model_folder_is_limited(mf));
	assert_int_equal(model_folder_count(mf), 5);
	assert_int_equal(model_folder_total(mf), 10);
	assert_int_equal(model_folder_unseen(mf), 5);
	assert_string_equal(uids(mf), "9 7 5 3 1");
	assert_view(mf);
	/* Its row hidden, the selection went to the next one shown. */
	assert_int_equal(model_folder_selected_uid(mf), 7);
	assert_int_equal(model_folder_selected(mf), 1);
	/* Hidden rows are found, but have no index. */
	assert_non_null(model_folder_find(mf, 8));
	assert_false(model_folder_index_of(mf, 8, &index));
	assert_true(model_folder_index_of(mf, 3, &index));
	assert_int_equal(index, 3);
	model_folder_move(mf, 100);
	assert_int_equal(model_folder_selected_uid(mf), 1);
	model_folder_select(mf, 100);
	assert_int_equal(model_folder_selected_uid(mf), 1);

	/* New rows respect the limit, both ways. */
	s[0] = row(11, 1100, 0, "x", "odd one");
	s[1] = row(12, 1200, 0, "x", "even one");
	model_folder_upsert(mf, s, 2);
	assert_string_equal(uids(mf), "11 9 7 5 3 1");
	assert_int_equal(model_folder_total(mf), 12);
	/* A row that no longer matches stays, as in mutt... */
	model_folder_set_flags(mf, 9, STORE_FLAG_SEEN);
	upsert1(mf, 7, 700, 0, "renamed");
	assert_string_equal(uids(mf), "11 9 7 5 3 1");
	/* ...until the limit is set again. */
	model_folder_limit(mf, subject_has, "odd");
	assert_string_equal(uids(mf), "11 9 5 3 1");

	/* Rows going: the selection moves to the row that took its place. */
	model_folder_select(mf, 2);			/* uid 5 */
	gone[0] = 5;
	gone[1] = 12;
	model_folder_remove(mf, gone, 2);
	assert_string_equal(uids(mf), "11 9 3 1");
	assert_int_equal(model_folder_selected_uid(mf), 3);
	assert_view(mf);

	/* Upside down, and other orders: the limit holds. */
	model_folder_set_sort(mf, MODEL_FOLDER_SORT_DATE, MODEL_FOLDER_REVERSE);
	assert_string_equal(uids(mf), "1 3 9 11");
	model_folder_set_sort(mf, MODEL_FOLDER_SORT_SUBJECT, 0);
	assert_int_equal(model_folder_count(mf), 4);
	assert_string_equal(model_folder_row(mf, 0)->subject, "odd");
	assert_string_equal(model_folder_row(mf, 3)->subject, "odd one");
	assert_view(mf);
	model_folder_set_sort(mf, MODEL_FOLDER_SORT_THREAD, 0);
	assert_int_equal(model_folder_count(mf), 4);
	assert_view(mf);
	model_folder_set_sort(mf, MODEL_FOLDER_SORT_DATE, 0);

	/* A reset (or another folder) keeps the limit, as the order. */
	model_folder_clear(mf);
	assert_true(model_folder_is_limited(mf));
	assert_int_equal(model_folder_count(mf), 0);
	assert_null(model_folder_row(mf, 0));
	model_folder_move(mf, 1);
	model_folder_select(mf, 0);
	for (i = 1; i <= 6; i++)
		upsert1(mf, i, 100 * i, 0, i % 3 ? "odd" : "even");
	assert_string_equal(uids(mf), "5 4 2 1");

	/* No limit: every row again, in the date order's own array. */
	model_folder_select(mf, 1);			/* uid 4 */
	assert_int_equal(model_folder_limit(mf, NULL, NULL), 6);
	assert_false(model_folder_is_limited(mf));
	assert_string_equal(uids(mf), "6 5 4 3 2 1");
	assert_int_equal(model_folder_selected_uid(mf), 4);
	assert_consistent(mf);

	/* A limit that shows nothing: an empty index, the rows still there;
	 * the selection is lost. */
	model_folder_limit(mf, subject_has, "none");
	assert_int_equal(model_folder_count(mf), 0);
	assert_int_equal(model_folder_selected_uid(mf), 0);
	model_folder_limit(mf, NULL, NULL);
	assert_int_equal(model_folder_count(mf), 6);
	model_folder_free(mf);
	(void)state;
}

/* Rows streaming in under a limit while deferring: the view shows the
 * ones that match, the rest wait for the rebuild. */
static void
test_limit_defer(void **state)
{
	struct model_folder	*a = model_folder_new();
	struct model_folder	*b = model_folder_new();
	size_t			 i, n = 20000;
	uint32_t		 seven = 7;

	model_folder_limit(a, uid_multiple, &seven);
	model_folder_defer(a, 1);
	load_threads(a, n, 500, 1);
	model_folder_defer(a, 0);
	load_threads(b, n, n, 0);
	model_folder_limit(b, uid_multiple, &seven);
	assert_int_equal(model_folder_count(a), model_folder_count(b));
	assert_int_equal(model_folder_count(a), n / 7);
	assert_int_equal(model_folder_total(a), n);
	for (i = 0; i < model_folder_count(a); i++)
		assert_int_equal(model_folder_row(a, i)->uid,
		    model_folder_row(b, i)->uid);
	assert_view(a);
	model_folder_free(a);
	model_folder_free(b);
	(void)state;
}

static void
test_tags(void **state)
{
	struct model_folder	*mf = model_folder_new();
	uint32_t		*tagged, gone = 4;
	size_t			 n;
	uint32_t		 i;

	for (i = 1; i <= 6; i++)
		upsert1(mf, i, 100 * i, i % 2 ? 0 : STORE_FLAG_SEEN,
		    i % 2 ? "odd" : "even");
	assert_int_equal(model_folder_tagged(mf), 0);
	assert_null(model_folder_tagged_uids(mf, &n));
	assert_int_equal(n, 0);
	assert_true(model_folder_tag(mf, 2, 1));
	assert_true(model_folder_tag(mf, 2, 1));	/* twice: one tag */
	assert_true(model_folder_tag(mf, 5, 1));
	assert_false(model_folder_tag(mf, 99, 1));
	assert_int_equal(model_folder_tagged(mf), 2);
	assert_true(model_folder_find(mf, 2)->tagged);
	assert_false(model_folder_find(mf, 3)->tagged);
	tagged = model_folder_tagged_uids(mf, &n);
	assert_int_equal(n, 2);
	assert_int_equal(tagged[0], 5);
	assert_int_equal(tagged[1], 2);
	free(tagged);
	/* A new version of the row keeps its tag. */
	upsert1(mf, 2, 200, STORE_FLAG_SEEN, "even, again");
	assert_true(model_folder_find(mf, 2)->tagged);
	assert_true(model_folder_tag(mf, 5, 0));
	assert_int_equal(model_folder_tagged(mf), 1);

	/* By pattern: the rows shown only. */
	assert_int_equal(model_folder_tag_matching(mf, is_unseen, NULL, 1), 3);
	assert_int_equal(model_folder_tagged(mf), 4);
	model_folder_limit(mf, is_tagged, NULL);
	assert_string_equal(uids(mf), "5 3 2 1");
	/* Untagging leaves the rows under a limit to tagged ones. */
	assert_int_equal(model_folder_tag_matching(mf, subject_has, "even",
	    0), 1);
	assert_string_equal(uids(mf), "5 3 2 1");
	assert_int_equal(model_folder_tagged(mf), 3);
	model_folder_limit(mf, subject_has, "odd");
	assert_int_equal(model_folder_tag_matching(mf, is_unseen, NULL, 0), 3);
	assert_int_equal(model_folder_tagged(mf), 0);
	model_folder_limit(mf, NULL, NULL);
	assert_int_equal(model_folder_tag_matching(mf, subject_has, "", 1), 6);
	/* ; applies to the tagged rows shown, in the order shown. */
	model_folder_limit(mf, subject_has, "even");
	model_folder_set_sort(mf, MODEL_FOLDER_SORT_DATE,
	    MODEL_FOLDER_REVERSE);
	tagged = model_folder_tagged_uids(mf, &n);
	assert_int_equal(n, 3);
	assert_int_equal(tagged[0], 2);
	assert_int_equal(tagged[2], 6);
	free(tagged);
	/* Rows going take their tags with them; a reset takes them all. */
	model_folder_remove(mf, &gone, 1);
	assert_int_equal(model_folder_tagged(mf), 5);
	model_folder_clear(mf);
	assert_int_equal(model_folder_tagged(mf), 0);
	upsert1(mf, 1, 100, 0, "even");
	assert_false(model_folder_find(mf, 1)->tagged);
	model_folder_free(mf);
	(void)state;
}

static void
test_search(void **state)
{
	struct model_folder	*mf = model_folder_new();
	size_t			 found = 99;
	int			 wrapped = -1;
	uint32_t		 i;

	assert_false(model_folder_search(mf, 0, 0, subject_has, "x", &found,
	    &wrapped));
	/* Order: 8 7 ... 1; "hit" on 6, 3 and 1. */
	for (i = 1; i <= 8; i++)
		upsert1(mf, i, 100 * i, 0, i == 6 || i == 3 || i == 1 ?
		    "a hit" : "a miss");
	assert_true(model_folder_search(mf, 0, 0, subject_has, "hit", &found,
	    &wrapped));
	assert_int_equal(found, 2);
	assert_false(wrapped);
	assert_true(model_folder_search(mf, 2, 0, subject_has, "hit", &found,
	    &wrapped));
	assert_int_equal(found, 5);
	assert_true(model_folder_search(mf, 7, 0, subject_has, "hit", &found,
	    &wrapped));
	assert_int_equal(found, 2);
	assert_true(wrapped);
	assert_true(model_folder_search(mf, 5, 1, subject_has, "hit", &found,
	    &wrapped));
	assert_int_equal(found, 2);
	assert_false(wrapped);
	assert_true(model_folder_search(mf, 2, 1, subject_has, "hit", &found,
	    &wrapped));
	assert_int_equal(found, 7);
	assert_true(wrapped);
	/* The row itself is tried last; past the end starts at the end. */
	assert_true(model_folder_search(mf, 2, 0, subject_has, "a hit",
	    &found, &wrapped));
	assert_true(model_folder_search(mf, 100, 0, subject_has, "hit",
	    &found, &wrapped));
	assert_int_equal(found, 2);
	assert_false(model_folder_search(mf, 0, 0, subject_has, "none",
	    &found, &wrapped));
	/* Under a limit, only rows shown, by their index. */
	model_folder_limit(mf, subject_has, "hit");
	assert_true(model_folder_search(mf, 0, 0, subject_has, "hit", &found,
	    &wrapped));
	assert_int_equal(found, 1);
	model_folder_free(mf);
	(void)state;
}

/* A limit over 100,000 rows is one pass and a copy. */
static void
test_limit_many(void **state)
{
	struct model_folder	*mf = model_folder_new();
	double			 one;
	size_t			 n = 100000, shown;
	uint32_t		 seven = 7;

	load_threads(mf, n, 1000, 0);
	one = seconds();
	shown = model_folder_limit(mf, uid_multiple, &seven);
	assert_non_null(model_folder_row(mf, 0));
	print_message("a limit over 100,000 rows: %.1f ms, %zu shown\n",
	    (seconds() - one) * 1000, shown);
	assert_int_equal(model_folder_count(mf), shown);
	assert_int_equal(shown, n / 7);
	assert_view(mf);
	one = seconds();
	model_folder_limit(mf, NULL, NULL);
	assert_non_null(model_folder_row(mf, 0));
	print_message("and back: %.1f ms\n", (seconds() - one) * 1000);
	assert_int_equal(model_folder_count(mf), n);
	model_folder_free(mf);
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_upsert_sorted),
		cmocka_unit_test(test_flags_vanish_reset),
		cmocka_unit_test(test_selection),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_many_rows),
		cmocka_unit_test(test_sort_orders),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_defer),
		cmocka_unit_test(test_many_threads),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_limit_defer),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_limit_many),
	};

	return cmocka_run_group_tests_name("model-folder", tests, NULL, NULL);
}
