/* jd-control-plane-error.h — the JD_CONTROL_PLANE_ERROR domain. Each error
 * keeps what AWS said: the error type (from x-amzn-ErrorType, a ":"-suffix
 * stripped), the message and the HTTP status, plus the request id.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define JD_CONTROL_PLANE_ERROR (jd_control_plane_error_quark ())

typedef enum {
  /* AWS's error types (control-plane model and authentication). */
  JD_CONTROL_PLANE_ERROR_INVALID_REQUEST,             /* InvalidRequestException, 400 */
  JD_CONTROL_PLANE_ERROR_THROTTLING,                  /* ThrottlingException, 400 */
  JD_CONTROL_PLANE_ERROR_UNAUTHORIZED,                /* UnauthorizedException, 401 */
  JD_CONTROL_PLANE_ERROR_RESOURCE_NOT_FOUND,          /* ResourceNotFoundException, 404 */
  JD_CONTROL_PLANE_ERROR_RESOURCE_ALREADY_EXISTS,     /* ResourceAlreadyExistsException, 409 */
  JD_CONTROL_PLANE_ERROR_INVALID_STATE_TRANSITION,    /* InvalidStateTransitionException, 409 */
  JD_CONTROL_PLANE_ERROR_VERSION_CONFLICT,            /* VersionConflictException, 409 */
  JD_CONTROL_PLANE_ERROR_CONFLICT,                    /* ConflictException, 409 */
  JD_CONTROL_PLANE_ERROR_LIMIT_EXCEEDED,              /* LimitExceededException, 410 */
  JD_CONTROL_PLANE_ERROR_INTERNAL_FAILURE,            /* InternalFailureException, 500 */
  JD_CONTROL_PLANE_ERROR_SERVICE_UNAVAILABLE,         /* ServiceUnavailableException, 503 */
  JD_CONTROL_PLANE_ERROR_INVALID_SIGNATURE,           /* InvalidSignatureException, 403 */
  JD_CONTROL_PLANE_ERROR_UNRECOGNIZED_CLIENT,         /* UnrecognizedClientException, 403 */
  JD_CONTROL_PLANE_ERROR_MISSING_AUTHENTICATION_TOKEN,/* MissingAuthenticationTokenException, 403 */
  JD_CONTROL_PLANE_ERROR_INCOMPLETE_SIGNATURE,        /* IncompleteSignatureException, 403 */
  JD_CONTROL_PLANE_ERROR_ACCESS_DENIED,               /* AccessDeniedException, 403 */
  /* An AWS error type this client does not know; the type is kept. */
  JD_CONTROL_PLANE_ERROR_UNKNOWN,
  /* Local: a reply that is not what the API promises. */
  JD_CONTROL_PLANE_ERROR_INVALID_RESPONSE,
  /* Local: bad configuration (endpoint, CA file). */
  JD_CONTROL_PLANE_ERROR_INVALID_CONFIGURATION,
} JdControlPlaneErrorCode;

GQuark                  jd_control_plane_error_quark          (void);

/* AWS's spelling of a code ("ResourceNotFoundException"), NULL for local codes. */
const char             *jd_control_plane_error_code_to_aws    (JdControlPlaneErrorCode code);
/* Accepts "ResourceNotFoundException", "ResourceNotFoundException:" and
 * "aws.iot#ResourceNotFoundException"; unknown types give _UNKNOWN. */
JdControlPlaneErrorCode jd_control_plane_error_code_from_aws  (const char *aws_type);

/* A new error of the domain that keeps @aws_type (cleaned), @message, @http_status. */
GError                 *jd_control_plane_error_new_aws        (const char *aws_type,
                                                               const char *message,
                                                               guint       http_status,
                                                               const char *request_id);

/* What AWS said, for an error of this domain (NULL / 0 for local errors). */
const char             *jd_control_plane_error_get_aws_type   (const GError *error);
const char             *jd_control_plane_error_get_aws_message (const GError *error);
guint                   jd_control_plane_error_get_http_status (const GError *error);
const char             *jd_control_plane_error_get_request_id (const GError *error);

/* TRUE for throttling, 429 and 5xx: worth retrying when the call is idempotent. */
gboolean                jd_control_plane_error_is_retryable   (const GError *error);

G_END_DECLS
