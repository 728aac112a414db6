/* bench-idle.c — idle cost: starts the real Jobdeck app (which starts its
 * sandbox: mosquitto and the jobs service in-process), a hello-world
 * libadwaita window (bench-hello) and the jobdeck-service daemon, lets them
 * settle, then samples each for 30 idle seconds (JD_BENCH_IDLE_SECONDS):
 *
 *   CPU seconds   utime + stime of the process, /proc/PID/stat fields 14 + 15
 *                 (all its threads, in clock ticks of 10 ms);
 *   wake-ups/s    the increase of voluntary_ctxt_switches in
 *                 /proc/PID/task/TID/status, summed over the threads: each
 *                 time a thread sleeps and is woken again counts once.
 *
 * The app is compared with the hello-world window (same toolkit, same
 * display, nothing to do); jobdeck-service with the mosquitto it runs (an
 * idle daemon with the same connections). The brokers' figures go to the
 * notes. Needs a display (run.sh uses Xvfb and a private D-Bus session).
 *
 * Usage: bench-idle JOBDECK HELLO JOBDECK_SERVICE
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "bench-idle"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "jd-bench.h"

#define SETTLE_SECONDS  5
#define START_SECONDS   60

typedef struct {
  guint64     ticks;     /* utime + stime */
  GHashTable *wakeups;   /* thread id → voluntary context switches */
} Sample;

/* Fields 14 and 15 of /proc/PID/stat; FALSE when the process is gone. */
static gboolean
read_ticks (pid_t    pid,
            guint64 *ticks)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_comm;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  /* The command name (field 2) may hold spaces: fields 3… follow its ')'. */
  after_comm = strrchr (text, ')');
  if (after_comm == NULL)
    return FALSE;
  fields = g_strsplit (after_comm + 2, " ", -1);
  if (g_strv_length (fields) < 13)
    return FALSE;
  /* fields[0] is field 3, so 14 and 15 are [11] and [12]. */
  *ticks = g_ascii_strtoull (fields[11], NULL, 10) + g_ascii_strtoull (fields[12], NULL, 10);
  return TRUE;
}

/* voluntary_ctxt_switches of each thread of @pid, by thread id. */
static GHashTable *
read_wakeups (pid_t pid)
{
  g_autofree char *task_dir = g_strdup_printf ("/proc/%d/task", (int) pid);
  g_autoptr(GDir) dir = g_dir_open (task_dir, 0, NULL);
  GHashTable *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *tid;

  while (dir != NULL && (tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (task_dir, tid, "status", NULL);
      g_autofree char *text = NULL;
      const char *line;

      if (!g_file_get_contents (path, &text, NULL, NULL))
        continue;
      line = strstr (text, "\nvoluntary_ctxt_switches:");
      if (line != NULL)
        g_hash_table_insert (counts, g_strdup (tid),
                             GSIZE_TO_POINTER (g_ascii_strtoull (line + strlen ("\nvoluntary_ctxt_switches:"), NULL, 10)));
    }
  return counts;
}

static gboolean
sample (pid_t   pid,
        Sample *out)
{
  if (pid <= 0 || !read_ticks (pid, &out->ticks))
    return FALSE;
  out->wakeups = read_wakeups (pid);
  return TRUE;
}

/* The thread of @pid that woke most between two samples, as "name (N/s)". */
static char *
busiest_thread (pid_t       pid,
                GHashTable *before,
                GHashTable *after,
                double      seconds)
{
  GHashTableIter iter;
  gpointer tid, count;
  const char *best = NULL;
  gsize best_delta = 0;
  g_autofree char *path = NULL;
  g_autofree char *comm = NULL;
  g_autofree char *main_tid = g_strdup_printf ("%d", (int) pid);

  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &tid, &count))
    {
      gsize was = GPOINTER_TO_SIZE (g_hash_table_lookup (before, tid));
      gsize delta = GPOINTER_TO_SIZE (count) >= was ? GPOINTER_TO_SIZE (count) - was : 0;

      if (delta > best_delta)
        {
          best = tid;
          best_delta = delta;
        }
    }
  if (best == NULL)
    return g_strdup ("none");
  path = g_strdup_printf ("/proc/%d/task/%s/comm", (int) pid, best);
  if (!g_file_get_contents (path, &comm, NULL, NULL))
    comm = g_strdup ("?");
  return g_strdup_printf ("%s%s (%.1f/s)", g_strstrip (comm),
                          strcmp (best, main_tid) == 0 ? ", the main thread" : "",
                          best_delta / seconds);
}

/* Wake-ups between two samples, thread by thread: a thread that started in
 * between counts whole; one that ended in between is lost (thread-pool
 * workers come and go, so this can only undercount). */
static guint64
wakeups_between (GHashTable *before,
                 GHashTable *after)
{
  GHashTableIter iter;
  gpointer tid, count;
  guint64 total = 0;

  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &tid, &count))
    {
      gsize was = GPOINTER_TO_SIZE (g_hash_table_lookup (before, tid));

      if (GPOINTER_TO_SIZE (count) >= was)
        total += GPOINTER_TO_SIZE (count) - was;
    }
  return total;
}

/* The first process named @comm whose parent is @parent, or 0. */
static pid_t
find_child (pid_t       parent,
            const char *comm)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *text = NULL;
      const char *open, *close;
      pid_t pid = (pid_t) g_ascii_strtoll (name, NULL, 10);

      if (pid <= 0)
        continue;
      path = g_strdup_printf ("/proc/%s/stat", name);
      if (!g_file_get_contents (path, &text, NULL, NULL))
        continue;
      open = strchr (text, '(');
      close = strrchr (text, ')');
      if (open == NULL || close == NULL || close[1] == '\0')
        continue;
      /* Field 4 (ppid) follows the state (field 3). */
      if ((pid_t) g_ascii_strtoll (close + 4, NULL, 10) == parent &&
          (gsize) (close - open - 1) == strlen (comm) &&
          strncmp (open + 1, comm, close - open - 1) == 0)
        return pid;
    }
  return 0;
}

static GSubprocess *
spawn (const char *const *argv,
       const char        *stay)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  if (stay != NULL)
    g_subprocess_launcher_setenv (launcher, "JD_BENCH_STAY", stay, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (process == NULL)
    jd_bench_die ("%s: %s", argv[0], error->message);
  return process;
}

static void
stop (GSubprocess *process)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_subprocess_send_signal (process, SIGTERM);
  while (g_get_monotonic_time () < deadline)
    {
      if (g_subprocess_get_identifier (process) == NULL)
        break;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (50000);
    }
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
}

static pid_t
pid_of (GSubprocess *process)
{
  const char *id = g_subprocess_get_identifier (process);

  return id != NULL ? (pid_t) g_ascii_strtoll (id, NULL, 10) : 0;
}

typedef struct {
  double cpu_s;
  double wakeups_per_s;
} Idle;

static Idle
idle_of (const Sample *a,
         const Sample *b,
         double        seconds)
{
  Idle idle;

  idle.cpu_s = (double) (b->ticks - a->ticks) / sysconf (_SC_CLK_TCK);
  idle.wakeups_per_s = (double) wakeups_between (a->wakeups, b->wakeups) / seconds;
  return idle;
}

/* Idle figures can be 0: the ratio's denominator is at least one clock tick
 * (CPU) or one wake-up over the whole window. */
static void
rows (const char *benchmark,
      Idle        ours,
      Idle        base,
      double      seconds,
      const char *cpu_target,
      const char *wakeup_target)
{
  double tick = 1.0 / sysconf (_SC_CLK_TCK);
  char a[64], b[64];
  g_autofree char *metric = g_strdup_printf ("CPU seconds over %.0f idle seconds (lower is better)", seconds);

  g_snprintf (a, sizeof a, "%.2f s", ours.cpu_s);
  g_snprintf (b, sizeof b, "%.2f s", base.cpu_s);
  jd_bench_row (benchmark, metric, a, b, MAX (ours.cpu_s, tick) / MAX (base.cpu_s, tick), cpu_target);
  g_snprintf (a, sizeof a, "%.1f /s", ours.wakeups_per_s);
  g_snprintf (b, sizeof b, "%.1f /s", base.wakeups_per_s);
  jd_bench_row (benchmark, "wake-ups per second, all threads (lower is better)", a, b,
                MAX (ours.wakeups_per_s, 1.0 / seconds) / MAX (base.wakeups_per_s, 1.0 / seconds),
                wakeup_target);
}

int
main (int   argc,
      char *argv[])
{
  const char *seconds_text = g_getenv ("JD_BENCH_IDLE_SECONDS");
  double seconds = seconds_text != NULL ? g_ascii_strtod (seconds_text, NULL) : 30;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autoptr(GSubprocess) app = NULL;
  g_autoptr(GSubprocess) hello = NULL;
  g_autoptr(GSubprocess) service = NULL;
  pid_t app_pid, hello_pid, service_pid, app_broker = 0, service_broker = 0;
  Sample s0[5] = { { 0 } }, s1[5] = { { 0 } };
  gint64 deadline;
  char cpu_target[64];

  if (argc != 4)
    jd_bench_die ("usage: bench-idle JOBDECK HELLO JOBDECK_SERVICE");

  data_dir = g_dir_make_tmp ("jobdeck-bench-idle-XXXXXX", &error);
  if (data_dir == NULL)
    jd_bench_die ("%s", error->message);

  {
    const char *app_argv[] = { argv[1], NULL };
    const char *hello_argv[] = { argv[2], NULL };
    const char *service_argv[] = { argv[3], "--data-dir", data_dir, NULL };

    app = spawn (app_argv, NULL);
    hello = spawn (hello_argv, "1");
    service = spawn (service_argv, NULL);
  }
  app_pid = pid_of (app);
  hello_pid = pid_of (hello);
  service_pid = pid_of (service);

  /* Both sandboxes are up when their brokers are. */
  deadline = g_get_monotonic_time () + START_SECONDS * G_USEC_PER_SEC;
  while ((app_broker == 0 || service_broker == 0) && g_get_monotonic_time () < deadline)
    {
      g_usleep (100000);
      if (app_broker == 0)
        app_broker = find_child (app_pid, "mosquitto");
      if (service_broker == 0)
        service_broker = find_child (service_pid, "mosquitto");
    }
  if (app_broker == 0 || service_broker == 0)
    {
      jd_bench_row_skipped ("Idle: Jobdeck with its sandbox vs hello-world window",
                            app_broker == 0 ? "the app started no sandbox broker"
                                            : "jobdeck-service started no broker");
      stop (app);
      stop (hello);
      stop (service);
      return 0;
    }
  /* Connections, subscriptions, the first frames and the thing's first
   * queries are over after this. */
  g_usleep (SETTLE_SECONDS * G_USEC_PER_SEC);

  if (!sample (app_pid, &s0[0]) || !sample (hello_pid, &s0[1]) || !sample (service_pid, &s0[2]) ||
      !sample (app_broker, &s0[3]) || !sample (service_broker, &s0[4]))
    jd_bench_die ("a process exited before the idle window");
  g_usleep ((gulong) (seconds * G_USEC_PER_SEC));
  if (!sample (app_pid, &s1[0]) || !sample (hello_pid, &s1[1]) || !sample (service_pid, &s1[2]) ||
      !sample (app_broker, &s1[3]) || !sample (service_broker, &s1[4]))
    jd_bench_die ("a process exited during the idle window");

  g_snprintf (cpu_target, sizeof cpu_target, "≤ %.2f s (1 %% of a core)", seconds / 100);
  rows ("Idle: Jobdeck window with its sandbox running vs hello-world libadwaita window",
        idle_of (&s0[0], &s1[0], seconds), idle_of (&s0[1], &s1[1], seconds), seconds,
        cpu_target, "≤ 10 /s");
  rows ("Idle: jobdeck-service vs the mosquitto it runs",
        idle_of (&s0[2], &s1[2], seconds), idle_of (&s0[4], &s1[4], seconds), seconds,
        cpu_target, "≤ 10 /s");
  {
    Idle broker = idle_of (&s0[3], &s1[3], seconds);

    g_autofree char *busiest = busiest_thread (app_pid, s0[0].wakeups, s1[0].wakeups, seconds);

    g_printerr ("idle: the app's sandbox broker (mosquitto) over %.0f s: %.2f CPU s, %.1f wake-ups/s\n",
                seconds, broker.cpu_s, broker.wakeups_per_s);
    g_printerr ("idle: the app's thread that woke most: %s\n", busiest);
  }

  stop (app);
  stop (hello);
  stop (service);
  jd_bench_remove_tree (data_dir);
  for (guint i = 0; i < G_N_ELEMENTS (s0); i++)
    {
      g_hash_table_unref (s0[i].wakeups);
      g_hash_table_unref (s1[i].wakeups);
    }
  return 0;
}
