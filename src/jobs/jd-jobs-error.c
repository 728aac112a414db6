/* jd-jobs-error.c — JD_JOBS_ERROR, the library's one error domain: an
 * extended GError domain whose private part keeps AWS's words (a rejected
 * reply's code and executionState; a control-plane error's type, message,
 * HTTP status and request id), and the mapping of codes to AWS's spellings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-jobs"

#include <string.h>

#include "jd-jobs-error.h"

/* Extended domain: what AWS said travels with the GError. */
typedef struct
{
  char       *aws_code;          /* the device side: a rejected reply's code */
  JsonObject *execution_state;   /* ... and its executionState */
  char       *aws_type;          /* the control plane: the error type, cleaned */
  char       *aws_message;
  guint       http_status;
  char       *request_id;
} JdJobsErrorPrivate;

static void
jd_jobs_error_private_init (JdJobsErrorPrivate *priv)
{
  priv->aws_code = NULL;
  priv->execution_state = NULL;
  priv->aws_type = NULL;
  priv->aws_message = NULL;
  priv->http_status = 0;
  priv->request_id = NULL;
}

static void
jd_jobs_error_private_copy (const JdJobsErrorPrivate *src,
                            JdJobsErrorPrivate       *dest)
{
  dest->aws_code = g_strdup (src->aws_code);
  dest->execution_state = src->execution_state ? json_object_ref (src->execution_state) : NULL;
  dest->aws_type = g_strdup (src->aws_type);
  dest->aws_message = g_strdup (src->aws_message);
  dest->http_status = src->http_status;
  dest->request_id = g_strdup (src->request_id);
}

static void
jd_jobs_error_private_clear (JdJobsErrorPrivate *priv)
{
  g_clear_pointer (&priv->aws_code, g_free);
  g_clear_pointer (&priv->execution_state, json_object_unref);
  g_clear_pointer (&priv->aws_type, g_free);
  g_clear_pointer (&priv->aws_message, g_free);
  g_clear_pointer (&priv->request_id, g_free);
}

G_DEFINE_EXTENDED_ERROR (JdJobsError, jd_jobs_error)

/**
 * jd_jobs_error_get_group:
 * @error: any error
 *
 * Returns: the part of the library @error comes from, or
 *   %JD_JOBS_ERROR_GROUP_NONE when it is not a %JD_JOBS_ERROR
 */
JdJobsErrorGroup
jd_jobs_error_get_group (const GError *error)
{
  g_return_val_if_fail (error != NULL, JD_JOBS_ERROR_GROUP_NONE);

  if (error->domain != JD_JOBS_ERROR || error->code < 0)
    return JD_JOBS_ERROR_GROUP_NONE;
  if (error->code <= JD_JOBS_ERROR_INVALID_ARGUMENT)
    return JD_JOBS_ERROR_GROUP_DEVICE;
  if (error->code <= JD_JOBS_ERROR_INVALID_CONFIGURATION)
    return JD_JOBS_ERROR_GROUP_CONTROL_PLANE;
  if (error->code <= JD_JOBS_ERROR_INVALID_CREDENTIALS)
    return JD_JOBS_ERROR_GROUP_CREDENTIALS;
  if (error->code <= JD_JOBS_ERROR_INVALID_PORT)
    return JD_JOBS_ERROR_GROUP_PROFILE;
  if (error->code <= JD_JOBS_ERROR_SANDBOX_NO_THING)
    return JD_JOBS_ERROR_GROUP_SANDBOX_INFO;
  if (error->code <= JD_JOBS_ERROR_CODESIGN_PASSPHRASE)
    return JD_JOBS_ERROR_GROUP_CODESIGN;
  if (error->code <= JD_JOBS_ERROR_UPLOAD_FAILED)
    return JD_JOBS_ERROR_GROUP_UPLOAD;
  return JD_JOBS_ERROR_GROUP_NONE;
}

/* ---- the device side ---- */
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

/* ---- the control plane ---- */

/* The first of the control plane's codes; AWS's types are indexed from it. */
#define CP_FIRST JD_JOBS_ERROR_INVALID_REQUEST_EXCEPTION

static const char *const aws_types[] = {
  [JD_JOBS_ERROR_INVALID_REQUEST_EXCEPTION - CP_FIRST] = "InvalidRequestException",
  [JD_JOBS_ERROR_THROTTLING_EXCEPTION - CP_FIRST] = "ThrottlingException",
  [JD_JOBS_ERROR_UNAUTHORIZED_EXCEPTION - CP_FIRST] = "UnauthorizedException",
  [JD_JOBS_ERROR_RESOURCE_NOT_FOUND_EXCEPTION - CP_FIRST] = "ResourceNotFoundException",
  [JD_JOBS_ERROR_RESOURCE_ALREADY_EXISTS_EXCEPTION - CP_FIRST] = "ResourceAlreadyExistsException",
  [JD_JOBS_ERROR_INVALID_STATE_TRANSITION_EXCEPTION - CP_FIRST] = "InvalidStateTransitionException",
  [JD_JOBS_ERROR_VERSION_CONFLICT_EXCEPTION - CP_FIRST] = "VersionConflictException",
  [JD_JOBS_ERROR_CONFLICT_EXCEPTION - CP_FIRST] = "ConflictException",
  [JD_JOBS_ERROR_LIMIT_EXCEEDED_EXCEPTION - CP_FIRST] = "LimitExceededException",
  [JD_JOBS_ERROR_INTERNAL_FAILURE_EXCEPTION - CP_FIRST] = "InternalFailureException",
  [JD_JOBS_ERROR_SERVICE_UNAVAILABLE_EXCEPTION - CP_FIRST] = "ServiceUnavailableException",
  [JD_JOBS_ERROR_INVALID_SIGNATURE_EXCEPTION - CP_FIRST] = "InvalidSignatureException",
  [JD_JOBS_ERROR_UNRECOGNIZED_CLIENT_EXCEPTION - CP_FIRST] = "UnrecognizedClientException",
  [JD_JOBS_ERROR_MISSING_AUTHENTICATION_TOKEN_EXCEPTION - CP_FIRST] = "MissingAuthenticationTokenException",
  [JD_JOBS_ERROR_INCOMPLETE_SIGNATURE_EXCEPTION - CP_FIRST] = "IncompleteSignatureException",
  [JD_JOBS_ERROR_ACCESS_DENIED_EXCEPTION - CP_FIRST] = "AccessDeniedException",
};

/* Other spellings of throttling that botocore retries. */
static const char *const throttling_types[] = {
  "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
  "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled", "SlowDown",
};

/* botocore's rule: the text before the first ':' and after the last '#'. */
static char *
clean_type (const char *aws_type)
{
  g_autofree char *head = NULL;
  const char *colon;
  const char *hash;

  if (aws_type == NULL)
    return NULL;
  colon = strchr (aws_type, ':');
  head = colon != NULL ? g_strndup (aws_type, colon - aws_type) : g_strdup (aws_type);
  hash = strrchr (head, '#');
  return g_strstrip (g_strdup (hash != NULL ? hash + 1 : head));
}

const char *
jd_control_plane_error_code_to_aws (JdJobsErrorCode code)
{
  if (code >= CP_FIRST && (guint) (code - CP_FIRST) < G_N_ELEMENTS (aws_types))
    return aws_types[code - CP_FIRST];
  return NULL;
}

JdJobsErrorCode
jd_control_plane_error_code_from_aws (const char *aws_type)
{
  g_autofree char *type = clean_type (aws_type);

  if (type == NULL)
    return JD_JOBS_ERROR_UNKNOWN_EXCEPTION;
  for (guint i = 0; i < G_N_ELEMENTS (aws_types); i++)
    if (strcmp (aws_types[i], type) == 0)
      return (JdJobsErrorCode) (CP_FIRST + i);
  for (guint i = 0; i < G_N_ELEMENTS (throttling_types); i++)
    if (strcmp (throttling_types[i], type) == 0)
      return JD_JOBS_ERROR_THROTTLING_EXCEPTION;
  return JD_JOBS_ERROR_UNKNOWN_EXCEPTION;
}

/**
 * jd_control_plane_error_new_aws:
 * @aws_type: (nullable): the error type as sent
 * @message: (nullable): AWS's message
 * @http_status: the HTTP status
 * @request_id: (nullable): x-amzn-RequestId
 *
 * The GError message is AWS's message, or the type when AWS gave none.
 *
 * Returns: (transfer full): a new error
 */
GError *
jd_control_plane_error_new_aws (const char *aws_type,
                                const char *message,
                                guint       http_status,
                                const char *request_id)
{
  g_autofree char *type = clean_type (aws_type);
  JdJobsErrorPrivate *priv;
  GError *error;
  const char *text;

  if (message != NULL && *message != '\0')
    text = message;
  else if (type != NULL && *type != '\0')
    text = type;
  else
    text = "The control plane refused the request.";

  error = g_error_new_literal (JD_JOBS_ERROR,
                               jd_control_plane_error_code_from_aws (type), text);
  priv = jd_jobs_error_get_private (error);
  priv->aws_type = g_steal_pointer (&type);
  priv->aws_message = g_strdup (message);
  priv->http_status = http_status;
  priv->request_id = g_strdup (request_id);
  return error;
}

const char *
jd_control_plane_error_get_aws_type (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);
  if (jd_jobs_error_get_group (error) != JD_JOBS_ERROR_GROUP_CONTROL_PLANE)
    return NULL;
  return jd_jobs_error_get_private (error)->aws_type;
}

const char *
jd_control_plane_error_get_aws_message (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);
  if (jd_jobs_error_get_group (error) != JD_JOBS_ERROR_GROUP_CONTROL_PLANE)
    return NULL;
  return jd_jobs_error_get_private (error)->aws_message;
}

guint
jd_control_plane_error_get_http_status (const GError *error)
{
  g_return_val_if_fail (error != NULL, 0);
  if (jd_jobs_error_get_group (error) != JD_JOBS_ERROR_GROUP_CONTROL_PLANE)
    return 0;
  return jd_jobs_error_get_private (error)->http_status;
}

const char *
jd_control_plane_error_get_request_id (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);
  if (jd_jobs_error_get_group (error) != JD_JOBS_ERROR_GROUP_CONTROL_PLANE)
    return NULL;
  return jd_jobs_error_get_private (error)->request_id;
}

gboolean
jd_control_plane_error_is_retryable (const GError *error)
{
  guint status;

  if (error == NULL || jd_jobs_error_get_group (error) != JD_JOBS_ERROR_GROUP_CONTROL_PLANE)
    return FALSE;
  if (error->code == JD_JOBS_ERROR_THROTTLING_EXCEPTION)
    return TRUE;
  status = jd_jobs_error_get_private (error)->http_status;
  return status == 429 || (status >= 500 && status <= 599);
}
