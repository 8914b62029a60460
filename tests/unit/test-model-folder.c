/* test-model-folder: the UI's rows of an open folder: upsert by uid, flags,
 * vanished rows and resets, newest-first order with ties broken by uid, a
 * selection that stays on its message, malformed events, and 100,000 rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void
test_empty(void **state)
{
	struct model_folder	*mf = model_folder_new();
	struct msg		*m;
	size_t			 index;

	assert_int_equal(model_folder_count(mf), 0);
	assert_int_equal(model_folder_unseen(mf), 0);
	assert_null(model_folder_row(mf, 0));
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
	};

	return cmocka_run_group_tests_name("model-folder", tests, NULL, NULL);
}
