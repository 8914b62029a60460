/* intl: gettext for every user-facing string (_() and N_()).
 * Included by any file, core or UI, that says something to a person. */
#ifndef SKUA_INTL_H
#define SKUA_INTL_H

#include <libintl.h>

#define _(s)	gettext(s)
#define N_(s)	(s)

#endif
