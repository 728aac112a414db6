/* bench-coldstart.c — cold start to first frame: runs bench-jobdeck-probe
 * (Jobdeck's window) and bench-hello (a hello-world libadwaita window)
 * alternately RUNS times each, passing JD_BENCH_T0 (the monotonic clock just
 * before the spawn), and reads the "first-frame-us" line each prints on its
 * first frame. Needs a display (run.sh uses Xvfb and a private D-Bus session).
 *
 * Usage: bench-coldstart PROBE HELLO
 *
 * Prints Markdown table rows (see jd-bench.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "bench-coldstart"

#include <gio/gio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "jd-bench.h"

#define RUNS 5

typedef struct {
  gboolean  done;
  char     *out;
} Exit;

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

/* Milliseconds from spawn to first frame, or < 0 when it failed. */
static double
run_once (const char *program)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *t0 = NULL;
  gint64 deadline;
  const char *line;
  Exit exit = { 0 };
  guint tick;

  t0 = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_monotonic_time ());
  g_subprocess_launcher_setenv (launcher, "JD_BENCH_T0", t0, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, program, NULL);
  if (process == NULL)
    jd_bench_die ("%s: %s", program, error->message);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, exited_cb, &exit);
  tick = g_timeout_add (100, tick_cb, NULL);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!exit.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (!exit.done)
    {
      /* It printed (or not) but did not quit: stop it, and let it go. */
      g_subprocess_send_signal (process, SIGTERM);
      deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
      while (!exit.done && g_get_monotonic_time () < deadline)
        g_main_context_iteration (NULL, TRUE);
      if (!exit.done)
        g_subprocess_force_exit (process);
      while (!exit.done)
        g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);

  line = exit.out != NULL ? strstr (exit.out, "first-frame-us ") : NULL;
  if (line == NULL)
    {
      g_printerr ("bench: %s printed no first frame\n", program);
      g_free (exit.out);
      return -1;
    }
  {
    double ms = g_ascii_strtoll (line + strlen ("first-frame-us "), NULL, 10) / 1000.0;

    g_free (exit.out);
    return ms;
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GArray) probe = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) hello = g_array_new (FALSE, FALSE, sizeof (double));
  double p, h;
  char a[64], b[64];

  if (argc != 3)
    jd_bench_die ("usage: bench-coldstart PROBE HELLO");

  /* One of each first, uncounted: the page cache, fontconfig's cache. */
  run_once (argv[1]);
  run_once (argv[2]);
  for (guint i = 0; i < RUNS; i++)
    {
      double ms;

      if ((ms = run_once (argv[1])) >= 0)
        g_array_append_val (probe, ms);
      if ((ms = run_once (argv[2])) >= 0)
        g_array_append_val (hello, ms);
    }
  if (probe->len == 0 || hello->len == 0)
    {
      jd_bench_row_skipped ("Cold start: Jobdeck window vs hello-world libadwaita window",
                            "a program never painted a frame (see stderr)");
      return 0;
    }
  p = jd_bench_percentile (probe, 50);
  h = jd_bench_percentile (hello, 50);
  g_snprintf (a, sizeof a, "%.0f ms", p);
  g_snprintf (b, sizeof b, "%.0f ms", h);
  jd_bench_row ("Cold start under Xvfb: Jobdeck window vs hello-world libadwaita window (median of "
                G_STRINGIFY (RUNS) ")", "exec → first frame (lower is better)", a, b, p / h, "");
  return 0;
}
