/* backend: choosing the backend for an account's protocol. */
#include "auto-config.h"

#include <stddef.h>

#include "backend.h"
#include "config.h"
#include "imap-backend.h"

const struct backend *
backend_for(const struct config_account *a)
{
	switch (a->protocol) {
	case CONFIG_PROTOCOL_IMAP:
		return &backend_imap;
	case CONFIG_PROTOCOL_POP3:
		break;
	}
	return NULL;
}
