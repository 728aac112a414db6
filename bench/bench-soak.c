/* bench-soak.c — the long soak: a jobdeck-service daemon answers N signed
 * control-plane requests (default 100,000), each on a fresh TCP + TLS
 * connection the client closes after the answer, with an MQTT device
 * connecting, asking and leaving every 100 requests. Prints the daemon's open
 * fds, RSS and CLOSE-WAIT sockets as it goes and, at the end, the growth per
 * request after a warm-up (the short, asserted version is
 * tests/faults/test-soak.c).
 *
 *   bench-soak [N]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "bench-soak"

#include <signal.h>
#include <sys/prctl.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "jd-bench.h"
#include "jd-fault-http.h"

#define THING        "Soak1"
#define N_WARM_UP    500
#define DEVICE_EVERY 100
#define REPORT_EVERY 5000

typedef struct {
  JsonNode *info;
  GPid      pid;
  JdFaultEndpoint endpoint;
  guint16   mqtt_port;
  const char *cert_path;
  const char *key_path;
} Daemon;

/* The daemon dies with us, even when an assertion aborts us. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static GSubprocess *
spawn_daemon (const char  *dir,
              GError     **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  return g_subprocess_launcher_spawn (launcher, error, JOBDECK_SERVICE_PATH,
                                      "--data-dir", dir, "--thing", THING, NULL);
}

static void
on_message (struct mosquitto               *mosq,
            void                           *user_data,
            const struct mosquitto_message *message)
{
  gint *replies = user_data;

  if (g_str_has_suffix (message->topic, "/get/accepted"))
    g_atomic_int_inc (replies);
}

static void
device_cycle (Daemon *d)
{
  gint replies = 0;
  struct mosquitto *mosq = jd_bench_mosq_connect (THING, d->mqtt_port, d->endpoint.ca_path,
                                                  d->cert_path, d->key_path, on_message, &replies);
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  jd_bench_mosq_subscribe (mosq, "$aws/things/" THING "/jobs/get/accepted");
  mosquitto_publish (mosq, NULL, "$aws/things/" THING "/jobs/get", 2, "{}", 1, false);
  while (g_atomic_int_get (&replies) == 0 && g_get_monotonic_time () < end)
    g_usleep (1000);
  if (g_atomic_int_get (&replies) == 0)
    jd_bench_die ("the device got no answer");
  jd_bench_mosq_free (mosq);
}

static void
request (Daemon *d)
{
  g_autoptr(GError) error = NULL;
  guint status = jd_fault_request (&d->endpoint, "GET", "/things", NULL, &error);

  if (status != 200)
    jd_bench_die ("request failed: %u %s", status, error != NULL ? error->message : "");
}

int
main (int   argc,
      char *argv[])
{
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jobdeck-bench-soak-XXXXXX", &error);
  g_autofree char *info_path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GSubprocess) daemon = NULL;
  g_autofree char *fds_text = NULL, *rss_text = NULL;
  Daemon d = { 0 };
  JsonObject *root, *cp, *mqtt, *thing;
  const char *endpoint;
  guint fds0, fds1;
  guint64 rss0, rss1;
  gint64 start, end;

  if (dir == NULL)
    jd_bench_die ("%s", error->message);
  info_path = g_build_filename (dir, "sandbox.json", NULL);
  daemon = spawn_daemon (dir, &error);
  if (daemon == NULL)
    jd_bench_die ("%s", error->message);
  d.pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (daemon), NULL, 10);
  end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!g_file_test (info_path, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < end)
    g_usleep (10 * 1000);
  if (!g_file_get_contents (info_path, &text, NULL, &error)
      || (d.info = json_from_string (text, &error)) == NULL)
    jd_bench_die ("sandbox.json: %s", error->message);

  root = json_node_get_object (d.info);
  cp = json_object_get_object_member (root, "controlPlane");
  mqtt = json_object_get_object_member (root, "mqtt");
  thing = json_object_get_object_member (json_object_get_object_member (root, "things"), THING);
  endpoint = json_object_get_string_member (cp, "endpoint");
  d.endpoint.port = (guint16) g_ascii_strtoull (strrchr (endpoint, ':') + 1, NULL, 10);
  d.endpoint.ca_path = json_object_get_string_member (mqtt, "caPath");
  d.endpoint.access_key_id = json_object_get_string_member (cp, "accessKeyId");
  d.endpoint.secret_access_key = json_object_get_string_member (cp, "secretAccessKey");
  d.endpoint.region = json_object_get_string_member (cp, "region");
  d.mqtt_port = (guint16) json_object_get_int_member (mqtt, "port");
  d.cert_path = json_object_get_string_member (thing, "certificatePath");
  d.key_path = json_object_get_string_member (thing, "keyPath");

  for (guint i = 0; i < N_WARM_UP; i++)
    request (&d);
  g_usleep (300 * 1000);
  fds0 = jd_fault_count_fds (d.pid);
  rss0 = jd_fault_rss_kib (d.pid);
  g_print ("after %u warm-up requests: %u fds, %" G_GUINT64_FORMAT " KiB\n", N_WARM_UP, fds0, rss0);

  start = g_get_monotonic_time ();
  for (guint i = 1; i <= n; i++)
    {
      request (&d);
      if (i % DEVICE_EVERY == 0)
        device_cycle (&d);
      if (i % REPORT_EVERY == 0 || i == n)
        g_print ("%7u requests  %5.0f s  fds %u  RSS %" G_GUINT64_FORMAT " KiB  CLOSE-WAIT %u\n",
                 i, jd_bench_elapsed (start), jd_fault_count_fds (d.pid), jd_fault_rss_kib (d.pid),
                 jd_fault_count_close_wait (d.endpoint.port));
    }
  g_usleep (500 * 1000);
  fds1 = jd_fault_count_fds (d.pid);
  rss1 = jd_fault_rss_kib (d.pid);

  fds_text = g_strdup_printf ("%+.5f fd", ((double) fds1 - fds0) / n);
  rss_text = g_strdup_printf ("%+.4f KiB", ((double) rss1 - (double) rss0) / n);
  g_print ("\n%u requests (%u device cycles) in %.0f s: fds %u -> %u, RSS %" G_GUINT64_FORMAT
           " -> %" G_GUINT64_FORMAT " KiB\n\n",
           n, n / DEVICE_EVERY, jd_bench_elapsed (start), fds0, fds1, rss0, rss1);
  /* No baseline: the target is no growth at all. */
  g_print ("| soak (fresh connections) | fds per request | %s | - | - | 0 |\n", fds_text);
  g_print ("| soak (fresh connections) | RSS per request | %s | - | - | ~0 |\n", rss_text);

  g_subprocess_send_signal (daemon, SIGTERM);
  g_subprocess_wait (daemon, NULL, NULL);
  json_node_unref (d.info);
  return 0;
}
