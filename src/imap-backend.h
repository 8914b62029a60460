/* imap-backend: struct backend for IMAP accounts: mirror first, then the
 * server; offline when it must be. Worker process only. */
#ifndef SKUA_IMAP_BACKEND_H
#define SKUA_IMAP_BACKEND_H

#include "backend.h"

extern const struct backend backend_imap;

#endif
