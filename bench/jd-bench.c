/* jd-bench.c — helpers shared by the benchmark programs (see jd-bench.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-bench"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "jd-bench.h"
#include "jd-topic.h"

typedef struct {
  GMutex  lock;
  GCond   cond;
  int     connack;      /* -1 until CONNACK */
  gint    subacks;
  void  (*on_message) (struct mosquitto *, void *, const struct mosquitto_message *);
  gpointer user_data;
} MosqState;

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

double
jd_bench_percentile (GArray *values,
                     double  p)
{
  guint index;

  if (values->len == 0)
    return 0.0;
  g_array_sort (values, compare_doubles);
  index = (guint) ((p / 100.0) * (values->len - 1) + 0.5);
  return g_array_index (values, double, MIN (index, values->len - 1));
}

gsize
jd_bench_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  if (line == NULL)
    return 0;
  return (gsize) g_ascii_strtoull (line + strlen ("VmRSS:"), NULL, 10);
}

double
jd_bench_elapsed (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

void
jd_bench_row (const char *benchmark,
              const char *metric,
              const char *ours,
              const char *baseline,
              double      ratio,
              const char *target)
{
  printf ("| %s | %s | %s | %s | **%.2f×** | %s |\n",
          benchmark, metric, ours, baseline, ratio, target != NULL ? target : "");
  fflush (stdout);
}

void
jd_bench_row_skipped (const char *benchmark,
                      const char *reason)
{
  printf ("| %s | — | skipped: %s | — | — | |\n", benchmark, reason);
  fflush (stdout);
}

void
jd_bench_die (const char *format,
              ...)
{
  va_list args;

  va_start (args, format);
  fprintf (stderr, "bench: ");
  vfprintf (stderr, format, args);
  fprintf (stderr, "\n");
  va_end (args);
  exit (1);
}

static void
connect_cb (struct mosquitto *mosq,
            void             *data,
            int               rc)
{
  MosqState *state = data;

  g_mutex_lock (&state->lock);
  state->connack = rc;
  g_cond_broadcast (&state->cond);
  g_mutex_unlock (&state->lock);
}

static void
subscribe_cb (struct mosquitto *mosq,
              void             *data,
              int               mid,
              int               qos_count,
              const int        *granted)
{
  MosqState *state = data;

  g_mutex_lock (&state->lock);
  state->subacks++;
  g_cond_broadcast (&state->cond);
  g_mutex_unlock (&state->lock);
}

static void
message_cb (struct mosquitto               *mosq,
            void                           *data,
            const struct mosquitto_message *message)
{
  MosqState *state = data;

  if (state->on_message != NULL)
    state->on_message (mosq, state->user_data, message);
}

struct mosquitto *
jd_bench_mosq_connect (const char *client_id,
                       guint16     port,
                       const char *ca_path,
                       const char *cert_path,
                       const char *key_path,
                       void      (*on_message) (struct mosquitto *,
                                                void *,
                                                const struct mosquitto_message *),
                       gpointer    user_data)
{
  MosqState *state = g_new0 (MosqState, 1);
  struct mosquitto *mosq;
  gint64 deadline;
  int rc;

  mosquitto_lib_init ();
  g_mutex_init (&state->lock);
  g_cond_init (&state->cond);
  state->connack = -1;
  state->on_message = on_message;
  state->user_data = user_data;

  mosq = mosquitto_new (client_id, true, state);
  if (mosq == NULL)
    jd_bench_die ("mosquitto_new failed");
  mosquitto_int_option (mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  /* Unlimited in-flight messages: the benchmarks measure the path, not the
   * client's flow control. */
  mosquitto_max_inflight_messages_set (mosq, 0);
  /* As the sandbox broker does (set_tcp_nodelay): no Nagle delays on loopback. */
  mosquitto_int_option (mosq, MOSQ_OPT_TCP_NODELAY, 1);
  mosquitto_connect_callback_set (mosq, connect_cb);
  mosquitto_subscribe_callback_set (mosq, subscribe_cb);
  mosquitto_message_callback_set (mosq, message_cb);
  rc = mosquitto_tls_set (mosq, ca_path, NULL, cert_path, key_path, NULL);
  if (rc != MOSQ_ERR_SUCCESS)
    jd_bench_die ("TLS files for %s: %s", client_id, mosquitto_strerror (rc));
  rc = mosquitto_connect (mosq, "127.0.0.1", port, 60);
  if (rc != MOSQ_ERR_SUCCESS)
    jd_bench_die ("connect %s: %s", client_id, mosquitto_strerror (rc));
  rc = mosquitto_loop_start (mosq);
  if (rc != MOSQ_ERR_SUCCESS)
    jd_bench_die ("loop_start: %s", mosquitto_strerror (rc));

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  g_mutex_lock (&state->lock);
  while (state->connack < 0)
    if (!g_cond_wait_until (&state->cond, &state->lock, deadline))
      break;
  rc = state->connack;
  g_mutex_unlock (&state->lock);
  if (rc != 0)
    jd_bench_die ("%s: no CONNACK or refused (%d)", client_id, rc);
  return mosq;
}

void
jd_bench_mosq_subscribe (struct mosquitto *mosq,
                         const char       *filter)
{
  MosqState *state = mosquitto_userdata (mosq);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  gint wanted;
  int rc;

  g_mutex_lock (&state->lock);
  wanted = state->subacks + 1;
  g_mutex_unlock (&state->lock);
  rc = mosquitto_subscribe (mosq, NULL, filter, 1);
  if (rc != MOSQ_ERR_SUCCESS)
    jd_bench_die ("subscribe %s: %s", filter, mosquitto_strerror (rc));
  g_mutex_lock (&state->lock);
  while (state->subacks < wanted)
    if (!g_cond_wait_until (&state->cond, &state->lock, deadline))
      break;
  rc = state->subacks >= wanted;
  g_mutex_unlock (&state->lock);
  if (!rc)
    jd_bench_die ("no SUBACK for %s", filter);
}

void
jd_bench_mosq_free (struct mosquitto *mosq)
{
  MosqState *state = mosquitto_userdata (mosq);

  mosquitto_disconnect (mosq);
  mosquitto_loop_stop (mosq, false);
  mosquitto_destroy (mosq);
  g_mutex_clear (&state->lock);
  g_cond_clear (&state->cond);
  g_free (state);
}

/* ---- a new job's notifications, counted ---- */

void
jd_bench_notifies_init (JdBenchNotifies *notifies)
{
  *notifies = (JdBenchNotifies) { 0 };
  g_mutex_init (&notifies->lock);
  notifies->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

void
jd_bench_notifies_clear (JdBenchNotifies *notifies)
{
  g_clear_pointer (&notifies->seen, g_hash_table_unref);
  g_mutex_clear (&notifies->lock);
}

void
jd_bench_notifies_reset (JdBenchNotifies *notifies)
{
  g_mutex_lock (&notifies->lock);
  notifies->count = 0;
  notifies->last_at = 0;
  g_hash_table_remove_all (notifies->seen);
  g_mutex_unlock (&notifies->lock);
}

guint
jd_bench_notifies_get (JdBenchNotifies *notifies,
                       gint64          *last_at)
{
  guint count;

  g_mutex_lock (&notifies->lock);
  count = notifies->count;
  *last_at = notifies->last_at;
  g_mutex_unlock (&notifies->lock);
  return count;
}

void
jd_bench_notifies_message (struct mosquitto               *mosq,
                           void                           *data,
                           const struct mosquitto_message *message)
{
  JdBenchNotifies *notifies = data;

  g_mutex_lock (&notifies->lock);
  if (g_str_has_suffix (message->topic, "/notify-next"))
    {
      if (notifies->next_payload_size == 0)
        notifies->next_payload_size = message->payloadlen;
    }
  else if (!g_hash_table_contains (notifies->seen, message->topic))
    {
      g_hash_table_add (notifies->seen, g_strdup (message->topic));
      notifies->count++;
      notifies->last_at = g_get_monotonic_time ();
      if (notifies->payload_size == 0)
        notifies->payload_size = message->payloadlen;
    }
  g_mutex_unlock (&notifies->lock);
}

void
jd_bench_publish_raw_notifies (struct mosquitto *publisher,
                               JdBenchNotifies  *notifies,
                               const char       *thing_format,
                               guint             n_things)
{
  jd_bench_publish_raw_notifies_windowed (publisher, notifies, thing_format, n_things, 0);
}

/* ---- the windowed raw publisher ---- */

typedef struct {
  GMutex lock;
  GCond  acked_cond;
  guint  acked;
} Window;

/* The publisher's user data is its MosqState: the window in use is here
 * (one windowed publish at a time). */
static Window *active_window;

static void
window_published_cb (struct mosquitto *mosq,
                     void             *data,
                     int               mid)
{
  Window *window = g_atomic_pointer_get (&active_window);

  if (window == NULL)
    return;

  g_mutex_lock (&window->lock);
  window->acked++;
  g_cond_signal (&window->acked_cond);
  g_mutex_unlock (&window->lock);
}

void
jd_bench_publish_raw_notifies_windowed (struct mosquitto *publisher,
                                        JdBenchNotifies  *notifies,
                                        const char       *thing_format,
                                        guint             n_things,
                                        guint             window_size)
{
  g_autofree char *filler = NULL;
  g_autofree char *next_filler = NULL;
  Window window = { 0 };
  guint published = 0;

  if (notifies->payload_size == 0 || notifies->next_payload_size == 0)
    jd_bench_die ("no notify or notify-next arrived with the job");
  filler = g_strnfill (notifies->payload_size, 'x');
  next_filler = g_strnfill (notifies->next_payload_size, 'x');
  g_mutex_init (&window.lock);
  g_cond_init (&window.acked_cond);
  if (window_size > 0)
    {
      g_atomic_pointer_set (&active_window, &window);
      mosquitto_publish_callback_set (publisher, window_published_cb);
    }
  for (guint i = 0; i < n_things; i++)
    {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      g_autofree char *thing = g_strdup_printf (thing_format, i);
#pragma GCC diagnostic pop
      g_autofree char *topic = jd_topic_build (thing, JD_TOPIC_OP_NOTIFY, NULL, JD_TOPIC_KIND_REQUEST);
      g_autofree char *next_topic = jd_topic_build (thing, JD_TOPIC_OP_NOTIFY_NEXT, NULL, JD_TOPIC_KIND_REQUEST);

      /* At most @window_size handed over and not yet acknowledged. */
      g_mutex_lock (&window.lock);
      while (window_size > 0 && published - window.acked + 2 > window_size)
        g_cond_wait (&window.acked_cond, &window.lock);
      g_mutex_unlock (&window.lock);
      if (mosquitto_publish (publisher, NULL, topic, (int) notifies->payload_size, filler, 1, false)
            != MOSQ_ERR_SUCCESS ||
          mosquitto_publish (publisher, NULL, next_topic, (int) notifies->next_payload_size, next_filler, 1, false)
            != MOSQ_ERR_SUCCESS)
        jd_bench_die ("raw publish failed");
      published += 2;
    }
  /* Every ack in before the window goes away with this frame. */
  if (window_size > 0)
    {
      g_mutex_lock (&window.lock);
      while (window.acked < published)
        g_cond_wait (&window.acked_cond, &window.lock);
      g_mutex_unlock (&window.lock);
      mosquitto_publish_callback_set (publisher, NULL);
      g_atomic_pointer_set (&active_window, NULL);
    }
  g_cond_clear (&window.acked_cond);
  g_mutex_clear (&window.lock);
}

void
jd_bench_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        jd_bench_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}
