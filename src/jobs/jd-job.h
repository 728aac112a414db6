/* jd-job.h — typed results of the control plane: a job (JdJob), a job
 * execution as the operator sees it (JdJobExecutionInfo) and a thing
 * (JdThing), parsed from AWS's JSON shapes. A JdJob takes newer answers
 * about itself through jd_job_update() (JdJobList keeps one object per job);
 * the others are immutable once parsed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "jd-execution.h"
#include "jd-job-config.h"

G_BEGIN_DECLS

typedef enum {
  JD_JOB_STATUS_UNKNOWN,
  JD_JOB_STATUS_IN_PROGRESS,
  JD_JOB_STATUS_CANCELED,
  JD_JOB_STATUS_COMPLETED,
  JD_JOB_STATUS_DELETION_IN_PROGRESS,
  JD_JOB_STATUS_SCHEDULED,
} JdJobStatus;

typedef enum {
  JD_TARGET_SELECTION_SNAPSHOT,
  JD_TARGET_SELECTION_CONTINUOUS,
} JdTargetSelection;

/* jobProcessDetails counters. */
typedef struct {
  guint queued;
  guint in_progress;
  guint succeeded;
  guint failed;
  guint rejected;
  guint canceled;
  guint removed;
  guint timed_out;
} JdJobProcessDetails;

/* What a job's executions came to, from its counters: FAILED as soon as
 * one failed, was rejected or timed out; RUNNING while some are queued or in
 * progress; CANCELED when the rest were canceled or removed; SUCCEEDED when
 * every one succeeded. UNKNOWN without counters (a ListJobs summary). */
typedef enum {
  JD_JOB_OUTCOME_UNKNOWN,
  JD_JOB_OUTCOME_NONE,
  JD_JOB_OUTCOME_RUNNING,
  JD_JOB_OUTCOME_SUCCEEDED,
  JD_JOB_OUTCOME_FAILED,
  JD_JOB_OUTCOME_CANCELED,
} JdJobOutcome;

#define JD_TYPE_JOB_STATUS (jd_job_status_get_type ())
#define JD_TYPE_TARGET_SELECTION (jd_target_selection_get_type ())
#define JD_TYPE_JOB (jd_job_get_type ())
#define JD_TYPE_JOB_EXECUTION_INFO (jd_job_execution_info_get_type ())
#define JD_TYPE_THING (jd_thing_get_type ())

G_DECLARE_FINAL_TYPE (JdJob, jd_job, JD, JOB, GObject)
G_DECLARE_FINAL_TYPE (JdJobExecutionInfo, jd_job_execution_info, JD, JOB_EXECUTION_INFO, GObject)
G_DECLARE_FINAL_TYPE (JdThing, jd_thing, JD, THING, GObject)

GType                 jd_job_status_get_type              (void);
GType                 jd_target_selection_get_type        (void);

/* AWS's spellings ("IN_PROGRESS"); unknown strings map to *_UNKNOWN. */
const char           *jd_job_status_to_string             (JdJobStatus status);
JdJobStatus           jd_job_status_from_string           (const char *str);
const char           *jd_target_selection_to_string       (JdTargetSelection selection);

/* JdJob: from a Job (DescribeJob), a JobSummary (ListJobs) or the
 * {jobArn, jobId, description} of CreateJob / CancelJob. */
JdJob                *jd_job_new_from_json                (JsonObject *object,
                                                           GError    **error);
const char           *jd_job_get_job_id                   (JdJob *self);
const char           *jd_job_get_job_arn                  (JdJob *self);
JdJobStatus           jd_job_get_status                   (JdJob *self);
JdTargetSelection     jd_job_get_target_selection         (JdJob *self);
const char           *jd_job_get_description              (JdJob *self);
const char           *jd_job_get_comment                  (JdJob *self);
const char           *jd_job_get_template_arn             (JdJob *self);
const char           *jd_job_get_reason_code              (JdJob *self);
gboolean              jd_job_get_force_canceled           (JdJob *self);
/* The target ARNs; empty for a summary. */
const char *const    *jd_job_get_targets                  (JdJob *self);
/* The job document as text; NULL unless fetched (DescribeJob fetches it). */
const char           *jd_job_get_document                 (JdJob *self);
void                  jd_job_set_document                 (JdJob *self,
                                                           const char *document);
GDateTime            *jd_job_get_created_at               (JdJob *self);
GDateTime            *jd_job_get_last_updated_at          (JdJob *self);
GDateTime            *jd_job_get_completed_at             (JdJob *self);
/* timeoutConfig.inProgressTimeoutInMinutes, or 0. */
gint64                jd_job_get_in_progress_timeout_minutes (JdJob *self);
/* NULL for a summary, which carries no counters. */
const JdJobProcessDetails *jd_job_get_process_details     (JdJob *self);
/* Rollout, abort, timeout, retry and scheduling settings as DescribeJob
 * gave them (never NULL; members unset when the job has none). */
const JdJobConfig    *jd_job_get_config                   (JdJob *self);
JdJobOutcome          jd_job_process_details_get_outcome  (const JdJobProcessDetails *details);
JdJobOutcome          jd_job_get_outcome                  (JdJob *self);
/* Merges a newer answer about the same job into @self (see jd-job.c). */
gboolean              jd_job_update                       (JdJob *self,
                                                           JdJob *other);

/* JdJobExecutionInfo: from ListJobExecutionsForJob items ({thingArn,
 * jobExecutionSummary}), ListJobExecutionsForThing items ({jobId,
 * jobExecutionSummary}) or DescribeJobExecution's "execution". The missing
 * half (job id or thing) is filled from @job_id / @thing_name when given. */
JdJobExecutionInfo   *jd_job_execution_info_new_from_json (JsonObject *object,
                                                           const char *job_id,
                                                           const char *thing_name,
                                                           GError    **error);
const char           *jd_job_execution_info_get_job_id    (JdJobExecutionInfo *self);
const char           *jd_job_execution_info_get_thing_name (JdJobExecutionInfo *self);
const char           *jd_job_execution_info_get_thing_arn (JdJobExecutionInfo *self);
JdExecutionStatus  jd_job_execution_info_get_status    (JdJobExecutionInfo *self);
gboolean              jd_job_execution_info_get_force_canceled (JdJobExecutionInfo *self);
/* statusDetails.detailsMap; never NULL. */
GHashTable           *jd_job_execution_info_get_status_details (JdJobExecutionInfo *self);
GDateTime            *jd_job_execution_info_get_queued_at (JdJobExecutionInfo *self);
GDateTime            *jd_job_execution_info_get_started_at (JdJobExecutionInfo *self);
GDateTime            *jd_job_execution_info_get_last_updated_at (JdJobExecutionInfo *self);
gint64                jd_job_execution_info_get_execution_number (JdJobExecutionInfo *self);
/* -1 when the shape has none (summaries). */
gint64                jd_job_execution_info_get_version_number (JdJobExecutionInfo *self);
gint64                jd_job_execution_info_get_approximate_seconds_before_timed_out (JdJobExecutionInfo *self);
gint                  jd_job_execution_info_get_retry_attempt (JdJobExecutionInfo *self);

/* JdThing: from DescribeThing, a ListThings item or CreateThing's reply. */
JdThing              *jd_thing_new_from_json              (JsonObject *object,
                                                           GError    **error);
const char           *jd_thing_get_thing_name             (JdThing *self);
const char           *jd_thing_get_thing_arn              (JdThing *self);
const char           *jd_thing_get_thing_id               (JdThing *self);
const char           *jd_thing_get_thing_type_name        (JdThing *self);
const char           *jd_thing_get_default_client_id      (JdThing *self);
/* -1 when the reply has no version (CreateThing). */
gint64                jd_thing_get_version                (JdThing *self);
/* name → value; never NULL. */
GHashTable           *jd_thing_get_attributes             (JdThing *self);

G_END_DECLS
