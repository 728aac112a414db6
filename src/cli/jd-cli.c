/* jd-cli.c — jobdeck-cli: argument parsing, the command table, start-up
 * (configuration, DescribeThing/CreateThing, the MQTT connection), the
 * commands themselves and the shell that reads stdin asynchronously, so
 * events that arrive between or during commands are printed as they come.
 *
 * Responses are printed as the service sent them: the CLI listens on the
 * connection's "message" signal (connected before the JdJobsClient, so it
 * sees each reply before the client completes the request) and keeps the
 * last accepted/rejected payload per reply topic. Control-plane answers are
 * rebuilt from JdControlPlane's typed results in AWS's JSON shapes.
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
#include <json-glib/json-glib.h>

#include "jd-cli.h"
#include "jd-cli-config.h"
#include "jd-cli-line.h"
#include "jd-cli-codesign.h"
#include "jd-cli-output.h"
#include "jd-control-plane.h"
#include "jd-jobs-client.h"
#include "jd-jobs-error.h"
#include "jd-topic.h"

#define SETTINGS_SCHEMA_ID  "io.github.jobdeck.Jobdeck"
#define CONNECT_TIMEOUT_MS  20000
#define STEP_TIMEOUT_MAX    10080
#define PROMPT              "jobdeck> "

typedef struct _Invocation Invocation;
typedef void (*CommandRun) (JdCli      *self,
                            Invocation *invocation);

typedef enum {
  NEEDS_NOTHING,
  NEEDS_CONTROL_PLANE,
  NEEDS_DEVICE,
} Needs;

typedef struct {
  const char        *name;
  const char        *aws_name;      /* the name printed before "Response:" */
  const char        *synopsis;
  const char        *summary;
  guint              min_args;
  guint              max_args;
  gboolean           takes_document; /* the rest of the line after the first argument */
  Needs              needs;
  const JdCliOption *options;
  CommandRun         run;
} Command;

struct _Invocation
{
  const Command     *command;
  JdCliParsed       *parsed;
  char              *document;
  GHashTable        *details;
  gint64             step_timeout;      /* 0 unset */
  gint64             expected_version;  /* -1 unset */
  gint64             execution_number;  /* -1 unset */
  gint64             timeout_minutes;   /* 0 unset */
  JdExecutionStatus  status;
  JdJobStatus        job_status;
  char              *reply_topic;       /* device: the accepted topic; rejected is the sibling */
};

struct _JdCli
{
  GObject           parent_instance;

  JdCliOutput      *output;
  JdCliConfig      *config;
  GSettings        *settings;
  JdControlPlane   *control_plane;
  char             *thing_arn;
  JdMqttConnection *connection;
  JdJobsClient     *jobs;
  char             *topic_prefix;    /* $aws/things/<thing>/jobs/ */
  GHashTable       *replies;         /* reply topic → GBytes, the last one */
  GCancellable     *cancellable;
  GMainLoop        *loop;
  int               exit_status;

  /* options */
  char             *profile_name;
  char             *sandbox_dir;
  char             *thing_name;
  gboolean          json;

  /* one-shot */
  Invocation       *one_shot;
  gboolean          watching;

  /* shell */
  gboolean          interactive;
  gboolean          at_prompt;        /* the prompt is shown, waiting for a line */
  GDataInputStream *input;
  GPtrArray        *history;
  gboolean          quitting;

  gulong            synced_id;
  guint             connect_timeout_id;
  gboolean          started;
};

G_DEFINE_FINAL_TYPE (JdCli, jd_cli, G_TYPE_OBJECT)

static void run_invocation   (JdCli      *self,
                              Invocation *invocation);
static void command_finished (JdCli      *self,
                              Invocation *invocation,
                              int         status);
static void read_next_line   (JdCli      *self);

static void cmd_create_job       (JdCli *self, Invocation *invocation);
static void cmd_delete_job       (JdCli *self, Invocation *invocation);
static void cmd_cancel_job       (JdCli *self, Invocation *invocation);
static void cmd_describe_job     (JdCli *self, Invocation *invocation);
static void cmd_list_jobs        (JdCli *self, Invocation *invocation);
static void cmd_list_executions  (JdCli *self, Invocation *invocation);
static void cmd_get_pending      (JdCli *self, Invocation *invocation);
static void cmd_start_next       (JdCli *self, Invocation *invocation);
static void cmd_describe_execution (JdCli *self, Invocation *invocation);
static void cmd_update_execution (JdCli *self, Invocation *invocation);
static void cmd_watch            (JdCli *self, Invocation *invocation);
static void cmd_help             (JdCli *self, Invocation *invocation);
static void cmd_history          (JdCli *self, Invocation *invocation);
static void cmd_quit             (JdCli *self, Invocation *invocation);
static void cmd_sign_file        (JdCli *self, Invocation *invocation);
static void cmd_verify_job_document (JdCli *self, Invocation *invocation);
static void cmd_put_file         (JdCli *self, Invocation *invocation);

/* ---- the command table ---- */

static const JdCliOption create_job_options[] = {
  { "target", "THING", TRUE },
  { "description", "TEXT", FALSE },
  { "timeout-minutes", "N", FALSE },
  { NULL }
};
static const JdCliOption force_options[] = {
  { "force", NULL, FALSE },
  { NULL }
};
static const JdCliOption cancel_job_options[] = {
  { "force", NULL, FALSE },
  { "reason-code", "CODE", FALSE },
  { "comment", "TEXT", FALSE },
  { NULL }
};
static const JdCliOption start_next_options[] = {
  { "step-timeout", "N", FALSE },
  { "detail", "KEY=VALUE", TRUE },
  { NULL }
};
static const JdCliOption describe_execution_options[] = {
  { "execution-number", "N", FALSE },
  { "no-document", NULL, FALSE },
  { NULL }
};
static const JdCliOption update_execution_options[] = {
  { "expected-version", "N", FALSE },
  { "detail", "KEY=VALUE", TRUE },
  { "step-timeout", "N", FALSE },
  { NULL }
};
static const JdCliOption list_jobs_options[] = {
  { "status", "STATUS", FALSE },
  { NULL }
};
static const JdCliOption list_executions_options[] = {
  { "job", "ID", FALSE },
  { "thing", "NAME", FALSE },
  { NULL }
};
static const JdCliOption no_options[] = {
  { NULL }
};

static const Command commands[] = {
  { "create-job", "CreateJob",
    "[--target THING]... [--description TEXT] [--timeout-minutes N] <jobId> <jobDocument-as-JSON>",
    "Create a job for the configured thing (or the --target things); the document is the rest of the line",
    2, 2, TRUE, NEEDS_CONTROL_PLANE, create_job_options, cmd_create_job },
  { "delete-job", "DeleteJob", "<jobId> [--force]",
    "Delete a job (--force also when executions are still in progress)",
    1, 1, FALSE, NEEDS_CONTROL_PLANE, force_options, cmd_delete_job },
  { "get-pending-job-executions", "GetPendingJobExecutions", "",
    "List the thing's in-progress and queued job executions",
    0, 0, FALSE, NEEDS_DEVICE, no_options, cmd_get_pending },
  { "start-next-pending-job-execution", "StartNextPendingJobExecution",
    "[--step-timeout N] [--detail key=value]...",
    "Start the next pending job execution (QUEUED becomes IN_PROGRESS)",
    0, 0, FALSE, NEEDS_DEVICE, start_next_options, cmd_start_next },
  { "describe-job-execution", "DescribeJobExecution",
    "<jobId|$next> [--execution-number N] [--no-document]",
    "Show one of the thing's job executions, or the next pending one",
    1, 1, FALSE, NEEDS_DEVICE, describe_execution_options, cmd_describe_execution },
  { "update-job-execution", "UpdateJobExecution",
    "<jobId> <IN_PROGRESS|SUCCEEDED|FAILED|REJECTED> [--expected-version N] [--detail key=value]... [--step-timeout N]",
    "Report the status of a job execution",
    2, 2, FALSE, NEEDS_DEVICE, update_execution_options, cmd_update_execution },
  { "cancel-job", "CancelJob", "<jobId> [--force] [--reason-code C] [--comment TEXT]",
    "Cancel a job (--force also cancels in-progress executions)",
    1, 1, FALSE, NEEDS_CONTROL_PLANE, cancel_job_options, cmd_cancel_job },
  { "describe-job", "DescribeJob", "<jobId>",
    "Show a job and its document",
    1, 1, FALSE, NEEDS_CONTROL_PLANE, no_options, cmd_describe_job },
  { "list-jobs", "ListJobs", "[--status IN_PROGRESS|CANCELED|COMPLETED|DELETION_IN_PROGRESS|SCHEDULED]",
    "List the account's jobs",
    0, 0, FALSE, NEEDS_CONTROL_PLANE, list_jobs_options, cmd_list_jobs },
  { "list-executions", "ListJobExecutions", "[--job ID | --thing NAME]",
    "List the executions of a job, or of a thing (default: the configured thing)",
    0, 0, FALSE, NEEDS_CONTROL_PLANE, list_executions_options, cmd_list_executions },
  { "watch", "Watch", "",
    "Print events until interrupted (in the shell they are always printed)",
    0, 0, FALSE, NEEDS_DEVICE, no_options, cmd_watch },
  { "sign-file", "SignFile", JD_CLI_SIGN_FILE_SYNOPSIS, JD_CLI_SIGN_FILE_SUMMARY,
    1, 1, FALSE, NEEDS_NOTHING, jd_cli_sign_file_options, cmd_sign_file },
  { "verify-job-document", "VerifyJobDocument", JD_CLI_VERIFY_SYNOPSIS, JD_CLI_VERIFY_SUMMARY,
    1, 1, FALSE, NEEDS_DEVICE, jd_cli_verify_options, cmd_verify_job_document },
  { "put-file", "PutFile", JD_CLI_PUT_FILE_SYNOPSIS, JD_CLI_PUT_FILE_SUMMARY,
    1, 1, FALSE, NEEDS_CONTROL_PLANE, jd_cli_put_file_options, cmd_put_file },
  { "history", "History", "",
    "List this session's commands; !N runs the N-th again",
    0, 0, FALSE, NEEDS_NOTHING, no_options, cmd_history },
  { "help", "Help", "[command]",
    "List the commands, or explain one",
    0, 1, FALSE, NEEDS_NOTHING, no_options, cmd_help },
  { "quit", "Quit", "",
    "Leave the shell",
    0, 0, FALSE, NEEDS_NOTHING, no_options, cmd_quit },
};

static const Command *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

char *
jd_cli_dup_help (const char *command)
{
  GString *text = g_string_new (NULL);

  if (command != NULL)
    {
      const Command *found = find_command (command);

      if (found == NULL)
        {
          g_string_free (text, TRUE);
          return NULL;
        }
      g_string_append_printf (text, "%s %s\n  %s\n", found->name, found->synopsis, found->summary);
      return g_string_free (text, FALSE);
    }

  g_string_append (text, "Commands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_string_append_printf (text, "  %s%s%s\n      %s\n", commands[i].name,
                              commands[i].synopsis[0] ? " " : "", commands[i].synopsis,
                              commands[i].summary);
    }
  g_string_append (text,
                   "Arguments split on spaces with shell-style quoting; the job document of\n"
                   "create-job is the rest of the line after the job id, spaces included.\n"
                   "A device may set only IN_PROGRESS, SUCCEEDED, FAILED or REJECTED;\n"
                   "CANCELED comes from cancel-job.\n");
  return g_string_free (text, FALSE);
}

/* ---- invocations ---- */

static void
invocation_free (Invocation *invocation)
{
  if (invocation == NULL)
    return;
  g_clear_pointer (&invocation->parsed, jd_cli_parsed_free);
  g_free (invocation->document);
  g_clear_pointer (&invocation->details, g_hash_table_unref);
  g_free (invocation->reply_topic);
  g_free (invocation);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Invocation, invocation_free)

static const char *
arg (Invocation *invocation,
     guint       i)
{
  return g_ptr_array_index (invocation->parsed->args, i);
}

static gboolean
check_device_status (const char         *text,
                     JdExecutionStatus  *status,
                     GError            **error)
{
  static const char *allowed[] = { "IN_PROGRESS", "SUCCEEDED", "FAILED", "REJECTED" };

  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    if (strcmp (text, allowed[i]) == 0)
      {
        *status = jd_execution_status_from_string (text);
        return TRUE;
      }
  g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE,
               "update-job-execution: a device may set the status to IN_PROGRESS, SUCCEEDED, "
               "FAILED or REJECTED, not %s; CANCELED comes from cancel-job", text);
  return FALSE;
}

/* Checks the arguments and options of @invocation and reads them into its
 * typed fields, so a usage error shows before anything connects. */
static gboolean
validate_invocation (Invocation  *invocation,
                     GError     **error)
{
  const Command *command = invocation->command;
  JdCliParsed *parsed = invocation->parsed;
  guint n_args = parsed->args->len;
  const char *value;

  if (n_args < command->min_args || n_args > command->max_args)
    {
      g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE,
                   "%s: expected %s%s%s", command->name,
                   command->synopsis[0] ? "" : "no arguments",
                   command->synopsis, n_args > command->max_args ? " (too many arguments)" : "");
      return FALSE;
    }

  if (command->takes_document)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) json_error = NULL;

      if (invocation->document == NULL || invocation->document[0] == '\0')
        {
          g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE,
                       "%s: expected %s", command->name, command->synopsis);
          return FALSE;
        }
      if (!json_parser_load_from_data (parser, invocation->document, -1, &json_error) ||
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE,
                       "%s: the job document must be a JSON object (options go before the job id): %s",
                       command->name, json_error != NULL ? json_error->message : invocation->document);
          return FALSE;
        }
    }

  invocation->step_timeout = 0;
  invocation->expected_version = -1;
  invocation->execution_number = -1;
  invocation->timeout_minutes = 0;
  invocation->details = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if ((value = jd_cli_parsed_get (parsed, "step-timeout")) != NULL &&
      !jd_cli_parse_int (command->name, "--step-timeout", value, 1, STEP_TIMEOUT_MAX,
                         &invocation->step_timeout, error))
    return FALSE;
  if ((value = jd_cli_parsed_get (parsed, "expected-version")) != NULL &&
      !jd_cli_parse_int (command->name, "--expected-version", value, 0, G_MAXINT32,
                         &invocation->expected_version, error))
    return FALSE;
  if ((value = jd_cli_parsed_get (parsed, "execution-number")) != NULL &&
      !jd_cli_parse_int (command->name, "--execution-number", value, 1, G_MAXINT64,
                         &invocation->execution_number, error))
    return FALSE;
  if ((value = jd_cli_parsed_get (parsed, "timeout-minutes")) != NULL &&
      !jd_cli_parse_int (command->name, "--timeout-minutes", value, 1, STEP_TIMEOUT_MAX,
                         &invocation->timeout_minutes, error))
    return FALSE;
  if (jd_cli_parsed_has (parsed, "detail"))
    {
      GPtrArray *details = jd_cli_parsed_get_all (parsed, "detail");

      for (guint i = 0; i < details->len; i++)
        if (!jd_cli_parse_detail (command->name, g_ptr_array_index (details, i),
                                  invocation->details, error))
          return FALSE;
    }
  if ((value = jd_cli_parsed_get (parsed, "status")) != NULL)
    {
      invocation->job_status = jd_job_status_from_string (value);
      if (invocation->job_status == JD_JOB_STATUS_UNKNOWN)
        {
          g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE,
                       "%s: --status is one of IN_PROGRESS, CANCELED, COMPLETED, "
                       "DELETION_IN_PROGRESS or SCHEDULED, not %s", command->name, value);
          return FALSE;
        }
    }
  if (jd_cli_parsed_has (parsed, "job") && jd_cli_parsed_has (parsed, "thing"))
    {
      g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE,
                   "%s: give --job or --thing, not both", command->name);
      return FALSE;
    }

  if (command->run == cmd_update_execution &&
      !check_device_status (arg (invocation, 1), &invocation->status, error))
    return FALSE;

  if (command->run == cmd_help && n_args == 1 && find_command (arg (invocation, 0)) == NULL)
    {
      g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE,
                   "help: there is no command “%s”", arg (invocation, 0));
      return FALSE;
    }

  return TRUE;
}

/* Builds an invocation from @words (the command first). @line and @ends give
 * the document of create-job as typed; without them the words after the job
 * id are joined with spaces (one-shot mode, where the shell split them). */
static Invocation *
parse_invocation (const char * const *words,
                  guint               n_words,
                  const char         *line,
                  GArray             *ends,
                  GError            **error)
{
  g_autoptr(Invocation) invocation = g_new0 (Invocation, 1);
  const Command *command;
  guint consumed = 0;

  g_assert (n_words > 0);

  command = find_command (words[0]);
  if (command == NULL)
    {
      g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE,
                   "unknown command “%s”", words[0]);
      return NULL;
    }
  invocation->command = command;
  invocation->parsed = jd_cli_parse_words (command->name, words + 1, n_words - 1,
                                           command->options,
                                           command->takes_document ? 1 : 0,
                                           &consumed, error);
  if (invocation->parsed == NULL)
    return NULL;

  if (command->takes_document && invocation->parsed->args->len == 1)
    {
      if (consumed + 1 >= n_words)
        invocation->document = g_strdup ("");
      else if (line != NULL)
        invocation->document = jd_cli_line_rest (line, g_array_index (ends, gsize, consumed));
      else
        invocation->document = g_strjoinv (" ", (char **) words + consumed + 1);
      /* The document counts as the second argument. */
      if (invocation->document[0] != '\0')
        g_ptr_array_add (invocation->parsed->args, g_strdup (invocation->document));
    }

  if (!validate_invocation (invocation, error))
    return NULL;
  return g_steal_pointer (&invocation);
}

/* ---- JSON shapes of control-plane results ---- */

static void
add_time (JsonObject *object,
          const char *member,
          GDateTime  *when)
{
  if (when != NULL)
    json_object_set_int_member (object, member, g_date_time_to_unix (when));
}

static void
add_string (JsonObject *object,
            const char *member,
            const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
}

static JsonObject *
job_to_json (JdJob    *job,
             gboolean  full)
{
  JsonObject *object = json_object_new ();
  const JdJobProcessDetails *details = jd_job_get_process_details (job);

  add_string (object, "jobArn", jd_job_get_job_arn (job));
  add_string (object, "jobId", jd_job_get_job_id (job));
  if (!full)
    {
      add_string (object, "description", jd_job_get_description (job));
      return object;
    }
  json_object_set_string_member (object, "targetSelection",
                                 jd_target_selection_to_string (jd_job_get_target_selection (job)));
  if (jd_job_get_status (job) != JD_JOB_STATUS_UNKNOWN)
    json_object_set_string_member (object, "status", jd_job_status_to_string (jd_job_get_status (job)));
  if (jd_job_get_force_canceled (job))
    json_object_set_boolean_member (object, "forceCanceled", TRUE);
  add_string (object, "reasonCode", jd_job_get_reason_code (job));
  add_string (object, "comment", jd_job_get_comment (job));
  if (jd_job_get_targets (job) != NULL && jd_job_get_targets (job)[0] != NULL)
    {
      JsonArray *targets = json_array_new ();

      for (const char *const *t = jd_job_get_targets (job); *t != NULL; t++)
        json_array_add_string_element (targets, *t);
      json_object_set_array_member (object, "targets", targets);
    }
  add_string (object, "description", jd_job_get_description (job));
  add_time (object, "createdAt", jd_job_get_created_at (job));
  add_time (object, "lastUpdatedAt", jd_job_get_last_updated_at (job));
  add_time (object, "completedAt", jd_job_get_completed_at (job));
  if (details != NULL)
    {
      JsonObject *counts = json_object_new ();

      json_object_set_int_member (counts, "numberOfCanceledThings", details->canceled);
      json_object_set_int_member (counts, "numberOfSucceededThings", details->succeeded);
      json_object_set_int_member (counts, "numberOfFailedThings", details->failed);
      json_object_set_int_member (counts, "numberOfRejectedThings", details->rejected);
      json_object_set_int_member (counts, "numberOfQueuedThings", details->queued);
      json_object_set_int_member (counts, "numberOfInProgressThings", details->in_progress);
      json_object_set_int_member (counts, "numberOfRemovedThings", details->removed);
      json_object_set_int_member (counts, "numberOfTimedOutThings", details->timed_out);
      json_object_set_object_member (object, "jobProcessDetails", counts);
    }
  if (jd_job_get_in_progress_timeout_minutes (job) > 0)
    {
      JsonObject *timeout = json_object_new ();

      json_object_set_int_member (timeout, "inProgressTimeoutInMinutes",
                                  jd_job_get_in_progress_timeout_minutes (job));
      json_object_set_object_member (object, "timeoutConfig", timeout);
    }
  return object;
}

static JsonObject *
execution_summary_to_json (JdJobExecutionInfo *info)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "status",
                                 jd_execution_status_to_string (jd_job_execution_info_get_status (info)));
  add_time (object, "queuedAt", jd_job_execution_info_get_queued_at (info));
  add_time (object, "startedAt", jd_job_execution_info_get_started_at (info));
  add_time (object, "lastUpdatedAt", jd_job_execution_info_get_last_updated_at (info));
  json_object_set_int_member (object, "executionNumber",
                              jd_job_execution_info_get_execution_number (info));
  return object;
}

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), object);

  json_object_unref (object);
  return node;
}

/* ---- printing outcomes ---- */

static int
report_control_plane_error (JdCli        *self,
                            const char   *name,
                            const GError *error)
{
  if (error->domain == JD_CONTROL_PLANE_ERROR && jd_control_plane_error_get_aws_type (error) != NULL)
    {
      const char *message = jd_control_plane_error_get_aws_message (error);

      jd_cli_output_rejected (self->output, name, jd_control_plane_error_get_aws_type (error),
                              message != NULL ? message : error->message, NULL);
    }
  else
    jd_cli_output_failed (self->output, name, error->message);
  return JD_CLI_EXIT_FAILED;
}

static GBytes *
take_reply (JdCli      *self,
            const char *topic)
{
  g_autofree char *key = NULL;
  gpointer bytes = NULL;

  if (!g_hash_table_steal_extended (self->replies, topic, (gpointer *) &key, &bytes))
    return NULL;
  return bytes;
}

static char *
sibling_topic (const char *accepted_topic,
               const char *suffix)
{
  g_autofree char *base = g_strndup (accepted_topic, strlen (accepted_topic) - strlen ("accepted"));

  return g_strconcat (base, suffix, NULL);
}

static void
forget_replies (JdCli      *self,
                Invocation *invocation)
{
  g_autofree char *rejected = sibling_topic (invocation->reply_topic, "rejected");

  g_hash_table_remove (self->replies, invocation->reply_topic);
  g_hash_table_remove (self->replies, rejected);
}

/* Prints the accepted reply of a device request, or @fallback when the raw
 * reply was not seen. */
static int
report_device_success (JdCli      *self,
                       Invocation *invocation,
                       JsonNode   *fallback)
{
  g_autoptr(GBytes) bytes = take_reply (self, invocation->reply_topic);
  g_autoptr(JsonNode) payload = NULL;

  if (bytes != NULL)
    {
      gsize len;
      const char *data = g_bytes_get_data (bytes, &len);

      payload = jd_cli_json_from_payload (data, len);
    }
  jd_cli_output_response (self->output, invocation->command->aws_name,
                          payload != NULL ? payload : fallback);
  return JD_CLI_EXIT_OK;
}

static int
report_device_error (JdCli        *self,
                     Invocation   *invocation,
                     const GError *error)
{
  const char *name = invocation->command->aws_name;
  g_autofree char *rejected_topic = sibling_topic (invocation->reply_topic, "rejected");
  g_autoptr(GBytes) bytes = take_reply (self, rejected_topic);
  const char *code = error->domain == JD_JOBS_ERROR ? jd_jobs_error_get_aws_code (error) : NULL;

  if (error->domain == JD_JOBS_ERROR && error->code == JD_JOBS_ERROR_INVALID_ARGUMENT)
    {
      g_autofree char *message = g_strdup_printf ("%s: %s", invocation->command->name, error->message);

      jd_cli_output_usage (self->output, message);
      return JD_CLI_EXIT_USAGE;
    }

  if (code != NULL)
    {
      g_autoptr(JsonNode) payload = NULL;
      const char *message = NULL;

      if (bytes != NULL)
        {
          gsize len;
          const char *data = g_bytes_get_data (bytes, &len);

          payload = jd_cli_json_from_payload (data, len);
          if (JSON_NODE_HOLDS_OBJECT (payload))
            message = json_object_get_string_member_with_default (json_node_get_object (payload),
                                                                  "message", NULL);
        }
      jd_cli_output_rejected (self->output, name, code,
                              message != NULL ? message : error->message, payload);
    }
  else
    jd_cli_output_failed (self->output, name, error->message);
  return JD_CLI_EXIT_FAILED;
}

/* ---- operator commands ---- */

static char *
target_arn (JdCli      *self,
            const char *thing)
{
  const char *slash;

  if (g_str_has_prefix (thing, "arn:"))
    return g_strdup (thing);
  /* Same account and region as the configured thing's ARN. */
  slash = self->thing_arn != NULL ? strrchr (self->thing_arn, '/') : NULL;
  if (slash == NULL)
    return g_strdup (thing);
  return g_strdup_printf ("%.*s%s", (int) (slash - self->thing_arn + 1), self->thing_arn, thing);
}

typedef struct {
  JdCli      *self;
  Invocation *invocation;
} Call;

static Call *
call_new (JdCli      *self,
          Invocation *invocation)
{
  Call *call = g_new0 (Call, 1);

  call->self = g_object_ref (self);
  call->invocation = invocation;
  return call;
}

static void
call_finish (Call *call,
             int   status)
{
  g_autoptr(JdCli) self = call->self;

  command_finished (self, call->invocation, status);
  g_free (call);
}

static void
create_job_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdJob) job = jd_control_plane_create_job_finish (JD_CONTROL_PLANE (source), result, &error);
  int status;

  if (job != NULL)
    {
      g_autoptr(JsonNode) node = object_node (job_to_json (job, FALSE));

      jd_cli_output_response (call->self->output, call->invocation->command->aws_name, node);
      status = JD_CLI_EXIT_OK;
    }
  else
    status = report_control_plane_error (call->self, call->invocation->command->aws_name, error);
  call_finish (call, status);
}

static void
cmd_create_job (JdCli      *self,
                Invocation *invocation)
{
  GPtrArray *given = jd_cli_parsed_get_all (invocation->parsed, "target");
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_free);

  if (given->len == 0)
    g_ptr_array_add (targets, target_arn (self, self->config->thing_name));
  for (guint i = 0; i < given->len; i++)
    g_ptr_array_add (targets, target_arn (self, g_ptr_array_index (given, i)));
  g_ptr_array_add (targets, NULL);

  jd_control_plane_create_job_async (self->control_plane, arg (invocation, 0),
                                     (const char *const *) targets->pdata,
                                     invocation->document,
                                     jd_cli_parsed_get (invocation->parsed, "description"),
                                     JD_TARGET_SELECTION_SNAPSHOT,
                                     invocation->timeout_minutes,
                                     self->cancellable, create_job_cb,
                                     call_new (self, invocation));
}

static void
boolean_call_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;
  int status;

  if (call->invocation->command->run == cmd_delete_job)
    ok = jd_control_plane_delete_job_finish (JD_CONTROL_PLANE (source), result, &error);
  else
    ok = jd_control_plane_cancel_job_finish (JD_CONTROL_PLANE (source), result, &error);

  if (ok)
    {
      /* DeleteJob answers with an empty body; JdControlPlane keeps none of
       * CancelJob's either. */
      jd_cli_output_response (call->self->output, call->invocation->command->aws_name, NULL);
      status = JD_CLI_EXIT_OK;
    }
  else
    status = report_control_plane_error (call->self, call->invocation->command->aws_name, error);
  call_finish (call, status);
}

static void
cmd_delete_job (JdCli      *self,
                Invocation *invocation)
{
  jd_control_plane_delete_job_async (self->control_plane, arg (invocation, 0),
                                     jd_cli_parsed_has (invocation->parsed, "force"),
                                     self->cancellable, boolean_call_cb,
                                     call_new (self, invocation));
}

static void
cmd_cancel_job (JdCli      *self,
                Invocation *invocation)
{
  jd_control_plane_cancel_job_async (self->control_plane, arg (invocation, 0),
                                     jd_cli_parsed_has (invocation->parsed, "force"),
                                     jd_cli_parsed_get (invocation->parsed, "reason-code"),
                                     jd_cli_parsed_get (invocation->parsed, "comment"),
                                     self->cancellable, boolean_call_cb,
                                     call_new (self, invocation));
}

static void
describe_job_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdJob) job = jd_control_plane_describe_job_finish (JD_CONTROL_PLANE (source), result, &error);
  int status;

  if (job != NULL)
    {
      JsonObject *object = json_object_new ();
      g_autoptr(JsonNode) node = NULL;

      json_object_set_object_member (object, "job", job_to_json (job, TRUE));
      add_string (object, "document", jd_job_get_document (job));
      node = object_node (object);
      jd_cli_output_response (call->self->output, call->invocation->command->aws_name, node);
      status = JD_CLI_EXIT_OK;
    }
  else
    status = report_control_plane_error (call->self, call->invocation->command->aws_name, error);
  call_finish (call, status);
}

static void
cmd_describe_job (JdCli      *self,
                  Invocation *invocation)
{
  jd_control_plane_describe_job_async (self->control_plane, arg (invocation, 0),
                                       self->cancellable, describe_job_cb,
                                       call_new (self, invocation));
}

static void
list_jobs_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) jobs = jd_control_plane_list_jobs_finish (JD_CONTROL_PLANE (source), result, &error);
  int status;

  if (jobs != NULL)
    {
      JsonObject *object = json_object_new ();
      JsonArray *array = json_array_new ();
      g_autoptr(JsonNode) node = NULL;

      for (guint i = 0; i < jobs->len; i++)
        {
          JdJob *job = g_ptr_array_index (jobs, i);
          JsonObject *summary = json_object_new ();

          add_string (summary, "jobArn", jd_job_get_job_arn (job));
          add_string (summary, "jobId", jd_job_get_job_id (job));
          json_object_set_string_member (summary, "targetSelection",
                                         jd_target_selection_to_string (jd_job_get_target_selection (job)));
          json_object_set_string_member (summary, "status", jd_job_status_to_string (jd_job_get_status (job)));
          add_time (summary, "createdAt", jd_job_get_created_at (job));
          add_time (summary, "lastUpdatedAt", jd_job_get_last_updated_at (job));
          add_time (summary, "completedAt", jd_job_get_completed_at (job));
          json_array_add_object_element (array, summary);
        }
      json_object_set_array_member (object, "jobs", array);
      node = object_node (object);
      jd_cli_output_response (call->self->output, call->invocation->command->aws_name, node);
      status = JD_CLI_EXIT_OK;
    }
  else
    status = report_control_plane_error (call->self, call->invocation->command->aws_name, error);
  call_finish (call, status);
}

static void
cmd_list_jobs (JdCli      *self,
               Invocation *invocation)
{
  jd_control_plane_list_jobs_async (self->control_plane, invocation->job_status,
                                    self->cancellable, list_jobs_cb,
                                    call_new (self, invocation));
}

static void
list_executions_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Call *call = user_data;
  gboolean for_job = jd_cli_parsed_has (call->invocation->parsed, "job");
  const char *name = for_job ? "ListJobExecutionsForJob" : "ListJobExecutionsForThing";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) infos = NULL;
  int status;

  if (for_job)
    infos = jd_control_plane_list_job_executions_for_job_finish (JD_CONTROL_PLANE (source), result, &error);
  else
    infos = jd_control_plane_list_job_executions_for_thing_finish (JD_CONTROL_PLANE (source), result, &error);

  if (infos != NULL)
    {
      JsonObject *object = json_object_new ();
      JsonArray *array = json_array_new ();
      g_autoptr(JsonNode) node = NULL;

      for (guint i = 0; i < infos->len; i++)
        {
          JdJobExecutionInfo *info = g_ptr_array_index (infos, i);
          JsonObject *item = json_object_new ();

          if (for_job)
            add_string (item, "thingArn", jd_job_execution_info_get_thing_arn (info));
          else
            add_string (item, "jobId", jd_job_execution_info_get_job_id (info));
          json_object_set_object_member (item, "jobExecutionSummary", execution_summary_to_json (info));
          json_array_add_object_element (array, item);
        }
      json_object_set_array_member (object, "executionSummaries", array);
      node = object_node (object);
      jd_cli_output_response (call->self->output, name, node);
      status = JD_CLI_EXIT_OK;
    }
  else
    status = report_control_plane_error (call->self, name, error);
  call_finish (call, status);
}

static void
cmd_list_executions (JdCli      *self,
                     Invocation *invocation)
{
  const char *job = jd_cli_parsed_get (invocation->parsed, "job");
  const char *thing = jd_cli_parsed_get (invocation->parsed, "thing");

  if (job != NULL)
    jd_control_plane_list_job_executions_for_job_async (self->control_plane, job,
                                                        JD_EXECUTION_STATUS_UNKNOWN,
                                                        self->cancellable, list_executions_cb,
                                                        call_new (self, invocation));
  else
    jd_control_plane_list_job_executions_for_thing_async (self->control_plane,
                                                          thing != NULL ? thing : self->config->thing_name,
                                                          JD_EXECUTION_STATUS_UNKNOWN,
                                                          self->cancellable, list_executions_cb,
                                                          call_new (self, invocation));
}

/* ---- device commands ---- */

static void
set_reply_topic (JdCli      *self,
                 Invocation *invocation,
                 const char *job_id,
                 const char *operation)
{
  if (job_id != NULL)
    invocation->reply_topic = g_strconcat (self->topic_prefix, job_id, "/", operation, "/accepted", NULL);
  else
    invocation->reply_topic = g_strconcat (self->topic_prefix, operation, "/accepted", NULL);
  forget_replies (self, invocation);
}

static void
get_pending_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) pending = jd_jobs_client_get_pending_finish (JD_JOBS_CLIENT (source), result, &error);
  int status;

  if (pending != NULL)
    {
      JsonObject *object = json_object_new ();
      JsonArray *in_progress = json_array_new ();
      JsonArray *queued = json_array_new ();
      g_autoptr(JsonNode) fallback = NULL;

      for (guint i = 0; i < g_list_model_get_n_items (pending); i++)
        {
          g_autoptr(JdExecution) execution = g_list_model_get_item (pending, i);

          json_array_add_element (jd_execution_get_status (execution) == JD_EXECUTION_STATUS_IN_PROGRESS
                                  ? in_progress : queued,
                                  jd_execution_to_summary_json (execution));
        }
      json_object_set_array_member (object, "inProgressJobs", in_progress);
      json_object_set_array_member (object, "queuedJobs", queued);
      fallback = object_node (object);
      status = report_device_success (call->self, call->invocation, fallback);
    }
  else
    status = report_device_error (call->self, call->invocation, error);
  call_finish (call, status);
}

static void
cmd_get_pending (JdCli      *self,
                 Invocation *invocation)
{
  set_reply_topic (self, invocation, NULL, "get");
  jd_jobs_client_get_pending_async (self->jobs, self->cancellable, get_pending_cb,
                                    call_new (self, invocation));
}

static JsonNode *
execution_fallback (JdExecution *execution)
{
  JsonObject *object = json_object_new ();

  if (execution != NULL)
    json_object_set_member (object, "execution", jd_execution_to_json (execution));
  return object_node (object);
}

static void
execution_call_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Call *call = user_data;
  CommandRun run = call->invocation->command->run;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdExecution) execution = NULL;
  int status;

  if (run == cmd_start_next)
    execution = jd_jobs_client_start_next_finish (JD_JOBS_CLIENT (source), result, &error);
  else if (run == cmd_describe_execution)
    execution = jd_jobs_client_describe_finish (JD_JOBS_CLIENT (source), result, &error);
  else
    execution = jd_jobs_client_update_finish (JD_JOBS_CLIENT (source), result, &error);

  if (error == NULL)
    {
      g_autoptr(JsonNode) fallback = run == cmd_update_execution
        ? json_node_init_object (json_node_alloc (), json_object_new ())
        : execution_fallback (execution);

      status = report_device_success (call->self, call->invocation, fallback);
    }
  else
    status = report_device_error (call->self, call->invocation, error);
  call_finish (call, status);
}

static void
cmd_start_next (JdCli      *self,
                Invocation *invocation)
{
  set_reply_topic (self, invocation, NULL, "start-next");
  jd_jobs_client_start_next_async (self->jobs,
                                   g_hash_table_size (invocation->details) > 0 ? invocation->details : NULL,
                                   invocation->step_timeout,
                                   self->cancellable, execution_call_cb,
                                   call_new (self, invocation));
}

static void
cmd_describe_execution (JdCli      *self,
                        Invocation *invocation)
{
  set_reply_topic (self, invocation, arg (invocation, 0), "get");
  jd_jobs_client_describe_async (self->jobs, arg (invocation, 0), invocation->execution_number,
                                 !jd_cli_parsed_has (invocation->parsed, "no-document"),
                                 self->cancellable, execution_call_cb,
                                 call_new (self, invocation));
}

static void
cmd_update_execution (JdCli      *self,
                      Invocation *invocation)
{
  JdUpdateOptions options = JD_UPDATE_OPTIONS_INIT;

  options.status_details = g_hash_table_size (invocation->details) > 0 ? invocation->details : NULL;
  options.step_timeout_in_minutes = invocation->step_timeout;
  options.expected_version = invocation->expected_version;
  set_reply_topic (self, invocation, arg (invocation, 0), "update");
  jd_jobs_client_update_async (self->jobs, arg (invocation, 0), invocation->status, &options,
                               self->cancellable, execution_call_cb,
                               call_new (self, invocation));
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
cmd_watch (JdCli      *self,
           Invocation *invocation)
{
  if (self->one_shot != NULL)
    {
      /* Events print from the message handler; SIGINT or SIGTERM ends it. */
      self->watching = TRUE;
      jd_cli_output_note (self->output, "Watching the jobs of %s; press Ctrl+C to stop.",
                          self->config->thing_name);
      return;
    }
  jd_cli_output_note (self->output, "Events are printed as they arrive.");
  command_finished (self, invocation, JD_CLI_EXIT_OK);
}

/* ---- shell commands ---- */

static void
cmd_help (JdCli      *self,
          Invocation *invocation)
{
  g_autofree char *text = jd_cli_dup_help (invocation->parsed->args->len > 0 ? arg (invocation, 0) : NULL);

  jd_cli_output_text (self->output, "help", text);
  command_finished (self, invocation, JD_CLI_EXIT_OK);
}

static void
cmd_history (JdCli      *self,
             Invocation *invocation)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; self->history != NULL && i < self->history->len; i++)
    g_string_append_printf (text, "%5u  %s\n", i + 1, (char *) g_ptr_array_index (self->history, i));
  jd_cli_output_text (self->output, "history", text->str);
  command_finished (self, invocation, JD_CLI_EXIT_OK);
}

static void
cmd_quit (JdCli      *self,
          Invocation *invocation)
{
  self->quitting = TRUE;
  command_finished (self, invocation, JD_CLI_EXIT_OK);
}

/* ---- running ---- */

/* Signed files (jd-cli-codesign.c). */
static void
codesign_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  call_finish (user_data, jd_cli_codesign_finish (result));
}

static void
cmd_sign_file (JdCli      *self,
               Invocation *invocation)
{
  jd_cli_codesign_sign_file_async (self->output, invocation->parsed, self->cancellable,
                                   codesign_done_cb, call_new (self, invocation));
}

static void
cmd_verify_job_document (JdCli      *self,
                         Invocation *invocation)
{
  jd_cli_codesign_verify_async (self->output, self->jobs, invocation->parsed,
                                self->config->control_plane_ca_path, self->cancellable,
                                codesign_done_cb, call_new (self, invocation));
}

static void
cmd_put_file (JdCli      *self,
              Invocation *invocation)
{
  jd_cli_codesign_put_file_async (self->output, self->config, invocation->parsed, self->cancellable,
                                  codesign_done_cb, call_new (self, invocation));
}

static void
run_invocation (JdCli      *self,
                Invocation *invocation)
{
  const Command *command = invocation->command;

  if (command->needs == NEEDS_DEVICE && self->jobs == NULL)
    {
      jd_cli_output_failed (self->output, command->aws_name,
                            "the device side is not connected: the profile has no client certificate");
      command_finished (self, invocation, JD_CLI_EXIT_FAILED);
      return;
    }
  command->run (self, invocation);
}

static void
command_finished (JdCli      *self,
                  Invocation *invocation,
                  int         status)
{
  if (invocation == self->one_shot)
    {
      self->exit_status = status;
      g_main_loop_quit (self->loop);
      return;
    }

  invocation_free (invocation);
  if (self->quitting)
    {
      g_main_loop_quit (self->loop);
      return;
    }
  read_next_line (self);
}

/* Runs one line of the shell; returns FALSE when nothing was started (so the
 * caller reads the next line). */
static gboolean
run_line (JdCli      *self,
          const char *line)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) words = NULL;
  g_autoptr(GArray) ends = NULL;
  g_autofree char *expanded = NULL;
  Invocation *invocation;

  words = jd_cli_line_split (line, &ends, &error);
  if (words != NULL && words->len == 0)
    return FALSE;
  if (words == NULL || ((char *) g_ptr_array_index (words, 0))[0] != '!')
    g_ptr_array_add (self->history, g_strdup (line));
  if (words == NULL)
    {
      jd_cli_output_usage (self->output, error->message);
      return FALSE;
    }

  /* !N runs the N-th command of the history again. */
  if (words->len == 1 && ((char *) g_ptr_array_index (words, 0))[0] == '!')
    {
      const char *number = (char *) g_ptr_array_index (words, 0) + 1;
      gint64 n;

      if (!jd_cli_parse_int ("!N", "N", number, 1, MAX (self->history->len, 1), &n, &error) ||
          self->history->len == 0)
        {
          jd_cli_output_usage (self->output, self->history->len == 0
                               ? "the history is empty" : error->message);
          return FALSE;
        }
      expanded = g_strdup (g_ptr_array_index (self->history, n - 1));
      jd_cli_output_note (self->output, "%s", expanded);
      return run_line (self, expanded);
    }

  g_ptr_array_add (words, NULL);
  invocation = parse_invocation ((const char *const *) words->pdata, words->len - 1,
                                 line, ends, &error);
  if (invocation == NULL)
    {
      jd_cli_output_usage (self->output, error->message);
      return FALSE;
    }
  run_invocation (self, invocation);
  return TRUE;
}

static void
line_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(JdCli) self = user_data;
  g_autoptr(GError) error = NULL;
  gsize length;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                    result, &length, &error);

  self->at_prompt = FALSE;

  if (line == NULL)
    {
      if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (error != NULL)
        {
          g_printerr ("jobdeck-cli: cannot read the input: %s\n", error->message);
          self->exit_status = JD_CLI_EXIT_FAILED;
        }
      else if (self->interactive)
        fputc ('\n', stdout);
      /* End of input. */
      g_main_loop_quit (self->loop);
      return;
    }

  if (!run_line (self, line))
    read_next_line (self);
}

static gboolean
read_next_line_idle_cb (gpointer user_data)
{
  JdCli *self = user_data;

  if (self->interactive)
    {
      fputs (PROMPT, stdout);
      fflush (stdout);
      self->at_prompt = TRUE;
    }
  g_data_input_stream_read_line_async (self->input, G_PRIORITY_DEFAULT, self->cancellable,
                                       line_read_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
read_next_line (JdCli *self)
{
  /* From an idle, so a pipe full of instant commands does not recurse. */
  g_idle_add_full (G_PRIORITY_DEFAULT, read_next_line_idle_cb, g_object_ref (self), g_object_unref);
}

/* ---- start-up ---- */

static void
fail_startup (JdCli      *self,
              const char *what,
              const char *message)
{
  g_printerr ("jobdeck-cli: %s%s%s\n", what != NULL ? what : "", what != NULL ? ": " : "", message);
  self->exit_status = JD_CLI_EXIT_FAILED;
  g_main_loop_quit (self->loop);
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
      run_invocation (self, self->one_shot);
      return;
    }
  if (self->interactive)
    jd_cli_output_note (self->output, "Connected as %s. Type “help” for the commands.",
                        self->config->thing_name);
  read_next_line (self);
}

static void
message_cb (JdMqttConnection *connection,
            const char       *topic,
            GBytes           *payload,
            gpointer          user_data)
{
  JdCli *self = user_data;
  const char *rest;

  if (!g_str_has_prefix (topic, self->topic_prefix))
    return;
  rest = topic + strlen (self->topic_prefix);

  if (strcmp (rest, "notify") == 0 || strcmp (rest, "notify-next") == 0)
    {
      gsize len;
      const char *data = g_bytes_get_data (payload, &len);
      g_autoptr(JsonNode) node = jd_cli_json_from_payload (data, len);

      /* An event while the prompt waits: print it above a fresh prompt. */
      if (self->at_prompt && isatty (STDOUT_FILENO))
        fputs ("\r\033[K", stdout);
      jd_cli_output_event (self->output,
                           strcmp (rest, "notify") == 0 ? "JobExecutionsChanged" : "NextJobExecutionChanged",
                           node);
      if (self->at_prompt)
        {
          fputs (PROMPT, stdout);
          fflush (stdout);
        }
      return;
    }
  if (g_str_has_suffix (rest, "/accepted") || g_str_has_suffix (rest, "/rejected"))
    g_hash_table_replace (self->replies, g_strdup (topic), g_bytes_ref (payload));
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
  const char *reason = jd_mqtt_connection_get_last_error_message (self->connection);

  self->connect_timeout_id = 0;
  fail_startup (self, "cannot reach the jobs service over MQTT",
                reason != NULL ? reason : "no answer in time");
  return G_SOURCE_REMOVE;
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(JdCli) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!jd_mqtt_connection_connect_finish (JD_MQTT_CONNECTION (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail_startup (self, "cannot connect to the broker", error->message);
      return;
    }
  if (jd_jobs_client_get_synced (self->jobs))
    ready (self);
}

static void
start_device (JdCli *self)
{
  JdCliConfig *config = self->config;
  g_autoptr(GError) error = NULL;

  if (config->sandbox_dir != NULL && !jd_cli_config_reload_sandbox (config, &error))
    {
      fail_startup (self, NULL, error->message);
      return;
    }
  if (config->cert_path == NULL)
    {
      if (self->one_shot != NULL && self->one_shot->command->needs == NEEDS_DEVICE)
        {
          fail_startup (self, NULL, "the profile has no client certificate for the device side");
          return;
        }
      jd_cli_output_note (self->output, "No client certificate: device commands are off.");
      ready (self);
      return;
    }

  self->connection = jd_mqtt_connection_new (config->mqtt_host, config->mqtt_port, config->client_id);
  jd_mqtt_connection_set_tls_files (self->connection, config->ca_path, config->cert_path,
                                    config->key_path, NULL);
  /* Before the jobs client, so each reply is recorded before it completes. */
  g_signal_connect_object (self->connection, "message", G_CALLBACK (message_cb), self, 0);
  self->jobs = jd_jobs_client_new (self->connection, config->thing_name);
  self->synced_id = g_signal_connect (self->jobs, "notify::synced", G_CALLBACK (synced_cb), self);
  self->connect_timeout_id = g_timeout_add (CONNECT_TIMEOUT_MS, connect_timeout_cb, self);
  jd_mqtt_connection_connect_async (self->connection, self->cancellable, connected_cb,
                                    g_object_ref (self));
}

static void
thing_ensured_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(JdCli) self = user_data;
  g_autoptr(GError) error = NULL;

  self->thing_arn = jd_control_plane_ensure_thing_finish (JD_CONTROL_PLANE (source), result, &error);
  if (self->thing_arn == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *what = g_strdup_printf ("cannot find or create the thing %s",
                                                   self->config->thing_name);

          fail_startup (self, what, error->message);
        }
      return;
    }

  if (self->one_shot != NULL && self->one_shot->command->needs != NEEDS_DEVICE)
    ready (self);
  else
    start_device (self);
}

static void
start_control_plane (JdCli *self)
{
  g_autoptr(GError) error = NULL;

  self->control_plane = jd_control_plane_new (self->config->region, self->config->control_plane_url,
                                              self->config->control_plane_ca_path,
                                              self->config->credentials, &error);
  if (self->control_plane == NULL)
    {
      fail_startup (self, "cannot use the control plane", error->message);
      return;
    }
  jd_control_plane_ensure_thing_async (self->control_plane, self->config->thing_name,
                                       self->cancellable, thing_ensured_cb, g_object_ref (self));
}

static void
credentials_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(JdCli) self = user_data;
  g_autoptr(GError) error = NULL;

  self->config->credentials = jd_profile_lookup_credentials_finish (JD_PROFILE (source), result, &error);
  if (self->config->credentials == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail_startup (self, "no AWS credentials", error->message);
      return;
    }
  start_control_plane (self);
}

static gboolean
start_cb (gpointer user_data)
{
  JdCli *self = user_data;
  g_autoptr(GError) error = NULL;

  if (self->sandbox_dir != NULL)
    self->config = jd_cli_config_new_for_sandbox (self->sandbox_dir, self->thing_name, &error);
  else
    {
      GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
      g_autoptr(GSettingsSchema) schema = source != NULL
        ? g_settings_schema_source_lookup (source, SETTINGS_SCHEMA_ID, TRUE) : NULL;

      if (schema == NULL)
        g_set_error (&error, JD_CLI_ERROR, JD_CLI_ERROR_CONFIG,
                     "Jobdeck's settings schema is not installed: use --sandbox DIR");
      else
        {
          self->settings = g_settings_new (SETTINGS_SCHEMA_ID);
          self->config = jd_cli_config_new_for_profile (self->settings, self->profile_name,
                                                        self->thing_name, &error);
        }
    }
  if (self->config == NULL)
    {
      fail_startup (self, NULL, error->message);
      return G_SOURCE_REMOVE;
    }
  if (!jd_topic_is_valid_thing_name (self->config->thing_name, -1))
    {
      g_autofree char *message = g_strdup_printf ("“%s” is not a valid thing name", self->config->thing_name);

      fail_startup (self, NULL, message);
      return G_SOURCE_REMOVE;
    }
  self->topic_prefix = g_strdup_printf ("$aws/things/%s/jobs/", self->config->thing_name);

  if (self->config->credentials == NULL)
    jd_profile_lookup_credentials_async (self->config->profile, self->cancellable,
                                         credentials_cb, g_object_ref (self));
  else
    start_control_plane (self);
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
  g_clear_object (&self->jobs);
  if (self->connection != NULL)
    jd_mqtt_connection_disconnect (self->connection);
  g_clear_object (&self->connection);
  g_clear_object (&self->control_plane);
  g_clear_object (&self->input);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (jd_cli_parent_class)->dispose (object);
}

static void
jd_cli_finalize (GObject *object)
{
  JdCli *self = (JdCli *) object;

  g_clear_pointer (&self->output, jd_cli_output_free);
  g_clear_pointer (&self->config, jd_cli_config_free);
  g_free (self->thing_arn);
  g_free (self->topic_prefix);
  g_clear_pointer (&self->replies, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_free (self->profile_name);
  g_free (self->sandbox_dir);
  g_free (self->thing_name);
  g_clear_pointer (&self->one_shot, invocation_free);
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
  self->replies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
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
  if (!g_option_context_parse_strv (context, &args, &error))
    {
      g_printerr ("jobdeck-cli: %s\n", error->message);
      return JD_CLI_EXIT_USAGE;
    }
  if (self->profile_name != NULL && self->sandbox_dir != NULL)
    {
      g_printerr ("jobdeck-cli: give --profile or --sandbox, not both\n");
      return JD_CLI_EXIT_USAGE;
    }

  self->output = jd_cli_output_new (stdout, stderr, self->json);

  if (g_strv_length (args) > 1)
    {
      guint n_words = g_strv_length (args) - 1;

      self->one_shot = parse_invocation ((const char *const *) args + 1, n_words, NULL, NULL, &error);
      if (self->one_shot == NULL)
        {
          jd_cli_output_usage (self->output, error->message);
          return JD_CLI_EXIT_USAGE;
        }
      if (self->one_shot->command->needs == NEEDS_NOTHING)
        {
          if (self->one_shot->command->run == cmd_help)
            {
              g_autofree char *text = jd_cli_dup_help (self->one_shot->parsed->args->len > 0
                                                       ? arg (self->one_shot, 0) : NULL);

              jd_cli_output_text (self->output, "help", text);
              return JD_CLI_EXIT_OK;
            }
          if (self->one_shot->command->run == cmd_sign_file)
            {
              /* Signing needs no connection. */
              run_invocation (self, self->one_shot);
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
  if (self->connection != NULL)
    jd_mqtt_connection_disconnect (self->connection);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return self->exit_status;
}
