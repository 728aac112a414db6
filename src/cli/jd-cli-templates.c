/* jd-cli-templates.c — jobdeck-cli's job-template commands (create,
 * describe, list, delete), AWS's managed templates (list, describe),
 * create-job --template ARN --param NAME=VALUE…, and the event
 * configurations (update, describe), on the core's control-plane client
 * (jd-control-plane-templates.c). Replies print in AWS's shapes, as the
 * AWS CLI shows them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jobdeck-cli"

#include <string.h>

#include "jd-cli-templates.h"
#include "jd-job-template.h"

const JdCliOption jd_cli_create_template_options[] = {
  { "description", "TEXT", FALSE },
  { "document", "JSON", FALSE },
  { "from-job", "JOB", FALSE },
  { "config", "JSON", FALSE },
  { NULL }
};
const JdCliOption jd_cli_list_managed_options[] = {
  { "name", "NAME", FALSE },
  { NULL }
};
const JdCliOption jd_cli_describe_managed_options[] = {
  { "version", "VERSION", FALSE },
  { NULL }
};

typedef struct {
  JdCli           *self;
  JdCliInvocation *invocation;
} TemplateCall;

static TemplateCall *
template_call_new (JdCli           *self,
                   JdCliInvocation *invocation)
{
  TemplateCall *call = g_new0 (TemplateCall, 1);

  call->self = g_object_ref (self);
  call->invocation = invocation;
  return call;
}

/* Prints @reply (or the rejection) and ends the command; takes @call. */
static void
template_call_finish (TemplateCall *call,
                      JsonNode     *reply,
                      const GError *error)
{
  g_autoptr(JdCli) self = call->self;
  JdCliInvocation *invocation = call->invocation;
  int status;

  g_free (call);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error == NULL)
    {
      jd_cli_output_response (self->output, invocation->command->aws_name, reply);
      status = JD_CLI_EXIT_OK;
    }
  else
    status = jd_cli_report_control_plane_error (self, invocation->command->aws_name, error);
  jd_cli_command_finished (self, invocation, status);
}

static void
usage (JdCli           *self,
       JdCliInvocation *invocation,
       const char      *message)
{
  jd_cli_output_usage (self->output, message);
  jd_cli_command_finished (self, invocation, JD_CLI_EXIT_USAGE);
}

/* "arn:aws:iot:REGION:ACCOUNT:" of the configured thing, or NULL. */
static char *
arn_prefix (JdCli *self)
{
  g_autofree char *thing = jd_cli_target_arn (self, "x", FALSE);
  const char *slash = strrchr (thing, '/');

  if (!g_str_has_prefix (thing, "arn:") || slash == NULL || slash - thing < (gssize) strlen ("thing"))
    return NULL;
  return g_strndup (thing, slash - thing - strlen ("thing"));
}

/* An ARN as it is; a managed template's name (AWS-Reboot) as its ARN of
 * the default version; anything else as a custom template's id. */
static char *
template_arn (JdCli      *self,
              const char *name)
{
  g_autofree char *prefix = NULL;
  const JdManagedTemplate *managed;

  if (g_str_has_prefix (name, "arn:"))
    return g_strdup (name);
  prefix = arn_prefix (self);
  if (prefix == NULL)
    return g_strdup (name);
  managed = jd_managed_template_find (name, NULL);
  if (managed != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (prefix, ":", -1);

      /* arn:aws:iot:REGION:ACCOUNT: → the region */
      if (g_strv_length (parts) >= 4)
        return jd_managed_template_arn (managed, parts[3]);
    }
  return g_strconcat (prefix, "jobtemplate/", name, NULL);
}

static JsonNode *
nodes_reply (const char *member,
             GPtrArray  *items)
{
  JsonObject *object = json_object_new ();
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < items->len; i++)
    json_array_add_element (array, json_node_copy (g_ptr_array_index (items, i)));
  json_object_set_array_member (object, member, array);
  return json_node_init_object (json_node_alloc (), object);
}

static void
node_reply_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  TemplateCall *call = user_data;
  JdCliCommandRun run = call->invocation->command->run;
  JdControlPlane *cp = JD_CONTROL_PLANE (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;

  if (run == jd_cli_cmd_create_job_template)
    reply = jd_control_plane_create_job_template_finish (cp, result, &error);
  else if (run == jd_cli_cmd_describe_job_template)
    reply = jd_control_plane_describe_job_template_finish (cp, result, &error);
  else if (run == jd_cli_cmd_describe_managed_job_template)
    reply = jd_control_plane_describe_managed_job_template_finish (cp, result, &error);
  else if (run == jd_cli_cmd_describe_event_configurations)
    reply = jd_control_plane_describe_event_configurations_finish (cp, result, &error);
  else
    reply = jd_control_plane_create_job_from_template_finish (cp, result, &error);
  template_call_finish (call, reply, error);
}

static void
list_reply_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  TemplateCall *call = user_data;
  JdControlPlane *cp = JD_CONTROL_PLANE (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonNode) reply = NULL;
  gboolean managed = call->invocation->command->run == jd_cli_cmd_list_managed_job_templates;

  items = managed ? jd_control_plane_list_managed_job_templates_finish (cp, result, &error)
                  : jd_control_plane_list_job_templates_finish (cp, result, &error);
  if (items != NULL)
    reply = nodes_reply (managed ? "managedJobTemplates" : "jobTemplates", items);
  template_call_finish (call, reply, error);
}

static void
done_reply_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  TemplateCall *call = user_data;
  JdControlPlane *cp = JD_CONTROL_PLANE (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) empty = json_node_init_object (json_node_alloc (), json_object_new ());

  if (call->invocation->command->run == jd_cli_cmd_delete_job_template)
    jd_control_plane_delete_job_template_finish (cp, result, &error);
  else
    jd_control_plane_update_event_configurations_finish (cp, result, &error);
  template_call_finish (call, empty, error);
}

/* A JSON object given as an option, or NULL after a usage error. */
static JsonObject *
object_option (JdCli           *self,
               JdCliInvocation *invocation,
               const char      *option)
{
  const char *text = jd_cli_parsed_get (invocation->parsed, option);
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (json_parser_load_from_data (parser, text, -1, NULL) && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  {
    g_autofree char *message = g_strdup_printf ("%s: --%s takes a JSON object", invocation->command->name, option);

    usage (self, invocation, message);
  }
  return NULL;
}

/* ---- custom templates ---- */

void
jd_cli_cmd_create_job_template (JdCli           *self,
                                JdCliInvocation *invocation)
{
  const char *description = jd_cli_parsed_get (invocation->parsed, "description");
  const char *document = jd_cli_parsed_get (invocation->parsed, "document");
  const char *job = jd_cli_parsed_get (invocation->parsed, "from-job");
  g_autoptr(JsonObject) settings = NULL;
  g_autofree char *job_arn = NULL;

  if (description == NULL)
    {
      usage (self, invocation, "create-job-template: --description is required");
      return;
    }
  if (document == NULL && job == NULL)
    {
      usage (self, invocation, "create-job-template: give --document JSON or --from-job JOB");
      return;
    }
  if (document != NULL)
    {
      g_autoptr(JsonObject) parsed = object_option (self, invocation, "document");

      if (parsed == NULL)
        return;
    }
  if (jd_cli_parsed_has (invocation->parsed, "config")
      && (settings = object_option (self, invocation, "config")) == NULL)
    return;
  if (job != NULL)
    {
      g_autofree char *prefix = arn_prefix (self);

      job_arn = g_str_has_prefix (job, "arn:") || prefix == NULL ? g_strdup (job) : g_strconcat (prefix, "job/", job, NULL);
    }
  jd_control_plane_create_job_template_async (self->control_plane, jd_cli_invocation_arg (invocation, 0),
                                              description, document, job_arn, settings, self->cancellable,
                                              node_reply_cb, template_call_new (self, invocation));
}

void
jd_cli_cmd_describe_job_template (JdCli           *self,
                                  JdCliInvocation *invocation)
{
  jd_control_plane_describe_job_template_async (self->control_plane, jd_cli_invocation_arg (invocation, 0),
                                                self->cancellable, node_reply_cb,
                                                template_call_new (self, invocation));
}

void
jd_cli_cmd_list_job_templates (JdCli           *self,
                               JdCliInvocation *invocation)
{
  jd_control_plane_list_job_templates_async (self->control_plane, self->cancellable, list_reply_cb,
                                             template_call_new (self, invocation));
}

void
jd_cli_cmd_delete_job_template (JdCli           *self,
                                JdCliInvocation *invocation)
{
  jd_control_plane_delete_job_template_async (self->control_plane, jd_cli_invocation_arg (invocation, 0),
                                              self->cancellable, done_reply_cb,
                                              template_call_new (self, invocation));
}

/* ---- managed templates ---- */

void
jd_cli_cmd_list_managed_job_templates (JdCli           *self,
                                       JdCliInvocation *invocation)
{
  jd_control_plane_list_managed_job_templates_async (self->control_plane,
                                                     jd_cli_parsed_get (invocation->parsed, "name"),
                                                     self->cancellable, list_reply_cb,
                                                     template_call_new (self, invocation));
}

void
jd_cli_cmd_describe_managed_job_template (JdCli           *self,
                                          JdCliInvocation *invocation)
{
  jd_control_plane_describe_managed_job_template_async (self->control_plane, jd_cli_invocation_arg (invocation, 0),
                                                        jd_cli_parsed_get (invocation->parsed, "version"),
                                                        self->cancellable, node_reply_cb,
                                                        template_call_new (self, invocation));
}

/* ---- create-job --template ---- */

void
jd_cli_cmd_create_job_from_template (JdCli           *self,
                                     JdCliInvocation *invocation)
{
  g_autoptr(GPtrArray) targets = jd_cli_dup_targets (self, invocation);
  g_autoptr(GHashTable) parameters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GPtrArray *given = jd_cli_parsed_get_all (invocation->parsed, "param");
  g_autofree char *arn = template_arn (self, jd_cli_parsed_get (invocation->parsed, "template"));

  for (guint i = 0; given != NULL && i < given->len; i++)
    {
      const char *pair = g_ptr_array_index (given, i);
      const char *equals = strchr (pair, '=');

      if (equals == NULL || equals == pair)
        {
          g_autofree char *message = g_strdup_printf ("create-job: --param takes NAME=VALUE, not %s", pair);

          usage (self, invocation, message);
          return;
        }
      g_hash_table_replace (parameters, g_strndup (pair, equals - pair), g_strdup (equals + 1));
    }
  /* No target given: the configured thing. */
  if (targets->len == 1)
    g_ptr_array_insert (targets, 0, jd_cli_target_arn (self, jd_cli_get_thing_name (self), FALSE));
  jd_control_plane_create_job_from_template_async (self->control_plane, jd_cli_invocation_arg (invocation, 0), arn,
                                                   (const char *const *) targets->pdata, parameters,
                                                   jd_cli_parsed_get (invocation->parsed, "description"),
                                                   self->cancellable, node_reply_cb,
                                                   template_call_new (self, invocation));
}

/* ---- event configurations ---- */

void
jd_cli_cmd_update_event_configurations (JdCli           *self,
                                        JdCliInvocation *invocation)
{
  g_autoptr(GHashTable) enabled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < invocation->parsed->args->len; i++)
    {
      const char *pair = g_ptr_array_index (invocation->parsed->args, i);
      const char *equals = strchr (pair, '=');
      gboolean on;

      if (equals != NULL && g_ascii_strcasecmp (equals + 1, "true") == 0)
        on = TRUE;
      else if (equals != NULL && g_ascii_strcasecmp (equals + 1, "false") == 0)
        on = FALSE;
      else
        {
          g_autofree char *message = g_strdup_printf ("update-event-configurations: expected TYPE=true or "
                                                      "TYPE=false (e.g. JOB=true), not %s", pair);

          usage (self, invocation, message);
          return;
        }
      g_hash_table_replace (enabled, g_strndup (pair, equals - pair), GINT_TO_POINTER (on));
    }
  jd_control_plane_update_event_configurations_async (self->control_plane, enabled, self->cancellable,
                                                      done_reply_cb, template_call_new (self, invocation));
}

void
jd_cli_cmd_describe_event_configurations (JdCli           *self,
                                          JdCliInvocation *invocation)
{
  jd_control_plane_describe_event_configurations_async (self->control_plane, self->cancellable, node_reply_cb,
                                                        template_call_new (self, invocation));
}
