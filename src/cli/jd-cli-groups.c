/* jd-cli-groups.c — jobdeck-cli's thing-group commands (create, describe,
 * list, delete, membership) and associate-targets-with-job, on the core's
 * control-plane client (jd-control-plane-groups.c). Replies print in AWS's
 * shapes, as the AWS CLI shows them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jobdeck-cli"

#include <string.h>

#include "jd-cli-private.h"

const JdCliOption jd_cli_create_group_options[] = {
  { "parent", "GROUP", FALSE },
  { "description", "TEXT", FALSE },
  { NULL }
};
const JdCliOption jd_cli_list_groups_options[] = {
  { "parent", "GROUP", FALSE },
  { "recursive", NULL, FALSE },
  { NULL }
};
const JdCliOption jd_cli_recursive_options[] = {
  { "recursive", NULL, FALSE },
  { NULL }
};
const JdCliOption jd_cli_delete_group_options[] = {
  { "expected-version", "N", FALSE },
  { NULL }
};
const JdCliOption jd_cli_associate_options[] = {
  { "target", "THING", TRUE },
  { "group", "GROUP", TRUE },
  { "comment", "TEXT", FALSE },
  { NULL }
};

/**
 * jd_cli_target_arn:
 * @group: whether @name is a thing group's
 *
 * @name as an ARN in the configured thing's account and region (an ARN is
 * kept as it is).
 */
char *
jd_cli_target_arn (JdCli      *self,
                   const char *name,
                   gboolean    group)
{
  const char *slash;

  if (g_str_has_prefix (name, "arn:"))
    return g_strdup (name);
  /* "arn:aws:iot:REGION:ACCOUNT:thing/NAME" */
  slash = self->thing_arn != NULL ? strrchr (self->thing_arn, '/') : NULL;
  if (slash == NULL || slash - self->thing_arn < (gssize) strlen ("thing"))
    return g_strdup (name);
  return g_strdup_printf ("%.*s%s/%s", (int) (slash - self->thing_arn - strlen ("thing")), self->thing_arn,
                          group ? "thinggroup" : "thing", name);
}

typedef struct {
  JdCli           *self;
  JdCliInvocation *invocation;
} GroupCall;

static GroupCall *
group_call_new (JdCli           *self,
                JdCliInvocation *invocation)
{
  GroupCall *call = g_new0 (GroupCall, 1);

  call->self = g_object_ref (self);
  call->invocation = invocation;
  return call;
}

/* Prints @reply (or the rejection) and ends the command; takes @call. */
static void
group_call_finish (GroupCall    *call,
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

/* {"MEMBER": [{"groupName", "groupArn"}…]} or {"MEMBER": ["name"…]}. */
static JsonNode *
names_reply (JdCli      *self,
             const char *member,
             GPtrArray  *names,
             gboolean    groups)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);

      if (groups)
        {
          g_autofree char *arn = jd_cli_target_arn (self, name, TRUE);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "groupName");
          json_builder_add_string_value (builder, name);
          json_builder_set_member_name (builder, "groupArn");
          json_builder_add_string_value (builder, arn);
          json_builder_end_object (builder);
        }
      else
        json_builder_add_string_value (builder, name);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
node_reply_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GroupCall *call = user_data;
  JdCliCommandRun run = call->invocation->command->run;
  JdControlPlane *cp = JD_CONTROL_PLANE (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;

  if (run == jd_cli_cmd_create_thing_group)
    reply = jd_control_plane_create_thing_group_finish (cp, result, &error);
  else if (run == jd_cli_cmd_describe_thing_group)
    reply = jd_control_plane_describe_thing_group_finish (cp, result, &error);
  else
    reply = jd_control_plane_associate_targets_with_job_finish (cp, result, &error);
  group_call_finish (call, reply, error);
}

static void
done_reply_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GroupCall *call = user_data;
  JdCliCommandRun run = call->invocation->command->run;
  JdControlPlane *cp = JD_CONTROL_PLANE (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) empty = json_node_init_object (json_node_alloc (), json_object_new ());

  if (run == jd_cli_cmd_delete_thing_group)
    jd_control_plane_delete_thing_group_finish (cp, result, &error);
  else if (run == jd_cli_cmd_add_thing_to_thing_group)
    jd_control_plane_add_thing_to_thing_group_finish (cp, result, &error);
  else
    jd_control_plane_remove_thing_from_thing_group_finish (cp, result, &error);
  group_call_finish (call, empty, error);
}

static void
names_reply_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GroupCall *call = user_data;
  JdCliCommandRun run = call->invocation->command->run;
  JdControlPlane *cp = JD_CONTROL_PLANE (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(JsonNode) reply = NULL;
  gboolean groups = TRUE;
  const char *member = "thingGroups";

  if (run == jd_cli_cmd_list_thing_groups)
    names = jd_control_plane_list_thing_groups_finish (cp, result, &error);
  else if (run == jd_cli_cmd_list_thing_groups_for_thing)
    names = jd_control_plane_list_thing_groups_for_thing_finish (cp, result, &error);
  else
    {
      names = jd_control_plane_list_things_in_thing_group_finish (cp, result, &error);
      groups = FALSE;
      member = "things";
    }
  if (names != NULL)
    reply = names_reply (call->self, member, names, groups);
  group_call_finish (call, reply, error);
}

void
jd_cli_cmd_create_thing_group (JdCli           *self,
                               JdCliInvocation *invocation)
{
  jd_control_plane_create_thing_group_async (self->control_plane, jd_cli_invocation_arg (invocation, 0),
                                             jd_cli_parsed_get (invocation->parsed, "parent"),
                                             jd_cli_parsed_get (invocation->parsed, "description"),
                                             self->cancellable, node_reply_cb, group_call_new (self, invocation));
}

void
jd_cli_cmd_describe_thing_group (JdCli           *self,
                                 JdCliInvocation *invocation)
{
  jd_control_plane_describe_thing_group_async (self->control_plane, jd_cli_invocation_arg (invocation, 0),
                                               self->cancellable, node_reply_cb, group_call_new (self, invocation));
}

void
jd_cli_cmd_list_thing_groups (JdCli           *self,
                              JdCliInvocation *invocation)
{
  jd_control_plane_list_thing_groups_async (self->control_plane, jd_cli_parsed_get (invocation->parsed, "parent"),
                                            jd_cli_parsed_has (invocation->parsed, "recursive"),
                                            self->cancellable, names_reply_cb, group_call_new (self, invocation));
}

void
jd_cli_cmd_delete_thing_group (JdCli           *self,
                               JdCliInvocation *invocation)
{
  jd_control_plane_delete_thing_group_async (self->control_plane, jd_cli_invocation_arg (invocation, 0),
                                             invocation->expected_version,
                                             self->cancellable, done_reply_cb, group_call_new (self, invocation));
}

void
jd_cli_cmd_add_thing_to_thing_group (JdCli           *self,
                                     JdCliInvocation *invocation)
{
  jd_control_plane_add_thing_to_thing_group_async (self->control_plane, jd_cli_invocation_arg (invocation, 0),
                                                   jd_cli_invocation_arg (invocation, 1),
                                                   self->cancellable, done_reply_cb,
                                                   group_call_new (self, invocation));
}

void
jd_cli_cmd_remove_thing_from_thing_group (JdCli           *self,
                                          JdCliInvocation *invocation)
{
  jd_control_plane_remove_thing_from_thing_group_async (self->control_plane, jd_cli_invocation_arg (invocation, 0),
                                                        jd_cli_invocation_arg (invocation, 1),
                                                        self->cancellable, done_reply_cb,
                                                        group_call_new (self, invocation));
}

void
jd_cli_cmd_list_things_in_thing_group (JdCli           *self,
                                       JdCliInvocation *invocation)
{
  jd_control_plane_list_things_in_thing_group_async (self->control_plane, jd_cli_invocation_arg (invocation, 0),
                                                     jd_cli_parsed_has (invocation->parsed, "recursive"),
                                                     self->cancellable, names_reply_cb,
                                                     group_call_new (self, invocation));
}

void
jd_cli_cmd_list_thing_groups_for_thing (JdCli           *self,
                                        JdCliInvocation *invocation)
{
  jd_control_plane_list_thing_groups_for_thing_async (self->control_plane, jd_cli_invocation_arg (invocation, 0),
                                                      self->cancellable, names_reply_cb,
                                                      group_call_new (self, invocation));
}

/* Thing and group targets, as ARNs; NULL-terminated. */
GPtrArray *
jd_cli_dup_targets (JdCli           *self,
                    JdCliInvocation *invocation)
{
  GPtrArray *things = jd_cli_parsed_get_all (invocation->parsed, "target");
  GPtrArray *groups = jd_cli_parsed_get_all (invocation->parsed, "group");
  GPtrArray *targets = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; things != NULL && i < things->len; i++)
    g_ptr_array_add (targets, jd_cli_target_arn (self, g_ptr_array_index (things, i), FALSE));
  for (guint i = 0; groups != NULL && i < groups->len; i++)
    g_ptr_array_add (targets, jd_cli_target_arn (self, g_ptr_array_index (groups, i), TRUE));
  g_ptr_array_add (targets, NULL);
  return targets;
}

void
jd_cli_cmd_associate_targets (JdCli           *self,
                              JdCliInvocation *invocation)
{
  g_autoptr(GPtrArray) targets = jd_cli_dup_targets (self, invocation);

  if (targets->len == 1)
    {
      jd_cli_output_usage (self->output, "associate-targets-with-job: give --target THING or --group GROUP");
      jd_cli_command_finished (self, invocation, JD_CLI_EXIT_USAGE);
      return;
    }
  jd_control_plane_associate_targets_with_job_async (self->control_plane, jd_cli_invocation_arg (invocation, 0),
                                                     (const char *const *) targets->pdata,
                                                     jd_cli_parsed_get (invocation->parsed, "comment"),
                                                     self->cancellable, node_reply_cb,
                                                     group_call_new (self, invocation));
}
