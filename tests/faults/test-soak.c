/* test-soak.c — the jobdeck-service daemon holds no resource per client that
 * has gone: thousands of signed control-plane requests, each on a fresh
 * TCP + TLS connection that the client closes after the answer (the pattern
 * that leaked one fd and one CLOSE-WAIT socket per request in libsoup 3.2's
 * server), with MQTT devices connecting, asking and leaving in between. The
 * daemon's open fds and RSS must come back to where they were after a
 * warm-up, and no socket of its may sit in CLOSE-WAIT.
 *
 * Bounded to about a minute; bench/bench-soak.c runs the long version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-soak"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "jd-fault-http.h"
#include "jd-test-sandbox.h"

#define THING         "Soak1"
#define N_WARM_UP     100
#define N_REQUESTS    2000    /* at most; as many as fit in MAX_SECONDS */
#define MIN_REQUESTS  200
#define DEVICE_EVERY  50      /* one MQTT device cycle per this many requests */
#define MAX_SECONDS   45
#define FD_SLACK      4
#define RSS_SLACK_KIB (3 * 1024)

typedef struct {
  char            *dir;
  GSubprocess     *daemon;
  GPid             pid;
  JsonNode        *info;
  JdFaultEndpoint  endpoint;
  const char      *mqtt_host;
  guint16          mqtt_port;
  const char      *cert_path;
  const char      *key_path;
} Daemon;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_unlink (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      remove_tree (child);
    }
  g_rmdir (path);
}

static void
daemon_start (Daemon *d)
{
  g_autofree char *info_path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  JsonObject *root, *cp, *mqtt, *thing;
  const char *endpoint, *colon;

  d->dir = g_dir_make_tmp ("jobdeck-soak-XXXXXX", &error);
  g_assert_no_error (error);
  info_path = g_build_filename (d->dir, "sandbox.json", NULL);
  /* Under AddressSanitizer freed memory waits in a quarantine (up to 256 MiB)
   * before reuse, so RSS climbs with every request whether or not anything
   * leaks: this test measures growth, so the daemon runs without it (leak
   * detection stays on). */
  if (g_getenv ("ASAN_OPTIONS") != NULL)
    {
      g_autofree char *options = g_strconcat (g_getenv ("ASAN_OPTIONS"),
                                              ":quarantine_size_mb=0:thread_local_quarantine_size_kb=0", NULL);

      g_setenv ("ASAN_OPTIONS", options, TRUE);
    }
  d->daemon = jd_test_spawn_service (JOBDECK_SERVICE_PATH, d->dir, (const char *[]) { THING, NULL }, &error);
  g_assert_no_error (error);
  d->pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (d->daemon), NULL, 10);
  while (!g_file_test (info_path, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < end)
    g_usleep (10 * 1000);
  g_assert_true (g_file_get_contents (info_path, &text, NULL, NULL));
  d->info = json_from_string (text, &error);
  g_assert_no_error (error);

  root = json_node_get_object (d->info);
  cp = json_object_get_object_member (root, "controlPlane");
  mqtt = json_object_get_object_member (root, "mqtt");
  thing = json_object_get_object_member (json_object_get_object_member (root, "things"), THING);
  endpoint = json_object_get_string_member (cp, "endpoint");
  colon = strrchr (endpoint, ':');
  g_assert_nonnull (colon);
  d->endpoint.port = (guint16) g_ascii_strtoull (colon + 1, NULL, 10);
  d->endpoint.ca_path = json_object_get_string_member (mqtt, "caPath");
  d->endpoint.access_key_id = json_object_get_string_member (cp, "accessKeyId");
  d->endpoint.secret_access_key = json_object_get_string_member (cp, "secretAccessKey");
  d->endpoint.region = json_object_get_string_member (cp, "region");
  d->mqtt_host = json_object_get_string_member (mqtt, "host");
  d->mqtt_port = (guint16) json_object_get_int_member (mqtt, "port");
  d->cert_path = json_object_get_string_member (thing, "certificatePath");
  d->key_path = json_object_get_string_member (thing, "keyPath");
}

static void
daemon_stop (Daemon *d)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (d->daemon, SIGTERM);
  g_subprocess_wait (d->daemon, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&d->daemon);
  g_clear_pointer (&d->info, json_node_unref);
  remove_tree (d->dir);
  g_clear_pointer (&d->dir, g_free);
}

static void
request_ok (Daemon *d)
{
  g_autoptr(GError) error = NULL;
  guint status = jd_fault_request (&d->endpoint, "GET", "/things", NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
}

/* An MQTT device connects, asks for its pending executions, gets the answer
 * from the service and leaves. */
static void
device_cycle (Daemon *d,
              guint   i)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdTestDevice) device = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *token = g_strdup_printf ("{\"clientToken\":\"soak-%u\"}", i);

  device = jd_test_device_new_full (d->mqtt_host, d->mqtt_port, d->endpoint.ca_path,
                                    d->cert_path, d->key_path, THING,
                                    "$aws/things/" THING "/jobs/#", &error);
  g_assert_no_error (error);
  g_assert_true (jd_test_device_publish (device, "$aws/things/" THING "/jobs/get", token, -1));
  reply = jd_test_device_expect (device, "$aws/things/" THING "/jobs/get/accepted", 10000, NULL);
  g_assert_nonnull (reply);
}

/* Waits until the daemon's fd count is at most @target and none of its
 * control-plane sockets is in CLOSE-WAIT (the last connections closed may
 * take a moment), or a few seconds pass. */
static guint
settle_fds (Daemon *d,
            guint   target)
{
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  guint fds = jd_fault_count_fds (d->pid);

  while ((fds > target || jd_fault_count_close_wait (d->endpoint.port) > 0)
         && g_get_monotonic_time () < end)
    {
      jd_test_spin (50);
      fds = jd_fault_count_fds (d->pid);
    }
  return fds;
}

static void
test_soak (void)
{
  Daemon d = { 0 };
  guint fds0, fds1, close_wait;
  guint64 rss0, rss1;
  gint64 start, elapsed;
  guint done = 0, devices = 0;

  daemon_start (&d);

  for (guint i = 0; i < N_WARM_UP; i++)
    {
      request_ok (&d);
      if (i % DEVICE_EVERY == 0)
        device_cycle (&d, devices++);
    }
  jd_test_spin (300);
  fds0 = jd_fault_count_fds (d.pid);
  rss0 = jd_fault_rss_kib (d.pid);

  start = g_get_monotonic_time ();
  while (done < N_REQUESTS && g_get_monotonic_time () - start < MAX_SECONDS * G_USEC_PER_SEC)
    {
      request_ok (&d);
      done++;
      if (done % DEVICE_EVERY == 0)
        device_cycle (&d, devices++);
    }
  elapsed = g_get_monotonic_time () - start;

  fds1 = settle_fds (&d, fds0 + FD_SLACK);
  rss1 = jd_fault_rss_kib (d.pid);
  close_wait = jd_fault_count_close_wait (d.endpoint.port);

  g_test_message ("%u requests on fresh connections and %u device cycles in %.1f s (%.2f ms each)",
                  done, devices, elapsed / 1e6, elapsed / 1e3 / done);
  g_test_message ("daemon fds %u -> %u (%+.3f per request), RSS %" G_GUINT64_FORMAT " -> %" G_GUINT64_FORMAT
                  " KiB (%+.3f KiB per request), CLOSE-WAIT sockets %u",
                  fds0, fds1, ((double) fds1 - fds0) / done, rss0, rss1,
                  ((double) rss1 - (double) rss0) / done, close_wait);

  /* Enough requests that a leak of one fd (or ~1 KiB) per request shows. */
  g_assert_cmpuint (done, >=, MIN_REQUESTS);
  g_assert_cmpuint (close_wait, ==, 0);
  g_assert_cmpuint (fds1, <=, fds0 + FD_SLACK);
  g_assert_cmpuint (rss1, <=, rss0 + RSS_SLACK_KIB);

  daemon_stop (&d);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/soak/fresh-connections", test_soak);

  return g_test_run ();
}
