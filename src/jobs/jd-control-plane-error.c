/* jd-control-plane-error.c — the JD_CONTROL_PLANE_ERROR domain, an extended
 * GError domain whose private part keeps AWS's type, message, status and
 * request id.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-control-plane"

#include <string.h>

#include "jd-control-plane-error.h"

typedef struct {
  char *aws_type;
  char *aws_message;
  guint http_status;
  char *request_id;
} JdControlPlaneErrorPrivate;

static void
jd_control_plane_error_private_init (JdControlPlaneErrorPrivate *priv)
{
  priv->aws_type = NULL;
  priv->aws_message = NULL;
  priv->http_status = 0;
  priv->request_id = NULL;
}

static void
jd_control_plane_error_private_copy (const JdControlPlaneErrorPrivate *src,
                                     JdControlPlaneErrorPrivate       *dest)
{
  dest->aws_type = g_strdup (src->aws_type);
  dest->aws_message = g_strdup (src->aws_message);
  dest->http_status = src->http_status;
  dest->request_id = g_strdup (src->request_id);
}

static void
jd_control_plane_error_private_clear (JdControlPlaneErrorPrivate *priv)
{
  g_clear_pointer (&priv->aws_type, g_free);
  g_clear_pointer (&priv->aws_message, g_free);
  g_clear_pointer (&priv->request_id, g_free);
}

G_DEFINE_EXTENDED_ERROR (JdControlPlaneError, jd_control_plane_error)

static const char *const aws_types[] = {
  [JD_CONTROL_PLANE_ERROR_INVALID_REQUEST] = "InvalidRequestException",
  [JD_CONTROL_PLANE_ERROR_THROTTLING] = "ThrottlingException",
  [JD_CONTROL_PLANE_ERROR_UNAUTHORIZED] = "UnauthorizedException",
  [JD_CONTROL_PLANE_ERROR_RESOURCE_NOT_FOUND] = "ResourceNotFoundException",
  [JD_CONTROL_PLANE_ERROR_RESOURCE_ALREADY_EXISTS] = "ResourceAlreadyExistsException",
  [JD_CONTROL_PLANE_ERROR_INVALID_STATE_TRANSITION] = "InvalidStateTransitionException",
  [JD_CONTROL_PLANE_ERROR_VERSION_CONFLICT] = "VersionConflictException",
  [JD_CONTROL_PLANE_ERROR_CONFLICT] = "ConflictException",
  [JD_CONTROL_PLANE_ERROR_LIMIT_EXCEEDED] = "LimitExceededException",
  [JD_CONTROL_PLANE_ERROR_INTERNAL_FAILURE] = "InternalFailureException",
  [JD_CONTROL_PLANE_ERROR_SERVICE_UNAVAILABLE] = "ServiceUnavailableException",
  [JD_CONTROL_PLANE_ERROR_INVALID_SIGNATURE] = "InvalidSignatureException",
  [JD_CONTROL_PLANE_ERROR_UNRECOGNIZED_CLIENT] = "UnrecognizedClientException",
  [JD_CONTROL_PLANE_ERROR_MISSING_AUTHENTICATION_TOKEN] = "MissingAuthenticationTokenException",
  [JD_CONTROL_PLANE_ERROR_INCOMPLETE_SIGNATURE] = "IncompleteSignatureException",
  [JD_CONTROL_PLANE_ERROR_ACCESS_DENIED] = "AccessDeniedException",
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
jd_control_plane_error_code_to_aws (JdControlPlaneErrorCode code)
{
  if ((guint) code < G_N_ELEMENTS (aws_types))
    return aws_types[code];
  return NULL;
}

JdControlPlaneErrorCode
jd_control_plane_error_code_from_aws (const char *aws_type)
{
  g_autofree char *type = clean_type (aws_type);

  if (type == NULL)
    return JD_CONTROL_PLANE_ERROR_UNKNOWN;
  for (guint i = 0; i < G_N_ELEMENTS (aws_types); i++)
    if (strcmp (aws_types[i], type) == 0)
      return (JdControlPlaneErrorCode) i;
  for (guint i = 0; i < G_N_ELEMENTS (throttling_types); i++)
    if (strcmp (throttling_types[i], type) == 0)
      return JD_CONTROL_PLANE_ERROR_THROTTLING;
  return JD_CONTROL_PLANE_ERROR_UNKNOWN;
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
  JdControlPlaneErrorPrivate *priv;
  GError *error;
  const char *text;

  if (message != NULL && *message != '\0')
    text = message;
  else if (type != NULL && *type != '\0')
    text = type;
  else
    text = "The control plane refused the request.";

  error = g_error_new_literal (JD_CONTROL_PLANE_ERROR,
                               jd_control_plane_error_code_from_aws (type), text);
  priv = jd_control_plane_error_get_private (error);
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
  if (error->domain != JD_CONTROL_PLANE_ERROR)
    return NULL;
  return jd_control_plane_error_get_private (error)->aws_type;
}

const char *
jd_control_plane_error_get_aws_message (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);
  if (error->domain != JD_CONTROL_PLANE_ERROR)
    return NULL;
  return jd_control_plane_error_get_private (error)->aws_message;
}

guint
jd_control_plane_error_get_http_status (const GError *error)
{
  g_return_val_if_fail (error != NULL, 0);
  if (error->domain != JD_CONTROL_PLANE_ERROR)
    return 0;
  return jd_control_plane_error_get_private (error)->http_status;
}

const char *
jd_control_plane_error_get_request_id (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);
  if (error->domain != JD_CONTROL_PLANE_ERROR)
    return NULL;
  return jd_control_plane_error_get_private (error)->request_id;
}

gboolean
jd_control_plane_error_is_retryable (const GError *error)
{
  guint status;

  if (error == NULL || error->domain != JD_CONTROL_PLANE_ERROR)
    return FALSE;
  if (error->code == JD_CONTROL_PLANE_ERROR_THROTTLING)
    return TRUE;
  status = jd_control_plane_error_get_private (error)->http_status;
  return status == 429 || (status >= 500 && status <= 599);
}
