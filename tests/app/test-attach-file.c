/* test-attach-file.c — Attach Signed File in the real window, on the sandbox
 * the app starts itself: a file signed with the sandbox's code-signing key
 * and uploaded to its file store lands in the New Job document (afr_ota and
 * codesign); the job is created, and the execution the device describes —
 * the document as delivered, with the presigned URLs the service put in —
 * downloads and verifies against the sandbox's certificate. Cancel during
 * the upload leaves the document as it was.
 *
 * With JOBDECK_SCREENSHOT_DIR set it also saves the dialog (light, dark,
 * 360 px) there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "jd-application.h"
#include "jd-attach-file-dialog.h"
#include "jd-codesign.h"
#include "jd-new-job-dialog.h"
#include "jd-test-ui.h"
#include "jd-window.h"

#define PLACEHOLDER_PREFIX "${aws:iot:s3-presigned-url:https://s3."

static JdApplication *app;
static JdWindow *window;
static char *tmp_dir;

static JdSession *
session (void)
{
  return jd_window_get_session (window);
}

static gboolean
session_connected (gpointer data)
{
  JdSession *s = session ();

  return s != NULL && jd_session_get_state (s) == JD_SESSION_STATE_CONNECTED &&
         jd_session_get_control_plane (s) != NULL &&
         jd_session_get_codesign_certificate (s) != NULL &&
         jd_jobs_client_get_synced (jd_session_get_jobs_client (s));
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
toplevel_gone (gpointer type)
{
  return find_toplevel (GPOINTER_TO_SIZE (type)) == NULL;
}

static gboolean
toplevel_shown (gpointer type)
{
  return find_toplevel (GPOINTER_TO_SIZE (type)) != NULL;
}

static JdNewJobDialog *
open_new_job (const char *job_id)
{
  JdNewJobDialog *dialog;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-job", NULL);
  g_assert_true (jd_test_ui_wait_for (toplevel_shown, GSIZE_TO_POINTER (JD_TYPE_NEW_JOB_DIALOG), 5000));
  dialog = JD_NEW_JOB_DIALOG (find_toplevel (JD_TYPE_NEW_JOB_DIALOG));
  jd_new_job_dialog_set_job_id (dialog, job_id);
  return dialog;
}

static JdAttachFileDialog *
open_attach (JdNewJobDialog *dialog)
{
  JdAttachFileDialog *attach;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "job.attach-file", NULL));
  g_assert_true (jd_test_ui_wait_for (toplevel_shown, GSIZE_TO_POINTER (JD_TYPE_ATTACH_FILE_DIALOG), 5000));
  attach = JD_ATTACH_FILE_DIALOG (find_toplevel (JD_TYPE_ATTACH_FILE_DIALOG));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (attach)) == GTK_WINDOW (dialog));
  /* On the sandbox: its file store, its identity. */
  g_assert_true (jd_attach_file_dialog_get_can_upload (attach));
  return attach;
}

static GFile *
make_payload (const char *name,
              gsize       size)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autofree guint8 *bytes = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    bytes[i] = (guint8) ((i * 131 + size) >> 3);
  g_assert_true (g_file_set_contents (path, (const char *) bytes, (gssize) size, NULL));
  return g_file_new_for_path (path);
}

static JsonNode *
document_of (JdNewJobDialog *dialog)
{
  g_autofree char *text = jd_new_job_dialog_dup_document (dialog);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_node_ref (json_parser_get_root (parser));
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

static void
save_png (GtkWidget  *widget,
          const char *name)
{
  const char *dir = g_getenv ("JOBDECK_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, name, NULL);
  paintable = gtk_widget_paintable_new (widget);
  for (guint attempt = 0; node == NULL && attempt < 100; attempt++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      jd_test_ui_spin (20);
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), gtk_widget_get_width (widget),
                              gtk_widget_get_height (widget));
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                              gtk_widget_get_height (widget)));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s (%dx%d)", path, gtk_widget_get_width (widget), gtk_widget_get_height (widget));
}

/* Signs with the sandbox's key, uploads, and inserts; returns when the
 * dialog has closed. */
static void
attach_on_sandbox (JdNewJobDialog  *dialog,
                   GFile           *payload,
                   JdCodesignShape  shape,
                   const char      *shot)
{
  JdAttachFileDialog *attach = open_attach (dialog);

  jd_attach_file_dialog_set_file (attach, payload);
  jd_attach_file_dialog_set_shape (attach, shape);
  g_assert_null (jd_attach_file_dialog_get_problem (attach));
  /* Signed with the sandbox's identity unless told otherwise. */
  g_assert_true (jd_test_ui_tree_shows (GTK_WIDGET (attach), "Sandbox key"));
  if (shot != NULL && g_getenv ("JOBDECK_SCREENSHOT_DIR") != NULL)
    {
      AdwStyleManager *style = adw_style_manager_get_default ();
      g_autofree char *light = g_strdup_printf ("%s-light.png", shot);
      g_autofree char *dark = g_strdup_printf ("%s-dark.png", shot);
      g_autofree char *narrow = g_strdup_printf ("%s-360.png", shot);

      jd_test_ui_spin (300);
      save_png (GTK_WIDGET (attach), light);
      adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
      jd_test_ui_spin (300);
      save_png (GTK_WIDGET (attach), dark);
      adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
      gtk_window_set_default_size (GTK_WINDOW (attach), 360, 640);
      jd_test_ui_spin (500);
      save_png (GTK_WIDGET (attach), narrow);
    }
  gtk_widget_activate_action (GTK_WIDGET (attach), "attach.attach", NULL);
  g_assert_true (jd_test_ui_wait_for (toplevel_gone, GSIZE_TO_POINTER (JD_TYPE_ATTACH_FILE_DIALOG), 30000));
}

static void
test_attach_create_verify (void)
{
  g_autoptr(GFile) firmware = make_payload ("firmware.bin", 3 * 1024 * 1024 + 17);
  g_autoptr(GFile) config = make_payload ("config.tar", 200 * 1024);
  g_autoptr(JsonNode) document = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(JdExecution) execution = NULL;
  g_autoptr(GPtrArray) delivered = NULL;
  g_autoptr(SoupSession) downloads = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  JdNewJobDialog *dialog;
  JdSignedFile *file;

  start_window ();
  dialog = open_new_job ("Signed1");

  attach_on_sandbox (dialog, firmware, JD_CODESIGN_SHAPE_AFR_OTA, "attach-file");
  attach_on_sandbox (dialog, config, JD_CODESIGN_SHAPE_CODESIGN, NULL);

  /* The document: an afr_ota entry and a codesign object, each with the
   * store's placeholder, the file's size and a signature in form. */
  document = document_of (dialog);
  files = jd_codesign_find_files (document);
  g_assert_cmpuint (files->len, ==, 2);
  file = g_ptr_array_index (files, 0);
  g_assert_cmpint (jd_signed_file_get_shape (file), ==, JD_CODESIGN_SHAPE_AFR_OTA);
  g_assert_cmpstr (jd_signed_file_get_path (file), ==, "firmware.bin");
  g_assert_cmpint (jd_signed_file_get_size (file), ==, 3 * 1024 * 1024 + 17);
  g_assert_true (g_str_has_prefix (jd_signed_file_get_url (file), PLACEHOLDER_PREFIX));
  g_assert_true (g_str_has_suffix (jd_signed_file_get_url (file), "/firmware.bin}"));
  g_assert_true (jd_codesign_lint_file (file, NULL));
  file = g_ptr_array_index (files, 1);
  g_assert_cmpint (jd_signed_file_get_shape (file), ==, JD_CODESIGN_SHAPE_CODESIGN);
  g_assert_cmpint (jd_signed_file_get_size (file), ==, 200 * 1024);
  g_assert_true (g_str_has_prefix (jd_signed_file_get_url (file), PLACEHOLDER_PREFIX));
  g_assert_true (jd_codesign_lint_file (file, NULL));
  g_assert_true (jd_new_job_dialog_is_valid (dialog));
  save_png (GTK_WIDGET (dialog), "new-job-attached.png");

  /* Created by the window; the dialog goes once CreateJob succeeded. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "job.create", NULL);
  g_assert_true (jd_test_ui_wait_for (toplevel_gone, GSIZE_TO_POINTER (JD_TYPE_NEW_JOB_DIALOG), 20000));

  /* The device describes its execution: the document as delivered, with
   * presigned URLs in place of the placeholders. */
  jd_jobs_client_describe_async (jd_session_get_jobs_client (session ()), "Signed1", -1, TRUE, NULL,
                                 result_cb, &result);
  g_assert_true (jd_test_ui_wait_for (has_result, &result, 10000));
  execution = jd_jobs_client_describe_finish (jd_session_get_jobs_client (session ()), result, &error);
  g_clear_object (&result);
  g_assert_no_error (error);
  g_assert_nonnull (execution);
  delivered = jd_codesign_find_files (jd_execution_get_job_document (execution));
  g_assert_cmpuint (delivered->len, ==, 2);
  for (guint i = 0; i < delivered->len; i++)
    g_assert_true (g_str_has_prefix (jd_signed_file_get_url (g_ptr_array_index (delivered, i)), "https://"));

  /* Downloaded through those URLs, both verify against the sandbox's
   * code-signing certificate. */
  downloads = jd_codesign_session_new (jd_session_get_download_ca_path (session ()), &error);
  g_assert_no_error (error);
  jd_codesign_verify_document_async (jd_execution_get_job_document (execution), downloads,
                                     jd_session_get_codesign_certificate (session ()),
                                     NULL, NULL, NULL, NULL, result_cb, &result);
  g_assert_true (jd_test_ui_wait_for (has_result, &result, 30000));
  results = jd_codesign_verify_document_finish (result, &error);
  g_clear_object (&result);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 2);
  for (guint i = 0; i < results->len; i++)
    {
      JdCodesignResult *r = g_ptr_array_index (results, i);

      g_assert_no_error (r->error);
    }
  g_assert_true (jd_codesign_results_all_verified (results));
}

/* A file big enough that the upload takes many main-loop turns; sparse, so
 * it costs no disk. */
static GFile *
make_big_payload (const char *name,
                  goffset     size)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  int fd = open (path, O_CREAT | O_TRUNC | O_WRONLY, 0600);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, size), ==, 0);
  g_assert_cmpint (pwrite (fd, "jobdeck", 7, size / 2), ==, 7);
  close (fd);
  return g_file_new_for_path (path);
}

static gboolean
uploading (gpointer attach)
{
  double progress = jd_attach_file_dialog_get_progress (attach);

  return progress > 0 && progress < 1;
}

static gboolean
not_busy (gpointer attach)
{
  return !jd_attach_file_dialog_get_busy (attach);
}

static void
test_cancel_during_upload (void)
{
  g_autoptr(GFile) big = make_big_payload ("big.img", 48 * 1024 * 1024);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  JdNewJobDialog *dialog;
  JdAttachFileDialog *attach;

  start_window ();
  dialog = open_new_job ("Cancelled1");
  before = jd_new_job_dialog_dup_document (dialog);
  attach = open_attach (dialog);
  jd_attach_file_dialog_set_file (attach, big);
  gtk_widget_activate_action (GTK_WIDGET (attach), "attach.attach", NULL);
  g_assert_true (jd_attach_file_dialog_get_busy (attach));

  /* Cancel while the bytes go up. */
  g_assert_true (jd_test_ui_wait_for (uploading, attach, 60000));
  gtk_widget_activate_action (GTK_WIDGET (attach), "attach.cancel", NULL);
  g_assert_true (jd_test_ui_wait_for (not_busy, attach, 10000));

  /* The dialog stays, says so, and the document is as it was. */
  g_assert_true (find_toplevel (JD_TYPE_ATTACH_FILE_DIALOG) == GTK_WINDOW (attach));
  g_assert_null (jd_attach_file_dialog_get_problem (attach));
  g_assert_true (jd_test_ui_tree_shows (GTK_WIDGET (attach), "Cancelled; nothing was attached."));
  jd_test_ui_spin (200);
  after = jd_new_job_dialog_dup_document (dialog);
  g_assert_cmpstr (before, ==, after);

  /* Cancel again, now idle, closes it; still nothing changed. */
  gtk_widget_activate_action (GTK_WIDGET (attach), "attach.cancel", NULL);
  g_assert_true (jd_test_ui_wait_for (toplevel_gone, GSIZE_TO_POINTER (JD_TYPE_ATTACH_FILE_DIALOG), 5000));
  g_clear_pointer (&after, g_free);
  after = jd_new_job_dialog_dup_document (dialog);
  g_assert_cmpstr (before, ==, after);
  gtk_window_destroy (GTK_WINDOW (dialog));
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
  tmp_dir = g_dir_make_tmp ("jd-attach-file-XXXXXX", &error);
  g_assert_no_error (error);

  app = jd_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/app/attach-file/create-verify", test_attach_create_verify);
  g_test_add_func ("/app/attach-file/cancel-upload", test_cancel_during_upload);
  ret = g_test_run ();

  /* Closing stops the broker and service the app started. */
  if (window != NULL)
    {
      g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
      gtk_window_close (GTK_WINDOW (window));
      g_assert_true (jd_test_ui_wait_for (window_gone, NULL, 15000));
    }
  g_clear_object (&app);
  jd_test_ui_remove_tree (tmp_dir);
  g_free (tmp_dir);
  jd_test_ui_remove_tree (data_home);
  return ret;
}
