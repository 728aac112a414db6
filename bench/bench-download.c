/* bench-download.c — a signed file's download and verification against the
 * main loop: jd_codesign_verify_async() fetches 1 GiB (or argv[1] MiB) over
 * HTTPS from a SoupServer running in its own thread and context on a
 * loopback port, hashing it as it streams and checking its ECDSA P-256
 * signature, while a 1 ms timeout at the frame clock's priority
 * (GDK_PRIORITY_REDRAW = G_PRIORITY_HIGH_IDLE + 20) records every gap of the
 * main loop. Reported: the longest stall (gap minus the 1 ms period; target
 * ≤ 16 ms), the p99 gap, and the throughput. The baseline downloads the same
 * bytes with the same session reading into a buffer that is thrown away (no
 * hashing, no verification), so the ratio shows what verifying costs.
 *
 * Prints Markdown table rows (see jd-bench.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "bench-download"

#include <stdio.h>
#include <time.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libsoup/soup.h>

#include "jd-bench.h"
#include "jd-codesign.h"
#include "jd-sandbox-certs.h"
#include "jd-sandbox-codesign.h"

#define PATTERN_SIZE   (1024 * 1024)     /* the body is this block, repeated */
#define SERVER_CHUNK   (256 * 1024)
#define FRAME_PRIORITY (G_PRIORITY_HIGH_IDLE + 20)

static guint8 *pattern;
static guint64 body_size;

/* ---- the server, in its own thread ---- */

typedef struct {
  SoupServerMessage *msg;
  guint64 sent;
} Stream;

static void
stream_more (SoupServerMessage *msg,
             Stream            *stream)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  gsize n;

  if (stream->sent >= body_size)
    {
      soup_message_body_complete (body);
      return;
    }
  n = MIN ((guint64) SERVER_CHUNK, body_size - stream->sent);
  /* The pattern's blocks are SERVER_CHUNK-aligned, so a chunk never wraps. */
  soup_message_body_append (body, SOUP_MEMORY_STATIC, pattern + (stream->sent % PATTERN_SIZE), n);
  stream->sent += n;
}

static void
wrote_chunk_cb (SoupServerMessage *msg,
                Stream            *stream)
{
  stream_more (msg, stream);
  soup_server_message_unpause (msg);
}

static void
finished_cb (SoupServerMessage *msg,
             Stream            *stream)
{
  g_free (stream);
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Stream *stream;

  if (g_str_equal (path, "/warmup"))
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok", 2);
      return;
    }
  stream = g_new0 (Stream, 1);
  soup_server_message_set_status (msg, 200, NULL);
  soup_message_headers_set_content_length (soup_server_message_get_response_headers (msg), body_size);
  soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);
  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (wrote_chunk_cb), stream);
  g_signal_connect (msg, "finished", G_CALLBACK (finished_cb), stream);
  stream_more (msg, stream);
}

typedef struct {
  GTlsCertificate *cert;
  GMutex lock;
  GCond cond;
  int port;
  GMainLoop *loop;
} Server;

static gpointer
server_thread (gpointer data)
{
  Server *s = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (context);
  server = soup_server_new ("tls-certificate", s->cert, NULL);
  soup_server_add_handler (server, NULL, handler, NULL, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS, &error))
    jd_bench_die ("listen: %s", error->message);
  uris = soup_server_get_uris (server);
  g_mutex_lock (&s->lock);
  s->port = g_uri_get_port (uris->data);
  s->loop = g_main_loop_new (context, FALSE);
  g_cond_signal (&s->cond);
  g_mutex_unlock (&s->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (s->loop);
  soup_server_disconnect (server);
  g_main_context_pop_thread_default (context);
  return NULL;
}

/* ---- the main loop's gaps ---- */

typedef struct {
  GMainLoop *loop;
  gint64 last;
  gint64 last_cpu;
  GArray *gaps;        /* ms, doubles: wall-clock time between ticks */
  GArray *cpu_gaps;    /* ms, doubles: the main thread's CPU time between ticks */
  gboolean done;
  gboolean ok;
  char *error;
  gint64 start;
  gint64 end;
  guint64 received;
} Run;

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Wall-clock gaps include the time the kernel gave the CPU to other
 * processes (a loaded shared machine); the thread's CPU time between two
 * ticks is the work the loop itself did in that gap. */
static gboolean
tick_cb (gpointer data)
{
  Run *run = data;
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_us ();

  if (run->last != 0)
    {
      double gap = (now - run->last) / 1000.0;
      double cpu_gap = (cpu - run->last_cpu) / 1000.0;

      g_array_append_val (run->gaps, gap);
      g_array_append_val (run->cpu_gaps, cpu_gap);
    }
  run->last = now;
  run->last_cpu = cpu;
  return G_SOURCE_CONTINUE;
}

static void
verified_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  Run *run = data;
  g_autoptr(GError) error = NULL;

  run->ok = jd_codesign_verify_finish (result, &error);
  if (!run->ok)
    run->error = g_strdup (error->message);
  run->end = g_get_monotonic_time ();
  run->done = TRUE;
  g_main_loop_quit (run->loop);
}

static void
progress_cb (guint64  received,
             gint64   total,
             gpointer data)
{
  ((Run *) data)->received = received;
}

/* The baseline: the same request, the body read and thrown away. */
typedef struct {
  Run *run;
  GInputStream *in;
  guint8 *buffer;
} Plain;

static void plain_read (Plain *plain);

static void
plain_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  Plain *plain = data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (n > 0)
    {
      plain->run->received += n;
      plain_read (plain);
      return;
    }
  plain->run->ok = n == 0;
  if (error != NULL)
    plain->run->error = g_strdup (error->message);
  plain->run->end = g_get_monotonic_time ();
  g_main_loop_quit (plain->run->loop);
  g_object_unref (plain->in);
  g_free (plain->buffer);
  g_free (plain);
}

static void
plain_read (Plain *plain)
{
  g_input_stream_read_async (plain->in, plain->buffer, 64 * 1024, G_PRIORITY_LOW, NULL, plain_read_cb, plain);
}

static void
plain_sent_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  Plain *plain = data;
  g_autoptr(GError) error = NULL;

  plain->in = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (plain->in == NULL)
    jd_bench_die ("baseline download: %s", error->message);
  plain_read (plain);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* The machine's own noise: the same timer with nothing else to do. */
static void
measure_idle (Run *run,
              guint ms)
{
  guint tick;

  run->loop = g_main_loop_new (NULL, FALSE);
  run->gaps = g_array_new (FALSE, FALSE, sizeof (double));
  run->cpu_gaps = g_array_new (FALSE, FALSE, sizeof (double));
  tick = g_timeout_add_full (FRAME_PRIORITY, 1, tick_cb, run, NULL);
  g_timeout_add (ms, quit_cb, run->loop);
  g_main_loop_run (run->loop);
  g_source_remove (tick);
  g_main_loop_unref (run->loop);
}

static void
measure (Run          *run,
         SoupSession  *session,
         JdSignedFile *file,
         const char   *url,
         const char   *cert_path)
{
  guint tick;

  run->loop = g_main_loop_new (NULL, FALSE);
  run->gaps = g_array_new (FALSE, FALSE, sizeof (double));
  run->cpu_gaps = g_array_new (FALSE, FALSE, sizeof (double));
  tick = g_timeout_add_full (FRAME_PRIORITY, 1, tick_cb, run, NULL);
  run->start = g_get_monotonic_time ();
  if (file != NULL)
    jd_codesign_verify_async (file, session, cert_path, NULL, progress_cb, run, NULL, NULL, verified_cb, run);
  else
    {
      Plain *plain = g_new0 (Plain, 1);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

      plain->run = run;
      plain->buffer = g_malloc (64 * 1024);
      soup_session_send_async (session, msg, G_PRIORITY_LOW, NULL, plain_sent_cb, plain);
    }
  g_main_loop_run (run->loop);
  g_source_remove (tick);
  g_main_loop_unref (run->loop);
}

/* ---- signing the generated body ---- */

static char *
sign_body (const char *key_path)
{
  g_autofree char *pem = NULL;
  gnutls_x509_privkey_t x509;
  gnutls_privkey_t key;
  gnutls_hash_hd_t hash;
  gnutls_datum_t datum, digest, sig;
  guint8 sha256[32];
  gsize len;
  char *b64;

  if (!g_file_get_contents (key_path, &pem, &len, NULL))
    jd_bench_die ("cannot read %s", key_path);
  gnutls_hash_init (&hash, GNUTLS_DIG_SHA256);
  for (guint64 done = 0; done < body_size; done += SERVER_CHUNK)
    gnutls_hash (hash, pattern + (done % PATTERN_SIZE), MIN ((guint64) SERVER_CHUNK, body_size - done));
  gnutls_hash_deinit (hash, sha256);

  datum.data = (unsigned char *) pem;
  datum.size = len;
  gnutls_x509_privkey_init (&x509);
  if (gnutls_x509_privkey_import (x509, &datum, GNUTLS_X509_FMT_PEM) < 0)
    jd_bench_die ("cannot import the key");
  gnutls_privkey_init (&key);
  gnutls_privkey_import_x509 (key, x509, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE);
  digest.data = sha256;
  digest.size = 32;
  if (gnutls_privkey_sign_hash2 (key, GNUTLS_SIGN_ECDSA_SHA256, 0, &digest, &sig) < 0)
    jd_bench_die ("cannot sign");
  b64 = g_base64_encode (sig.data, sig.size);
  gnutls_free (sig.data);
  gnutls_privkey_deinit (key);
  return b64;
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jd-bench-download-XXXXXX", &error);
  g_autofree char *ca_crt = NULL, *ca_key = NULL, *srv_crt = NULL, *srv_key = NULL;
  g_autofree char *cs_crt = NULL, *cs_key = NULL;
  g_autofree char *signature = NULL, *url = NULL, *json = NULL;
  g_autofree char *a = NULL, *b = NULL;
  g_autoptr(JdSandboxCa) ca = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(JsonNode) document = NULL;
  g_autoptr(GPtrArray) files = NULL;
  Server server = { 0 };
  GThread *thread;
  Run verify = { 0 }, plain = { 0 }, idle = { 0 }, warm = { 0 };
  gsize rss_before, rss_after;
  double mib, verify_mbs, plain_mbs, longest, p99, plain_longest;
  guint64 mib_arg = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 1024;

  if (dir == NULL)
    jd_bench_die ("%s", error->message);
  body_size = MAX (mib_arg, 1) * 1024 * 1024;
  mib = body_size / (1024.0 * 1024.0);
  pattern = g_malloc (PATTERN_SIZE);
  for (guint i = 0; i < PATTERN_SIZE; i++)
    pattern[i] = (guint8) (g_random_int () & 0xff);

  /* Certificates: the server's from a sandbox CA, the sandbox's code-signing pair. */
  ca_crt = g_build_filename (dir, "ca.pem", NULL);
  ca_key = g_build_filename (dir, "ca.key", NULL);
  srv_crt = g_build_filename (dir, "server.pem", NULL);
  srv_key = g_build_filename (dir, "server.key", NULL);
  cs_crt = g_build_filename (dir, JD_SANDBOX_CODESIGN_CERT, NULL);
  cs_key = g_build_filename (dir, JD_SANDBOX_CODESIGN_KEY, NULL);
  ca = jd_sandbox_ca_load_or_create (ca_crt, ca_key, &error);
  if (ca == NULL || !jd_sandbox_ca_issue (ca, JD_SANDBOX_CERT_SERVER, "localhost", srv_crt, srv_key, &error) ||
      !jd_sandbox_codesign_ensure (cs_crt, cs_key, &error))
    jd_bench_die ("certificates: %s", error->message);
  server.cert = g_tls_certificate_new_from_files (srv_crt, srv_key, &error);
  if (server.cert == NULL)
    jd_bench_die ("%s", error->message);
  signature = sign_body (cs_key);

  g_mutex_init (&server.lock);
  g_cond_init (&server.cond);
  thread = g_thread_new ("bench-server", server_thread, &server);
  g_mutex_lock (&server.lock);
  while (server.loop == NULL)
    g_cond_wait (&server.cond, &server.lock);
  g_mutex_unlock (&server.lock);

  url = g_strdup_printf ("https://127.0.0.1:%d/firmware.bin", server.port);
  json = g_strdup_printf ("{\"afr_ota\":{\"protocols\":[\"HTTP\"],\"files\":[{\"filepath\":\"firmware.bin\","
                          "\"filesize\":%" G_GUINT64_FORMAT ",\"certfile\":\"%s\",\"update_data_url\":\"%s\","
                          "\"sig-sha256-ecdsa\":\"%s\"}]}}", body_size, cs_crt, url, signature);
  document = json_from_string (json, &error);
  files = jd_codesign_find_files (document);
  session = jd_codesign_session_new (ca_crt, &error);
  if (session == NULL)
    jd_bench_die ("%s", error->message);

  measure_idle (&idle, 2000);
  {
    /* The first request pays for the TLS handshake and the CA database in
     * libsoup and glib-networking; measured apart as context. */
    g_autofree char *warm_url = g_strdup_printf ("https://127.0.0.1:%d/warmup", server.port);

    measure (&warm, session, NULL, warm_url, NULL);
  }
  measure (&plain, session, NULL, url, NULL);
  if (!plain.ok || plain.received != body_size)
    jd_bench_die ("baseline download failed: %s", plain.error ? plain.error : "short body");
  rss_before = jd_bench_rss_kib ();
  measure (&verify, session, g_ptr_array_index (files, 0), url, NULL);
  rss_after = jd_bench_rss_kib ();
  if (!verify.ok)
    jd_bench_die ("verification failed: %s", verify.error);

  verify_mbs = mib / ((verify.end - verify.start) / 1e6);
  plain_mbs = mib / ((plain.end - plain.start) / 1e6);
  longest = jd_bench_percentile (verify.gaps, 100) - 1.0;
  p99 = jd_bench_percentile (verify.gaps, 99);
  plain_longest = jd_bench_percentile (plain.gaps, 100) - 1.0;

  a = g_strdup_printf ("%.0f MiB/s", verify_mbs);
  b = g_strdup_printf ("%.0f MiB/s", plain_mbs);
  {
    g_autofree char *name = g_strdup_printf ("Signed download: %.0f MiB over HTTPS, SHA-256 + SHA-1 + ECDSA "
                                             "(vs the same download discarded)", mib);
    jd_bench_row (name, "throughput", a, b, verify_mbs / plain_mbs, "informational");
  }
  g_clear_pointer (&a, g_free);
  g_clear_pointer (&b, g_free);
  a = g_strdup_printf ("%.1f ms", longest);
  b = g_strdup_printf ("%.1f ms", plain_longest);
  jd_bench_row ("Signed download", "longest main-loop stall at frame priority (lower is better)", a, b,
                plain_longest > 0 ? longest / plain_longest : 0, "≤ 16 ms");
  g_clear_pointer (&a, g_free);
  g_clear_pointer (&b, g_free);
  a = g_strdup_printf ("%.2f ms", p99);
  b = g_strdup_printf ("%.2f ms", jd_bench_percentile (plain.gaps, 99));
  jd_bench_row ("Signed download", "p99 gap of a 1 ms frame-priority timer (lower is better)", a, b,
                p99 / jd_bench_percentile (plain.gaps, 99), "informational");
  g_clear_pointer (&a, g_free);
  g_clear_pointer (&b, g_free);

  a = g_strdup_printf ("%.2f ms / %.3f ms", jd_bench_percentile (verify.cpu_gaps, 100),
                       jd_bench_percentile (verify.cpu_gaps, 99));
  b = g_strdup_printf ("%.2f ms / %.3f ms", jd_bench_percentile (plain.cpu_gaps, 100),
                       jd_bench_percentile (plain.cpu_gaps, 99));
  jd_bench_row ("Signed download", "main-thread CPU between two ticks, longest / p99 (the loop's own work; lower is better)",
                a, b, jd_bench_percentile (verify.cpu_gaps, 100) / MAX (jd_bench_percentile (plain.cpu_gaps, 100), 0.001),
                "≤ 16 ms");
  g_clear_pointer (&a, g_free);
  g_clear_pointer (&b, g_free);
  a = g_strdup_printf ("%.1f ms / %.2f ms", jd_bench_percentile (idle.gaps, 100) - 1.0,
                       jd_bench_percentile (idle.gaps, 99));
  jd_bench_row ("Signed download", "context: the same timer on an idle loop, longest stall / p99 gap", a, "-", 0,
                "informational");
  g_clear_pointer (&a, g_free);
  a = g_strdup_printf ("%.1f ms wall / %.1f ms CPU", jd_bench_percentile (warm.gaps, 100) - 1.0,
                       jd_bench_percentile (warm.cpu_gaps, 100));
  jd_bench_row ("Signed download", "context: first request (TLS handshake in libsoup/glib-networking), longest stall",
                a, "-", 0, "informational");
  g_clear_pointer (&a, g_free);

  g_clear_pointer (&a, g_free);
  a = g_strdup_printf ("%" G_GSIZE_FORMAT " KiB", rss_after);
  b = g_strdup_printf ("%" G_GSIZE_FORMAT " KiB", rss_before);
  jd_bench_row ("Signed download", "RSS after the verified download (vs before it; never the file in memory)",
                a, b, (double) rss_after / rss_before, "informational");
  g_clear_pointer (&a, g_free);
  g_clear_pointer (&b, g_free);

  g_main_loop_quit (server.loop);
  g_main_context_wakeup (g_main_loop_get_context (server.loop));
  g_thread_join (thread);
  g_main_loop_unref (server.loop);
  g_object_unref (server.cert);
  g_array_unref (verify.gaps);
  g_array_unref (plain.gaps);
  g_array_unref (idle.gaps);
  g_array_unref (verify.cpu_gaps);
  g_array_unref (plain.cpu_gaps);
  g_array_unref (idle.cpu_gaps);
  g_array_unref (warm.gaps);
  g_array_unref (warm.cpu_gaps);
  g_free (warm.error);
  g_free (verify.error);
  g_free (plain.error);
  g_free (pattern);
  remove_dir (dir);
  return longest <= 16.0 ? 0 : 1;
}
