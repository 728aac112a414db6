/* bench-app-pending.c — the real app with 10,000 pending executions (issue
 * 17, item 7): Jobdeck (bench-jobdeck-probe: src/app/main.c plus hooks) on
 * its embedded sandbox, whose thing (MyThing, the app's default) has 10,000
 * QUEUED job executions, from exec to the first frame that paints the
 * Device view's list with what the device API lists of them; and its
 * resident size, settled, per pending execution. The same for 1,000.
 * GetPendingJobExecutions returns at most 10 (JD_GET_PENDING_JOBS_MAX), as
 * AWS does: before the service kept that limit, 10,000 pending made a
 * 1.1 MB reply the broker refused and the list never came.
 *
 *   time   exec → the first after-paint of a frame whose layout had the
 *          Device view mapped and its table holding the rows the device API lists, min(N, 10) (the probe's
 *          "list-us"), against a hello-world libadwaita window's first frame
 *          (bench-hello, "first-frame-us"), same launcher, runs alternating,
 *          medians of RUNS; target ≤ 2×. A size whose list is not shown
 *          within LIST_TIMEOUT_S on the uncounted first run is reported as
 *          such and not run again.
 *   memory VmRSS of the app 3 s after that frame, after malloc_trim(), minus
 *          the same for the same app with BASE_PENDING (100) pending,
 *          divided by N − 100; medians of RUNS each; target ≤ 1.5 KB. Not
 *          minus the app with nothing pending: that one shows a status
 *          page, not the table, and lacks its fixed cost (~30 MiB on Xvfb:
 *          the rows GTK binds, their rendering, the documents of the rows
 *          shown, their events), which would count per execution. The app
 *          with nothing pending gives a context row for the time.
 *
 * Each side gets its own XDG_DATA_HOME (where the app keeps its sandbox
 * folder, jobdeck/sandbox/): the store (jobs.sqlite) is made here before the
 * app's first start — MyThing and N jobs targeting it, each with one QUEUED
 * execution (the first by the store's CreateJob, the others SQL copies of
 * its rows) — and the app makes the rest of the folder (certificates, broker
 * configuration) on an uncounted first run. Needs a display, a D-Bus session and an unlocked
 * keyring (run.sh uses Xvfb and dbus-run-session).
 *
 * Usage: bench-app-pending PROBE HELLO
 *        JD_BENCH_PENDING_COUNT=N changes the 10,000;
 *        JD_BENCH_PENDING_FILL=DIR only makes DIR/pending-N (N = 10000, 1000,
 *        0) and exits (to run the probe or jobdeck by hand with
 *        XDG_DATA_HOME set to one of them).
 *
 * Prints Markdown table rows (see jd-bench.h); the single runs go to stderr.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "bench-app-pending"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "jd-bench.h"
#include "jd-rules.h"
#include "jd-sandbox.h"
#include "jd-sandbox-info.h"
#include "jd-store.h"

#define RUNS             5
#define RUN_SECONDS      90
#define DEFAULT_PENDING  10000
#define SMALL_PENDING    1000
#define BASE_PENDING     100    /* the memory baseline: the table filled, few rows */
#define LIST_TIMEOUT_S   30

typedef struct {
  gboolean  done;
  char     *out;
} Exit;

typedef struct {
  double first_ms;   /* exec → first frame */
  double list_ms;    /* exec → list painted; < 0 when it never was */
  double rss_kb;     /* settled; < 0 when not printed */
  char  *missing;    /* "rows synced" when the list never showed, or NULL */
} Run;

static void
exited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  Exit *exit = data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &exit->out, NULL, NULL);
  exit->done = TRUE;
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static double
field (const char *out,
       const char *name,
       double      scale)
{
  const char *line = out != NULL ? strstr (out, name) : NULL;

  if (line == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen (name), NULL, 10) / scale;
}

/* One run of @program; @data_home NULL leaves XDG_DATA_HOME as it is. */
static Run
run_once (const char *program,
          const char *data_home,
          guint       pending)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *t0 = NULL;
  /* GetPendingJobExecutions lists at most JD_GET_PENDING_JOBS_MAX, as AWS
   * does: the list the app can show. */
  g_autofree char *shown = g_strdup_printf ("%u", MIN (pending, JD_GET_PENDING_JOBS_MAX));
  gint64 deadline;
  Exit exit = { 0 };
  Run run;
  guint tick;

  if (data_home != NULL)
    {
      g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
      g_subprocess_launcher_setenv (launcher, "JD_BENCH_PENDING", shown, TRUE);
    }
  t0 = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_monotonic_time ());
  g_subprocess_launcher_setenv (launcher, "JD_BENCH_T0", t0, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, program, NULL);
  if (process == NULL)
    jd_bench_die ("%s: %s", program, error->message);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, exited_cb, &exit);
  tick = g_timeout_add (100, tick_cb, NULL);
  deadline = g_get_monotonic_time () + RUN_SECONDS * G_USEC_PER_SEC;
  while (!exit.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (!exit.done)
    {
      g_printerr ("bench-app-pending: %s did not finish in %d s; stopping it\n", program, RUN_SECONDS);
      g_subprocess_send_signal (process, SIGTERM);
      deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
      while (!exit.done && g_get_monotonic_time () < deadline)
        g_main_context_iteration (NULL, TRUE);
      if (!exit.done)
        g_subprocess_force_exit (process);
      while (!exit.done)
        g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);

  run.first_ms = field (exit.out, "first-frame-us ", 1000.0);
  run.list_ms = field (exit.out, "list-us ", 1000.0);
  run.rss_kb = field (exit.out, "rss-kb ", 1.0);
  {
    const char *missing = exit.out != NULL ? strstr (exit.out, "list-missing ") : NULL;

    run.missing = missing != NULL ? g_strndup (missing + strlen ("list-missing "),
                                               strcspn (missing + strlen ("list-missing "), "\n"))
                                  : NULL;
  }
  g_free (exit.out);
  return run;
}

/* Copies the rows of job @template in every table that has a job_id column
 * as jobs PREFIX00001… (@count − 1 more), leaving out the tables' own
 * AUTOINCREMENT keys: the store's API took 138 s for 10,000 (its checks
 * after each commit grow with the jobs), one INSERT … SELECT per table takes
 * a second, and copying what the API wrote keeps the rows what CreateJob
 * makes whatever the schema. */
static void
clone_job (const char *path,
           const char *template,
           guint       count)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *tables = NULL;
  char *message = NULL;

  if (sqlite3_open (path, &db) != SQLITE_OK)
    jd_bench_die ("bench-app-pending: cannot open %s", path);
  if (sqlite3_exec (db, "BEGIN", NULL, NULL, &message) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "SELECT m.name FROM sqlite_master m WHERE m.type = 'table' AND "
                              "EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = 'job_id')",
                          -1, &tables, NULL) != SQLITE_OK)
    jd_bench_die ("bench-app-pending: %s", message ? message : sqlite3_errmsg (db));
  while (sqlite3_step (tables) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (tables, 0);
      g_autofree char *query = g_strdup_printf ("SELECT name FROM pragma_table_info('%s') "
                                                "WHERE NOT (pk = 1 AND type = 'INTEGER') ORDER BY cid", table);
      g_autoptr(GString) columns = g_string_new (NULL);
      g_autoptr(GString) values = g_string_new (NULL);
      g_autofree char *insert = NULL;
      sqlite3_stmt *stmt = NULL;

      if (sqlite3_prepare_v2 (db, query, -1, &stmt, NULL) != SQLITE_OK)
        jd_bench_die ("bench-app-pending: %s", sqlite3_errmsg (db));
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          const char *column = (const char *) sqlite3_column_text (stmt, 0);

          g_string_append_printf (columns, "%s\"%s\"", columns->len ? ", " : "", column);
          if (strcmp (column, "job_id") == 0)
            g_string_append_printf (values, "%sprintf('pending-%%05d', n.i)", values->len ? ", " : "");
          else
            g_string_append_printf (values, "%st.\"%s\"", values->len ? ", " : "", column);
        }
      sqlite3_finalize (stmt);
      insert = g_strdup_printf ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < %u) "
                                "INSERT INTO \"%s\" (%s) SELECT %s FROM n, \"%s\" t WHERE t.job_id = '%s' ORDER BY n.i",
                                count, table, columns->str, values->str, table, template);
      if (sqlite3_exec (db, insert, NULL, NULL, &message) != SQLITE_OK)
        jd_bench_die ("bench-app-pending: %s\n%s", message, insert);
    }
  sqlite3_finalize (tables);
  if (sqlite3_exec (db, "COMMIT", NULL, NULL, &message) != SQLITE_OK)
    jd_bench_die ("bench-app-pending: %s", message);
  sqlite3_close (db);
}

/* DATA_HOME/jobdeck/sandbox/jobs.sqlite with MyThing and @pending jobs
 * targeting it, each with one QUEUED execution: the first made by the
 * store's CreateJob, the others copies of it. */
static void
fill (const char *data_home,
      guint       pending)
{
  g_autofree char *dir = g_build_filename (data_home, "jobdeck", "sandbox", NULL);
  g_autofree char *path = g_build_filename (dir, JD_SANDBOX_STORE_FILE, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStore) store = NULL;
  const char *things[] = { JD_SANDBOX_INFO_DEFAULT_THING, NULL };
  g_autofree char *arn = g_strdup_printf ("arn:aws:iot:%s:%s:thing/%s", JD_SANDBOX_REGION,
                                          JD_SANDBOX_ACCOUNT_ID, JD_SANDBOX_INFO_DEFAULT_THING);
  const char *targets[] = { arn, NULL };
  gint64 start = g_get_monotonic_time ();

  if (g_mkdir_with_parents (dir, 0700) != 0)
    jd_bench_die ("bench-app-pending: cannot make %s", dir);
  store = jd_store_open (path, &error);
  if (store == NULL)
    jd_bench_die ("bench-app-pending: %s", error->message);
  {
    JdStoreThing *thing = jd_store_create_thing (store, JD_SANDBOX_INFO_DEFAULT_THING, NULL, NULL, NULL, &error);

    if (thing == NULL)
      jd_bench_die ("bench-app-pending: %s", error->message);
    jd_store_thing_free (thing);
  }
  if (pending > 0)
    {
      JdStoreJobSpec spec = { 0 };
      JdStoreJob *job;

      spec.job_id = "pending-00000";
      spec.targets = targets;
      spec.thing_names = things;
      spec.document = "{\"operation\":\"bench\"}";
      job = jd_store_create_job (store, &spec, &error);
      if (job == NULL)
        jd_bench_die ("bench-app-pending: %s", error->message);
      jd_store_job_free (job);
    }
  g_clear_object (&store);
  if (pending > 1)
    clone_job (path, "pending-00000", pending);

  /* Opened again as the app will: the store checks what it holds. */
  store = jd_store_open (path, &error);
  if (store == NULL)
    jd_bench_die ("bench-app-pending: %s", error->message);
  {
    g_autoptr(GPtrArray) running = NULL;
    g_autoptr(GPtrArray) queued = NULL;

    if (!jd_store_get_pending (store, JD_SANDBOX_INFO_DEFAULT_THING, &running, &queued, &error))
      jd_bench_die ("bench-app-pending: %s", error->message);
    if (running->len + queued->len != pending)
      jd_bench_die ("bench-app-pending: %u pending executions made, %u wanted", running->len + queued->len, pending);
  }
  g_printerr ("bench-app-pending: %u pending executions made in %.1f s\n", pending, jd_bench_elapsed (start));
}

typedef struct {
  guint   pending;
  char   *home;
  GArray *list;      /* ms */
  GArray *rss;       /* KiB */
  char   *missing;   /* why the warm-up run never showed the list */
} Side;

static Side *
side_new (const char *work,
          guint       pending)
{
  Side *side = g_new0 (Side, 1);
  g_autofree char *name = g_strdup_printf ("pending-%u", pending);

  side->pending = pending;
  side->home = g_build_filename (work, name, NULL);
  side->list = g_array_new (FALSE, FALSE, sizeof (double));
  side->rss = g_array_new (FALSE, FALSE, sizeof (double));
  fill (side->home, pending);
  return side;
}

static void
side_free (Side *side)
{
  g_free (side->home);
  g_array_unref (side->list);
  g_array_unref (side->rss);
  g_free (side->missing);
  g_free (side);
}

static void
side_run (Side       *side,
          const char *probe)
{
  Run run = run_once (probe, side->home, side->pending);

  g_printerr ("bench-app-pending: %u pending: first frame %.0f ms, list %.0f ms, RSS %.0f KiB%s%s\n",
              side->pending, run.first_ms, run.list_ms, run.rss_kb,
              run.missing ? ", never shown: rows, synced " : "", run.missing ? run.missing : "");
  if (run.list_ms >= 0)
    g_array_append_val (side->list, run.list_ms);
  if (run.rss_kb >= 0)
    g_array_append_val (side->rss, run.rss_kb);
  g_free (run.missing);
}

static void
side_rows (Side   *side,
           Side   *base,
           GArray *hello)
{
  g_autofree char *title = g_strdup_printf ("App with %u pending executions (time vs hello-world window's first frame; memory vs the app with " G_STRINGIFY (BASE_PENDING) "), "
                                            "medians of " G_STRINGIFY (RUNS), side->pending);
  char a[96], b[96];

  if (side->missing != NULL)
    {
      g_autofree char *reason = g_strdup_printf ("the Device view never showed the list (after %d s: %s)",
                                                 LIST_TIMEOUT_S, side->missing);

      jd_bench_row_skipped (title, reason);
      return;
    }
  if (side->list->len == 0 || hello->len == 0)
    jd_bench_row_skipped (title, "the list or the hello-world window was never painted (see stderr)");
  else
    {
      double l = jd_bench_percentile (side->list, 50);
      double h = jd_bench_percentile (hello, 50);

      g_snprintf (a, sizeof a, "%.0f ms", l);
      g_snprintf (b, sizeof b, "%.0f ms", h);
      jd_bench_row (title, "exec → Device view's list painted (lower is better)", a, b, l / h, "≤ 2×");
    }
  if (side->rss->len == 0 || base->rss->len == 0)
    jd_bench_row_skipped (title, "a run printed no resident size (see stderr)");
  else
    {
      double f = jd_bench_percentile (side->rss, 50);
      double e = jd_bench_percentile (base->rss, 50);

      g_snprintf (a, sizeof a, "%.0f B per execution (RSS %.1f MiB)",
                  (f - e) * 1024.0 / (side->pending - base->pending), f / 1024.0);
      g_snprintf (b, sizeof b, "RSS %.1f MiB with " G_STRINGIFY (BASE_PENDING) " pending", e / 1024.0);
      jd_bench_row (title, "resident size settled: (RSS − RSS with " G_STRINGIFY (BASE_PENDING) ") / "
                    "(executions − " G_STRINGIFY (BASE_PENDING) ") (lower is better)",
                    a, b, f / e, "≤ 1.5 KB per execution");
    }
}

int
main (int   argc,
      char *argv[])
{
  const char *count = g_getenv ("JD_BENCH_PENDING_COUNT");
  guint pending = count != NULL ? (guint) g_ascii_strtoull (count, NULL, 10) : DEFAULT_PENDING;
  g_autoptr(GArray) hello = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GPtrArray) sides = g_ptr_array_new_with_free_func ((GDestroyNotify) side_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *work = NULL;
  gboolean fill_only = g_getenv ("JD_BENCH_PENDING_FILL") != NULL;
  Side *empty, *base;
  Run run;

  if (argc != 3 || pending == 0)
    jd_bench_die ("usage: bench-app-pending PROBE HELLO");

  if (fill_only)
    work = g_strdup (g_getenv ("JD_BENCH_PENDING_FILL"));
  else if ((work = g_dir_make_tmp ("jobdeck-bench-pending-XXXXXX", &error)) == NULL)
    jd_bench_die ("%s", error->message);
  g_setenv ("JD_BENCH_LIST_TIMEOUT_MS", G_STRINGIFY (LIST_TIMEOUT_S) "000", TRUE);

  /* The size, and one whose GetPendingJobExecutions reply fits in
   * an MQTT message (see bench/README.md). */
  g_ptr_array_add (sides, side_new (work, pending));
  if (pending > SMALL_PENDING)
    g_ptr_array_add (sides, side_new (work, SMALL_PENDING));
  base = side_new (work, BASE_PENDING);
  empty = side_new (work, 0);
  if (fill_only)
    {
      side_free (base);
      side_free (empty);
      return 0;
    }

  /* One of each first, uncounted: the sandbox folders' certificates, the
   * page cache, fontconfig's cache. A size whose list never shows is not
   * run again. */
  for (guint s = 0; s < sides->len; s++)
    {
      Side *side = g_ptr_array_index (sides, s);

      run = run_once (argv[1], side->home, side->pending);
      side->missing = g_steal_pointer (&run.missing);
      if (side->missing != NULL)
        g_printerr ("bench-app-pending: %u pending: the list never showed (rows, synced: %s)\n",
                    side->pending, side->missing);
    }
  run = run_once (argv[1], base->home, base->pending);
  g_free (run.missing);
  run = run_once (argv[1], empty->home, 0);
  g_free (run.missing);
  run = run_once (argv[2], NULL, 0);
  g_free (run.missing);

  for (guint i = 0; i < RUNS; i++)
    {
      for (guint s = 0; s < sides->len; s++)
        {
          Side *side = g_ptr_array_index (sides, s);

          if (side->missing == NULL)
            side_run (side, argv[1]);
        }
      side_run (base, argv[1]);
      side_run (empty, argv[1]);
      run = run_once (argv[2], NULL, 0);
      g_printerr ("bench-app-pending: hello: first frame %.0f ms\n", run.first_ms);
      if (run.first_ms >= 0)
        g_array_append_val (hello, run.first_ms);
      g_free (run.missing);
    }

  for (guint s = 0; s < sides->len; s++)
    side_rows (g_ptr_array_index (sides, s), base, hello);
  if (empty->list->len > 0 && hello->len > 0)
    {
      char a[64], b[64];
      double e = jd_bench_percentile (empty->list, 50);
      double h = jd_bench_percentile (hello, 50);

      g_snprintf (a, sizeof a, "%.0f ms", e);
      g_snprintf (b, sizeof b, "%.0f ms", h);
      jd_bench_row ("App with 0 pending executions (context)", "exec → connected and synced, painted", a, b, e / h, "");
    }

  side_free (base);
  side_free (empty);
  jd_bench_remove_tree (work);
  return 0;
}
