/* bench-roundtrip.c — UpdateJobExecution → update/accepted through the real
 * local service versus a bare echo responder on the same broker.
 *
 * A load generator (a thing's plain libmosquitto client in its own thread)
 * keeps WINDOW requests in flight and measures, per request, the time from
 * publish to the matching reply (by clientToken). First against the sandbox's
 * jobs service (in this process, on the main loop, with its SQLite store);
 * then the service is disconnected and an echo responder (the jobs-service
 * identity, another libmosquitto client in its own thread) republishes each
 * request to its .../accepted topic: the physical limit of the path. Three
 * rounds, each on a fresh sandbox; the table has the medians (the ratio is the
 * median of the rounds' ratios), as the load of a shared machine moves.
 *
 * CPU per request: the CPU time of this whole process (CLOCK_PROCESS_CPUTIME_ID,
 * so every thread the service uses counts, also ones that ended) minus the
 * load generator's own thread (/proc/self/task/TID/schedstat), over the
 * replies: the responder's cost, the service's or the echo's. The broker is
 * another process and the same in both.
 *
 * Prints Markdown table rows (see jd-bench.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE  /* RUSAGE_THREAD */
#endif
#include "config.h"

#define G_LOG_DOMAIN "bench-roundtrip"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "jd-bench.h"
#include "jd-service.h"
#include "jd-test-sandbox.h"

#define THING   "BenchThing"
#define JOB_ID  "bench-job"
#define WINDOW  16
#define WARMUP  200
#define MAX_REQUESTS  20000
#define MAX_SECONDS   5.0
#define ROUNDS        3

typedef struct {
  struct mosquitto *mosq;
  GMutex   lock;
  gint64  *sent_at;          /* by request index */
  guint    next;             /* next request index to send */
  guint    completed;
  guint    rejected;
  gint64   measure_start;    /* when request WARMUP was sent */
  gint64   deadline;
  gint     done;             /* atomic */
  GArray  *latencies_ms;
} Load;

typedef struct {
  double throughput;   /* replies per second */
  double p50, p99;     /* ms */
  guint  count;
  guint  rejected;
  double main_cpu;     /* share of one core the main thread used */
  double cpu_per_request;  /* µs: the process but the load generator, per reply */
} Figures;

static void
send_request (Load *load)
{
  char payload[160];
  g_autofree char *topic = NULL;
  guint index = load->next++;
  int len;
  int rc;

  len = g_snprintf (payload, sizeof payload,
                    "{\"status\":\"IN_PROGRESS\",\"statusDetails\":{\"step\":\"%u\"},"
                    "\"clientToken\":\"r%u\"}", index, index);
  load->sent_at[index] = g_get_monotonic_time ();
  if (index == WARMUP)
    load->measure_start = load->sent_at[index];
  rc = mosquitto_publish (load->mosq, NULL, "$aws/things/" THING "/jobs/" JOB_ID "/update",
                          len, payload, 1, false);
  if (rc != MOSQ_ERR_SUCCESS)
    jd_bench_die ("publish: %s", mosquitto_strerror (rc));
}

static void
reply_cb (struct mosquitto               *mosq,
          void                           *data,
          const struct mosquitto_message *message)
{
  Load *load = data;
  g_autofree char *text = g_strndup (message->payload, message->payloadlen);
  const char *token = strstr (text, "\"clientToken\":\"r");
  gint64 now = g_get_monotonic_time ();
  guint index;

  if (token == NULL)
    return;
  index = (guint) g_ascii_strtoull (token + strlen ("\"clientToken\":\"r"), NULL, 10);
  if (index >= MAX_REQUESTS + WINDOW)
    return;

  g_mutex_lock (&load->lock);
  if (g_str_has_suffix (message->topic, "/rejected") && load->rejected++ == 0)
    fprintf (stderr, "roundtrip: first rejection: %s\n", text);
  if (index >= WARMUP)
    {
      double ms = (now - load->sent_at[index]) / 1000.0;
      g_array_append_val (load->latencies_ms, ms);
    }
  load->completed++;
  if (load->next < MAX_REQUESTS && now < load->deadline)
    send_request (load);
  else if (load->completed == load->next)
    {
      g_atomic_int_set (&load->done, 1);
      g_main_context_wakeup (NULL);
    }
  g_mutex_unlock (&load->lock);
}

static double
thread_cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_THREAD, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static double
process_cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* This process's thread ids. */
static GHashTable *
task_ids (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_hash_table_add (ids, g_strdup (name));
  return ids;
}

/* The one thread in @after that is not in @before, or NULL. */
static char *
new_task_id (GHashTable *before,
             GHashTable *after)
{
  GHashTableIter iter;
  gpointer id;

  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    if (!g_hash_table_contains (before, id))
      return g_strdup (id);
  return NULL;
}

/* CPU seconds of thread @tid of this process (schedstat: ns on a CPU). */
static double
task_cpu_seconds (const char *tid)
{
  g_autofree char *path = g_strdup_printf ("/proc/self/task/%s/schedstat", tid);
  g_autofree char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    jd_bench_die ("cannot read %s", path);
  return g_ascii_strtoull (text, NULL, 10) / 1e9;
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static Figures
run_load (guint16     port,
          const char *ca,
          const char *cert,
          const char *key)
{
  Load load = { 0 };
  Figures figures = { 0 };
  gint64 started;
  gint64 measured_until;
  guint tick;
  double cpu_started, process_started, load_started;
  g_autoptr(GHashTable) tasks_before = task_ids ();
  g_autoptr(GHashTable) tasks_after = NULL;
  g_autofree char *load_tid = NULL;

  g_mutex_init (&load.lock);
  load.sent_at = g_new0 (gint64, MAX_REQUESTS + WINDOW);
  load.latencies_ms = g_array_new (FALSE, FALSE, sizeof (double));
  load.mosq = jd_bench_mosq_connect (THING, port, ca, cert, key, reply_cb, &load);
  tasks_after = task_ids ();
  load_tid = new_task_id (tasks_before, tasks_after);
  if (load_tid == NULL)
    jd_bench_die ("cannot find the load generator's thread");
  jd_bench_mosq_subscribe (load.mosq, "$aws/things/" THING "/jobs/" JOB_ID "/update/accepted");
  jd_bench_mosq_subscribe (load.mosq, "$aws/things/" THING "/jobs/" JOB_ID "/update/rejected");

  /* Wakes the loop below at least every 100 ms to check the time limit. */
  tick = g_timeout_add (100, tick_cb, NULL);
  started = g_get_monotonic_time ();
  cpu_started = thread_cpu_seconds ();
  process_started = process_cpu_seconds ();
  load_started = task_cpu_seconds (load_tid);
  g_mutex_lock (&load.lock);
  load.deadline = started + (gint64) (MAX_SECONDS * G_USEC_PER_SEC);
  for (guint i = 0; i < WINDOW; i++)
    send_request (&load);
  g_mutex_unlock (&load.lock);

  /* The service (when it is the responder) runs on this thread's main loop. */
  while (!g_atomic_int_get (&load.done))
    {
      if (jd_bench_elapsed (started) > MAX_SECONDS + 10)
        jd_bench_die ("replies stopped coming (%u of %u)", load.completed, load.next);
      g_main_context_iteration (NULL, TRUE);
    }
  measured_until = g_get_monotonic_time ();
  g_source_remove (tick);
  figures.main_cpu = (thread_cpu_seconds () - cpu_started) / jd_bench_elapsed (started);
  figures.cpu_per_request = ((process_cpu_seconds () - process_started)
                             - (task_cpu_seconds (load_tid) - load_started)) / load.completed * 1e6;

  g_mutex_lock (&load.lock);
  figures.count = load.latencies_ms->len;
  figures.rejected = load.rejected;
  figures.throughput = figures.count / ((measured_until - load.measure_start) / (double) G_USEC_PER_SEC);
  figures.p50 = jd_bench_percentile (load.latencies_ms, 50);
  figures.p99 = jd_bench_percentile (load.latencies_ms, 99);
  g_mutex_unlock (&load.lock);

  jd_bench_mosq_free (load.mosq);
  g_array_unref (load.latencies_ms);
  g_free (load.sent_at);
  g_mutex_clear (&load.lock);
  return figures;
}

static void
echo_cb (struct mosquitto               *mosq,
         void                           *data,
         const struct mosquitto_message *message)
{
  g_autofree char *reply = g_strconcat (message->topic, "/accepted", NULL);

  mosquitto_publish (mosq, NULL, reply, message->payloadlen, message->payload, 1, false);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), (int (*) (const void *, const void *)) compare_doubles);
  return values[n / 2];
}

/* ---- the full device cycle ----
 *
 * One chain, as a device runs its jobs: StartNextPendingJobExecution →
 * accepted (the execution it started), then UpdateJobExecution SUCCEEDED
 * of that job → accepted, then the next start-next. The thing has
 * CYCLE_JOBS queued jobs, the first CYCLE_WARMUP cycles uncounted. Against
 * the echo, the same two requests (the echo's start-next reply carries no
 * job: the update goes to JOB_ID). A request's cost grows with the thing's
 * pending set (the snapshots and the notify payloads read all of it): with
 * 4,000 queued a cycle took ~50 ms, with ~150 about 2.5 ms, with ~40 about
 * 0.85 ms; CYCLE_JOBS keeps it near what a device has. */

#define CYCLE_JOBS     100
#define CYCLE_WARMUP   20
#define CYCLE_SECONDS  3.0

typedef struct {
  struct mosquitto *mosq;
  GMutex   lock;
  guint    cycles;          /* completed (update accepted) */
  guint    rejected;
  gint64   started_at;      /* of the current cycle's start-next */
  gint64   measure_start;   /* when cycle CYCLE_WARMUP began */
  gint64   deadline;
  gint     done;            /* atomic */
  GArray  *cycle_ms;
} Cycle;

static void
send_start_next (Cycle *cycle)
{
  char payload[64];
  int len = g_snprintf (payload, sizeof payload, "{\"clientToken\":\"c%u\"}", cycle->cycles);

  cycle->started_at = g_get_monotonic_time ();
  if (cycle->cycles == CYCLE_WARMUP)
    cycle->measure_start = cycle->started_at;
  if (mosquitto_publish (cycle->mosq, NULL, "$aws/things/" THING "/jobs/start-next", len, payload, 1, false)
      != MOSQ_ERR_SUCCESS)
    jd_bench_die ("publish start-next");
}

static void
cycle_reply_cb (struct mosquitto               *mosq,
                void                           *data,
                const struct mosquitto_message *message)
{
  Cycle *cycle = data;
  g_autofree char *text = g_strndup (message->payload, message->payloadlen);
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&cycle->lock);
  if (g_str_has_suffix (message->topic, "/rejected"))
    {
      if (cycle->rejected++ == 0)
        fprintf (stderr, "roundtrip: cycle: first rejection on %s: %s\n", message->topic, text);
      g_atomic_int_set (&cycle->done, 1);
    }
  else if (g_str_has_suffix (message->topic, "/start-next/accepted"))
    {
      /* The started execution's job, or (the echo) the bench's job. */
      const char *at = strstr (text, "\"jobId\":\"");
      g_autofree char *job_id = at != NULL ? g_strndup (at + 9, strcspn (at + 9, "\"")) : g_strdup (JOB_ID);
      g_autofree char *topic = g_strdup_printf ("$aws/things/" THING "/jobs/%s/update", job_id);
      const char *payload = "{\"status\":\"SUCCEEDED\",\"statusDetails\":{\"by\":\"bench\"}}";

      if (mosquitto_publish (mosq, NULL, topic, (int) strlen (payload), payload, 1, false) != MOSQ_ERR_SUCCESS)
        jd_bench_die ("publish update");
    }
  else if (g_str_has_suffix (message->topic, "/update/accepted"))
    {
      if (cycle->cycles >= CYCLE_WARMUP)
        {
          double ms = (now - cycle->started_at) / 1000.0;

          g_array_append_val (cycle->cycle_ms, ms);
        }
      cycle->cycles++;
      if (now < cycle->deadline && cycle->cycles < CYCLE_JOBS)
        send_start_next (cycle);
      else
        g_atomic_int_set (&cycle->done, 1);
    }
  g_mutex_unlock (&cycle->lock);
  if (g_atomic_int_get (&cycle->done))
    g_main_context_wakeup (NULL);
}

/* Cycles per second (after the warm-up) and the median cycle in ms. */
static void
run_cycles (guint16     port,
            const char *ca,
            const char *cert,
            const char *key,
            double     *per_second,
            double     *median_ms)
{
  Cycle cycle = { 0 };
  gint64 started;
  guint tick;

  g_mutex_init (&cycle.lock);
  cycle.cycle_ms = g_array_new (FALSE, FALSE, sizeof (double));
  cycle.mosq = jd_bench_mosq_connect (THING, port, ca, cert, key, cycle_reply_cb, &cycle);
  jd_bench_mosq_subscribe (cycle.mosq, "$aws/things/" THING "/jobs/start-next/accepted");
  jd_bench_mosq_subscribe (cycle.mosq, "$aws/things/" THING "/jobs/start-next/rejected");
  jd_bench_mosq_subscribe (cycle.mosq, "$aws/things/" THING "/jobs/+/update/accepted");
  jd_bench_mosq_subscribe (cycle.mosq, "$aws/things/" THING "/jobs/+/update/rejected");

  tick = g_timeout_add (100, tick_cb, NULL);
  started = g_get_monotonic_time ();
  g_mutex_lock (&cycle.lock);
  cycle.deadline = started + (gint64) (CYCLE_SECONDS * G_USEC_PER_SEC);
  send_start_next (&cycle);
  g_mutex_unlock (&cycle.lock);
  while (!g_atomic_int_get (&cycle.done))
    {
      if (jd_bench_elapsed (started) > CYCLE_SECONDS + 10)
        jd_bench_die ("cycle replies stopped coming (%u)", cycle.cycles);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);

  g_mutex_lock (&cycle.lock);
  if (cycle.rejected > 0)
    jd_bench_die ("a cycle's request was rejected");
  if (cycle.cycle_ms->len < 10)
    jd_bench_die ("only %u cycles measured", cycle.cycle_ms->len);
  *per_second = cycle.cycle_ms->len / ((g_get_monotonic_time () - cycle.measure_start) / (double) G_USEC_PER_SEC);
  *median_ms = jd_bench_percentile (cycle.cycle_ms, 50);
  g_mutex_unlock (&cycle.lock);

  jd_bench_mosq_free (cycle.mosq);
  g_array_unref (cycle.cycle_ms);
  g_mutex_clear (&cycle.lock);
}

/* One round: a fresh sandbox, the service measured, then the echo. */
static void
run_round (Figures *ours,
           Figures *echoed,
           double  *cycles_ours,
           double  *cycles_echo,
           double  *cycle_ms_ours,
           double  *cycle_ms_echo)
{
  const char *things[] = { THING, NULL };
  const char *names[] = { THING, NULL };
  const char *targets[] = { "arn:aws:iot:us-east-1:123456789012:thing/" THING, NULL };
  g_autoptr(JdTestSandbox) sandbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  JdStoreJobSpec spec = { 0 };
  JdSandbox *sb;
  JdService *service;
  JdStoreJob *job;
  struct mosquitto *echo;

  sandbox = jd_test_sandbox_new (things, &error);
  if (sandbox == NULL)
    jd_bench_die ("sandbox: %s", error->message);
  sb = jd_test_sandbox_get_sandbox (sandbox);
  service = jd_sandbox_get_service (sb);
  spec.job_id = JOB_ID;
  spec.targets = targets;
  spec.thing_names = names;
  spec.document = "{\"operation\":\"reboot\"}";
  job = jd_store_create_job (jd_service_get_store (service), &spec, &error);
  if (job == NULL)
    jd_bench_die ("create job: %s", error->message);
  jd_store_job_free (job);
  /* The sandbox emulates AWS's data-plane quota (200 writes/s per account) by
   * answering RequestThrottled; here we measure the service's own capacity. */
  jd_store_set_request_rate (jd_service_get_store (service), 0);
  if (!jd_sandbox_get_thing_files (sb, THING, &cert, &key))
    jd_bench_die ("no certificate for %s", THING);

  *ours = run_load (jd_sandbox_get_mqtt_port (sb), jd_sandbox_get_ca_path (sb), cert, key);
  if (ours->rejected > 0)
    jd_bench_die ("the service rejected %u updates", ours->rejected);

  /* The full cycle: the update load's job ends first, then CYCLE_JOBS
   * queued jobs for the chain to start and finish one by one. */
  {
    JdStore *store = jd_service_get_store (service);
    JdStoreUpdate done = { JD_EXECUTION_STATUS_SUCCEEDED, NULL, -1, -1, 0 };
    g_autoptr(JdStoreExecution) ended = jd_store_update_execution (store, THING, JOB_ID, &done, NULL, &error);

    if (ended == NULL)
      jd_bench_die ("end the update load's job: %s", error->message);
    for (guint i = 0; i < CYCLE_JOBS; i++)
      {
        g_autofree char *job_id = g_strdup_printf ("cycle-%05u", i);

        spec.job_id = job_id;
        job = jd_store_create_job (store, &spec, &error);
        if (job == NULL)
          jd_bench_die ("create job: %s", error->message);
        jd_store_job_free (job);
      }
    run_cycles (jd_sandbox_get_mqtt_port (sb), jd_sandbox_get_ca_path (sb), cert, key,
                cycles_ours, cycle_ms_ours);
  }

  /* The echo responder alone on the same broker. */
  jd_service_stop (service);
  jd_test_spin (200);
  echo = jd_bench_mosq_connect ("bench-echo", jd_sandbox_get_mqtt_port (sb), jd_sandbox_get_ca_path (sb),
                                jd_sandbox_get_service_cert_path (sb), jd_sandbox_get_service_key_path (sb),
                                echo_cb, NULL);
  jd_bench_mosq_subscribe (echo, "$aws/things/+/jobs/+/update");
  jd_bench_mosq_subscribe (echo, "$aws/things/+/jobs/start-next");
  *echoed = run_load (jd_sandbox_get_mqtt_port (sb), jd_sandbox_get_ca_path (sb), cert, key);
  run_cycles (jd_sandbox_get_mqtt_port (sb), jd_sandbox_get_ca_path (sb), cert, key, cycles_echo, cycle_ms_echo);
  jd_bench_mosq_free (echo);

  if (!jd_test_sandbox_stop (sandbox, &error))
    jd_bench_die ("stop: %s", error->message);
}

int
main (int   argc,
      char *argv[])
{
  double ratio[ROUNDS], thr_ours[ROUNDS], thr_echo[ROUNDS], cpu_ours[ROUNDS], cpu_echo[ROUNDS];
  double p50_ours[ROUNDS], p50_echo[ROUNDS], p99_ours[ROUNDS], p99_echo[ROUNDS];
  double cyc_ours[ROUNDS], cyc_echo[ROUNDS], cyc_ms_ours[ROUNDS], cyc_ms_echo[ROUNDS], cyc_ratio[ROUNDS];
  char a[64], b[64];

  for (guint i = 0; i < ROUNDS; i++)
    {
      Figures ours, echoed;

      run_round (&ours, &echoed, &cyc_ours[i], &cyc_echo[i], &cyc_ms_ours[i], &cyc_ms_echo[i]);
      cyc_ratio[i] = cyc_ours[i] / cyc_echo[i];
      ratio[i] = ours.throughput / echoed.throughput;
      thr_ours[i] = ours.throughput;
      thr_echo[i] = echoed.throughput;
      p50_ours[i] = ours.p50;
      p50_echo[i] = echoed.p50;
      p99_ours[i] = ours.p99;
      p99_echo[i] = echoed.p99;
      cpu_ours[i] = ours.cpu_per_request;
      cpu_echo[i] = echoed.cpu_per_request;
      fprintf (stderr, "roundtrip: round %u: service %.0f req/s (main thread %.0f%% busy; %.0f µs CPU per request "
               "in the process but the load generator), echo %.0f req/s (%.0f µs): %.2f×\n",
               i + 1, ours.throughput, ours.main_cpu * 100, ours.cpu_per_request,
               echoed.throughput, echoed.cpu_per_request, ratio[i]);
      fprintf (stderr, "roundtrip: round %u: full cycle: service %.0f/s (median %.2f ms), echo %.0f/s (%.2f ms): %.2f×\n",
               i + 1, cyc_ours[i], cyc_ms_ours[i], cyc_echo[i], cyc_ms_echo[i], cyc_ratio[i]);
    }

  g_snprintf (a, sizeof a, "%.0f req/s", median (thr_ours, ROUNDS));
  g_snprintf (b, sizeof b, "%.0f req/s", median (thr_echo, ROUNDS));
  jd_bench_row ("Round trip: UpdateJobExecution → accepted (service vs echo, "
                G_STRINGIFY (WINDOW) " in flight; medians of " G_STRINGIFY (ROUNDS) " rounds)",
                "throughput", a, b, median (ratio, ROUNDS), "≥ 0.90×");
  {
    double o = median (p50_ours, ROUNDS), e = median (p50_echo, ROUNDS);

    g_snprintf (a, sizeof a, "%.2f ms", o);
    g_snprintf (b, sizeof b, "%.2f ms", e);
    jd_bench_row ("Round trip", "latency p50 (lower is better)", a, b, o / e, "");
    o = median (p99_ours, ROUNDS);
    e = median (p99_echo, ROUNDS);
    g_snprintf (a, sizeof a, "%.2f ms", o);
    g_snprintf (b, sizeof b, "%.2f ms", e);
    jd_bench_row ("Round trip", "latency p99 (lower is better)", a, b, o / e, "≤ 1.5×");
    o = median (cpu_ours, ROUNDS);
    e = median (cpu_echo, ROUNDS);
    g_snprintf (a, sizeof a, "%.0f µs", o);
    g_snprintf (b, sizeof b, "%.0f µs", e);
    jd_bench_row ("Round trip", "responder CPU per request: the process but the load generator (lower is better)",
                  a, b, o / e, "");
  }
  g_snprintf (a, sizeof a, "%.0f cycles/s", median (cyc_ours, ROUNDS));
  g_snprintf (b, sizeof b, "%.0f cycles/s", median (cyc_echo, ROUNDS));
  jd_bench_row ("Full device cycle: StartNextPendingJobExecution → accepted, UpdateJobExecution SUCCEEDED → "
                "accepted, one chain (service vs echo; medians of " G_STRINGIFY (ROUNDS) " rounds)",
                "throughput", a, b, median (cyc_ratio, ROUNDS), "≥ 0.60×");
  {
    double o = median (cyc_ms_ours, ROUNDS), e = median (cyc_ms_echo, ROUNDS);

    g_snprintf (a, sizeof a, "%.2f ms", o);
    g_snprintf (b, sizeof b, "%.2f ms", e);
    jd_bench_row ("Full device cycle", "median cycle (lower is better)", a, b, o / e, "");
  }
  return 0;
}
