/* jd-jobs-error.h — the JD_JOBS_ERROR domain: AWS IoT Jobs rejected codes plus
 * the failures a device-side client meets on its own (timeout, disconnect, a
 * reply it cannot read).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define JD_JOBS_ERROR (jd_jobs_error_quark ())

typedef enum {
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
} JdJobsErrorCode;

GQuark          jd_jobs_error_quark        (void);
const char     *jd_jobs_error_code_to_aws  (JdJobsErrorCode code);
JdJobsErrorCode jd_jobs_error_code_from_aws (const char *aws_code);

GError         *jd_jobs_error_new_rejected        (const char   *aws_code,
                                                   const char   *message,
                                                   JsonObject   *execution_state);
const char     *jd_jobs_error_get_aws_code        (const GError *error);
JsonObject     *jd_jobs_error_get_execution_state (const GError *error);

G_END_DECLS
