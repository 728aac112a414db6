/* jd-control-plane-templates.c — the control plane's job-template
 * operations (CreateJobTemplate, DescribeJobTemplate, ListJobTemplates,
 * DeleteJobTemplate), AWS's managed templates (ListManagedJobTemplates,
 * DescribeManagedJobTemplate), CreateJob from a template, and the event
 * configurations (UpdateEventConfigurations, DescribeEventConfigurations),
 * on the transport (jd-control-plane.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-control-plane"

#include <json-glib/json-glib.h>

#include "jd-control-plane-private.h"

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* ---- custom templates ---- */

void
jd_control_plane_create_job_template_async (JdControlPlane      *self,
                                            const char          *template_id,
                                            const char          *description,
                                            const char          *document,
                                            const char          *job_arn,
                                            JsonObject          *settings,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *id = NULL;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (template_id != NULL && description != NULL);
  g_return_if_fail (document != NULL || job_arn != NULL);

  json_builder_begin_object (builder);
  if (settings != NULL)
    {
      JsonObjectIter iter;
      const char *member;
      JsonNode *node;

      json_object_iter_init (&iter, settings);
      while (json_object_iter_next (&iter, &member, &node))
        {
          json_builder_set_member_name (builder, member);
          json_builder_add_value (builder, json_node_copy (node));
        }
    }
  add_string (builder, "description", description);
  add_string (builder, "document", document);
  add_string (builder, "jobArn", job_arn);
  json_builder_end_object (builder);

  id = jd_cp_escape (template_id);
  jd_cp_request_start_reply (self,
                             jd_cp_request_new ("PUT", g_strconcat ("/job-templates/", id, NULL), NULL,
                                                jd_cp_json_to_bytes (builder), FALSE),
                             jd_control_plane_create_job_template_async, cancellable, callback, user_data);
}

/**
 * jd_control_plane_create_job_template_finish:
 *
 * Returns: (transfer full): AWS's reply
 */
JsonNode *
jd_control_plane_create_job_template_finish (JdControlPlane  *self,
                                             GAsyncResult    *result,
                                             GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_create_job_template_async, error);
}

void
jd_control_plane_describe_job_template_async (JdControlPlane      *self,
                                              const char          *template_id,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_autofree char *id = NULL;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (template_id != NULL);

  id = jd_cp_escape (template_id);
  jd_cp_request_start_reply (self, jd_cp_request_new ("GET", g_strconcat ("/job-templates/", id, NULL), NULL, NULL, TRUE),
                             jd_control_plane_describe_job_template_async, cancellable, callback, user_data);
}

/**
 * jd_control_plane_describe_job_template_finish:
 *
 * Returns: (transfer full): AWS's reply
 */
JsonNode *
jd_control_plane_describe_job_template_finish (JdControlPlane  *self,
                                               GAsyncResult    *result,
                                               GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_describe_job_template_async, error);
}

void
jd_control_plane_list_job_templates_async (JdControlPlane      *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  JdCpRequest *req;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));

  req = jd_cp_request_new ("GET", g_strdup ("/job-templates"), jd_cp_query_end (jd_cp_query_new_list (self)),
                           NULL, TRUE);
  jd_cp_request_make_list (req, "jobTemplates", jd_cp_parse_body);
  g_ptr_array_set_free_func (req->items, (GDestroyNotify) json_node_unref);
  jd_cp_request_start (self, req, jd_control_plane_list_job_templates_async, cancellable, callback, user_data);
}

/**
 * jd_control_plane_list_job_templates_finish:
 *
 * Returns: (transfer full) (element-type JsonNode): the summaries, all pages
 */
GPtrArray *
jd_control_plane_list_job_templates_finish (JdControlPlane  *self,
                                            GAsyncResult    *result,
                                            GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_list_job_templates_async, error);
}

void
jd_control_plane_delete_job_template_async (JdControlPlane      *self,
                                            const char          *template_id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autofree char *id = NULL;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (template_id != NULL);

  id = jd_cp_escape (template_id);
  /* Not retried: a retry after a lost reply would answer 404. */
  jd_cp_request_start (self, jd_cp_request_new ("DELETE", g_strconcat ("/job-templates/", id, NULL), NULL, NULL, FALSE),
                       jd_control_plane_delete_job_template_async, cancellable, callback, user_data);
}

gboolean
jd_control_plane_delete_job_template_finish (JdControlPlane  *self,
                                             GAsyncResult    *result,
                                             GError         **error)
{
  return jd_cp_finish_boolean (self, result, jd_control_plane_delete_job_template_async, error);
}

/* ---- managed templates ---- */

void
jd_control_plane_list_managed_job_templates_async (JdControlPlane      *self,
                                                   const char          *template_name,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data)
{
  GString *query;
  JdCpRequest *req;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));

  query = jd_cp_query_new_list (self);
  if (template_name != NULL)
    jd_cp_query_add (query, "templateName", template_name);
  req = jd_cp_request_new ("GET", g_strdup ("/managed-job-templates"), jd_cp_query_end (query), NULL, TRUE);
  jd_cp_request_make_list (req, "managedJobTemplates", jd_cp_parse_body);
  g_ptr_array_set_free_func (req->items, (GDestroyNotify) json_node_unref);
  jd_cp_request_start (self, req, jd_control_plane_list_managed_job_templates_async, cancellable, callback, user_data);
}

/**
 * jd_control_plane_list_managed_job_templates_finish:
 *
 * Returns: (transfer full) (element-type JsonNode): the summaries, all pages
 */
GPtrArray *
jd_control_plane_list_managed_job_templates_finish (JdControlPlane  *self,
                                                    GAsyncResult    *result,
                                                    GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_list_managed_job_templates_async, error);
}

void
jd_control_plane_describe_managed_job_template_async (JdControlPlane      *self,
                                                      const char          *template_name,
                                                      const char          *template_version,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data)
{
  g_autofree char *name = NULL;
  GString *query = g_string_new (NULL);

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (template_name != NULL);

  name = jd_cp_escape (template_name);
  if (template_version != NULL)
    jd_cp_query_add (query, "templateVersion", template_version);
  jd_cp_request_start_reply (self,
                             jd_cp_request_new ("GET", g_strconcat ("/managed-job-templates/", name, NULL),
                                                jd_cp_query_end (query), NULL, TRUE),
                             jd_control_plane_describe_managed_job_template_async, cancellable, callback, user_data);
}

/**
 * jd_control_plane_describe_managed_job_template_finish:
 *
 * Returns: (transfer full): AWS's reply
 */
JsonNode *
jd_control_plane_describe_managed_job_template_finish (JdControlPlane  *self,
                                                       GAsyncResult    *result,
                                                       GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_describe_managed_job_template_async, error);
}

/* ---- CreateJob from a template ---- */

void
jd_control_plane_create_job_from_template_async (JdControlPlane      *self,
                                                 const char          *job_id,
                                                 const char          *template_arn,
                                                 const char *const   *targets,
                                                 GHashTable          *document_parameters,
                                                 const char          *description,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *id = NULL;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (job_id != NULL && template_arn != NULL && targets != NULL && targets[0] != NULL);

  json_builder_begin_object (builder);
  add_string (builder, "jobTemplateArn", template_arn);
  json_builder_set_member_name (builder, "targets");
  json_builder_begin_array (builder);
  for (guint i = 0; targets[i] != NULL; i++)
    json_builder_add_string_value (builder, targets[i]);
  json_builder_end_array (builder);
  if (document_parameters != NULL && g_hash_table_size (document_parameters) > 0)
    {
      GHashTableIter iter;
      gpointer key, value;

      json_builder_set_member_name (builder, "documentParameters");
      json_builder_begin_object (builder);
      g_hash_table_iter_init (&iter, document_parameters);
      while (g_hash_table_iter_next (&iter, &key, &value))
        add_string (builder, key, value);
      json_builder_end_object (builder);
    }
  add_string (builder, "description", description);
  json_builder_end_object (builder);

  id = jd_cp_escape (job_id);
  jd_cp_request_start_reply (self,
                             jd_cp_request_new ("PUT", g_strconcat ("/jobs/", id, NULL), NULL,
                                                jd_cp_json_to_bytes (builder), FALSE),
                             jd_control_plane_create_job_from_template_async, cancellable, callback, user_data);
}

/**
 * jd_control_plane_create_job_from_template_finish:
 *
 * Returns: (transfer full): AWS's reply ({"jobArn", "jobId", "description"})
 */
JsonNode *
jd_control_plane_create_job_from_template_finish (JdControlPlane  *self,
                                                  GAsyncResult    *result,
                                                  GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_create_job_from_template_async, error);
}

/* ---- event configurations ---- */

void
jd_control_plane_update_event_configurations_async (JdControlPlane      *self,
                                                    GHashTable          *enabled,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (enabled != NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "eventConfigurations");
  json_builder_begin_object (builder);
  g_hash_table_iter_init (&iter, enabled);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      json_builder_set_member_name (builder, key);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "Enabled");
      json_builder_add_boolean_value (builder, GPOINTER_TO_INT (value));
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  /* Setting the same values again changes nothing: safe to retry. */
  jd_cp_request_start (self,
                       jd_cp_request_new ("PATCH", g_strdup ("/event-configurations"), NULL,
                                          jd_cp_json_to_bytes (builder), TRUE),
                       jd_control_plane_update_event_configurations_async, cancellable, callback, user_data);
}

gboolean
jd_control_plane_update_event_configurations_finish (JdControlPlane  *self,
                                                     GAsyncResult    *result,
                                                     GError         **error)
{
  return jd_cp_finish_boolean (self, result, jd_control_plane_update_event_configurations_async, error);
}

void
jd_control_plane_describe_event_configurations_async (JdControlPlane      *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data)
{
  g_return_if_fail (JD_IS_CONTROL_PLANE (self));

  jd_cp_request_start_reply (self, jd_cp_request_new ("GET", g_strdup ("/event-configurations"), NULL, NULL, TRUE),
                             jd_control_plane_describe_event_configurations_async, cancellable, callback, user_data);
}

/**
 * jd_control_plane_describe_event_configurations_finish:
 *
 * Returns: (transfer full): AWS's reply
 */
JsonNode *
jd_control_plane_describe_event_configurations_finish (JdControlPlane  *self,
                                                       GAsyncResult    *result,
                                                       GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_describe_event_configurations_async, error);
}
