/* jd-service-main.c — jobdeck-service: starts a JdSandbox on --data-dir, prints
 * where sandbox.json is once ready, says so when the sandbox restarts a broker
 * that died, and stops mosquitto and the service on SIGINT or SIGTERM. With
 * --fleet it also runs simulated devices (jd-service-fleet.c); this file only
 * reads their options.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jobdeck-service"

#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <glib-unix.h>

#include "jd-sandbox.h"
#include "jd-service-fleet.h"
#include "jd-service-main.h"

/* How long the ready line waits for every simulated device to connect. */
#define FLEET_ONLINE_TIMEOUT_MS 120000
/* The longest simulated step or offline spell an option may ask for. */
#define FLEET_MAX_MS 3600000

typedef struct
{
  GMainLoop *loop;
  JdSandbox    *sandbox;
  JdServiceFleet *fleet;           /* --fleet, or NULL */
  GCancellable *cancellable;
  int           status;
  guint32       fleet_seed;
  gboolean      started;
  gboolean      stopping;
} Daemon;

static void
stopped_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Daemon *daemon = user_data;
  g_autoptr(GError) error = NULL;

  if (!jd_sandbox_stop_finish (JD_SANDBOX (source), result, &error))
    {
      g_printerr ("jobdeck-service: %s\n", error->message);
      daemon->status = 1;
    }
  g_main_loop_quit (daemon->loop);
}

static gboolean
signal_cb (gpointer user_data)
{
  Daemon *daemon = user_data;

  if (daemon->stopping)
    return G_SOURCE_CONTINUE;
  daemon->stopping = TRUE;
  /* The devices say DISCONNECT while the broker still listens. */
  if (daemon->fleet != NULL)
    jd_service_fleet_stop (daemon->fleet);
  if (daemon->started)
    jd_sandbox_stop_async (daemon->sandbox, NULL, stopped_cb, daemon);
  else
    g_cancellable_cancel (daemon->cancellable);   /* started_cb quits */
  return G_SOURCE_CONTINUE;
}

/* The sandbox restarts a broker that died; the daemon only says so. */
static void
broker_exited_cb (JdSandbox *sandbox,
                  Daemon    *daemon)
{
  g_printerr ("jobdeck-service: the broker exited; restarting it (see %s/mosquitto.log)\n",
              jd_sandbox_get_data_dir (sandbox));
}

static void
broker_restarted_cb (JdSandbox *sandbox,
                     Daemon    *daemon)
{
  g_printerr ("jobdeck-service: the broker listens again on %s:%u\n",
              JD_SANDBOX_HOST, jd_sandbox_get_mqtt_port (sandbox));
}

static void
print_ready (Daemon *daemon)
{
  g_print ("jobdeck-service: ready; MQTT on %s:%u, control plane on https://%s:%u; see %s\n",
           JD_SANDBOX_HOST, jd_sandbox_get_mqtt_port (daemon->sandbox),
           JD_SANDBOX_HOST, jd_sandbox_get_https_port (daemon->sandbox),
           jd_sandbox_get_info_path (daemon->sandbox));
  fflush (stdout);
}

static void
fleet_started_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Daemon *daemon = user_data;
  JdServiceFleet *fleet = JD_SERVICE_FLEET (source);
  const char * const *names = jd_service_fleet_get_thing_names (fleet);
  g_autoptr(GError) error = NULL;
  guint n = g_strv_length ((char **) names);
  guint online = 0;

  if (!jd_service_fleet_start_finish (fleet, result, &online, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;   /* a signal came: signal_cb stops the sandbox */
      g_printerr ("jobdeck-service: the simulated devices could not start: %s\n", error->message);
      daemon->status = 1;
      daemon->stopping = TRUE;
      jd_sandbox_stop_async (daemon->sandbox, NULL, stopped_cb, daemon);
      return;
    }
  g_print ("jobdeck-service: %u simulated devices, %s … %s, %u online (seed %u)\n",
           n, names[0], names[n - 1], online, daemon->fleet_seed);
  if (online < n)
    g_printerr ("jobdeck-service: %u of %u simulated devices are not connected yet; they keep trying\n",
                n - online, n);
  print_ready (daemon);
}

static void
started_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Daemon *daemon = user_data;
  g_autoptr(GError) error = NULL;

  if (!jd_sandbox_start_finish (JD_SANDBOX (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_printerr ("jobdeck-service: %s\n", error->message);
          daemon->status = 1;
        }
      g_main_loop_quit (daemon->loop);
      return;
    }
  daemon->started = TRUE;
  if (daemon->stopping)
    {
      jd_sandbox_stop_async (daemon->sandbox, NULL, stopped_cb, daemon);
      return;
    }
  if (daemon->fleet != NULL)
    {
      jd_service_fleet_start_async (daemon->fleet, FLEET_ONLINE_TIMEOUT_MS, NULL, fleet_started_cb, daemon);
      return;
    }
  print_ready (daemon);
}

static gboolean
parse_port (const char  *text,
            guint16     *port,
            GError     **error)
{
  guint64 value = 0;

  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT16, &value, error))
    return FALSE;
  *port = (guint16) value;
  return TRUE;
}

static gboolean
usage_error (GError     **error,
             const char  *format,
             ...) G_GNUC_PRINTF (2, 3);

static gboolean
usage_error (GError     **error,
             const char  *format,
             ...)
{
  va_list args;

  va_start (args, format);
  g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "");
  g_free ((*error)->message);
  (*error)->message = g_strdup_vprintf (format, args);
  va_end (args);
  return FALSE;
}

/* --fleet N[:PREFIX] */
static gboolean
parse_count_prefix (const char  *option,
                    const char  *what,
                    guint        max,
                    const char  *text,
                    guint       *n,
                    char       **prefix,
                    GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ":", 2);
  guint64 value = 0;

  if (!g_ascii_string_to_unsigned (parts[0], 10, 1, max, &value, NULL))
    return usage_error (error, "%s: “%s” is not a number of %s from 1 to %u (%s N[:PREFIX])",
                        option, parts[0], what, max, option);
  if (parts[1] != NULL && parts[1][0] == '\0')
    return usage_error (error, "%s: the prefix after “:” is empty (%s N[:PREFIX])", option, option);
  *n = (guint) value;
  *prefix = g_strdup (parts[1]);
  return TRUE;
}

static gboolean
parse_fleet (const char  *text,
             guint       *n_devices,
             char       **prefix,
             GError     **error)
{
  return parse_count_prefix ("--fleet", "devices", JD_SERVICE_FLEET_MAX_DEVICES, text, n_devices, prefix, error);
}

/* --things N[:PREFIX]: the names PREFIX-1 … PREFIX-N (zero-padded as the
 * fleet's), each given to the sandbox before it starts, so the start makes
 * their identities in one batch off the main loop. */
static gboolean
add_bulk_things (JdSandbox   *sandbox,
                 const char  *text,
                 GError     **error)
{
  g_autofree char *prefix = NULL;
  g_auto(GStrv) names = NULL;
  guint n = 0;

  if (!parse_count_prefix ("--things", "things", JD_SERVICE_MAX_BULK_THINGS, text, &n, &prefix, error))
    return FALSE;
  names = jd_service_fleet_make_thing_names (prefix != NULL ? prefix : JD_SERVICE_BULK_THING_PREFIX, n, error);
  if (names == NULL)
    {
      g_prefix_error (error, "--things: ");
      return FALSE;
    }
  for (guint i = 0; names[i] != NULL; i++)
    if (!jd_sandbox_add_thing (sandbox, names[i], error))
      return FALSE;
  return TRUE;
}

/* A chance from 0 to 1 (C locale decimal point). */
static gboolean
parse_chance (const char  *option,
              const char  *text,
              double      *value,
              GError     **error)
{
  char *end = NULL;
  double v;

  if (text == NULL)
    return TRUE;
  v = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !(v >= 0.0 && v <= 1.0))
    return usage_error (error, "%s: “%s” is not a number from 0 to 1", option, text);
  *value = v;
  return TRUE;
}

/* MIN[:MAX] milliseconds; MAX defaults to MIN. */
static gboolean
parse_range_ms (const char  *option,
                const char  *text,
                guint       *min_ms,
                guint       *max_ms,
                GError     **error)
{
  g_auto(GStrv) parts = NULL;
  guint64 lo = 0, hi = 0;

  if (text == NULL)
    return TRUE;
  parts = g_strsplit (text, ":", 2);
  if (!g_ascii_string_to_unsigned (parts[0], 10, 0, FLEET_MAX_MS, &lo, NULL) ||
      (parts[1] != NULL && !g_ascii_string_to_unsigned (parts[1], 10, 0, FLEET_MAX_MS, &hi, NULL)))
    return usage_error (error, "%s: “%s” is not MIN[:MAX] in milliseconds from 0 to %u",
                        option, text, FLEET_MAX_MS);
  if (parts[1] == NULL)
    hi = lo;
  if (hi < lo)
    return usage_error (error, "%s: the maximum %" G_GUINT64_FORMAT " is below the minimum %" G_GUINT64_FORMAT,
                        option, hi, lo);
  *min_ms = (guint) lo;
  *max_ms = (guint) hi;
  return TRUE;
}

/* Every device holds a socket: the soft limit goes up to the hard one
 * (mosquitto, our child, inherits it), and a fleet that cannot fit is
 * refused now rather than failing device by device. */
static gboolean
raise_file_limit (guint    n_devices,
                  GError **error)
{
  struct rlimit limit;
  rlim_t needed = (rlim_t) n_devices + 256;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return TRUE;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed)
    {
      limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? needed : MIN (needed, limit.rlim_max);
      setrlimit (RLIMIT_NOFILE, &limit);
    }
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed)
    return usage_error (error, "--fleet %u needs %lu open files, and this system allows %lu (ulimit -Hn)",
                        n_devices, (unsigned long) needed, (unsigned long) limit.rlim_cur);
  return TRUE;
}

static gboolean
parse_fleet_options (const char            *fleet_text,
                     const char            *seed_text,
                     const char            *success_text,
                     const char            *step_text,
                     const char            *offline_text,
                     const char            *timeout_text,
                     JdServiceFleetConfig  *config,
                     char                 **prefix,
                     GError               **error)
{
  JdDeviceBehavior behavior = JD_DEVICE_BEHAVIOR_INIT;
  guint64 seed = 0;

  if (fleet_text == NULL)
    {
      const char *stray = seed_text != NULL ? "--seed" : success_text != NULL ? "--fleet-success-rate" :
                          step_text != NULL ? "--fleet-step-ms" : offline_text != NULL ? "--fleet-offline-chance" :
                          timeout_text != NULL ? "--fleet-timeout-chance" : NULL;

      if (stray != NULL)
        return usage_error (error, "%s is about simulated devices and needs --fleet N", stray);
      return TRUE;
    }
  if (!parse_fleet (fleet_text, &config->n_devices, prefix, error) ||
      !parse_chance ("--fleet-success-rate", success_text, &behavior.success_rate, error) ||
      !parse_range_ms ("--fleet-step-ms", step_text, &behavior.step_min_ms, &behavior.step_max_ms, error) ||
      !parse_chance ("--fleet-offline-chance", offline_text, &behavior.offline_chance, error) ||
      !parse_chance ("--fleet-timeout-chance", timeout_text, &behavior.timeout_chance, error))
    return FALSE;
  if (seed_text != NULL && !g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT32, &seed, NULL))
    return usage_error (error, "--seed: “%s” is not a number from 0 to %u", seed_text, G_MAXUINT32);
  /* No seed: a fresh one, printed with the ready line so a run can be repeated. */
  config->seed = seed_text != NULL ? (guint32) seed : g_random_int ();
  config->behavior = behavior;
  config->prefix = *prefix;
  return TRUE;
}

int
jd_service_main (int    argc,
                 char **argv)
{
  g_autofree char *data_dir = NULL;
  g_auto(GStrv) things = NULL;
  g_autofree char *bulk_things_text = NULL;
  g_autofree char *mqtt_port_text = NULL;
  g_autofree char *https_port_text = NULL;
  gboolean fleet_events = FALSE;
  g_autofree char *fleet_text = NULL;
  g_autofree char *fleet_prefix = NULL;
  g_autofree char *seed_text = NULL;
  g_autofree char *success_text = NULL;
  g_autofree char *step_text = NULL;
  g_autofree char *offline_text = NULL;
  g_autofree char *timeout_text = NULL;
  JdServiceFleetConfig fleet_config = { 0 };
  g_autoptr(JdServiceFleet) fleet = NULL;
  GOptionEntry entries[] = {
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      "The sandbox folder (created on first use)", "DIR" },
    { "thing", 't', 0, G_OPTION_ARG_STRING_ARRAY, &things,
      "A thing to provide (repeatable; default MyThing)", "NAME" },
    { "things", 0, 0, G_OPTION_ARG_STRING, &bulk_things_text,
      "Provide N things PREFIX-1 … PREFIX-N with certificates (default prefix Thing)", "N[:PREFIX]" },
    { "mqtt-port", 0, 0, G_OPTION_ARG_STRING, &mqtt_port_text,
      "The broker's loopback port (default: a free one)", "N" },
    { "https-port", 0, 0, G_OPTION_ARG_STRING, &https_port_text,
      "The control plane's loopback port (default: a free one)", "N" },
    { "fleet-events", 0, 0, G_OPTION_ARG_NONE, &fleet_events,
      "Publish the $aws/events/job… and jobExecution… fleet events", NULL },
    { "fleet", 0, 0, G_OPTION_ARG_STRING, &fleet_text,
      "Run N simulated devices, things PREFIX-1 … PREFIX-N (default prefix Device)", "N[:PREFIX]" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
      "Make the simulated devices' choices repeatable (default: a random seed, printed)", "S" },
    { "fleet-success-rate", 0, 0, G_OPTION_ARG_STRING, &success_text,
      "A simulated job's chance to succeed, 0 to 1 (default 1)", "R" },
    { "fleet-step-ms", 0, 0, G_OPTION_ARG_STRING, &step_text,
      "How long each simulated step takes (default 500:2000)", "MIN[:MAX]" },
    { "fleet-offline-chance", 0, 0, G_OPTION_ARG_STRING, &offline_text,
      "A device's chance to go offline in the middle of a job, 0 to 1 (default 0)", "P" },
    { "fleet-timeout-chance", 0, 0, G_OPTION_ARG_STRING, &timeout_text,
      "A device's chance to stop reporting in the middle of a job, 0 to 1 (default 0)", "P" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(JdSandbox) sandbox = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  guint16 mqtt_port = 0, https_port = 0;
  Daemon daemon = { 0 };
  guint sigint_id, sigterm_id;

  context = g_option_context_new ("— the Jobdeck local sandbox: mosquitto and the jobs service");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      !parse_port (mqtt_port_text, &mqtt_port, &error) ||
      !parse_port (https_port_text, &https_port, &error) ||
      !parse_fleet_options (fleet_text, seed_text, success_text, step_text, offline_text, timeout_text,
                            &fleet_config, &fleet_prefix, &error) ||
      (fleet_text != NULL && !raise_file_limit (fleet_config.n_devices, &error)))
    {
      g_printerr ("jobdeck-service: %s\n", error->message);
      return 2;
    }
  if (data_dir == NULL)
    {
      g_printerr ("jobdeck-service: --data-dir is required\n");
      return 2;
    }

  sandbox = jd_sandbox_new (data_dir);
  for (guint i = 0; things != NULL && things[i] != NULL; i++)
    if (!jd_sandbox_add_thing (sandbox, things[i], &error))
      {
        g_printerr ("jobdeck-service: %s\n", error->message);
        return 2;
      }
  if (bulk_things_text != NULL && !add_bulk_things (sandbox, bulk_things_text, &error))
    {
      g_printerr ("jobdeck-service: %s\n", error->message);
      return 2;
    }
  if (things == NULL && bulk_things_text == NULL &&
      !jd_sandbox_add_thing (sandbox, JD_SANDBOX_DEFAULT_THING, &error))
    {
      g_printerr ("jobdeck-service: %s\n", error->message);
      return 2;
    }
  jd_sandbox_set_mqtt_port (sandbox, mqtt_port);
  jd_sandbox_set_https_port (sandbox, https_port);
  jd_sandbox_set_fleet_events (sandbox, fleet_events);
  if (fleet_text != NULL)
    {
      g_auto(GStrv) names = jd_service_fleet_make_thing_names (fleet_config.prefix, fleet_config.n_devices, &error);

      if (names == NULL)
        {
          g_printerr ("jobdeck-service: --fleet: %s\n", error->message);
          return 2;
        }
      fleet = jd_service_fleet_new (sandbox, &fleet_config);
    }

  loop = g_main_loop_new (NULL, FALSE);
  daemon.loop = loop;
  daemon.sandbox = sandbox;
  daemon.cancellable = cancellable;
  daemon.fleet = fleet;
  daemon.fleet_seed = fleet_config.seed;
  sigint_id = g_unix_signal_add (SIGINT, signal_cb, &daemon);
  sigterm_id = g_unix_signal_add (SIGTERM, signal_cb, &daemon);
  g_signal_connect (sandbox, "broker-exited", G_CALLBACK (broker_exited_cb), &daemon);
  g_signal_connect (sandbox, "broker-restarted", G_CALLBACK (broker_restarted_cb), &daemon);

  jd_sandbox_start_async (sandbox, cancellable, started_cb, &daemon);
  g_main_loop_run (loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_signal_handlers_disconnect_by_data (sandbox, &daemon);
  return daemon.status;
}
