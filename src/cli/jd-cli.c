/* jd-cli.c — jobdeck-cli's start-up: the options, the session (a running
 * sandbox's sandbox.json, a Jobdeck profile, or explicit --endpoint/--cert/
 * --key options with credentials from the standard AWS chain), waiting
 * until the thing is connected and its pending list synced, and the events
 * the jobs client reports with its signals.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jobdeck-cli"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <glib-unix.h>

#include "jd-cli-config.h"
#include "jd-cli-private.h"
#include "jd-topic.h"

#define SETTINGS_SCHEMA_ID  "io.github.jobdeck.Jobdeck"
#define CONNECT_TIMEOUT_MS  20000

G_DEFINE_FINAL_TYPE (JdCli, jd_cli, G_TYPE_OBJECT)

const char *
jd_cli_get_thing_name (JdCli *self)
{
  return jd_session_get_thing_name (self->session);
}

static gboolean
explicit_mode (JdCli *self)
{
  return self->endpoint != NULL;
}

/* --device-api https: the device commands go to the jobs data plane. */
static gboolean
https_device_api (JdCli *self)
{
  return g_strcmp0 (self->device_api, "https") == 0;
}

/* ---- events ---- */

/* The notification the jobs client just handled, as the service sent it:
 * the event log's newest entry, logged before the client emitted its signal. */
static JsonNode *
dup_notification (JdCli            *self,
                  JdTopicOperation  operation)
{
  GListModel *log = G_LIST_MODEL (jd_jobs_client_get_event_log (self->jobs));
  guint n = g_list_model_get_n_items (log);
  g_autofree char *topic = jd_topic_build (jd_cli_get_thing_name (self), operation, NULL,
                                           JD_TOPIC_KIND_REQUEST);
  g_autoptr(JdEvent) event = n > 0 ? g_list_model_get_item (log, n - 1) : NULL;
  const char *payload;

  if (event == NULL || jd_event_get_direction (event) != JD_EVENT_DIRECTION_IN ||
      g_strcmp0 (jd_event_get_topic (event), topic) != 0)
    return NULL;
  payload = jd_event_get_payload (event);
  return jd_cli_json_from_payload (payload, payload != NULL ? strlen (payload) : 0);
}

static void
job_executions_changed_cb (JdJobsClient *jobs,
                           GListModel   *executions,
                           JdCli        *self)
{
  g_autoptr(JsonNode) payload = dup_notification (self, JD_TOPIC_OP_NOTIFY);

  jd_cli_print_event (self, "JobExecutionsChanged", payload);
}

static void
next_job_execution_changed_cb (JdJobsClient *jobs,
                               JdExecution  *execution,
                               JdCli        *self)
{
  g_autoptr(JsonNode) payload = dup_notification (self, JD_TOPIC_OP_NOTIFY_NEXT);

  jd_cli_print_event (self, "NextJobExecutionChanged", payload);
}

/* ---- start-up ---- */

static void
fail_startup (JdCli      *self,
              int         status,
              const char *what,
              const char *message)
{
  g_printerr ("jobdeck-cli: %s%s%s\n", what != NULL ? what : "", what != NULL ? ": " : "", message);
  self->exit_status = status;
  g_main_loop_quit (self->loop);
}

static gboolean
interrupted_cb (gpointer user_data)
{
  JdCli *self = user_data;

  /* Ending watch is its normal end; anything else was cut short. */
  self->exit_status = self->watching ? JD_CLI_EXIT_OK : JD_CLI_EXIT_FAILED;
  g_main_loop_quit (self->loop);
  return G_SOURCE_CONTINUE;
}

static void
ready (JdCli *self)
{
  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  if (self->synced_id != 0)
    g_clear_signal_handler (&self->synced_id, self->jobs);
  if (self->started)
    return;
  self->started = TRUE;

  if (self->one_shot != NULL)
    {
      jd_cli_run_invocation (self, self->one_shot);
      return;
    }
  if (self->interactive && self->jobs_data != NULL)
    jd_cli_output_note (self->output, "Ready as %s; device commands go over HTTPS, which carries no "
                        "notifications. Type “help” for the commands.", jd_cli_get_thing_name (self));
  else if (self->interactive)
    jd_cli_output_note (self->output, "Connected as %s. Type “help” for the commands.",
                        jd_cli_get_thing_name (self));
  jd_cli_read_next_line (self);
}

static void
synced_cb (JdJobsClient *jobs,
           GParamSpec   *pspec,
           gpointer      user_data)
{
  JdCli *self = user_data;

  if (jd_jobs_client_get_synced (jobs))
    ready (self);
}

static gboolean
connect_timeout_cb (gpointer user_data)
{
  JdCli *self = user_data;
  const char *reason = jd_mqtt_connection_get_last_error_message (jd_session_get_connection (self->session));

  self->connect_timeout_id = 0;
  fail_startup (self, JD_CLI_EXIT_FAILED, "cannot reach the jobs service over MQTT",
                reason != NULL ? reason : "no answer in time");
  return G_SOURCE_REMOVE;
}

/* Settings the user can fix (files, credentials, region, URL) are usage
 * errors with the explicit options. */
static int
exit_status_for (JdCli        *self,
                 const GError *error)
{
  if (!explicit_mode (self))
    return JD_CLI_EXIT_FAILED;
  if (jd_jobs_error_get_group (error) == JD_JOBS_ERROR_GROUP_PROFILE ||
      jd_jobs_error_get_group (error) == JD_JOBS_ERROR_GROUP_CREDENTIALS ||
      error->domain == G_FILE_ERROR ||
      g_error_matches (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_CONFIGURATION))
    return JD_CLI_EXIT_USAGE;
  return JD_CLI_EXIT_FAILED;
}

/* The device side over HTTPS: the control plane's region, trust and
 * credentials, signed as iot-jobs-data, at @url. */
static void
use_jobs_endpoint (JdCli      *self,
                   const char *url)
{
  g_autoptr(GError) error = NULL;

  self->jobs_data = jd_jobs_data_client_new_for_control_plane (self->control_plane, url, &error);
  if (self->jobs_data == NULL)
    {
      fail_startup (self, exit_status_for (self, error), "the jobs data plane", error->message);
      return;
    }
  g_debug ("device API over HTTPS at %s", url);
  ready (self);
}

static void
jobs_endpoint_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(JdCli) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = jd_control_plane_describe_endpoint_finish (JD_CONTROL_PLANE (source), result, &error);
  g_autofree char *url = NULL;

  if (address == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail_startup (self, JD_CLI_EXIT_FAILED, "DescribeEndpoint iot:Jobs", error->message);
      return;
    }
  /* AWS answers a host name; the sandbox a host and port. */
  url = g_strconcat ("https://", address, NULL);
  use_jobs_endpoint (self, url);
}

static void
session_started_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(JdCli) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!jd_session_start_finish (self->session, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail_startup (self, exit_status_for (self, error), NULL, error->message);
      return;
    }

  self->control_plane = jd_session_get_control_plane (self->session);
  self->jobs = jd_session_get_jobs_client (self->session);
  self->thing_arn = jd_session_dup_thing_arn (self->session, jd_cli_get_thing_name (self));

  if (self->one_shot != NULL && self->one_shot->command->needs != JD_CLI_NEEDS_DEVICE)
    {
      ready (self);
      return;
    }
  if (https_device_api (self))
    {
      if (self->jobs_endpoint != NULL)
        use_jobs_endpoint (self, self->jobs_endpoint);
      else
        jd_control_plane_describe_endpoint_async (self->control_plane, "iot:Jobs", self->cancellable,
                                                  jobs_endpoint_cb, g_object_ref (self));
      return;
    }
  if (self->jobs == NULL)
    {
      if (self->one_shot != NULL)
        {
          fail_startup (self, JD_CLI_EXIT_FAILED, NULL,
                        "the profile has no client certificate for the device side");
          return;
        }
      jd_cli_output_note (self->output, "No client certificate: device commands are off.");
      ready (self);
      return;
    }

  g_signal_connect_object (self->jobs, "job-executions-changed",
                           G_CALLBACK (job_executions_changed_cb), self, 0);
  g_signal_connect_object (self->jobs, "next-job-execution-changed",
                           G_CALLBACK (next_job_execution_changed_cb), self, 0);
  if (jd_jobs_client_get_synced (self->jobs))
    {
      ready (self);
      return;
    }
  self->synced_id = g_signal_connect (self->jobs, "notify::synced", G_CALLBACK (synced_cb), self);
  self->connect_timeout_id = g_timeout_add (CONNECT_TIMEOUT_MS, connect_timeout_cb, self);
}

static JdSession *
new_explicit_session (JdCli   *self,
                      GError **error)
{
  JdSessionOptions options = { 0 };
  guint64 port = 8883;
  gboolean plain_http = FALSE;

  if (self->cert_path == NULL || self->key_path == NULL || self->thing_name == NULL)
    {
      g_set_error_literal (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE,
                           "--endpoint needs --cert FILE, --key FILE and --thing NAME");
      return NULL;
    }
  if (self->port_text != NULL &&
      !g_ascii_string_to_unsigned (self->port_text, 10, 1, G_MAXUINT16, &port, NULL))
    {
      g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE,
                   "--port: “%s” is not a port (8883, or 443 with ALPN)", self->port_text);
      return NULL;
    }
  if (self->control_plane_endpoint != NULL)
    {
      g_autoptr(GError) url_error = NULL;

      if (!jd_session_check_control_plane_url (self->control_plane_endpoint, &plain_http, &url_error))
        {
          g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE, "--control-plane-endpoint: %s",
                       url_error->message);
          return NULL;
        }
      if (plain_http)
        g_printerr ("jobdeck-cli: warning: %s is plain HTTP: the signed requests travel unencrypted\n",
                    self->control_plane_endpoint);
    }

  options.endpoint = self->endpoint;
  options.port = (guint16) port;
  options.certificate_path = self->cert_path;
  options.key_path = self->key_path;
  options.ca_path = self->ca_path;
  options.thing_name = self->thing_name;
  options.region = self->region;
  options.control_plane_endpoint = self->control_plane_endpoint;
  return jd_session_new_for_options (&options);
}

static JdSession *
new_profile_session (JdCli   *self,
                     GError **error)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source != NULL
    ? g_settings_schema_source_lookup (source, SETTINGS_SCHEMA_ID, TRUE) : NULL;
  g_autoptr(JdProfile) profile = NULL;

  if (schema == NULL)
    {
      g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_CONFIG,
                   "Jobdeck's settings schema is not installed: use --sandbox DIR or --endpoint HOST");
      return NULL;
    }
  self->settings = g_settings_new (SETTINGS_SCHEMA_ID);
  profile = jd_cli_config_find_profile (self->settings, self->profile_name, error);
  if (profile == NULL)
    return NULL;
  return g_object_new (JD_TYPE_SESSION, "profile", profile, "thing-name", self->thing_name, NULL);
}

static gboolean
start_cb (gpointer user_data)
{
  JdCli *self = user_data;
  g_autoptr(GError) error = NULL;

  if (explicit_mode (self))
    self->session = new_explicit_session (self, &error);
  else if (self->sandbox_dir != NULL)
    self->session = jd_session_new_for_sandbox (self->sandbox_dir, self->thing_name);
  else
    self->session = new_profile_session (self, &error);
  if (self->session == NULL)
    {
      fail_startup (self, g_error_matches (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE)
                          ? JD_CLI_EXIT_USAGE : JD_CLI_EXIT_FAILED, NULL, error->message);
      return G_SOURCE_REMOVE;
    }
  if (!jd_topic_is_valid_thing_name (jd_cli_get_thing_name (self), -1))
    {
      g_autofree char *message = g_strdup_printf ("“%s” is not a valid thing name",
                                                  jd_cli_get_thing_name (self));

      fail_startup (self, explicit_mode (self) ? JD_CLI_EXIT_USAGE : JD_CLI_EXIT_FAILED, NULL, message);
      return G_SOURCE_REMOVE;
    }

  /* In a sandbox, its own client id, so the app connected as the same
   * thing stays on. */
  if (self->sandbox_dir != NULL)
    {
      g_autofree char *client_id = g_strdup_printf ("%s-cli-%d", jd_cli_get_thing_name (self), (int) getpid ());

      jd_session_set_client_id (self->session, client_id);
    }
  jd_session_set_require_control_plane (self->session, TRUE);
  /* Over HTTPS the device side needs no MQTT connection (nor certificate). */
  jd_session_set_device_enabled (self->session,
                                 !https_device_api (self) &&
                                 (self->one_shot == NULL || self->one_shot->command->needs == JD_CLI_NEEDS_DEVICE));
  jd_session_start_async (self->session, self->cancellable, session_started_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

/* ---- GObject ---- */

static void
jd_cli_dispose (GObject *object)
{
  JdCli *self = (JdCli *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  if (self->jobs != NULL && self->synced_id != 0)
    g_clear_signal_handler (&self->synced_id, self->jobs);
  self->jobs = NULL;
  self->control_plane = NULL;
  g_clear_object (&self->jobs_data);
  g_clear_object (&self->session);
  g_clear_object (&self->input);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (jd_cli_parent_class)->dispose (object);
}

static void
jd_cli_finalize (GObject *object)
{
  JdCli *self = (JdCli *) object;

  g_clear_pointer (&self->output, jd_cli_output_free);
  g_free (self->thing_arn);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_free (self->profile_name);
  g_free (self->sandbox_dir);
  g_free (self->thing_name);
  g_free (self->endpoint);
  g_free (self->port_text);
  g_free (self->cert_path);
  g_free (self->key_path);
  g_free (self->ca_path);
  g_free (self->region);
  g_free (self->control_plane_endpoint);
  g_free (self->device_api);
  g_free (self->jobs_endpoint);
  g_clear_pointer (&self->one_shot, jd_cli_invocation_free);
  g_clear_pointer (&self->history, g_ptr_array_unref);

  G_OBJECT_CLASS (jd_cli_parent_class)->finalize (object);
}

static void
jd_cli_class_init (JdCliClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jd_cli_dispose;
  object_class->finalize = jd_cli_finalize;
}

static void
jd_cli_init (JdCli *self)
{
  self->cancellable = g_cancellable_new ();
  self->loop = g_main_loop_new (NULL, FALSE);
  self->history = g_ptr_array_new_with_free_func (g_free);
}

/* ---- public API ---- */

JdCli *
jd_cli_new (void)
{
  return g_object_new (JD_TYPE_CLI, NULL);
}

/* Where to connect: one of --profile, --sandbox and --endpoint. */
static gboolean
check_modes (JdCli   *self,
             GError **error)
{
  guint modes = (self->profile_name != NULL) + (self->sandbox_dir != NULL) + (self->endpoint != NULL);

  if (modes > 1)
    {
      g_set_error_literal (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE,
                           "give one of --profile, --sandbox and --endpoint");
      return FALSE;
    }
  if (self->device_api != NULL && !g_str_equal (self->device_api, "mqtt") &&
      !g_str_equal (self->device_api, "https"))
    {
      g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE,
                   "--device-api: “%s” is neither mqtt nor https", self->device_api);
      return FALSE;
    }
  if (self->jobs_endpoint != NULL)
    {
      g_autoptr(GError) url_error = NULL;
      gboolean plain_http = FALSE;

      if (!https_device_api (self))
        {
          g_set_error_literal (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE,
                               "--jobs-endpoint goes with --device-api https");
          return FALSE;
        }
      if (!jd_session_check_control_plane_url (self->jobs_endpoint, &plain_http, &url_error))
        {
          g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE, "--jobs-endpoint: %s", url_error->message);
          return FALSE;
        }
      if (plain_http)
        g_printerr ("jobdeck-cli: warning: %s is plain HTTP: the signed requests travel unencrypted\n",
                    self->jobs_endpoint);
    }
  if (self->endpoint == NULL &&
      (self->cert_path != NULL || self->key_path != NULL || self->ca_path != NULL ||
       self->port_text != NULL || self->region != NULL || self->control_plane_endpoint != NULL))
    {
      g_set_error_literal (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE,
                           "--port, --cert, --key, --ca, --region and --control-plane-endpoint go with --endpoint");
      return FALSE;
    }
  return TRUE;
}

int
jd_cli_run (JdCli  *self,
            int     argc,
            char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *help = jd_cli_dup_help (NULL);
  g_auto(GStrv) args = NULL;
  guint sigint_id = 0;
  guint sigterm_id = 0;
  GOptionEntry entries[] = {
    { "profile", 'p', 0, G_OPTION_ARG_STRING, &self->profile_name,
      "Use the Jobdeck profile NAME (default: the active one)", "NAME" },
    { "sandbox", 's', 0, G_OPTION_ARG_FILENAME, &self->sandbox_dir,
      "Use the local sandbox whose jobdeck-service writes DIR/sandbox.json", "DIR" },
    { "thing", 't', 0, G_OPTION_ARG_STRING, &self->thing_name,
      "Act as the thing NAME (default: the profile's, or MyThing in a sandbox)", "NAME" },
    { "endpoint", 'e', 0, G_OPTION_ARG_STRING, &self->endpoint,
      "Connect to the MQTT endpoint HOST with no profile (AWS IoT's data endpoint)", "HOST" },
    { "port", 0, 0, G_OPTION_ARG_STRING, &self->port_text,
      "The MQTT port with --endpoint (default 8883; 443 uses ALPN)", "PORT" },
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &self->cert_path,
      "The thing's client certificate (PEM) with --endpoint", "FILE" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &self->key_path,
      "The certificate's private key (PEM) with --endpoint", "FILE" },
    { "ca", 0, 0, G_OPTION_ARG_FILENAME, &self->ca_path,
      "A CA (PEM) trusted for MQTT and the control plane, instead of the system's", "FILE" },
    { "region", 'r', 0, G_OPTION_ARG_STRING, &self->region,
      "The AWS region with --endpoint (default: AWS_REGION, then ~/.aws/config)", "REGION" },
    { "control-plane-endpoint", 0, 0, G_OPTION_ARG_STRING, &self->control_plane_endpoint,
      "The control plane's URL with --endpoint (default: https://iot.REGION.amazonaws.com)", "URL" },
    { "device-api", 0, 0, G_OPTION_ARG_STRING, &self->device_api,
      "The device commands' transport: mqtt (default; notifications too) or https (the jobs data plane)", "API" },
    { "jobs-endpoint", 0, 0, G_OPTION_ARG_STRING, &self->jobs_endpoint,
      "The HTTPS jobs data plane's URL with --device-api https (default: DescribeEndpoint iot:Jobs)", "URL" },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &self->json,
      "Print one JSON object per line: {\"kind\", \"name\", \"payload\"}", NULL },
    { NULL }
  };

  g_return_val_if_fail (JD_IS_CLI (self), JD_CLI_EXIT_FAILED);

  context = g_option_context_new ("[COMMAND [ARGUMENTS…]] — AWS IoT Jobs from a terminal");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_strict_posix (context, TRUE);
  g_option_context_set_description (context, help);
  args = g_strdupv (argv);
  if (!g_option_context_parse_strv (context, &args, &error) || !check_modes (self, &error))
    {
      g_printerr ("jobdeck-cli: %s\n", error->message);
      return JD_CLI_EXIT_USAGE;
    }

  self->output = jd_cli_output_new (stdout, stderr, self->json);

  if (g_strv_length (args) > 1)
    {
      guint n_words = g_strv_length (args) - 1;

      self->one_shot = jd_cli_invocation_parse ((const char *const *) args + 1, n_words, NULL, NULL, &error);
      if (self->one_shot == NULL)
        {
          jd_cli_output_usage (self->output, error->message);
          return JD_CLI_EXIT_USAGE;
        }
      if (self->one_shot->command->needs == JD_CLI_NEEDS_NOTHING)
        {
          if (g_str_equal (self->one_shot->command->name, "help"))
            {
              g_autofree char *text = jd_cli_dup_help (self->one_shot->parsed->args->len > 0
                                                       ? jd_cli_invocation_arg (self->one_shot, 0) : NULL);

              jd_cli_output_text (self->output, "help", text);
              return JD_CLI_EXIT_OK;
            }
          if (g_str_equal (self->one_shot->command->name, "sign-file"))
            {
              /* Signing needs no connection. */
              jd_cli_run_invocation (self, self->one_shot);
              g_main_loop_run (self->loop);
              return self->exit_status;
            }
          jd_cli_output_usage (self->output, "history and quit are for the shell");
          return JD_CLI_EXIT_USAGE;
        }
      sigint_id = g_unix_signal_add (SIGINT, interrupted_cb, self);
      sigterm_id = g_unix_signal_add (SIGTERM, interrupted_cb, self);
    }
  else
    {
      g_autoptr(GInputStream) stdin_stream = g_unix_input_stream_new (STDIN_FILENO, FALSE);

      self->interactive = isatty (STDIN_FILENO);
      self->input = g_data_input_stream_new (stdin_stream);
    }

  g_idle_add_full (G_PRIORITY_DEFAULT, start_cb, g_object_ref (self), g_object_unref);
  g_main_loop_run (self->loop);
  g_clear_handle_id (&sigint_id, g_source_remove);
  g_clear_handle_id (&sigterm_id, g_source_remove);

  /* Stop what is still running, and let it finish on this context. */
  g_cancellable_cancel (self->cancellable);
  if (self->session != NULL)
    jd_session_stop_async (self->session, NULL, NULL, NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return self->exit_status;
}
