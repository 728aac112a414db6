/* jd-cli-commands.c — jobdeck-cli's commands: the command table and help,
 * checking a command line before anything connects, and running each
 * command on the session's clients. Control-plane answers are printed in
 * AWS's JSON shapes (CancelJob's body as AWS sent it); device answers are
 * the replies the jobs client logged, as the service sent them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jobdeck-cli"

#include <string.h>

#include <json-glib/json-glib.h>

#include "jd-cli-codesign.h"
#include "jd-cli-private.h"
#include "jd-cli-templates.h"
#include "jd-control-plane.h"
#include "jd-jobs-client.h"
#include "jd-job-config.h"
#include "jd-jobs-error.h"
#include "jd-rules.h"
#include "jd-topic.h"

#define STEP_TIMEOUT_MAX    JD_STEP_TIMEOUT_MINUTES_MAX

static void cmd_create_job       (JdCli *self, JdCliInvocation *invocation);
static void cmd_delete_job       (JdCli *self, JdCliInvocation *invocation);
static void cmd_cancel_job       (JdCli *self, JdCliInvocation *invocation);
static void cmd_update_job       (JdCli *self, JdCliInvocation *invocation);
static void cmd_describe_job     (JdCli *self, JdCliInvocation *invocation);
static void cmd_list_jobs        (JdCli *self, JdCliInvocation *invocation);
static void cmd_list_executions  (JdCli *self, JdCliInvocation *invocation);
static void cmd_get_pending      (JdCli *self, JdCliInvocation *invocation);
static void cmd_start_next       (JdCli *self, JdCliInvocation *invocation);
static void cmd_describe_execution (JdCli *self, JdCliInvocation *invocation);
static void cmd_update_execution (JdCli *self, JdCliInvocation *invocation);
static void cmd_watch            (JdCli *self, JdCliInvocation *invocation);
static void cmd_help             (JdCli *self, JdCliInvocation *invocation);
static void cmd_history          (JdCli *self, JdCliInvocation *invocation);
static void cmd_quit             (JdCli *self, JdCliInvocation *invocation);

/* ---- the command table ---- */

static const JdCliOption create_job_options[] = {
  { "target", "THING", TRUE },
  { "group", "GROUP", TRUE },
  { "continuous", NULL, FALSE },
  { "config", "JSON", FALSE },
  { "description", "TEXT", FALSE },
  { "timeout-minutes", "N", FALSE },
  { "template", "ARN", FALSE },
  { "param", "NAME=VALUE", TRUE },
  { NULL }
};
static const JdCliOption update_job_options[] = {
  { "description", "TEXT", FALSE },
  { "config", "JSON", FALSE },
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

static void cmd_sign_file           (JdCli *self, JdCliInvocation *invocation);
static void cmd_verify_job_document (JdCli *self, JdCliInvocation *invocation);
static void cmd_put_file            (JdCli *self, JdCliInvocation *invocation);

static const JdCliCommand commands[] = {
  { "create-job", "CreateJob",
    "[--target THING]... [--group GROUP]... [--continuous] [--description TEXT] [--timeout-minutes N] [--config JSON] <jobId> <jobDocument-as-JSON> | [--target THING]... [--group GROUP]... --template ARN [--param NAME=VALUE]... <jobId>",
    "Create a job for the configured thing (or the --target things and --group thing groups; --continuous also for things added to the groups later); --config takes CreateJob's settings as AWS spells them ({\"jobExecutionsRolloutConfig\": …, \"abortConfig\": …, \"jobExecutionsRetryConfig\": …, \"timeoutConfig\": …, \"schedulingConfig\": …}); the document is the rest of the line. With --template (a job template's ARN or id, or a managed template's name such as AWS-Run-Command) the template gives the document, and each --param fills a managed template's ${aws:iot:parameter:NAME}",
    1, 2, TRUE, JD_CLI_NEEDS_CONTROL_PLANE, create_job_options, cmd_create_job },
  { "delete-job", "DeleteJob", "<jobId> [--force]",
    "Delete a job (--force also when executions are still in progress)",
    1, 1, FALSE, JD_CLI_NEEDS_CONTROL_PLANE, force_options, cmd_delete_job },
  { "get-pending-job-executions", "GetPendingJobExecutions", "",
    "List the thing's in-progress and queued job executions",
    0, 0, FALSE, JD_CLI_NEEDS_DEVICE, no_options, cmd_get_pending, jd_cli_https_get_pending },
  { "start-next-pending-job-execution", "StartNextPendingJobExecution",
    "[--step-timeout N] [--detail key=value]...",
    "Start the next pending job execution (QUEUED becomes IN_PROGRESS)",
    0, 0, FALSE, JD_CLI_NEEDS_DEVICE, start_next_options, cmd_start_next, jd_cli_https_start_next },
  { "describe-job-execution", "DescribeJobExecution",
    "<jobId|$next> [--execution-number N] [--no-document]",
    "Show one of the thing's job executions, or the next pending one",
    1, 1, FALSE, JD_CLI_NEEDS_DEVICE, describe_execution_options, cmd_describe_execution,
    jd_cli_https_describe_execution },
  { "update-job-execution", "UpdateJobExecution",
    "<jobId> <IN_PROGRESS|SUCCEEDED|FAILED|REJECTED> [--expected-version N] [--detail key=value]... [--step-timeout N]",
    "Report the status of a job execution",
    2, 2, FALSE, JD_CLI_NEEDS_DEVICE, update_execution_options, cmd_update_execution,
    jd_cli_https_update_execution },
  { "cancel-job", "CancelJob", "<jobId> [--force] [--reason-code C] [--comment TEXT]",
    "Cancel a job (--force also cancels in-progress executions)",
    1, 1, FALSE, JD_CLI_NEEDS_CONTROL_PLANE, cancel_job_options, cmd_cancel_job },
  { "update-job", "UpdateJob", "<jobId> [--description TEXT] [--config JSON]",
    "Change a job's description and settings (--config takes UpdateJob's settings as AWS spells them: {\"jobExecutionsRolloutConfig\": …, \"abortConfig\": …, \"timeoutConfig\": …, \"jobExecutionsRetryConfig\": …, \"presignedUrlConfig\": …}); they apply to what is still to be released",
    1, 1, FALSE, JD_CLI_NEEDS_CONTROL_PLANE, update_job_options, cmd_update_job },
  { "describe-job", "DescribeJob", "<jobId>",
    "Show a job and its document",
    1, 1, FALSE, JD_CLI_NEEDS_CONTROL_PLANE, no_options, cmd_describe_job },
  { "list-jobs", "ListJobs", "[--status IN_PROGRESS|CANCELED|COMPLETED|DELETION_IN_PROGRESS|SCHEDULED]",
    "List the account's jobs",
    0, 0, FALSE, JD_CLI_NEEDS_CONTROL_PLANE, list_jobs_options, cmd_list_jobs },
  { "list-executions", "ListJobExecutions", "[--job ID | --thing NAME]",
    "List the executions of a job, or of a thing (default: the configured thing)",
    0, 0, FALSE, JD_CLI_NEEDS_CONTROL_PLANE, list_executions_options, cmd_list_executions },
  { "sign-file", "SignFile", JD_CLI_SIGN_FILE_SYNOPSIS, JD_CLI_SIGN_FILE_SUMMARY,
    1, 1, FALSE, JD_CLI_NEEDS_NOTHING, jd_cli_sign_file_options, cmd_sign_file },
  { "verify-job-document", "VerifyJobDocument", JD_CLI_VERIFY_SYNOPSIS, JD_CLI_VERIFY_SUMMARY,
    1, 1, FALSE, JD_CLI_NEEDS_DEVICE, jd_cli_verify_options, cmd_verify_job_document },
  { "put-file", "PutFile", JD_CLI_PUT_FILE_SYNOPSIS, JD_CLI_PUT_FILE_SUMMARY,
    1, 1, FALSE, JD_CLI_NEEDS_CONTROL_PLANE, jd_cli_put_file_options, cmd_put_file },
  { "create-thing-group", "CreateThingGroup", "<groupName> [--parent GROUP] [--description TEXT]",
    "Create a static thing group (under --parent)",
    1, 1, FALSE, JD_CLI_NEEDS_CONTROL_PLANE, jd_cli_create_group_options, jd_cli_cmd_create_thing_group },
  { "describe-thing-group", "DescribeThingGroup", "<groupName>",
    "Show a thing group",
    1, 1, FALSE, JD_CLI_NEEDS_CONTROL_PLANE, no_options, jd_cli_cmd_describe_thing_group },
  { "list-thing-groups", "ListThingGroups", "[--parent GROUP] [--recursive]",
    "List the thing groups (the children of --parent; --recursive: all its descendants)",
    0, 0, FALSE, JD_CLI_NEEDS_CONTROL_PLANE, jd_cli_list_groups_options, jd_cli_cmd_list_thing_groups },
  { "delete-thing-group", "DeleteThingGroup", "<groupName> [--expected-version N]",
    "Delete a thing group (one without child groups)",
    1, 1, FALSE, JD_CLI_NEEDS_CONTROL_PLANE, jd_cli_delete_group_options, jd_cli_cmd_delete_thing_group },
  { "add-thing-to-thing-group", "AddThingToThingGroup", "<groupName> <thingName>",
    "Add a thing to a thing group (continuous jobs for the group queue an execution for it)",
    2, 2, FALSE, JD_CLI_NEEDS_CONTROL_PLANE, no_options, jd_cli_cmd_add_thing_to_thing_group },
  { "remove-thing-from-thing-group", "RemoveThingFromThingGroup", "<groupName> <thingName>",
    "Remove a thing from a thing group",
    2, 2, FALSE, JD_CLI_NEEDS_CONTROL_PLANE, no_options, jd_cli_cmd_remove_thing_from_thing_group },
  { "list-things-in-thing-group", "ListThingsInThingGroup", "<groupName> [--recursive]",
    "List a thing group's things (--recursive: with its descendants')",
    1, 1, FALSE, JD_CLI_NEEDS_CONTROL_PLANE, jd_cli_recursive_options, jd_cli_cmd_list_things_in_thing_group },
  { "list-thing-groups-for-thing", "ListThingGroupsForThing", "<thingName>",
    "List the thing groups a thing is in",
    1, 1, FALSE, JD_CLI_NEEDS_CONTROL_PLANE, no_options, jd_cli_cmd_list_thing_groups_for_thing },
  { "associate-targets-with-job", "AssociateTargetsWithJob", "<jobId> [--target THING]... [--group GROUP]... [--comment TEXT]",
    "Add targets to a continuous job",
    1, 1, FALSE, JD_CLI_NEEDS_CONTROL_PLANE, jd_cli_associate_options, jd_cli_cmd_associate_targets },
  { "create-job-template", "CreateJobTemplate",
    "<templateId> --description TEXT (--document JSON | --from-job JOB) [--config JSON]",
    "Create a job template from a document or from a job's document and settings; --config takes CreateJob's settings as AWS spells them",
    1, 1, FALSE, JD_CLI_NEEDS_CONTROL_PLANE, jd_cli_create_template_options, jd_cli_cmd_create_job_template },
  { "describe-job-template", "DescribeJobTemplate", "<templateId>",
    "Show a job template",
    1, 1, FALSE, JD_CLI_NEEDS_CONTROL_PLANE, no_options, jd_cli_cmd_describe_job_template },
  { "list-job-templates", "ListJobTemplates", "",
    "List the job templates",
    0, 0, FALSE, JD_CLI_NEEDS_CONTROL_PLANE, no_options, jd_cli_cmd_list_job_templates },
  { "delete-job-template", "DeleteJobTemplate", "<templateId>",
    "Delete a job template (jobs made from it keep their document)",
    1, 1, FALSE, JD_CLI_NEEDS_CONTROL_PLANE, no_options, jd_cli_cmd_delete_job_template },
  { "list-managed-job-templates", "ListManagedJobTemplates", "[--name NAME]",
    "List AWS's managed job templates (only --name's versions)",
    0, 0, FALSE, JD_CLI_NEEDS_CONTROL_PLANE, jd_cli_list_managed_options, jd_cli_cmd_list_managed_job_templates },
  { "describe-managed-job-template", "DescribeManagedJobTemplate", "<templateName> [--version VERSION]",
    "Show a managed job template: its document and the parameters create-job --param fills",
    1, 1, FALSE, JD_CLI_NEEDS_CONTROL_PLANE, jd_cli_describe_managed_options, jd_cli_cmd_describe_managed_job_template },
  { "update-event-configurations", "UpdateEventConfigurations", "<TYPE=true|false>...",
    "Switch event types on or off (JOB and JOB_EXECUTION publish on $aws/events/job… and $aws/events/jobExecution…)",
    1, 11, FALSE, JD_CLI_NEEDS_CONTROL_PLANE, no_options, jd_cli_cmd_update_event_configurations },
  { "describe-event-configurations", "DescribeEventConfigurations", "",
    "Show which event types are switched on",
    0, 0, FALSE, JD_CLI_NEEDS_CONTROL_PLANE, no_options, jd_cli_cmd_describe_event_configurations },
  { "watch", "Watch", "",
    "Print events until interrupted (in the shell they are always printed)",
    0, 0, FALSE, JD_CLI_NEEDS_DEVICE, no_options, cmd_watch },
  { "history", "History", "",
    "List this session's commands; !N runs the N-th again",
    0, 0, FALSE, JD_CLI_NEEDS_NOTHING, no_options, cmd_history },
  { "help", "Help", "[command]",
    "List the commands, or explain one",
    0, 1, FALSE, JD_CLI_NEEDS_NOTHING, no_options, cmd_help },
  { "quit", "Quit", "",
    "Leave the shell",
    0, 0, FALSE, JD_CLI_NEEDS_NOTHING, no_options, cmd_quit },
};

const JdCliCommand *
jd_cli_find_command (const char *name)
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
      const JdCliCommand *found = jd_cli_find_command (command);

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

void
jd_cli_invocation_free (JdCliInvocation *invocation)
{
  if (invocation == NULL)
    return;
  g_clear_pointer (&invocation->parsed, jd_cli_parsed_free);
  g_free (invocation->document);
  g_clear_pointer (&invocation->details, g_hash_table_unref);
  g_free (invocation->reply_topic);
  g_free (invocation->rejected_topic);
  g_clear_object (&invocation->log_mark);
  g_free (invocation);
}

const char *
jd_cli_invocation_arg (JdCliInvocation *invocation,
                       guint            i)
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
validate_invocation (JdCliInvocation  *invocation,
                     GError     **error)
{
  const JdCliCommand *command = invocation->command;
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

  /* create-job --template: the template gives the document. */
  if (command->takes_document && jd_cli_parsed_has (parsed, "template"))
    {
      if (invocation->document != NULL && invocation->document[0] != '\0')
        {
          g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE,
                       "%s: --template gives the document; pass none after the job id", command->name);
          return FALSE;
        }
    }
  else if (jd_cli_parsed_has (parsed, "param"))
    {
      g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE, "%s: --param needs --template", command->name);
      return FALSE;
    }
  else if (command->takes_document)
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
      !check_device_status (jd_cli_invocation_arg (invocation, 1), &invocation->status, error))
    return FALSE;

  if (command->run == cmd_help && n_args == 1 && jd_cli_find_command (jd_cli_invocation_arg (invocation, 0)) == NULL)
    {
      g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_USAGE,
                   "help: there is no command “%s”", jd_cli_invocation_arg (invocation, 0));
      return FALSE;
    }

  return TRUE;
}

/* Builds an invocation from @words (the command first). @line and @ends give
 * the document of create-job as typed; without them the words after the job
 * id are joined with spaces (one-shot mode, where the shell split them). */
JdCliInvocation *
jd_cli_invocation_parse (const char * const *words,
                  guint               n_words,
                  const char         *line,
                  GArray             *ends,
                  GError            **error)
{
  g_autoptr(JdCliInvocation) invocation = g_new0 (JdCliInvocation, 1);
  const JdCliCommand *command;
  guint consumed = 0;

  g_assert (n_words > 0);

  command = jd_cli_find_command (words[0]);
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

int
jd_cli_report_control_plane_error (JdCli        *self,
                                   const char   *name,
                                   const GError *error)
{
  if (jd_control_plane_error_get_aws_type (error) != NULL)
    {
      const char *message = jd_control_plane_error_get_aws_message (error);

      jd_cli_output_rejected (self->output, name, jd_control_plane_error_get_aws_type (error),
                              message != NULL ? message : error->message, NULL);
    }
  else
    jd_cli_output_failed (self->output, name, error->message);
  return JD_CLI_EXIT_FAILED;
}

/* The payload of the newest reply on @topic that the jobs client logged
 * since @invocation started: AWS's words, as the service sent them. */
static JsonNode *
find_reply (JdCli           *self,
            JdCliInvocation *invocation,
            const char      *topic)
{
  GListModel *log = G_LIST_MODEL (jd_jobs_client_get_event_log (self->jobs));

  for (guint i = g_list_model_get_n_items (log); i > 0; i--)
    {
      g_autoptr(JdEvent) event = g_list_model_get_item (log, i - 1);
      const char *payload;

      if (event == invocation->log_mark)
        break;
      if (jd_event_get_direction (event) != JD_EVENT_DIRECTION_IN ||
          g_strcmp0 (jd_event_get_topic (event), topic) != 0)
        continue;
      payload = jd_event_get_payload (event);
      return jd_cli_json_from_payload (payload, payload != NULL ? strlen (payload) : 0);
    }
  return NULL;
}

/* Prints the accepted reply of a device request, or @fallback when the raw
 * reply was not seen. */
static int
report_device_success (JdCli      *self,
                       JdCliInvocation *invocation,
                       JsonNode   *fallback)
{
  g_autoptr(JsonNode) payload = find_reply (self, invocation, invocation->reply_topic);

  jd_cli_output_response (self->output, invocation->command->aws_name,
                          payload != NULL ? payload : fallback);
  return JD_CLI_EXIT_OK;
}

static int
report_device_error (JdCli        *self,
                     JdCliInvocation   *invocation,
                     const GError *error)
{
  const char *name = invocation->command->aws_name;
  const char *code = error->domain == JD_JOBS_ERROR ? jd_jobs_error_get_aws_code (error) : NULL;

  if (error->domain == JD_JOBS_ERROR && error->code == JD_JOBS_ERROR_INVALID_ARGUMENT)
    {
      g_autofree char *message = g_strdup_printf ("%s: %s", invocation->command->name, error->message);

      jd_cli_output_usage (self->output, message);
      return JD_CLI_EXIT_USAGE;
    }

  if (code != NULL)
    {
      g_autoptr(JsonNode) payload = find_reply (self, invocation, invocation->rejected_topic);
      const char *message = NULL;

      if (payload != NULL && JSON_NODE_HOLDS_OBJECT (payload))
        message = json_object_get_string_member_with_default (json_node_get_object (payload),
                                                              "message", NULL);
      jd_cli_output_rejected (self->output, name, code,
                              message != NULL ? message : error->message, payload);
    }
  else
    jd_cli_output_failed (self->output, name, error->message);
  return JD_CLI_EXIT_FAILED;
}

/* ---- operator commands ---- */

typedef struct {
  JdCli      *self;
  JdCliInvocation *invocation;
} Call;

static Call *
call_new (JdCli           *self,
          JdCliInvocation *invocation)
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

  jd_cli_command_finished (self, call->invocation, status);
  g_free (call);
}

/* Signed files (jd-cli-codesign.c). */
static void
codesign_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  call_finish (user_data, jd_cli_codesign_finish (result));
}

static void
cmd_sign_file (JdCli           *self,
               JdCliInvocation *invocation)
{
  jd_cli_codesign_sign_file_async (self->output, invocation->parsed, self->cancellable,
                                   codesign_done_cb, call_new (self, invocation));
}

static void
cmd_verify_job_document (JdCli           *self,
                         JdCliInvocation *invocation)
{
  jd_cli_codesign_verify_async (self->output, self->jobs, invocation->parsed,
                                self->control_plane != NULL ? jd_control_plane_get_ca_path (self->control_plane) : NULL,
                                self->cancellable, codesign_done_cb, call_new (self, invocation));
}

static void
cmd_put_file (JdCli           *self,
              JdCliInvocation *invocation)
{
  jd_cli_codesign_put_file_async (self->output, self->control_plane, invocation->parsed, self->cancellable,
                                  codesign_done_cb, call_new (self, invocation));
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
    status = jd_cli_report_control_plane_error (call->self, call->invocation->command->aws_name, error);
  call_finish (call, status);
}

static void
cmd_create_job (JdCli           *self,
                JdCliInvocation *invocation)
{
  g_autoptr(GPtrArray) targets = jd_cli_dup_targets (self, invocation);
  g_autoptr(JdJobConfig) config = NULL;
  const char *config_text = jd_cli_parsed_get (invocation->parsed, "config");

  if (jd_cli_parsed_has (invocation->parsed, "template"))
    {
      jd_cli_cmd_create_job_from_template (self, invocation);
      return;
    }

  /* No target given: the configured thing. */
  if (targets->len == 1)
    g_ptr_array_insert (targets, 0, jd_cli_target_arn (self, jd_cli_get_thing_name (self), FALSE));

  if (config_text != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      if (json_parser_load_from_data (parser, config_text, -1, &error) &&
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        g_set_error_literal (&error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA, "not a JSON object");
      if (error == NULL)
        config = jd_job_config_parse (json_node_get_object (json_parser_get_root (parser)),
                                      g_date_time_to_unix (now), &error);
      if (config == NULL)
        {
          g_autofree char *message = g_strdup_printf ("create-job: --config: %s", error->message);

          jd_cli_output_usage (self->output, message);
          jd_cli_command_finished (self, invocation, JD_CLI_EXIT_USAGE);
          return;
        }
      if (invocation->timeout_minutes > 0)
        config->in_progress_timeout = invocation->timeout_minutes;
      jd_control_plane_create_job_with_config_async (self->control_plane, jd_cli_invocation_arg (invocation, 0),
                                                     (const char *const *) targets->pdata, invocation->document,
                                                     jd_cli_parsed_get (invocation->parsed, "description"),
                                                     jd_cli_parsed_has (invocation->parsed, "continuous")
                                                     ? JD_TARGET_SELECTION_CONTINUOUS : JD_TARGET_SELECTION_SNAPSHOT,
                                                     config, self->cancellable, create_job_cb,
                                                     call_new (self, invocation));
      return;
    }

  jd_control_plane_create_job_async (self->control_plane, jd_cli_invocation_arg (invocation, 0),
                                     (const char *const *) targets->pdata,
                                     invocation->document,
                                     jd_cli_parsed_get (invocation->parsed, "description"),
                                     jd_cli_parsed_has (invocation->parsed, "continuous")
                                     ? JD_TARGET_SELECTION_CONTINUOUS : JD_TARGET_SELECTION_SNAPSHOT,
                                     invocation->timeout_minutes,
                                     self->cancellable, create_job_cb,
                                     call_new (self, invocation));
}

static void
delete_job_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;
  int status;

  if (jd_control_plane_delete_job_finish (JD_CONTROL_PLANE (source), result, &error))
    {
      /* DeleteJob answers with an empty body. */
      jd_cli_output_response (call->self->output, call->invocation->command->aws_name, NULL);
      status = JD_CLI_EXIT_OK;
    }
  else
    status = jd_cli_report_control_plane_error (call->self, call->invocation->command->aws_name, error);
  call_finish (call, status);
}

static void
cancel_job_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  int status;

  if (jd_control_plane_cancel_job_finish_full (JD_CONTROL_PLANE (source), result, &body, &error))
    {
      /* AWS's reply: jobArn, jobId, description. */
      jd_cli_output_response (call->self->output, call->invocation->command->aws_name, body);
      status = JD_CLI_EXIT_OK;
    }
  else
    status = jd_cli_report_control_plane_error (call->self, call->invocation->command->aws_name, error);
  call_finish (call, status);
}

static void
cmd_delete_job (JdCli           *self,
                JdCliInvocation *invocation)
{
  jd_control_plane_delete_job_async (self->control_plane, jd_cli_invocation_arg (invocation, 0),
                                     jd_cli_parsed_has (invocation->parsed, "force"),
                                     self->cancellable, delete_job_cb,
                                     call_new (self, invocation));
}

static void
cmd_cancel_job (JdCli           *self,
                JdCliInvocation *invocation)
{
  jd_control_plane_cancel_job_async (self->control_plane, jd_cli_invocation_arg (invocation, 0),
                                     jd_cli_parsed_has (invocation->parsed, "force"),
                                     jd_cli_parsed_get (invocation->parsed, "reason-code"),
                                     jd_cli_parsed_get (invocation->parsed, "comment"),
                                     self->cancellable, cancel_job_cb,
                                     call_new (self, invocation));
}

static void
update_job_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;
  int status;

  if (jd_control_plane_update_job_finish (JD_CONTROL_PLANE (source), result, &error))
    {
      /* UpdateJob answers with an empty body. */
      jd_cli_output_response (call->self->output, call->invocation->command->aws_name, NULL);
      status = JD_CLI_EXIT_OK;
    }
  else
    status = jd_cli_report_control_plane_error (call->self, call->invocation->command->aws_name, error);
  call_finish (call, status);
}

static void
cmd_update_job (JdCli           *self,
                JdCliInvocation *invocation)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *config_text = jd_cli_parsed_get (invocation->parsed, "config");
  JsonObject *settings = NULL;

  if (config_text != NULL)
    {
      g_autoptr(GError) error = NULL;

      g_autoptr(JdJobConfig) probe = jd_job_config_new ();

      if (json_parser_load_from_data (parser, config_text, -1, &error) &&
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        g_set_error_literal (&error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA, "not a JSON object");
      /* Out-of-range settings are a usage error, as for create-job. */
      if (error == NULL)
        jd_job_config_update (probe, json_node_get_object (json_parser_get_root (parser)), &error);
      if (error != NULL)
        {
          g_autofree char *message = g_strdup_printf ("update-job: --config: %s", error->message);

          jd_cli_output_usage (self->output, message);
          jd_cli_command_finished (self, invocation, JD_CLI_EXIT_USAGE);
          return;
        }
      settings = json_node_get_object (json_parser_get_root (parser));
    }
  if (settings == NULL && !jd_cli_parsed_has (invocation->parsed, "description"))
    {
      jd_cli_output_usage (self->output, "update-job: nothing to change (give --description or --config)");
      jd_cli_command_finished (self, invocation, JD_CLI_EXIT_USAGE);
      return;
    }
  jd_control_plane_update_job_async (self->control_plane, jd_cli_invocation_arg (invocation, 0),
                                     jd_cli_parsed_get (invocation->parsed, "description"), settings,
                                     self->cancellable, update_job_cb, call_new (self, invocation));
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
    status = jd_cli_report_control_plane_error (call->self, call->invocation->command->aws_name, error);
  call_finish (call, status);
}

static void
cmd_describe_job (JdCli           *self,
                  JdCliInvocation *invocation)
{
  jd_control_plane_describe_job_async (self->control_plane, jd_cli_invocation_arg (invocation, 0),
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
    status = jd_cli_report_control_plane_error (call->self, call->invocation->command->aws_name, error);
  call_finish (call, status);
}

static void
cmd_list_jobs (JdCli           *self,
               JdCliInvocation *invocation)
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
    status = jd_cli_report_control_plane_error (call->self, name, error);
  call_finish (call, status);
}

static void
cmd_list_executions (JdCli           *self,
                     JdCliInvocation *invocation)
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
                                                          thing != NULL ? thing : jd_cli_get_thing_name (self),
                                                          JD_EXECUTION_STATUS_UNKNOWN,
                                                          self->cancellable, list_executions_cb,
                                                          call_new (self, invocation));
}

/* ---- device commands ---- */

/* Where the reply to @invocation's request will come, and the log entry it
 * must be newer than. */
static void
set_reply_topic (JdCli            *self,
                 JdCliInvocation  *invocation,
                 const char       *job_id,
                 JdTopicOperation  operation)
{
  GListModel *log = G_LIST_MODEL (jd_jobs_client_get_event_log (self->jobs));
  guint n = g_list_model_get_n_items (log);
  const char *thing = jd_cli_get_thing_name (self);

  invocation->reply_topic = jd_topic_build (thing, operation, job_id, JD_TOPIC_KIND_ACCEPTED);
  invocation->rejected_topic = jd_topic_build (thing, operation, job_id, JD_TOPIC_KIND_REJECTED);
  g_clear_object (&invocation->log_mark);
  if (n > 0)
    invocation->log_mark = g_list_model_get_item (log, n - 1);
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
cmd_get_pending (JdCli           *self,
                 JdCliInvocation *invocation)
{
  set_reply_topic (self, invocation, NULL, JD_TOPIC_OP_GET_PENDING);
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
  JdCliCommandRun run = call->invocation->command->run;
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
cmd_start_next (JdCli           *self,
                JdCliInvocation *invocation)
{
  set_reply_topic (self, invocation, NULL, JD_TOPIC_OP_START_NEXT);
  jd_jobs_client_start_next_async (self->jobs,
                                   g_hash_table_size (invocation->details) > 0 ? invocation->details : NULL,
                                   invocation->step_timeout,
                                   self->cancellable, execution_call_cb,
                                   call_new (self, invocation));
}

static void
cmd_describe_execution (JdCli           *self,
                        JdCliInvocation *invocation)
{
  set_reply_topic (self, invocation, jd_cli_invocation_arg (invocation, 0), JD_TOPIC_OP_DESCRIBE);
  jd_jobs_client_describe_async (self->jobs, jd_cli_invocation_arg (invocation, 0), invocation->execution_number,
                                 !jd_cli_parsed_has (invocation->parsed, "no-document"),
                                 self->cancellable, execution_call_cb,
                                 call_new (self, invocation));
}

static void
cmd_update_execution (JdCli           *self,
                      JdCliInvocation *invocation)
{
  JdUpdateOptions options = JD_UPDATE_OPTIONS_INIT;

  options.status_details = g_hash_table_size (invocation->details) > 0 ? invocation->details : NULL;
  options.step_timeout_in_minutes = invocation->step_timeout;
  options.expected_version = invocation->expected_version;
  set_reply_topic (self, invocation, jd_cli_invocation_arg (invocation, 0), JD_TOPIC_OP_UPDATE);
  jd_jobs_client_update_async (self->jobs, jd_cli_invocation_arg (invocation, 0), invocation->status, &options,
                               self->cancellable, execution_call_cb,
                               call_new (self, invocation));
}

static void
cmd_watch (JdCli           *self,
           JdCliInvocation *invocation)
{
  if (self->one_shot != NULL)
    {
      /* Events print from the jobs client's signals; SIGINT or SIGTERM ends it. */
      self->watching = TRUE;
      jd_cli_output_note (self->output, "Watching the jobs of %s; press Ctrl+C to stop.",
                          jd_cli_get_thing_name (self));
      return;
    }
  jd_cli_output_note (self->output, "Events are printed as they arrive.");
  jd_cli_command_finished (self, invocation, JD_CLI_EXIT_OK);
}

/* ---- shell commands ---- */

static void
cmd_help (JdCli           *self,
          JdCliInvocation *invocation)
{
  g_autofree char *text = jd_cli_dup_help (invocation->parsed->args->len > 0 ? jd_cli_invocation_arg (invocation, 0) : NULL);

  jd_cli_output_text (self->output, "help", text);
  jd_cli_command_finished (self, invocation, JD_CLI_EXIT_OK);
}

static void
cmd_history (JdCli           *self,
             JdCliInvocation *invocation)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; self->history != NULL && i < self->history->len; i++)
    g_string_append_printf (text, "%5u  %s\n", i + 1, (char *) g_ptr_array_index (self->history, i));
  jd_cli_output_text (self->output, "history", text->str);
  jd_cli_command_finished (self, invocation, JD_CLI_EXIT_OK);
}

static void
cmd_quit (JdCli           *self,
          JdCliInvocation *invocation)
{
  self->quitting = TRUE;
  jd_cli_command_finished (self, invocation, JD_CLI_EXIT_OK);
}
