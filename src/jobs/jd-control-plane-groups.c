/* jd-control-plane-groups.c — the control plane's thing-group operations
 * (CreateThingGroup, DescribeThingGroup, ListThingGroups, DeleteThingGroup,
 * AddThingToThingGroup, RemoveThingFromThingGroup, ListThingsInThingGroup,
 * ListThingGroupsForThing) and AssociateTargetsWithJob, on the transport
 * (jd-control-plane.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-control-plane"

#include <json-glib/json-glib.h>

#include "jd-control-plane-private.h"

/* An item that is a string (ListThingsInThingGroup's thing names). */
static gpointer
parse_string_item (JsonNode    *root,
                   const char  *arg1,
                   const char  *arg2,
                   GError     **error)
{
  if (!JSON_NODE_HOLDS_VALUE (root) || json_node_get_value_type (root) != G_TYPE_STRING)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_RESPONSE,
                   "The control plane sent a list item that is not a string.");
      return NULL;
    }
  return g_strdup (json_node_get_string (root));
}

/* A {groupName, groupArn} item: its name. */
static gpointer
parse_group_name (JsonNode    *root,
                  const char  *arg1,
                  const char  *arg2,
                  GError     **error)
{
  return jd_cp_required_string (root, "groupName", "a thing group", error);
}

/* ---- thing groups ---- */

void
jd_control_plane_create_thing_group_async (JdControlPlane      *self,
                                           const char          *group_name,
                                           const char          *parent_group,
                                           const char          *description,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *name = NULL;
  JdCpRequest *req;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (group_name != NULL);

  json_builder_begin_object (builder);
  if (parent_group != NULL)
    {
      json_builder_set_member_name (builder, "parentGroupName");
      json_builder_add_string_value (builder, parent_group);
    }
  if (description != NULL)
    {
      json_builder_set_member_name (builder, "thingGroupProperties");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "thingGroupDescription");
      json_builder_add_string_value (builder, description);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  name = jd_cp_escape (group_name);
  req = jd_cp_request_new ("POST", g_strconcat ("/thing-groups/", name, NULL), NULL, jd_cp_json_to_bytes (builder), FALSE);
  jd_cp_request_start_reply (self, req, jd_control_plane_create_thing_group_async, cancellable, callback, user_data);
}

/**
 * jd_control_plane_create_thing_group_finish:
 *
 * Returns: (transfer full): AWS's reply
 */
JsonNode *
jd_control_plane_create_thing_group_finish (JdControlPlane  *self,
                                            GAsyncResult    *result,
                                            GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_create_thing_group_async, error);
}

void
jd_control_plane_describe_thing_group_async (JdControlPlane      *self,
                                             const char          *group_name,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_autofree char *name = NULL;
  JdCpRequest *req;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (group_name != NULL);

  name = jd_cp_escape (group_name);
  req = jd_cp_request_new ("GET", g_strconcat ("/thing-groups/", name, NULL), NULL, NULL, TRUE);
  jd_cp_request_start_reply (self, req, jd_control_plane_describe_thing_group_async, cancellable, callback, user_data);
}

/**
 * jd_control_plane_describe_thing_group_finish:
 *
 * Returns: (transfer full): AWS's reply
 */
JsonNode *
jd_control_plane_describe_thing_group_finish (JdControlPlane  *self,
                                              GAsyncResult    *result,
                                              GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_describe_thing_group_async, error);
}

void
jd_control_plane_list_thing_groups_async (JdControlPlane      *self,
                                          const char          *parent_group,
                                          gboolean             recursive,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  GString *query;
  JdCpRequest *req;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));

  query = jd_cp_query_new_list (self);
  if (parent_group != NULL)
    jd_cp_query_add (query, "parentGroup", parent_group);
  if (recursive)
    jd_cp_query_add (query, "recursive", "true");
  req = jd_cp_request_new ("GET", g_strdup ("/thing-groups"), jd_cp_query_end (query), NULL, TRUE);
  jd_cp_request_make_list (req, "thingGroups", parse_group_name);
  g_ptr_array_set_free_func (req->items, g_free);
  jd_cp_request_start (self, req, jd_control_plane_list_thing_groups_async, cancellable, callback, user_data);
}

/**
 * jd_control_plane_list_thing_groups_finish:
 *
 * Returns: (transfer full) (element-type utf8): group names, all pages
 */
GPtrArray *
jd_control_plane_list_thing_groups_finish (JdControlPlane  *self,
                                           GAsyncResult    *result,
                                           GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_list_thing_groups_async, error);
}

void
jd_control_plane_delete_thing_group_async (JdControlPlane      *self,
                                           const char          *group_name,
                                           gint64               expected_version,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autofree char *name = NULL;
  GString *query = g_string_new (NULL);

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (group_name != NULL);

  name = jd_cp_escape (group_name);
  if (expected_version >= 0)
    g_string_append_printf (query, "expectedVersion=%" G_GINT64_FORMAT, expected_version);
  /* Deleting a missing group succeeds: safe to retry. */
  jd_cp_request_start (self,
                       jd_cp_request_new ("DELETE", g_strconcat ("/thing-groups/", name, NULL),
                                          jd_cp_query_end (query), NULL, TRUE),
                       jd_control_plane_delete_thing_group_async, cancellable, callback, user_data);
}

gboolean
jd_control_plane_delete_thing_group_finish (JdControlPlane  *self,
                                            GAsyncResult    *result,
                                            GError         **error)
{
  return jd_cp_finish_boolean (self, result, jd_control_plane_delete_thing_group_async, error);
}

static JdCpRequest *
membership_request (const char *operation,
                    const char *group_name,
                    const char *thing_name)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "thingGroupName");
  json_builder_add_string_value (builder, group_name);
  json_builder_set_member_name (builder, "thingName");
  json_builder_add_string_value (builder, thing_name);
  json_builder_end_object (builder);
  /* Adding a member twice, or removing a non-member, changes nothing. */
  return jd_cp_request_new ("PUT", g_strconcat ("/thing-groups/", operation, NULL), NULL,
                            jd_cp_json_to_bytes (builder), TRUE);
}

void
jd_control_plane_add_thing_to_thing_group_async (JdControlPlane      *self,
                                                 const char          *group_name,
                                                 const char          *thing_name,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data)
{
  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (group_name != NULL && thing_name != NULL);

  jd_cp_request_start (self, membership_request ("addThingToThingGroup", group_name, thing_name),
                       jd_control_plane_add_thing_to_thing_group_async, cancellable, callback, user_data);
}

gboolean
jd_control_plane_add_thing_to_thing_group_finish (JdControlPlane  *self,
                                                  GAsyncResult    *result,
                                                  GError         **error)
{
  return jd_cp_finish_boolean (self, result, jd_control_plane_add_thing_to_thing_group_async, error);
}

void
jd_control_plane_remove_thing_from_thing_group_async (JdControlPlane      *self,
                                                      const char          *group_name,
                                                      const char          *thing_name,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data)
{
  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (group_name != NULL && thing_name != NULL);

  jd_cp_request_start (self, membership_request ("removeThingFromThingGroup", group_name, thing_name),
                       jd_control_plane_remove_thing_from_thing_group_async, cancellable, callback, user_data);
}

gboolean
jd_control_plane_remove_thing_from_thing_group_finish (JdControlPlane  *self,
                                                       GAsyncResult    *result,
                                                       GError         **error)
{
  return jd_cp_finish_boolean (self, result, jd_control_plane_remove_thing_from_thing_group_async, error);
}

void
jd_control_plane_list_things_in_thing_group_async (JdControlPlane      *self,
                                                   const char          *group_name,
                                                   gboolean             recursive,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data)
{
  g_autofree char *name = NULL;
  GString *query;
  JdCpRequest *req;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (group_name != NULL);

  name = jd_cp_escape (group_name);
  query = jd_cp_query_new_list (self);
  if (recursive)
    jd_cp_query_add (query, "recursive", "true");
  req = jd_cp_request_new ("GET", g_strconcat ("/thing-groups/", name, "/things", NULL), jd_cp_query_end (query),
                           NULL, TRUE);
  jd_cp_request_make_list (req, "things", parse_string_item);
  g_ptr_array_set_free_func (req->items, g_free);
  jd_cp_request_start (self, req, jd_control_plane_list_things_in_thing_group_async, cancellable, callback, user_data);
}

/**
 * jd_control_plane_list_things_in_thing_group_finish:
 *
 * Returns: (transfer full) (element-type utf8): thing names, all pages
 */
GPtrArray *
jd_control_plane_list_things_in_thing_group_finish (JdControlPlane  *self,
                                                    GAsyncResult    *result,
                                                    GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_list_things_in_thing_group_async, error);
}

void
jd_control_plane_list_thing_groups_for_thing_async (JdControlPlane      *self,
                                                    const char          *thing_name,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data)
{
  g_autofree char *name = NULL;
  JdCpRequest *req;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (thing_name != NULL);

  name = jd_cp_escape (thing_name);
  req = jd_cp_request_new ("GET", g_strconcat ("/things/", name, "/thing-groups", NULL),
                           jd_cp_query_end (jd_cp_query_new_list (self)), NULL, TRUE);
  jd_cp_request_make_list (req, "thingGroups", parse_group_name);
  g_ptr_array_set_free_func (req->items, g_free);
  jd_cp_request_start (self, req, jd_control_plane_list_thing_groups_for_thing_async, cancellable, callback, user_data);
}

/**
 * jd_control_plane_list_thing_groups_for_thing_finish:
 *
 * Returns: (transfer full) (element-type utf8): group names, all pages
 */
GPtrArray *
jd_control_plane_list_thing_groups_for_thing_finish (JdControlPlane  *self,
                                                     GAsyncResult    *result,
                                                     GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_list_thing_groups_for_thing_async, error);
}

void
jd_control_plane_associate_targets_with_job_async (JdControlPlane      *self,
                                                   const char          *job_id,
                                                   const char *const   *targets,
                                                   const char          *comment,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *id = NULL;
  JdCpRequest *req;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (job_id != NULL && targets != NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "targets");
  json_builder_begin_array (builder);
  for (guint i = 0; targets[i] != NULL; i++)
    json_builder_add_string_value (builder, targets[i]);
  json_builder_end_array (builder);
  if (comment != NULL)
    {
      json_builder_set_member_name (builder, "comment");
      json_builder_add_string_value (builder, comment);
    }
  json_builder_end_object (builder);

  id = jd_cp_escape (job_id);
  req = jd_cp_request_new ("POST", g_strconcat ("/jobs/", id, "/targets", NULL), NULL, jd_cp_json_to_bytes (builder),
                           FALSE);
  jd_cp_request_start_reply (self, req, jd_control_plane_associate_targets_with_job_async, cancellable, callback, user_data);
}

/**
 * jd_control_plane_associate_targets_with_job_finish:
 *
 * Returns: (transfer full): AWS's reply
 */
JsonNode *
jd_control_plane_associate_targets_with_job_finish (JdControlPlane  *self,
                                                    GAsyncResult    *result,
                                                    GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_associate_targets_with_job_async, error);
}
