/* test-sandbox-fleet.c — the "Simulated devices" preference: the real
 * window on the sandbox the app starts runs that many simulated devices
 * (each a real MQTT client with its own certificate); a job for them
 * created from outside ends SUCCEEDED on every one as the devices run it;
 * setting 0 disconnects them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "jd-application.h"
#include "jd-sandbox-session.h"
#include "jd-service-fleet.h"
#include "jd-test-ui.h"
#include "jd-window.h"

#define N_DEVICES 3
#define DOC_TWO_STEPS \
  "{\"version\":\"1.0\",\"steps\":[" \
  "{\"action\":{\"name\":\"Download\",\"type\":\"runHandler\",\"input\":{\"handler\":\"download-file.sh\"}}}," \
  "{\"action\":{\"name\":\"Install\",\"type\":\"runCommand\",\"input\":{\"command\":\"apt-get,install,foo\"}}}]}"

static JdApplication *app;
static JdWindow *window;

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
         jd_session_get_control_plane (s) != NULL;
}

static gboolean
fleet_online (gpointer n)
{
  JdSandboxFleet *fleet = jd_sandbox_session_get_fleet (JD_SANDBOX_SESSION (session ()));

  return fleet != NULL && jd_sandbox_fleet_get_n_online (fleet) == GPOINTER_TO_UINT (n);
}

typedef struct {
  gboolean  done;
  gpointer  result;
  GError   *error;
} Result;

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Result *r = user_data;

  r->result = jd_control_plane_create_job_finish (JD_CONTROL_PLANE (object), result, &r->error);
  r->done = TRUE;
}

static void
listed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Result *r = user_data;

  r->result = jd_control_plane_list_job_executions_for_job_finish (JD_CONTROL_PLANE (object), result, &r->error);
  r->done = TRUE;
}

static gboolean
result_done (gpointer data)
{
  return ((Result *) data)->done;
}

/* How many of the job's executions succeeded, asked of the control plane. */
static guint
n_succeeded (const char *job_id)
{
  Result r = { 0 };
  guint n = 0;

  jd_control_plane_list_job_executions_for_job_async (jd_session_get_control_plane (session ()), job_id,
                                                      JD_EXECUTION_STATUS_UNKNOWN, NULL, listed_cb, &r);
  g_assert_true (jd_test_ui_wait_for (result_done, &r, 10000));
  g_assert_no_error (r.error);
  for (guint i = 0; i < ((GPtrArray *) r.result)->len; i++)
    if (jd_job_execution_info_get_status (g_ptr_array_index ((GPtrArray *) r.result, i)) ==
        JD_EXECUTION_STATUS_SUCCEEDED)
      n++;
  g_ptr_array_unref (r.result);
  return n;
}

static gboolean
all_succeeded (gpointer job_id)
{
  return n_succeeded (job_id) == N_DEVICES;
}

static void
test_simulated_devices (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID_BASE);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = jd_service_fleet_make_thing_names (JD_SERVICE_FLEET_DEFAULT_PREFIX, N_DEVICES, &error);
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_free);
  Result r = { 0 };

  g_assert_no_error (error);
  g_settings_set_uint (settings, "simulated-devices", N_DEVICES);

  g_application_activate (G_APPLICATION (app));
  window = JD_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  g_assert_true (jd_test_ui_wait_for (session_connected, NULL, 30000));
  g_assert_true (jd_test_ui_wait_for (fleet_online, GUINT_TO_POINTER (N_DEVICES), 30000));

  /* A job for the devices, from outside the window: each runs it. */
  for (guint i = 0; names[i] != NULL; i++)
    g_ptr_array_add (targets, jd_session_dup_thing_arn (session (), names[i]));
  g_ptr_array_add (targets, NULL);
  jd_control_plane_create_job_async (jd_session_get_control_plane (session ()), "FleetDemo",
                                     (const char *const *) targets->pdata, DOC_TWO_STEPS, NULL,
                                     JD_TARGET_SELECTION_SNAPSHOT, 0, NULL, created_cb, &r);
  g_assert_true (jd_test_ui_wait_for (result_done, &r, 10000));
  g_assert_no_error (r.error);
  g_clear_object (&r.result);
  /* Each step takes 0.5–2 s by default. */
  g_assert_true (jd_test_ui_wait_for (all_succeeded, (gpointer) "FleetDemo", 30000));

  /* 0: the devices leave. */
  g_settings_set_uint (settings, "simulated-devices", 0);
  g_assert_true (jd_test_ui_wait_for (fleet_online, GUINT_TO_POINTER (0), 10000));
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
  adw_init ();

  app = jd_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/app/sandbox-fleet/simulated-devices", test_simulated_devices);
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
