/* jd-service-error.h — the JD_SERVICE_ERROR domain, the one error domain of
 * libjobdeck-service: what the store and the service answer, each code
 * mapping to one AWS error; then what the sandbox (its folder, certificates
 * and broker) reports, which no AWS error describes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define JD_SERVICE_ERROR (jd_service_error_quark ())

typedef enum {
  JD_SERVICE_ERROR_INVALID_REQUEST,           /* InvalidRequestException 400 / InvalidRequest */
  JD_SERVICE_ERROR_NOT_FOUND,                 /* ResourceNotFoundException 404 / ResourceNotFound */
  JD_SERVICE_ERROR_ALREADY_EXISTS,            /* ResourceAlreadyExistsException 409 */
  JD_SERVICE_ERROR_INVALID_STATE_TRANSITION,  /* InvalidStateTransitionException 409 / InvalidStateTransition */
  JD_SERVICE_ERROR_VERSION_CONFLICT,          /* VersionConflictException 409 / VersionMismatch */
  JD_SERVICE_ERROR_TERMINAL_STATE,            /* TerminalStateReached (device describe) */
  JD_SERVICE_ERROR_LIMIT_EXCEEDED,            /* LimitExceededException 410 */
  JD_SERVICE_ERROR_STORAGE,                   /* the database failed: read-only, disk full, I/O */
  /* The sandbox: */
  JD_SERVICE_ERROR_CERTIFICATE,               /* making or reading a key or certificate failed */
  JD_SERVICE_ERROR_BROKER,                    /* mosquitto missing, exited, or never listened */
  JD_SERVICE_ERROR_INVALID_ARGUMENT,          /* a bad thing name or port for the sandbox */
  JD_SERVICE_ERROR_BUSY,                      /* started twice, stopped while starting, or not running */
  JD_SERVICE_ERROR_START,                     /* the jobs service could not start */
  JD_SERVICE_ERROR_CLOCK,                     /* the system clock is before the certificates' start */
} JdServiceErrorCode;

GQuark jd_service_error_quark (void);

G_END_DECLS
