/* latency: wall-clock stamps, so that the benchmark can also measure from
 * the moment it sent a key, which includes the time the key waited while
 * the loop was busy with worker events. */
#include "auto-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "latency.h"

static FILE		*latency_file;
static int		 latency_pending;
static int		 latency_pending_key;
static long long	 latency_read_us;

static long long
latency_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void
latency_start(void)
{
	const char	*path = getenv("SKUA_LATENCY_LOG");

	if (path != NULL && *path != '\0')
		latency_file = fopen(path, "a");
}

void
latency_stop(void)
{
	if (latency_file != NULL)
		fclose(latency_file);
	latency_file = NULL;
}

void
latency_key(int key)
{
	if (latency_file == NULL || latency_pending)
		return;
	latency_pending = 1;
	latency_pending_key = key;
	latency_read_us = latency_now();
}

void
latency_drawn(void)
{
	if (latency_file == NULL || !latency_pending)
		return;
	latency_pending = 0;
	fprintf(latency_file, "%d %lld %lld\n", latency_pending_key,
	    latency_read_us, latency_now());
	fflush(latency_file);
}
