/* test-store-worker.c — JdStore off the main loop (jd_store_call_async):
 * results and signals arrive on the main thread, in order; another process
 * holding the database's write lock neither freezes the main loop nor hangs
 * the call (it fails with the store's storage error after the busy timeout,
 * and the next call succeeds once the lock is gone); timers run on the worker
 * once it exists; asking for a call never waits for a busy worker; calls
 * that wait together commit together (one transaction, each call a
 * savepoint: a failing call loses only its own changes), and a group whose
 * COMMIT fails runs each call again alone. Real SQLite files, a second real
 * connection for the lock and for reading what was committed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-store-worker"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "jd-store.h"
#include "jd-store-private.h"

typedef struct {
  char      *dir;
  char      *path;
  JdStore   *store;
  GThread   *main_thread;
  GPtrArray *log;          /* "signal:thing" and "done:…" in arrival order */
  gboolean   signal_off_main;
} Fixture;

static void
things_changed_cb (JdStore   *store,
                   GPtrArray *changes,
                   Fixture   *f)
{
  if (g_thread_self () != f->main_thread)
    f->signal_off_main = TRUE;
  for (guint i = 0; i < changes->len; i++)
    g_ptr_array_add (f->log, g_strdup_printf ("changed:%s",
                                              ((JdStoreThingChange *) g_ptr_array_index (changes, i))->thing_name));
}

static void
set_up (Fixture       *f,
        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreThing) t = NULL;

  f->dir = g_dir_make_tmp ("jd-store-worker-XXXXXX", NULL);
  f->path = g_build_filename (f->dir, "jobs.sqlite", NULL);
  f->store = jd_store_open (f->path, &error);
  g_assert_no_error (error);
  f->main_thread = g_thread_self ();
  f->log = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (f->store, "things-changed", G_CALLBACK (things_changed_cb), f);
  t = jd_store_create_thing (f->store, "T", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_ptr_array_set_size (f->log, 0);
}

static void
tear_down (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->path, "-shm", NULL);

  /* Calls still completing (a timer's) hold the store: let them finish. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (f->store);
  g_ptr_array_unref (f->log);
  g_unlink (wal);
  g_unlink (shm);
  g_unlink (f->path);
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* A CreateJob for thing T, job @data, on the worker. */
static gpointer
create_job_call (JdStore  *store,
                 gpointer  data,
                 GError  **error)
{
  const char *names[] = { "T", NULL };
  JdStoreJobSpec spec = { .job_id = data, .thing_names = names, .document = "{}" };

  return jd_store_create_job (store, &spec, error);
}

/* StartNextPendingJobExecution for T with a 2-minute step timer. */
static gpointer
start_next_call (JdStore  *store,
                 gpointer  data,
                 GError  **error)
{
  JdStoreExecution *e = NULL;

  if (!jd_store_start_next (store, "T", NULL, 2, &e, error))
    return NULL;
  return e;
}

typedef struct {
  Fixture      *f;
  const char   *name;
  gpointer      result;
  GError       *error;
  gboolean      done;
  GThread      *thread;
} Wait;

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  Wait *w = data;

  w->result = jd_store_call_finish (JD_STORE (object), result, &w->error);
  w->thread = g_thread_self ();
  w->done = TRUE;
  g_ptr_array_add (w->f->log, g_strdup_printf ("done:%s", w->name));
}

typedef struct {
  gint64 last;
  gint64 max_gap;
} Ticks;

static gboolean
tick_cb (gpointer data)
{
  Ticks *ticks = data;
  gint64 now = g_get_monotonic_time ();

  if (ticks->last != 0)
    ticks->max_gap = MAX (ticks->max_gap, now - ticks->last);
  ticks->last = now;
  return G_SOURCE_CONTINUE;
}

static void
assert_log (Fixture    *f,
            const char *expected)
{
  g_autoptr(GString) got = g_string_new (NULL);

  for (guint i = 0; i < f->log->len; i++)
    g_string_append_printf (got, "%s%s", i > 0 ? " " : "", (const char *) g_ptr_array_index (f->log, i));
  g_assert_cmpstr (got->str, ==, expected);
  g_ptr_array_set_size (f->log, 0);
}

/* Two calls complete on the main thread in the order asked, each after the
 * signals of its own commit. */
static void
test_calls (Fixture       *f,
            gconstpointer  data)
{
  Wait a = { f, "A" }, b = { f, "B" };

  jd_store_call_async (f->store, create_job_call, (gpointer) "A", NULL,
                       (GDestroyNotify) jd_store_job_free, NULL, done_cb, &a);
  jd_store_call_async (f->store, create_job_call, (gpointer) "B", NULL,
                       (GDestroyNotify) jd_store_job_free, NULL, done_cb, &b);
  g_assert_false (a.done);
  while (!a.done || !b.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_no_error (a.error);
  g_assert_no_error (b.error);
  g_assert_cmpstr (((JdStoreJob *) a.result)->job_id, ==, "A");
  g_assert_cmpstr (((JdStoreJob *) b.result)->job_id, ==, "B");
  g_assert_true (a.thread == f->main_thread);
  g_assert_false (f->signal_off_main);
  /* A gives T its first pending job (notify); B only adds one. */
  assert_log (f, "changed:T done:A changed:T done:B");
  jd_store_job_free (a.result);
  jd_store_job_free (b.result);

  /* An error comes back as the call's error. */
  {
    Wait c = { f, "A again" };

    jd_store_call_async (f->store, create_job_call, (gpointer) "A", NULL,
                         (GDestroyNotify) jd_store_job_free, NULL, done_cb, &c);
    while (!c.done)
      g_main_context_iteration (NULL, TRUE);
    g_assert_null (c.result);
    g_assert_error (c.error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_ALREADY_EXISTS);
    g_clear_error (&c.error);
  }
}

/* Another process holds the write lock: the loop keeps turning while the
 * call waits; after the busy timeout the call fails with the storage error;
 * with the lock gone the next call succeeds. */
static void
test_lock_held_elsewhere (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  Wait w = { f, "locked" }, again = { f, "free" };
  Ticks ticks = { 0 };
  sqlite3 *other = NULL;
  guint tick;
  gint64 start;

  g_assert_true (jd_store_exec_for_test (f->store, "PRAGMA busy_timeout = 600", &error));
  g_assert_cmpint (sqlite3_open (f->path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  tick = g_timeout_add (10, tick_cb, &ticks);
  start = g_get_monotonic_time ();
  jd_store_call_async (f->store, create_job_call, (gpointer) "L", NULL,
                       (GDestroyNotify) jd_store_job_free, NULL, done_cb, &w);
  while (!w.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_null (w.result);
  g_assert_error (w.error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_STORAGE);
  g_assert_nonnull (strstr (w.error->message, "locked"));
  g_clear_error (&w.error);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 500 * 1000);
  /* The loop was never held for the wait (a generous bound for a loaded
   * machine; the wait itself is 600 ms). */
  g_assert_cmpint (ticks.max_gap, <, 300 * 1000);
  g_source_remove (tick);

  g_assert_cmpint (sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);
  jd_store_call_async (f->store, create_job_call, (gpointer) "L", NULL,
                       (GDestroyNotify) jd_store_job_free, NULL, done_cb, &again);
  while (!again.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (again.error);
  g_assert_cmpstr (((JdStoreJob *) again.result)->job_id, ==, "L");
  jd_store_job_free (again.result);
}

static gboolean
flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Once the worker exists, a step timer times out there, and its signals
 * still arrive on the main thread (JOBDECK_TIME_SCALE=0.001: 2 minutes last
 * 120 ms). */
static void
test_timer_on_worker (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreExecution) e = NULL;
  Wait job = { f, "S" }, start = { f, "start" };
  gboolean waited = FALSE;

  jd_store_call_async (f->store, create_job_call, (gpointer) "S", NULL,
                       (GDestroyNotify) jd_store_job_free, NULL, done_cb, &job);
  jd_store_call_async (f->store, start_next_call, NULL, NULL,
                       (GDestroyNotify) jd_store_execution_free, NULL, done_cb, &start);
  while (!job.done || !start.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (start.error);
  g_assert_cmpint (((JdStoreExecution *) start.result)->status, ==, JD_EXECUTION_STATUS_IN_PROGRESS);
  jd_store_job_free (job.result);
  jd_store_execution_free (start.result);
  assert_log (f, "changed:T done:S done:start");

  /* 120 ms, checked every 50 ms for at most 5 s (a loaded machine). */
  for (guint i = 0; i < 100; i++)
    {
      waited = FALSE;
      g_timeout_add (50, flag_cb, &waited);
      while (!waited)
        g_main_context_iteration (NULL, TRUE);
      g_clear_pointer (&e, jd_store_execution_free);
      e = jd_store_get_execution (f->store, "T", "S", -1, &error);
      g_assert_no_error (error);
      if (e->status != JD_EXECUTION_STATUS_IN_PROGRESS && f->log->len > 0)
        break;
    }
  g_assert_cmpint (e->status, ==, JD_EXECUTION_STATUS_TIMED_OUT);
  assert_log (f, "changed:T");
  g_assert_false (f->signal_off_main);
}

typedef struct {
  JdStore *store;
  GError  *error;
  gboolean done;
} Opened;

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  Opened *o = data;

  o->store = jd_store_open_finish (result, &o->error);
  o->done = TRUE;
}

static gboolean
release_cb (gpointer data)
{
  sqlite3 *other = data;

  g_assert_cmpint (sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);
  return G_SOURCE_REMOVE;
}

/* jd_store_open_async(): a database another process holds locked while the
 * store opens (the service's start) makes the open wait on its worker
 * thread, never the main loop; once the lock goes it opens, and its timers
 * run on the caller's context. */
static void
test_open_off_main (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "second.sqlite", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreThing) thing = NULL;
  Opened o = { 0 };
  Ticks ticks = { 0 };
  sqlite3 *other = NULL;
  guint tick;
  gint64 start;

  g_assert_cmpint (sqlite3_open (path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "CREATE TABLE squatter (x); BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);

  tick = g_timeout_add (10, tick_cb, &ticks);
  start = g_get_monotonic_time ();
  jd_store_open_async (path, NULL, opened_cb, &o);
  g_timeout_add (800, release_cb, other);
  while (!o.done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);

  g_assert_no_error (o.error);
  g_assert_nonnull (o.store);
  /* It waited for the lock … */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 700 * 1000);
  /* … and the loop ran all along (a generous bound for a loaded machine). */
  g_assert_cmpint (ticks.max_gap, <, 300 * 1000);

  thing = jd_store_create_thing (o.store, "Opened", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_finalize_object (o.store);
  g_unlink (journal);
  g_unlink (wal);
  g_unlink (shm);
  g_unlink (path);
}


/* ---- asking while the worker is busy ---- */

#define BUSY_CALLS    20
#define BUSY_MS       5
#define ASKED_CALLS   50

/* On the worker, which holds the store meanwhile: a slow commit. */
static gpointer
busy_call (JdStore  *store,
           gpointer  data,
           GError  **error)
{
  g_usleep (BUSY_MS * 1000);
  return GINT_TO_POINTER (1);
}

static void
count_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      data)
{
  guint *done = data;

  g_assert_nonnull (jd_store_call_finish (JD_STORE (object), result, NULL));
  (*done)++;
}

/* Asking for a call never waits for the store: while the worker goes from
 * one 5 ms call to the next, 50 more are asked in far less than one of them
 * (each used to wait for the store's lock, which the worker took back from
 * call to call: at least 50 × 5 ms). */
static void
test_asking_never_waits (Fixture       *f,
                         gconstpointer  data)
{
  guint done = 0;
  gint64 start, asked;

  for (guint i = 0; i < BUSY_CALLS; i++)
    jd_store_call_async (f->store, busy_call, NULL, NULL, NULL, NULL, count_cb, &done);
  g_usleep (2 * BUSY_MS * 1000);   /* the worker is in its queue */

  start = g_get_monotonic_time ();
  for (guint i = 0; i < ASKED_CALLS; i++)
    jd_store_call_async (f->store, busy_call, NULL, NULL, NULL, NULL, count_cb, &done);
  asked = g_get_monotonic_time () - start;
  g_test_message ("%u calls asked in %.2f ms while the worker was busy", ASKED_CALLS, asked / 1000.0);
  g_assert_cmpint (asked, <, BUSY_MS * 1000);

  while (done < BUSY_CALLS + ASKED_CALLS)
    g_main_context_iteration (NULL, TRUE);
}

/* ---- group commit ---- */

#define N_GROUPED 40

/* Job G<i> for T, except that every 7th call asks for an existing job id
 * (ALREADY_EXISTS: its savepoint is rolled back, the others stay). */
static gpointer
grouped_call (JdStore  *store,
              gpointer  data,
              GError  **error)
{
  guint i = GPOINTER_TO_UINT (data);
  g_autofree char *job_id = i % 7 == 6 ? g_strdup ("G0") : g_strdup_printf ("G%u", i);
  const char *names[] = { "T", NULL };
  JdStoreJobSpec spec = { .job_id = job_id, .thing_names = names, .document = "{}" };

  return jd_store_create_job (store, &spec, error);
}

static guint
count_committed_jobs (Fixture *f)
{
  sqlite3 *other = NULL;
  sqlite3_stmt *stmt = NULL;
  guint n;

  g_assert_cmpint (sqlite3_open (f->path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (other, "SELECT count(*) FROM jobs WHERE job_id LIKE 'G%'", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (other);
  return n;
}

static void
run_grouped_calls (Fixture *f)
{
  Wait waits[N_GROUPED];
  g_autofree char *names = NULL;
  guint n_failed = 0;

  for (guint i = 0; i < N_GROUPED; i++)
    {
      waits[i] = (Wait) { f, NULL };
      waits[i].name = g_intern_string (names = (g_free (names), g_strdup_printf ("G%u", i)));
      jd_store_call_async (f->store, grouped_call, GUINT_TO_POINTER (i), NULL,
                           (GDestroyNotify) jd_store_job_free, NULL, done_cb, &waits[i]);
    }
  for (guint i = 0; i < N_GROUPED; i++)
    while (!waits[i].done)
      g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < N_GROUPED; i++)
    {
      g_autofree char *expected = g_strdup_printf ("G%u", i);

      if (i % 7 == 6)
        {
          g_assert_null (waits[i].result);
          g_assert_error (waits[i].error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_ALREADY_EXISTS);
          g_clear_error (&waits[i].error);
          n_failed++;
          continue;
        }
      g_assert_no_error (waits[i].error);
      g_assert_cmpstr (((JdStoreJob *) waits[i].result)->job_id, ==, expected);
      jd_store_job_free (waits[i].result);
    }

  /* Each call done in the order asked, after its own signal (the first
   * job gives T a pending job: a change; the later ones too, as each
   * adds to the pending set), and no call's signal twice. */
  {
    guint next = 0;

    for (guint i = 0; i < f->log->len; i++)
      {
        const char *entry = g_ptr_array_index (f->log, i);

        if (g_str_has_prefix (entry, "done:"))
          {
            g_autofree char *expected = g_strdup_printf ("done:G%u", next);

            g_assert_cmpstr (entry, ==, expected);
            /* A call that made a job had its change just before. */
            if (next % 7 != 6)
              {
                g_assert_cmpuint (i, >, 0);
                g_assert_cmpstr (g_ptr_array_index (f->log, i - 1), ==, "changed:T");
              }
            next++;
          }
      }
    g_assert_cmpuint (next, ==, N_GROUPED);
    g_assert_cmpuint (f->log->len, ==, N_GROUPED + (N_GROUPED - n_failed));
  }
  g_ptr_array_set_size (f->log, 0);

  /* What the calls said they made is on disk for another connection; the
   * failed ones made nothing. */
  g_assert_cmpuint (count_committed_jobs (f), ==, N_GROUPED - n_failed);
}

/* Forty calls asked at once: the ones that waited commit together. */
static void
test_group_commit (Fixture       *f,
                   gconstpointer  data)
{
  guint before = _jd_store_get_commits_for_test (f->store);
  guint commits;

  run_grouped_calls (f);
  commits = _jd_store_get_commits_for_test (f->store) - before;
  g_test_message ("%u calls, %u commits", N_GROUPED, commits);
  /* The first may run alone; the rest waited for it. */
  g_assert_cmpuint (commits, >=, 1);
  g_assert_cmpuint (commits, <=, N_GROUPED / 4);
}

/* The same calls one commit each, as with grouping off: the comparison
 * that shows the count above is grouping's doing. */
static void
test_group_off (Fixture       *f,
                gconstpointer  data)
{
  guint before = _jd_store_get_commits_for_test (f->store);

  _jd_store_set_group_for_test (f->store, FALSE, FALSE);
  run_grouped_calls (f);
  /* One per call that made a job (a failed one commits nothing). */
  g_assert_cmpuint (_jd_store_get_commits_for_test (f->store) - before, ==, N_GROUPED - N_GROUPED / 7);
}

/* Every group's COMMIT fails: each call runs again alone, with the same
 * results and signals, once each. */
static void
test_group_commit_fails (Fixture       *f,
                         gconstpointer  data)
{
  _jd_store_set_group_for_test (f->store, TRUE, TRUE);
  run_grouped_calls (f);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("JOBDECK_TIME_SCALE", "0.001", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store-worker/calls", Fixture, NULL, set_up, test_calls, tear_down);
  g_test_add ("/store-worker/lock-held-elsewhere", Fixture, NULL, set_up, test_lock_held_elsewhere, tear_down);
  g_test_add ("/store-worker/timer-on-worker", Fixture, NULL, set_up, test_timer_on_worker, tear_down);
  g_test_add ("/store-worker/open-off-main", Fixture, NULL, set_up, test_open_off_main, tear_down);
  g_test_add ("/store-worker/asking-never-waits", Fixture, NULL, set_up, test_asking_never_waits, tear_down);
  g_test_add ("/store-worker/group-commit", Fixture, NULL, set_up, test_group_commit, tear_down);
  g_test_add ("/store-worker/group-off", Fixture, NULL, set_up, test_group_off, tear_down);
  g_test_add ("/store-worker/group-commit-fails", Fixture, NULL, set_up, test_group_commit_fails, tear_down);

  return g_test_run ();
}
