/* test-jobs-window.c — the Jobs view inside the real window, on the local
 * sandbox the app starts itself (mosquitto + the jobs service), as an
 * operator sees it: jobs made and finished elsewhere show up without F5 and
 * the header says how fresh the list is and how often it looks; a job whose
 * execution failed reads "Completed · 1 failed" in the error colour; New Job
 * says what is wrong at the field it is about; Delete on an unfinished job
 * offers only the forced delete.
 *
 * With JOBDECK_SHOT_PAUSE_MS set, it pauses at the interesting moments so
 * that `import -window root` can take screenshots (wide, 360 px, dark).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "jd-application.h"
#include "jd-delete-job-dialog.h"
#include "jd-jobs-view.h"
#include "jd-new-job-dialog.h"
#include "jd-test-ui.h"
#include "jd-window.h"

static JdApplication *app;
static JdWindow *window;

static void
shot_pause (const char *what)
{
  const char *ms = g_getenv ("JOBDECK_SHOT_PAUSE_MS");

  if (ms == NULL)
    return;
  g_printerr ("# shot: %s\n", what);
  jd_test_ui_spin ((guint) g_ascii_strtoull (ms, NULL, 10));
}

static JdSession *
session (void)
{
  return jd_window_get_session (window);
}

static JdJobsView *
jobs_view (void)
{
  return JD_JOBS_VIEW (jd_window_get_jobs_view (window));
}

static gboolean
session_connected (gpointer data)
{
  JdSession *s = session ();

  return s != NULL && jd_session_get_state (s) == JD_SESSION_STATE_CONNECTED &&
         jd_session_get_control_plane (s) != NULL &&
         jd_jobs_client_get_synced (jd_session_get_jobs_client (s));
}

static JdJob *
listed (const char *job_id)
{
  GListModel *jobs = jd_jobs_view_get_jobs (jobs_view ());

  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(JdJob) job = g_list_model_get_item (jobs, i);

      if (g_strcmp0 (jd_job_get_job_id (job), job_id) == 0)
        return job;
    }
  return NULL;
}

static gboolean
is_listed (gpointer job_id)
{
  return listed (job_id) != NULL;
}

static gboolean
view_idle (gpointer data)
{
  return !jd_jobs_view_get_loading (jobs_view ());
}

/* The first visible label in @widget's tree whose text starts with @prefix. */
static GtkLabel *
label_starting (GtkWidget  *widget,
                const char *prefix)
{
  if (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget))
    return NULL;
  if (GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_label (GTK_LABEL (widget)), prefix))
    return GTK_LABEL (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = label_starting (child, prefix);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
shows_label (gpointer text)
{
  return label_starting (GTK_WIDGET (jobs_view ()), text) != NULL;
}

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  GtkWidget *found;

  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if ((found = find_named (c, name)) != NULL)
      return found;
  return NULL;
}

/* The header's "Updated just now · every 10 s" ends with @seconds. */
static gboolean
sync_says_every (gpointer seconds)
{
  GtkLabel *label = GTK_LABEL (find_named (GTK_WIDGET (jobs_view ()), "jobs-sync"));

  if (g_getenv ("JD_DEBUG_SYNC") && label != NULL)
    g_printerr ("# sync: %s\n", gtk_label_get_label (label));
  return label != NULL && g_str_has_suffix (gtk_label_get_label (label), seconds);
}

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
has_result (gpointer slot)
{
  return *(GAsyncResult **) slot != NULL;
}

/* CreateJob from outside the view (as the CLI or another operator would). */
static void
create_job_elsewhere (const char *job_id)
{
  JdControlPlane *cp = jd_session_get_control_plane (session ());
  g_autofree char *arn = jd_session_dup_thing_arn (session (), jd_session_get_thing_name (session ()));
  const char *targets[] = { arn, NULL };
  GAsyncResult *result = NULL;
  g_autoptr(JdJob) job = NULL;
  g_autoptr(GError) error = NULL;

  jd_control_plane_create_job_async (cp, job_id, targets, "{\"operation\":\"test\"}", NULL,
                                     JD_TARGET_SELECTION_SNAPSHOT, 0, NULL, result_cb, &result);
  g_assert_true (jd_test_ui_wait_for (has_result, &result, 10000));
  job = jd_control_plane_create_job_finish (cp, result, &error);
  g_assert_no_error (error);
  g_object_unref (result);
}

/* The device reports FAILED (over MQTT, as a device would). */
static void
fail_on_device (const char *job_id)
{
  JdJobsClient *client = jd_session_get_jobs_client (session ());
  JdUpdateOptions options = JD_UPDATE_OPTIONS_INIT;
  GAsyncResult *result = NULL;
  g_autoptr(JdExecution) execution = NULL;
  g_autoptr(GError) error = NULL;

  jd_jobs_client_update_async (client, job_id, JD_EXECUTION_STATUS_FAILED, &options, NULL, result_cb, &result);
  g_assert_true (jd_test_ui_wait_for (has_result, &result, 10000));
  execution = jd_jobs_client_update_finish (client, result, &error);
  g_assert_no_error (error);
  g_object_unref (result);
}

static void
start_window (void)
{
  if (window != NULL)
    return;
  g_application_activate (G_APPLICATION (app));
  window = JD_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 720);
  g_assert_true (jd_test_ui_wait_for (session_connected, NULL, 30000));
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-view", g_variant_new_string ("jobs"));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (jobs_view ())));
}

/* Issue 15.3: the Jobs view follows changes without F5, and a failed job
 * never looks like a success. */
static void
test_live (void)
{
  GtkLabel *status;
  JdJob *job;

  start_window ();
  g_assert_true (jd_test_ui_wait_for (view_idle, NULL, 10000));

  /* A job made elsewhere appears by itself; the header says how fresh. */
  create_job_elsewhere ("Live1");
  g_assert_true (jd_test_ui_wait_for (is_listed, (gpointer) "Live1", 20000));
  job = listed ("Live1");
  g_assert_cmpint (jd_job_get_status (job), ==, JD_JOB_STATUS_IN_PROGRESS);
  g_assert_true (jd_test_ui_wait_for (sync_says_every, (gpointer) "· every 5 s", 5000));
  g_assert_true (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (find_named (GTK_WIDGET (jobs_view ()), "jobs-sync"))),
                                   "Updated "));

  /* Its device fails it: the same row turns "Completed · 1 failed", in red. */
  fail_on_device ("Live1");
  g_assert_true (jd_test_ui_wait_for (shows_label, (gpointer) "Completed · 1 failed", 20000));
  g_assert_true (listed ("Live1") == job);
  g_assert_cmpint (jd_job_get_status (job), ==, JD_JOB_STATUS_COMPLETED);
  status = label_starting (GTK_WIDGET (jobs_view ()), "Completed · 1 failed");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (status), "error"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (status), "success"));
  /* The row's progress: one of one finished, and it failed. */
  g_assert_true (jd_test_ui_wait_for (shows_label, (gpointer) "1 of 1 · 1 failed", 5000));
  /* The details say it too, with the counts. */
  g_assert_true (jd_jobs_view_select_job (jobs_view (), "Live1"));
  g_assert_true (jd_test_ui_wait_for (view_idle, NULL, 10000));
  g_assert_true (jd_test_ui_count_labels (GTK_WIDGET (jobs_view ()), "Completed · 1 failed") >= 2);

  /* Nothing changes now: the rate backs off, visibly. */
  g_assert_true (jd_test_ui_wait_for (sync_says_every, (gpointer) "· every 10 s", 20000));
  shot_pause ("jobs view, wide");
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return w;
    }
  return NULL;
}

static gboolean
dialog_shows (gpointer text)
{
  GtkWindow *dialog = find_toplevel (JD_TYPE_NEW_JOB_DIALOG);

  return dialog != NULL && jd_test_ui_tree_shows (GTK_WIDGET (dialog), text);
}

static GtkLabel *
label_in (GtkWidget  *widget,
          const char *prefix)
{
  GtkLabel *label;

  if (GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_label (GTK_LABEL (widget)), prefix))
    return GTK_LABEL (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if ((label = label_in (c, prefix)) != NULL)
      return label;
  return NULL;
}

static gpointer
find_type (GtkWidget *widget,
           GType      type)
{
  gpointer found;

  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if ((found = find_type (c, type)) != NULL)
      return found;
  return NULL;
}

/* The document editor: the text view one can type in (a template's
 * preview is another, read-only). */
static GtkTextView *
find_editor (GtkWidget *widget)
{
  GtkTextView *found;

  if (GTK_IS_TEXT_VIEW (widget) && gtk_text_view_get_editable (GTK_TEXT_VIEW (widget)))
    return GTK_TEXT_VIEW (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if ((found = find_editor (c)) != NULL)
      return found;
  return NULL;
}

/* Issue 15.5: New Job says what is wrong, where it is wrong. */
static void
test_new_job_errors (void)
{
  JdNewJobDialog *dialog;
  GtkTextView *editor;
  GtkTextBuffer *buffer;
  GtkTextIter spot;
  GtkTextTag *tag;
  GtkLabel *top;
  GtkLabel *details;
  GtkExpander *expander;

  start_window ();
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-job", NULL);
  jd_test_ui_spin (100);
  dialog = JD_NEW_JOB_DIALOG (find_toplevel (JD_TYPE_NEW_JOB_DIALOG));
  g_assert_nonnull (dialog);
  jd_new_job_dialog_set_job_id (dialog, "GhostJob");

  /* A missing comma: line and column in words, the spot marked. */
  jd_new_job_dialog_set_document (dialog, "{\n  \"operation\": \"reboot\",\n  \"delay\": 5\n  \"force\": true\n}");
  g_assert_false (jd_new_job_dialog_is_valid (dialog));
  g_assert_cmpstr (jd_new_job_dialog_get_problem (dialog), ==, "line 4, column 3: expected ',' or '}'");
  g_assert_true (dialog_shows ((gpointer) "line 4, column 3: expected ',' or '}'"));
  editor = find_editor (GTK_WIDGET (dialog));
  g_assert_nonnull (editor);
  buffer = gtk_text_view_get_buffer (editor);
  tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "jd-syntax-error");
  g_assert_nonnull (tag);
  gtk_text_buffer_get_iter_at_line_offset (buffer, &spot, 3, 2);
  g_assert_true (gtk_text_iter_has_tag (&spot, tag));
  gtk_text_buffer_get_iter_at_line_offset (buffer, &spot, 1, 2);
  g_assert_false (gtk_text_iter_has_tag (&spot, tag));
  shot_pause ("new job, syntax error");

  /* Fixed, the mark goes; a target that does not exist is named under the
   * targets, AWS's exception only behind Details. */
  jd_new_job_dialog_set_document (dialog, "{\"operation\": \"reboot\"}");
  g_assert_true (jd_new_job_dialog_is_valid (dialog));
  gtk_text_buffer_get_iter_at_offset (buffer, &spot, 1);
  g_assert_false (gtk_text_iter_has_tag (&spot, tag));
  jd_new_job_dialog_set_targets (dialog, "Ghost");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "job.create", NULL);
  g_assert_true (jd_test_ui_wait_for (dialog_shows, (gpointer) "Thing Ghost does not exist", 10000));
  top = label_in (GTK_WIDGET (dialog), "The job was not created");
  g_assert_nonnull (top);
  g_assert_null (strstr (gtk_label_get_label (top), "Exception"));
  expander = find_type (GTK_WIDGET (dialog), GTK_TYPE_EXPANDER);
  g_assert_nonnull (expander);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (expander)));
  details = GTK_LABEL (gtk_expander_get_child (expander));
  g_assert_nonnull (strstr (gtk_label_get_label (details), "ResourceNotFoundException"));
  g_assert_nonnull (strstr (gtk_label_get_label (details), "Ghost"));
  gtk_expander_set_expanded (expander, TRUE);
  shot_pause ("new job, unknown target");

  /* Changing the targets clears what the service said about them. */
  jd_new_job_dialog_set_targets (dialog, "MyThing");
  g_assert_false (dialog_shows ((gpointer) "Thing Ghost does not exist"));
  g_assert_true (jd_new_job_dialog_is_valid (dialog));

  /* A job id that is taken is said under the job id. */
  jd_new_job_dialog_set_job_id (dialog, "Live1");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "job.create", NULL);
  g_assert_true (jd_test_ui_wait_for (dialog_shows, (gpointer) "A job with this id already exists; choose another one",
                                      10000));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Issue 15.5: Delete without Force on a running job is not offered. */
static void
test_delete_running (void)
{
  JdDeleteJobDialog *dialog;
  AdwMessageDialog *message;

  start_window ();
  create_job_elsewhere ("Live2");
  g_assert_true (jd_test_ui_wait_for (is_listed, (gpointer) "Live2", 20000));
  g_assert_true (jd_jobs_view_select_job (jobs_view (), "Live2"));
  g_assert_true (jd_test_ui_wait_for (view_idle, NULL, 10000));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (jobs_view ()), "jobs.delete", NULL));
  jd_test_ui_spin (100);
  dialog = JD_DELETE_JOB_DIALOG (find_toplevel (JD_TYPE_DELETE_JOB_DIALOG));
  g_assert_nonnull (dialog);
  message = ADW_MESSAGE_DIALOG (dialog);
  g_assert_true (jd_delete_job_dialog_offers_force (dialog));
  g_assert_true (jd_delete_job_dialog_get_force (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (message), "only with Force"));
  g_assert_true (adw_message_dialog_get_response_enabled (message, JD_DELETE_JOB_RESPONSE));
  shot_pause ("delete a running job");
  jd_delete_job_dialog_set_force (dialog, FALSE);
  g_assert_false (adw_message_dialog_get_response_enabled (message, JD_DELETE_JOB_RESPONSE));
  jd_delete_job_dialog_set_force (dialog, TRUE);
  adw_message_dialog_response (message, JD_DELETE_JOB_RESPONSE);
  if (find_toplevel (JD_TYPE_DELETE_JOB_DIALOG) == GTK_WINDOW (dialog))
    gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (jd_test_ui_wait_for (view_idle, NULL, 10000));
  jd_test_ui_spin (200);
  g_assert_null (listed ("Live2"));
}

/* Only for the pictures: the same view at 360 px, then dark. */
static void
test_narrow_dark (void)
{
  if (g_getenv ("JOBDECK_SHOT_PAUSE_MS") == NULL)
    {
      g_test_skip ("only takes screenshots (set JOBDECK_SHOT_PAUSE_MS)");
      return;
    }
  start_window ();
  g_assert_true (jd_jobs_view_select_job (jobs_view (), "Live1"));
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  jd_test_ui_spin (500);
  shot_pause ("360 px, list");
  /* A row activated (a click at this width) opens its details. */
  g_signal_emit_by_name (find_type (GTK_WIDGET (jobs_view ()), GTK_TYPE_COLUMN_VIEW), "activate", 0);
  jd_test_ui_spin (500);
  shot_pause ("360 px, details");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 720);
  jd_test_ui_spin (500);
  shot_pause ("dark, wide");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
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

  g_test_add_func ("/app/jobs-window/live", test_live);
  g_test_add_func ("/app/jobs-window/new-job-errors", test_new_job_errors);
  g_test_add_func ("/app/jobs-window/delete-running", test_delete_running);
  g_test_add_func ("/app/jobs-window/narrow-dark", test_narrow_dark);
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
