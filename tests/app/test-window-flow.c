/* test-window-flow.c — the window on a real local sandbox (mosquitto + the
 * jobs service, started by the app itself), driven through its actions as a
 * person would: a job made in the New Job dialog appears from the notify
 * event, Start and Succeed move it on, the next one gets marked, and an
 * update over a stale version is refused by AWS's rules and recovered.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "jd-application.h"
#include "jd-new-job-dialog.h"
#include "jd-sandbox-session.h"
#include "jd-test-ui.h"
#include "jd-window.h"

static JdApplication *app;
static JdWindow *window;

static gboolean
session_connected (gpointer data)
{
  JdSession *session = jd_window_get_session (window);

  return session != NULL && jd_session_get_state (session) == JD_SESSION_STATE_CONNECTED &&
         jd_session_get_control_plane (session) != NULL &&
         jd_jobs_client_get_synced (jd_session_get_jobs_client (session));
}

static gboolean
n_watched_is (gpointer data)
{
  JdJobWatch *watch = jd_window_get_job_watch (window);

  return watch != NULL && jd_job_watch_get_n_watched (watch) == GPOINTER_TO_UINT (data);
}

static GListModel *
pending (void)
{
  return jd_device_view_get_model (jd_window_get_device_view (window));
}

static JdExecution *
find_pending (const char *job_id)
{
  GListModel *model = pending ();

  for (guint i = 0; model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(JdExecution) e = g_list_model_get_item (model, i);

      if (g_strcmp0 (jd_execution_get_job_id (e), job_id) == 0)
        return e;
    }

  return NULL;
}

typedef struct {
  const char        *job_id;
  JdExecutionStatus  status;
  gint64             version;
} Want;

static gboolean
pending_matches (gpointer data)
{
  const Want *want = data;
  JdExecution *e = find_pending (want->job_id);

  if (want->status == JD_EXECUTION_STATUS_UNKNOWN)
    return e == NULL;

  return e != NULL && jd_execution_get_status (e) == want->status &&
         (want->version < 0 || jd_execution_get_version_number (e) == want->version);
}

static gboolean
is_next (gpointer data)
{
  JdExecution *e = find_pending (data);

  return e != NULL && jd_execution_get_is_next (e);
}

static gboolean
job1_selected (gpointer data)
{
  JdExecution *e = jd_device_view_get_selected_execution (jd_window_get_device_view (window));

  return e != NULL && g_strcmp0 (jd_execution_get_job_id (e), "Job1") == 0;
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
        return w;
    }

  return NULL;
}

static gboolean
no_dialog (gpointer data)
{
  return find_toplevel (JD_TYPE_NEW_JOB_DIALOG) == NULL;
}

static void
create_from_dialog (const char *job_id,
                    const char *document)
{
  GtkWindow *dialog;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-job", NULL);
  jd_test_ui_spin (100);
  dialog = find_toplevel (JD_TYPE_NEW_JOB_DIALOG);
  g_assert_nonnull (dialog);

  jd_new_job_dialog_set_job_id (JD_NEW_JOB_DIALOG (dialog), job_id);
  jd_new_job_dialog_set_document (JD_NEW_JOB_DIALOG (dialog), document);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "job.create", NULL);

  /* CreateJob went through: the dialog closes itself. */
  g_assert_true (jd_test_ui_wait_for (no_dialog, NULL, 10000));
}

static void
test_flow (void)
{
  Want job1_queued = { "Job1", JD_EXECUTION_STATUS_QUEUED, 1 };
  Want job1_running = { "Job1", JD_EXECUTION_STATUS_IN_PROGRESS, 2 };
  Want job1_gone = { "Job1", JD_EXECUTION_STATUS_UNKNOWN, -1 };
  Want job2_queued = { "Job2", JD_EXECUTION_STATUS_QUEUED, 1 };

  g_application_activate (G_APPLICATION (app));
  window = JD_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);

  /* First run: the local sandbox starts and the thing connects. */
  g_assert_true (jd_test_ui_wait_for (session_connected, NULL, 30000));
  g_assert_true (jd_session_get_is_sandbox (jd_window_get_session (window)));
  g_assert_cmpstr (jd_session_get_thing_name (jd_window_get_session (window)), ==, "MyThing");
  g_assert_cmpuint (g_list_model_get_n_items (pending ()), ==, 0);
  g_assert_null (jd_window_get_job_watch (window));

  /* A job made in the dialog arrives as a row, from the notify event. */
  create_from_dialog ("Job1", "{\"Todo\":\"Reboot\"}");
  g_assert_true (jd_test_ui_wait_for (pending_matches, &job1_queued, 10000));
  g_assert_true (jd_test_ui_wait_for (is_next, (gpointer) "Job1", 5000));

  /* A second job queues behind it. */
  create_from_dialog ("Job2", "{\"Todo\":\"Update\"}");
  g_assert_true (jd_test_ui_wait_for (pending_matches, &job2_queued, 10000));
  g_assert_false (jd_execution_get_is_next (find_pending ("Job2")));
  /* Both are watched for their notifications, with the Jobs view not shown. */
  g_assert_true (n_watched_is (GUINT_TO_POINTER (2)));
  g_assert_true (jd_job_watch_get_busy (jd_window_get_job_watch (window)));

  /* Start Next (Ctrl+Shift+N): Job1, the head, goes IN_PROGRESS, version 2,
   * and is selected. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start-next", NULL);
  g_assert_true (jd_test_ui_wait_for (pending_matches, &job1_running, 10000));
  g_assert_true (jd_test_ui_wait_for (job1_selected, NULL, 5000));

  /* Succeed: Job1 leaves the list and Job2 becomes the next one. */
  gtk_widget_activate_action (GTK_WIDGET (jd_window_get_device_view (window)), "exec.succeed", NULL);
  g_assert_true (jd_test_ui_wait_for (pending_matches, &job1_gone, 10000));
  g_assert_true (jd_test_ui_wait_for (is_next, (gpointer) "Job2", 10000));
  /* Job1 completed (its one execution succeeded): the watcher saw it and
   * let it go (its interval may have grown to 16 s by then); Job2 stays. */
  g_assert_true (jd_test_ui_wait_for (n_watched_is, GUINT_TO_POINTER (1), 40000));
}

static gboolean
toast_shown (gpointer data)
{
  return jd_test_ui_tree_shows (GTK_WIDGET (window), data);
}

/* Job2 changes elsewhere (another process of the same thing; here straight
 * through the service's store, because a second MQTT connection as MyThing
 * would take the window's session over, as on AWS); the window's next
 * update carries a stale expectedVersion, AWS's rules refuse it, the window
 * says so and reloads the execution. */
static void
test_version_mismatch (void)
{
  JdSession *session = jd_window_get_session (window);
  JdSandbox *sandbox = jd_sandbox_session_get_sandbox (JD_SANDBOX_SESSION (session));
  g_autoptr(JsonObject) details = json_object_new ();
  g_autoptr(JdStoreExecution) current = NULL;
  g_autoptr(JdStoreExecution) updated = NULL;
  g_autoptr(GError) error = NULL;
  JdStoreUpdate update = { JD_EXECUTION_STATUS_IN_PROGRESS, NULL, -1, -1, 0 };
  JdExecution *job2;

  g_assert_nonnull (sandbox);

  /* Elsewhere, Job2 goes IN_PROGRESS (version 2). It stays pending and stays
   * the head, so AWS sends no notification and the window still holds
   * version 1. */
  json_object_set_string_member (details, "by", "elsewhere");
  update.status_details = details;
  updated = jd_store_update_execution (jd_service_get_store (jd_sandbox_get_service (sandbox)),
                                       "MyThing", "Job2", &update, &current, &error);
  g_assert_no_error (error);
  g_assert_nonnull (updated);

  job2 = find_pending ("Job2");
  g_assert_nonnull (job2);
  jd_test_ui_spin (300);
  g_assert_cmpint (jd_execution_get_version_number (job2), ==, 1);

  /* The window starts Job2 with expectedVersion 1: refused, said, reloaded. */
  g_assert_true (jd_device_view_select_job (jd_window_get_device_view (window), "Job2"));
  gtk_widget_activate_action (GTK_WIDGET (jd_window_get_device_view (window)), "exec.start", NULL);
  g_assert_true (jd_test_ui_wait_for (toast_shown, (gpointer) "Job2 changed elsewhere; nothing was sent over it", 10000));
  {
    Want reloaded = { "Job2", JD_EXECUTION_STATUS_IN_PROGRESS, 2 };

    g_assert_true (jd_test_ui_wait_for (pending_matches, &reloaded, 10000));
  }
  g_assert_cmpstr (g_hash_table_lookup (jd_execution_get_status_details (find_pending ("Job2")), "by"), ==,
                   "elsewhere");
}

static gboolean
window_gone (gpointer data)
{
  return window == NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = jd_test_ui_make_data_home ();
  g_autoptr(GError) error = NULL;
  int ret;

  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display: run the UI tests under Xvfb (build-aux/jobdeck.sh test)\n");
      return 0;
    }
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  jd_test_ui_sink_notifications ();
  adw_init ();

  app = jd_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/app/window-flow/create-start-succeed", test_flow);
  g_test_add_func ("/app/window-flow/version-mismatch", test_version_mismatch);
  ret = g_test_run ();

  /* Closing stops the broker and service the app started. */
  if (window != NULL)
    {
      g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
      gtk_window_close (GTK_WINDOW (window));
      g_assert_true (jd_test_ui_wait_for (window_gone, NULL, 15000));
    }
  g_clear_object (&app);
  jd_test_ui_remove_tree (data_home);
  return ret;
}
