/* test-job-notification.c — the job notification's decision and words
 * (jd-job-notification.c), shared by the fleet view and the job watcher:
 * which status changes are news, the counts in the body, and "passed an
 * abort threshold" by the core's abort rule.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>

#include "jd-job-notification.h"

#define ABORT_CONFIG \
  "\"abortConfig\":{\"criteriaList\":[" \
  "{\"failureType\":\"FAILED\",\"action\":\"CANCEL\",\"thresholdPercentage\":20,\"minNumberOfExecutedThings\":5}," \
  "{\"failureType\":\"ALL\",\"action\":\"CANCEL\",\"thresholdPercentage\":50,\"minNumberOfExecutedThings\":2}]}"

static JdJob *
job_from (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);
  JdJob *job;

  g_assert_no_error (error);
  job = jd_job_new_from_json (json_node_get_object (node), &error);
  g_assert_no_error (error);
  g_assert_nonnull (job);
  return job;
}

static void
assert_says (JdJobStatus          before,
             JdJob               *job,
             const JdAbortCounts *fallback,
             const char          *title,
             const char          *body)
{
  g_autofree char *t = NULL;
  g_autofree char *b = NULL;

  g_assert_true (jd_job_notification_for_status (before, job, fallback, &t, &b));
  g_assert_cmpstr (t, ==, title);
  g_assert_cmpstr (b, ==, body);
}

static void
assert_silent (JdJobStatus  before,
               JdJob       *job)
{
  g_autofree char *t = NULL;
  g_autofree char *b = NULL;

  g_assert_false (jd_job_notification_for_status (before, job, NULL, &t, &b));
  g_assert_null (t);
  g_assert_null (b);
}

static void
test_completed (void)
{
  g_autoptr(JdJob) job = job_from ("{\"jobId\":\"j1\",\"status\":\"COMPLETED\",\"jobProcessDetails\":{"
                                   "\"numberOfSucceededThings\":3,\"numberOfFailedThings\":1,"
                                   "\"numberOfRejectedThings\":1,\"numberOfTimedOutThings\":1,"
                                   "\"numberOfCanceledThings\":4}}");
  g_autoptr(JdJob) bare = job_from ("{\"jobId\":\"j2\",\"status\":\"COMPLETED\"}");
  JdAbortCounts counts, fallback = { 2, 1, 0, 0 };

  /* jobProcessDetails' counts win over the fallback; canceled ones are not failures. */
  assert_says (JD_JOB_STATUS_IN_PROGRESS, job, &fallback, "Job j1 completed",
               "3 succeeded, 3 failed, rejected or timed out");
  assert_says (JD_JOB_STATUS_SCHEDULED, job, NULL, "Job j1 completed",
               "3 succeeded, 3 failed, rejected or timed out");
  g_assert_true (jd_job_notification_get_counts (job, &counts));
  g_assert_cmpint (counts.succeeded, ==, 3);
  g_assert_cmpint (counts.timed_out, ==, 1);
  /* Without them, the fallback (the rows a fleet view holds). */
  g_assert_false (jd_job_notification_get_counts (bare, &counts));
  assert_says (JD_JOB_STATUS_IN_PROGRESS, bare, &fallback, "Job j2 completed",
               "2 succeeded, 1 failed, rejected or timed out");
  assert_says (JD_JOB_STATUS_IN_PROGRESS, bare, NULL, "Job j2 completed",
               "0 succeeded, 0 failed, rejected or timed out");

  /* Not news: the first look, no change, or an end seen before. */
  assert_silent (JD_JOB_STATUS_UNKNOWN, job);
  assert_silent (JD_JOB_STATUS_COMPLETED, job);
  assert_silent (JD_JOB_STATUS_CANCELED, job);
}

static void
test_canceled (void)
{
  g_autoptr(JdJob) aborted = job_from ("{\"jobId\":\"j3\",\"status\":\"CANCELED\","
                                       "\"reasonCode\":\"ABORT_CRITERIA_MET\",\"comment\":\"too many\"}");
  g_autoptr(JdJob) canceled = job_from ("{\"jobId\":\"j4\",\"status\":\"CANCELED\",\"comment\":\"by hand\"}");
  g_autoptr(JdJob) quiet = job_from ("{\"jobId\":\"j5\",\"status\":\"CANCELED\"}");
  g_autoptr(JdJob) running = job_from ("{\"jobId\":\"j6\",\"status\":\"IN_PROGRESS\"}");
  g_autoptr(JdJob) deleting = job_from ("{\"jobId\":\"j7\",\"status\":\"DELETION_IN_PROGRESS\"}");

  assert_says (JD_JOB_STATUS_IN_PROGRESS, aborted, NULL, "Job j3 was aborted",
               "Canceled with the reason code ABORT_CRITERIA_MET");
  assert_says (JD_JOB_STATUS_IN_PROGRESS, canceled, NULL, "Job j4 was canceled", "by hand");
  assert_says (JD_JOB_STATUS_IN_PROGRESS, quiet, NULL, "Job j5 was canceled", "");
  assert_silent (JD_JOB_STATUS_CANCELED, aborted);
  assert_silent (JD_JOB_STATUS_SCHEDULED, running);
  assert_silent (JD_JOB_STATUS_IN_PROGRESS, running);
  assert_silent (JD_JOB_STATUS_IN_PROGRESS, deleting);
}

/* The core's rule: at least minNumberOfExecutedThings done, and the
 * failure type's share at or above the threshold; criteria in order. */
static void
test_threshold (void)
{
  g_autoptr(JdJob) job = job_from ("{\"jobId\":\"j8\",\"status\":\"IN_PROGRESS\"," ABORT_CONFIG "}");
  g_autoptr(JdJob) none = job_from ("{\"jobId\":\"j9\",\"status\":\"IN_PROGRESS\"}");
  const JdJobConfig *config = jd_job_get_config (job);
  JdAbortCounts at = { 4, 1, 0, 0 }, below = { 5, 1, 0, 0 }, few = { 3, 1, 0, 0 };
  JdAbortCounts all = { 0, 0, 1, 1 };
  g_autofree char *line = NULL;
  g_autofree char *title = NULL;
  int criterion = -2;

  g_assert_cmpuint (config->abort_criteria->len, ==, 2);
  g_assert_true (jd_job_notification_tripped (job, &at, &criterion));
  g_assert_cmpint (criterion, ==, 0);
  g_assert_false (jd_job_notification_tripped (job, &below, &criterion));
  g_assert_cmpint (criterion, ==, -1);
  g_assert_false (jd_job_notification_tripped (job, &few, NULL));
  g_assert_true (jd_job_notification_tripped (job, &all, &criterion));
  g_assert_cmpint (criterion, ==, 1);
  g_assert_false (jd_job_notification_tripped (none, &all, NULL));

  line = jd_job_notification_describe_criterion (&g_array_index (config->abort_criteria, JdAbortCriterion, 0), &at);
  g_assert_cmpstr (line, ==, "Abort at 20.00% FAILED after 5 done: now 20.0% of 5");
  title = jd_job_notification_threshold_title ("j8");
  g_assert_cmpstr (title, ==, "Job j8 passed an abort threshold");
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/job-notification/completed", test_completed);
  g_test_add_func ("/app/job-notification/canceled", test_canceled);
  g_test_add_func ("/app/job-notification/threshold", test_threshold);

  return g_test_run ();
}
