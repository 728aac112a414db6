/* test-jobs-format.c — the Jobs view's wording: job statuses and their
 * colours, target selection, execution pills, thing names from ARNs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "jd-format.h"

static void
test_job_status (void)
{
  g_assert_cmpstr (jd_format_job_status_label (JD_JOB_STATUS_IN_PROGRESS), ==, "In Progress");
  g_assert_cmpstr (jd_format_job_status_label (JD_JOB_STATUS_SCHEDULED), ==, "Scheduled");
  g_assert_cmpstr (jd_format_job_status_label (JD_JOB_STATUS_COMPLETED), ==, "Completed");
  g_assert_cmpstr (jd_format_job_status_label (JD_JOB_STATUS_CANCELED), ==, "Canceled");
  g_assert_cmpstr (jd_format_job_status_label (JD_JOB_STATUS_DELETION_IN_PROGRESS), ==, "Deleting");
  g_assert_cmpstr (jd_format_job_status_label (JD_JOB_STATUS_UNKNOWN), ==, "Unknown");

  g_assert_cmpstr (jd_format_job_status_style (JD_JOB_STATUS_IN_PROGRESS), ==, "accent");
  g_assert_cmpstr (jd_format_job_status_style (JD_JOB_STATUS_COMPLETED), ==, "success");
  g_assert_cmpstr (jd_format_job_status_style (JD_JOB_STATUS_CANCELED), ==, "warning");
  g_assert_cmpstr (jd_format_job_status_style (JD_JOB_STATUS_DELETION_IN_PROGRESS), ==, "error");
  g_assert_cmpstr (jd_format_job_status_style (JD_JOB_STATUS_SCHEDULED), ==, "dim-label");
}

static void
test_target_selection (void)
{
  g_assert_cmpstr (jd_format_target_selection_label (JD_TARGET_SELECTION_SNAPSHOT), ==, "Snapshot");
  g_assert_cmpstr (jd_format_target_selection_label (JD_TARGET_SELECTION_CONTINUOUS), ==, "Continuous");
}

static void
test_thing_name_from_arn (void)
{
  struct {
    const char *arn;
    const char *name;
  } cases[] = {
    { "arn:aws:iot:us-east-1:123456789012:thing/MyThing", "MyThing" },
    { "arn:aws-cn:iot:cn-north-1:123456789012:thing/a:b", "a:b" },
    { "arn:aws:iot:us-east-1:123456789012:thinggroup/Fleet", "Group Fleet" },
    { "arn:aws:iot:us-east-1:123456789012:thing/", "arn:aws:iot:us-east-1:123456789012:thing/" },
    { "not an arn", "not an arn" },
    { NULL, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = jd_format_thing_name_from_arn (cases[i].arn);

      g_assert_cmpstr (name, ==, cases[i].name);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/jobs-format/job-status", test_job_status);
  g_test_add_func ("/app/jobs-format/target-selection", test_target_selection);
  g_test_add_func ("/app/jobs-format/thing-name-from-arn", test_thing_name_from_arn);

  return g_test_run ();
}
