/* test-job-watch.c — the watcher of the jobs the user created (JdJobWatch)
 * against a real sandbox, with simulated devices running the job and no
 * fleet view open: one notification when a watched job completes (with the
 * counts) or is aborted, none while the main window is active, none from
 * the watcher for a job whose fleet view is open (the view sends it), and
 * no timer left once the jobs have ended or are gone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "jd-application.h"
#include "jd-fleet.h"
#include "jd-fleet-window.h"
#include "jd-job-watch.h"
#include "jd-service.h"
#include "jd-test-sandbox.h"
#include "jd-test-ui.h"

#define N_THINGS 4
#define DOC "{\"operation\":\"reboot\"}"

#define WAIT_UNTIL(cond, msec)                                           \
  G_STMT_START {                                                         \
    gint64 _deadline = g_get_monotonic_time () + (gint64) (msec) * jd_test_slowdown () * 1000; \
    while (!(cond) && g_get_monotonic_time () < _deadline)               \
      jd_test_spin (10);                                                 \
    if (!(cond))                                                         \
      g_error ("timed out waiting for %s", #cond);                       \
  } G_STMT_END

/* A notification server on the private session bus (org.gtk.Notifications,
 * which GApplication's GTK backend talks to when its name has an owner):
 * what the app sent, as sent. One for the program, as is the application. */
static GPtrArray *sent;           /* GVariant (ssa{sv}) */
static gboolean owned;
static JdApplication *app;

typedef struct {
  JdTestSandbox  *sandbox;
  char           *things[N_THINGS + 1];
  JdControlPlane *cp;
  GtkWidget      *main_window;
  GtkWidget      *elsewhere;
  JdJobWatch     *watch;
} Fixture;

static const char notifications_xml[] =
  "<node><interface name='org.gtk.Notifications'>"
  "<method name='AddNotification'><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='a{sv}' direction='in'/></method>"
  "<method name='RemoveNotification'><arg type='s' direction='in'/><arg type='s' direction='in'/></method>"
  "</interface></node>";

static void
notifications_method_cb (GDBusConnection       *connection,
                         const char            *sender,
                         const char            *path,
                         const char            *interface,
                         const char            *method,
                         GVariant              *parameters,
                         GDBusMethodInvocation *invocation,
                         gpointer               data)
{
  const char *id = NULL;

  /* Only this program's jobs: other UI tests share the session bus and the
   * application id, and a window of theirs may lose the focus to ours. */
  if (g_str_equal (method, "AddNotification"))
    g_variant_get (parameters, "(&s&s@a{sv})", NULL, &id, NULL);
  if (id != NULL && g_str_has_prefix (id, "job-watched-"))
    g_ptr_array_add (sent, g_variant_ref (parameters));
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         data)
{
  owned = TRUE;
}

static JdStore *
store (Fixture *f)
{
  return jd_service_get_store (jd_sandbox_get_service (jd_test_sandbox_get_sandbox (f->sandbox)));
}

static void
create_job (Fixture    *f,
            const char *job_id)
{
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_free);
  JdStoreJobSpec spec = { 0 };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < N_THINGS; i++)
    g_ptr_array_add (targets, g_strdup_printf ("arn:aws:iot:us-east-1:123456789012:thing/%s", f->things[i]));
  g_ptr_array_add (targets, NULL);
  spec.job_id = job_id;
  spec.targets = (const char * const *) targets->pdata;
  spec.thing_names = (const char * const *) f->things;
  spec.document = DOC;
  jd_store_job_free (jd_store_create_job (store (f), &spec, &error));
  g_assert_no_error (error);
}

static JdControlPlane *
control_plane (Fixture *f)
{
  JdSandbox *sandbox = jd_test_sandbox_get_sandbox (f->sandbox);
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u", jd_sandbox_get_https_port (sandbox));
  g_autoptr(JdCredentials) creds = jd_credentials_new (jd_sandbox_get_access_key_id (sandbox),
                                                       jd_sandbox_get_secret_access_key (sandbox),
                                                       NULL, JD_SANDBOX_REGION);
  g_autoptr(GError) error = NULL;
  JdControlPlane *cp = jd_control_plane_new (JD_SANDBOX_REGION, url, jd_sandbox_get_ca_path (sandbox),
                                             creds, &error);

  g_assert_no_error (error);
  return cp;
}

static JdFleet *
start_fleet (Fixture *f,
             guint    step_ms,
             double   success_rate)
{
  JdSandbox *sandbox = jd_test_sandbox_get_sandbox (f->sandbox);
  JdDeviceBehavior b = JD_DEVICE_BEHAVIOR_INIT;
  JdFleet *fleet = jd_fleet_new ("127.0.0.1", jd_sandbox_get_mqtt_port (sandbox),
                                 jd_sandbox_get_ca_path (sandbox), 7);

  b.step_min_ms = b.step_max_ms = step_ms;
  b.success_rate = success_rate;
  jd_fleet_set_behavior (fleet, &b);
  for (guint i = 0; i < N_THINGS; i++)
    {
      g_autofree char *cert = NULL;
      g_autofree char *key = NULL;

      g_assert_true (jd_sandbox_get_thing_files (sandbox, f->things[i], &cert, &key));
      jd_fleet_add_device (fleet, f->things[i], cert, key, NULL);
    }
  jd_fleet_start (fleet);
  WAIT_UNTIL (jd_fleet_count_online (fleet) == N_THINGS, 15000);
  return fleet;
}

/* The user looks elsewhere: another window takes the focus. */
static void
look_elsewhere (Fixture *f)
{
  f->elsewhere = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (f->elsewhere));
  WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (f->elsewhere)) &&
              !gtk_window_is_active (GTK_WINDOW (f->main_window)), 5000);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < N_THINGS; i++)
    f->things[i] = g_strdup_printf ("Watched%02u", i);
  f->sandbox = jd_test_sandbox_new ((const char * const *) f->things, &error);
  g_assert_no_error (error);
  f->cp = control_plane (f);

  /* The main window, active to start with. */
  f->main_window = gtk_application_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (f->main_window));
  WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (f->main_window)), 5000);

  f->watch = jd_job_watch_new (GTK_WINDOW (f->main_window), f->cp);
  jd_job_watch_set_interval_bounds (f->watch, 50, 400);
  g_assert_cmpuint (jd_job_watch_get_n_watched (f->watch), ==, 0);
  g_assert_false (jd_job_watch_get_busy (f->watch));
  g_ptr_array_set_size (sent, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->watch);
  if (f->elsewhere != NULL)
    gtk_window_destroy (GTK_WINDOW (f->elsewhere));
  gtk_window_destroy (GTK_WINDOW (f->main_window));
  jd_test_spin (50);
  g_clear_object (&f->cp);
  jd_test_sandbox_free (f->sandbox);
  for (guint i = 0; i < N_THINGS; i++)
    g_free (f->things[i]);
}

static void
assert_notification (guint       index,
                     const char *job_id,
                     const char *title,
                     const char *body)
{
  const char *app_id, *id, *s, *action;
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(GVariant) target = NULL;
  g_autofree char *expected_id = g_strconcat ("job-", job_id, NULL);

  g_variant_get (g_ptr_array_index (sent, index), "(&s&s@a{sv})", &app_id, &id, &dict);
  g_assert_cmpstr (app_id, ==, g_application_get_application_id (G_APPLICATION (app)));
  g_assert_cmpstr (id, ==, expected_id);
  g_assert_true (g_variant_lookup (dict, "title", "&s", &s));
  g_assert_cmpstr (s, ==, title);
  g_assert_true (g_variant_lookup (dict, "body", "&s", &s));
  g_assert_cmpstr (s, ==, body);
  g_assert_true (g_variant_lookup (dict, "default-action", "&s", &action));
  g_assert_cmpstr (action, ==, "app.show-fleet");
  target = g_variant_lookup_value (dict, "default-action-target", NULL);
  g_assert_nonnull (target);
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==, job_id);
}

/* Nothing more comes, and the watcher holds no timer and no request. */
static void
assert_quiet (Fixture *f,
              guint    n_sent)
{
  jd_test_spin (1000);
  for (guint i = 0; i < sent->len; i++)
    {
      g_autofree char *text = g_variant_print (g_ptr_array_index (sent, i), FALSE);

      g_test_message ("sent: %s", text);
    }
  g_assert_cmpuint (sent->len, ==, n_sent);
  g_assert_cmpuint (jd_job_watch_get_n_watched (f->watch), ==, 0);
  g_assert_false (jd_job_watch_get_busy (f->watch));
}

/* A watched job, no fleet view, completes while the user looks elsewhere:
 * exactly one "completed" notification with jobProcessDetails' counts. */
static void
test_completed (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(JdFleet) fleet = NULL;

  create_job (f, "watched-1");
  jd_job_watch_add (f->watch, "watched-1");
  jd_job_watch_add (f->watch, "watched-1");   /* once is enough */
  g_assert_cmpuint (jd_job_watch_get_n_watched (f->watch), ==, 1);
  g_assert_true (jd_job_watch_get_busy (f->watch));
  look_elsewhere (f);

  fleet = start_fleet (f, 50, 0.5);
  WAIT_UNTIL (jd_job_watch_get_n_watched (f->watch) == 0, 30000);
  WAIT_UNTIL (sent->len > 0, 5000);
  g_assert_cmpuint (jd_job_watch_get_n_sent (f->watch), ==, 1);
  {
    g_autoptr(GError) error = NULL;
    JdStoreJob *job = jd_store_get_job (store (f), "watched-1", &error);
    g_autofree char *body = NULL;

    g_assert_no_error (error);
    /* Some failed (success rate 0.5): the counts are the service's. */
    g_assert_cmpint (job->n_succeeded + job->n_failed + job->n_rejected + job->n_timed_out, ==, N_THINGS);
    body = g_strdup_printf ("%d succeeded, %d failed, rejected or timed out",
                            (int) job->n_succeeded, (int) (job->n_failed + job->n_rejected + job->n_timed_out));
    assert_notification (0, "watched-1", "Job watched-1 completed", body);
    jd_store_job_free (job);
  }
  jd_fleet_stop (fleet);
  assert_quiet (f, 1);
}

/* Canceled with a reason code (as an abort criterion does): the "aborted"
 * one; the watcher stops there. */
static void
test_aborted (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  create_job (f, "watched-2");
  jd_job_watch_add (f->watch, "watched-2");
  look_elsewhere (f);
  /* A few rounds see it running: no news. */
  jd_test_spin (500);
  g_assert_cmpuint (sent->len, ==, 0);
  g_assert_cmpuint (jd_job_watch_get_n_watched (f->watch), ==, 1);

  jd_store_job_free (jd_store_cancel_job (store (f), "watched-2", FALSE, "ABORT_CRITERIA_MET", "too many failures",
                                          &error));
  g_assert_no_error (error);
  WAIT_UNTIL (jd_job_watch_get_n_watched (f->watch) == 0, 10000);
  WAIT_UNTIL (sent->len > 0, 5000);
  assert_notification (0, "watched-2", "Job watched-2 was aborted", "Canceled with the reason code ABORT_CRITERIA_MET");
  assert_quiet (f, 1);
  g_assert_cmpuint (jd_job_watch_get_n_sent (f->watch), ==, 1);
}

/* The main window is the active one: the user sees it; no notification,
 * and the watcher still stops once the job completed. */
static void
test_active_window (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(JdFleet) fleet = NULL;

  create_job (f, "watched-3");
  jd_job_watch_add (f->watch, "watched-3");
  fleet = start_fleet (f, 50, 1.0);
  WAIT_UNTIL (jd_job_watch_get_n_watched (f->watch) == 0, 30000);
  g_assert_true (gtk_window_is_active (GTK_WINDOW (f->main_window)));
  jd_fleet_stop (fleet);
  assert_quiet (f, 0);
  g_assert_cmpuint (jd_job_watch_get_n_sent (f->watch), ==, 0);
}

/* The job's fleet view is open: it sends the notification, the watcher
 * does not, so the job gets one. */
static void
test_fleet_view_open (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(JdFleet) fleet = NULL;
  JdFleetWindow *view;

  create_job (f, "watched-4");
  jd_job_watch_add (f->watch, "watched-4");
  view = jd_fleet_window_new (GTK_APPLICATION (app), f->cp, "watched-4");
  jd_fleet_window_set_poll_bounds (view, 100, 400);
  gtk_window_present (GTK_WINDOW (view));
  WAIT_UNTIL (jd_fleet_window_get_job (view) != NULL, 10000);
  look_elsewhere (f);
  g_assert_false (gtk_window_is_active (GTK_WINDOW (view)));

  fleet = start_fleet (f, 50, 1.0);
  WAIT_UNTIL (jd_job_watch_get_n_watched (f->watch) == 0, 30000);
  WAIT_UNTIL (sent->len > 0, 10000);
  assert_notification (0, "watched-4", "Job watched-4 completed",
                       "4 succeeded, 0 failed, rejected or timed out");
  g_assert_cmpuint (jd_job_watch_get_n_sent (f->watch), ==, 0);
  jd_fleet_stop (fleet);
  assert_quiet (f, 1);
  gtk_window_destroy (GTK_WINDOW (view));
}

/* Nothing changes: the interval doubles up to the longest; a change brings
 * it back to the shortest. A control plane that cannot be reached: the
 * watcher backs off the same way and keeps trying, and says nothing. */
static void
test_backoff (Fixture       *f,
              gconstpointer  data)
{
  JdSandbox *sandbox = jd_test_sandbox_get_sandbox (f->sandbox);
  g_autoptr(JdCredentials) creds = jd_credentials_new ("AKIDEXAMPLE", "secret", NULL, JD_SANDBOX_REGION);
  g_autoptr(GError) error = NULL;
  g_autoptr(JdControlPlane) dead = jd_control_plane_new (JD_SANDBOX_REGION, "https://127.0.0.1:1",
                                                         jd_sandbox_get_ca_path (sandbox), creds, &error);
  g_autoptr(JdFleet) fleet = NULL;
  JdJobWatch *unreachable;
  guint rounds;

  g_assert_no_error (error);
  look_elsewhere (f);

  jd_control_plane_set_retry_policy (dead, 1, 10);
  unreachable = jd_job_watch_new (GTK_WINDOW (f->main_window), dead);
  jd_job_watch_set_interval_bounds (unreachable, 50, 400);
  jd_job_watch_add (unreachable, "watched-6");
  WAIT_UNTIL (jd_job_watch_get_n_rounds (unreachable) >= 4, 10000);
  g_assert_cmpuint (jd_job_watch_get_interval (unreachable), ==, 400);
  rounds = jd_job_watch_get_n_rounds (unreachable);
  WAIT_UNTIL (jd_job_watch_get_n_rounds (unreachable) >= rounds + 2, 10000);
  g_assert_cmpuint (jd_job_watch_get_n_watched (unreachable), ==, 1);
  g_assert_true (jd_job_watch_get_busy (unreachable));
  g_assert_cmpuint (jd_job_watch_get_n_sent (unreachable), ==, 0);
  g_assert_finalize_object (unreachable);

  create_job (f, "watched-6");
  jd_job_watch_add (f->watch, "watched-6");
  g_assert_cmpuint (jd_job_watch_get_interval (f->watch), ==, 50);
  WAIT_UNTIL (jd_job_watch_get_interval (f->watch) == 400, 10000);
  g_assert_cmpuint (sent->len, ==, 0);
  fleet = start_fleet (f, 200, 1.0);
  WAIT_UNTIL (jd_job_watch_get_interval (f->watch) == 50 || jd_job_watch_get_n_watched (f->watch) == 0, 30000);
  g_assert_cmpuint (jd_job_watch_get_interval (f->watch), ==, 50);
  WAIT_UNTIL (jd_job_watch_get_n_watched (f->watch) == 0, 30000);
  WAIT_UNTIL (sent->len > 0, 5000);
  assert_notification (0, "watched-6", "Job watched-6 completed", "4 succeeded, 0 failed, rejected or timed out");
  jd_fleet_stop (fleet);
  assert_quiet (f, 1);
}

/* A job deleted under the watcher (ResourceNotFound): forgotten, no news. */
static void
test_gone (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  create_job (f, "watched-5");
  jd_job_watch_add (f->watch, "watched-5");
  look_elsewhere (f);
  jd_test_spin (300);
  g_assert_true (jd_store_delete_job (store (f), "watched-5", TRUE, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (jd_job_watch_get_n_watched (f->watch) == 0, 10000);
  assert_quiet (f, 0);
}

int
main (int   argc,
      char *argv[])
{
  static const GDBusInterfaceVTable vtable = { notifications_method_cb, NULL, NULL, { 0 } };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GDBusNodeInfo) info = NULL;
  guint object_id, owner_id;
  int ret;

  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display: run the UI tests under Xvfb (build-aux/jobdeck.sh test)\n");
      return 0;
    }
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  adw_init ();

  sent = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  info = g_dbus_node_info_new_for_xml (notifications_xml, &error);
  g_assert_no_error (error);
  object_id = g_dbus_connection_register_object (bus, "/org/gtk/Notifications", info->interfaces[0],
                                                 &vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  owner_id = g_bus_own_name_on_connection (bus, "org.gtk.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                                           name_acquired_cb, NULL, NULL, NULL);
  WAIT_UNTIL (owned, 5000);
  app = jd_application_new ();
  /* Not the bus name: test-fleet-window registers the same id, and may run
   * alongside. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add ("/app/job-watch/completed", Fixture, NULL, fixture_setup, test_completed, fixture_teardown);
  g_test_add ("/app/job-watch/aborted", Fixture, NULL, fixture_setup, test_aborted, fixture_teardown);
  g_test_add ("/app/job-watch/active-window", Fixture, NULL, fixture_setup, test_active_window, fixture_teardown);
  g_test_add ("/app/job-watch/fleet-view-open", Fixture, NULL, fixture_setup, test_fleet_view_open,
              fixture_teardown);
  g_test_add ("/app/job-watch/backoff", Fixture, NULL, fixture_setup, test_backoff, fixture_teardown);
  g_test_add ("/app/job-watch/gone", Fixture, NULL, fixture_setup, test_gone, fixture_teardown);

  ret = g_test_run ();

  g_clear_object (&app);
  g_bus_unown_name (owner_id);
  g_dbus_connection_unregister_object (bus, object_id);
  g_ptr_array_unref (sent);
  return ret;
}
