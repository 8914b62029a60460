/* core: the contract between the UI and the core library. The one src/
 * header that ui/ includes; it gathers what the UI process may call. */
#ifndef SKUA_CORE_H
#define SKUA_CORE_H

#include "config.h"
#include "intl.h"
#include "log.h"
#include "paths.h"
#include "xmalloc.h"

#endif
