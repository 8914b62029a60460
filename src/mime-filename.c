/* mime-filename: an attachment's name is the sender's choice: "../../.bashrc",
 * "invoice<RLO>fdp.exe", or 300 bytes of dots. Only the last component is
 * kept, sanitised, and never hidden or overlong. */
#include "auto-config.h"

#include <stdlib.h>
#include <string.h>

#include "mime-filename.h"
#include "mime-sanitize.h"
#include "utf8.h"
#include "xmalloc.h"

/* Most file systems allow 255 bytes in a name. */
#define MIME_FILENAME_MAX	255

char *
mime_filename_safe(const char *name)
{
	const char	*base, *p;
	char		*clean, *start, *end;
	size_t		 len, used, keep;

	if (name == NULL)
		name = "";
	/* The last component, whatever the sender's path separator. */
	for (base = p = name; *p != '\0'; p++) {
		if (*p == '/' || *p == '\\')
			base = p + 1;
	}
	clean = mime_sanitize(base, strlen(base), 0);
	/* No hidden files, no names of only dots and spaces. */
	for (start = clean; *start == '.' || *start == ' '; start++)
		;
	end = start + strlen(start);
	while (end > start && (end[-1] == ' ' || end[-1] == '.'))
		end--;
	*end = '\0';
	/* Cut at a character boundary, not inside one. */
	len = strlen(start);
	for (keep = 0; keep < len && keep < MIME_FILENAME_MAX; keep += used) {
		if (utf8_decode((const unsigned char *)start + keep,
		    len - keep, &used) == -1)
			used = 1;
		if (keep + used > MIME_FILENAME_MAX)
			break;
	}
	start[keep] = '\0';
	if (*start == '\0') {
		free(clean);
		return xstrdup("attachment");
	}
	memmove(clean, start, strlen(start) + 1);
	return clean;
}
