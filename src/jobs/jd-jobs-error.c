/* jd-jobs-error.c — the JD_JOBS_ERROR domain and its mapping to AWS's codes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-jobs"

#include <string.h>

#include "jd-jobs-error.h"

/* Extended domain: a rejected reply's AWS code and its executionState travel
 * with the GError. */
typedef struct
{
  char       *aws_code;
  JsonObject *execution_state;
} JdJobsErrorPrivate;

static void
jd_jobs_error_private_init (JdJobsErrorPrivate *priv)
{
  priv->aws_code = NULL;
  priv->execution_state = NULL;
}

static void
jd_jobs_error_private_copy (const JdJobsErrorPrivate *src,
                            JdJobsErrorPrivate       *dest)
{
  dest->aws_code = g_strdup (src->aws_code);
  dest->execution_state = src->execution_state ? json_object_ref (src->execution_state) : NULL;
}

static void
jd_jobs_error_private_clear (JdJobsErrorPrivate *priv)
{
  g_clear_pointer (&priv->aws_code, g_free);
  g_clear_pointer (&priv->execution_state, json_object_unref);
}

G_DEFINE_EXTENDED_ERROR (JdJobsError, jd_jobs_error)

/**
 * jd_jobs_error_new_rejected:
 * @aws_code: the `code` of a rejected reply
 * @message: (nullable): its `message`
 * @execution_state: (nullable): its `executionState`
 *
 * Returns: (transfer full): an error whose code matches @aws_code
 *   (%JD_JOBS_ERROR_UNKNOWN_CODE if unknown) and whose message is AWS's
 */
GError *
jd_jobs_error_new_rejected (const char *aws_code,
                            const char *message,
                            JsonObject *execution_state)
{
  GError *error;
  JdJobsErrorPrivate *priv;

  g_return_val_if_fail (aws_code != NULL, NULL);

  error = g_error_new_literal (JD_JOBS_ERROR, jd_jobs_error_code_from_aws (aws_code),
                               message != NULL && *message != '\0' ? message : aws_code);
  priv = jd_jobs_error_get_private (error);
  priv->aws_code = g_strdup (aws_code);
  priv->execution_state = execution_state ? json_object_ref (execution_state) : NULL;
  return error;
}

/**
 * jd_jobs_error_get_aws_code:
 * @error: a %JD_JOBS_ERROR error
 *
 * Returns: (nullable): the AWS `code` of a rejected reply as it arrived
 *   (also for codes this client does not know), else %NULL
 */
const char *
jd_jobs_error_get_aws_code (const GError *error)
{
  g_return_val_if_fail (error != NULL && error->domain == JD_JOBS_ERROR, NULL);

  return jd_jobs_error_get_private (error)->aws_code;
}

/**
 * jd_jobs_error_get_execution_state:
 * @error: a %JD_JOBS_ERROR error
 *
 * Returns: (nullable) (transfer none): the `executionState` of an
 *   InvalidStateTransition or VersionMismatch rejection
 */
JsonObject *
jd_jobs_error_get_execution_state (const GError *error)
{
  g_return_val_if_fail (error != NULL && error->domain == JD_JOBS_ERROR, NULL);

  return jd_jobs_error_get_private (error)->execution_state;
}

static const char *const aws_codes[] = {
  [JD_JOBS_ERROR_INVALID_TOPIC] = "InvalidTopic",
  [JD_JOBS_ERROR_INVALID_JSON] = "InvalidJson",
  [JD_JOBS_ERROR_INVALID_REQUEST] = "InvalidRequest",
  [JD_JOBS_ERROR_INVALID_STATE_TRANSITION] = "InvalidStateTransition",
  [JD_JOBS_ERROR_RESOURCE_NOT_FOUND] = "ResourceNotFound",
  [JD_JOBS_ERROR_VERSION_MISMATCH] = "VersionMismatch",
  [JD_JOBS_ERROR_INTERNAL_ERROR] = "InternalError",
  [JD_JOBS_ERROR_REQUEST_THROTTLED] = "RequestThrottled",
  [JD_JOBS_ERROR_TERMINAL_STATE_REACHED] = "TerminalStateReached",
};

/**
 * jd_jobs_error_code_to_aws:
 * @code: an error code
 *
 * Returns: AWS's spelling of a rejected code, or %NULL for the local codes.
 */
const char *
jd_jobs_error_code_to_aws (JdJobsErrorCode code)
{
  if ((guint) code < G_N_ELEMENTS (aws_codes))
    return aws_codes[code];
  return NULL;
}

/**
 * jd_jobs_error_code_from_aws:
 * @aws_code: (nullable): the `code` of a rejected reply
 *
 * Returns: the matching code, or %JD_JOBS_ERROR_UNKNOWN_CODE.
 */
JdJobsErrorCode
jd_jobs_error_code_from_aws (const char *aws_code)
{
  if (aws_code == NULL)
    return JD_JOBS_ERROR_UNKNOWN_CODE;

  for (guint i = 0; i < G_N_ELEMENTS (aws_codes); i++)
    if (strcmp (aws_codes[i], aws_code) == 0)
      return (JdJobsErrorCode) i;

  return JD_JOBS_ERROR_UNKNOWN_CODE;
}
