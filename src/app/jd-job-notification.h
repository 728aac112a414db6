/* jd-job-notification.h — the desktop notification about a job, in one
 * place for the fleet view and the job watcher: whether a change is worth
 * one (it ended: completed, aborted, canceled; or it passed an abort
 * threshold, by the core's abort rule), its words, and sending it with the
 * id `job-<jobId>` and the default action app.show-fleet.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jd-job.h"
#include "jd-job-config.h"

G_BEGIN_DECLS

/* The counts of @job's completed executions from DescribeJob's
 * jobProcessDetails; FALSE (and zeros) when the job has none. */
gboolean jd_job_notification_get_counts       (JdJob               *job,
                                               JdAbortCounts       *counts);

/* The job's status was @before when last described and @job is the new
 * DescribeJob: TRUE with a title and a body when it ended since (completed,
 * aborted: canceled with a reason code, or canceled). The completed body's
 * counts are jobProcessDetails'; @fallback (nullable) gives them when the
 * job has none. Nothing when @before is UNKNOWN (not news) or already an
 * end. */
gboolean jd_job_notification_for_status       (JdJobStatus          before,
                                               JdJob               *job,
                                               const JdAbortCounts *fallback,
                                               char               **title,
                                               char               **body);

/* Whether @counts trip one of @job's abort criteria (the core's
 * jd_job_config_abort_check()); @criterion (nullable) gets its index. */
gboolean jd_job_notification_tripped          (JdJob               *job,
                                               const JdAbortCounts *counts,
                                               int                 *criterion);

/* One abort criterion and where the job stands against it, as the fleet
 * view and the threshold notification say it. */
char    *jd_job_notification_describe_criterion (const JdAbortCriterion *criterion,
                                                 const JdAbortCounts    *counts);

/* The title of the "passed an abort threshold" notification. */
char    *jd_job_notification_threshold_title  (const char          *job_id);

/* Sends (or replaces) the notification about @job_id. */
void     jd_job_notification_send             (GApplication        *application,
                                               const char          *job_id,
                                               const char          *title,
                                               const char          *body);

G_END_DECLS
