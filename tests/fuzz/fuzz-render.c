/* fuzz-render: libFuzzer target over skua's whole reading path for a
 * message (libetpan's MIME parser, decoding, rendering, sanitising).
 * Built and run by tests/fuzz/run with clang's -fsanitize=fuzzer. */
#include "auto-config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mime-sanitize.h"
#include "render.h"
#include "utf8.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct render_opts	 opts;
	char			*out, *copy;
	size_t			 i;

	memset(&opts, 0, sizeof opts);
	/* The built-in HTML reader: a command per input would measure w3m. */
	opts.html_command = "builtin";
	opts.inline_depth = 3;
	opts.width = 80;
	/* The parser must never read past the end: give it an exact copy. */
	copy = malloc(size != 0 ? size : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	out = render_message(copy, size, &opts);
	/* What reaches a terminal: valid UTF-8, no escapes or C0/C1. */
	if (!utf8_is_valid(out, strlen(out)))
		abort();
	for (i = 0; out[i] != '\0'; i++) {
		unsigned char c = (unsigned char)out[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			abort();
		if (c == 0xc2 && (unsigned char)out[i + 1] >= 0x80 &&
		    (unsigned char)out[i + 1] <= 0x9f)
			abort();
	}
	free(out);
	free(copy);
	return 0;
}
