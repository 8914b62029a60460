/* account-worker: the loop an account's worker process runs: requests in,
 * backend calls, events and one final reply out. Worker process only. */
#ifndef SKUA_ACCOUNT_WORKER_H
#define SKUA_ACCOUNT_WORKER_H

struct backend;
struct config_account;

/*
 * Serve requests arriving on fd (the worker's end of the socketpair; it is
 * taken and closed) with backend, until MSG_REQ_QUIT or the UI closes its
 * end. The backend is opened on the first request that needs it and closed
 * at the end. Requests are served one at a time, in order; MSG_REQ_QUIT gets
 * no reply. Returns the exit status for the worker process.
 */
int	account_worker_main(int fd, const struct config_account *,
	    const struct backend *);

#endif
