/* bench-store.c — the cost of one store request against the size of the
 * store: CreateJob, UpdateJobExecution and ListJobExecutionsForJob on a
 * large store (10,000 jobs of 10 targets on 100,000 things, plus one job of
 * 10,000 targets: 110,000 executions) against the same requests on a small
 * one (100 jobs of 10 targets on 1,000 things, plus one job of 100 targets:
 * 1,100 executions). Both stores are SQLite files in the same temporary
 * folder, filled alike (per job: one QUEUED execution, one IN_PROGRESS with an
 * in-progress deadline a day away, eight SUCCEEDED; so every job is
 * IN_PROGRESS and every thing has the same pending set in both), then opened
 * as the service opens them. The requests run in rounds, alternating small
 * and large, and each figure is the median of its calls:
 *
 * - CreateJob: a SNAPSHOT job for one fresh thing;
 * - UpdateJobExecution: that execution QUEUED → IN_PROGRESS, then
 *   IN_PROGRESS → SUCCEEDED (which completes the job);
 * - ListJobExecutionsForJob: the first page of 50 of the wide job (10,000
 *   targets in the large store, 100 in the small one).
 *
 * The ratio is large over small; the target is ≤ 1.3×. A last row prices the
 * worker thread (jd_store_call_async: the store's work off the main loop):
 * the same UpdateJobExecution pair on the small store through the worker,
 * the main loop iterated until the reply, against the synchronous calls
 * above. Prints Markdown table rows (see jd-bench.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "bench-store"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>

#include "jd-bench.h"
#include "jd-store.h"

#define ROUNDS          6
#define OPS_PER_ROUND   50
#define TARGETS_PER_JOB 10

typedef struct {
  const char *label;
  guint       n_jobs;
  guint       wide_targets;
  char       *path;
  JdStore    *store;
  guint       next;          /* the next fresh thing / job */
  GArray     *create;        /* µs per call */
  GArray     *update;
  GArray     *list;
} Size;

static void
sql (sqlite3    *db,
     const char *text)
{
  char *message = NULL;

  if (sqlite3_exec (db, text, NULL, NULL, &message) != SQLITE_OK)
    jd_bench_die ("bench-store: SQL failed: %s\n%s", message, text);
}

static gboolean
has_column (sqlite3    *db,
            const char *table,
            const char *column)
{
  g_autofree char *query = g_strdup_printf ("SELECT 1 FROM pragma_table_info('%s') WHERE name = '%s'",
                                            table, column);
  sqlite3_stmt *stmt = NULL;
  gboolean found;

  if (sqlite3_prepare_v2 (db, query, -1, &stmt, NULL) != SQLITE_OK)
    jd_bench_die ("bench-store: %s", sqlite3_errmsg (db));
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return found;
}

/* Fills a store created by jd_store_open() and closed again, with plain SQL
 * in one transaction (the API would take minutes for 100,000 executions). */
static void
populate (Size *size)
{
  sqlite3 *db = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 far_ms = g_get_real_time () / 1000 + 24 * 3600 * 1000;
  guint n_things = size->n_jobs * TARGETS_PER_JOB;
  gboolean targets_in_jobs;
  g_autofree char *things = NULL;
  g_autofree char *jobs = NULL;
  g_autofree char *executions = NULL;
  g_autofree char *wide = NULL;
  g_autofree char *wide_executions = NULL;
  const char *arn = "'arn:aws:iot:us-east-1:123456789012:thing/t-'";

  if (sqlite3_open (size->path, &db) != SQLITE_OK)
    jd_bench_die ("bench-store: cannot open %s", size->path);
  /* The schema keeps the target list in `jobs` or (since schema 2) in
   * `job_targets`; the bench fills whichever it has. */
  targets_in_jobs = has_column (db, "jobs", "targets");

  things = g_strdup_printf (
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < %u) "
    "INSERT INTO things (name, thing_id, attributes, version, created_at) "
    "SELECT printf('t-%%06d', i), printf('id-%%d', i), '{}', 1, %" G_GINT64_FORMAT " FROM n;",
    n_things, now);
  jobs = g_strdup_printf (
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < %u) "
    "INSERT INTO jobs (job_id, status, target_selection, %s document, created_at, last_updated_at) "
    "SELECT printf('job-%%06d', i), 'IN_PROGRESS', 'SNAPSHOT', %s "
    "'{\"operation\":\"bench\",\"pad\":\"' || hex(zeroblob(200)) || '\"}', %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT " FROM n;",
    size->n_jobs, targets_in_jobs ? "targets," : "",
    targets_in_jobs ? "(SELECT json_group_array(" "'arn:aws:iot:us-east-1:123456789012:thing/t-' || printf('%06d', i * 10 + k)) "
                      "FROM (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 "
                      "UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)),"
                    : "",
    now, now);
  executions = g_strdup_printf (
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < %u) "
    "INSERT INTO executions (job_id, thing_name, execution_number, status, queued_at, started_at, "
    "last_updated_at, version_number, progress_deadline_ms) "
    "SELECT printf('job-%%06d', i / 10), printf('t-%%06d', i), 1, "
    "CASE i %% 10 WHEN 0 THEN 'QUEUED' WHEN 1 THEN 'IN_PROGRESS' ELSE 'SUCCEEDED' END, "
    "%" G_GINT64_FORMAT ", CASE i %% 10 WHEN 0 THEN 0 ELSE %" G_GINT64_FORMAT " END, %" G_GINT64_FORMAT ", "
    "CASE i %% 10 WHEN 0 THEN 1 WHEN 1 THEN 2 ELSE 3 END, "
    "CASE i %% 10 WHEN 1 THEN %" G_GINT64_FORMAT " ELSE 0 END FROM n;",
    n_things, now, now, now, far_ms);
  /* The wide job: every execution SUCCEEDED (the pending sets stay alike). */
  if (targets_in_jobs)
    wide = g_strdup_printf (
      "INSERT INTO jobs (job_id, status, target_selection, targets, document, created_at, last_updated_at) "
      "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < %u) "
      "SELECT 'wide', 'COMPLETED', 'SNAPSHOT', json_group_array(%s || printf('%%06d', i)), "
      "'{\"operation\":\"wide\"}', %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT " FROM n;",
      size->wide_targets, arn, now, now);
  else
    wide = g_strdup_printf (
      "INSERT INTO jobs (job_id, status, target_selection, document, created_at, last_updated_at) "
      "VALUES ('wide', 'COMPLETED', 'SNAPSHOT', '{\"operation\":\"wide\"}', %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ");"
      "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < %u) "
      "INSERT INTO job_targets (job_id, targets) "
      "SELECT 'wide', json_group_array(%s || printf('%%06d', i)) FROM n;"
      "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < %u) "
      "INSERT INTO job_targets (job_id, targets) SELECT printf('job-%%06d', i), "
      "json_array(%s || printf('%%06d', i * 10)) FROM n;",
      now, now, size->wide_targets, arn, size->n_jobs, arn);
  wide_executions = g_strdup_printf (
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < %u) "
    "INSERT INTO executions (job_id, thing_name, execution_number, status, queued_at, started_at, "
    "last_updated_at, version_number) "
    "SELECT 'wide', printf('t-%%06d', i), 1, 'SUCCEEDED', %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", "
    "%" G_GINT64_FORMAT ", 3 FROM n;",
    size->wide_targets, now, now, now);

  sql (db, "BEGIN");
  sql (db, things);
  sql (db, jobs);
  sql (db, executions);
  sql (db, wide);
  sql (db, wide_executions);
  sql (db, "COMMIT");
  sqlite3_close (db);
}

static void
open_size (Size       *size,
           const char *folder)
{
  g_autoptr(GError) error = NULL;
  JdStore *store;

  size->path = g_strdup_printf ("%s/%s.sqlite", folder, size->label);
  store = jd_store_open (size->path, &error);     /* creates the schema */
  if (store == NULL)
    jd_bench_die ("bench-store: %s", error->message);
  g_object_unref (store);
  populate (size);
  size->store = jd_store_open (size->path, &error);
  if (size->store == NULL)
    jd_bench_die ("bench-store: %s", error->message);
  jd_store_set_request_rate (size->store, 0);

  /* The fresh things of the CreateJob calls, made before any timing. */
  for (guint i = 0; i < ROUNDS * OPS_PER_ROUND; i++)
    {
      g_autofree char *name = g_strdup_printf ("bench-%04u", i);
      g_autoptr(JdStoreThing) thing = jd_store_create_thing (size->store, name, NULL, NULL, NULL, &error);

      if (thing == NULL)
        jd_bench_die ("bench-store: %s", error->message);
    }

  size->create = g_array_new (FALSE, FALSE, sizeof (double));
  size->update = g_array_new (FALSE, FALSE, sizeof (double));
  size->list = g_array_new (FALSE, FALSE, sizeof (double));
}

static void
record (GArray *values,
        gint64  start)
{
  double us = (double) (g_get_monotonic_time () - start);

  g_array_append_val (values, us);
}

static void
round_of (Size *size)
{
  for (guint k = 0; k < OPS_PER_ROUND; k++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *thing_name = g_strdup_printf ("bench-%04u", size->next);
      g_autofree char *job_id = g_strdup_printf ("bench-job-%04u", size->next);
      g_autofree char *arn = g_strdup_printf ("arn:aws:iot:us-east-1:123456789012:thing/%s", thing_name);
      const char *names[] = { thing_name, NULL };
      const char *targets[] = { arn, NULL };
      JdStoreJobSpec spec = {
        .job_id = job_id,
        .targets = targets,
        .thing_names = names,
        .document = "{\"operation\":\"bench\"}",
      };
      JdStoreUpdate update = { .expected_version = -1, .execution_number = -1 };
      g_autoptr(JdStoreJob) job = NULL;
      g_autoptr(JdStoreExecution) started = NULL;
      g_autoptr(JdStoreExecution) done = NULL;
      g_autoptr(GPtrArray) page = NULL;
      gboolean more = FALSE;
      gint64 start;

      size->next++;

      start = g_get_monotonic_time ();
      job = jd_store_create_job (size->store, &spec, &error);
      record (size->create, start);
      if (job == NULL)
        jd_bench_die ("bench-store: CreateJob: %s", error->message);

      update.status = JD_EXECUTION_STATUS_IN_PROGRESS;
      start = g_get_monotonic_time ();
      started = jd_store_update_execution (size->store, thing_name, job_id, &update, NULL, &error);
      record (size->update, start);
      if (started == NULL)
        jd_bench_die ("bench-store: UpdateJobExecution: %s", error->message);

      update.status = JD_EXECUTION_STATUS_SUCCEEDED;
      start = g_get_monotonic_time ();
      done = jd_store_update_execution (size->store, thing_name, job_id, &update, NULL, &error);
      record (size->update, start);
      if (done == NULL)
        jd_bench_die ("bench-store: UpdateJobExecution: %s", error->message);

      start = g_get_monotonic_time ();
      page = jd_store_list_executions_for_job (size->store, "wide", NULL, NULL, 50, &more, &error);
      record (size->list, start);
      if (page == NULL || page->len != 50 || !more)
        jd_bench_die ("bench-store: ListJobExecutionsForJob: %s", error != NULL ? error->message : "short page");
    }
}

typedef struct {
  const char *thing_name;
  const char *job_id;
  JdExecutionStatus status;
} UpdateCall;

static gpointer
update_call (JdStore  *store,
             gpointer  data,
             GError  **error)
{
  UpdateCall *call = data;
  JdStoreUpdate update = { .status = call->status, .expected_version = -1, .execution_number = -1 };

  return jd_store_update_execution (store, call->thing_name, call->job_id, &update, NULL, error);
}

static void
update_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreExecution) e = jd_store_call_finish (JD_STORE (object), result, &error);

  if (e == NULL)
    jd_bench_die ("bench-store: UpdateJobExecution on the worker: %s", error->message);
  *(gboolean *) data = TRUE;
}

/* CreateJob synchronously (not timed), then the two updates through the
 * worker, each timed from the call to its reply on the main loop. */
static void
worker_round (Size   *size,
              GArray *times)
{
  for (guint k = 0; k < OPS_PER_ROUND; k++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *thing_name = g_strdup_printf ("bench-w-%04u", size->next);
      g_autofree char *job_id = g_strdup_printf ("bench-w-job-%04u", size->next);
      const char *names[] = { thing_name, NULL };
      JdStoreJobSpec spec = { .job_id = job_id, .thing_names = names, .document = "{}" };
      g_autoptr(JdStoreThing) thing = jd_store_create_thing (size->store, thing_name, NULL, NULL, NULL, &error);
      g_autoptr(JdStoreJob) job = NULL;

      size->next++;
      if (thing == NULL || (job = jd_store_create_job (size->store, &spec, &error)) == NULL)
        jd_bench_die ("bench-store: %s", error->message);

      for (guint step = 0; step < 2; step++)
        {
          UpdateCall call = { thing_name, job_id,
                              step == 0 ? JD_EXECUTION_STATUS_IN_PROGRESS : JD_EXECUTION_STATUS_SUCCEEDED };
          gboolean done = FALSE;
          gint64 start = g_get_monotonic_time ();

          jd_store_call_async (size->store, update_call, &call, NULL,
                               (GDestroyNotify) jd_store_execution_free, NULL, update_done_cb, &done);
          while (!done)
            g_main_context_iteration (NULL, TRUE);
          record (times, start);
        }
    }
}

static void
row (const char *what,
     GArray     *large,
     GArray     *small)
{
  double l = jd_bench_percentile (large, 50);
  double s = jd_bench_percentile (small, 50);
  g_autofree char *benchmark = g_strdup_printf ("Store: %s at 10,000 jobs / 110,000 executions "
                                                "(vs at 100 jobs / 1,100 executions)", what);
  g_autofree char *ours = g_strdup_printf ("%.0f µs", l);
  g_autofree char *base = g_strdup_printf ("%.0f µs", s);

  jd_bench_row (benchmark, "median per call (" G_STRINGIFY (ROUNDS) " × " G_STRINGIFY (OPS_PER_ROUND) " calls)",
                ours, base, l / s, "≤ 1.3×");
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_dir_make_tmp ("jobdeck-bench-store-XXXXXX", &error);
  Size small = { .label = "small", .n_jobs = 100, .wide_targets = 100 };
  Size large = { .label = "large", .n_jobs = 10000, .wide_targets = 10000 };
  gint64 start;

  if (folder == NULL)
    jd_bench_die ("bench-store: %s", error->message);

  start = g_get_monotonic_time ();
  open_size (&small, folder);
  open_size (&large, folder);
  fprintf (stderr, "bench-store: stores filled and opened in %.1f s (%s)\n",
           jd_bench_elapsed (start), folder);

  for (guint r = 0; r < ROUNDS; r++)
    {
      round_of (&small);
      round_of (&large);
    }

  row ("CreateJob (1 target)", large.create, small.create);
  row ("UpdateJobExecution (QUEUED → IN_PROGRESS → SUCCEEDED)", large.update, small.update);
  row ("ListJobExecutionsForJob (first page of 50 of a 10,000- vs 100-target job)", large.list, small.list);

  {
    g_autoptr(GArray) worker = g_array_new (FALSE, FALSE, sizeof (double));
    double on_worker, direct;
    g_autofree char *ours = NULL;
    g_autofree char *base = NULL;

    for (guint r = 0; r < ROUNDS; r++)
      worker_round (&small, worker);
    on_worker = jd_bench_percentile (worker, 50);
    direct = jd_bench_percentile (small.update, 50);
    ours = g_strdup_printf ("%.0f µs", on_worker);
    base = g_strdup_printf ("%.0f µs", direct);
    jd_bench_row ("Store: UpdateJobExecution through the worker thread (jd_store_call_async, reply on the "
                  "main loop) vs called on the main loop, small store",
                  "median per call (" G_STRINGIFY (ROUNDS) " × " G_STRINGIFY (OPS_PER_ROUND) " × 2 calls)",
                  ours, base, on_worker / direct, "context");
  }

  g_clear_object (&small.store);
  g_clear_object (&large.store);
  for (Size *s = &small; s != NULL; s = s == &small ? &large : NULL)
    {
      g_autofree char *wal = g_strconcat (s->path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (s->path, "-shm", NULL);

      g_unlink (s->path);
      g_unlink (wal);
      g_unlink (shm);
      g_free (s->path);
      g_array_unref (s->create);
      g_array_unref (s->update);
      g_array_unref (s->list);
    }
  g_rmdir (folder);
  return 0;
}
