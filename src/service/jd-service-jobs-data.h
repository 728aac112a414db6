/* jd-service-jobs-data.h — the HTTPS jobs data plane (`iot-jobs-data`
 * 2017-09-29) as a pure handler: routes AWS's four paths to the device API's
 * operations (jd_device_api_handle_https(), the same code as the MQTT
 * topics) and answers with AWS's status codes and exception names. No
 * SoupServer here: JdServiceJobsDataServer moves the bytes and checks SigV4.
 *
 *   GET  /things/{thingName}/jobs            GetPendingJobExecutions
 *   PUT  /things/{thingName}/jobs/$next      StartNextPendingJobExecution
 *   GET  /things/{thingName}/jobs/{jobId}    DescribeJobExecution ($next too)
 *   POST /things/{thingName}/jobs/{jobId}    UpdateJobExecution
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "jd-store.h"

G_BEGIN_DECLS

/* The SigV4 signing name of the data plane (botocore, JS v3). */
#define JD_JOBS_DATA_SIGNING_NAME "iot-jobs-data"

typedef struct {
  guint  status;       /* HTTP status */
  char  *error_type;   /* x-amzn-ErrorType, or NULL on success */
  char  *body;         /* JSON text */
} JdJobsDataResponse;

void  jd_jobs_data_response_clear     (JdJobsDataResponse *response);
void  jd_jobs_data_response_set_error (JdJobsDataResponse *response,
                                       guint               status,
                                       const char         *type,
                                       const char         *message);

/* Answers one (already authenticated) request. @raw_path and @raw_query are
 * as on the wire, percent-encoded; @raw_query may be NULL. */
void  jd_jobs_data_handle         (JdStore            *store,
                                   const char         *method,
                                   const char         *raw_path,
                                   const char         *raw_query,
                                   const char         *body,
                                   gsize               len,
                                   JdJobsDataResponse *response);

/* The HTTP status and exception of a device-API rejected code
 * ("InvalidRequest" → 400 InvalidRequestException, …). */
guint jd_jobs_data_status_for_code (const char        *code,
                                   const char        **error_type);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (JdJobsDataResponse, jd_jobs_data_response_clear)

G_END_DECLS
