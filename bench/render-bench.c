/* render-bench: parse + render throughput over a set of messages, the
 * same code `skua render` runs (without its per-message child process).
 * Built and run by bench/render. Usage: render-bench ROUNDS FILE... */
#include "auto-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render.h"

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	char	*buf;
	long	 n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		perror(path);
		exit(1);
	}
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(1);
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

int
main(int argc, char **argv)
{
	struct render_opts	 opts;
	struct timespec		 a, b;
	char			**bufs, *out;
	size_t			*lens, total = 0;
	double			 secs;
	int			 rounds, i, r;

	if (argc < 3)
		return 2;
	rounds = atoi(argv[1]);
	memset(&opts, 0, sizeof opts);
	opts.html_command = getenv("HTML_COMMAND");	/* NULL: default */
	opts.inline_depth = 3;
	opts.width = 80;
	bufs = calloc((size_t)argc, sizeof *bufs);
	lens = calloc((size_t)argc, sizeof *lens);
	for (i = 2; i < argc; i++)
		bufs[i] = slurp(argv[i], &lens[i]);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (r = 0; r < rounds; r++) {
		for (i = 2; i < argc; i++) {
			out = render_message(bufs[i], lens[i], &opts);
			free(out);
			total += lens[i];
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	printf("%d messages x %d rounds: %.1f MB in %.3f s = %.1f MB/s, "
	    "%.3f ms per message\n", argc - 2, rounds, total / 1e6, secs,
	    total / 1e6 / secs, secs * 1e3 / ((argc - 2) * (double)rounds));
	return 0;
}
