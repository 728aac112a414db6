/* jd-jobs-error.h — JD_JOBS_ERROR, the one error domain of libjobdeck-jobs.
 *
 * One enum, in groups that say which part failed (jd_jobs_error_get_group()):
 * the device side (AWS IoT Jobs' rejected codes over MQTT, and the failures a
 * device-side client meets on its own), the control plane (AWS's error types
 * over HTTPS, also what SigV4 verification answers, and the client's own),
 * credentials, profiles and their files, sandbox.json, signed files, and
 * uploads to the sandbox's file store. An error keeps AWS's words: a rejected
 * reply's code and executionState, a control-plane error's type, message,
 * HTTP status and request id.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define JD_JOBS_ERROR (jd_jobs_error_quark ())

typedef enum {
  /* ---- the device side ---- */
  /* The nine codes of a rejected reply (reference §4), in AWS's spelling order. */
  JD_JOBS_ERROR_INVALID_TOPIC,
  JD_JOBS_ERROR_INVALID_JSON,
  JD_JOBS_ERROR_INVALID_REQUEST,
  JD_JOBS_ERROR_INVALID_STATE_TRANSITION,
  JD_JOBS_ERROR_RESOURCE_NOT_FOUND,
  JD_JOBS_ERROR_VERSION_MISMATCH,
  JD_JOBS_ERROR_INTERNAL_ERROR,
  JD_JOBS_ERROR_REQUEST_THROTTLED,
  JD_JOBS_ERROR_TERMINAL_STATE_REACHED,
  /* Local failures. */
  JD_JOBS_ERROR_TIMEOUT,
  JD_JOBS_ERROR_DISCONNECTED,
  JD_JOBS_ERROR_INVALID_REPLY,
  /* A rejected reply with a code this client does not know. */
  JD_JOBS_ERROR_UNKNOWN_CODE,
  /* The MQTT connection (last-error of JdMqttConnection). */
  JD_JOBS_ERROR_CONNECTION_FAILED,     /* network: refused, no route, DNS, reset */
  JD_JOBS_ERROR_TLS_FAILED,            /* handshake, certificates, keys */
  JD_JOBS_ERROR_NOT_AUTHORIZED,        /* the broker refused our identity */
  JD_JOBS_ERROR_SUBSCRIPTION_REFUSED,  /* a SUBACK refused a filter */
  JD_JOBS_ERROR_INVALID_ARGUMENT,      /* e.g. a thing name AWS would refuse */

  /* ---- the control plane (contiguous, INVALID_REQUEST_EXCEPTION to INVALID_CONFIGURATION) ---- */
  /* AWS's error types (control-plane model and authentication);
   * INVALID_SIGNATURE to INCOMPLETE_SIGNATURE are also what SigV4
   * verification answers (403). */
  JD_JOBS_ERROR_INVALID_REQUEST_EXCEPTION,             /* InvalidRequestException, 400 */
  JD_JOBS_ERROR_THROTTLING_EXCEPTION,                  /* ThrottlingException, 400 */
  JD_JOBS_ERROR_UNAUTHORIZED_EXCEPTION,                /* UnauthorizedException, 401 */
  JD_JOBS_ERROR_RESOURCE_NOT_FOUND_EXCEPTION,          /* ResourceNotFoundException, 404 */
  JD_JOBS_ERROR_RESOURCE_ALREADY_EXISTS_EXCEPTION,     /* ResourceAlreadyExistsException, 409 */
  JD_JOBS_ERROR_INVALID_STATE_TRANSITION_EXCEPTION,    /* InvalidStateTransitionException, 409 */
  JD_JOBS_ERROR_VERSION_CONFLICT_EXCEPTION,            /* VersionConflictException, 409 */
  JD_JOBS_ERROR_CONFLICT_EXCEPTION,                    /* ConflictException, 409 */
  JD_JOBS_ERROR_LIMIT_EXCEEDED_EXCEPTION,              /* LimitExceededException, 410 */
  JD_JOBS_ERROR_INTERNAL_FAILURE_EXCEPTION,            /* InternalFailureException, 500 */
  JD_JOBS_ERROR_SERVICE_UNAVAILABLE_EXCEPTION,         /* ServiceUnavailableException, 503 */
  JD_JOBS_ERROR_INVALID_SIGNATURE_EXCEPTION,           /* InvalidSignatureException, 403 */
  JD_JOBS_ERROR_UNRECOGNIZED_CLIENT_EXCEPTION,         /* UnrecognizedClientException, 403 */
  JD_JOBS_ERROR_MISSING_AUTHENTICATION_TOKEN_EXCEPTION,/* MissingAuthenticationTokenException, 403 */
  JD_JOBS_ERROR_INCOMPLETE_SIGNATURE_EXCEPTION,        /* IncompleteSignatureException, 403 */
  JD_JOBS_ERROR_ACCESS_DENIED_EXCEPTION,               /* AccessDeniedException, 403 */
  /* An AWS error type this client does not know; the type is kept. */
  JD_JOBS_ERROR_UNKNOWN_EXCEPTION,
  /* Local: a reply that is not what the API promises. */
  JD_JOBS_ERROR_INVALID_RESPONSE,
  /* Local: bad configuration (endpoint, CA file). */
  JD_JOBS_ERROR_INVALID_CONFIGURATION,

  /* ---- credentials ---- */
  JD_JOBS_ERROR_NO_CREDENTIALS,          /* no source in the chain had a complete key pair */
  JD_JOBS_ERROR_KEYRING,                 /* the keyring (Secret Service) could not be reached or refused */
  JD_JOBS_ERROR_INVALID_CREDENTIALS,     /* empty access key id or secret */

  /* ---- profiles, and the files and names they hold ---- */
  JD_JOBS_ERROR_PROFILE_NOT_FOUND,       /* no profile with that id */
  JD_JOBS_ERROR_MISSING_VALUE,           /* a required setting is empty */
  JD_JOBS_ERROR_MISSING_FILE,
  JD_JOBS_ERROR_UNREADABLE_FILE,
  JD_JOBS_ERROR_INVALID_CERTIFICATE,
  JD_JOBS_ERROR_INVALID_KEY,
  JD_JOBS_ERROR_KEY_ENCRYPTED,           /* needs a passphrase (or the one given is wrong) */
  JD_JOBS_ERROR_KEY_MISMATCH,            /* the key is not the certificate's */
  JD_JOBS_ERROR_CERTIFICATE_EXPIRED,
  JD_JOBS_ERROR_CERTIFICATE_NOT_YET_VALID,
  JD_JOBS_ERROR_INVALID_THING_NAME,
  JD_JOBS_ERROR_INVALID_CLIENT_ID,
  JD_JOBS_ERROR_INVALID_REGION,
  JD_JOBS_ERROR_INVALID_ENDPOINT,
  JD_JOBS_ERROR_INVALID_PORT,

  /* ---- sandbox.json ---- */
  JD_JOBS_ERROR_SANDBOX_NOT_RUNNING,     /* no sandbox.json: nothing runs on that folder */
  JD_JOBS_ERROR_SANDBOX_INFO_INVALID,    /* unreadable, or lacks a required member */
  JD_JOBS_ERROR_SANDBOX_NO_THING,        /* the thing has no certificate in it */

  /* ---- signed files: each failure its own code, its message in plain words ---- */
  JD_JOBS_ERROR_CODESIGN_BAD_ENTRY,            /* a signed-file entry without what it needs */
  JD_JOBS_ERROR_CODESIGN_UNSIGNED,             /* the entry carries no signature at all */
  JD_JOBS_ERROR_CODESIGN_UNKNOWN_ALGORITHM,    /* e.g. "SHA512withECDSA" */
  JD_JOBS_ERROR_CODESIGN_EMPTY_SIGNATURE,
  JD_JOBS_ERROR_CODESIGN_BAD_BASE64,           /* also PEM text where base64 belongs */
  JD_JOBS_ERROR_CODESIGN_BAD_SIGNATURE_ENCODING, /* not DER ECDSA (raw r‖s, trailing bytes) */
  JD_JOBS_ERROR_CODESIGN_WRONG_KEY_NAME,       /* sig-…-ecdsa with an RSA certificate, or the reverse */
  JD_JOBS_ERROR_CODESIGN_BAD_CERTIFICATE,      /* unreadable, or not a certificate */
  JD_JOBS_ERROR_CODESIGN_NO_URL,
  JD_JOBS_ERROR_CODESIGN_URL_EXPIRED,          /* HTTP 403 */
  JD_JOBS_ERROR_CODESIGN_DOWNLOAD_FAILED,
  JD_JOBS_ERROR_CODESIGN_SIZE_MISMATCH,
  JD_JOBS_ERROR_CODESIGN_SIGNATURE_MISMATCH,
  JD_JOBS_ERROR_CODESIGN_BAD_KEY,              /* signing: unreadable key, or not the certificate's */
  JD_JOBS_ERROR_CODESIGN_FILE,                 /* signing: the file cannot be read */
  JD_JOBS_ERROR_CODESIGN_PASSPHRASE,           /* signing: an encrypted key, its passphrase missing or wrong */

  /* ---- uploading a file to the sandbox's file store ---- */
  JD_JOBS_ERROR_UPLOAD_NO_CREDENTIALS,   /* the control plane has no endpoint or credentials */
  JD_JOBS_ERROR_UPLOAD_FILE,             /* the local file cannot be read */
  JD_JOBS_ERROR_UPLOAD_NO_FILE_STORE,    /* 404 without a message: AWS, or a service without a store */
  JD_JOBS_ERROR_UPLOAD_REFUSED,          /* any other HTTP error: "HTTP 403: <the service's message>" */
  JD_JOBS_ERROR_UPLOAD_FAILED,           /* the network, or a reply that is not the store's */
} JdJobsErrorCode;

/* Which part of the library an error comes from. */
typedef enum {
  JD_JOBS_ERROR_GROUP_NONE,              /* not a JD_JOBS_ERROR */
  JD_JOBS_ERROR_GROUP_DEVICE,
  JD_JOBS_ERROR_GROUP_CONTROL_PLANE,
  JD_JOBS_ERROR_GROUP_CREDENTIALS,
  JD_JOBS_ERROR_GROUP_PROFILE,
  JD_JOBS_ERROR_GROUP_SANDBOX_INFO,
  JD_JOBS_ERROR_GROUP_CODESIGN,
  JD_JOBS_ERROR_GROUP_UPLOAD,
} JdJobsErrorGroup;

GQuark           jd_jobs_error_quark        (void);
JdJobsErrorGroup jd_jobs_error_get_group    (const GError *error);

/* ---- the device side ---- */

/* AWS's spelling of a rejected code ("InvalidRequest"), NULL for the others. */
const char     *jd_jobs_error_code_to_aws  (JdJobsErrorCode code);
/* The matching device-side code, or JD_JOBS_ERROR_UNKNOWN_CODE. */
JdJobsErrorCode jd_jobs_error_code_from_aws (const char *aws_code);

GError         *jd_jobs_error_new_rejected        (const char   *aws_code,
                                                   const char   *message,
                                                   JsonObject   *execution_state);
const char     *jd_jobs_error_get_aws_code        (const GError *error);
JsonObject     *jd_jobs_error_get_execution_state (const GError *error);

/* ---- the control plane ---- */

/* AWS's spelling of a code ("ResourceNotFoundException"), NULL for local codes. */
const char     *jd_control_plane_error_code_to_aws    (JdJobsErrorCode code);
/* Accepts "ResourceNotFoundException", "ResourceNotFoundException:" and
 * "aws.iot#ResourceNotFoundException"; unknown types give _UNKNOWN_EXCEPTION. */
JdJobsErrorCode jd_control_plane_error_code_from_aws  (const char *aws_type);

/* A new error that keeps @aws_type (cleaned), @message, @http_status. */
GError         *jd_control_plane_error_new_aws        (const char *aws_type,
                                                       const char *message,
                                                       guint       http_status,
                                                       const char *request_id);

/* What AWS said, for a control-plane error (NULL / 0 for local errors). */
const char     *jd_control_plane_error_get_aws_type   (const GError *error);
const char     *jd_control_plane_error_get_aws_message (const GError *error);
guint           jd_control_plane_error_get_http_status (const GError *error);
const char     *jd_control_plane_error_get_request_id (const GError *error);

/* TRUE for throttling, 429 and 5xx: worth retrying when the call is idempotent. */
gboolean        jd_control_plane_error_is_retryable   (const GError *error);

G_END_DECLS
