/* test-http-limits.c — the control plane's HTTPS server under abusive
 * clients (issue: bounded input, a control plane that cannot be starved):
 * bodies over the limit refused from Content-Length and while streaming
 * chunked, without being read whole; a TLS handshake that does not finish and
 * a connection that never sends a request are closed after their deadlines;
 * a hundred silent TCP connections do not delay a real request; the number of
 * connections is capped without locking real clients out.
 *
 * The server (JdServiceHttp) runs on this thread's main loop; the clients are
 * blocking and run in a second thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-http-limits"

#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jd-fault-http.h"
#include "jd-service-http.h"
#include "jd-test-https.h"

typedef struct {
  JdTestCerts     *certs;
  JdStore         *store;
  JdServiceHttp   *http;
  JdFaultEndpoint  endpoint;
} Fixture;

static void
fixture_start (Fixture                   *f,
               const JdServiceHttpLimits *limits)
{
  g_autoptr(GError) error = NULL;

  f->certs = jd_test_certs_new ();
  f->store = jd_store_open (":memory:", &error);
  g_assert_no_error (error);
  f->http = jd_service_http_new (f->store, "us-east-1", "123456789012", "AKIDTEST", "test-secret");
  if (limits != NULL)
    jd_service_http_set_limits (f->http, limits);
  g_assert_true (jd_service_http_listen (f->http, f->certs->certificate, 0, &error));
  g_assert_no_error (error);
  f->endpoint.port = jd_service_http_get_port (f->http);
  f->endpoint.ca_path = f->certs->ca_path;
  f->endpoint.access_key_id = "AKIDTEST";
  f->endpoint.secret_access_key = "test-secret";
  f->endpoint.region = "us-east-1";
}

static void
fixture_stop (Fixture *f)
{
  g_assert_finalize_object (f->http);
  g_assert_finalize_object (f->store);
  jd_test_certs_free (f->certs);
}

/* Runs @func (@data) in a thread while this thread serves; returns its
 * result. */
typedef struct {
  GThreadFunc func;
  gpointer    data;
  gpointer    result;
  gint        done;
} Job;

static gpointer
job_thread (gpointer user_data)
{
  Job *job = user_data;

  job->result = job->func (job->data);
  g_atomic_int_set (&job->done, 1);
  g_main_context_wakeup (NULL);
  return NULL;
}

static gpointer
run_client (GThreadFunc func,
            gpointer    data)
{
  Job job = { func, data, NULL, 0 };
  GThread *thread = g_thread_new ("client", job_thread, &job);

  while (!g_atomic_int_get (&job.done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
  return job.result;
}

/* Seconds until the server closes @stream (a read returns end of file or
 * fails), at most @limit_s; the read is bounded by a socket timeout. */
static double
seconds_until_closed (GIOStream *stream,
                      GSocket   *socket,
                      guint      limit_s)
{
  gint64 start = g_get_monotonic_time ();
  char buf[256];
  gssize n;

  g_socket_set_timeout (socket, limit_s);
  do
    n = g_input_stream_read (g_io_stream_get_input_stream (stream), buf, sizeof buf, NULL, NULL);
  while (n > 0);
  return (g_get_monotonic_time () - start) / 1e6;
}

static GSocket *
socket_of (GIOStream *stream)
{
  GIOStream *base = stream;

  if (G_IS_TLS_CONNECTION (stream))
    g_object_get (stream, "base-io-stream", &base, NULL);
  else
    g_object_ref (base);
  g_object_unref (base);   /* the connection keeps it */
  return g_socket_connection_get_socket (G_SOCKET_CONNECTION (base));
}

static gint64
process_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Serves until at most @n connections remain open, or @ms pass. */
static guint
n_connections_after (Fixture *f,
                     guint    n,
                     guint    ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (jd_service_http_get_n_connections (f->http) > n && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  return jd_service_http_get_n_connections (f->http);
}

/* ---- bodies ---- */

typedef struct {
  Fixture *f;
  guint    status;
  double   seconds;
  guint64  sent;
  char    *body;
} BodyCase;

static gpointer
declared_body_client (gpointer user_data)
{
  BodyCase *bc = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) stream = jd_fault_connect (&bc->f->endpoint, TRUE, &error);
  g_autofree char *head = NULL;
  gint64 start = g_get_monotonic_time ();

  g_assert_no_error (error);
  /* 1 GiB announced, 64 KiB sent: the answer must not wait for the rest. */
  head = jd_fault_request_head (&bc->f->endpoint, "PUT", "/jobs/big", NULL, G_GINT64_CONSTANT (1) << 30, NULL);
  g_socket_set_timeout (socket_of (stream), 10);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (stream), head, strlen (head),
                                            NULL, NULL, &error));
  for (guint i = 0; i < 16; i++)
    {
      char chunk[4096];

      memset (chunk, 'x', sizeof chunk);
      if (!g_output_stream_write_all (g_io_stream_get_output_stream (stream), chunk, sizeof chunk,
                                      NULL, NULL, NULL))
        break;
    }
  bc->status = jd_fault_read_response (stream, &bc->body, &error);
  bc->seconds = (g_get_monotonic_time () - start) / 1e6;
  if (error != NULL)
    g_test_message ("declared body: %s", error->message);
  return NULL;
}

static void
test_body_declared (void)
{
  Fixture f = { 0 };
  BodyCase bc = { &f };
  g_autoptr(JsonNode) json = NULL;

  fixture_start (&f, NULL);
  run_client (declared_body_client, &bc);
  g_test_message ("Content-Length 1 GiB: %u after %.3f s: %s", bc.status, bc.seconds, bc.body);
  g_assert_cmpuint (bc.status, ==, 413);
  g_assert_cmpfloat (bc.seconds, <, 5.0);
  json = json_from_string (bc.body, NULL);
  g_assert_nonnull (json);
  g_assert_nonnull (json_object_get_string_member (json_node_get_object (json), "message"));
  g_free (bc.body);
  fixture_stop (&f);
}

#define CHUNK        (64 * 1024)
#define STREAM_LIMIT (G_GUINT64_CONSTANT (256) << 20)

static gpointer
chunked_body_client (gpointer user_data)
{
  BodyCase *bc = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) stream = jd_fault_connect (&bc->f->endpoint, TRUE, &error);
  g_autofree char *head = NULL;
  g_autofree char *chunk = g_malloc (CHUNK + 32);
  GOutputStream *out;
  gsize chunk_len;
  gint64 start = g_get_monotonic_time ();

  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (stream);
  g_socket_set_timeout (socket_of (stream), 10);
  head = jd_fault_request_head (&bc->f->endpoint, "PUT", "/jobs/big", NULL, JD_FAULT_CHUNKED, NULL);
  g_assert_true (g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error));

  /* Streams chunks until the server stops taking them (up to 256 MiB). */
  g_snprintf (chunk, 32, "%x\r\n", CHUNK);
  chunk_len = strlen (chunk);
  memset (chunk + chunk_len, '[', CHUNK);
  memcpy (chunk + chunk_len + CHUNK, "\r\n", 2);
  chunk_len += CHUNK + 2;
  while (bc->sent < STREAM_LIMIT)
    {
      if (!g_output_stream_write_all (out, chunk, chunk_len, NULL, NULL, NULL))
        break;
      bc->sent += CHUNK;
    }
  bc->seconds = (g_get_monotonic_time () - start) / 1e6;
  return NULL;
}

static void
test_body_chunked (void)
{
  Fixture f = { 0 };
  BodyCase bc = { &f };
  JdServiceHttpLimits limits;
  guint64 rss0, rss1;

  jd_service_http_limits_init (&limits);
  fixture_start (&f, &limits);
  rss0 = jd_fault_rss_kib (getpid ());
  run_client (chunked_body_client, &bc);
  rss1 = jd_fault_rss_kib (getpid ());
  g_test_message ("chunked: the server stopped taking the body after %" G_GUINT64_FORMAT
                  " KiB (%.3f s); RSS %" G_GUINT64_FORMAT " -> %" G_GUINT64_FORMAT " KiB",
                  bc.sent / 1024, bc.seconds, rss0, rss1);
  /* The limit plus what the socket buffers and the 1 MiB drain take. */
  g_assert_cmpuint (bc.sent, <, limits.max_body_size + (G_GUINT64_CONSTANT (16) << 20));
#ifndef __SANITIZE_ADDRESS__
  /* (AddressSanitizer's quarantine keeps freed chunks resident: not under it.) */
  g_assert_cmpuint (rss1, <, rss0 + 2 * limits.max_body_size / 1024 + 16 * 1024);
#endif
  fixture_stop (&f);
}

/* ---- deadlines ---- */

typedef struct {
  Fixture  *f;
  gboolean  tls;
  gsize     partial;   /* bytes of a ClientHello to send, then stall */
  double    seconds;
} Silent;

static gpointer
silent_client (gpointer user_data)
{
  Silent *s = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) stream = jd_fault_connect (&s->f->endpoint, s->tls, &error);

  g_assert_no_error (error);
  if (s->partial > 0)
    {
      static const guint8 hello[] = { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00 };

      g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (stream), hello,
                                                MIN (s->partial, sizeof hello), NULL, NULL, &error));
    }
  s->seconds = seconds_until_closed (stream, socket_of (stream), 10);
  return NULL;
}

static void
test_deadlines (void)
{
  Fixture f = { 0 };
  JdServiceHttpLimits limits;
  Silent no_hello = { &f, FALSE, 0 };
  Silent part_hello = { &f, FALSE, 6 };
  Silent idle = { &f, TRUE, 0 };
  gint64 cpu;

  jd_service_http_limits_init (&limits);
  limits.handshake_timeout_ms = 1000;
  limits.idle_timeout_ms = 1000;
  fixture_start (&f, &limits);

  run_client (silent_client, &no_hello);
  cpu = process_cpu_us ();
  run_client (silent_client, &part_hello);
  cpu = process_cpu_us () - cpu;
  run_client (silent_client, &idle);
  g_test_message ("closed after: no ClientHello %.3f s, part of one %.3f s, no request %.3f s",
                  no_hello.seconds, part_hello.seconds, idle.seconds);
  /* Closed by the deadline, long before the client's own 10 s. */
  g_assert_cmpfloat (no_hello.seconds, >=, 0.9);
  g_assert_cmpfloat (no_hello.seconds, <, 4.0);
  g_assert_cmpfloat (part_hello.seconds, >=, 0.9);
  g_assert_cmpfloat (part_hello.seconds, <, 4.0);
  /* Waiting for the rest of a ClientHello does not spin the loop. */
  g_test_message ("CPU time while a partial ClientHello waited: %.3f s", cpu / 1e6);
  g_assert_cmpint (cpu, <, 300 * 1000);
  g_assert_cmpfloat (idle.seconds, >=, 0.5);
  g_assert_cmpfloat (idle.seconds, <, 4.0);
  /* The server lets go of the last one on its next iterations. */
  g_assert_cmpuint (n_connections_after (&f, 0, 2000), ==, 0);
  fixture_stop (&f);
}

/* ---- starvation ---- */

typedef struct {
  Fixture   *f;
  guint      n_silent;
  GPtrArray *silent;
  double     baseline;
  double     with_silent;
  guint      status;
  guint      established;
} Starve;

static double
timed_request (Starve *s)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  s->status = jd_fault_request (&s->f->endpoint, "GET", "/things", NULL, &error);
  if (error != NULL)
    g_test_message ("request: %s", error->message);
  return (g_get_monotonic_time () - start) / 1e6;
}

static gpointer
starve_client (gpointer user_data)
{
  Starve *s = user_data;

  /* The best of three: one request's time on an idle server. */
  s->baseline = G_MAXDOUBLE;
  for (guint i = 0; i < 3; i++)
    {
      s->baseline = MIN (s->baseline, timed_request (s));
      g_assert_cmpuint (s->status, ==, 200);
    }

  s->silent = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < s->n_silent; i++)
    {
      g_autoptr(GError) error = NULL;
      GIOStream *stream = jd_fault_connect (&s->f->endpoint, FALSE, &error);

      g_assert_no_error (error);
      g_ptr_array_add (s->silent, stream);
    }
  g_usleep (200 * 1000);   /* let the server accept them all */
  s->with_silent = timed_request (s);
  s->established = jd_fault_count_tcp (s->f->endpoint.port, 0x01);
  g_ptr_array_unref (s->silent);
  return NULL;
}

static void
test_silent_connections (void)
{
  Fixture f = { 0 };
  Starve s = { &f, 100 };

  fixture_start (&f, NULL);
  run_client (starve_client, &s);
  g_test_message ("a request alone: %.3f s; with %u silent connections open: %.3f s (status %u)",
                  s.baseline, s.n_silent, s.with_silent, s.status);
  g_assert_cmpuint (s.status, ==, 200);
  g_assert_cmpfloat (s.with_silent, <, s.baseline + 0.3);
  fixture_stop (&f);
}

static void
test_connection_cap (void)
{
  Fixture f = { 0 };
  Starve s = { &f, 60 };
  JdServiceHttpLimits limits;

  jd_service_http_limits_init (&limits);
  limits.max_connections = 20;
  fixture_start (&f, &limits);
  run_client (starve_client, &s);
  g_test_message ("cap 20, 60 silent connections: request %u in %.3f s; server-side sockets open %u",
                  s.status, s.with_silent, s.established);
  /* The oldest silent connections made room: the real one was served. */
  g_assert_cmpuint (s.status, ==, 200);
  g_assert_cmpuint (s.established, <=, limits.max_connections + 1);
  g_assert_cmpuint (jd_service_http_get_n_connections (f.http), <=, limits.max_connections);
  fixture_stop (&f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/http-limits/body/declared", test_body_declared);
  g_test_add_func ("/http-limits/body/chunked", test_body_chunked);
  g_test_add_func ("/http-limits/deadlines", test_deadlines);
  g_test_add_func ("/http-limits/silent-connections", test_silent_connections);
  g_test_add_func ("/http-limits/connection-cap", test_connection_cap);

  return g_test_run ();
}
