/* test-update-dialog.c — the Update dialog pre-fills the execution's details,
 * checks AWS's limits as the user types, and hands over the request.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "jd-test-ui.h"
#include "jd-update-dialog.h"

static JdUpdateDialog *
new_dialog (JdExecution *execution)
{
  JdUpdateDialog *dialog = jd_update_dialog_new (NULL, execution);

  g_object_ref_sink (dialog);
  return dialog;
}

static void
finish_dialog (JdUpdateDialog *dialog)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_finalize_object (dialog);
}

static void
on_send (JdUpdateDialog *dialog,
         guint          *count)
{
  (*count)++;
}

static void
test_prefill_and_collect (void)
{
  g_autoptr(JdExecution) execution = jd_test_ui_execution_from_json (
    "{\"jobId\":\"Job1\",\"status\":\"IN_PROGRESS\",\"statusDetails\":{\"step\":\"2/5\"},"
    "\"versionNumber\":2,\"executionNumber\":1}");
  JdUpdateDialog *dialog = new_dialog (execution);
  g_autoptr(GHashTable) details = NULL;

  g_assert_true (jd_update_dialog_get_execution (dialog) == execution);
  g_assert_true (jd_update_dialog_is_valid (dialog));
  g_assert_cmpint (jd_update_dialog_get_status (dialog), ==, JD_EXECUTION_STATUS_IN_PROGRESS);
  g_assert_cmpint (jd_update_dialog_get_step_timeout (dialog), ==, 0);
  g_assert_true (jd_test_ui_tree_shows (GTK_WIDGET (dialog),
                                        "Sent with expectedVersion 2: if the execution changed elsewhere "
                                        "in the meantime, AWS refuses the update and nothing is lost."));

  jd_update_dialog_add_detail (dialog, "progress", "40%");
  jd_update_dialog_set_status (dialog, JD_EXECUTION_STATUS_SUCCEEDED);
  jd_update_dialog_set_step_timeout (dialog, 15);

  details = jd_update_dialog_dup_status_details (dialog);
  g_assert_cmpuint (g_hash_table_size (details), ==, 2);
  g_assert_cmpstr (g_hash_table_lookup (details, "step"), ==, "2/5");
  g_assert_cmpstr (g_hash_table_lookup (details, "progress"), ==, "40%");
  g_assert_cmpint (jd_update_dialog_get_status (dialog), ==, JD_EXECUTION_STATUS_SUCCEEDED);
  g_assert_cmpint (jd_update_dialog_get_step_timeout (dialog), ==, 15);

  jd_update_dialog_set_step_timeout (dialog, -1);
  g_assert_cmpint (jd_update_dialog_get_step_timeout (dialog), ==, -1);

  /* Statuses a device may not set are ignored. */
  jd_update_dialog_set_status (dialog, JD_EXECUTION_STATUS_CANCELED);
  g_assert_cmpint (jd_update_dialog_get_status (dialog), ==, JD_EXECUTION_STATUS_SUCCEEDED);

  finish_dialog (dialog);
}

static void
test_validation (void)
{
  g_autoptr(JdExecution) execution = jd_test_ui_execution_from_json (
    "{\"jobId\":\"Job1\",\"status\":\"IN_PROGRESS\",\"versionNumber\":2,\"executionNumber\":1}");
  struct {
    const char *key;
    const char *value;
    const char *problem;
  } cases[] = {
    { "", "x", "Every detail needs a key" },
    { "bad key", "x", "The key “bad key” may only use letters, digits, “:”, “_” and “-”" },
    { "step", "", "The detail “step” needs a value" },
    { "step", "a\tb", "The value of “step” may not contain control characters" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      JdUpdateDialog *dialog = new_dialog (execution);
      guint sent = 0;

      g_signal_connect (dialog, "send-requested", G_CALLBACK (on_send), &sent);
      jd_update_dialog_add_detail (dialog, cases[i].key, cases[i].value);
      g_assert_false (jd_update_dialog_is_valid (dialog));
      g_assert_cmpstr (jd_update_dialog_get_problem (dialog), ==, cases[i].problem);
      gtk_widget_activate_action (GTK_WIDGET (dialog), "update.send", NULL);
      g_assert_cmpuint (sent, ==, 0);
      finish_dialog (dialog);
    }

  /* Duplicate keys, then a valid table that sends. */
  {
    JdUpdateDialog *dialog = new_dialog (execution);
    guint sent = 0;
    g_autofree char *long_key = g_strnfill (129, 'k');

    g_signal_connect (dialog, "send-requested", G_CALLBACK (on_send), &sent);
    jd_update_dialog_add_detail (dialog, "a", "1");
    jd_update_dialog_add_detail (dialog, "a", "2");
    g_assert_cmpstr (jd_update_dialog_get_problem (dialog), ==, "The key “a” is used twice");
    finish_dialog (dialog);

    dialog = new_dialog (execution);
    g_signal_connect (dialog, "send-requested", G_CALLBACK (on_send), &sent);
    jd_update_dialog_add_detail (dialog, "a:b_c-d", "ünïcode ✓");
    g_assert_true (jd_update_dialog_is_valid (dialog));
    gtk_widget_activate_action (GTK_WIDGET (dialog), "update.send", NULL);
    g_assert_cmpuint (sent, ==, 1);

    jd_update_dialog_set_busy (dialog, TRUE);
    gtk_widget_activate_action (GTK_WIDGET (dialog), "update.send", NULL);
    g_assert_cmpuint (sent, ==, 1);
    finish_dialog (dialog);
  }
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
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/app/update-dialog/prefill-and-collect", test_prefill_and_collect);
  g_test_add_func ("/app/update-dialog/validation", test_validation);

  return g_test_run ();
}
