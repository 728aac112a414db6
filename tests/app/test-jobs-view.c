/* test-jobs-view.c — the Jobs view against the real control-plane service
 * (JdServiceHttp on a JdStore, over HTTPS with SigV4, as the sandbox runs it):
 * listing, the status filter, details, Cancel and Delete through the view's
 * actions and dialogs, AWS's errors in the messages, a service that goes
 * away, an unreachable endpoint, and finalization.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <gtksourceview/gtksource.h>

#include "jd-cancel-job-dialog.h"
#include "jd-control-plane.h"
#include "jd-delete-job-dialog.h"
#include "jd-job-details.h"
#include "jd-job-template.h"
#include "jd-jobs-view.h"
#include "jd-service-http.h"
#include "jd-test-ui.h"
#include "op-test-util.h"

#define AKID    "AKIAJOBDECKVIEWTEST"
#define SECRET  "jobdeck/view+test/0123456789abcdefghijk"
#define REGION  "us-east-1"
#define ACCOUNT "123456789012"
#define THING   "MyThing"

/* The control-plane service on a free loopback port, with its own CA. */
typedef struct {
  char          *dir;
  JdTestCa      *ca;
  JdStore       *store;
  JdServiceHttp *http;
} Service;

/* Under AddressSanitizer: LeakSanitizer of GCC 12 crashes ("Tracer caught
 * signal 11") while scanning the dynamic TLS of dlopen()ed modules such as
 * glib-networking's GnuTLS backend (as in tests/service/jd-test-https.c on
 * the service branch). Not intercepting __tls_get_addr avoids that walk;
 * ASAN_OPTIONS from the environment still apply on top. */
const char *__asan_default_options (void);

const char *
__asan_default_options (void)
{
  return "intercept_tls_get_addr=0";
}

typedef struct {
  GPtrArray *titles;
  GPtrArray *details;   /* "" for none */
} Messages;

static void
show_message_cb (JdJobsView *view,
                 const char *title,
                 const char *details,
                 Messages   *messages)
{
  g_ptr_array_add (messages->titles, g_strdup (title));
  g_ptr_array_add (messages->details, g_strdup (details ? details : ""));
}

static void
messages_init (Messages *messages)
{
  messages->titles = g_ptr_array_new_with_free_func (g_free);
  messages->details = g_ptr_array_new_with_free_func (g_free);
}

static void
messages_clear (Messages *messages)
{
  g_clear_pointer (&messages->titles, g_ptr_array_unref);
  g_clear_pointer (&messages->details, g_ptr_array_unref);
}

static const char *
last_title (Messages *messages)
{
  g_assert_cmpuint (messages->titles->len, >, 0);
  return g_ptr_array_index (messages->titles, messages->titles->len - 1);
}

static const char *
last_details (Messages *messages)
{
  g_assert_cmpuint (messages->details->len, >, 0);
  return g_ptr_array_index (messages->details, messages->details->len - 1);
}

/* Spins until the view has no request left (and a little more for layout). */
static void
wait_idle (JdJobsView *view)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) 15 * jd_test_slowdown () * G_TIME_SPAN_SECOND;

  jd_test_ui_spin (20);
  while (jd_jobs_view_get_loading (view))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  jd_test_ui_spin (50);
}

static gpointer
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gpointer
find_type (GtkWidget *widget,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gpointer found = find_type (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static const char *
count_of (GtkWidget  *view,
          const char *name)
{
  GtkWidget *label = find_named (view, name);

  g_assert_nonnull (label);
  return gtk_label_get_label (GTK_LABEL (label));
}

static char *
document_text (GtkWidget *view)
{
  GtkSourceView *source = find_type (view, GTK_SOURCE_TYPE_VIEW);
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_assert_nonnull (source);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (source));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static gboolean
action_enabled (GtkWidget  *view,
                const char *name)
{
  /* Action state of widget actions is only observable through the muxer:
   * a button bound to the action is sensitive exactly when it is enabled. */
  gboolean enabled = FALSE;
  g_autofree char *detailed = g_strconcat ("jobs.", name, NULL);
  GtkWidget *button = NULL;
  GtkWidget *stack[64];
  guint depth = 0;

  stack[depth++] = view;
  while (depth > 0 && button == NULL)
    {
      GtkWidget *w = stack[--depth];

      if (GTK_IS_ACTIONABLE (w) &&
          g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (w)), detailed) == 0)
        button = w;
      for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL && depth < G_N_ELEMENTS (stack); c = gtk_widget_get_next_sibling (c))
        stack[depth++] = c;
    }

  g_assert_nonnull (button);
  enabled = gtk_widget_get_sensitive (button);
  return enabled;
}

static guint
n_jobs (JdJobsView *view)
{
  return g_list_model_get_n_items (jd_jobs_view_get_jobs (view));
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
service_start (Service *service)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;

  service->dir = g_dir_make_tmp ("jd-jobs-view-XXXXXX", &error);
  g_assert_no_error (error);
  service->ca = jd_test_ca_new (service->dir, "sandbox");
  jd_test_ca_issue (service->ca, service->dir, "service", -60, 3600, NULL, &cert_path, &key_path);
  cert = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  g_assert_no_error (error);

  service->store = jd_store_open (":memory:", &error);
  g_assert_no_error (error);
  service->http = jd_service_http_new (service->store, REGION, ACCOUNT, AKID, SECRET);
  g_assert_true (jd_service_http_listen (service->http, cert, 0, &error));
  g_assert_no_error (error);
}

static void
service_stop (Service *service)
{
  if (service->http != NULL)
    jd_service_http_disconnect (service->http);
  g_clear_object (&service->http);
  g_clear_object (&service->store);
  g_clear_pointer (&service->ca, jd_test_ca_free);
  if (service->dir != NULL)
    remove_dir (service->dir);
  g_clear_pointer (&service->dir, g_free);
}

static JdControlPlane *
service_control_plane (Service *service)
{
  g_autoptr(JdCredentials) credentials = jd_credentials_new (AKID, SECRET, NULL, REGION);
  g_autofree char *endpoint = g_strdup_printf ("https://127.0.0.1:%u", jd_service_http_get_port (service->http));
  g_autoptr(GError) error = NULL;
  JdControlPlane *cp;

  cp = jd_control_plane_new (REGION, endpoint, jd_test_ca_get_path (service->ca), credentials, &error);
  g_assert_no_error (error);
  jd_control_plane_set_retry_policy (cp, 1, 50);
  return cp;
}

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) 15 * jd_test_slowdown () * G_TIME_SPAN_SECOND;

  while (*slot == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return *slot;
}

static void
create_job (JdControlPlane *cp,
            const char     *job_id,
            const char     *thing_arn,
            const char     *document)
{
  const char *targets[] = { thing_arn, NULL };
  GAsyncResult *result = NULL;
  g_autoptr(JdJob) job = NULL;
  g_autoptr(GError) error = NULL;

  jd_control_plane_create_job_async (cp, job_id, targets, document, "A job for the view's test",
                                     JD_TARGET_SELECTION_SNAPSHOT, 0, NULL, result_cb, &result);
  job = jd_control_plane_create_job_finish (cp, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (job);
  g_object_unref (result);
}

static GtkWidget *
new_window_with_view (GtkWidget **view_out)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = jd_jobs_view_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 700);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  *view_out = view;
  return window;
}

static void
destroy_and_check_finalized (GtkWidget *window,
                             GtkWidget *view)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) 5 * jd_test_slowdown () * G_TIME_SPAN_SECOND;

  g_object_add_weak_pointer (G_OBJECT (view), (gpointer *) &view);
  gtk_window_destroy (GTK_WINDOW (window));
  while (view != NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_null (view);
}

static void
test_not_connected (void)
{
  GtkWidget *view;
  GtkWidget *window = new_window_with_view (&view);

  jd_test_ui_spin (50);
  g_assert_true (jd_test_ui_tree_shows (view, "Not Connected"));
  g_assert_null (jd_jobs_view_get_control_plane (JD_JOBS_VIEW (view)));
  g_assert_null (jd_jobs_view_get_selected_job (JD_JOBS_VIEW (view)));
  g_assert_false (jd_jobs_view_get_loading (JD_JOBS_VIEW (view)));

  /* Without a control plane, refresh and the actions do nothing. */
  jd_jobs_view_refresh (JD_JOBS_VIEW (view));
  g_assert_false (jd_jobs_view_get_loading (JD_JOBS_VIEW (view)));
  g_assert_false (action_enabled (view, "refresh"));
  g_assert_false (action_enabled (view, "cancel"));
  g_assert_false (action_enabled (view, "delete"));

  destroy_and_check_finalized (window, view);
}

static void
test_cancel_dialog_validation (void)
{
  JdCancelJobDialog *dialog = jd_cancel_job_dialog_new (NULL, "Job1");
  g_autofree char *long_code = g_strnfill (129, 'A');
  g_autofree char *max_code = g_strnfill (128, 'A');
  g_autofree char *long_comment = g_strnfill (2029, 'x');
  g_autofree char *max_comment = g_strnfill (2028, 'x');

  g_assert_cmpstr (jd_cancel_job_dialog_get_job_id (dialog), ==, "Job1");
  g_assert_null (jd_cancel_job_dialog_get_problem (dialog));
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), JD_CANCEL_JOB_RESPONSE));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (ADW_MESSAGE_DIALOG (dialog), JD_CANCEL_JOB_RESPONSE),
                   ==, ADW_RESPONSE_DESTRUCTIVE);
  g_assert_null (jd_cancel_job_dialog_dup_reason_code (dialog));

  jd_cancel_job_dialog_set_reason_code (dialog, "not ok");
  g_assert_nonnull (jd_cancel_job_dialog_get_problem (dialog));
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), JD_CANCEL_JOB_RESPONSE));

  jd_cancel_job_dialog_set_reason_code (dialog, long_code);
  g_assert_nonnull (jd_cancel_job_dialog_get_problem (dialog));

  jd_cancel_job_dialog_set_reason_code (dialog, max_code);
  g_assert_null (jd_cancel_job_dialog_get_problem (dialog));
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), JD_CANCEL_JOB_RESPONSE));

  jd_cancel_job_dialog_set_comment (dialog, long_comment);
  g_assert_nonnull (jd_cancel_job_dialog_get_problem (dialog));
  jd_cancel_job_dialog_set_comment (dialog, max_comment);
  g_assert_null (jd_cancel_job_dialog_get_problem (dialog));

  g_assert_null (jd_cancel_job_check_reason_code (NULL));
  g_assert_null (jd_cancel_job_check_reason_code ("FIRMWARE_2"));
  g_assert_nonnull (jd_cancel_job_check_reason_code ("firmware"));
  g_assert_nonnull (jd_cancel_job_check_reason_code ("A-B"));
  /* 2028 characters, not bytes: "é" is two bytes each. */
  {
    g_autoptr(GString) accents = g_string_new (NULL);

    for (guint i = 0; i < 2028; i++)
      g_string_append (accents, "é");
    g_assert_null (jd_cancel_job_check_comment (accents->str));
    g_string_append (accents, "é");
    g_assert_nonnull (jd_cancel_job_check_comment (accents->str));
  }

  jd_cancel_job_dialog_set_force (dialog, TRUE);
  g_assert_true (jd_cancel_job_dialog_get_force (dialog));

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static JdJob *
job_from_json (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(GError) error = NULL;
  JdJob *job;

  g_assert_nonnull (node);
  job = jd_job_new_from_json (json_node_get_object (node), &error);
  g_assert_no_error (error);
  return job;
}

/* Delete without Force on an unfinished job is not offered as something that
 * will work: Force is ticked, Delete is disabled without it, and the body
 * says why (with the devices working on it when the counters are known). */
static void
test_delete_dialog_force (void)
{
  g_autoptr(JdJob) done = job_from_json ("{\"jobId\":\"Job1\",\"status\":\"COMPLETED\"}");
  g_autoptr(JdJob) busy = job_from_json ("{\"jobId\":\"Job2\",\"status\":\"IN_PROGRESS\","
                                         "\"jobProcessDetails\":{\"numberOfInProgressThings\":2}}");
  JdDeleteJobDialog *finished = jd_delete_job_dialog_new (NULL, done);
  JdDeleteJobDialog *running = jd_delete_job_dialog_new (NULL, busy);
  AdwMessageDialog *r = ADW_MESSAGE_DIALOG (running);

  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (finished)), ==, "Delete Job1?");
  g_assert_false (jd_delete_job_dialog_offers_force (finished));
  jd_delete_job_dialog_set_force (finished, TRUE);
  g_assert_false (jd_delete_job_dialog_get_force (finished));
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (finished), JD_DELETE_JOB_RESPONSE));

  g_assert_true (jd_delete_job_dialog_offers_force (running));
  g_assert_true (jd_delete_job_dialog_get_force (running));
  g_assert_true (adw_message_dialog_get_response_enabled (r, JD_DELETE_JOB_RESPONSE));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (r), "2 devices are working on it"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (r), "only with Force"));
  jd_delete_job_dialog_set_force (running, FALSE);
  g_assert_false (jd_delete_job_dialog_get_force (running));
  g_assert_false (adw_message_dialog_get_response_enabled (r, JD_DELETE_JOB_RESPONSE));
  jd_delete_job_dialog_set_force (running, TRUE);
  g_assert_true (adw_message_dialog_get_response_enabled (r, JD_DELETE_JOB_RESPONSE));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (r, JD_DELETE_JOB_RESPONSE),
                   ==, ADW_RESPONSE_DESTRUCTIVE);

  gtk_window_destroy (GTK_WINDOW (finished));
  gtk_window_destroy (GTK_WINDOW (running));
}

static void
test_unreachable (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(JdCredentials) credentials = jd_credentials_new ("AKIDEXAMPLE", "secret", NULL, "us-east-1");
  g_autoptr(JdControlPlane) cp = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *endpoint = NULL;
  GtkWidget *view;
  GtkWidget *window = new_window_with_view (&view);
  AdwStatusPage *page;

  /* A loopback port that nothing listens on: bound, then closed. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  endpoint = g_strdup_printf ("https://127.0.0.1:%u",
                              g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, &error);
  g_assert_no_error (error);

  cp = jd_control_plane_new ("us-east-1", endpoint, NULL, credentials, &error);
  g_assert_no_error (error);
  jd_control_plane_set_retry_policy (cp, 1, 10);

  jd_jobs_view_set_control_plane (JD_JOBS_VIEW (view), cp);
  g_assert_true (jd_jobs_view_get_loading (JD_JOBS_VIEW (view)));
  wait_idle (JD_JOBS_VIEW (view));

  /* The error page, with the error's words and a Retry button. */
  g_assert_true (jd_test_ui_tree_shows (view, "Could Not Load Jobs"));
  page = find_type (view, ADW_TYPE_STATUS_PAGE);
  while (page != NULL && !jd_test_ui_tree_shows (GTK_WIDGET (page), "Could Not Load Jobs"))
    page = find_type (gtk_widget_get_next_sibling (GTK_WIDGET (page)), ADW_TYPE_STATUS_PAGE);
  g_assert_nonnull (page);
  g_assert_nonnull (adw_status_page_get_description (page));
  g_assert_cmpuint (strlen (adw_status_page_get_description (page)), >, 5);
  g_assert_true (jd_test_ui_tree_shows (view, "_Retry"));
  g_assert_cmpuint (n_jobs (JD_JOBS_VIEW (view)), ==, 0);

  /* Retry fails the same way, without a crash. */
  g_assert_true (gtk_widget_activate_action (view, "jobs.refresh", NULL));
  wait_idle (JD_JOBS_VIEW (view));
  g_assert_true (jd_test_ui_tree_shows (view, "Could Not Load Jobs"));

  destroy_and_check_finalized (window, view);
}

static gboolean
has_delete_shortcut (GtkWidget *column_view)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (column_view);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);

          if (g_strcmp0 (trigger, "Delete") == 0 && GTK_IS_NAMED_ACTION (action) &&
              g_strcmp0 (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)), "jobs.delete") == 0)
            return TRUE;
        }
    }

  return FALSE;
}

static void
answer_cancel_dialog (const char *reason_code,
                      gboolean    force)
{
  JdCancelJobDialog *dialog;

  jd_test_ui_spin (50);
  dialog = find_toplevel (JD_TYPE_CANCEL_JOB_DIALOG);
  g_assert_nonnull (dialog);
  jd_cancel_job_dialog_set_reason_code (dialog, reason_code);
  jd_cancel_job_dialog_set_comment (dialog, "Recalled by the test");
  jd_cancel_job_dialog_set_force (dialog, force);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), JD_CANCEL_JOB_RESPONSE);
  if (find_toplevel (JD_TYPE_CANCEL_JOB_DIALOG) == dialog)
    gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
answer_delete_dialog (const char *expected_heading,
                      gboolean    force)
{
  JdDeleteJobDialog *dialog;
  gboolean enabled;

  jd_test_ui_spin (50);
  dialog = find_toplevel (JD_TYPE_DELETE_JOB_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, expected_heading);
  /* An unfinished job comes with Force ticked. */
  g_assert_true (!jd_delete_job_dialog_offers_force (dialog) || jd_delete_job_dialog_get_force (dialog));
  jd_delete_job_dialog_set_force (dialog, force);
  enabled = adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), JD_DELETE_JOB_RESPONSE);
  g_assert_true (enabled == (force || !jd_delete_job_dialog_offers_force (dialog)));
  /* What a user can press: Delete when enabled, else only Keep. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), enabled ? JD_DELETE_JOB_RESPONSE : "keep");
  if (find_toplevel (JD_TYPE_DELETE_JOB_DIALOG) == dialog)
    gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_against_service (void)
{
  Service service = { 0 };
  g_autoptr(JdControlPlane) cp = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *thing_arn = NULL;
  g_autofree char *document = NULL;
  GAsyncResult *result = NULL;
  Messages messages;
  GtkWidget *view;
  GtkWidget *window;
  JdJobsView *jv;
  JdJob *job;

  service_start (&service);
  cp = service_control_plane (&service);

  jd_control_plane_ensure_thing_async (cp, THING, NULL, result_cb, &result);
  thing_arn = jd_control_plane_ensure_thing_finish (cp, wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  create_job (cp, "Job1", thing_arn, "{\"operation\":\"reboot\",\"step\":1}");
  create_job (cp, "Job2", thing_arn, "{\"operation\":\"update\"}");

  messages_init (&messages);
  window = new_window_with_view (&view);
  jv = JD_JOBS_VIEW (view);
  g_signal_connect (view, "show-message", G_CALLBACK (show_message_cb), &messages);

  /* Connecting lists both jobs. */
  jd_jobs_view_set_control_plane (jv, cp);
  g_assert_true (jd_jobs_view_get_control_plane (jv) == cp);
  wait_idle (jv);
  g_assert_cmpuint (n_jobs (jv), ==, 2);
  g_assert_true (jd_test_ui_tree_shows (view, "2 jobs"));
  g_assert_true (jd_test_ui_tree_shows (view, "Job1"));
  g_assert_true (jd_test_ui_tree_shows (view, "Job2"));
  g_assert_false (jd_test_ui_tree_shows (view, "Not Connected"));
  g_assert_cmpuint (messages.titles->len, ==, 0);
  g_assert_true (has_delete_shortcut (find_type (view, GTK_TYPE_COLUMN_VIEW)));

  /* Selecting Job1 shows its details: counts, targets and document. */
  g_assert_true (jd_jobs_view_select_job (jv, "Job1"));
  g_assert_false (jd_jobs_view_select_job (jv, "NoSuchJob"));
  g_assert_true (jd_jobs_view_select_job (jv, "Job1"));
  wait_idle (jv);
  job = jd_jobs_view_get_selected_job (jv);
  g_assert_cmpstr (jd_job_get_job_id (job), ==, "Job1");
  g_assert_cmpstr (count_of (view, "count-queued"), ==, "1");
  g_assert_cmpstr (count_of (view, "count-in-progress"), ==, "0");
  g_assert_cmpstr (count_of (view, "count-canceled"), ==, "0");
  g_assert_true (jd_test_ui_tree_shows (view, THING));
  g_assert_true (jd_test_ui_tree_shows (view, "A job for the view's test"));
  document = document_text (view);
  g_assert_nonnull (strstr (document, "\"operation\" : \"reboot\""));
  g_assert_true (action_enabled (view, "cancel"));
  g_assert_true (action_enabled (view, "delete"));

  /* Cancel Job2 from the view's action, answering the dialog. */
  g_assert_true (jd_jobs_view_select_job (jv, "Job2"));
  wait_idle (jv);
  g_assert_true (gtk_widget_activate_action (view, "jobs.cancel", NULL));
  answer_cancel_dialog ("TEST_RECALL", FALSE);
  wait_idle (jv);
  g_assert_cmpstr (last_title (&messages), ==, "Canceled Job2");
  g_assert_cmpstr (last_details (&messages), ==, "");
  job = jd_jobs_view_get_selected_job (jv);
  g_assert_cmpstr (jd_job_get_job_id (job), ==, "Job2");
  g_assert_cmpint (jd_job_get_status (job), ==, JD_JOB_STATUS_CANCELED);
  g_assert_true (jd_test_ui_tree_shows (view, "TEST_RECALL"));
  g_assert_true (jd_test_ui_tree_shows (view, "Recalled by the test"));
  g_assert_cmpstr (count_of (view, "count-canceled"), ==, "1");
  g_assert_cmpstr (count_of (view, "count-queued"), ==, "0");
  /* A canceled job cannot be canceled again, but it can be deleted. */
  g_assert_false (action_enabled (view, "cancel"));
  g_assert_true (action_enabled (view, "delete"));

  /* The filter asks ListJobs for one status. */
  jd_jobs_view_set_status_filter (jv, JD_JOB_STATUS_IN_PROGRESS);
  wait_idle (jv);
  g_assert_cmpuint (n_jobs (jv), ==, 1);
  g_assert_true (jd_test_ui_tree_shows (view, "1 job"));
  g_assert_cmpstr (jd_job_get_job_id (jd_jobs_view_get_selected_job (jv)), ==, "Job1");

  jd_jobs_view_set_status_filter (jv, JD_JOB_STATUS_CANCELED);
  wait_idle (jv);
  g_assert_cmpuint (n_jobs (jv), ==, 1);
  g_assert_cmpstr (jd_job_get_job_id (jd_jobs_view_get_selected_job (jv)), ==, "Job2");

  jd_jobs_view_set_status_filter (jv, JD_JOB_STATUS_COMPLETED);
  wait_idle (jv);
  g_assert_cmpuint (n_jobs (jv), ==, 0);
  g_assert_true (jd_test_ui_tree_shows (view, "No Jobs"));
  g_assert_null (jd_jobs_view_get_selected_job (jv));
  g_assert_false (action_enabled (view, "delete"));

  jd_jobs_view_set_status_filter (jv, JD_JOB_STATUS_UNKNOWN);
  wait_idle (jv);
  g_assert_cmpuint (n_jobs (jv), ==, 2);

  /* AWS refuses to delete an unfinished job without force, so the dialog
   * does not offer that: without Force only Keep is possible. */
  g_assert_true (jd_jobs_view_select_job (jv, "Job1"));
  wait_idle (jv);
  {
    guint n_messages = messages.titles->len;

    g_assert_true (gtk_widget_activate_action (view, "jobs.delete", NULL));
    answer_delete_dialog ("Delete Job1?", FALSE);
    wait_idle (jv);
    g_assert_cmpuint (messages.titles->len, ==, n_messages);
    g_assert_cmpuint (n_jobs (jv), ==, 2);
  }

  /* With force, it goes, and its row leaves. */
  g_assert_true (gtk_widget_activate_action (view, "jobs.delete", NULL));
  answer_delete_dialog ("Delete Job1?", TRUE);
  wait_idle (jv);
  g_assert_cmpstr (last_title (&messages), ==, "Deleted Job1");
  g_assert_cmpuint (n_jobs (jv), ==, 1);
  g_assert_false (jd_test_ui_tree_shows (view, "Job1"));
  g_assert_true (jd_test_ui_tree_shows (view, "1 job"));

  /* The service goes away: a refresh fails, the rows stay, a message says so. */
  jd_service_http_disconnect (service.http);
  g_assert_true (gtk_widget_activate_action (view, "jobs.refresh", NULL));
  wait_idle (jv);
  g_assert_cmpstr (last_title (&messages), ==, "Could not refresh the jobs");
  /* The header says the list is stale, and that it keeps trying. */
  g_assert_true (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (find_named (view, "jobs-sync"))),
                                   "Could not refresh · retrying every "));
  g_assert_cmpstr (last_details (&messages), !=, "");
  g_assert_cmpuint (n_jobs (jv), ==, 1);
  g_assert_true (jd_test_ui_tree_shows (view, "Job2"));
  g_assert_false (jd_test_ui_tree_shows (view, "Could Not Load Jobs"));

  /* Disconnecting shows "Not Connected" again. */
  jd_jobs_view_set_control_plane (jv, NULL);
  jd_test_ui_spin (50);
  g_assert_true (jd_test_ui_tree_shows (view, "Not Connected"));
  g_assert_cmpuint (n_jobs (jv), ==, 0);

  destroy_and_check_finalized (window, view);
  messages_clear (&messages);
  g_clear_object (&cp);
  service_stop (&service);
}

static const char *
error_page_description (GtkWidget *view)
{
  AdwStatusPage *page = find_type (view, ADW_TYPE_STATUS_PAGE);

  while (page != NULL && !jd_test_ui_tree_shows (GTK_WIDGET (page), "Could Not Load Jobs"))
    page = find_type (gtk_widget_get_next_sibling (GTK_WIDGET (page)), ADW_TYPE_STATUS_PAGE);
  g_assert_nonnull (page);
  return adw_status_page_get_description (page);
}

/* Wrong credentials and an untrusted server certificate: the error page
 * says what went wrong, in AWS's words or TLS's. */
static void
test_refused (void)
{
  Service service = { 0 };
  g_autoptr(JdCredentials) wrong = jd_credentials_new (AKID, "not-the-secret", NULL, REGION);
  g_autoptr(JdCredentials) right = jd_credentials_new (AKID, SECRET, NULL, REGION);
  g_autoptr(JdControlPlane) bad_key = NULL;
  g_autoptr(JdControlPlane) untrusted = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *endpoint = NULL;
  g_autofree char *other_dir = NULL;
  g_autoptr(JdTestCa) other_ca = NULL;
  GtkWidget *view;
  GtkWidget *window;

  service_start (&service);
  endpoint = g_strdup_printf ("https://127.0.0.1:%u", jd_service_http_get_port (service.http));
  bad_key = jd_control_plane_new (REGION, endpoint, jd_test_ca_get_path (service.ca), wrong, &error);
  g_assert_no_error (error);
  jd_control_plane_set_retry_policy (bad_key, 1, 10);

  /* A CA that did not sign the service's certificate. */
  other_dir = g_dir_make_tmp ("jd-jobs-view-ca-XXXXXX", &error);
  g_assert_no_error (error);
  other_ca = jd_test_ca_new (other_dir, "other");
  untrusted = jd_control_plane_new (REGION, endpoint, jd_test_ca_get_path (other_ca), right, &error);
  g_assert_no_error (error);
  jd_control_plane_set_retry_policy (untrusted, 1, 10);

  window = new_window_with_view (&view);
  jd_jobs_view_set_control_plane (JD_JOBS_VIEW (view), bad_key);
  wait_idle (JD_JOBS_VIEW (view));
  /* AWS's type and first paragraph, not the canonical request after it. */
  g_assert_true (g_str_has_prefix (error_page_description (view), "InvalidSignatureException: "));
  g_assert_null (strstr (error_page_description (view), "Canonical String"));

  jd_jobs_view_set_control_plane (JD_JOBS_VIEW (view), untrusted);
  wait_idle (JD_JOBS_VIEW (view));
  g_assert_true (jd_test_ui_tree_shows (view, "Could Not Load Jobs"));
  g_assert_cmpuint (strlen (error_page_description (view)), >, 5);
  g_assert_null (strstr (error_page_description (view), "Signature"));

  destroy_and_check_finalized (window, view);
  g_clear_pointer (&other_ca, jd_test_ca_free);
  remove_dir (other_dir);
  service_stop (&service);
}

/* Destroying the view while its requests run cancels them: no callback
 * touches it afterwards, and it finalizes. */
static void
test_dispose_while_loading (void)
{
  Service service = { 0 };
  g_autoptr(JdControlPlane) cp = NULL;
  GtkWidget *view;
  GtkWidget *window;

  service_start (&service);
  cp = service_control_plane (&service);

  window = new_window_with_view (&view);
  jd_jobs_view_set_control_plane (JD_JOBS_VIEW (view), cp);
  /* A newer refresh cancels the older one. */
  jd_jobs_view_refresh (JD_JOBS_VIEW (view));
  g_assert_true (jd_jobs_view_get_loading (JD_JOBS_VIEW (view)));
  destroy_and_check_finalized (window, view);
  g_clear_object (&cp);
  service_stop (&service);
}

/* A job with fleet settings: the details say them in words. */
static void
test_fleet_settings_in_words (void)
{
  Service service = { 0 };
  g_autoptr(JdControlPlane) cp = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *thing_arn = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JdJobConfig) config = NULL;
  g_autoptr(JdJob) created = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) start = g_date_time_add_hours (now, 2);
  g_autoptr(GDateTime) start_minute = NULL;
  g_autofree char *start_iso = NULL;
  g_autofree char *start_words = NULL;
  g_autofree char *body = NULL;
  const char *targets[] = { NULL, NULL };
  GAsyncResult *result = NULL;
  GtkWidget *view;
  GtkWidget *window;
  JdJobsView *jv;

  service_start (&service);
  cp = service_control_plane (&service);
  jd_control_plane_ensure_thing_async (cp, THING, NULL, result_cb, &result);
  thing_arn = jd_control_plane_ensure_thing_finish (cp, wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  start_minute = g_date_time_new_utc (g_date_time_get_year (start), g_date_time_get_month (start),
                                      g_date_time_get_day_of_month (start), g_date_time_get_hour (start),
                                      g_date_time_get_minute (start), 0);
  start_iso = g_date_time_format (start_minute, "%Y-%m-%dT%H:%M");
  start_words = g_date_time_format (start_minute, "Starts %Y-%m-%d %H:%M UTC");
  body = g_strdup_printf ("{\"jobExecutionsRolloutConfig\":{\"maximumPerMinute\":50,"
                          "\"exponentialRate\":{\"baseRatePerMinute\":5,\"incrementFactor\":2.5,"
                          "\"rateIncreaseCriteria\":{\"numberOfSucceededThings\":20}}},"
                          "\"abortConfig\":{\"criteriaList\":[{\"failureType\":\"FAILED\",\"action\":\"CANCEL\","
                          "\"thresholdPercentage\":12.5,\"minNumberOfExecutedThings\":10},"
                          "{\"failureType\":\"ALL\",\"action\":\"CANCEL\",\"thresholdPercentage\":30,"
                          "\"minNumberOfExecutedThings\":4}]},"
                          "\"jobExecutionsRetryConfig\":{\"criteriaList\":[{\"failureType\":\"TIMED_OUT\","
                          "\"numberOfRetries\":2}]},"
                          "\"schedulingConfig\":{\"startTime\":\"%s\"}}", start_iso);
  g_assert_true (json_parser_load_from_data (parser, body, -1, &error));
  config = jd_job_config_parse (json_node_get_object (json_parser_get_root (parser)),
                                g_get_real_time () / G_USEC_PER_SEC, &error);
  g_assert_no_error (error);
  targets[0] = thing_arn;
  jd_control_plane_create_job_with_config_async (cp, "Fleet1", targets, "{\"operation\":\"reboot\"}", NULL,
                                                 JD_TARGET_SELECTION_SNAPSHOT, config, NULL, result_cb, &result);
  created = jd_control_plane_create_job_finish (cp, wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  create_job (cp, "Plain1", thing_arn, "{\"operation\":\"reboot\"}");

  window = new_window_with_view (&view);
  jv = JD_JOBS_VIEW (view);
  jd_jobs_view_set_control_plane (jv, cp);
  wait_idle (jv);

  g_assert_true (jd_jobs_view_select_job (jv, "Fleet1"));
  wait_idle (jv);
  g_assert_true (jd_test_ui_tree_shows (view, "Rollout and Safety"));
  g_assert_true (jd_test_ui_tree_shows (view, "5 things per minute at first, ×2.5 after every 20 succeeded\n"
                                              "At most 50 per minute"));
  g_assert_true (jd_test_ui_tree_shows (view, "Cancel when 12.5 % of at least 10 executed things failed\n"
                                              "Cancel when 30 % of at least 4 executed things failed, were "
                                              "rejected or timed out"));
  g_assert_true (jd_test_ui_tree_shows (view, "Timed out: up to 2 retries"));
  /* The sandbox validates scheduling but does not keep it (src/service/README.md),
   * so DescribeJob has none to show: the words are checked on what was sent. */
  {
    g_autofree char *words = jd_job_details_schedule_words (config);

    g_assert_cmpstr (words, ==, start_words);
  }


  /* A job without them: no such section, and no template. */
  g_assert_true (jd_jobs_view_select_job (jv, "Plain1"));
  wait_idle (jv);
  g_assert_false (jd_test_ui_tree_shows (view, "Rollout and Safety"));
  g_assert_false (jd_test_ui_tree_shows (view, "AWS-Reboot 1.0, managed by AWS"));

  /* A job made from AWS's managed template names it, its ARN in the tooltip. */
  {
    const JdManagedTemplate *reboot = jd_managed_template_find ("AWS-Reboot", NULL);
    g_autofree char *arn = jd_managed_template_arn (reboot, REGION);
    g_autofree char *words = g_strdup_printf ("%s %s, managed by AWS", reboot->name, reboot->version);
    g_autoptr(JsonNode) reply = NULL;

    jd_control_plane_create_job_from_template_async (cp, "FromTemplate1", arn, targets, NULL, NULL, NULL,
                                                     result_cb, &result);
    reply = jd_control_plane_create_job_from_template_finish (cp, wait_result (&result), &error);
    g_assert_no_error (error);
    g_clear_object (&result);
    jd_jobs_view_refresh (jv);
    wait_idle (jv);
    g_assert_true (jd_jobs_view_select_job (jv, "FromTemplate1"));
    wait_idle (jv);
    g_assert_true (jd_test_ui_tree_shows (view, words));
    g_assert_false (jd_test_ui_tree_shows (view, "Rollout and Safety"));
  }

  destroy_and_check_finalized (window, view);
  service_stop (&service);
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

  g_test_add_func ("/app/jobs-view/not-connected", test_not_connected);
  g_test_add_func ("/app/jobs-view/cancel-dialog-validation", test_cancel_dialog_validation);
  g_test_add_func ("/app/jobs-view/delete-dialog-force", test_delete_dialog_force);
  g_test_add_func ("/app/jobs-view/unreachable", test_unreachable);
  g_test_add_func ("/app/jobs-view/against-service", test_against_service);
  g_test_add_func ("/app/jobs-view/refused", test_refused);
  g_test_add_func ("/app/jobs-view/dispose-while-loading", test_dispose_while_loading);
  g_test_add_func ("/app/jobs-view/fleet-settings", test_fleet_settings_in_words);

  return g_test_run ();
}
