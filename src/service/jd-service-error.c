/* jd-service-error.c — the JD_SERVICE_ERROR domain.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-service"

#include "jd-service-error.h"

G_DEFINE_QUARK (jd-service-error-quark, jd_service_error)
