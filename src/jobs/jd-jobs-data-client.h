/* jd-jobs-data-client.h — JdJobsDataClient: the device side of AWS IoT Jobs
 * over HTTPS (the `iot-jobs-data` API: GetPendingJobExecutions,
 * StartNextPendingJobExecution, DescribeJobExecution, UpdateJobExecution),
 * SigV4-signed as "iot-jobs-data" through the control plane's transport
 * (TLS trust, retries of idempotent calls, error parsing). Each call gives
 * AWS's reply body as it came; errors are JD_JOBS_ERROR with AWS's
 * exception type, as the HTTPS API reports them. The MQTT twin is
 * JdJobsClient.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "jd-control-plane.h"
#include "jd-credentials.h"
#include "jd-execution.h"
#include "jd-jobs-client.h"

G_BEGIN_DECLS

/* AWS's signing name of the API. */
#define JD_JOBS_DATA_SIGNING_SERVICE "iot-jobs-data"

#define JD_TYPE_JOBS_DATA_CLIENT (jd_jobs_data_client_get_type ())
G_DECLARE_FINAL_TYPE (JdJobsDataClient, jd_jobs_data_client, JD, JOBS_DATA_CLIENT, GObject)

/* @endpoint_url: "https://HOST[:PORT]" (DescribeEndpoint iot:Jobs);
 * @ca_path: nullable, trusted instead of the system's store. */
JdJobsDataClient *jd_jobs_data_client_new                (const char          *region,
                                                          const char          *endpoint_url,
                                                          const char          *ca_path,
                                                          JdCredentials       *credentials,
                                                          GError             **error);

/* The same region, trust and credentials as @control_plane (the operator's
 * session), for the jobs data plane at @endpoint_url. */
JdJobsDataClient *jd_jobs_data_client_new_for_control_plane (JdControlPlane *control_plane,
                                                             const char     *endpoint_url,
                                                             GError        **error);

void              jd_jobs_data_client_get_pending_async  (JdJobsDataClient    *self,
                                                          const char          *thing_name,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* @status_details: nullable (string → string); @step_timeout_in_minutes: 0 unset. */
void              jd_jobs_data_client_start_next_async   (JdJobsDataClient    *self,
                                                          const char          *thing_name,
                                                          GHashTable          *status_details,
                                                          gint64               step_timeout_in_minutes,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* @job_id may be "$next"; @execution_number -1 for the latest. */
void              jd_jobs_data_client_describe_async     (JdJobsDataClient    *self,
                                                          const char          *thing_name,
                                                          const char          *job_id,
                                                          gint64               execution_number,
                                                          gboolean             include_job_document,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
void              jd_jobs_data_client_update_async       (JdJobsDataClient    *self,
                                                          const char          *thing_name,
                                                          const char          *job_id,
                                                          JdExecutionStatus    status,
                                                          const JdUpdateOptions *options,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);

/* Any of the four: AWS's reply body. */
JsonNode         *jd_jobs_data_client_finish             (JdJobsDataClient    *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

G_END_DECLS
