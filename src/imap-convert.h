/* imap-convert: libetpan's FETCH results into skua's mirror rows: flags,
 * envelope (decoded, sanitised), dates, References, BODYSTRUCTURE.
 * Worker process only (this parses what the server sent). */
#ifndef SKUA_IMAP_CONVERT_H
#define SKUA_IMAP_CONVERT_H

#include <libetpan/libetpan.h>

#include "store-mirror.h"

/* The FETCH items the index needs (what imap_convert_message reads). */
struct mailimap_fetch_type *imap_convert_fetch_type(int with_modseq);
/* Only UID, FLAGS (and MODSEQ): for resynchronising known messages. */
struct mailimap_fetch_type *imap_convert_flags_fetch_type(int with_modseq);

/*
 * Fill m from one FETCH response. Returns 0, or -1 when the response has
 * no UID (then m is cleared). Strings in m are the caller's
 * (store_message_clear). Fields the response lacks stay empty.
 */
int		 imap_convert_message(struct mailimap_msg_att *,
		     struct store_message *m);
/* The flags of a FETCH response as STORE_FLAG_* bits, keywords in *keywords
 * (caller frees; NULL when none). */
uint32_t	 imap_convert_flags(struct mailimap_msg_att_dynamic *,
		     char **keywords);
/* Decode an RFC 2047 header value to sanitised UTF-8 (caller frees). */
char		*imap_convert_header(const char *);
/* An RFC 5322 date into seconds since the epoch, 0 if it cannot be read. */
int64_t		 imap_convert_date(const char *);

#endif
