/* test-new-job-dialog.c — the New Job dialog validates as the user types, refuses
 * bad input with words, and hands over exactly what CreateJob needs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "jd-new-job-dialog.h"

static void
on_create_requested (JdNewJobDialog *dialog,
                     guint          *count)
{
  (*count)++;
}

static JdNewJobDialog *
new_dialog (void)
{
  JdNewJobDialog *dialog = jd_new_job_dialog_new (NULL, "MyThing");

  g_object_ref_sink (dialog);
  return dialog;
}

static void
finish_dialog (JdNewJobDialog *dialog)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_finalize_object (dialog);
}

static void
test_job_id_validation (void)
{
  JdNewJobDialog *dialog = new_dialog ();
  g_autofree char *too_long = g_strnfill (65, 'a');
  g_autofree char *longest = g_strnfill (64, 'a');

  /* Empty at first: not valid, and it says why. */
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  g_assert_cmpstr (jd_new_job_dialog_get_problem (dialog), ==, "Enter a job id");

  jd_new_job_dialog_set_job_id (dialog, "bad id!");
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  g_assert_nonnull (strstr (jd_new_job_dialog_get_problem (dialog), "letters"));

  jd_new_job_dialog_set_job_id (dialog, too_long);
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  g_assert_nonnull (strstr (jd_new_job_dialog_get_problem (dialog), "64"));

  jd_new_job_dialog_set_job_id (dialog, longest);
  g_assert_true (jd_new_job_dialog_is_valid (dialog));
  g_assert_null (jd_new_job_dialog_get_problem (dialog));

  jd_new_job_dialog_set_job_id (dialog, "Job_1-a");
  g_assert_true (jd_new_job_dialog_is_valid (dialog));

  finish_dialog (dialog);
}

static void
test_document_validation (void)
{
  JdNewJobDialog *dialog = new_dialog ();
  g_autofree char *compact = NULL;

  jd_new_job_dialog_set_job_id (dialog, "Job1");

  jd_new_job_dialog_set_document (dialog, "{\"Todo\": ");
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  g_assert_cmpstr (jd_new_job_dialog_get_problem (dialog), ==, "line 1, column 10: expected a value");

  jd_new_job_dialog_set_document (dialog, "[1, 2]");
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  g_assert_nonnull (strstr (jd_new_job_dialog_get_problem (dialog), "JSON object"));

  jd_new_job_dialog_set_document (dialog, "   ");
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  g_assert_cmpstr (jd_new_job_dialog_get_problem (dialog), ==, "Enter a job document");

  jd_new_job_dialog_set_document (dialog, "{\n  \"Todo\" : \"Reboot\"\n}");
  g_assert_true (jd_new_job_dialog_is_valid (dialog));
  compact = jd_new_job_dialog_dup_document (dialog);
  g_assert_cmpstr (compact, ==, "{\"Todo\":\"Reboot\"}");

  finish_dialog (dialog);
}

static void
test_targets_and_options (void)
{
  JdNewJobDialog *dialog = new_dialog ();
  g_auto(GStrv) targets = NULL;

  jd_new_job_dialog_set_job_id (dialog, "Job1");

  targets = jd_new_job_dialog_dup_targets (dialog);
  g_assert_cmpuint (g_strv_length (targets), ==, 1);
  g_assert_cmpstr (targets[0], ==, "MyThing");
  g_assert_false (jd_new_job_dialog_get_continuous (dialog));
  g_assert_cmpuint (jd_new_job_dialog_get_timeout_minutes (dialog), ==, 0);
  g_assert_null (jd_new_job_dialog_dup_description (dialog));

  finish_dialog (dialog);
}

static void
test_create_and_busy (void)
{
  JdNewJobDialog *dialog = new_dialog ();
  guint count = 0;

  g_signal_connect (dialog, "create-requested", G_CALLBACK (on_create_requested), &count);

  /* Invalid: the action does nothing. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "job.create", NULL);
  g_assert_cmpuint (count, ==, 0);

  jd_new_job_dialog_set_job_id (dialog, "Job1");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "job.create", NULL);
  g_assert_cmpuint (count, ==, 1);

  /* While CreateJob is in flight a second press does nothing. */
  jd_new_job_dialog_set_busy (dialog, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "job.create", NULL);
  g_assert_cmpuint (count, ==, 1);

  /* A failure keeps everything the user typed. */
  jd_new_job_dialog_set_busy (dialog, FALSE);
  jd_new_job_dialog_show_error (dialog, "ResourceAlreadyExistsException: Job Job1 already exists");
  {
    g_autofree char *job_id = jd_new_job_dialog_dup_job_id (dialog);
    g_assert_cmpstr (job_id, ==, "Job1");
  }
  gtk_widget_activate_action (GTK_WIDGET (dialog), "job.create", NULL);
  g_assert_cmpuint (count, ==, 2);

  finish_dialog (dialog);
}

static void
test_templates_and_format (void)
{
  JdNewJobDialog *dialog = new_dialog ();
  g_autofree char *document = NULL;
  g_autofree char *formatted = NULL;

  jd_new_job_dialog_set_job_id (dialog, "Job1");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "job.template", "s", "install");
  document = jd_new_job_dialog_dup_document (dialog);
  g_assert_nonnull (strstr (document, "\"operation\":\"install\""));

  /* Format indents compact JSON; bad JSON is left as it is. */
  jd_new_job_dialog_set_document (dialog, "{\"a\":{\"b\":1}}");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "job.format", NULL);
  g_assert_true (jd_new_job_dialog_is_valid (dialog));
  formatted = jd_new_job_dialog_dup_document (dialog);
  g_assert_cmpstr (formatted, ==, "{\"a\":{\"b\":1}}");

  finish_dialog (dialog);
}

int
main (int   argc,
      char *argv[])
{
  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display: run the UI tests under Xvfb (build-aux/jobdeck.sh test)\n");
      return 0;
    }
  g_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/app/new-job-dialog/job-id", test_job_id_validation);
  g_test_add_func ("/app/new-job-dialog/document", test_document_validation);
  g_test_add_func ("/app/new-job-dialog/targets", test_targets_and_options);
  g_test_add_func ("/app/new-job-dialog/create", test_create_and_busy);
  g_test_add_func ("/app/new-job-dialog/templates", test_templates_and_format);

  return g_test_run ();
}
