/* jd-aws-error.h — how the app words a control-plane error: AWS's type and
 * message (with the HTTP status) for a Details button, and its first
 * paragraph for a status page.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *jd_aws_error_details (const GError *error);
char *jd_aws_error_summary (const GError *error);

G_END_DECLS
