/* trust: a line-based file, appended with O_APPEND and fsync so that a
 * decision to trust survives a crash, and read leniently (bad lines are
 * skipped, never trusted). */
#include "auto-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trust.h"
#include "xmalloc.h"

char **
trust_load(const char *path, const char *host, int port)
{
	FILE	 *f;
	char	  line[512], key[300], fp[128], **out = NULL;
	size_t	  n = 0;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	snprintf(key, sizeof key, "%s:%d", host, port);
	while (fgets(line, sizeof line, f) != NULL) {
		char	*space = strchr(line, ' ');

		if (line[0] == '#' || space == NULL)
			continue;
		*space = '\0';
		if (strcmp(line, key) != 0 ||
		    sscanf(space + 1, "%127s", fp) != 1 ||
		    strncmp(fp, "sha256:", 7) != 0 || strlen(fp) != 71)
			continue;
		out = xreallocarray(out, n + 2, sizeof *out);
		out[n++] = xstrdup(fp);
		out[n] = NULL;
	}
	fclose(f);
	return out;
}

void
trust_free(char **list)
{
	size_t	i;

	for (i = 0; list != NULL && list[i] != NULL; i++)
		free(list[i]);
	free(list);
}

int
trust_add(const char *path, const char *host, int port,
    const char *fingerprint, char **error)
{
	char	*line;
	int	 fd, ok;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1) {
		*error = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	line = xasprintf("%s:%d %s\n", host, port, fingerprint);
	ok = write(fd, line, strlen(line)) == (ssize_t)strlen(line) &&
	    fsync(fd) == 0;
	if (!ok)
		*error = xasprintf("%s: %s", path, strerror(errno));
	free(line);
	close(fd);
	return ok ? 0 : -1;
}
