/* jd-bench.h — helpers shared by the benchmark programs: statistics, the
 * process's resident size, Markdown table rows, and a plain libmosquitto
 * client running in its own thread (the load generators and baselines).
 *
 * Benchmarks only: errors abort the program with a message.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <mosquitto.h>

G_BEGIN_DECLS

/* The @p-th percentile (0..100) of @values (doubles; sorted in place). */
double  jd_bench_percentile   (GArray     *values,
                               double      p);
/* VmRSS of this process in KiB. */
gsize   jd_bench_rss_kib      (void);
/* Removes @path and everything below it (symlinks are not followed). */
void    jd_bench_remove_tree  (const char *path);
/* Seconds since @start (a g_get_monotonic_time() value). */
double  jd_bench_elapsed      (gint64      start);

/* One row of the results table on stdout:
 * | benchmark | metric | Jobdeck | baseline | ratio | target |
 * The ratio is printed with two decimals. */
void    jd_bench_row          (const char *benchmark,
                               const char *metric,
                               const char *ours,
                               const char *baseline,
                               double      ratio,
                               const char *target);
/* A row whose figures could not be measured. */
void    jd_bench_row_skipped  (const char *benchmark,
                               const char *reason);

/* Exits with a message on stderr. */
G_NORETURN void jd_bench_die  (const char *format,
                               ...) G_GNUC_PRINTF (1, 2);

/* A connected MQTT 3.1.1 client over mTLS whose network loop runs in its own
 * thread (mosquitto_loop_start). @on_message runs in that thread. Blocks up
 * to 10 s until CONNACK. */
struct mosquitto *jd_bench_mosq_connect (const char *client_id,
                                         guint16     port,
                                         const char *ca_path,
                                         const char *cert_path,
                                         const char *key_path,
                                         void      (*on_message) (struct mosquitto *,
                                                                  void *,
                                                                  const struct mosquitto_message *),
                                         gpointer    user_data);
/* Subscribes at QoS 1 and blocks up to 10 s until SUBACK. */
void              jd_bench_mosq_subscribe (struct mosquitto *mosq,
                                           const char       *filter);
/* Disconnects, stops the thread and frees the client. */
void              jd_bench_mosq_free      (struct mosquitto *mosq);

/* What a subscriber on $aws/things/+/jobs/notify and …/notify-next saw: one
 * count per thing topic's first notify (notify-next is taken, not counted),
 * the time of the last, and the first payload sizes of each. Filled from
 * the MQTT thread by jd_bench_notifies_message(). */
typedef struct {
  GMutex      lock;
  guint       count;
  gint64      last_at;
  gsize       payload_size;
  gsize       next_payload_size;
  GHashTable *seen;
} JdBenchNotifies;

void    jd_bench_notifies_init    (JdBenchNotifies *notifies);
void    jd_bench_notifies_clear   (JdBenchNotifies *notifies);
/* Forgets what arrived (the payload sizes stay). */
void    jd_bench_notifies_reset   (JdBenchNotifies *notifies);
/* The count and the time of the last notify, read under the lock. */
guint   jd_bench_notifies_get     (JdBenchNotifies *notifies,
                                   gint64          *last_at);
/* An on_message callback for jd_bench_mosq_connect() (user data: the
 * JdBenchNotifies). */
void    jd_bench_notifies_message (struct mosquitto               *mosq,
                                   void                           *data,
                                   const struct mosquitto_message *message);
/* The baseline of a new job's fan-out: per thing (@thing_format with the
 * index, 0 to @n_things - 1) a notify and then a notify-next, raw at QoS 1,
 * with the sizes @notifies saw. */
void    jd_bench_publish_raw_notifies (struct mosquitto *publisher,
                                       JdBenchNotifies  *notifies,
                                       const char       *thing_format,
                                       guint             n_things);
/* The same, handing libmosquitto at most @window_size messages not yet
 * acknowledged (its list of unacknowledged messages is walked for each
 * PUBACK: 20,000 handed over at once cost seconds); returns once all are
 * acknowledged (0: no window, as jd_bench_publish_raw_notifies()).
 * @publisher: from jd_bench_mosq_connect() (its own loop thread), with no
 * publish callback of its own. */
void    jd_bench_publish_raw_notifies_windowed (struct mosquitto *publisher,
                                                JdBenchNotifies  *notifies,
                                                const char       *thing_format,
                                                guint             n_things,
                                                guint             window_size);

G_END_DECLS
