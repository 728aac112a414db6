/* jd-job-config.h — a fleet job's settings as AWS defines them: rollout
 * (jobExecutionsRolloutConfig), abort (abortConfig), timeout (timeoutConfig),
 * retries (jobExecutionsRetryConfig), scheduling (schedulingConfig with
 * maintenance windows) and presigned URLs (presignedUrlConfig).
 *
 * Parsing validates with AWS's ranges and words (CreateJob, UpdateJob,
 * CreateJobTemplate), so the service, the app's New Job dialog and the CLI
 * refuse the same input with the same message. The rules that act on them —
 * how many executions a rollout may release now, whether an abort criterion
 * has tripped, whether a failure is retried, whether a maintenance window is
 * open — are pure functions here, so the store applies them and the app
 * explains them ("Why is this still queued?") from one definition.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "jd-cron.h"

G_BEGIN_DECLS

/* AWS's bounds (API reference; shared/reference/fleet-jobs-api.md §3–§6). */
#define JD_ROLLOUT_MAX_PER_MINUTE          1000   /* AWS's rollout ceiling */
#define JD_ROLLOUT_BASE_RATE_MIN           1
#define JD_ROLLOUT_BASE_RATE_MAX           1000
#define JD_ROLLOUT_FACTOR_MIN              1.1
#define JD_ROLLOUT_FACTOR_MAX              5.0
#define JD_ABORT_THRESHOLD_MAX             100.0
#define JD_TIMEOUT_MINUTES_MIN             1
#define JD_TIMEOUT_MINUTES_MAX             10080
#define JD_RETRY_CRITERIA_MAX              2
#define JD_RETRY_ATTEMPTS_MAX              10
#define JD_SCHEDULE_LEAD_MIN_SECONDS       (30 * 60)
#define JD_SCHEDULE_START_MAX_SECONDS      (366 * 24 * 3600)
#define JD_SCHEDULE_END_MAX_SECONDS        (2 * 366 * 24 * 3600)
#define JD_WINDOW_DURATION_MIN             1
#define JD_WINDOW_DURATION_MAX             1430
#define JD_PRESIGNED_EXPIRES_MIN           60
#define JD_PRESIGNED_EXPIRES_MAX           3600

typedef enum {
  JD_FAILURE_TYPE_FAILED,
  JD_FAILURE_TYPE_REJECTED,
  JD_FAILURE_TYPE_TIMED_OUT,
  JD_FAILURE_TYPE_ALL,
} JdFailureType;

typedef enum {
  JD_END_BEHAVIOR_NONE,
  JD_END_BEHAVIOR_STOP_ROLLOUT,
  JD_END_BEHAVIOR_CANCEL,
  JD_END_BEHAVIOR_FORCE_CANCEL,
} JdEndBehavior;

typedef struct {
  JdFailureType failure_type;
  double        threshold_percentage;
  gint64        min_executed;
} JdAbortCriterion;

typedef struct {
  JdFailureType failure_type;    /* FAILED, TIMED_OUT or ALL */
  int           retries;
} JdRetryCriterion;

typedef struct {
  char   *cron_text;
  JdCron *cron;
  int     duration_minutes;
} JdMaintenanceWindow;

typedef struct {
  /* jobExecutionsRolloutConfig */
  gboolean          has_rollout;
  gint64            maximum_per_minute;      /* 0: not set */
  gboolean          has_exponential;
  gint64            base_rate_per_minute;
  double            increment_factor;
  gint64            notified_threshold;      /* 0: not set */
  gint64            succeeded_threshold;     /* 0: not set */

  /* abortConfig */
  GArray           *abort_criteria;          /* of JdAbortCriterion */

  /* timeoutConfig */
  gint64            in_progress_timeout;     /* minutes, 0: none */

  /* jobExecutionsRetryConfig */
  GArray           *retry_criteria;          /* of JdRetryCriterion */

  /* schedulingConfig */
  gboolean          has_scheduling;
  char             *start_time_text;
  gint64            start_time;              /* epoch seconds, -1: not set */
  char             *end_time_text;
  gint64            end_time;                /* epoch seconds, -1: not set */
  JdEndBehavior     end_behavior;
  GPtrArray        *windows;                 /* of JdMaintenanceWindow */

  /* presignedUrlConfig */
  char             *presigned_role_arn;
  gint64            presigned_expires;       /* seconds, 0: not set */
} JdJobConfig;

JdJobConfig *jd_job_config_new           (void);
void         jd_job_config_free          (JdJobConfig  *config);

/* Reads every config member of a CreateJob / CreateJobTemplate body
 * (members that are absent stay unset). Scheduling instants are checked
 * against `now` (epoch seconds) as AWS checks them at creation. Errors:
 * JD_JOBS_ERROR_INVALID_REQUEST with a message naming the member and its
 * range. */
JdJobConfig *jd_job_config_parse         (JsonObject   *body,
                                          gint64        now,
                                          GError      **error);

/* The same rules, refused in AWS's request-validation words ("1 validation
 * error detected: Value '0' at 'jobExecutionsRolloutConfig.maximumPerMinute'
 * failed to satisfy constraint: Member must have value greater than or
 * equal to 1"), for the sandbox's control plane. */
JdJobConfig *jd_job_config_parse_aws     (JsonObject   *body,
                                          gint64        now,
                                          GError      **error);

/* Applies an UpdateJob body: rollout, abort, timeout and retry members that
 * are present replace the current ones (scheduling cannot change; retries
 * may only be set to 0). */
gboolean     jd_job_config_update        (JdJobConfig  *config,
                                          JsonObject   *body,
                                          GError      **error);

/* Writes the set members in AWS's shapes into an object being built
 * (DescribeJob, DescribeJobTemplate, persistence). */
void         jd_job_config_to_json       (const JdJobConfig *config,
                                          JsonBuilder       *builder);

/* A whole JSON object of the set members, for storing. */
char        *jd_job_config_serialize     (const JdJobConfig *config);
/* Reads the config members of a Job as DescribeJob returns it (no checks
 * against the clock: a scheduled start may have passed). */
JdJobConfig *jd_job_config_read          (JsonObject        *object,
                                          GError           **error);
/* Reads what jd_job_config_serialize() wrote; no checks against the clock. */
JdJobConfig *jd_job_config_deserialize   (const char        *text,
                                          GError           **error);

/* "2026-12-31T23:30", with optional seconds, fraction, `Z` or offset; a
 * space may stand for the `T`. UTC without a zone. -1 when unreadable. */
gint64       jd_job_config_parse_time    (const char   *text);

const char  *jd_failure_type_to_string   (JdFailureType type);
const char  *jd_end_behavior_to_string   (JdEndBehavior behavior);

/* ---- the rules ---- */

/* How many executions may be notified per minute now, after `notified`
 * things were notified and `succeeded` succeeded: the exponential rate's
 * base times the factor for each threshold step reached (the notified or
 * the succeeded criterion, whichever reaches a step first), capped by
 * maximumPerMinute and by AWS's 1,000 per minute. */
gint64       jd_job_config_rollout_rate  (const JdJobConfig *config,
                                          gint64             notified,
                                          gint64             succeeded);

/* How many more may be released now when `released_last_minute` were
 * released in the last 60 seconds. */
gint64       jd_job_config_rollout_budget (const JdJobConfig *config,
                                           gint64             notified,
                                           gint64             succeeded,
                                           gint64             released_last_minute);

/* Counts of a job's completed (terminal) executions, for abort checks. */
typedef struct {
  gint64 succeeded;
  gint64 failed;
  gint64 rejected;
  gint64 timed_out;
} JdAbortCounts;

/* The index of the first abort criterion that trips, or -1. Criteria are
 * checked in order; each needs at least min_executed completed executions,
 * and trips when its failure type's share of them is at or above the
 * threshold. ALL counts FAILED, REJECTED and TIMED_OUT. */
int          jd_job_config_abort_check   (const JdJobConfig    *config,
                                          const JdAbortCounts  *counts);

/* Whether an execution that ended in `status` ("FAILED", "TIMED_OUT", …)
 * after `failed_attempts` earlier FAILED and `timed_out_attempts` earlier
 * TIMED_OUT attempts gets another attempt. */
gboolean     jd_job_config_should_retry  (const JdJobConfig *config,
                                          const char        *status,
                                          int                failed_attempts,
                                          int                timed_out_attempts);

/* Whether a maintenance window is open at `t`; when one is, its end goes to
 * `window_end`. Without windows, always open (window_end -1). */
gboolean     jd_job_config_window_open   (const JdJobConfig *config,
                                          gint64             t,
                                          gint64            *window_end);

/* The start of the next window at or after `t` (-1 without windows). */
gint64       jd_job_config_next_window   (const JdJobConfig *config,
                                          gint64             t);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdJobConfig, jd_job_config_free)

G_END_DECLS
