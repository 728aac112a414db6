/* jd-job-notification.c — the words and the decision of a job's desktop
 * notification, shared by the fleet view and the job watcher.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <glib/gi18n.h>

#include "jd-job-notification.h"

gboolean
jd_job_notification_get_counts (JdJob         *job,
                                JdAbortCounts *counts)
{
  const JdJobProcessDetails *details;

  g_return_val_if_fail (JD_IS_JOB (job), FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);

  *counts = (JdAbortCounts) { 0 };
  details = jd_job_get_process_details (job);
  if (details == NULL)
    return FALSE;
  counts->succeeded = details->succeeded;
  counts->failed = details->failed;
  counts->rejected = details->rejected;
  counts->timed_out = details->timed_out;
  return TRUE;
}

gboolean
jd_job_notification_for_status (JdJobStatus          before,
                                JdJob               *job,
                                const JdAbortCounts *fallback,
                                char               **title,
                                char               **body)
{
  JdJobStatus now;
  const char *job_id;
  const char *reason;

  g_return_val_if_fail (JD_IS_JOB (job), FALSE);
  g_return_val_if_fail (title != NULL && body != NULL, FALSE);

  now = jd_job_get_status (job);
  job_id = jd_job_get_job_id (job);
  reason = jd_job_get_reason_code (job);
  if (before == now || before == JD_JOB_STATUS_UNKNOWN ||
      before == JD_JOB_STATUS_COMPLETED || before == JD_JOB_STATUS_CANCELED)
    return FALSE;

  if (now == JD_JOB_STATUS_COMPLETED)
    {
      /* The counts come with the status that says the job completed
       * (DescribeJob's jobProcessDetails), so they agree with it. */
      JdAbortCounts counts = { 0 };

      if (!jd_job_notification_get_counts (job, &counts) && fallback != NULL)
        counts = *fallback;
      /* Translators: a notification's title, with a job id. */
      *title = g_strdup_printf (_("Job %s completed"), job_id);
      /* Translators: a notification's body: how many executions succeeded and how many did not. */
      *body = g_strdup_printf (_("%u succeeded, %u failed, rejected or timed out"),
                               (guint) counts.succeeded,
                               (guint) (counts.failed + counts.rejected + counts.timed_out));
      return TRUE;
    }
  if (now == JD_JOB_STATUS_CANCELED && reason != NULL && reason[0] != '\0')
    {
      /* Translators: a notification's title, with a job id. */
      *title = g_strdup_printf (_("Job %s was aborted"), job_id);
      /* Translators: a notification's body, with CancelJob's reason code, e.g. ABORT_CRITERIA_MET. */
      *body = g_strdup_printf (_("Canceled with the reason code %s"), reason);
      return TRUE;
    }
  if (now == JD_JOB_STATUS_CANCELED)
    {
      /* Translators: a notification's title, with a job id. */
      *title = g_strdup_printf (_("Job %s was canceled"), job_id);
      *body = g_strdup (jd_job_get_comment (job) != NULL ? jd_job_get_comment (job) : "");
      return TRUE;
    }
  return FALSE;
}

gboolean
jd_job_notification_tripped (JdJob               *job,
                             const JdAbortCounts *counts,
                             int                 *criterion)
{
  int index;

  g_return_val_if_fail (JD_IS_JOB (job), FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);

  index = jd_job_config_abort_check (jd_job_get_config (job), counts);
  if (criterion != NULL)
    *criterion = index;
  return index >= 0;
}

char *
jd_job_notification_describe_criterion (const JdAbortCriterion *criterion,
                                        const JdAbortCounts    *counts)
{
  gint64 done, bad;
  double share;

  g_return_val_if_fail (criterion != NULL, NULL);
  g_return_val_if_fail (counts != NULL, NULL);

  done = counts->succeeded + counts->failed + counts->rejected + counts->timed_out;
  bad = criterion->failure_type == JD_FAILURE_TYPE_FAILED ? counts->failed
      : criterion->failure_type == JD_FAILURE_TYPE_REJECTED ? counts->rejected
      : criterion->failure_type == JD_FAILURE_TYPE_TIMED_OUT ? counts->timed_out
      : counts->failed + counts->rejected + counts->timed_out;
  share = done > 0 ? 100.0 * bad / done : 0;

  /* Translators: an abort criterion and where the job stands: "Abort at 20% FAILED after 100 done: now 12.5% of 40". */
  return g_strdup_printf (_("Abort at %.2f%% %s after %d done: now %.1f%% of %d"),
                          criterion->threshold_percentage, jd_failure_type_to_string (criterion->failure_type),
                          (int) criterion->min_executed, share, (int) done);
}

char *
jd_job_notification_threshold_title (const char *job_id)
{
  g_return_val_if_fail (job_id != NULL, NULL);

  /* Translators: a notification's title, with a job id. */
  return g_strdup_printf (_("Job %s passed an abort threshold"), job_id);
}

void
jd_job_notification_send (GApplication *application,
                          const char   *job_id,
                          const char   *title,
                          const char   *body)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = NULL;

  g_return_if_fail (G_IS_APPLICATION (application));
  g_return_if_fail (job_id != NULL && title != NULL);

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  /* Its default action raises that job's fleet view, or opens it. */
  g_notification_set_default_action_and_target (notification, "app.show-fleet", "s", job_id);
  id = g_strconcat ("job-", job_id, NULL);
  g_application_send_notification (application, id, notification);
}
