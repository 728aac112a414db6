/* jd-control-plane-groups.c — the static thing-group operations and
 * AssociateTargetsWithJob as pure handlers (CreateThingGroup,
 * DescribeThingGroup, ListThingGroups, DeleteThingGroup,
 * AddThingToThingGroup, RemoveThingFromThingGroup, ListThingsInThingGroup,
 * ListThingGroupsForThing).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-service-http"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "jd-control-plane-request.h"
#include "jd-device-api.h"
#include "jd-rules.h"
#include "jd-service-error.h"
#include "jd-service-json.h"

/* ---- operations: thing groups ---- */

static void
add_group_ref (const JdCpContext *self,
               JsonBuilder       *builder,
               const char        *group_name)
{
  g_autofree char *arn = cp_group_arn (self, group_name);

  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "groupName", group_name);
  jd_service_json_add_string (builder, "groupArn", arn);
  json_builder_end_object (builder);
}

gboolean
cp_op_create_thing_group (Request    *r,
                          const char *group_name)
{
  const JdCpContext *self = r->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreThingGroup) group = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *arn = NULL;
  const char *parent = NULL;
  const char *description = NULL;
  JsonObject *attributes = NULL;
  JsonNode *node;

  if (!cp_check_group_name (r, "thingGroupName", group_name)
      || !cp_body_string (r, "parentGroupName", 0, &parent))
    return FALSE;
  if (parent != NULL && !cp_check_group_name (r, "parentGroupName", parent))
    return FALSE;

  node = json_object_get_member (r->json, "thingGroupProperties");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonObject *properties;
      JsonNode *text;
      JsonNode *payload;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return cp_invalid (r, "Value for 'thingGroupProperties' must be an object");
      properties = json_node_get_object (node);
      text = json_object_get_member (properties, "thingGroupDescription");
      if (text != NULL && !JSON_NODE_HOLDS_NULL (text))
        {
          if (!JSON_NODE_HOLDS_VALUE (text) || json_node_get_value_type (text) != G_TYPE_STRING)
            return cp_invalid (r, "Value for 'thingGroupProperties.thingGroupDescription' must be a string");
          description = json_node_get_string (text);
          if (!jd_rules_is_valid_thing_group_description (description))
            return cp_invalid (r, "1 validation error detected: Value at 'thingGroupProperties.thingGroupDescription' "
                               "failed to satisfy constraint: Member must have length less than or equal to %d and "
                               "satisfy regular expression pattern: [\\p{Graph}\\x20]*", JD_THING_GROUP_DESCRIPTION_MAX);
        }
      payload = json_object_get_member (properties, "attributePayload");
      if (payload != NULL && !JSON_NODE_HOLDS_NULL (payload))
        {
          JsonNode *attrs;

          if (!JSON_NODE_HOLDS_OBJECT (payload))
            return cp_invalid (r, "Value for 'thingGroupProperties.attributePayload' must be an object");
          attrs = json_object_get_member (json_node_get_object (payload), "attributes");
          if (attrs != NULL && !JSON_NODE_HOLDS_NULL (attrs))
            {
              if (!cp_check_string_map (r, attrs, "attributes", FALSE, 800))
                return FALSE;
              attributes = json_node_get_object (attrs);
            }
        }
    }
  /* Tags are accepted and not kept: the sandbox has no tagging API. */
  node = json_object_get_member (r->json, "tags");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node) && !JSON_NODE_HOLDS_ARRAY (node))
    return cp_invalid (r, "Value for 'tags' must be a list");

  arn = cp_group_arn (self, group_name);
  group = jd_store_create_thing_group (self->store, group_name, parent, description, attributes, NULL, &error);
  if (group == NULL)
    return cp_reply_gerror (r, error, group_name, arn);

  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "thingGroupName", group->group_name);
  jd_service_json_add_string (builder, "thingGroupArn", arn);
  jd_service_json_add_string (builder, "thingGroupId", group->group_id);
  json_builder_end_object (builder);
  cp_reply_builder (r, builder);
  return TRUE;
}

gboolean
cp_op_describe_thing_group (Request    *r,
                            const char *group_name)
{
  const JdCpContext *self = r->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreThingGroup) group = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *arn = NULL;

  if (!cp_check_group_name (r, "thingGroupName", group_name))
    return FALSE;
  group = jd_store_get_thing_group (self->store, group_name, &error);
  if (group == NULL)
    return cp_reply_gerror (r, error, NULL, NULL);

  arn = cp_group_arn (self, group->group_name);
  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "thingGroupName", group->group_name);
  jd_service_json_add_string (builder, "thingGroupId", group->group_id);
  jd_service_json_add_string (builder, "thingGroupArn", arn);
  jd_service_json_add_int (builder, "version", group->version);

  json_builder_set_member_name (builder, "thingGroupProperties");
  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "thingGroupDescription", group->description);
  if (json_object_get_size (group->attributes) > 0)
    {
      json_builder_set_member_name (builder, "attributePayload");
      json_builder_begin_object (builder);
      cp_add_object (builder, "attributes", group->attributes);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "thingGroupMetadata");
  json_builder_begin_object (builder);
  if (group->parent_name != NULL)
    {
      jd_service_json_add_string (builder, "parentGroupName", group->parent_name);
      json_builder_set_member_name (builder, "rootToParentThingGroups");
      json_builder_begin_array (builder);
      for (guint i = 0; group->root_to_parent[i] != NULL; i++)
        add_group_ref (self, builder, group->root_to_parent[i]);
      json_builder_end_array (builder);
    }
  jd_service_json_add_int (builder, "creationDate", group->created_at);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  cp_reply_builder (r, builder);
  return TRUE;
}

gboolean
cp_op_list_thing_groups (Request *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *after = NULL;
  const char *parent = cp_query (r, "parentGroup");
  const char *prefix = cp_query (r, "namePrefixFilter");
  gboolean recursive = FALSE;
  gboolean more = FALSE;
  guint limit = 0;

  if (!cp_page_params (r, &limit, &after) || !cp_query_bool (r, "recursive", &recursive))
    return FALSE;
  if (parent != NULL && !cp_check_group_name (r, "parentGroup", parent))
    return FALSE;
  if (prefix != NULL && !cp_check_group_name (r, "namePrefixFilter", prefix))
    return FALSE;

  groups = jd_store_list_thing_groups (r->self->store, parent, prefix, recursive, after, limit, &more, &error);
  if (groups == NULL)
    return cp_reply_gerror (r, error, NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "thingGroups");
  json_builder_begin_array (builder);
  for (guint i = 0; i < groups->len; i++)
    add_group_ref (r->self, builder, ((JdStoreThingGroup *) g_ptr_array_index (groups, i))->group_name);
  json_builder_end_array (builder);
  cp_add_next_token (builder, more,
                     groups->len > 0 ? ((JdStoreThingGroup *) g_ptr_array_index (groups, groups->len - 1))->group_name : NULL);
  json_builder_end_object (builder);
  cp_reply_builder (r, builder);
  return TRUE;
}

gboolean
cp_op_delete_thing_group (Request    *r,
                          const char *group_name)
{
  g_autoptr(GError) error = NULL;
  gint64 version;

  if (!cp_check_group_name (r, "thingGroupName", group_name)
      || !cp_query_int (r, "expectedVersion", 0, G_MAXINT64, -1, &version))
    return FALSE;
  if (!jd_store_delete_thing_group (r->self->store, group_name, version, &error))
    return cp_reply_gerror (r, error, NULL, NULL);
  cp_reply_text (r, 200, "{}");
  return TRUE;
}

/* The group or thing a membership request names: by name or by ARN (at
 * least one; both must agree). */
static gboolean
member_name (Request     *r,
             const char  *name_member,
             const char  *arn_member,
             gboolean     group,
             char       **name)
{
  const char *by_name = NULL;
  const char *by_arn = NULL;
  g_autofree char *from_arn = NULL;
  TargetKind kind;

  if (!cp_body_string (r, name_member, 0, &by_name) || !cp_body_string (r, arn_member, 0, &by_arn))
    return FALSE;
  if (by_name != NULL
      && !(group ? cp_check_group_name (r, name_member, by_name) : cp_check_thing_name (r, by_name)))
    return FALSE;
  if (by_arn != NULL && !cp_parse_arn (r, by_arn, arn_member, !group, group, &kind, &from_arn))
    return FALSE;
  if (by_name == NULL && from_arn == NULL)
    return cp_invalid (r, "Either %s or %s must be specified", name_member, arn_member);
  if (by_name != NULL && from_arn != NULL && strcmp (by_name, from_arn) != 0)
    return cp_invalid (r, "%s '%s' and %s '%s' name different resources", name_member, by_name, arn_member, by_arn);
  *name = by_name != NULL ? g_strdup (by_name) : g_steal_pointer (&from_arn);
  return TRUE;
}

gboolean
cp_op_change_membership (Request  *r,
                         gboolean  add)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *group = NULL;
  g_autofree char *thing = NULL;
  JsonNode *node;
  gboolean ok;

  if (!member_name (r, "thingGroupName", "thingGroupArn", TRUE, &group)
      || !member_name (r, "thingName", "thingArn", FALSE, &thing))
    return FALSE;
  node = json_object_get_member (r->json, "overrideDynamicGroups");
  if (add && node != NULL && !JSON_NODE_HOLDS_NULL (node)
      && (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN))
    return cp_invalid (r, "Value for 'overrideDynamicGroups' must be a boolean");

  ok = add ? jd_store_add_thing_to_thing_group (r->self->store, group, thing, &error)
           : jd_store_remove_thing_from_thing_group (r->self->store, group, thing, &error);
  if (!ok)
    return cp_reply_gerror (r, error, NULL, NULL);
  cp_reply_text (r, 200, "{}");
  return TRUE;
}

gboolean
cp_op_list_things_in_thing_group (Request    *r,
                                  const char *group_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) things = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *after = NULL;
  gboolean recursive = FALSE;
  gboolean more = FALSE;
  guint limit = 0;

  if (!cp_check_group_name (r, "thingGroupName", group_name) || !cp_page_params (r, &limit, &after)
      || !cp_query_bool (r, "recursive", &recursive))
    return FALSE;

  things = jd_store_list_things_in_thing_group (r->self->store, group_name, recursive, after, limit, &more, &error);
  if (things == NULL)
    return cp_reply_gerror (r, error, NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "things");
  json_builder_begin_array (builder);
  for (guint i = 0; i < things->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (things, i));
  json_builder_end_array (builder);
  cp_add_next_token (builder, more, things->len > 0 ? g_ptr_array_index (things, things->len - 1) : NULL);
  json_builder_end_object (builder);
  cp_reply_builder (r, builder);
  return TRUE;
}

gboolean
cp_op_list_thing_groups_for_thing (Request    *r,
                                   const char *thing_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *after = NULL;
  gboolean more = FALSE;
  guint limit = 0;

  if (!cp_check_thing_name (r, thing_name) || !cp_page_params (r, &limit, &after))
    return FALSE;

  groups = jd_store_list_thing_groups_for_thing (r->self->store, thing_name, after, limit, &more, &error);
  if (groups == NULL)
    return cp_reply_gerror (r, error, NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "thingGroups");
  json_builder_begin_array (builder);
  for (guint i = 0; i < groups->len; i++)
    add_group_ref (r->self, builder, ((JdStoreThingGroup *) g_ptr_array_index (groups, i))->group_name);
  json_builder_end_array (builder);
  cp_add_next_token (builder, more,
                     groups->len > 0 ? ((JdStoreThingGroup *) g_ptr_array_index (groups, groups->len - 1))->group_name : NULL);
  json_builder_end_object (builder);
  cp_reply_builder (r, builder);
  return TRUE;
}

gboolean
cp_op_associate_targets (Request    *r,
                         const char *job_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) things = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JdStoreJob) job = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *arn = NULL;
  const char *comment = NULL;

  if (!cp_check_job_id (r, job_id) || !cp_parse_targets (r, targets, things, groups)
      || !cp_body_string (r, "comment", MAX_DESCRIPTION, &comment))
    return FALSE;
  for (const char *p = comment; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return cp_invalid (r, "1 validation error detected: Value at 'comment' failed to satisfy constraint: "
                         "Member must satisfy regular expression pattern: [^\\p{C}]+");

  job = jd_store_associate_targets (r->self->store, job_id, (const char *const *) targets->pdata,
                                    (const char *const *) things->pdata, (const char *const *) groups->pdata, &error);
  if (job == NULL)
    return cp_reply_gerror (r, error, NULL, NULL);

  arn = cp_job_arn (r->self, job_id);
  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "jobArn", arn);
  jd_service_json_add_string (builder, "jobId", job->job_id);
  jd_service_json_add_string (builder, "description", job->description);
  json_builder_end_object (builder);
  cp_reply_builder (r, builder);
  return TRUE;
}

