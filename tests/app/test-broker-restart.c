/* test-broker-restart.c — the sandbox heals itself under the running app.
 *
 * The real window on the sandbox the app starts (mosquitto + the jobs
 * service, in this process). Its mosquitto is SIGKILLed:
 *  - restart: it is back on the same port within seconds, the control plane
 *    answers, sandbox.json stays, the header never says "Connected" while
 *    the thing's MQTT connection is down (every change of the header's
 *    text and dot is recorded and compared with the connection's state at
 *    that moment), a toast says the broker was restarted, and a job created
 *    from outside afterwards reaches the Device view by itself;
 *  - retry-restarts-broker: the broker's restarts fail (its configuration is
 *    broken) and the control plane is down too: New Job and Start Next are
 *    disabled with the reason as their tooltip; Retry restarts the broker
 *    at once (before the sandbox's own backoff would) and finds the control
 *    plane again;
 *  - retry-reconnects: the thing is thrown off the broker (its client id
 *    taken over) while its next attempt is a minute away; Retry connects now.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>

#include "jd-application.h"
#include "jd-sandbox-session.h"
#include "jd-test-ui.h"
#include "jd-window.h"

static JdApplication *app;
static JdWindow *window;

/* ---- the window and its parts ---- */

static JdSession *
session (void)
{
  return jd_window_get_session (window);
}

static JdSandbox *
sandbox (void)
{
  return jd_sandbox_session_get_sandbox (JD_SANDBOX_SESSION (session ()));
}

static JdMqttState
mqtt_state (void)
{
  JdMqttConnection *connection = jd_session_get_connection (session ());

  return connection != NULL ? jd_mqtt_connection_get_state (connection) : JD_MQTT_STATE_DISCONNECTED;
}

static gboolean
session_ready (gpointer data)
{
  JdSession *s = session ();

  return s != NULL && jd_session_get_state (s) == JD_SESSION_STATE_CONNECTED &&
         jd_session_get_control_plane (s) != NULL &&
         jd_jobs_client_get_synced (jd_session_get_jobs_client (s)) &&
         g_action_group_get_action_enabled (G_ACTION_GROUP (window), "new-job");
}

static void
start_window (void)
{
  if (window != NULL)
    return;
  g_application_activate (G_APPLICATION (app));
  window = JD_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (jd_test_ui_wait_for (session_ready, NULL, 30000));
}

static GtkWidget *
find_by_type (GtkWidget *widget,
              GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_by_class (GtkWidget  *widget,
               const char *css_class)
{
  if (gtk_widget_has_css_class (widget, css_class))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_class (child, css_class);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The menu item labelled so (GTK 4.8's GtkModelButton is not GtkActionable). */
static const struct {
  const char *action;
  const char *label;
} menu_items[] = {
  { "win.start-next", "Start Next Job" },
};

/* Every actionable widget (buttons, menu items) for @action. */
static void
find_actionables (GtkWidget  *widget,
                  const char *action,
                  GPtrArray  *found)
{
  if (GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    g_ptr_array_add (found, widget);
  if (g_strcmp0 (G_OBJECT_TYPE_NAME (widget), "GtkModelButton") == 0)
    {
      g_autofree char *text = NULL;

      g_object_get (widget, "text", &text, NULL);
      for (guint i = 0; i < G_N_ELEMENTS (menu_items); i++)
        if (g_strcmp0 (action, menu_items[i].action) == 0 && g_strcmp0 (text, menu_items[i].label) == 0)
          g_ptr_array_add (found, widget);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    find_actionables (child, action, found);
}

/* Whether a visible label somewhere in @widget contains @needle. */
static gboolean
shows_text_containing (GtkWidget  *widget,
                       const char *needle)
{
  if (!GTK_IS_ROOT (widget) && (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget)))
    return FALSE;
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), needle) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (shows_text_containing (child, needle))
      return TRUE;
  return FALSE;
}

/* ---- the header, watched ---- */

typedef struct {
  AdwViewSwitcherTitle *title;
  GtkWidget            *dot;
  GPtrArray            *changes;    /* "text | dot | mqtt state" */
  GPtrArray            *violations;
  guint                 not_connected_texts;
  guint                 check_source;
} HeaderWatch;

static gboolean
says_connected (HeaderWatch *watch)
{
  const char *text = adw_view_switcher_title_get_subtitle (watch->title);

  return (text != NULL && strstr (text, "Connected") != NULL) ||
         gtk_widget_has_css_class (watch->dot, "success");
}

static char *
header_line (HeaderWatch *watch)
{
  const char *text = adw_view_switcher_title_get_subtitle (watch->title);

  return g_strdup_printf ("%s | %s | mqtt %d", text ? text : "",
                          gtk_widget_has_css_class (watch->dot, "success") ? "green" : "not green",
                          mqtt_state ());
}

/* What the next frame would show, against the connection's state then:
 * one update of the header sets its text and its dot one after the other,
 * so the check waits until the change is complete, before any drawing
 * (GDK draws at a lower priority). */
static gboolean
header_check_cb (gpointer data)
{
  HeaderWatch *watch = data;

  watch->check_source = 0;
  if (says_connected (watch) && mqtt_state () != JD_MQTT_STATE_CONNECTED)
    g_ptr_array_add (watch->violations, header_line (watch));
  if (!says_connected (watch))
    watch->not_connected_texts++;
  return G_SOURCE_REMOVE;
}

static void
header_changed_cb (GObject     *object,
                   GParamSpec  *pspec,
                   HeaderWatch *watch)
{
  g_ptr_array_add (watch->changes, header_line (watch));
  if (watch->check_source == 0)
    watch->check_source = g_idle_add_full (G_PRIORITY_HIGH, header_check_cb, watch, NULL);
}

static void
header_watch_start (HeaderWatch *watch)
{
  watch->title = ADW_VIEW_SWITCHER_TITLE (find_by_type (GTK_WIDGET (window), ADW_TYPE_VIEW_SWITCHER_TITLE));
  watch->dot = find_by_class (GTK_WIDGET (window), "state-dot");
  g_assert_nonnull (watch->title);
  g_assert_nonnull (watch->dot);
  watch->changes = g_ptr_array_new_with_free_func (g_free);
  watch->violations = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (watch->title, "notify::subtitle", G_CALLBACK (header_changed_cb), watch);
  g_signal_connect (watch->dot, "notify::css-classes", G_CALLBACK (header_changed_cb), watch);
  /* The connection's own changes: at each, the header must already agree. */
  g_signal_connect_after (jd_session_get_connection (session ()), "notify::state",
                          G_CALLBACK (header_changed_cb), watch);
}

static void
header_watch_finish (HeaderWatch *watch)
{
  g_clear_handle_id (&watch->check_source, g_source_remove);
  g_signal_handlers_disconnect_by_data (watch->title, watch);
  g_signal_handlers_disconnect_by_data (watch->dot, watch);
  g_signal_handlers_disconnect_by_data (jd_session_get_connection (session ()), watch);
  for (guint i = 0; i < watch->changes->len; i++)
    g_test_message ("header: %s", (const char *) g_ptr_array_index (watch->changes, i));
  for (guint i = 0; i < watch->violations->len; i++)
    g_test_message ("said Connected while down: %s", (const char *) g_ptr_array_index (watch->violations, i));
  g_assert_cmpuint (watch->violations->len, ==, 0);
  /* The outage did show in the header. */
  g_assert_cmpuint (watch->not_connected_texts, >, 0);
  g_ptr_array_unref (watch->changes);
  g_ptr_array_unref (watch->violations);
}

/* ---- control plane calls ---- */

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
list_jobs_works (void)
{
  JdControlPlane *cp = jd_session_get_control_plane (session ());
  GAsyncResult *result = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GError) error = NULL;

  jd_control_plane_list_jobs_async (cp, JD_JOB_STATUS_UNKNOWN, NULL, result_cb, &result);
  g_assert_true (jd_test_ui_wait_for (has_result, &result, 10000));
  jobs = jd_control_plane_list_jobs_finish (cp, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (jobs);
  g_object_unref (result);
}

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

/* ---- waits ---- */

typedef struct {
  int   old_pid;
  guint old_restarts;
} BrokerWait;

static gboolean
broker_back (gpointer data)
{
  BrokerWait *wait = data;
  guint restarts = 0;

  g_object_get (sandbox (), "broker-restarts", &restarts, NULL);
  return restarts > wait->old_restarts && jd_sandbox_get_broker_pid (sandbox ()) != 0 &&
         jd_sandbox_get_broker_pid (sandbox ()) != wait->old_pid;
}

static gboolean
mqtt_down (gpointer data)
{
  return mqtt_state () != JD_MQTT_STATE_CONNECTED;
}

static gboolean
device_shows (gpointer job_id)
{
  return jd_test_ui_tree_shows (GTK_WIDGET (jd_window_get_device_view (window)), job_id);
}

static gboolean
toast_says_restarted (gpointer data)
{
  return shows_text_containing (GTK_WIDGET (window), "Broker restarted after");
}

static void
synced_changed_cb (JdJobsClient *client,
                   GParamSpec   *pspec,
                   guint        *resyncs)
{
  if (jd_jobs_client_get_synced (client))
    (*resyncs)++;
}

static gboolean
resynced (gpointer resyncs)
{
  return *(guint *) resyncs > 0;
}

/* ---- tests ---- */

static void
test_restart (void)
{
  HeaderWatch watch = { 0 };
  BrokerWait wait = { 0 };
  JdJobsClient *client;
  guint16 port;
  guint resyncs = 0;
  gint64 killed, restarted, reconnected;

  start_window ();
  port = jd_sandbox_get_mqtt_port (sandbox ());
  wait.old_pid = jd_sandbox_get_broker_pid (sandbox ());
  g_object_get (sandbox (), "broker-restarts", &wait.old_restarts, NULL);
  g_assert_cmpint (wait.old_pid, >, 0);
  client = jd_session_get_jobs_client (session ());
  g_signal_connect (client, "notify::synced", G_CALLBACK (synced_changed_cb), &resyncs);

  header_watch_start (&watch);
  killed = g_get_monotonic_time ();
  g_assert_cmpint (kill (wait.old_pid, SIGKILL), ==, 0);

  /* The app notices: not connected, and the header says so. */
  g_assert_true (jd_test_ui_wait_for (mqtt_down, NULL, 5000));

  /* Back on the same port within seconds. */
  g_assert_true (jd_test_ui_wait_for (broker_back, &wait, 5000));
  restarted = g_get_monotonic_time ();
  g_assert_cmpuint (jd_sandbox_get_mqtt_port (sandbox ()), ==, port);
  /* Said in words (looked for at once: a toast goes after a few seconds,
   * and what follows takes long under sanitizers). */
  g_assert_true (jd_test_ui_wait_for (toast_says_restarted, NULL, 10000));

  /* The thing is back and its jobs client synced again. */
  g_assert_true (jd_test_ui_wait_for (session_ready, NULL, 10000));
  g_assert_true (jd_test_ui_wait_for (resynced, &resyncs, 10000));
  reconnected = g_get_monotonic_time ();
  g_test_message ("broker restarted %.2f s after the kill; the app connected and synced after %.2f s",
                  (restarted - killed) / 1e6, (reconnected - killed) / 1e6);
  g_assert_cmpint (reconnected - killed, <, 10 * G_USEC_PER_SEC * jd_test_slowdown ());

  header_watch_finish (&watch);
  g_signal_handlers_disconnect_by_data (client, &resyncs);

  /* The service never went away. */
  g_assert_true (jd_sandbox_get_running (sandbox ()));
  g_assert_true (g_file_test (jd_sandbox_get_info_path (sandbox ()), G_FILE_TEST_IS_REGULAR));
  list_jobs_works ();

  /* Live again: a job from outside shows without a refresh. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-view", g_variant_new_string ("device"));
  create_job_elsewhere ("AfterRestart");
  g_assert_true (jd_test_ui_wait_for (device_shows, "AfterRestart", 10000));
}

/* ---- Retry restarts a broker whose restarts fail ---- */

typedef struct {
  guint  failures;
  gint64 last_failure;
} FailureLog;

static void
log_handler (const char     *domain,
             GLogLevelFlags  level,
             const char     *message,
             gpointer        user_data)
{
  FailureLog *log = user_data;

  if (g_str_has_prefix (message, "Could not restart mosquitto"))
    {
      log->failures++;
      log->last_failure = g_get_monotonic_time ();
    }
  g_log_default_handler (domain, level, message, NULL);
}

static gboolean
enough_failures (gpointer data)
{
  FailureLog *log = data;

  /* After the fifth failure the sandbox waits 4 s before the sixth try. */
  return log->failures >= 5 &&
         !g_action_group_get_action_enabled (G_ACTION_GROUP (window), "new-job");
}

static void
assert_tooltips (const char *action,
                 const char *needle,
                 gboolean    sensitive)
{
  g_autoptr(GPtrArray) widgets = g_ptr_array_new ();

  find_actionables (GTK_WIDGET (window), action, widgets);
  g_assert_cmpuint (widgets->len, >, 0);
  for (guint i = 0; i < widgets->len; i++)
    {
      GtkWidget *widget = g_ptr_array_index (widgets, i);
      const char *tooltip = gtk_widget_get_tooltip_text (widget);

      if (needle != NULL)
        {
          if (tooltip == NULL)
            g_error ("%s: a %s without a tooltip", action, G_OBJECT_TYPE_NAME (widget));
          if (strstr (tooltip, needle) == NULL)
            g_error ("%s: tooltip “%s” lacks “%s”", action, tooltip, needle);
        }
      else if (tooltip != NULL)
        {
          g_assert_null (strstr (tooltip, "cannot be reached"));
          g_assert_null (strstr (tooltip, "being restarted"));
        }
      g_assert_cmpint (gtk_widget_is_sensitive (widget), ==, sensitive);
    }
}

static void
test_retry_restarts_broker (void)
{
  HeaderWatch watch = { 0 };
  BrokerWait wait = { 0 };
  FailureLog log = { 0 };
  JdServiceHttp *http;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autofree char *conf_path = NULL;
  g_autofree char *conf = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) retry = g_ptr_array_new ();
  guint16 https_port;
  guint handler;
  gint64 retried, restarted;

  start_window ();
  wait.old_pid = jd_sandbox_get_broker_pid (sandbox ());
  g_object_get (sandbox (), "broker-restarts", &wait.old_restarts, NULL);
  http = jd_service_get_http (jd_sandbox_get_service (sandbox ()));
  https_port = jd_service_http_get_port (http);
  certificate = g_tls_certificate_new_from_files (jd_sandbox_get_server_cert_path (sandbox ()),
                                                  jd_sandbox_get_server_key_path (sandbox ()), &error);
  g_assert_no_error (error);

  /* The broker cannot start again (a broken configuration), and the
   * control plane no longer listens. */
  conf_path = g_build_filename (jd_sandbox_get_data_dir (sandbox ()), "mosquitto.conf", NULL);
  g_assert_true (g_file_get_contents (conf_path, &conf, NULL, &error));
  g_assert_true (g_file_set_contents (conf_path, "no_such_option true\n", -1, &error));
  jd_service_http_disconnect (http);

  handler = g_log_set_handler ("jd-sandbox", G_LOG_LEVEL_MESSAGE, log_handler, &log);
  header_watch_start (&watch);
  g_assert_cmpint (kill (wait.old_pid, SIGKILL), ==, 0);

  g_assert_true (jd_test_ui_wait_for (enough_failures, &log, 20000));
  g_test_message ("%u failed restarts", log.failures);

  /* Offline in words, with Retry; the actions that cannot work say why. */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "start-next"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "new-job"));
  assert_tooltips ("win.new-job", "The control plane cannot be reached", FALSE);
  assert_tooltips ("win.start-next", "broker stopped and is being restarted", FALSE);
  g_assert_true (shows_text_containing (GTK_WIDGET (window), "broker stopped. Restarting it"));
  find_actionables (GTK_WIDGET (window), "win.reconnect", retry);
  g_assert_cmpuint (retry->len, ==, 1);
  g_assert_true (gtk_widget_is_visible (g_ptr_array_index (retry, 0)));

  /* Mended; Retry now, not in 4 s. */
  g_assert_true (g_file_set_contents (conf_path, conf, -1, &error));
  g_assert_true (jd_service_http_listen (http, certificate, https_port, &error));
  g_assert_no_error (error);
  retried = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate (g_ptr_array_index (retry, 0)));
  g_assert_true (jd_test_ui_wait_for (broker_back, &wait, 5000));
  restarted = g_get_monotonic_time ();
  g_test_message ("Retry %.2f s after the last failure; the broker was back %.2f s after Retry",
                  (retried - log.last_failure) / 1e6, (restarted - retried) / 1e6);
  /* The sandbox's own next attempt was due 250 ms × 2^(failures − 1) after
   * the last failure (4 s after the fifth): Retry came first. */
  g_assert_cmpint (restarted - log.last_failure, <,
                   (gint64) MIN (250u << MIN (log.failures - 1, 8u), 30000u) * 1000);
  g_log_remove_handler ("jd-sandbox", handler);

  g_assert_true (jd_test_ui_wait_for (session_ready, NULL, 15000));
  header_watch_finish (&watch);
  assert_tooltips ("win.new-job", NULL, TRUE);
  assert_tooltips ("win.start-next", NULL, TRUE);
  list_jobs_works ();
}

/* ---- Retry reconnects ---- */

static void
intruder_state_cb (JdMqttConnection *connection,
                   GParamSpec       *pspec,
                   gboolean         *connected)
{
  if (jd_mqtt_connection_get_state (connection) == JD_MQTT_STATE_CONNECTED)
    *connected = TRUE;
}

static gboolean
is_true (gpointer flag)
{
  return *(gboolean *) flag;
}

static gboolean
thing_reconnecting (gpointer data)
{
  return mqtt_state () == JD_MQTT_STATE_RECONNECTING &&
         jd_session_get_state (session ()) == JD_SESSION_STATE_RECONNECTING;
}

static void
test_retry_reconnects (void)
{
  HeaderWatch watch = { 0 };
  JdMqttConnection *connection;
  g_autoptr(JdMqttConnection) intruder = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GPtrArray) retry = g_ptr_array_new ();
  gboolean intruder_connected = FALSE;
  gint64 retried;

  start_window ();
  connection = jd_session_get_connection (session ());
  /* Its next attempt after a loss is a minute away. */
  jd_mqtt_connection_set_backoff (connection, 60000, 60000, 60000);
  header_watch_start (&watch);

  /* Another client takes the thing's client id: the broker drops the app's. */
  g_assert_true (jd_sandbox_get_thing_files (sandbox (), jd_session_get_thing_name (session ()), &cert, &key));
  intruder = jd_mqtt_connection_new (JD_SANDBOX_HOST, jd_sandbox_get_mqtt_port (sandbox ()),
                                     jd_session_get_thing_name (session ()));
  jd_mqtt_connection_set_tls_files (intruder, jd_sandbox_get_ca_path (sandbox ()), cert, key, NULL);
  jd_mqtt_connection_set_backoff (intruder, 60000, 60000, 60000);
  g_signal_connect (intruder, "notify::state", G_CALLBACK (intruder_state_cb), &intruder_connected);
  jd_mqtt_connection_connect (intruder);
  g_assert_true (jd_test_ui_wait_for (is_true, &intruder_connected, 10000));
  g_assert_true (jd_test_ui_wait_for (thing_reconnecting, NULL, 10000));
  g_assert_cmpuint (jd_mqtt_connection_get_reconnect_delay (connection), >=, 30000);
  jd_mqtt_connection_disconnect (intruder);

  /* Failed state with Retry; Retry connects now. */
  find_actionables (GTK_WIDGET (window), "win.reconnect", retry);
  g_assert_cmpuint (retry->len, ==, 1);
  g_assert_true (gtk_widget_is_visible (g_ptr_array_index (retry, 0)));
  assert_tooltips ("win.start-next", "Not connected to the broker", FALSE);
  retried = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate (g_ptr_array_index (retry, 0)));
  g_assert_true (jd_test_ui_wait_for (session_ready, NULL, 10000));
  g_test_message ("connected %.2f s after Retry", (g_get_monotonic_time () - retried) / 1e6);
  header_watch_finish (&watch);
  jd_mqtt_connection_set_backoff (connection, 1000, 60000, 10000);
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

  g_test_add_func ("/app/broker-restart/restart", test_restart);
  g_test_add_func ("/app/broker-restart/retry-restarts-broker", test_retry_restarts_broker);
  g_test_add_func ("/app/broker-restart/retry-reconnects", test_retry_reconnects);
  ret = g_test_run ();

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
