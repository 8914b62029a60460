/* pop3-policy: when a downloaded message is deleted from the server: at
 * once (pop3_delete), after N days (pop3_delete_after_days), or once it is
 * gone from the local store (pop3_delete_when_deleted_locally). Pure, but
 * for the clock. Any process. */
#ifndef SKUA_POP3_POLICY_H
#define SKUA_POP3_POLICY_H

#include <stdint.h>

struct config_account;

struct pop3_policy {
	int	delete_at_once;
	int	delete_after_days;	/* 0: not by age */
	int	delete_when_deleted_locally;
};

enum pop3_policy_decision {
	POP3_POLICY_KEEP,
	POP3_POLICY_DELETE,		/* pop3_delete */
	POP3_POLICY_DELETE_OLD,		/* delivered N days ago or more */
	POP3_POLICY_DELETE_GONE,	/* deleted locally */
};

/* The account's policy (config.c has checked that the options agree). */
void	pop3_policy_from_account(const struct config_account *,
	    struct pop3_policy *);
/*
 * What to do with a message recorded as delivered at delivered, at now;
 * present says whether its file is still in the store outside Trash (-1:
 * not looked at, which never deletes).
 */
enum pop3_policy_decision pop3_policy_decide(const struct pop3_policy *,
	    int64_t now, int64_t delivered, int present);
/*
 * The time: time(2), or for tests the seconds in SKUA_TEST_NOW. Only the
 * POP3 delivery times and their ages use it.
 */
int64_t	pop3_policy_now(void);

#endif
