/* jd-jobs-error.c — the JD_JOBS_ERROR domain and its mapping to AWS's codes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-jobs"

#include <string.h>

#include "jd-jobs-error.h"

G_DEFINE_QUARK (jd-jobs-error-quark, jd_jobs_error)

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
