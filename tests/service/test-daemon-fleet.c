/* test-daemon-fleet.c — `jobdeck-service --fleet`: the daemon makes the
 * things (certificates, ACL, sandbox.json), its simulated devices run a
 * two-step Device Client job created through the control plane to
 * SUCCEEDED with progress in statusDetails, or FAILED with a reason; a seed
 * repeats which devices fail; a fleet bigger than the emulated AWS quota's
 * burst still completes (its devices retry throttled reports); bad fleet
 * options exit 2 with a message; and SIGTERM stops it all with status 0.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-daemon-fleet"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>

#include "jd-control-plane.h"
#include "jd-credentials.h"
#include "jd-sandbox-info.h"
#include "jd-test-sandbox.h"

#define N_DEVICES 20
#define DOC_TWO_STEPS \
  "{\"version\":\"1.0\",\"steps\":[" \
  "{\"action\":{\"name\":\"Download\",\"type\":\"runHandler\",\"input\":{\"handler\":\"download-file.sh\"}}}," \
  "{\"action\":{\"name\":\"Install\",\"type\":\"runCommand\",\"input\":{\"command\":\"apt-get,install,foo\"}}}]}"

typedef struct {
  guint           n_devices;
  char           *dir;
  GSubprocess    *daemon;
  char           *ready_line;
  char           *fleet_line;
  JdSandboxInfo  *info;
  JdControlPlane *cp;
} Daemon;

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static gint64
deadline_after (guint ms)
{
  return g_get_monotonic_time () + (gint64) ms * jd_test_slowdown () * 1000;
}

typedef struct {
  char     *line;
  GError   *error;
  gboolean  done;
} LineWait;

static void
line_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  LineWait *wait = data;

  wait->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL,
                                                          &wait->error);
  wait->done = TRUE;
}

/* Starts the daemon with @extra options after --fleet, and waits for its
 * ready line (printed once the devices are connected). */
static Daemon *
daemon_start (guint               n_devices,
              const char * const *extra)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(JdCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline = deadline_after (90000);
  g_autofree char *fleet = g_strdup_printf ("%u", n_devices);
  Daemon *d = g_new0 (Daemon, 1);

  d->n_devices = n_devices;
  d->dir = g_dir_make_tmp ("jobdeck-daemon-fleet-XXXXXX", &error);
  g_assert_no_error (error);
  g_ptr_array_add (argv, (gpointer) JOBDECK_SERVICE_PATH);
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, d->dir);
  g_ptr_array_add (argv, (gpointer) "--fleet");
  g_ptr_array_add (argv, fleet);
  for (guint i = 0; extra[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra[i]);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  d->daemon = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (d->daemon));
  while (d->ready_line == NULL)
    {
      LineWait wait = { 0 };

      g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, line_read_cb, &wait);
      while (!wait.done && g_get_monotonic_time () < deadline)
        g_main_context_iteration (NULL, TRUE);
      g_assert_true (wait.done);
      g_assert_no_error (wait.error);
      g_assert_nonnull (wait.line);   /* it did not exit */
      if (strstr (wait.line, "simulated devices") != NULL)
        d->fleet_line = g_steal_pointer (&wait.line);
      else if (strstr (wait.line, ": ready;") != NULL)
        d->ready_line = g_steal_pointer (&wait.line);
      g_free (wait.line);
    }
  g_assert_nonnull (d->fleet_line);

  d->info = jd_sandbox_info_load (d->dir, &error);
  g_assert_no_error (error);
  credentials = jd_credentials_new (d->info->access_key_id, d->info->secret_access_key, NULL,
                                    d->info->region);
  d->cp = jd_control_plane_new (d->info->region, d->info->control_plane_endpoint, d->info->ca_path,
                                credentials, &error);
  g_assert_no_error (error);
  return d;
}

/* SIGTERM: status 0, sandbox.json gone. */
static void
daemon_stop (Daemon *d)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *info_path = g_build_filename (d->dir, "sandbox.json", NULL);
  g_autofree char *rm = g_strdup_printf ("rm -rf %s", d->dir);

  g_subprocess_send_signal (d->daemon, SIGTERM);
  g_subprocess_wait (d->daemon, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (d->daemon));
  g_assert_cmpint (g_subprocess_get_exit_status (d->daemon), ==, 0);
  g_assert_false (g_file_test (info_path, G_FILE_TEST_EXISTS));

  g_clear_object (&d->cp);
  g_clear_object (&d->daemon);
  g_clear_pointer (&d->info, jd_sandbox_info_free);
  g_assert_true (g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL));
  g_free (d->dir);
  g_free (d->ready_line);
  g_free (d->fleet_line);
  g_free (d);
}

/* The daemon's names: Device-01 … Device-20, Device-001 … Device-250. */
static char *
thing_name (Daemon *d,
            guint   i)
{
  return g_strdup_printf ("Device-%0*u", d->n_devices >= 100 ? 3 : 2, i + 1);
}

typedef struct {
  gpointer  result;
  GError   *error;
  gboolean  done;
} Call;

static void
job_created_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  Call *call = data;

  call->result = jd_control_plane_create_job_finish (JD_CONTROL_PLANE (source), result, &call->error);
  call->done = TRUE;
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Call *call = data;

  call->result = jd_control_plane_list_job_executions_for_job_finish (JD_CONTROL_PLANE (source), result,
                                                                     &call->error);
  call->done = TRUE;
}

static void
described_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Call *call = data;

  call->result = jd_control_plane_describe_job_execution_finish (JD_CONTROL_PLANE (source), result,
                                                                 &call->error);
  call->done = TRUE;
}

static void
call_wait (Call *call)
{
  g_assert_true (jd_test_wait_until (&call->done, 30000));
  g_assert_no_error (call->error);
  g_assert_nonnull (call->result);
}

static void
create_job (Daemon     *d,
            const char *job_id)
{
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_free);
  Call call = { 0 };

  for (guint i = 0; i < d->n_devices; i++)
    {
      g_autofree char *name = thing_name (d, i);

      /* The daemon made them: sandbox.json lists each with its files. */
      g_assert_nonnull (jd_sandbox_info_get_thing (d->info, name));
      g_ptr_array_add (targets, g_strdup_printf ("arn:aws:iot:%s:%s:thing/%s", d->info->region,
                                                 d->info->account_id, name));
    }
  g_ptr_array_add (targets, NULL);
  jd_control_plane_create_job_async (d->cp, job_id, (const char * const *) targets->pdata, DOC_TWO_STEPS,
                                     NULL, JD_TARGET_SELECTION_SNAPSHOT, 0, NULL, job_created_cb, &call);
  call_wait (&call);
  g_object_unref (call.result);
}

/* Lists the job's executions until none is QUEUED or IN_PROGRESS. */
static void
wait_all_terminal (Daemon     *d,
                   const char *job_id)
{
  gint64 deadline = deadline_after (60000);
  gboolean terminal = FALSE;

  while (!terminal)
    {
      Call call = { 0 };
      g_autoptr(GPtrArray) executions = NULL;

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      jd_control_plane_list_job_executions_for_job_async (d->cp, job_id, JD_EXECUTION_STATUS_UNKNOWN, NULL,
                                                          listed_cb, &call);
      call_wait (&call);
      executions = call.result;
      g_assert_cmpuint (executions->len, ==, d->n_devices);
      terminal = TRUE;
      for (guint i = 0; i < executions->len; i++)
        {
          JdExecutionStatus status = jd_job_execution_info_get_status (g_ptr_array_index (executions, i));

          if (status == JD_EXECUTION_STATUS_QUEUED || status == JD_EXECUTION_STATUS_IN_PROGRESS)
            terminal = FALSE;
        }
      if (!terminal)
        jd_test_spin (100);
    }
}

static JdJobExecutionInfo *
describe (Daemon     *d,
          const char *thing,
          const char *job_id)
{
  Call call = { 0 };

  jd_control_plane_describe_job_execution_async (d->cp, thing, job_id, -1, NULL, described_cb, &call);
  call_wait (&call);
  return call.result;
}

/* One letter per device: S succeeded, F failed (with progress and a reason
 * in statusDetails); anything else fails the test. */
static char *
outcomes (Daemon     *d,
          const char *job_id)
{
  char *out = g_malloc0 (d->n_devices + 1);

  for (guint i = 0; i < d->n_devices; i++)
    {
      g_autofree char *name = thing_name (d, i);
      g_autoptr(JdJobExecutionInfo) e = describe (d, name, job_id);
      GHashTable *details = jd_job_execution_info_get_status_details (e);
      JdExecutionStatus status = jd_job_execution_info_get_status (e);

      g_assert_nonnull (details);
      g_assert_nonnull (g_hash_table_lookup (details, "progress"));
      if (status == JD_EXECUTION_STATUS_SUCCEEDED)
        {
          g_assert_cmpstr (g_hash_table_lookup (details, "progress"), ==, "2/2");
          out[i] = 'S';
        }
      else
        {
          const char *reason = g_hash_table_lookup (details, "reason");

          g_assert_cmpint (status, ==, JD_EXECUTION_STATUS_FAILED);
          g_assert_nonnull (reason);
          g_assert_cmpstr (reason, !=, "");
          out[i] = 'F';
        }
    }
  return out;
}

static void
test_all_succeed (void)
{
  const char *extra[] = { "--seed", "7", "--fleet-step-ms", "5:20", NULL };
  Daemon *d = daemon_start (N_DEVICES, extra);
  g_autofree char *result = NULL;

  g_assert_nonnull (strstr (d->fleet_line, "20 simulated devices"));
  g_assert_nonnull (strstr (d->fleet_line, "20 online"));
  g_assert_nonnull (strstr (d->fleet_line, "seed 7"));
  create_job (d, "fleet-ok");
  wait_all_terminal (d, "fleet-ok");
  result = outcomes (d, "fleet-ok");
  g_assert_cmpstr (result, ==, "SSSSSSSSSSSSSSSSSSSS");
  daemon_stop (d);
}

static void
test_all_fail (void)
{
  const char *extra[] = { "--seed", "7", "--fleet-step-ms", "5:20", "--fleet-success-rate", "0", NULL };
  Daemon *d = daemon_start (N_DEVICES, extra);
  g_autofree char *result = NULL;

  create_job (d, "fleet-bad");
  wait_all_terminal (d, "fleet-bad");
  result = outcomes (d, "fleet-bad");
  g_assert_cmpstr (result, ==, "FFFFFFFFFFFFFFFFFFFF");
  daemon_stop (d);
}

/* The same seed makes the same devices fail, run after run; the set is
 * neither empty nor everyone at a rate of one half. */
static void
test_seed_repeats (void)
{
  const char *extra[] = { "--seed", "7", "--fleet-step-ms", "5:20", "--fleet-success-rate", "0.5", NULL };
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  for (guint run = 0; run < 2; run++)
    {
      Daemon *d = daemon_start (N_DEVICES, extra);

      create_job (d, "fleet-half");
      wait_all_terminal (d, "fleet-half");
      if (run == 0)
        first = outcomes (d, "fleet-half");
      else
        second = outcomes (d, "fleet-half");
      daemon_stop (d);
    }
  g_test_message ("seed 7: %s, again: %s", first, second);
  g_assert_cmpstr (first, ==, second);
  g_assert_nonnull (strchr (first, 'S'));
  g_assert_nonnull (strchr (first, 'F'));
}

/* 250 devices finishing a job at once ask more than the emulated quota's
 * burst (200 requests of each operation, then 200 a second): the
 * throttled start-next, progress and final reports are retried, and every
 * execution still ends SUCCEEDED, none left IN_PROGRESS. */
static void
test_throttled_fleet_completes (void)
{
  const char *extra[] = { "--seed", "1", "--fleet-step-ms", "0", NULL };
  Daemon *d = daemon_start (250, extra);
  g_autofree char *result = NULL;

  create_job (d, "fleet-big");
  wait_all_terminal (d, "fleet-big");
  result = outcomes (d, "fleet-big");
  g_assert_null (strchr (result, 'F'));
  g_assert_cmpuint (strlen (result), ==, 250);
  daemon_stop (d);
}

static void
expect_usage_error (const char * const *extra,
                    const char         *message)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) daemon = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jobdeck-daemon-fleet-XXXXXX", NULL);
  g_autofree char *err = NULL;
  g_autofree char *info_path = g_build_filename (dir, "sandbox.json", NULL);

  g_ptr_array_add (argv, (gpointer) JOBDECK_SERVICE_PATH);
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, dir);
  for (guint i = 0; extra[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra[i]);
  g_ptr_array_add (argv, NULL);
  daemon = g_subprocess_newv ((const char * const *) argv->pdata,
                              G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (daemon, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (daemon));
  g_assert_cmpint (g_subprocess_get_exit_status (daemon), ==, 2);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, message));
  /* Refused before anything started. */
  g_assert_false (g_file_test (info_path, G_FILE_TEST_EXISTS));
  g_rmdir (dir);
}

static void
test_usage_errors (void)
{
  const char *zero[] = { "--fleet", "0", NULL };
  const char *word[] = { "--fleet", "abc", NULL };
  const char *rate[] = { "--fleet", "3", "--fleet-success-rate", "2", NULL };
  const char *chance[] = { "--fleet", "3", "--fleet-offline-chance", "-0.1", NULL };
  const char *steps[] = { "--fleet", "3", "--fleet-step-ms", "20:5", NULL };
  const char *prefix[] = { "--fleet", "3:no/slash", NULL };
  const char *alone[] = { "--fleet-timeout-chance", "0.5", NULL };

  expect_usage_error (zero, "is not a number of devices from 1 to 10000");
  expect_usage_error (word, "is not a number of devices from 1 to 10000");
  expect_usage_error (rate, "--fleet-success-rate");
  expect_usage_error (chance, "--fleet-offline-chance");
  expect_usage_error (steps, "the maximum 5 is below the minimum 20");
  expect_usage_error (prefix, "is not a valid thing name");
  expect_usage_error (alone, "needs --fleet N");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/daemon-fleet/usage-errors", test_usage_errors);
  g_test_add_func ("/daemon-fleet/all-succeed", test_all_succeed);
  g_test_add_func ("/daemon-fleet/all-fail", test_all_fail);
  g_test_add_func ("/daemon-fleet/seed-repeats", test_seed_repeats);
  g_test_add_func ("/daemon-fleet/throttled-fleet-completes", test_throttled_fleet_completes);
  return g_test_run ();
}
