/* test-create-thing.c — CreateThing over HTTPS while making a thing's
 * identity is slow (issue 16.5: the main loop never waits). The sandbox's
 * part of CreateThing (a P-256 key and certificate, the ACL, sandbox.json)
 * is slowed through a test hook, as a loaded disk or CPU would; several
 * CreateThings at once must not stop a 10 ms timer on the main loop, and
 * each reply must still come only once the thing's certificate and key
 * exist and sandbox.json and the ACL name it (AWS's contract: the thing
 * is usable when CreateThing answers). The same holds for the other two
 * writers of those files: bringing the things together with the store at
 * start (a thing the store has but whose certificate is gone gets a new one
 * while the loop runs on) and DeleteThing (it answers while another batch
 * is slowed, and the next batch takes its files and its lines away).
 * Each batch makes mosquitto reload its ACL and waits for it: a reload asked
 * while the previous one still runs must not be lost (mosquitto drops a
 * SIGHUP that arrives during a reload).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "jd-control-plane.h"
#include "jd-sandbox-broker.h"
#include "jd-credentials.h"
#include "jd-sandbox-private.h"
#include "jd-test-sandbox.h"
#include "jd-test-slowdown.h"

#define N_THINGS        6
#define ISSUE_DELAY_MS  400   /* per key and certificate, times the slowdown */
#define MAX_GAP_MS      200   /* times the slowdown; below one issue */

typedef struct {
  gint64 last;
  gint64 longest;
  gint64 longest_at;   /* when it ended */
} Ticks;

typedef struct {
  JdSandbox *sandbox;
  guint      replied;
  gboolean   all_replied;
} Fixture;

typedef struct {
  Fixture        *fixture;
  JdControlPlane *client;
  char           *name;
} Call;

static gboolean
tick_cb (gpointer data)
{
  Ticks *ticks = data;
  gint64 now = g_get_monotonic_time ();

  if (now - ticks->last > ticks->longest)
    {
      ticks->longest = now - ticks->last;
      ticks->longest_at = now;
    }
  ticks->last = now;
  return G_SOURCE_CONTINUE;
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

/* What a client may rely on once CreateThing answered. */
static void
assert_thing_usable (JdSandbox  *sandbox,
                     const char *name)
{
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *acl_path = g_build_filename (jd_sandbox_get_data_dir (sandbox), "mosquitto.acl", NULL);
  g_autofree char *acl = NULL;
  g_autofree char *acl_user = g_strdup_printf ("user %s\n", name);
  g_autoptr(JdSandboxInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = NULL;

  g_assert_true (jd_sandbox_get_thing_files (sandbox, name, &cert_path, &key_path));
  pem = read_text (cert_path);
  g_assert_nonnull (strstr (pem, "-----BEGIN CERTIFICATE-----"));
  g_clear_pointer (&pem, g_free);
  pem = read_text (key_path);
  g_assert_nonnull (strstr (pem, "PRIVATE KEY-----"));

  info = jd_sandbox_info_load (jd_sandbox_get_data_dir (sandbox), &error);
  g_assert_no_error (error);
  g_assert_nonnull (jd_sandbox_info_get_thing (info, name));

  acl = read_text (acl_path);
  g_assert_nonnull (strstr (acl, acl_user));
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Call *call = user_data;
  Fixture *f = call->fixture;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdThing) thing = jd_control_plane_create_thing_finish (JD_CONTROL_PLANE (object), result, &error);

  g_assert_no_error (error);
  g_assert_nonnull (thing);
  assert_thing_usable (f->sandbox, call->name);

  f->replied++;
  f->all_replied = f->replied == N_THINGS;
  g_object_unref (call->client);
  g_free (call->name);
  g_free (call);
}

static void
described_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  guint *described = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdThing) thing = jd_control_plane_describe_thing_finish (JD_CONTROL_PLANE (object), result, &error);

  g_assert_no_error (error);
  (*described)++;
}

static void
test_create_thing_off_main_loop (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestSandbox) fixture = jd_test_sandbox_new ((const char *[]) { "MyThing", NULL }, &error);
  JdSandbox *sandbox;
  g_autoptr(JdCredentials) creds = NULL;
  g_autofree char *endpoint = NULL;
  Fixture f = { 0 };
  Call *calls[N_THINGS];
  guint described = 0;
  Ticks ticks = { 0 };
  guint delay_ms = ISSUE_DELAY_MS * jd_test_slowdown ();
  guint tick_id;
  gint64 start, end;

  g_assert_no_error (error);
  sandbox = jd_test_sandbox_get_sandbox (fixture);
  f.sandbox = sandbox;
  creds = jd_credentials_new (jd_sandbox_get_access_key_id (sandbox),
                              jd_sandbox_get_secret_access_key (sandbox), NULL, NULL);
  endpoint = jd_sandbox_dup_endpoint (sandbox);

  /* One client per call: each its own connection, so the requests are in
   * the service at the same time. Each connected (TLS) before the clock
   * starts: the clients' handshakes are the test's own work. */
  for (guint i = 0; i < N_THINGS; i++)
    {
      calls[i] = g_new0 (Call, 1);
      calls[i]->fixture = &f;
      calls[i]->name = g_strdup_printf ("Made-%u", i);
      calls[i]->client = jd_control_plane_new (JD_SANDBOX_REGION, endpoint,
                                               jd_sandbox_get_ca_path (sandbox), creds, &error);
      g_assert_no_error (error);
      jd_control_plane_set_retry_policy (calls[i]->client, 1, 10);
      jd_control_plane_describe_thing_async (calls[i]->client, "MyThing", NULL, described_cb, &described);
    }
  end = g_get_monotonic_time () + (gint64) 20000 * jd_test_slowdown () * 1000;
  while (described < N_THINGS && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (described, ==, N_THINGS);

  jd_sandbox_set_issue_delay_for_test (delay_ms);
  ticks.last = g_get_monotonic_time ();
  tick_id = g_timeout_add (10, tick_cb, &ticks);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_THINGS; i++)
    jd_control_plane_create_thing_async (calls[i]->client, calls[i]->name, NULL, NULL, created_cb, calls[i]);

  g_assert_true (jd_test_wait_until (&f.all_replied, N_THINGS * ISSUE_DELAY_MS + 20000));
  g_source_remove (tick_id);
  jd_sandbox_set_issue_delay_for_test (0);

  g_test_message ("%u CreateThings with %u ms per key: all answered in %" G_GINT64_FORMAT
                  " ms, the main loop's longest gap %" G_GINT64_FORMAT " ms (ending %" G_GINT64_FORMAT
                  " ms after the first request)",
                  N_THINGS, delay_ms, (g_get_monotonic_time () - start) / 1000, ticks.longest / 1000,
                  (ticks.longest_at - start) / 1000);
  g_assert_cmpint (ticks.longest, <, (gint64) MAX_GAP_MS * 1000 * jd_test_slowdown ());

  /* Whatever order the batches ran in, the files name every thing. */
  for (guint i = 0; i < N_THINGS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Made-%u", i);

      assert_thing_usable (sandbox, name);
    }
  assert_thing_usable (sandbox, "MyThing");
}

/* The thing's identity is gone: files, sandbox.json and the ACL. */
static gboolean
thing_gone (JdSandbox  *sandbox,
            const char *name)
{
  g_autofree char *acl_path = g_build_filename (jd_sandbox_get_data_dir (sandbox), "mosquitto.acl", NULL);
  g_autofree char *acl = read_text (acl_path);
  g_autofree char *acl_user = g_strdup_printf ("user %s\n", name);
  g_autofree char *cert_path = g_build_filename (jd_sandbox_get_data_dir (sandbox), "things", NULL);
  g_autoptr(JdSandboxInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (cert_path, 0, NULL);
  const char *entry;

  info = jd_sandbox_info_load (jd_sandbox_get_data_dir (sandbox), &error);
  g_assert_no_error (error);
  if (jd_sandbox_info_get_thing (info, name) != NULL || strstr (acl, acl_user) != NULL)
    return FALSE;
  g_assert_nonnull (dir);
  while ((entry = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (entry, name) && entry[strlen (name)] == '.')
      return FALSE;
  return TRUE;
}

typedef struct {
  gboolean done;
  gint64   at;
} Answer;

static void
deleted_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Answer *answer = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (jd_control_plane_delete_thing_finish (JD_CONTROL_PLANE (object), result, &error));
  g_assert_no_error (error);
  answer->at = g_get_monotonic_time ();
  answer->done = TRUE;
}

static void
created_one_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Answer *answer = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdThing) thing = jd_control_plane_create_thing_finish (JD_CONTROL_PLANE (object), result, &error);

  g_assert_no_error (error);
  answer->at = g_get_monotonic_time ();
  answer->done = TRUE;
}

static void
test_start_and_delete_off_main_loop (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestSandbox) fixture = jd_test_sandbox_new ((const char *[]) { "MyThing", "Gone", "Orphan", NULL },
                                                         &error);
  JdSandbox *sandbox;
  g_autoptr(JdCredentials) creds = NULL;
  g_autoptr(JdControlPlane) client = NULL;
  g_autofree char *endpoint = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  Ticks ticks = { 0 };
  Answer created = { 0 }, deleted = { 0 };
  guint delay_ms = ISSUE_DELAY_MS * 3 * jd_test_slowdown ();
  guint tick_id;
  gint64 start, end;
  guint described = 0;

  g_assert_no_error (error);
  sandbox = jd_test_sandbox_get_sandbox (fixture);

  /* A thing the store knows whose identity went while the sandbox was
   * stopped: the start makes it one again, slowly, and the loop runs on. */
  g_assert_true (jd_sandbox_get_thing_files (sandbox, "Orphan", &cert_path, &key_path));
  g_assert_true (jd_test_sandbox_stop (fixture, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_unlink (cert_path), ==, 0);
  g_assert_cmpint (g_unlink (key_path), ==, 0);

  jd_sandbox_set_issue_delay_for_test (delay_ms);
  ticks.last = g_get_monotonic_time ();
  tick_id = g_timeout_add (10, tick_cb, &ticks);
  start = g_get_monotonic_time ();
  g_assert_true (jd_test_sandbox_restart (fixture, &error));
  g_assert_no_error (error);
  g_source_remove (tick_id);
  jd_sandbox_set_issue_delay_for_test (0);
  sandbox = jd_test_sandbox_get_sandbox (fixture);
  g_test_message ("start with one identity to make at %u ms: %" G_GINT64_FORMAT " ms, the main loop's "
                  "longest gap %" G_GINT64_FORMAT " ms", delay_ms,
                  (g_get_monotonic_time () - start) / 1000, ticks.longest / 1000);
  /* The start waited for the identity (ready means usable) ... */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, (gint64) delay_ms * 1000);
  assert_thing_usable (sandbox, "Orphan");
  assert_thing_usable (sandbox, "MyThing");
  /* ... without the loop waiting for it. */
  g_assert_cmpint (ticks.longest, <, (gint64) MAX_GAP_MS * 1000 * jd_test_slowdown ());

  /* DeleteThing while a slow CreateThing's batch runs: it answers first,
   * and the files end without it, whichever batch wrote them last. */
  creds = jd_credentials_new (jd_sandbox_get_access_key_id (sandbox),
                              jd_sandbox_get_secret_access_key (sandbox), NULL, NULL);
  endpoint = jd_sandbox_dup_endpoint (sandbox);
  client = jd_control_plane_new (JD_SANDBOX_REGION, endpoint, jd_sandbox_get_ca_path (sandbox), creds, &error);
  g_assert_no_error (error);
  jd_control_plane_set_retry_policy (client, 1, 10);
  jd_control_plane_describe_thing_async (client, "MyThing", NULL, described_cb, &described);
  end = g_get_monotonic_time () + (gint64) 20000 * jd_test_slowdown () * 1000;
  while (described < 1 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (described, ==, 1);

  jd_sandbox_set_issue_delay_for_test (delay_ms);
  ticks.last = g_get_monotonic_time ();
  ticks.longest = 0;
  tick_id = g_timeout_add (10, tick_cb, &ticks);
  jd_control_plane_create_thing_async (client, "Late", NULL, NULL, created_one_cb, &created);
  jd_test_spin (50);
  jd_control_plane_delete_thing_async (client, "Gone", -1, NULL, deleted_cb, &deleted);
  g_assert_true (jd_test_wait_until (&created.done, delay_ms + 20000));
  g_assert_true (deleted.done);
  g_assert_cmpint (deleted.at, <, created.at);
  end = g_get_monotonic_time () + (gint64) 10000 * jd_test_slowdown () * 1000;
  while (!thing_gone (sandbox, "Gone") && g_get_monotonic_time () < end)
    jd_test_spin (20);
  g_source_remove (tick_id);
  jd_sandbox_set_issue_delay_for_test (0);
  g_assert_true (thing_gone (sandbox, "Gone"));
  assert_thing_usable (sandbox, "Late");
  assert_thing_usable (sandbox, "Orphan");
  assert_thing_usable (sandbox, "MyThing");
  g_assert_cmpint (ticks.longest, <, (gint64) MAX_GAP_MS * 1000 * jd_test_slowdown ());
}

/* ---- reloads asked back to back ---- */

typedef struct {
  int         pid;
  const char *log_path;
  guint16     port;
  guint       seen;
  guint       max_signals;
  gboolean    done;
} Reloads;

#define N_RELOADS 30

static gpointer
reload_thread (gpointer data)
{
  Reloads *reloads = data;

  for (guint i = 0; i < N_RELOADS; i++)
    {
      guint n_signals = 0;

      if (jd_sandbox_broker_reload_and_wait (reloads->pid, reloads->log_path, reloads->port,
                                             5000 * jd_test_slowdown (), &n_signals))
        reloads->seen++;
      reloads->max_signals = MAX (reloads->max_signals, n_signals);
    }
  g_atomic_int_set (&reloads->done, TRUE);
  return NULL;
}

static guint lost_reloads;

static GLogWriterOutput
count_lost_reloads (GLogLevelFlags   log_level,
                    const GLogField *fields,
                    gsize            n_fields,
                    gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0 &&
        strstr (fields[i].value, "did not log its reload") != NULL)
      lost_reloads++;
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  guint *added = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (jd_sandbox_add_things_finish (JD_SANDBOX (object), result, &error));
  g_assert_no_error (error);
  (*added)++;
}

/* Thirty reloads one right after the other, from a thread as a batch asks
 * them, each seen in mosquitto's log; then things added one at a time (a
 * batch each, as CreateThing makes them) with none waiting out the reload
 * timeout. Before the SIGHUP was sent again, about one in two of these
 * waited the full 5 s and the client could meet the old ACL. */
static void
test_back_to_back_reloads (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestSandbox) test_sandbox = jd_test_sandbox_new (NULL, &error);
  g_autofree char *log_path = NULL;
  g_autoptr(GThread) thread = NULL;
  Reloads reloads = { 0 };
  JdSandbox *sandbox;
  guint added = 0;

  g_assert_no_error (error);
  sandbox = jd_test_sandbox_get_sandbox (test_sandbox);
  log_path = g_build_filename (jd_sandbox_get_data_dir (sandbox), "mosquitto.log", NULL);
  reloads.pid = jd_sandbox_get_broker_pid (sandbox);
  reloads.log_path = log_path;
  reloads.port = jd_sandbox_get_mqtt_port (sandbox);
  g_assert_cmpint (reloads.pid, >, 0);

  thread = g_thread_new ("reloads", reload_thread, &reloads);
  /* It needs nothing of this loop. */
  g_thread_join (g_steal_pointer (&thread));
  g_assert_true (g_atomic_int_get (&reloads.done));
  g_assert_cmpuint (reloads.seen, ==, N_RELOADS);
  g_test_message ("most SIGHUPs one reload needed: %u", reloads.max_signals);

  lost_reloads = 0;
  g_log_set_writer_func (count_lost_reloads, NULL, NULL);
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *name = g_strdup_printf ("OneByOne%02u", i);
      const char *names[] = { name, NULL };
      guint before = added;

      jd_sandbox_add_things_async (sandbox, names, NULL, added_cb, &added);
      while (added == before)
        g_main_context_iteration (NULL, TRUE);
      assert_thing_usable (sandbox, name);
    }
  g_assert_cmpuint (lost_reloads, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/create-thing/off-main-loop", test_create_thing_off_main_loop);
  g_test_add_func ("/create-thing/start-and-delete-off-main-loop", test_start_and_delete_off_main_loop);
  g_test_add_func ("/create-thing/back-to-back-reloads", test_back_to_back_reloads);

  return g_test_run ();
}
