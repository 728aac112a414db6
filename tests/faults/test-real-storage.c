/* test-real-storage.c — the sandbox on a real, small filesystem that fills up
 * (issue 16: "a full tmpfs where the machine allows"), beside the PRAGMA
 * simulation in test-faults.c.
 *
 * The test process enters a mount namespace of its own (as root, or through
 * a user namespace) and mounts a 3 MiB tmpfs; the whole sandbox (mosquitto,
 * the service, jobs.sqlite) lives there. CreateJob with 30 KB documents runs
 * until the disk is full: that call gets 503 with "full" in words (and no
 * path), every job that got a 200 is still there and readable,
 * the file passes PRAGMA integrity_check, and once room is freed on the disk
 * new jobs fit again without a restart. A folder on a filesystem that became
 * read-only: the start fails in words that say so, and the folder starts
 * with every job once writable again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "jd-control-plane.h"
#include "jd-jobs-error.h"
#include "jd-credentials.h"
#include "jd-sandbox.h"
#include "jd-test-slowdown.h"

#define WAIT_MS   30000
#define DOC_BYTES (30 * 1024)
#define MAX_JOBS  400

static gboolean
write_text (const char *path,
            const char *text)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = write (fd, text, strlen (text)) == (ssize_t) strlen (text);
  close (fd);
  return ok;
}

/* A private mount namespace: directly as root, else inside a user
 * namespace that maps us to root. FALSE (with the reason) when the kernel
 * allows neither. */
static gboolean
enter_mount_namespace (char **reason)
{
  uid_t uid = getuid ();
  gid_t gid = getgid ();
  g_autofree char *uid_map = NULL;
  g_autofree char *gid_map = NULL;

  if (unshare (CLONE_NEWNS) != 0)
    {
      if (unshare (CLONE_NEWUSER | CLONE_NEWNS) != 0)
        {
          *reason = g_strdup_printf ("no mount namespace: %s", g_strerror (errno));
          return FALSE;
        }
      uid_map = g_strdup_printf ("0 %u 1\n", (guint) uid);
      gid_map = g_strdup_printf ("0 %u 1\n", (guint) gid);
      write_text ("/proc/self/setgroups", "deny");
      if (!write_text ("/proc/self/uid_map", uid_map) || !write_text ("/proc/self/gid_map", gid_map))
        {
          *reason = g_strdup ("could not map the user namespace");
          return FALSE;
        }
    }
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    {
      *reason = g_strdup_printf ("could not make mounts private: %s", g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Wait;

static void
sandbox_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Wait *wait = user_data;

  wait->ok = jd_sandbox_start_finish (JD_SANDBOX (source), result, &wait->error);
  wait->done = TRUE;
}

static void
sandbox_stopped_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Wait *wait = user_data;

  wait->ok = jd_sandbox_stop_finish (JD_SANDBOX (source), result, &wait->error);
  wait->done = TRUE;
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  gint64 end = g_get_monotonic_time () + (gint64) WAIT_MS * jd_test_slowdown () * 1000;

  while (*slot == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (*slot);
  return *slot;
}

static JdJob *
create_job (JdControlPlane *client,
            const char     *job_id,
            const char     *document,
            GError        **error)
{
  const char *targets[] = { "arn:aws:iot:us-east-1:123456789012:thing/" JD_SANDBOX_DEFAULT_THING, NULL };
  g_autoptr(GAsyncResult) result = NULL;

  jd_control_plane_create_job_async (client, job_id, targets, document, NULL,
                                     JD_TARGET_SELECTION_SNAPSHOT, 0, NULL, result_cb, &result);
  return jd_control_plane_create_job_finish (client, wait_result (&result), error);
}

static void
full_tmpfs (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *base = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *document = NULL;
  g_autofree char *endpoint = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *ballast = NULL;
  g_autoptr(JdSandbox) sandbox = NULL;
  g_autoptr(JdCredentials) creds = NULL;
  g_autoptr(JdControlPlane) client = NULL;
  g_autoptr(GPtrArray) created = g_ptr_array_new_with_free_func (g_free);
  Wait wait = { 0 };
  gboolean full = FALSE;

  if (!enter_mount_namespace (&reason))
    {
      g_test_skip_printf ("the kernel allows no private mount here (%s)", reason);
      return;
    }
  base = g_dir_make_tmp ("jobdeck-tmpfs-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_cmpint (mount ("tmpfs", base, "tmpfs", 0, "size=3m,mode=0700"), ==, 0);
  dir = g_build_filename (base, "sandbox", NULL);
  ballast = g_build_filename (base, "ballast", NULL);
  {
    g_autofree char *bytes = g_malloc0 (512 * 1024);

    g_assert_true (g_file_set_contents (ballast, bytes, 512 * 1024, &error));
    g_assert_no_error (error);
  }

  sandbox = jd_sandbox_new (dir);
  jd_sandbox_start_async (sandbox, NULL, sandbox_done_cb, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (wait.error);
  g_assert_true (wait.ok);

  creds = jd_credentials_new (jd_sandbox_get_access_key_id (sandbox),
                              jd_sandbox_get_secret_access_key (sandbox), NULL, NULL);
  endpoint = jd_sandbox_dup_endpoint (sandbox);
  client = jd_control_plane_new (JD_SANDBOX_REGION, endpoint, jd_sandbox_get_ca_path (sandbox), creds, &error);
  g_assert_no_error (error);
  jd_control_plane_set_retry_policy (client, 1, 10);

  /* A valid JSON document of 30 KB (AWS's limit is 32 KB). */
  {
    g_autofree char *filler = g_strnfill (DOC_BYTES, 'x');

    document = g_strdup_printf ("{\"blob\":\"%s\"}", filler);
  }

  for (guint i = 0; i < MAX_JOBS && !full; i++)
    {
      g_autofree char *job_id = g_strdup_printf ("fill-%03u", i);
      g_autoptr(JdJob) job = create_job (client, job_id, document, &error);

      if (job != NULL)
        {
          g_ptr_array_add (created, g_steal_pointer (&job_id));
          continue;
        }
      g_test_message ("after %u jobs: %s", created->len, error->message);
      g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_SERVICE_UNAVAILABLE_EXCEPTION);
      g_assert_nonnull (strstr (error->message, "full"));
      g_assert_null (strstr (error->message, base));
      g_clear_error (&error);
      full = TRUE;
    }
  g_assert_true (full);
  g_assert_cmpuint (created->len, >, 0);

  /* Everything acknowledged is there and readable. */
  for (guint i = 0; i < created->len; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(JdJob) job = NULL;

      jd_control_plane_describe_job_async (client, g_ptr_array_index (created, i), NULL, result_cb, &result);
      job = jd_control_plane_describe_job_finish (client, wait_result (&result), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (jd_job_get_job_id (job), ==, g_ptr_array_index (created, i));
    }

  /* The operator frees room on the disk: the running service takes jobs
   * again, no restart. (A DeleteJob cannot free it: SQLite needs room in
   * its write-ahead log for the delete itself.) */
  g_assert_cmpint (g_unlink (ballast), ==, 0);
  {
    g_autoptr(JdJob) job = create_job (client, "after-delete", "{\"op\":\"small\"}", &error);

    g_assert_no_error (error);
    g_assert_nonnull (job);
  }

  wait = (Wait) { 0 };
  jd_sandbox_stop_async (sandbox, NULL, sandbox_stopped_cb, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_clear_error (&wait.error);

  /* The file on the full disk is whole. */
  db_path = g_build_filename (dir, JD_SANDBOX_STORE_FILE, NULL);
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }

  g_clear_object (&client);
  g_clear_object (&sandbox);
  g_assert_cmpint (umount2 (base, MNT_DETACH), ==, 0);
  g_rmdir (base);
}

/* A sandbox folder on a filesystem that became read-only (remounted while
 * the sandbox was stopped: a running one holds files open for writing): the
 * start fails in words that say so, and loses nothing — once writable again,
 * the same folder starts with every job. */
static void
read_only (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *base = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *endpoint = NULL;
  g_autoptr(JdSandbox) sandbox = NULL;
  g_autoptr(JdCredentials) creds = NULL;
  g_autoptr(JdControlPlane) client = NULL;
  Wait wait = { 0 };

  if (!enter_mount_namespace (&reason))
    {
      g_test_skip_printf ("the kernel allows no private mount here (%s)", reason);
      return;
    }
  base = g_dir_make_tmp ("jobdeck-rofs-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_cmpint (mount ("tmpfs", base, "tmpfs", 0, "size=16m,mode=0700"), ==, 0);
  dir = g_build_filename (base, "sandbox", NULL);

  /* A sandbox with one job, stopped. */
  sandbox = jd_sandbox_new (dir);
  jd_sandbox_start_async (sandbox, NULL, sandbox_done_cb, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (wait.error);
  creds = jd_credentials_new (jd_sandbox_get_access_key_id (sandbox),
                              jd_sandbox_get_secret_access_key (sandbox), NULL, NULL);
  endpoint = jd_sandbox_dup_endpoint (sandbox);
  client = jd_control_plane_new (JD_SANDBOX_REGION, endpoint, jd_sandbox_get_ca_path (sandbox), creds, &error);
  g_assert_no_error (error);
  {
    g_autoptr(JdJob) job = create_job (client, "kept", "{\"op\":\"x\"}", &error);

    g_assert_no_error (error);
  }
  g_clear_object (&client);
  wait = (Wait) { 0 };
  jd_sandbox_stop_async (sandbox, NULL, sandbox_stopped_cb, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_clear_error (&wait.error);
  g_clear_object (&sandbox);

  /* Read-only now: the start says so. */
  g_assert_cmpint (mount (NULL, base, NULL, MS_REMOUNT | MS_RDONLY, NULL), ==, 0);
  sandbox = jd_sandbox_new (dir);
  wait = (Wait) { 0 };
  jd_sandbox_start_async (sandbox, NULL, sandbox_done_cb, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (wait.ok);
  g_assert_nonnull (wait.error);
  g_printerr ("# read-only start: %s\n", wait.error->message);
  {
    g_autofree char *lower = g_ascii_strdown (wait.error->message, -1);

    g_assert_nonnull (strstr (lower, "read-only"));
  }
  g_clear_error (&wait.error);
  g_clear_object (&sandbox);

  /* Writable again: the same folder starts, the job is there. */
  g_assert_cmpint (mount (NULL, base, NULL, MS_REMOUNT, NULL), ==, 0);
  sandbox = jd_sandbox_new (dir);
  wait = (Wait) { 0 };
  jd_sandbox_start_async (sandbox, NULL, sandbox_done_cb, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (wait.error);
  g_clear_pointer (&endpoint, g_free);
  endpoint = jd_sandbox_dup_endpoint (sandbox);
  client = jd_control_plane_new (JD_SANDBOX_REGION, endpoint, jd_sandbox_get_ca_path (sandbox), creds, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(JdJob) job = NULL;

    jd_control_plane_describe_job_async (client, "kept", NULL, result_cb, &result);
    job = jd_control_plane_describe_job_finish (client, wait_result (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (jd_job_get_job_id (job), ==, "kept");
  }
  g_clear_object (&client);
  wait = (Wait) { 0 };
  jd_sandbox_stop_async (sandbox, NULL, sandbox_stopped_cb, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_clear_error (&wait.error);
  g_clear_object (&sandbox);
  g_assert_cmpint (umount2 (base, MNT_DETACH), ==, 0);
  g_rmdir (base);
}

/* Each in a fresh process: a mount namespace is per thread, and threads a
 * test leaves behind (the thread pool's) would stay in the old one. */
static void
run_in_subprocess (void (*body) (void))
{
  if (g_test_subprocess ())
    {
      body ();
      return;
    }
  g_test_trap_subprocess (NULL, (guint64) 120 * jd_test_slowdown () * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_full_tmpfs (void)
{
  run_in_subprocess (full_tmpfs);
}

static void
test_read_only (void)
{
  run_in_subprocess (read_only);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/real-storage/full-tmpfs", test_full_tmpfs);
  g_test_add_func ("/real-storage/read-only", test_read_only);

  return g_test_run ();
}
