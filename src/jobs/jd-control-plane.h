/* jd-control-plane.h — the async AWS IoT control-plane client (jobs,
 * things and static thing groups) over HTTPS, signed with SigV4 (service "iot").
 *
 * Every operation is _async/_finish on a GTask with a GCancellable. Lists
 * follow nextToken until the last page. Throttling, 429 and 5xx answers are
 * retried with exponential backoff and jitter for idempotent calls only
 * (reads, DeleteThing); errors land in JD_JOBS_ERROR and keep AWS's
 * type, message and HTTP status (see jd-jobs-error.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "jd-jobs-error.h"
#include "jd-credentials.h"
#include "jd-job.h"
#include "jd-job-config.h"
#include "jd-profile.h"

G_BEGIN_DECLS

#define JD_CONTROL_PLANE_SIGNING_SERVICE "iot"

#define JD_TYPE_CONTROL_PLANE (jd_control_plane_get_type ())

G_DECLARE_FINAL_TYPE (JdControlPlane, jd_control_plane, JD, CONTROL_PLANE, GObject)

/* @endpoint_url: NULL for https://iot.<region>.amazonaws.com, or an explicit
 * URL such as the sandbox's "https://127.0.0.1:PORT". @ca_path: NULL for the
 * system's trust store, or a PEM CA file that alone is trusted. */
JdControlPlane *jd_control_plane_new                 (const char     *region,
                                                      const char     *endpoint_url,
                                                      const char     *ca_path,
                                                      JdCredentials  *credentials,
                                                      GError        **error);
JdControlPlane *jd_control_plane_new_for_profile     (JdProfile      *profile,
                                                      JdCredentials  *credentials,
                                                      GError        **error);

/* "https://iot.<region>.amazonaws.com" (".com.cn" for cn- regions). */
char           *jd_control_plane_default_endpoint    (const char     *region);

const char     *jd_control_plane_get_endpoint_url    (JdControlPlane *self);
const char     *jd_control_plane_get_region          (JdControlPlane *self);
JdCredentials  *jd_control_plane_get_credentials     (JdControlPlane *self);
const char     *jd_control_plane_get_ca_path         (JdControlPlane *self);
void            jd_control_plane_set_credentials     (JdControlPlane *self,
                                                      JdCredentials  *credentials);
/* At most @max_attempts tries per request (default 4); the n-th retry waits
 * about @base_delay_ms * 2^(n-1) (default 200 ms, capped at 20 s). */
void            jd_control_plane_set_retry_policy    (JdControlPlane *self,
                                                      guint           max_attempts,
                                                      guint           base_delay_ms);
/* Items per page asked for in list calls (1..250; default 100). */
void            jd_control_plane_set_page_size       (JdControlPlane *self,
                                                      guint           page_size);

/* ---- jobs ---- */

/* Returns the new job (job id, ARN, description). @targets: thing or thing
 * group ARNs. @timeout_minutes: timeoutConfig.inProgressTimeoutInMinutes, 0 for none. */
void            jd_control_plane_create_job_async    (JdControlPlane      *self,
                                                      const char          *job_id,
                                                      const char *const   *targets,
                                                      const char          *document,
                                                      const char          *description,
                                                      JdTargetSelection    target_selection,
                                                      gint64               timeout_minutes,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
/* The same with a fleet job's settings (rollout, abort, timeout, retries,
 * scheduling, presigned URLs: whatever @config sets, in AWS's shapes);
 * finish with jd_control_plane_create_job_finish(). */
void            jd_control_plane_create_job_with_config_async (JdControlPlane      *self,
                                                      const char          *job_id,
                                                      const char *const   *targets,
                                                      const char          *document,
                                                      const char          *description,
                                                      JdTargetSelection    target_selection,
                                                      const JdJobConfig   *config,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
JdJob          *jd_control_plane_create_job_finish   (JdControlPlane      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

void            jd_control_plane_delete_job_async    (JdControlPlane      *self,
                                                      const char          *job_id,
                                                      gboolean             force,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean        jd_control_plane_delete_job_finish   (JdControlPlane      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* @reason_code, @comment: nullable. */
void            jd_control_plane_cancel_job_async    (JdControlPlane      *self,
                                                      const char          *job_id,
                                                      gboolean             force,
                                                      const char          *reason_code,
                                                      const char          *comment,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean        jd_control_plane_cancel_job_finish   (JdControlPlane      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
/* Same, also giving AWS's reply body ({"jobArn", "jobId", "description"}). */
gboolean        jd_control_plane_cancel_job_finish_full (JdControlPlane   *self,
                                                      GAsyncResult        *result,
                                                      JsonNode           **body,
                                                      GError             **error);

/* UpdateJob (PATCH /jobs/{jobId}): @description (nullable) and the
 * members of @settings (nullable: an UpdateJob body as AWS spells it —
 * jobExecutionsRolloutConfig, abortConfig, timeoutConfig,
 * jobExecutionsRetryConfig, presignedUrlConfig) replace the job's; the
 * settings are checked first with the core's rules for an update
 * (jd_job_config_update()), so a bad one fails with
 * JD_JOBS_ERROR_INVALID_REQUEST without a request. */
void            jd_control_plane_update_job_async    (JdControlPlane      *self,
                                                      const char          *job_id,
                                                      const char          *description,
                                                      JsonObject          *settings,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean        jd_control_plane_update_job_finish   (JdControlPlane      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* DescribeJob, then GetJobDocument: the job with its document. */
void            jd_control_plane_describe_job_async  (JdControlPlane      *self,
                                                      const char          *job_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
JdJob          *jd_control_plane_describe_job_finish (JdControlPlane      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* DescribeJob alone: the job and its counters, no document. */
void            jd_control_plane_describe_job_only_async  (JdControlPlane      *self,
                                                           const char          *job_id,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
JdJob          *jd_control_plane_describe_job_only_finish (JdControlPlane      *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);

void            jd_control_plane_get_job_document_async  (JdControlPlane      *self,
                                                          const char          *job_id,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
char           *jd_control_plane_get_job_document_finish (JdControlPlane      *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

/* All pages. @status: JD_JOB_STATUS_UNKNOWN for every status.
 * Returns (element-type JdJob) summaries. */
void            jd_control_plane_list_jobs_async     (JdControlPlane      *self,
                                                      JdJobStatus          status,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GPtrArray      *jd_control_plane_list_jobs_finish    (JdControlPlane      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* All pages. @status: JD_EXECUTION_STATUS_UNKNOWN for every status.
 * Returns (element-type JdJobExecutionInfo). */
void            jd_control_plane_list_job_executions_for_job_async    (JdControlPlane      *self,
                                                                       const char          *job_id,
                                                                       JdExecutionStatus status,
                                                                       GCancellable        *cancellable,
                                                                       GAsyncReadyCallback  callback,
                                                                       gpointer             user_data);
GPtrArray      *jd_control_plane_list_job_executions_for_job_finish   (JdControlPlane      *self,
                                                                       GAsyncResult        *result,
                                                                       GError             **error);
void            jd_control_plane_list_job_executions_for_thing_async  (JdControlPlane      *self,
                                                                       const char          *thing_name,
                                                                       JdExecutionStatus status,
                                                                       GCancellable        *cancellable,
                                                                       GAsyncReadyCallback  callback,
                                                                       gpointer             user_data);
GPtrArray      *jd_control_plane_list_job_executions_for_thing_finish (JdControlPlane      *self,
                                                                       GAsyncResult        *result,
                                                                       GError             **error);

/* @execution_number: a specific execution, or -1 for the latest. */
void            jd_control_plane_describe_job_execution_async  (JdControlPlane      *self,
                                                                const char          *thing_name,
                                                                const char          *job_id,
                                                                gint64               execution_number,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
JdJobExecutionInfo *jd_control_plane_describe_job_execution_finish (JdControlPlane  *self,
                                                                    GAsyncResult    *result,
                                                                    GError         **error);

/* @expected_version: -1 for none. @status_details: (nullable) string → string. */
void            jd_control_plane_cancel_job_execution_async  (JdControlPlane      *self,
                                                              const char          *thing_name,
                                                              const char          *job_id,
                                                              gboolean             force,
                                                              gint64               expected_version,
                                                              GHashTable          *status_details,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gboolean        jd_control_plane_cancel_job_execution_finish (JdControlPlane      *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);

void            jd_control_plane_delete_job_execution_async  (JdControlPlane      *self,
                                                              const char          *thing_name,
                                                              const char          *job_id,
                                                              gint64               execution_number,
                                                              gboolean             force,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gboolean        jd_control_plane_delete_job_execution_finish (JdControlPlane      *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);

/* ---- things ---- */

/* @attributes: (nullable) string → string. Returns thing name, ARN and id. */
void            jd_control_plane_create_thing_async   (JdControlPlane      *self,
                                                       const char          *thing_name,
                                                       GHashTable          *attributes,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
JdThing        *jd_control_plane_create_thing_finish  (JdControlPlane      *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

void            jd_control_plane_describe_thing_async  (JdControlPlane      *self,
                                                        const char          *thing_name,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
JdThing        *jd_control_plane_describe_thing_finish (JdControlPlane      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* All pages. Returns (element-type JdThing). */
void            jd_control_plane_list_things_async    (JdControlPlane      *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GPtrArray      *jd_control_plane_list_things_finish   (JdControlPlane      *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* @expected_version: -1 for none. */
void            jd_control_plane_delete_thing_async   (JdControlPlane      *self,
                                                       const char          *thing_name,
                                                       gint64               expected_version,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean        jd_control_plane_delete_thing_finish  (JdControlPlane      *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* DescribeThing, then CreateThing if it does not exist (what the JobsSandbox
 * sample does on start-up). Returns the thing ARN that CreateJob targets. */
void            jd_control_plane_ensure_thing_async   (JdControlPlane      *self,
                                                       const char          *thing_name,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
char           *jd_control_plane_ensure_thing_finish  (JdControlPlane      *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* ---- thing groups (static) ---- */

/* @parent_group, @description: nullable. Returns AWS's reply as it came
 * ({"thingGroupName", "thingGroupArn", "thingGroupId"}). */
void            jd_control_plane_create_thing_group_async   (JdControlPlane      *self,
                                                             const char          *group_name,
                                                             const char          *parent_group,
                                                             const char          *description,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
JsonNode       *jd_control_plane_create_thing_group_finish  (JdControlPlane      *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);
/* Returns AWS's reply as it came (DescribeThingGroup's shape). */
void            jd_control_plane_describe_thing_group_async (JdControlPlane      *self,
                                                             const char          *group_name,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
JsonNode       *jd_control_plane_describe_thing_group_finish (JdControlPlane     *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);
/* All pages. @parent_group: nullable (every group); @recursive: all its
 * descendants rather than its children. Returns (element-type utf8) names. */
void            jd_control_plane_list_thing_groups_async    (JdControlPlane      *self,
                                                             const char          *parent_group,
                                                             gboolean             recursive,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
GPtrArray      *jd_control_plane_list_thing_groups_finish   (JdControlPlane      *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);
/* @expected_version: -1 for none. */
void            jd_control_plane_delete_thing_group_async   (JdControlPlane      *self,
                                                             const char          *group_name,
                                                             gint64               expected_version,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean        jd_control_plane_delete_thing_group_finish  (JdControlPlane      *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);
void            jd_control_plane_add_thing_to_thing_group_async       (JdControlPlane      *self,
                                                                       const char          *group_name,
                                                                       const char          *thing_name,
                                                                       GCancellable        *cancellable,
                                                                       GAsyncReadyCallback  callback,
                                                                       gpointer             user_data);
gboolean        jd_control_plane_add_thing_to_thing_group_finish      (JdControlPlane      *self,
                                                                       GAsyncResult        *result,
                                                                       GError             **error);
void            jd_control_plane_remove_thing_from_thing_group_async  (JdControlPlane      *self,
                                                                       const char          *group_name,
                                                                       const char          *thing_name,
                                                                       GCancellable        *cancellable,
                                                                       GAsyncReadyCallback  callback,
                                                                       gpointer             user_data);
gboolean        jd_control_plane_remove_thing_from_thing_group_finish (JdControlPlane      *self,
                                                                       GAsyncResult        *result,
                                                                       GError             **error);
/* All pages. Returns (element-type utf8) thing names. */
void            jd_control_plane_list_things_in_thing_group_async     (JdControlPlane      *self,
                                                                       const char          *group_name,
                                                                       gboolean             recursive,
                                                                       GCancellable        *cancellable,
                                                                       GAsyncReadyCallback  callback,
                                                                       gpointer             user_data);
GPtrArray      *jd_control_plane_list_things_in_thing_group_finish    (JdControlPlane      *self,
                                                                       GAsyncResult        *result,
                                                                       GError             **error);
/* All pages. Returns (element-type utf8) group names. */
void            jd_control_plane_list_thing_groups_for_thing_async    (JdControlPlane      *self,
                                                                       const char          *thing_name,
                                                                       GCancellable        *cancellable,
                                                                       GAsyncReadyCallback  callback,
                                                                       gpointer             user_data);
GPtrArray      *jd_control_plane_list_thing_groups_for_thing_finish   (JdControlPlane      *self,
                                                                       GAsyncResult        *result,
                                                                       GError             **error);

/* AssociateTargetsWithJob (CONTINUOUS jobs only). @targets: thing or thing
 * group ARNs; @comment: nullable. Returns AWS's reply as it came
 * ({"jobArn", "jobId", "description"}). */
void            jd_control_plane_associate_targets_with_job_async  (JdControlPlane      *self,
                                                                    const char          *job_id,
                                                                    const char *const   *targets,
                                                                    const char          *comment,
                                                                    GCancellable        *cancellable,
                                                                    GAsyncReadyCallback  callback,
                                                                    gpointer             user_data);
JsonNode       *jd_control_plane_associate_targets_with_job_finish (JdControlPlane      *self,
                                                                    GAsyncResult        *result,
                                                                    GError             **error);

/* ---- job templates, managed templates, event configurations ---- */

/* CreateJobTemplate. @document or @job_arn (the job whose document and
 * settings the template copies); @settings: nullable, CreateJob's setting
 * members as AWS spells them. Returns AWS's reply as it came
 * ({"jobTemplateArn", "jobTemplateId"}). */
void            jd_control_plane_create_job_template_async   (JdControlPlane      *self,
                                                              const char          *template_id,
                                                              const char          *description,
                                                              const char          *document,
                                                              const char          *job_arn,
                                                              JsonObject          *settings,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
JsonNode       *jd_control_plane_create_job_template_finish  (JdControlPlane      *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);
void            jd_control_plane_describe_job_template_async (JdControlPlane      *self,
                                                              const char          *template_id,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
JsonNode       *jd_control_plane_describe_job_template_finish (JdControlPlane     *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);
/* All pages. Returns (element-type JsonNode) the summaries as they came. */
void            jd_control_plane_list_job_templates_async    (JdControlPlane      *self,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
GPtrArray      *jd_control_plane_list_job_templates_finish   (JdControlPlane      *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);
void            jd_control_plane_delete_job_template_async   (JdControlPlane      *self,
                                                              const char          *template_id,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gboolean        jd_control_plane_delete_job_template_finish  (JdControlPlane      *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);
/* All pages; @template_name: nullable (every managed template). Returns
 * (element-type JsonNode) the summaries as they came. */
void            jd_control_plane_list_managed_job_templates_async  (JdControlPlane      *self,
                                                                    const char          *template_name,
                                                                    GCancellable        *cancellable,
                                                                    GAsyncReadyCallback  callback,
                                                                    gpointer             user_data);
GPtrArray      *jd_control_plane_list_managed_job_templates_finish (JdControlPlane      *self,
                                                                    GAsyncResult        *result,
                                                                    GError             **error);
/* @template_version: nullable (the default version). */
void            jd_control_plane_describe_managed_job_template_async  (JdControlPlane      *self,
                                                                       const char          *template_name,
                                                                       const char          *template_version,
                                                                       GCancellable        *cancellable,
                                                                       GAsyncReadyCallback  callback,
                                                                       gpointer             user_data);
JsonNode       *jd_control_plane_describe_managed_job_template_finish (JdControlPlane      *self,
                                                                       GAsyncResult        *result,
                                                                       GError             **error);
/* CreateJob with jobTemplateArn (custom or managed). @document_parameters:
 * nullable, name → value (managed templates only); @description: nullable
 * (the template's). Returns AWS's reply as it came. */
void            jd_control_plane_create_job_from_template_async  (JdControlPlane      *self,
                                                                  const char          *job_id,
                                                                  const char          *template_arn,
                                                                  const char *const   *targets,
                                                                  GHashTable          *document_parameters,
                                                                  const char          *description,
                                                                  GCancellable        *cancellable,
                                                                  GAsyncReadyCallback  callback,
                                                                  gpointer             user_data);
JsonNode       *jd_control_plane_create_job_from_template_finish (JdControlPlane      *self,
                                                                  GAsyncResult        *result,
                                                                  GError             **error);
/* UpdateEventConfigurations. @enabled: event type (e.g. "JOB") →
 * GINT_TO_POINTER (TRUE or FALSE). */
void            jd_control_plane_update_event_configurations_async    (JdControlPlane      *self,
                                                                       GHashTable          *enabled,
                                                                       GCancellable        *cancellable,
                                                                       GAsyncReadyCallback  callback,
                                                                       gpointer             user_data);
gboolean        jd_control_plane_update_event_configurations_finish   (JdControlPlane      *self,
                                                                       GAsyncResult        *result,
                                                                       GError             **error);
/* Returns AWS's reply as it came ({"eventConfigurations", "creationDate",
 * "lastModifiedDate"}). */
void            jd_control_plane_describe_event_configurations_async  (JdControlPlane      *self,
                                                                       GCancellable        *cancellable,
                                                                       GAsyncReadyCallback  callback,
                                                                       gpointer             user_data);
JsonNode       *jd_control_plane_describe_event_configurations_finish (JdControlPlane      *self,
                                                                       GAsyncResult        *result,
                                                                       GError             **error);

/* @endpoint_type: "iot:Data-ATS" (NULL means that), "iot:Data", "iot:Jobs",
 * "iot:CredentialProvider". Returns the host name. */
void            jd_control_plane_describe_endpoint_async  (JdControlPlane      *self,
                                                           const char          *endpoint_type,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
char           *jd_control_plane_describe_endpoint_finish (JdControlPlane      *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);

G_END_DECLS
