/* jd-service-main.c — jobdeck-service: starts a JdSandbox on --data-dir, prints
 * where sandbox.json is once ready, says so when the sandbox restarts a broker
 * that died, and stops mosquitto and the service on SIGINT or SIGTERM.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jobdeck-service"

#include <signal.h>
#include <stdio.h>
#include <glib-unix.h>

#include "jd-sandbox.h"
#include "jd-service-main.h"

typedef struct
{
  GMainLoop *loop;
  JdSandbox    *sandbox;
  GCancellable *cancellable;
  int           status;
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
  g_print ("jobdeck-service: ready; MQTT on %s:%u, control plane on https://%s:%u; see %s\n",
           JD_SANDBOX_HOST, jd_sandbox_get_mqtt_port (daemon->sandbox),
           JD_SANDBOX_HOST, jd_sandbox_get_https_port (daemon->sandbox),
           jd_sandbox_get_info_path (daemon->sandbox));
  fflush (stdout);
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

int
jd_service_main (int    argc,
                 char **argv)
{
  g_autofree char *data_dir = NULL;
  g_auto(GStrv) things = NULL;
  g_autofree char *mqtt_port_text = NULL;
  g_autofree char *https_port_text = NULL;
  gboolean fleet_events = FALSE;
  GOptionEntry entries[] = {
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      "The sandbox folder (created on first use)", "DIR" },
    { "thing", 't', 0, G_OPTION_ARG_STRING_ARRAY, &things,
      "A thing to provide (repeatable; default MyThing)", "NAME" },
    { "mqtt-port", 0, 0, G_OPTION_ARG_STRING, &mqtt_port_text,
      "The broker's loopback port (default: a free one)", "N" },
    { "https-port", 0, 0, G_OPTION_ARG_STRING, &https_port_text,
      "The control plane's loopback port (default: a free one)", "N" },
    { "fleet-events", 0, 0, G_OPTION_ARG_NONE, &fleet_events,
      "Publish the $aws/events/job… and jobExecution… fleet events", NULL },
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
      !parse_port (https_port_text, &https_port, &error))
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
  if (things == NULL && !jd_sandbox_add_thing (sandbox, JD_SANDBOX_DEFAULT_THING, &error))
    {
      g_printerr ("jobdeck-service: %s\n", error->message);
      return 2;
    }
  jd_sandbox_set_mqtt_port (sandbox, mqtt_port);
  jd_sandbox_set_https_port (sandbox, https_port);
  jd_sandbox_set_fleet_events (sandbox, fleet_events);

  loop = g_main_loop_new (NULL, FALSE);
  daemon.loop = loop;
  daemon.sandbox = sandbox;
  daemon.cancellable = cancellable;
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
