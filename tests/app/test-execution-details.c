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

/* The subtitle of the row titled @title under @widget, or NULL. */
static const char *
row_subtitle (GtkWidget  *widget,
              const char *title)
{
  if (ADW_IS_ACTION_ROW (widget) && gtk_widget_get_visible (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return adw_action_row_get_subtitle (ADW_ACTION_ROW (widget));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *found = row_subtitle (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
check_done (gpointer files)
{
  JdSignedFilesState state = jd_signed_files_get_state (files);

  return state != JD_SIGNED_FILES_CHECKING;
}

/* A document's signed files, each with its verdict and why (issue 13):
 * what needs no network at once, the rest after Verify. */
static void
test_signed_files (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *details = jd_execution_details_new ();
  JdSignedFiles *files = jd_execution_details_get_signed_files (JD_EXECUTION_DETAILS (details));
  g_autoptr(JdExecution) plain = NULL;
  g_autoptr(JdExecution) broken = NULL;
  g_autoptr(JdExecution) unreachable = NULL;
  const char *subtitle;

  gtk_window_set_child (GTK_WINDOW (window), details);
  gtk_window_present (GTK_WINDOW (window));

  /* No signed files: no group. */
  plain = jd_test_ui_execution_from_json ("{\"jobId\":\"Plain\",\"status\":\"QUEUED\",\"versionNumber\":1,"
                                          "\"executionNumber\":1,\"jobDocument\":{\"Todo\":\"Reboot\"}}");
  jd_execution_details_set_execution (JD_EXECUTION_DETAILS (details), plain);
  g_assert_cmpint (jd_signed_files_get_state (files), ==, JD_SIGNED_FILES_NONE);
  g_assert_false (jd_test_ui_tree_shows (details, "Signed Files"));

  /* An unsigned file and a signature that is not base64: told at once. */
  broken = jd_test_ui_execution_from_json (
    "{\"jobId\":\"Ota1\",\"status\":\"QUEUED\",\"versionNumber\":1,\"executionNumber\":1,"
    "\"jobDocument\":{\"afr_ota\":{\"protocols\":[\"HTTP\"],\"files\":["
    "{\"filepath\":\"/fw/a.bin\",\"filesize\":4,\"fileid\":0,\"certfile\":\"cs.pem\","
    " \"update_data_url\":\"https://127.0.0.1:1/a.bin\",\"auth_scheme\":\"aws.s3.presigned\"},"
    "{\"filepath\":\"/fw/b.bin\",\"filesize\":4,\"fileid\":1,\"certfile\":\"cs.pem\","
    " \"update_data_url\":\"https://127.0.0.1:1/b.bin\",\"auth_scheme\":\"aws.s3.presigned\","
    " \"sig-sha256-ecdsa\":\"Zg===\"}]}}}");
  jd_execution_details_set_execution (JD_EXECUTION_DETAILS (details), broken);
  g_assert_true (jd_test_ui_tree_shows (details, "Signed Files"));
  g_assert_cmpint (jd_signed_files_get_state (files), ==, JD_SIGNED_FILES_FAILED);
  subtitle = row_subtitle (details, "/fw/a.bin");
  g_assert_nonnull (subtitle);
  g_assert_true (g_str_has_prefix (subtitle, "Unsigned — "));
  subtitle = row_subtitle (details, "/fw/b.bin");
  g_assert_nonnull (subtitle);
  g_assert_true (g_str_has_prefix (subtitle, "Signature invalid — "));
  g_assert_true (g_str_has_prefix (jd_signed_files_get_problem (files), "/fw/a.bin: "));

  /* A well-formed entry waits for Verify; its file cannot be fetched (and
   * the certificate cannot be read): a verdict in words, never Verified. */
  unreachable = jd_test_ui_execution_from_json (
    "{\"jobId\":\"Ota2\",\"status\":\"QUEUED\",\"versionNumber\":1,\"executionNumber\":1,"
    "\"jobDocument\":{\"afr_ota\":{\"protocols\":[\"HTTP\"],\"files\":["
    "{\"filepath\":\"/fw/c.bin\",\"filesize\":4,\"fileid\":0,\"certfile\":\"cs.pem\","
    " \"update_data_url\":\"https://127.0.0.1:1/c.bin\",\"auth_scheme\":\"aws.s3.presigned\","
    " \"sig-sha256-ecdsa\":\"MAYCAQECAQE=\"}]}}}");
  jd_execution_details_set_execution (JD_EXECUTION_DETAILS (details), unreachable);
  g_assert_cmpint (jd_signed_files_get_state (files), ==, JD_SIGNED_FILES_UNCHECKED);
  g_assert_cmpstr (row_subtitle (details, "/fw/c.bin"), ==, "Not verified yet");
  g_assert_null (row_subtitle (details, "/fw/a.bin"));
  jd_signed_files_set_trust (files, "/nonexistent/jobdeck-codesign.pem", NULL);
  jd_signed_files_verify (files);
  g_assert_cmpint (jd_signed_files_get_state (files), ==, JD_SIGNED_FILES_CHECKING);
  g_assert_true (jd_test_ui_wait_for (check_done, files, 10000 * jd_test_slowdown ()));
  g_assert_cmpint (jd_signed_files_get_state (files), ==, JD_SIGNED_FILES_FAILED);
  subtitle = row_subtitle (details, "/fw/c.bin");
  g_assert_nonnull (subtitle);
  g_assert_true (g_str_has_prefix (subtitle, "No trusted certificate — ") ||
                 g_str_has_prefix (subtitle, "Not downloaded — "));
  g_assert_true (g_str_has_prefix (jd_signed_files_get_problem (files), "/fw/c.bin: "));

  /* Cleared with the execution. */
  jd_execution_details_set_execution (JD_EXECUTION_DETAILS (details), NULL);
  g_assert_cmpint (jd_signed_files_get_state (files), ==, JD_SIGNED_FILES_NONE);

  gtk_window_destroy (GTK_WINDOW (window));
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
  g_test_add_func ("/app/execution-details/signed-files", test_signed_files);

  return g_test_run ();
}
