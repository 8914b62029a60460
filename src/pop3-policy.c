/* pop3-policy: the deletion rules in one place, so that they can be tested
 * without a server and read without the download around them. */
#include "auto-config.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "config.h"
#include "pop3-policy.h"

#define POP3_POLICY_DAY	86400

void
pop3_policy_from_account(const struct config_account *a,
    struct pop3_policy *p)
{
	p->delete_at_once = a->pop3_delete == 1;
	p->delete_after_days = a->pop3_delete_after_days;
	p->delete_when_deleted_locally = a->pop3_delete_when_deleted_locally;
}

enum pop3_policy_decision
pop3_policy_decide(const struct pop3_policy *p, int64_t now,
    int64_t delivered, int present)
{
	if (p->delete_at_once)
		return POP3_POLICY_DELETE;
	if (p->delete_when_deleted_locally && present == 0)
		return POP3_POLICY_DELETE_GONE;
	/* A clock set back leaves everything where it is. */
	if (p->delete_after_days > 0 && now >= delivered &&
	    now - delivered >= (int64_t)p->delete_after_days *
	    POP3_POLICY_DAY)
		return POP3_POLICY_DELETE_OLD;
	return POP3_POLICY_KEEP;
}

int64_t
pop3_policy_now(void)
{
	const char	*s = getenv("SKUA_TEST_NOW");
	char		*end;
	long long	 n;

	if (s != NULL && *s != '\0') {
		errno = 0;
		n = strtoll(s, &end, 10);
		if (errno == 0 && *end == '\0' && n > 0)
			return n;
	}
	return time(NULL);
}
