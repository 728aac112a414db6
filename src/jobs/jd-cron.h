/* jd-cron.h — AWS's six-field cron expressions, as maintenance windows of a
 * scheduled job use them: `cron(0 2 ? * SUN *)` or the same without the
 * wrapper. Parsing, and the next start at or after an instant (UTC).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _JdCron JdCron;

/* Fields: minutes (0–59), hours (0–23), day of month (1–31, `L`, `?`),
 * month (1–12 or JAN–DEC), day of week (1–7 or SUN–SAT, SUN = 1, `?`,
 * `n#k` for the k-th such day of the month), year (1970–2199). `*`, lists,
 * ranges and `/step` everywhere. One of day of month and day of week must
 * be `?`, as AWS requires. Errors are JD_JOBS_ERROR_INVALID_REQUEST with a
 * message that names the field. */
JdCron  *jd_cron_parse    (const char  *expression,
                           GError     **error);
void     jd_cron_free     (JdCron      *cron);

/* The first minute at or after `after` (epoch seconds, UTC) that matches, or
 * -1 when none does before the year 2200. */
gint64   jd_cron_next     (const JdCron *cron,
                           gint64        after);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdCron, jd_cron_free)

G_END_DECLS
