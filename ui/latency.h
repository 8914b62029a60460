/* latency: a trace of how long a key takes to reach the screen, for the
 * keypress benchmark (bench/keys). Off unless SKUA_LATENCY_LOG names a file. */
#ifndef SKUA_LATENCY_H
#define SKUA_LATENCY_H

/* Open $SKUA_LATENCY_LOG for appending, if it is set. */
void	latency_start(void);
void	latency_stop(void);
/* A key was read (only the first since the last draw is timed: the
 * others are drawn by the same refresh). */
void	latency_key(int key);
/* The screen was refreshed: write "KEY READ_US DRAWN_US" (wall clock,
 * microseconds) for the pending key. */
void	latency_drawn(void);

#endif
