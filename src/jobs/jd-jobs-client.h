/* jd-jobs-client.h — the AWS IoT Jobs device API for one thing over a
 * JdMqttConnection: get-pending, start-next, describe and update, the
 * JobExecutionsChanged / NextJobExecutionChanged notifications, a live model
 * of the pending executions and a bounded event log.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "jd-event-log.h"
#include "jd-execution.h"
#include "jd-execution-list.h"
#include "jd-mqtt-connection.h"

G_BEGIN_DECLS

#define JD_JOBS_CLIENT_DEFAULT_TIMEOUT 10000   /* ms */
#define JD_JOBS_STEP_TIMEOUT_UNSET     0
#define JD_JOBS_STEP_TIMEOUT_CANCEL    (-1)    /* update only: stop the step timer */

/* Optional fields of an UpdateJobExecution request (reference §3.4). */
typedef struct {
  GHashTable *status_details;            /* nullable; string → string; replaces the stored map */
  gint64      step_timeout_in_minutes;   /* 0 unset, 1–10080, or -1 to cancel the timer */
  gint64      expected_version;          /* -1 unset */
  gint64      execution_number;          /* -1 unset */
  gboolean    include_job_execution_state;
  gboolean    include_job_document;
} JdUpdateOptions;

#define JD_UPDATE_OPTIONS_INIT { NULL, 0, -1, -1, FALSE, FALSE }

#define JD_TYPE_JOBS_CLIENT (jd_jobs_client_get_type ())
G_DECLARE_FINAL_TYPE (JdJobsClient, jd_jobs_client, JD, JOBS_CLIENT, GObject)

JdJobsClient     *jd_jobs_client_new                 (JdMqttConnection  *connection,
                                                      const char        *thing_name);
JdMqttConnection *jd_jobs_client_get_connection      (JdJobsClient      *self);
const char       *jd_jobs_client_get_thing_name      (JdJobsClient      *self);
JdExecutionList  *jd_jobs_client_get_executions      (JdJobsClient      *self);
JdEventLog       *jd_jobs_client_get_event_log       (JdJobsClient      *self);
guint             jd_jobs_client_get_request_timeout (JdJobsClient      *self);
void              jd_jobs_client_set_request_timeout (JdJobsClient      *self,
                                                      guint              msec);
gboolean          jd_jobs_client_get_synced          (JdJobsClient      *self);

/* GetPendingJobExecutions: a list of JdExecution, IN_PROGRESS then QUEUED. */
void              jd_jobs_client_get_pending_async   (JdJobsClient      *self,
                                                      GCancellable      *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer           user_data);
GListModel       *jd_jobs_client_get_pending_finish  (JdJobsClient      *self,
                                                      GAsyncResult      *result,
                                                      GError           **error);

/* StartNextPendingJobExecution: %NULL without error when nothing is pending. */
void              jd_jobs_client_start_next_async    (JdJobsClient      *self,
                                                      GHashTable        *status_details,
                                                      gint64             step_timeout_in_minutes,
                                                      GCancellable      *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer           user_data);
JdExecution      *jd_jobs_client_start_next_finish   (JdJobsClient      *self,
                                                      GAsyncResult      *result,
                                                      GError           **error);

/* DescribeJobExecution of @job_id or "$next" (%NULL without error when
 * `$next` finds nothing pending). @execution_number -1 for the latest. */
void              jd_jobs_client_describe_async      (JdJobsClient      *self,
                                                      const char        *job_id,
                                                      gint64             execution_number,
                                                      gboolean           include_job_document,
                                                      GCancellable      *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer           user_data);
JdExecution      *jd_jobs_client_describe_finish     (JdJobsClient      *self,
                                                      GAsyncResult      *result,
                                                      GError           **error);

/* UpdateJobExecution: returns the execution as now known (the live model's
 * object when it is pending). */
void              jd_jobs_client_update_async        (JdJobsClient      *self,
                                                      const char        *job_id,
                                                      JdExecutionStatus  status,
                                                      const JdUpdateOptions *options,
                                                      GCancellable      *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer           user_data);
JdExecution      *jd_jobs_client_update_finish       (JdJobsClient      *self,
                                                      GAsyncResult      *result,
                                                      GError           **error);

/* The request members both device APIs share (MQTT payloads, HTTPS bodies). */
void          jd_jobs_request_add_status_details (JsonBuilder           *builder,
                                                  GHashTable            *details);
void          jd_jobs_request_add_update_members (JsonBuilder           *builder,
                                                  JdExecutionStatus      status,
                                                  const JdUpdateOptions *options);

G_END_DECLS
