/* test-screenshots.c — drives the real app on a real sandbox into its main
 * states and saves a PNG of each (light and dark, wide and narrow) into the
 * build folder's screenshots/, for people to look at and for the README and
 * the AppStream metainfo. Asserts every state was reached and every picture
 * written.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "jd-application.h"
#include "jd-jobs-view.h"
#include "jd-new-job-dialog.h"
#include "jd-test-ui.h"
#include "jd-window.h"

static JdApplication *app;
static JdWindow *window;
static char *out_dir;

static gboolean
session_connected (gpointer data)
{
  JdSession *session = jd_window_get_session (window);

  return session != NULL && jd_session_get_state (session) == JD_SESSION_STATE_CONNECTED &&
         jd_session_get_control_plane (session) != NULL;
}

static gboolean
has_n_pending (gpointer data)
{
  GListModel *model = jd_device_view_get_model (jd_window_get_device_view (window));

  return model != NULL && g_list_model_get_n_items (model) == GPOINTER_TO_UINT (data);
}

static gboolean
jobs_listed (gpointer data)
{
  JdJobsView *view = JD_JOBS_VIEW (jd_window_get_jobs_view (window));

  return !jd_jobs_view_get_loading (view) &&
         g_list_model_get_n_items (jd_jobs_view_get_jobs (view)) == GPOINTER_TO_UINT (data);
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
save_png (GtkWidget  *widget,
          const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (out_dir, name, NULL);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  /* A widget between a layout and its next frame draws nothing yet: let the
   * frame clock run until it does. */
  for (guint attempt = 0; node == NULL && attempt < 100; attempt++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      jd_test_ui_spin (20);
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_test_message ("saved %s (%dx%d)", path, width, height);
}

static gboolean
has_width (gpointer data)
{
  /* The default size includes the client-side decorations' margins. */
  return ABS (gtk_widget_get_width (GTK_WIDGET (window)) - GPOINTER_TO_INT (data)) <= 24 &&
         !gtk_widget_should_layout (GTK_WIDGET (window));
}

static void
resize_and_settle (int width,
                   int height)
{
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  if (!jd_test_ui_wait_for (has_width, GINT_TO_POINTER (width), 5000))
    g_error ("wanted width %d, have %d", width, gtk_widget_get_width (GTK_WIDGET (window)));
  /* Let the header's and the leaflet's folding animations finish. */
  jd_test_ui_spin (1500);
}

typedef struct {
  gboolean done;
  GError *error;
} Result;

static void
job_created_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Result *r = user_data;
  g_autoptr(JdJob) job = jd_control_plane_create_job_finish (JD_CONTROL_PLANE (object), result, &r->error);

  r->done = TRUE;
}

static void
create_job (const char *job_id,
            const char *document)
{
  JdSession *session = jd_window_get_session (window);
  g_autofree char *arn = jd_session_dup_thing_arn (session, jd_session_get_thing_name (session));
  const char *targets[] = { arn, NULL };
  Result r = { 0 };

  jd_control_plane_create_job_async (jd_session_get_control_plane (session), job_id, targets, document,
                                     NULL, JD_TARGET_SELECTION_SNAPSHOT, 0, NULL, job_created_cb, &r);
  g_assert_true (jd_test_ui_wait_for (flag_set, &r.done, 10000));
  g_assert_no_error (r.error);
}

static void
started_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Result *r = user_data;
  g_autoptr(JdExecution) e = jd_jobs_client_start_next_finish (JD_JOBS_CLIENT (object), result, &r->error);

  r->done = TRUE;
}

static void
updated_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Result *r = user_data;
  g_autoptr(JdExecution) e = jd_jobs_client_update_finish (JD_JOBS_CLIENT (object), result, &r->error);

  r->done = TRUE;
}

static GtkWindow *
find_window (GType type)
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

static void
test_screenshots (void)
{
  JdJobsClient *client;
  g_autoptr(GHashTable) details = g_hash_table_new (g_str_hash, g_str_equal);
  JdUpdateOptions options = JD_UPDATE_OPTIONS_INIT;
  Result started = { 0 }, updated = { 0 };
  GtkWindow *dialog;

  g_application_activate (G_APPLICATION (app));
  window = JD_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  resize_and_settle (1100, 720);

  /* First run: the app makes the local sandbox and connects as MyThing. */
  g_assert_true (jd_test_ui_wait_for (session_connected, NULL, 30000));
  jd_test_ui_spin (300);
  save_png (GTK_WIDGET (window), "empty.png");

  create_job ("Job1", "{\"Todo\":\"Reboot\"}");
  create_job ("firmware-update-2", "{\"operation\":\"install\",\"packageName\":\"agent\",\"version\":\"1.2.3\"}");
  create_job ("config-3", "{\"operation\":\"config\",\"settings\":{\"reportIntervalSeconds\":60}}");
  g_assert_true (jd_test_ui_wait_for (has_n_pending, GUINT_TO_POINTER (3), 10000));

  client = jd_session_get_jobs_client (jd_window_get_session (window));
  jd_jobs_client_start_next_async (client, NULL, 0, NULL, started_cb, &started);
  g_assert_true (jd_test_ui_wait_for (flag_set, &started.done, 10000));
  g_assert_no_error (started.error);

  g_hash_table_insert (details, "step", "2/5");
  g_hash_table_insert (details, "progress", "40%");
  options.status_details = details;
  jd_jobs_client_update_async (client, "Job1", JD_EXECUTION_STATUS_IN_PROGRESS, &options, NULL, updated_cb, &updated);
  g_assert_true (jd_test_ui_wait_for (flag_set, &updated.done, 10000));
  g_assert_no_error (updated.error);

  g_assert_true (jd_device_view_select_job (jd_window_get_device_view (window), "Job1"));
  jd_test_ui_spin (500);
  save_png (GTK_WIDGET (window), "main-window.png");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  jd_test_ui_spin (500);
  save_png (GTK_WIDGET (window), "main-window-dark.png");

  /* Jobs: the account's three jobs, one selected with its counts. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "jobs");
  jd_jobs_view_refresh (JD_JOBS_VIEW (jd_window_get_jobs_view (window)));
  g_assert_true (jd_test_ui_wait_for (jobs_listed, GUINT_TO_POINTER (3), 10000));
  g_assert_true (jd_jobs_view_select_job (JD_JOBS_VIEW (jd_window_get_jobs_view (window)), "firmware-update-2"));
  jd_test_ui_spin (800);
  save_png (GTK_WIDGET (window), "jobs-dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  jd_test_ui_spin (300);
  save_png (GTK_WIDGET (window), "jobs.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "events");
  jd_test_ui_spin (500);
  save_png (GTK_WIDGET (window), "events-dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  jd_test_ui_spin (300);
  save_png (GTK_WIDGET (window), "events.png");

  resize_and_settle (360, 720);
  save_png (GTK_WIDGET (window), "events-narrow.png");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "device");
  jd_test_ui_spin (800);
  save_png (GTK_WIDGET (window), "narrow.png");
  resize_and_settle (1100, 720);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-job", NULL);
  jd_test_ui_spin (500);
  dialog = find_window (JD_TYPE_NEW_JOB_DIALOG);
  g_assert_nonnull (dialog);
  jd_new_job_dialog_set_job_id (JD_NEW_JOB_DIALOG (dialog), "firmware-update-4");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "job.template", "s", "download");
  jd_test_ui_spin (300);
  save_png (GTK_WIDGET (dialog), "new-job.png");
  gtk_window_destroy (dialog);

  /* Preferences, on the profiles page the first run filled in. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  jd_test_ui_spin (300);
  dialog = find_window (ADW_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (dialog);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (dialog), "profiles");
  jd_test_ui_spin (300);
  g_assert_true (jd_test_ui_tree_shows (GTK_WIDGET (dialog), "Local sandbox"));
  save_png (GTK_WIDGET (dialog), "preferences-profiles.png");
  gtk_window_destroy (dialog);
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

  out_dir = g_strdup (g_getenv ("JOBDECK_SCREENSHOT_DIR"));
  if (out_dir == NULL)
    out_dir = g_build_filename (g_get_current_dir (), "screenshots", NULL);
  g_mkdir_with_parents (out_dir, 0755);

  app = jd_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/app/screenshots", test_screenshots);
  ret = g_test_run ();

  if (window != NULL)
    {
      g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
      gtk_window_close (GTK_WINDOW (window));
      jd_test_ui_wait_for (window_gone, NULL, 15000);
    }
  g_clear_object (&app);
  jd_test_ui_remove_tree (data_home);
  g_free (out_dir);
  return ret;
}
