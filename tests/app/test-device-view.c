/* test-device-view.c — the Device view follows its model: rows, the empty
 * state, selection and the details pane.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "jd-device-view.h"
#include "jd-test-ui.h"

static void
test_follows_model (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = jd_device_view_new ();
  g_autoptr(GListStore) store = g_list_store_new (JD_TYPE_EXECUTION);
  g_autoptr(JdExecution) job1 = jd_test_ui_execution_from_json (
    "{\"jobId\":\"Job1\",\"status\":\"IN_PROGRESS\",\"queuedAt\":1700000000,"
    "\"versionNumber\":2,\"executionNumber\":1}");
  g_autoptr(JdExecution) job2 = jd_test_ui_execution_from_json (
    "{\"jobId\":\"Job2\",\"status\":\"QUEUED\",\"queuedAt\":1700000100,"
    "\"versionNumber\":1,\"executionNumber\":1}");

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 600);
  gtk_window_set_child (GTK_WINDOW (window), view);
  g_object_add_weak_pointer (G_OBJECT (view), (gpointer *) &view);
  gtk_window_present (GTK_WINDOW (window));

  /* No model yet: the empty state. */
  jd_test_ui_spin (50);
  g_assert_true (jd_test_ui_tree_shows (view, "No Pending Jobs"));
  g_assert_null (jd_device_view_get_selected_execution (JD_DEVICE_VIEW (view)));

  jd_device_view_set_model (JD_DEVICE_VIEW (view), G_LIST_MODEL (store));
  g_list_store_append (store, job1);
  g_list_store_append (store, job2);
  jd_test_ui_spin (100);
  g_assert_false (jd_test_ui_tree_shows (view, "No Pending Jobs"));

  /* The first row is selected and its details are shown. */
  g_assert_true (jd_device_view_get_selected_execution (JD_DEVICE_VIEW (view)) == job1);
  g_assert_true (jd_test_ui_tree_shows (view, "Version 2 · Execution 1"));

  g_assert_true (jd_device_view_select_job (JD_DEVICE_VIEW (view), "Job2"));
  g_assert_true (jd_device_view_get_selected_execution (JD_DEVICE_VIEW (view)) == job2);
  g_assert_false (jd_device_view_select_job (JD_DEVICE_VIEW (view), "NoSuchJob"));

  /* A notify-driven change reaches the table's status cell and the details:
   * "In Progress" was in Job1's row only; now also in Job2's row and pane. */
  g_assert_cmpuint (jd_test_ui_count_labels (view, "In Progress"), ==, 1);
  jd_execution_set_status (job2, JD_EXECUTION_STATUS_IN_PROGRESS);
  jd_test_ui_spin (50);
  g_assert_cmpuint (jd_test_ui_count_labels (view, "In Progress"), ==, 3);

  /* Everything done: back to the empty state, no details left. */
  g_list_store_remove_all (store);
  jd_test_ui_spin (50);
  g_assert_true (jd_test_ui_tree_shows (view, "No Pending Jobs"));
  g_assert_null (jd_device_view_get_selected_execution (JD_DEVICE_VIEW (view)));

  gtk_window_destroy (GTK_WINDOW (window));
  jd_test_ui_spin (20);
  g_assert_null (view);
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

  g_test_add_func ("/app/device-view/follows-model", test_follows_model);

  return g_test_run ();
}
