/* test-store.c — JdStore: schema, things, jobs, the execution state machine,
 * the §6.3 notification sequence at store level, cancel/delete rules, job
 * completion, counters, timers (JOBDECK_TIME_SCALE), persistence and storage
 * faults.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-store"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "jd-store.h"
#include "jd-store-private.h"

typedef struct {
  JdStore   *store;
  GPtrArray *log;     /* "thing:notify", "thing:notify-next" strings */
} Fixture;

static void
things_changed_cb (JdStore   *store,
                   GPtrArray *changes,
                   Fixture   *fixture)
{
  for (guint i = 0; i < changes->len; i++)
    {
      JdStoreThingChange *change = g_ptr_array_index (changes, i);

      if (change->pending_changed)
        g_ptr_array_add (fixture->log, g_strdup_printf ("%s:notify", change->thing_name));
      if (change->next_changed)
        g_ptr_array_add (fixture->log, g_strdup_printf ("%s:notify-next", change->thing_name));
    }
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreThing) a = NULL;
  g_autoptr(JdStoreThing) b = NULL;

  fixture->store = jd_store_open (":memory:", &error);
  g_assert_no_error (error);
  fixture->log = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (fixture->store, "things-changed", G_CALLBACK (things_changed_cb), fixture);

  a = jd_store_create_thing (fixture->store, "T", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  b = jd_store_create_thing (fixture->store, "U", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->store);
  g_ptr_array_unref (fixture->log);
}

/* Asserts the log holds exactly @expected (space-separated, "" = nothing), then clears it. */
static void
assert_log (Fixture    *fixture,
            const char *expected)
{
  g_autoptr(GString) got = g_string_new (NULL);

  for (guint i = 0; i < fixture->log->len; i++)
    {
      if (i > 0)
        g_string_append_c (got, ' ');
      g_string_append (got, g_ptr_array_index (fixture->log, i));
    }
  g_assert_cmpstr (got->str, ==, expected);
  g_ptr_array_set_size (fixture->log, 0);
}

static void
create_job (Fixture    *fixture,
            const char *job_id,
            const char *things,      /* comma-separated */
            gint64      timeout_minutes)
{
  g_auto(GStrv) names = g_strsplit (things, ",", -1);
  JdStoreJobSpec spec = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreJob) job = NULL;

  spec.job_id = job_id;
  spec.thing_names = (const char *const *) names;
  spec.document = "{\"op\":\"reboot\"}";
  spec.in_progress_timeout_minutes = timeout_minutes;
  job = jd_store_create_job (fixture->store, &spec, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (job->job_id, ==, job_id);
  g_assert_cmpint (job->status, ==, JD_JOB_STATUS_IN_PROGRESS);
}

static JdStoreExecution *
update (Fixture      *fixture,
        const char   *thing,
        const char   *job_id,
        JdExecutionStatus  status,
        gint64        expected_version,
        GError      **error)
{
  JdStoreUpdate u = { status, NULL, expected_version, -1, 0 };

  return jd_store_update_execution (fixture->store, thing, job_id, &u, NULL, error);
}

static void
test_schema (void)
{
  g_autofree char *dir = g_dir_make_tmp ("jd-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "jobs.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(JdStore) store = jd_store_open (path, &error);
    g_autoptr(JdStoreThing) thing = NULL;

    g_assert_no_error (error);
    thing = jd_store_create_thing (store, "Persisted", NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (jd_store_exec_for_test (store, "SELECT 1", &error));
  }

  /* A newer schema is refused rather than misread. */
  {
    g_autoptr(JdStore) store = jd_store_open (path, &error);
    g_autoptr(JdStoreThing) thing = NULL;

    g_assert_no_error (error);
    thing = jd_store_get_thing (store, "Persisted", &error);
    g_assert_no_error (error);
    g_assert_cmpint (thing->version, ==, 1);
    g_assert_true (jd_store_exec_for_test (store, "PRAGMA user_version = 99", &error));
  }
  {
    g_autoptr(JdStore) store = jd_store_open (path, &error);

    g_assert_null (store);
    g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_STORAGE);
    g_assert_nonnull (strstr (error->message, "newer"));
  }

  g_unlink (wal);
  g_unlink (shm);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_things (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) attrs = json_object_new ();
  g_autoptr(JsonObject) other = json_object_new ();
  g_autoptr(JdStoreThing) t1 = NULL;
  g_autoptr(JdStoreThing) t2 = NULL;
  g_autoptr(JdStoreThing) t3 = NULL;
  g_autoptr(GPtrArray) page1 = NULL;
  g_autoptr(GPtrArray) page2 = NULL;
  g_autoptr(GPtrArray) filtered = NULL;
  gboolean created = TRUE;
  gboolean more = FALSE;

  json_object_set_string_member (attrs, "color", "red");
  json_object_set_string_member (other, "color", "blue");

  t1 = jd_store_create_thing (fixture->store, "my:thing", NULL, attrs, &created, &error);
  g_assert_no_error (error);
  g_assert_true (created);
  g_assert_cmpstr (t1->thing_name, ==, "my:thing");
  g_assert_cmpuint (strlen (t1->thing_id), ==, 36);

  /* Same configuration: the same thing back. */
  t2 = jd_store_create_thing (fixture->store, "my:thing", NULL, attrs, &created, &error);
  g_assert_no_error (error);
  g_assert_false (created);
  g_assert_cmpstr (t2->thing_id, ==, t1->thing_id);

  /* Different configuration: already exists. */
  t3 = jd_store_create_thing (fixture->store, "my:thing", NULL, other, &created, &error);
  g_assert_null (t3);
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_ALREADY_EXISTS);
  g_clear_error (&error);

  page1 = jd_store_list_things (fixture->store, NULL, 2, NULL, NULL, NULL, &more, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page1->len, ==, 2);
  g_assert_true (more);
  g_assert_cmpstr (((JdStoreThing *) g_ptr_array_index (page1, 0))->thing_name, ==, "T");
  g_assert_cmpstr (((JdStoreThing *) g_ptr_array_index (page1, 1))->thing_name, ==, "U");
  page2 = jd_store_list_things (fixture->store, "U", 2, NULL, NULL, NULL, &more, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page2->len, ==, 1);
  g_assert_false (more);
  g_assert_cmpstr (((JdStoreThing *) g_ptr_array_index (page2, 0))->thing_name, ==, "my:thing");

  filtered = jd_store_list_things (fixture->store, NULL, 10, "color", "red", NULL, &more, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (filtered->len, ==, 1);
  g_ptr_array_unref (filtered);
  filtered = jd_store_list_things (fixture->store, NULL, 10, "color", "green", NULL, &more, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (filtered->len, ==, 0);

  /* Delete: version check, then gone, then deleting again succeeds. */
  g_assert_false (jd_store_delete_thing (fixture->store, "my:thing", 7, &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_VERSION_CONFLICT);
  g_clear_error (&error);
  g_assert_true (jd_store_delete_thing (fixture->store, "my:thing", 1, &error));
  g_assert_no_error (error);
  g_assert_null (jd_store_get_thing (fixture->store, "my:thing", &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (jd_store_delete_thing (fixture->store, "my:thing", -1, &error));
  g_assert_no_error (error);
}

/* Reference §6.3, step by step. */
static void
test_sequence_6_3 (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreExecution) started = NULL;
  g_autoptr(JdStoreExecution) next = NULL;
  JdStoreExecution *e;

  create_job (fixture, "A", "T", 0);
  assert_log (fixture, "T:notify T:notify-next");
  next = jd_store_get_next (fixture->store, "T", &error);
  g_assert_cmpstr (next->job_id, ==, "A");
  g_assert_cmpint (next->status, ==, JD_EXECUTION_STATUS_QUEUED);
  g_assert_cmpint (next->version_number, ==, 1);
  g_assert_cmpint (next->execution_number, ==, 1);
  g_clear_pointer (&next, jd_store_execution_free);

  create_job (fixture, "B", "T", 0);
  assert_log (fixture, "T:notify");

  g_assert_true (jd_store_start_next (fixture->store, "T", NULL, 0, &started, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (started->job_id, ==, "A");
  g_assert_cmpint (started->status, ==, JD_EXECUTION_STATUS_IN_PROGRESS);
  g_assert_cmpint (started->version_number, ==, 2);
  g_assert_cmpint (started->started_at, >, 0);
  assert_log (fixture, "");

  create_job (fixture, "C", "T", 0);
  assert_log (fixture, "T:notify");

  e = update (fixture, "T", "A", JD_EXECUTION_STATUS_SUCCEEDED, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (e->version_number, ==, 3);
  jd_store_execution_free (e);
  assert_log (fixture, "T:notify T:notify-next");
  next = jd_store_get_next (fixture->store, "T", &error);
  g_assert_cmpstr (next->job_id, ==, "B");
  g_clear_pointer (&next, jd_store_execution_free);

  e = update (fixture, "T", "C", JD_EXECUTION_STATUS_IN_PROGRESS, -1, &error);
  g_assert_no_error (error);
  jd_store_execution_free (e);
  assert_log (fixture, "T:notify-next");
  next = jd_store_get_next (fixture->store, "T", &error);
  g_assert_cmpstr (next->job_id, ==, "C");
  g_assert_cmpint (next->status, ==, JD_EXECUTION_STATUS_IN_PROGRESS);
  g_clear_pointer (&next, jd_store_execution_free);

  e = update (fixture, "T", "B", JD_EXECUTION_STATUS_REJECTED, -1, &error);
  g_assert_no_error (error);
  jd_store_execution_free (e);
  assert_log (fixture, "T:notify");

  /* Progress on the head changes nothing visible. */
  e = update (fixture, "T", "C", JD_EXECUTION_STATUS_IN_PROGRESS, -1, &error);
  g_assert_no_error (error);
  jd_store_execution_free (e);
  assert_log (fixture, "");

  g_assert_true (jd_store_delete_execution (fixture->store, "T", "C", 1, TRUE, &error));
  g_assert_no_error (error);
  assert_log (fixture, "T:notify T:notify-next");
  g_assert_null (jd_store_get_next (fixture->store, "T", &error));
  g_assert_no_error (error);

  /* Start-next with nothing pending. */
  g_clear_pointer (&started, jd_store_execution_free);
  g_assert_true (jd_store_start_next (fixture->store, "T", NULL, 0, &started, &error));
  g_assert_null (started);
  assert_log (fixture, "");
}

static void
test_state_machine (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) details = json_object_new ();
  g_autoptr(JdStoreExecution) current = NULL;
  g_autoptr(JdStoreExecution) e = NULL;
  g_autoptr(GPtrArray) running = NULL;
  g_autoptr(GPtrArray) queued = NULL;
  JdStoreUpdate u = { JD_EXECUTION_STATUS_IN_PROGRESS, NULL, -1, -1, 0 };

  create_job (fixture, "J1", "T,U", 0);
  create_job (fixture, "J2", "T", 0);
  assert_log (fixture, "T:notify T:notify-next U:notify U:notify-next T:notify");

  /* Unknown execution. */
  g_assert_null (jd_store_update_execution (fixture->store, "T", "nope", &u, &current, &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND);
  g_assert_null (current);
  g_clear_error (&error);

  /* Version mismatch carries the current state. */
  u.expected_version = 5;
  g_assert_null (jd_store_update_execution (fixture->store, "T", "J1", &u, &current, &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_VERSION_CONFLICT);
  g_assert_nonnull (current);
  g_assert_cmpint (current->version_number, ==, 1);
  g_assert_cmpint (current->status, ==, JD_EXECUTION_STATUS_QUEUED);
  g_clear_error (&error);
  g_clear_pointer (&current, jd_store_execution_free);

  /* Device may not go back to QUEUED. */
  u.expected_version = -1;
  u.status = JD_EXECUTION_STATUS_QUEUED;
  g_assert_null (jd_store_update_execution (fixture->store, "T", "J1", &u, &current, &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_STATE_TRANSITION);
  g_clear_error (&error);
  g_clear_pointer (&current, jd_store_execution_free);

  /* Nor set service-side statuses. */
  u.status = JD_EXECUTION_STATUS_CANCELED;
  g_assert_null (jd_store_update_execution (fixture->store, "T", "J1", &u, &current, &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_REQUEST);
  g_clear_error (&error);

  /* Status details replace the stored map; executionNumber picks one. */
  json_object_set_string_member (details, "step", "1/3");
  u.status = JD_EXECUTION_STATUS_IN_PROGRESS;
  u.status_details = details;
  u.execution_number = 1;
  e = jd_store_update_execution (fixture->store, "T", "J1", &u, &current, &error);
  g_assert_no_error (error);
  g_assert_cmpint (e->status, ==, JD_EXECUTION_STATUS_IN_PROGRESS);
  g_assert_cmpint (e->version_number, ==, 2);
  g_assert_cmpstr (json_object_get_string_member (e->status_details, "step"), ==, "1/3");
  g_clear_pointer (&e, jd_store_execution_free);
  u.execution_number = 2;
  g_assert_null (jd_store_update_execution (fixture->store, "T", "J1", &u, &current, &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Omitted status details keep the map. */
  u.execution_number = -1;
  u.status_details = NULL;
  u.status = JD_EXECUTION_STATUS_FAILED;
  e = jd_store_update_execution (fixture->store, "T", "J1", &u, &current, &error);
  g_assert_no_error (error);
  g_assert_cmpint (e->status, ==, JD_EXECUTION_STATUS_FAILED);
  g_assert_cmpint (e->version_number, ==, 3);
  g_assert_cmpstr (json_object_get_string_member (e->status_details, "step"), ==, "1/3");
  g_clear_pointer (&e, jd_store_execution_free);

  /* Terminal → anything: InvalidStateTransition with the state. */
  u.status = JD_EXECUTION_STATUS_IN_PROGRESS;
  g_assert_null (jd_store_update_execution (fixture->store, "T", "J1", &u, &current, &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_STATE_TRANSITION);
  g_assert_cmpint (current->status, ==, JD_EXECUTION_STATUS_FAILED);
  g_assert_cmpint (current->version_number, ==, 3);
  g_clear_error (&error);
  g_clear_pointer (&current, jd_store_execution_free);

  /* QUEUED → REJECTED directly. */
  u.status = JD_EXECUTION_STATUS_REJECTED;
  e = jd_store_update_execution (fixture->store, "U", "J1", &u, &current, &error);
  g_assert_no_error (error);
  g_assert_cmpint (e->status, ==, JD_EXECUTION_STATUS_REJECTED);
  g_assert_cmpint (e->started_at, ==, 0);
  g_clear_pointer (&e, jd_store_execution_free);

  /* J1 is done everywhere: the SNAPSHOT job completes, with its counters. */
  {
    g_autoptr(JdStoreJob) job = jd_store_get_job (fixture->store, "J1", &error);

    g_assert_no_error (error);
    g_assert_cmpint (job->status, ==, JD_JOB_STATUS_COMPLETED);
    g_assert_cmpint (job->completed_at, >, 0);
    g_assert_cmpint (job->n_failed, ==, 1);
    g_assert_cmpint (job->n_rejected, ==, 1);
    g_assert_cmpint (job->n_queued, ==, 0);
  }

  g_assert_true (jd_store_get_pending (fixture->store, "T", &running, &queued, &error));
  g_assert_cmpuint (running->len, ==, 0);
  g_assert_cmpuint (queued->len, ==, 1);
  g_assert_cmpstr (((JdStoreExecution *) g_ptr_array_index (queued, 0))->job_id, ==, "J2");
}

static void
test_start_next (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) details = json_object_new ();
  g_autoptr(JsonObject) other = json_object_new ();
  g_autoptr(JdStoreExecution) first = NULL;
  g_autoptr(JdStoreExecution) again = NULL;

  json_object_set_string_member (details, "k", "v");
  json_object_set_string_member (other, "k", "w");
  create_job (fixture, "J1", "T", 0);
  create_job (fixture, "J2", "T", 0);

  g_assert_true (jd_store_start_next (fixture->store, "T", details, 0, &first, &error));
  g_assert_cmpstr (first->job_id, ==, "J1");
  g_assert_cmpstr (json_object_get_string_member (first->status_details, "k"), ==, "v");
  g_assert_cmpint (first->seconds_before_timeout, ==, -1);

  /* Already IN_PROGRESS: returned as is, details untouched. */
  g_assert_true (jd_store_start_next (fixture->store, "T", other, 0, &again, &error));
  g_assert_cmpstr (again->job_id, ==, "J1");
  g_assert_cmpint (again->version_number, ==, 2);
  g_assert_cmpstr (json_object_get_string_member (again->status_details, "k"), ==, "v");
}

static void
test_cancel_job (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreExecution) started = NULL;
  g_autoptr(JdStoreJob) job = NULL;
  g_autoptr(JdStoreExecution) eu = NULL;
  g_autoptr(JdStoreExecution) et = NULL;

  create_job (fixture, "J", "T,U", 0);
  g_assert_true (jd_store_start_next (fixture->store, "T", NULL, 0, &started, &error));
  assert_log (fixture, "T:notify T:notify-next U:notify U:notify-next");

  job = jd_store_cancel_job (fixture->store, "J", FALSE, "OOPS", "changed my mind", &error);
  g_assert_no_error (error);
  g_assert_cmpint (job->status, ==, JD_JOB_STATUS_CANCELED);
  g_assert_false (job->force_canceled);
  g_assert_cmpstr (job->reason_code, ==, "OOPS");
  g_assert_cmpint (job->n_canceled, ==, 1);
  g_assert_cmpint (job->n_in_progress, ==, 1);
  assert_log (fixture, "U:notify U:notify-next");
  g_clear_pointer (&job, jd_store_job_free);

  eu = jd_store_get_execution (fixture->store, "U", "J", -1, &error);
  g_assert_cmpint (eu->status, ==, JD_EXECUTION_STATUS_CANCELED);
  g_assert_cmpint (eu->version_number, ==, 2);

  /* Forced: the IN_PROGRESS one goes too. */
  job = jd_store_cancel_job (fixture->store, "J", TRUE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (job->force_canceled);
  g_assert_cmpint (job->n_canceled, ==, 2);
  g_assert_cmpstr (job->comment, ==, "changed my mind");
  assert_log (fixture, "T:notify T:notify-next");
  et = jd_store_get_execution (fixture->store, "T", "J", -1, &error);
  g_assert_cmpint (et->status, ==, JD_EXECUTION_STATUS_CANCELED);
  g_assert_true (et->force_canceled);
  g_clear_pointer (&job, jd_store_job_free);

  g_assert_null (jd_store_cancel_job (fixture->store, "missing", FALSE, NULL, NULL, &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND);
}

static void
test_delete_job (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreJob) job = NULL;

  create_job (fixture, "J", "T", 0);
  assert_log (fixture, "T:notify T:notify-next");
  g_assert_false (jd_store_delete_job (fixture->store, "J", FALSE, &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_STATE_TRANSITION);
  g_clear_error (&error);
  assert_log (fixture, "");

  g_assert_true (jd_store_delete_job (fixture->store, "J", TRUE, &error));
  g_assert_no_error (error);
  assert_log (fixture, "T:notify T:notify-next");
  g_assert_null (jd_store_get_job (fixture->store, "J", &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A canceled job needs no force. */
  create_job (fixture, "K", "T", 0);
  job = jd_store_cancel_job (fixture->store, "K", FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (jd_store_delete_job (fixture->store, "K", FALSE, &error));
  g_assert_no_error (error);

  /* The same id can be used again after deletion. */
  create_job (fixture, "K", "T", 0);
}

static void
test_job_errors (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *missing[] = { "T", "Ghost", NULL };
  JdStoreJobSpec spec = { "J", NULL, missing, "{}", NULL, NULL, NULL, 0 };
  g_autoptr(JdStoreJob) job = NULL;
  g_autoptr(JdStoreJob) again = NULL;

  job = jd_store_create_job (fixture->store, &spec, &error);
  g_assert_null (job);
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  assert_log (fixture, "");
  g_assert_null (jd_store_get_next (fixture->store, "T", &error));
  g_assert_no_error (error);

  create_job (fixture, "J", "T", 0);
  spec.thing_names = (const char *const[]) { "T", NULL };
  again = jd_store_create_job (fixture->store, &spec, &error);
  g_assert_null (again);
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_ALREADY_EXISTS);
}

static void
test_executions (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JdStoreExecution) started = NULL;
  g_autoptr(JsonObject) details = json_object_new ();
  gboolean more = FALSE;

  create_job (fixture, "J1", "T,U", 0);
  create_job (fixture, "J2", "T", 0);
  create_job (fixture, "J3", "T", 0);

  list = jd_store_list_executions_for_thing (fixture->store, "T", NULL, NULL, NULL, 2, &more, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_true (more);
  g_assert_cmpstr (((JdStoreExecution *) g_ptr_array_index (list, 1))->job_id, ==, "J2");
  g_clear_pointer (&list, g_ptr_array_unref);
  list = jd_store_list_executions_for_thing (fixture->store, "T", NULL, NULL, "J2", 2, &more, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_false (more);
  g_assert_cmpstr (((JdStoreExecution *) g_ptr_array_index (list, 0))->job_id, ==, "J3");
  g_clear_pointer (&list, g_ptr_array_unref);

  list = jd_store_list_executions_for_job (fixture->store, "J1", "QUEUED", NULL, 10, &more, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_assert_null (jd_store_list_executions_for_job (fixture->store, "nope", NULL, NULL, 10, &more, &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* CancelJobExecution: version conflict, then needs force for IN_PROGRESS. */
  g_assert_true (jd_store_start_next (fixture->store, "T", NULL, 0, &started, &error));
  g_assert_false (jd_store_cancel_execution (fixture->store, "T", "J1", FALSE, 9, NULL, &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_VERSION_CONFLICT);
  g_clear_error (&error);
  g_assert_false (jd_store_cancel_execution (fixture->store, "T", "J1", FALSE, 2, NULL, &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_STATE_TRANSITION);
  g_clear_error (&error);
  json_object_set_string_member (details, "why", "operator");
  g_assert_true (jd_store_cancel_execution (fixture->store, "T", "J1", TRUE, 2, details, &error));
  g_assert_no_error (error);
  g_assert_false (jd_store_cancel_execution (fixture->store, "T", "J1", TRUE, -1, NULL, &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_STATE_TRANSITION);
  g_clear_error (&error);
  g_assert_true (jd_store_cancel_execution (fixture->store, "U", "J1", FALSE, -1, NULL, &error));
  g_assert_no_error (error);

  /* DeleteJobExecution: needs force while pending; wrong number is not found. */
  g_assert_false (jd_store_delete_execution (fixture->store, "T", "J2", 1, FALSE, &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_STATE_TRANSITION);
  g_clear_error (&error);
  g_assert_false (jd_store_delete_execution (fixture->store, "T", "J1", 2, FALSE, &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (jd_store_delete_execution (fixture->store, "T", "J1", 1, FALSE, &error));
  g_assert_no_error (error);

  /* Deleting a thing removes its pending executions. */
  g_ptr_array_set_size (fixture->log, 0);
  g_assert_true (jd_store_delete_thing (fixture->store, "T", -1, &error));
  assert_log (fixture, "T:notify T:notify-next");
  {
    g_autoptr(JdStoreJob) j2 = jd_store_get_job (fixture->store, "J2", &error);

    g_assert_cmpint (j2->n_removed, ==, 1);
    g_assert_cmpint (j2->status, ==, JD_JOB_STATUS_COMPLETED);
  }
}

static void
test_list_jobs (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(JdStoreJob) canceled = NULL;
  gboolean more = FALSE;

  create_job (fixture, "J1", "T", 0);
  create_job (fixture, "J2", "T", 0);
  create_job (fixture, "J3", "T", 0);
  canceled = jd_store_cancel_job (fixture->store, "J2", FALSE, NULL, NULL, &error);

  page = jd_store_list_jobs (fixture->store, NULL, NULL, NULL, 2, &more, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 2);
  g_assert_true (more);
  g_clear_pointer (&page, g_ptr_array_unref);
  page = jd_store_list_jobs (fixture->store, NULL, NULL, "J2", 2, &more, &error);
  g_assert_cmpuint (page->len, ==, 1);
  g_assert_false (more);
  g_assert_cmpstr (((JdStoreJob *) g_ptr_array_index (page, 0))->job_id, ==, "J3");
  g_clear_pointer (&page, g_ptr_array_unref);
  page = jd_store_list_jobs (fixture->store, "CANCELED", NULL, NULL, 10, &more, &error);
  g_assert_cmpuint (page->len, ==, 1);
  g_assert_cmpstr (((JdStoreJob *) g_ptr_array_index (page, 0))->job_id, ==, "J2");
  g_clear_pointer (&page, g_ptr_array_unref);
  page = jd_store_list_jobs (fixture->store, NULL, "CONTINUOUS", NULL, 10, &more, &error);
  g_assert_cmpuint (page->len, ==, 0);
}

static gboolean
quit_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
wait_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, quit_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* JOBDECK_TIME_SCALE=0.001 (set in main): one minute lasts 60 ms. */
static void
test_timers (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreExecution) started = NULL;
  g_autoptr(JdStoreExecution) e = NULL;
  JdStoreUpdate u = { JD_EXECUTION_STATUS_IN_PROGRESS, NULL, -1, -1, 0 };

  g_assert_cmpfloat (jd_store_get_time_scale (fixture->store), ==, 0.001);

  /* Step timer from start-next: 2 minutes → 120 ms. */
  create_job (fixture, "S", "T", 0);
  g_assert_true (jd_store_start_next (fixture->store, "T", NULL, 2, &started, &error));
  g_assert_cmpint (started->seconds_before_timeout, >, 60);
  g_assert_cmpint (started->seconds_before_timeout, <=, 120);
  assert_log (fixture, "T:notify T:notify-next");
  wait_ms (40);
  assert_log (fixture, "");
  wait_ms (200);
  assert_log (fixture, "T:notify T:notify-next");
  e = jd_store_get_execution (fixture->store, "T", "S", -1, &error);
  g_assert_cmpint (e->status, ==, JD_EXECUTION_STATUS_TIMED_OUT);
  g_assert_cmpint (e->version_number, ==, 3);
  g_assert_cmpint (e->seconds_before_timeout, ==, -1);
  g_clear_pointer (&e, jd_store_execution_free);
  g_clear_pointer (&started, jd_store_execution_free);

  /* -1 clears the step timer; a new step timer replaces it. */
  create_job (fixture, "C", "T", 0);
  g_assert_true (jd_store_start_next (fixture->store, "T", NULL, 1, &started, &error));
  u.step_timeout_minutes = -1;
  e = jd_store_update_execution (fixture->store, "T", "C", &u, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (e->seconds_before_timeout, ==, -1);
  g_clear_pointer (&e, jd_store_execution_free);
  wait_ms (150);
  e = jd_store_get_execution (fixture->store, "T", "C", -1, &error);
  g_assert_cmpint (e->status, ==, JD_EXECUTION_STATUS_IN_PROGRESS);
  g_clear_pointer (&e, jd_store_execution_free);
  e = update (fixture, "T", "C", JD_EXECUTION_STATUS_SUCCEEDED, -1, &error);
  g_clear_pointer (&e, jd_store_execution_free);
  g_clear_pointer (&started, jd_store_execution_free);
  g_ptr_array_set_size (fixture->log, 0);

  /* The job's in-progress timer, started by an update to IN_PROGRESS. */
  create_job (fixture, "P", "U", 1);
  e = update (fixture, "U", "P", JD_EXECUTION_STATUS_IN_PROGRESS, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (e->seconds_before_timeout, >, 0);
  g_clear_pointer (&e, jd_store_execution_free);
  wait_ms (200);
  e = jd_store_get_execution (fixture->store, "U", "P", -1, &error);
  g_assert_cmpint (e->status, ==, JD_EXECUTION_STATUS_TIMED_OUT);
  assert_log (fixture, "U:notify U:notify-next U:notify U:notify-next");
  {
    g_autoptr(JdStoreJob) job = jd_store_get_job (fixture->store, "P", &error);

    g_assert_cmpint (job->status, ==, JD_JOB_STATUS_COMPLETED);
    g_assert_cmpint (job->n_timed_out, ==, 1);
  }
}

static void
jobs_events_cb (JdStore   *store,
                GPtrArray *events,
                GPtrArray *log)
{
  for (guint i = 0; i < events->len; i++)
    {
      JdStoreEvent *event = g_ptr_array_index (events, i);

      if (event->kind == JD_STORE_EVENT_JOB)
        g_ptr_array_add (log, g_strdup_printf ("job:%s:%s:%s", event->operation, event->job->job_id,
                                               jd_job_status_to_string (event->job->status)));
      else
        g_ptr_array_add (log, g_strdup_printf ("exec:%s:%s:%s:%s", event->operation, event->execution->job_id,
                                               event->execution->thing_name,
                                               jd_execution_status_to_string (event->execution->status)));
    }
}

static void
assert_events (GPtrArray  *log,
               const char *expected)
{
  g_autoptr(GString) got = g_string_new (NULL);

  for (guint i = 0; i < log->len; i++)
    {
      if (i > 0)
        g_string_append_c (got, ' ');
      g_string_append (got, g_ptr_array_index (log, i));
    }
  g_assert_cmpstr (got->str, ==, expected);
  g_ptr_array_set_size (log, 0);
}

/* A progress report (IN_PROGRESS → IN_PROGRESS) changes neither the pending
 * set nor `$next`: no notification, whatever it carries; a step timeout it
 * sets still arms the timer. */
static void
test_progress_updates (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreExecution) e = NULL;
  g_autoptr(JsonObject) details = json_object_new ();
  JdStoreUpdate u = { JD_EXECUTION_STATUS_IN_PROGRESS, NULL, -1, -1, 0 };

  create_job (fixture, "A", "T", 0);
  create_job (fixture, "B", "T", 0);
  g_ptr_array_set_size (fixture->log, 0);

  /* B (second in line) starts: it becomes `$next`. */
  e = update (fixture, "T", "B", JD_EXECUTION_STATUS_IN_PROGRESS, 1, &error);
  g_assert_no_error (error);
  g_clear_pointer (&e, jd_store_execution_free);
  assert_log (fixture, "T:notify-next");

  json_object_set_string_member (details, "step", "2");
  u.status_details = details;
  u.expected_version = 2;
  e = jd_store_update_execution (fixture->store, "T", "B", &u, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (e->version_number, ==, 3);
  g_assert_cmpint (e->status, ==, JD_EXECUTION_STATUS_IN_PROGRESS);
  g_assert_cmpstr (json_object_get_string_member (e->status_details, "step"), ==, "2");
  g_clear_pointer (&e, jd_store_execution_free);
  assert_log (fixture, "");

  /* A step timeout of 1 minute (60 ms here) on a progress report. */
  u.status_details = NULL;
  u.expected_version = -1;
  u.step_timeout_minutes = 1;
  e = jd_store_update_execution (fixture->store, "T", "B", &u, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (e->seconds_before_timeout, >, 0);
  g_clear_pointer (&e, jd_store_execution_free);
  assert_log (fixture, "");
  wait_ms (200);
  e = jd_store_get_execution (fixture->store, "T", "B", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (e->status, ==, JD_EXECUTION_STATUS_TIMED_OUT);
  g_clear_pointer (&e, jd_store_execution_free);
  assert_log (fixture, "T:notify T:notify-next");

  /* The job of the ended execution completed in the timer's transaction. */
  {
    g_autoptr(JdStoreJob) job = jd_store_get_job (fixture->store, "B", &error);

    g_assert_no_error (error);
    g_assert_cmpint (job->status, ==, JD_JOB_STATUS_COMPLETED);
  }
}

static void
test_events (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreExecution) started = NULL;
  JdStoreExecution *e;
  JdStoreJob *job;

  g_signal_connect (fixture->store, "jobs-events", G_CALLBACK (jobs_events_cb), log);

  create_job (fixture, "J", "T,U", 0);
  assert_events (log, "");
  g_assert_true (jd_store_start_next (fixture->store, "T", NULL, 0, &started, &error));
  g_clear_pointer (&started, jd_store_execution_free);
  assert_events (log, "");
  e = update (fixture, "T", "J", JD_EXECUTION_STATUS_SUCCEEDED, -1, &error);
  jd_store_execution_free (e);
  assert_events (log, "exec:succeeded:J:T:SUCCEEDED");
  e = update (fixture, "U", "J", JD_EXECUTION_STATUS_REJECTED, -1, &error);
  jd_store_execution_free (e);
  assert_events (log, "exec:rejected:J:U:REJECTED job:completed:J:COMPLETED");

  create_job (fixture, "K", "T", 0);
  job = jd_store_cancel_job (fixture->store, "K", FALSE, NULL, "no", &error);
  jd_store_job_free (job);
  assert_events (log, "exec:canceled:K:T:CANCELED job:canceled:K:CANCELED");
  g_assert_true (jd_store_delete_job (fixture->store, "K", FALSE, &error));
  assert_events (log, "job:deleted:K:CANCELED");

  create_job (fixture, "L", "T", 0);
  g_assert_true (jd_store_start_next (fixture->store, "T", NULL, 0, &started, &error));
  g_clear_pointer (&started, jd_store_execution_free);
  g_assert_true (jd_store_delete_execution (fixture->store, "T", "L", 1, TRUE, &error));
  assert_events (log, "exec:deleted:L:T:IN_PROGRESS job:completed:L:COMPLETED");

  create_job (fixture, "M", "T", 1);
  e = update (fixture, "T", "M", JD_EXECUTION_STATUS_IN_PROGRESS, -1, &error);
  jd_store_execution_free (e);
  assert_events (log, "");
  wait_ms (200);
  assert_events (log, "exec:timed_out:M:T:TIMED_OUT job:completed:M:COMPLETED");

  create_job (fixture, "N", "T", 0);
  g_assert_true (jd_store_delete_thing (fixture->store, "T", -1, &error));
  g_assert_no_error (error);
  assert_events (log, "exec:removed:N:T:REMOVED job:completed:N:COMPLETED");

  g_signal_handlers_disconnect_by_func (fixture->store, jobs_events_cb, log);
}

static void
test_persistence_and_faults (void)
{
  g_autofree char *dir = g_dir_make_tmp ("jd-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "jobs.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(GError) error = NULL;
  const char *things[] = { "T", NULL };
  JdStoreJobSpec spec = { "J", NULL, things, "{\"a\":1}", NULL, "desc", NULL, 0 };

  {
    g_autoptr(JdStore) store = jd_store_open (path, &error);
    g_autoptr(JdStoreThing) thing = jd_store_create_thing (store, "T", NULL, NULL, NULL, &error);
    g_autoptr(JdStoreJob) job = jd_store_create_job (store, &spec, &error);
    g_autoptr(JdStoreExecution) started = NULL;

    g_assert_no_error (error);
    g_assert_true (jd_store_start_next (store, "T", NULL, 0, &started, &error));
  }

  {
    g_autoptr(JdStore) store = jd_store_open (path, &error);
    g_autoptr(JdStoreJob) job = jd_store_get_job (store, "J", &error);
    g_autoptr(JdStoreExecution) e = jd_store_get_execution (store, "T", "J", -1, &error);
    g_autoptr(JdStoreExecution) after = NULL;
    g_autoptr(JdStoreJob) other = NULL;
    const char *other_things[] = { "T", NULL };
    JdStoreJobSpec other_spec = { "K", NULL, other_things, "{}", NULL, NULL, NULL, 0 };
    JdStoreUpdate u = { JD_EXECUTION_STATUS_SUCCEEDED, NULL, -1, -1, 0 };

    g_assert_no_error (error);
    g_assert_cmpstr (job->description, ==, "desc");
    g_assert_cmpstr (job->document, ==, "{\"a\":1}");
    g_assert_cmpint (e->status, ==, JD_EXECUTION_STATUS_IN_PROGRESS);
    g_assert_cmpint (e->version_number, ==, 2);

    /* Read-only database: a clear error, nothing changed. */
    g_assert_true (jd_store_exec_for_test (store, "PRAGMA query_only = 1", &error));
    g_assert_null (jd_store_update_execution (store, "T", "J", &u, NULL, &error));
    g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_STORAGE);
    g_assert_nonnull (strstr (error->message, "read-only"));
    g_clear_error (&error);
    g_assert_true (jd_store_exec_for_test (store, "PRAGMA query_only = 0", &error));
    after = jd_store_get_execution (store, "T", "J", -1, &error);
    g_assert_cmpint (after->status, ==, JD_EXECUTION_STATUS_IN_PROGRESS);
    g_assert_cmpint (after->version_number, ==, 2);
    g_clear_pointer (&after, jd_store_execution_free);

    /* Disk full: a job with a huge document does not fit. */
    {
      g_autoptr(GString) big = g_string_new ("\"");
      g_autoptr(GError) full_error = NULL;

      for (guint i = 0; i < 40000; i++)
        g_string_append (big, "0123456789");
      g_string_append_c (big, '"');
      other_spec.document = big->str;
      g_assert_true (jd_store_exec_for_test (store, "PRAGMA max_page_count = 8", &full_error));
      other = jd_store_create_job (store, &other_spec, &full_error);
      g_assert_null (other);
      g_assert_error (full_error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_STORAGE);
      g_assert_nonnull (strstr (full_error->message, "full"));
    }
    after = jd_store_get_execution (store, "T", "J", -1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (after->version_number, ==, 2);
    g_assert_null (jd_store_get_job (store, "K", &error));
    g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND);
  }

  g_unlink (wal);
  g_unlink (shm);
  g_unlink (path);
  g_rmdir (dir);
}

/* A database written at schema 1 (targets inside `jobs`) is migrated on
 * open: the targets move to their own table and the job reads as before;
 * completion, deletion and a new job of the same id work on the result. */
static void
test_migration_1_to_2 (void)
{
  g_autofree char *dir = g_dir_make_tmp ("jd-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "jobs.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
    "CREATE TABLE things (name TEXT PRIMARY KEY, thing_id TEXT NOT NULL, thing_type TEXT,"
    "  attributes TEXT NOT NULL DEFAULT '{}', version INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL);"
    "CREATE TABLE jobs (seq INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL UNIQUE,"
    "  status TEXT NOT NULL, target_selection TEXT NOT NULL, targets TEXT NOT NULL, description TEXT,"
    "  document TEXT NOT NULL, document_source TEXT, force_canceled INTEGER NOT NULL DEFAULT 0,"
    "  reason_code TEXT, comment TEXT, created_at INTEGER NOT NULL, last_updated_at INTEGER NOT NULL,"
    "  completed_at INTEGER NOT NULL DEFAULT 0, in_progress_timeout INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE executions (seq INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL,"
    "  thing_name TEXT NOT NULL, execution_number INTEGER NOT NULL, status TEXT NOT NULL,"
    "  status_details TEXT, queued_at INTEGER NOT NULL, started_at INTEGER NOT NULL DEFAULT 0,"
    "  last_updated_at INTEGER NOT NULL, version_number INTEGER NOT NULL DEFAULT 1,"
    "  force_canceled INTEGER NOT NULL DEFAULT 0, step_deadline_ms INTEGER NOT NULL DEFAULT 0,"
    "  progress_deadline_ms INTEGER NOT NULL DEFAULT 0, UNIQUE (job_id, thing_name, execution_number));"
    "CREATE INDEX executions_by_thing ON executions (thing_name, status);"
    "INSERT INTO things (name, thing_id, created_at) VALUES ('Old', 'id-old', 1);"
    "INSERT INTO jobs (job_id, status, target_selection, targets, document, created_at, last_updated_at)"
    "  VALUES ('J', 'IN_PROGRESS', 'SNAPSHOT', '[\"arn:aws:iot:us-east-1:123456789012:thing/Old\"]',"
    "  '{\"op\":\"old\"}', 1, 1);"
    "INSERT INTO executions (job_id, thing_name, execution_number, status, queued_at, last_updated_at)"
    "  VALUES ('J', 'Old', 1, 'QUEUED', 1, 1);"
    "PRAGMA user_version = 1;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  {
    g_autoptr(JdStore) store = jd_store_open (path, &error);
    g_autoptr(JdStoreJob) job = NULL;
    g_autoptr(JdStoreExecution) e = NULL;
    JdStoreUpdate u = { JD_EXECUTION_STATUS_SUCCEEDED, NULL, -1, -1, 0 };
    const char *names[] = { "Old", NULL };
    const char *targets[] = { "arn:aws:iot:us-east-1:123456789012:thing/Old#2", NULL };
    JdStoreJobSpec spec = { .job_id = "J", .targets = targets, .thing_names = names, .document = "{}" };

    g_assert_no_error (error);
    job = jd_store_get_job (store, "J", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_strv_length (job->targets), ==, 1);
    g_assert_cmpstr (job->targets[0], ==, "arn:aws:iot:us-east-1:123456789012:thing/Old");
    g_assert_cmpstr (job->document, ==, "{\"op\":\"old\"}");
    g_assert_cmpint (job->n_queued, ==, 1);
    g_clear_pointer (&job, jd_store_job_free);

    e = jd_store_update_execution (store, "Old", "J", &u, NULL, &error);
    g_assert_no_error (error);
    job = jd_store_get_job (store, "J", &error);
    g_assert_cmpint (job->status, ==, JD_JOB_STATUS_COMPLETED);
    g_clear_pointer (&job, jd_store_job_free);

    g_assert_true (jd_store_delete_job (store, "J", FALSE, &error));
    g_assert_no_error (error);
    job = jd_store_create_job (store, &spec, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (job->targets[0], ==, targets[0]);
  }

  g_unlink (wal);
  g_unlink (shm);
  g_unlink (path);
  g_rmdir (dir);
}

/* Lists, pending sets and ListJobs never read a job's document or targets;
 * DescribeJobExecution, `$next` and DescribeJob do. */
static void
test_documents_only_where_returned (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) running = NULL;
  g_autoptr(GPtrArray) queued = NULL;
  g_autoptr(JdStoreExecution) e = NULL;
  g_autoptr(JdStoreJob) job = NULL;
  gboolean more;

  create_job (fixture, "D", "T,U", 0);

  list = jd_store_list_executions_for_job (fixture->store, "D", NULL, NULL, 10, &more, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_null (((JdStoreExecution *) g_ptr_array_index (list, 0))->job_document);
  g_clear_pointer (&list, g_ptr_array_unref);

  list = jd_store_list_executions_for_thing (fixture->store, "T", NULL, NULL, NULL, 10, &more, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_null (((JdStoreExecution *) g_ptr_array_index (list, 0))->job_document);
  g_clear_pointer (&list, g_ptr_array_unref);

  g_assert_true (jd_store_get_pending (fixture->store, "T", &running, &queued, &error));
  g_assert_cmpuint (queued->len, ==, 1);
  g_assert_null (((JdStoreExecution *) g_ptr_array_index (queued, 0))->job_document);

  list = jd_store_list_jobs (fixture->store, NULL, NULL, NULL, 10, &more, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_null (((JdStoreJob *) g_ptr_array_index (list, 0))->document);
  g_assert_cmpuint (g_strv_length (((JdStoreJob *) g_ptr_array_index (list, 0))->targets), ==, 0);

  e = jd_store_get_execution (fixture->store, "T", "D", -1, &error);
  g_assert_cmpstr (e->job_document, ==, "{\"op\":\"reboot\"}");
  g_clear_pointer (&e, jd_store_execution_free);
  e = jd_store_get_next (fixture->store, "T", &error);
  g_assert_cmpstr (e->job_document, ==, "{\"op\":\"reboot\"}");
  job = jd_store_get_job (fixture->store, "D", &error);
  g_assert_cmpstr (job->document, ==, "{\"op\":\"reboot\"}");
  g_assert_cmpuint (g_strv_length (job->targets), ==, 2);
}

/* A job with no target completes in the transaction that creates it (the
 * commit looks at the jobs the transaction created or ended executions of). */
static void
test_empty_job_completes (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreJob) job = NULL;
  const char *none[] = { NULL };
  JdStoreJobSpec spec = { .job_id = "E", .thing_names = none, .document = "{}" };

  job = jd_store_create_job (fixture->store, &spec, &error);
  g_assert_no_error (error);
  g_assert_cmpint (job->status, ==, JD_JOB_STATUS_COMPLETED);
}

/* The step timer keeps its length when the wall clock jumps: a day forwards
 * does not time the execution out early, a day backwards does not hold it
 * back (JOBDECK_TIME_SCALE=0.001: 2 minutes last 120 ms). */
static void
test_wall_clock_jumps (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreExecution) started = NULL;
  g_autoptr(JdStoreExecution) e = NULL;
  gint64 day_ms = 24 * 3600 * 1000;

  create_job (fixture, "S", "T", 0);
  g_assert_true (jd_store_start_next (fixture->store, "T", NULL, 2, &started, &error));
  g_assert_no_error (error);

  /* Forwards: a commit re-arms the timer; nothing is due. */
  jd_store_set_clock_offset_for_test (fixture->store, day_ms);
  create_job (fixture, "Other", "U", 0);
  wait_ms (30);
  e = jd_store_get_execution (fixture->store, "T", "S", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (e->status, ==, JD_EXECUTION_STATUS_IN_PROGRESS);
  g_assert_cmpint (e->seconds_before_timeout, >, 30);
  g_clear_pointer (&e, jd_store_execution_free);

  /* Backwards, a day before the start: still times out on time. */
  jd_store_set_clock_offset_for_test (fixture->store, -day_ms);
  wait_ms (250);
  e = jd_store_get_execution (fixture->store, "T", "S", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (e->status, ==, JD_EXECUTION_STATUS_TIMED_OUT);
  /* Timestamps follow the wall clock. */
  g_assert_cmpint (e->last_updated_at, <, g_get_real_time () / G_USEC_PER_SEC - day_ms / 2000);
}

/* A damaged database is refused at opening with a clear message: a file
 * that is not SQLite's, and an SQLite file with a damaged page (found by the
 * budgeted PRAGMA quick_check). */
static void
test_damaged_at_open (void)
{
  g_autofree char *dir = g_dir_make_tmp ("jd-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "jobs.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  guint page_size;

  g_assert_true (g_file_set_contents (path, "these are not the pages you are looking for, "
                                            "not a database at all, but long enough for a header", -1, &error));
  g_assert_null (jd_store_open (path, &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_STORAGE);
  g_assert_nonnull (strstr (error->message, "damaged"));
  g_clear_error (&error);
  g_unlink (path);

  {
    g_autoptr(JdStore) store = jd_store_open (path, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < 200; i++)
      {
        g_autofree char *name = g_strdup_printf ("thing-%03u-with-a-longer-name-to-fill-pages", i);
        g_autoptr(JdStoreThing) thing = jd_store_create_thing (store, name, NULL, NULL, NULL, &error);

        g_assert_no_error (error);
      }
  }
  /* Closed: the WAL is checkpointed into the file. The last page is a
   * b-tree page of the things; overwrite it. */
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  page_size = (guint) ((guint8) contents[16] << 8 | (guint8) contents[17]);
  g_assert_cmpuint (length, >=, 4 * page_size);
  memset (contents + length - page_size, 0x5a, page_size);
  g_assert_true (g_file_set_contents (path, contents, length, &error));

  g_assert_null (jd_store_open (path, &error));
  g_assert_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_STORAGE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "damaged ("));

  g_unlink (wal);
  g_unlink (shm);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("JOBDECK_TIME_SCALE", "0.001", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  g_test_add_func ("/store/schema", test_schema);
  ADD ("/store/things", test_things);
  ADD ("/store/sequence-6-3", test_sequence_6_3);
  ADD ("/store/state-machine", test_state_machine);
  ADD ("/store/start-next", test_start_next);
  ADD ("/store/cancel-job", test_cancel_job);
  ADD ("/store/delete-job", test_delete_job);
  ADD ("/store/job-errors", test_job_errors);
  ADD ("/store/executions", test_executions);
  ADD ("/store/list-jobs", test_list_jobs);
  ADD ("/store/timers", test_timers);
  ADD ("/store/progress-updates", test_progress_updates);
  ADD ("/store/events", test_events);
  g_test_add_func ("/store/persistence-and-faults", test_persistence_and_faults);
  g_test_add_func ("/store/migration-1-to-2", test_migration_1_to_2);
  ADD ("/store/documents-only-where-returned", test_documents_only_where_returned);
  ADD ("/store/empty-job-completes", test_empty_job_completes);
  ADD ("/store/wall-clock-jumps", test_wall_clock_jumps);
  g_test_add_func ("/store/damaged-at-open", test_damaged_at_open);
#undef ADD

  return g_test_run ();
}
