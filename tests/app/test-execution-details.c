/* test-execution-details.c — the details pane shows every field of an
 * execution and follows its changes live.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "jd-execution-details.h"
#include "jd-test-ui.h"

static void
test_shows_and_follows (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *details = jd_execution_details_new ();
  g_autoptr(JdExecution) execution = NULL;
  g_autoptr(GHashTable) new_details = g_hash_table_new (g_str_hash, g_str_equal);

  gtk_window_set_child (GTK_WINDOW (window), details);
  g_object_add_weak_pointer (G_OBJECT (details), (gpointer *) &details);

  execution = jd_test_ui_execution_from_json ("{\"jobId\":\"Job1\",\"status\":\"IN_PROGRESS\","
                                   "\"statusDetails\":{\"step\":\"3/5\"},"
                                   "\"queuedAt\":1700000000,\"startedAt\":1700000100,"
                                   "\"lastUpdatedAt\":1700000100,\"versionNumber\":2,"
                                   "\"executionNumber\":1,"
                                   "\"jobDocument\":{\"Todo\":\"Reboot\"}}");
  jd_execution_details_set_execution (JD_EXECUTION_DETAILS (details), execution);
  g_assert_true (jd_execution_details_get_execution (JD_EXECUTION_DETAILS (details)) == execution);

  g_assert_true (jd_test_ui_tree_shows (details, "Job1"));
  g_assert_true (jd_test_ui_tree_shows (details, "In Progress"));
  g_assert_true (jd_test_ui_tree_shows (details, "Version 2 · Execution 1"));
  g_assert_true (jd_test_ui_tree_shows (details, "step"));
  g_assert_true (jd_test_ui_tree_shows (details, "3/5"));
  g_assert_false (jd_test_ui_tree_shows (details, "No status details"));

  /* A reply or notify event changes the object: the pane follows. */
  jd_execution_set_status (execution, JD_EXECUTION_STATUS_SUCCEEDED);
  jd_execution_set_version_number (execution, 3);
  jd_execution_set_status_details (execution, new_details);
  g_assert_true (jd_test_ui_tree_shows (details, "Succeeded"));
  g_assert_false (jd_test_ui_tree_shows (details, "In Progress"));
  g_assert_true (jd_test_ui_tree_shows (details, "Version 3 · Execution 1"));
  g_assert_false (jd_test_ui_tree_shows (details, "step"));
  g_assert_true (jd_test_ui_tree_shows (details, "No status details"));

  /* Cleared: nothing of the old execution stays. */
  jd_execution_details_set_execution (JD_EXECUTION_DETAILS (details), NULL);
  g_assert_false (jd_test_ui_tree_shows (details, "Job1"));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_null (details);
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

  g_test_add_func ("/app/execution-details/shows-and-follows", test_shows_and_follows);

  return g_test_run ();
}
