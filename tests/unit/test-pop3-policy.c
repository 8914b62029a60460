/* test-pop3-policy: when a downloaded message leaves the server, for each
 * policy, at the edges of the age, and the test clock SKUA_TEST_NOW. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "pop3-policy.h"

#define DAY	86400

static void
test_at_once(void **state)
{
	struct pop3_policy	p = { 1, 0, 0 };

	(void)state;
	assert_int_equal(pop3_policy_decide(&p, 1000, 1000, 1),
	    POP3_POLICY_DELETE);
	assert_int_equal(pop3_policy_decide(&p, 1000, 1000, -1),
	    POP3_POLICY_DELETE);
}

static void
test_keep(void **state)
{
	struct pop3_policy	p = { 0, 0, 0 };

	(void)state;
	assert_int_equal(pop3_policy_decide(&p, 100 * DAY, 0, 0),
	    POP3_POLICY_KEEP);
	assert_int_equal(pop3_policy_decide(&p, 0, 0, -1), POP3_POLICY_KEEP);
}

static void
test_after_days(void **state)
{
	struct pop3_policy	p = { 0, 7, 0 };
	int64_t			t = 1700000000;

	(void)state;
	assert_int_equal(pop3_policy_decide(&p, t + 7 * DAY - 1, t, 1),
	    POP3_POLICY_KEEP);
	assert_int_equal(pop3_policy_decide(&p, t + 7 * DAY, t, 1),
	    POP3_POLICY_DELETE_OLD);
	assert_int_equal(pop3_policy_decide(&p, t + 70 * DAY, t, -1),
	    POP3_POLICY_DELETE_OLD);
	/* A delivery in the future (a clock set back) is not old. */
	assert_int_equal(pop3_policy_decide(&p, t, t + 70 * DAY, 1),
	    POP3_POLICY_KEEP);
	/* Gone locally does not matter to this policy. */
	assert_int_equal(pop3_policy_decide(&p, t, t, 0), POP3_POLICY_KEEP);
}

static void
test_deleted_locally(void **state)
{
	struct pop3_policy	p = { 0, 0, 1 };
	struct pop3_policy	both = { 0, 30, 1 };

	(void)state;
	assert_int_equal(pop3_policy_decide(&p, 0, 0, 1), POP3_POLICY_KEEP);
	assert_int_equal(pop3_policy_decide(&p, 0, 0, 0),
	    POP3_POLICY_DELETE_GONE);
	/* Not looked at: never a reason to delete. */
	assert_int_equal(pop3_policy_decide(&p, 0, 0, -1), POP3_POLICY_KEEP);
	assert_int_equal(pop3_policy_decide(&both, 31 * DAY, 0, 1),
	    POP3_POLICY_DELETE_OLD);
	assert_int_equal(pop3_policy_decide(&both, DAY, 0, 0),
	    POP3_POLICY_DELETE_GONE);
	assert_int_equal(pop3_policy_decide(&both, DAY, 0, 1),
	    POP3_POLICY_KEEP);
}

static void
test_from_account(void **state)
{
	struct config_account	a;
	struct pop3_policy	p;

	(void)state;
	memset(&a, 0, sizeof a);
	a.pop3_delete = 1;
	pop3_policy_from_account(&a, &p);
	assert_true(p.delete_at_once);
	a.pop3_delete = 0;
	a.pop3_delete_after_days = 14;
	a.pop3_delete_when_deleted_locally = 1;
	pop3_policy_from_account(&a, &p);
	assert_false(p.delete_at_once);
	assert_int_equal(p.delete_after_days, 14);
	assert_true(p.delete_when_deleted_locally);
}

static void
test_clock(void **state)
{
	int64_t	before = time(NULL), now;

	(void)state;
	unsetenv("SKUA_TEST_NOW");
	now = pop3_policy_now();
	assert_true(now >= before && now <= before + 5);
	setenv("SKUA_TEST_NOW", "1234567890", 1);
	assert_int_equal(pop3_policy_now(), 1234567890);
	/* Anything but a positive number is ignored. */
	setenv("SKUA_TEST_NOW", "yesterday", 1);
	assert_true(pop3_policy_now() >= before);
	setenv("SKUA_TEST_NOW", "-5", 1);
	assert_true(pop3_policy_now() >= before);
	setenv("SKUA_TEST_NOW", "", 1);
	assert_true(pop3_policy_now() >= before);
	unsetenv("SKUA_TEST_NOW");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_at_once),
		cmocka_unit_test(test_keep),
		cmocka_unit_test(test_after_days),
		cmocka_unit_test(test_deleted_locally),
		cmocka_unit_test(test_from_account),
		cmocka_unit_test(test_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
