/* jd-aws-error.c — AWS's words of a control-plane error, for the UI.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <string.h>

#include <glib/gi18n.h>

#include "jd-aws-error.h"
#include "jd-jobs-error.h"

/**
 * jd_aws_error_details:
 *
 * Returns: (transfer full): "InvalidStateTransitionException: …\nHTTP
 *   status 409", or the local error's message
 */
char *
jd_aws_error_details (const GError *error)
{
  const char *aws_type;

  g_return_val_if_fail (error != NULL, NULL);

  aws_type = jd_control_plane_error_get_aws_type (error);
  if (aws_type != NULL)
    {
      const char *message = jd_control_plane_error_get_aws_message (error);
      guint status = jd_control_plane_error_get_http_status (error);

      if (status > 0)
        /* Translators: AWS's error type, its message, then the HTTP status */
        return g_strdup_printf (_("%s: %s\nHTTP status %u"), aws_type,
                                message ? message : error->message, status);
      return g_strdup_printf ("%s: %s", aws_type, message ? message : error->message);
    }

  return g_strdup (error->message);
}

/**
 * jd_aws_error_summary:
 *
 * Returns: (transfer full): the first paragraph of jd_aws_error_details():
 *   AWS's signature errors go on with the whole canonical request
 */
char *
jd_aws_error_summary (const GError *error)
{
  g_autofree char *details = NULL;
  const char *aws_type;
  const char *message;
  const char *end;

  g_return_val_if_fail (error != NULL, NULL);

  details = jd_aws_error_details (error);
  aws_type = jd_control_plane_error_get_aws_type (error);
  message = jd_control_plane_error_get_aws_message (error);
  if (aws_type == NULL || message == NULL)
    return g_steal_pointer (&details);

  end = strstr (message, "\n\n");
  return g_strdup_printf ("%s: %.*s", aws_type,
                          (int) (end ? (gsize) (end - message) : strlen (message)), message);
}
