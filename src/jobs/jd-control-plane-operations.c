/* jd-control-plane-operations.c — the control plane's operations (jobs,
 * job executions, things, endpoints): each builds its request, names the
 * parser of its answer and hands it to the transport (jd-control-plane.c).
 * The thing-group operations are in jd-control-plane-groups.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-control-plane"

#include <json-glib/json-glib.h>

#include "jd-control-plane-private.h"
#include "jd-jobs-error.h"

/* Parsers */

JsonObject *
jd_cp_root_object (JsonNode    *root,
                   const char  *member,
                   GError     **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;

  if (object != NULL && member != NULL)
    {
      JsonNode *node = json_object_get_member (object, member);

      object = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    }
  if (object == NULL)
    g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_RESPONSE,
                 "The control plane sent a reply without “%s”.", member != NULL ? member : "an object");
  return object;
}

/* The reply as it came, for callers that print AWS's words (CancelJob, the
 * jobs data plane). */
gpointer
jd_cp_parse_body (JsonNode    *root,
                  const char  *arg1,
                  const char  *arg2,
                  GError     **error)
{
  return json_node_copy (root);
}

void
jd_cp_request_start_reply (JdControlPlane      *self,
                           JdCpRequest         *req,
                           gpointer             source_tag,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  req->parse = jd_cp_parse_body;
  req->result_free = (GDestroyNotify) json_node_unref;
  jd_cp_request_start (self, req, source_tag, cancellable, callback, user_data);
}

static gpointer
parse_job (JsonNode    *root,
           const char  *arg1,
           const char  *arg2,
           GError     **error)
{
  JsonObject *object = jd_cp_root_object (root, NULL, error);

  return object != NULL ? jd_job_new_from_json (object, error) : NULL;
}

static gpointer
parse_describe_job (JsonNode    *root,
                    const char  *arg1,
                    const char  *arg2,
                    GError     **error)
{
  JsonObject *object = jd_cp_root_object (root, "job", error);

  return object != NULL ? jd_job_new_from_json (object, error) : NULL;
}

static gpointer
parse_document (JsonNode    *root,
                const char  *arg1,
                const char  *arg2,
                GError     **error)
{
  JsonObject *object = jd_cp_root_object (root, NULL, error);
  const char *document;

  if (object == NULL)
    return NULL;
  document = json_object_get_string_member_with_default (object, "document", NULL);
  if (document == NULL)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_RESPONSE,
                   "The control plane sent a job document reply without “document”.");
      return NULL;
    }
  return g_strdup (document);
}

static gpointer
parse_execution (JsonNode    *root,
                 const char  *job_id,
                 const char  *thing_name,
                 GError     **error)
{
  JsonObject *object = jd_cp_root_object (root, NULL, error);

  return object != NULL ? jd_job_execution_info_new_from_json (object, job_id, thing_name, error) : NULL;
}

static gpointer
parse_describe_execution (JsonNode    *root,
                          const char  *job_id,
                          const char  *thing_name,
                          GError     **error)
{
  JsonObject *object = jd_cp_root_object (root, "execution", error);

  return object != NULL ? jd_job_execution_info_new_from_json (object, job_id, thing_name, error) : NULL;
}

static gpointer
parse_thing (JsonNode    *root,
             const char  *arg1,
             const char  *arg2,
             GError     **error)
{
  JsonObject *object = jd_cp_root_object (root, NULL, error);

  return object != NULL ? jd_thing_new_from_json (object, error) : NULL;
}

/* A string member the reply must have, copied; an error naming it and
 * @what otherwise. */
char *
jd_cp_required_string (JsonNode    *root,
                       const char  *member,
                       const char  *what,
                       GError     **error)
{
  JsonObject *object = jd_cp_root_object (root, NULL, error);
  const char *value;

  if (object == NULL)
    return NULL;
  value = json_object_get_string_member_with_default (object, member, NULL);
  if (value == NULL)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_RESPONSE,
                   "The control plane sent %s without “%s”.", what, member);
      return NULL;
    }
  return g_strdup (value);
}

static gpointer
parse_endpoint (JsonNode    *root,
                const char  *arg1,
                const char  *arg2,
                GError     **error)
{
  return jd_cp_required_string (root, "endpointAddress", "an endpoint reply", error);
}

/* ---- jobs ---- */

void
jd_control_plane_create_job_async (JdControlPlane      *self,
                                   const char          *job_id,
                                   const char *const   *targets,
                                   const char          *document,
                                   const char          *description,
                                   JdTargetSelection    target_selection,
                                   gint64               timeout_minutes,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JdJobConfig) config = jd_job_config_new ();

  config->in_progress_timeout = MAX (0, timeout_minutes);
  jd_control_plane_create_job_with_config_async (self, job_id, targets, document, description, target_selection,
                                                 config, cancellable, callback, user_data);
}

/**
 * jd_control_plane_create_job_with_config_async:
 * @config: (nullable): the settings to send
 */
void
jd_control_plane_create_job_with_config_async (JdControlPlane      *self,
                                               const char          *job_id,
                                               const char *const   *targets,
                                               const char          *document,
                                               const char          *description,
                                               JdTargetSelection    target_selection,
                                               const JdJobConfig   *config,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *id = NULL;
  JdCpRequest *req;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (job_id != NULL);
  g_return_if_fail (targets != NULL);
  g_return_if_fail (document != NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "targets");
  json_builder_begin_array (builder);
  for (guint i = 0; targets[i] != NULL; i++)
    json_builder_add_string_value (builder, targets[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "document");
  json_builder_add_string_value (builder, document);
  if (description != NULL && *description != '\0')
    {
      json_builder_set_member_name (builder, "description");
      json_builder_add_string_value (builder, description);
    }
  json_builder_set_member_name (builder, "targetSelection");
  json_builder_add_string_value (builder, jd_target_selection_to_string (target_selection));
  if (config != NULL)
    jd_job_config_to_json (config, builder);
  json_builder_end_object (builder);

  id = jd_cp_escape (job_id);
  req = jd_cp_request_new ("PUT", g_strconcat ("/jobs/", id, NULL), NULL, jd_cp_json_to_bytes (builder), FALSE);
  req->parse = parse_job;
  req->result_free = g_object_unref;
  jd_cp_request_start (self, req, jd_control_plane_create_job_async, cancellable, callback, user_data);
}

/**
 * jd_control_plane_create_job_finish:
 *
 * Returns: (transfer full): the job's id, ARN and description
 */
JdJob *
jd_control_plane_create_job_finish (JdControlPlane  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_create_job_async, error);
}

void
jd_control_plane_delete_job_async (JdControlPlane      *self,
                                   const char          *job_id,
                                   gboolean             force,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *id = NULL;
  GString *query = g_string_new (NULL);

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (job_id != NULL);

  id = jd_cp_escape (job_id);
  if (force)
    jd_cp_query_add (query, "force", "true");
  jd_cp_request_start (self,
                 jd_cp_request_new ("DELETE", g_strconcat ("/jobs/", id, NULL), jd_cp_query_end (query), NULL, FALSE),
                 jd_control_plane_delete_job_async, cancellable, callback, user_data);
}

gboolean
jd_control_plane_delete_job_finish (JdControlPlane  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  return jd_cp_finish_boolean (self, result, jd_control_plane_delete_job_async, error);
}

void
jd_control_plane_cancel_job_async (JdControlPlane      *self,
                                   const char          *job_id,
                                   gboolean             force,
                                   const char          *reason_code,
                                   const char          *comment,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *id = NULL;
  GString *query = g_string_new (NULL);
  JdCpRequest *req;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (job_id != NULL);

  json_builder_begin_object (builder);
  if (reason_code != NULL && *reason_code != '\0')
    {
      json_builder_set_member_name (builder, "reasonCode");
      json_builder_add_string_value (builder, reason_code);
    }
  if (comment != NULL && *comment != '\0')
    {
      json_builder_set_member_name (builder, "comment");
      json_builder_add_string_value (builder, comment);
    }
  json_builder_end_object (builder);

  id = jd_cp_escape (job_id);
  if (force)
    jd_cp_query_add (query, "force", "true");
  req = jd_cp_request_new ("PUT", g_strconcat ("/jobs/", id, "/cancel", NULL), jd_cp_query_end (query),
                           jd_cp_json_to_bytes (builder), FALSE);
  jd_cp_request_start_reply (self, req, jd_control_plane_cancel_job_async, cancellable, callback, user_data);
}

gboolean
jd_control_plane_cancel_job_finish (JdControlPlane  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  return jd_control_plane_cancel_job_finish_full (self, result, NULL, error);
}

/**
 * jd_control_plane_cancel_job_finish_full:
 * @body: (out) (optional) (transfer full): AWS's reply (jobArn, jobId, description)
 */
gboolean
jd_control_plane_cancel_job_finish_full (JdControlPlane  *self,
                                         GAsyncResult    *result,
                                         JsonNode       **body,
                                         GError         **error)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (JD_IS_CONTROL_PLANE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == jd_control_plane_cancel_job_async, FALSE);

  node = g_task_propagate_pointer (G_TASK (result), error);
  if (node == NULL)
    return FALSE;
  if (body != NULL)
    *body = g_steal_pointer (&node);
  return TRUE;
}

/**
 * jd_control_plane_update_job_async:
 * @description: (nullable): the new description
 * @settings: (nullable): an UpdateJob body's settings
 */
void
jd_control_plane_update_job_async (JdControlPlane      *self,
                                   const char          *job_id,
                                   const char          *description,
                                   JsonObject          *settings,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  static const char *const members[] = {
    "jobExecutionsRolloutConfig", "abortConfig", "timeoutConfig", "jobExecutionsRetryConfig", "presignedUrlConfig", NULL,
  };

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (job_id != NULL);

  if (settings != NULL)
    {
      g_autoptr(JdJobConfig) probe = jd_job_config_new ();
      g_autoptr(GList) names = json_object_get_members (settings);

      /* The core's rules for an update, before anything is sent. */
      for (GList *l = names; l != NULL && error == NULL; l = l->next)
        if (!g_strv_contains ((const char *const *) members, l->data))
          g_set_error (&error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST,
                       "UpdateJob has no setting %s", (const char *) l->data);
      if (error == NULL)
        jd_job_config_update (probe, settings, &error);
      if (error != NULL)
        {
          g_task_report_error (self, callback, user_data, jd_control_plane_update_job_async,
                               g_steal_pointer (&error));
          return;
        }
    }

  json_builder_begin_object (builder);
  if (description != NULL)
    {
      json_builder_set_member_name (builder, "description");
      json_builder_add_string_value (builder, description);
    }
  for (guint i = 0; settings != NULL && members[i] != NULL; i++)
    if (json_object_has_member (settings, members[i]))
      {
        json_builder_set_member_name (builder, members[i]);
        json_builder_add_value (builder, json_node_copy (json_object_get_member (settings, members[i])));
      }
  json_builder_end_object (builder);

  id = jd_cp_escape (job_id);
  jd_cp_request_start (self,
                       jd_cp_request_new ("PATCH", g_strconcat ("/jobs/", id, NULL), NULL,
                                          jd_cp_json_to_bytes (builder), FALSE),
                       jd_control_plane_update_job_async, cancellable, callback, user_data);
}

gboolean
jd_control_plane_update_job_finish (JdControlPlane  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  g_return_val_if_fail (JD_IS_CONTROL_PLANE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == jd_control_plane_update_job_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
describe_job_document_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JdJob *job = g_task_get_task_data (task);
  g_autofree char *document = NULL;
  GError *error = NULL;

  document = jd_control_plane_get_job_document_finish (JD_CONTROL_PLANE (object), result, &error);
  if (document == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  jd_job_set_document (job, document);
  g_task_return_pointer (task, g_object_ref (job), g_object_unref);
}

static void
describe_job_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JdControlPlane *self = JD_CONTROL_PLANE (object);
  GError *error = NULL;
  JdJob *job;

  job = g_task_propagate_pointer (G_TASK (result), &error);
  if (job == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, job, g_object_unref);
  jd_control_plane_get_job_document_async (self, jd_job_get_job_id (job),
                                           g_task_get_cancellable (task),
                                           describe_job_document_cb, g_object_ref (task));
}

void
jd_control_plane_describe_job_async (JdControlPlane      *self,
                                     const char          *job_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *id = NULL;
  JdCpRequest *req;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (job_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_control_plane_describe_job_async);

  id = jd_cp_escape (job_id);
  req = jd_cp_request_new ("GET", g_strconcat ("/jobs/", id, NULL), NULL, NULL, TRUE);
  req->parse = parse_describe_job;
  req->result_free = g_object_unref;
  jd_cp_request_start (self, req, describe_job_cb, cancellable, describe_job_cb, g_steal_pointer (&task));
}

/**
 * jd_control_plane_describe_job_finish:
 *
 * Returns: (transfer full): the job, with its document
 */
JdJob *
jd_control_plane_describe_job_finish (JdControlPlane  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_describe_job_async, error);
}

void
jd_control_plane_describe_job_only_async (JdControlPlane      *self,
                                          const char          *job_id,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autofree char *id = NULL;
  JdCpRequest *req;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (job_id != NULL);

  id = jd_cp_escape (job_id);
  req = jd_cp_request_new ("GET", g_strconcat ("/jobs/", id, NULL), NULL, NULL, TRUE);
  req->parse = parse_describe_job;
  req->result_free = g_object_unref;
  jd_cp_request_start (self, req, jd_control_plane_describe_job_only_async, cancellable, callback, user_data);
}

/**
 * jd_control_plane_describe_job_only_finish:
 *
 * Returns: (transfer full): the job with its counters, without its document
 */
JdJob *
jd_control_plane_describe_job_only_finish (JdControlPlane  *self,
                                           GAsyncResult    *result,
                                           GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_describe_job_only_async, error);
}

void
jd_control_plane_get_job_document_async (JdControlPlane      *self,
                                         const char          *job_id,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autofree char *id = NULL;
  JdCpRequest *req;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (job_id != NULL);

  id = jd_cp_escape (job_id);
  req = jd_cp_request_new ("GET", g_strconcat ("/jobs/", id, "/job-document", NULL), NULL, NULL, TRUE);
  req->parse = parse_document;
  req->result_free = g_free;
  jd_cp_request_start (self, req, jd_control_plane_get_job_document_async, cancellable, callback, user_data);
}

char *
jd_control_plane_get_job_document_finish (JdControlPlane  *self,
                                          GAsyncResult    *result,
                                          GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_get_job_document_async, error);
}

void
jd_control_plane_list_jobs_async (JdControlPlane      *self,
                                  JdJobStatus          status,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GString *query;
  JdCpRequest *req;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));

  query = jd_cp_query_new_list (self);
  if (status != JD_JOB_STATUS_UNKNOWN)
    jd_cp_query_add (query, "status", jd_job_status_to_string (status));
  req = jd_cp_request_new ("GET", g_strdup ("/jobs"), jd_cp_query_end (query), NULL, TRUE);
  jd_cp_request_make_list (req, "jobs", parse_job);
  jd_cp_request_start (self, req, jd_control_plane_list_jobs_async, cancellable, callback, user_data);
}

/**
 * jd_control_plane_list_jobs_finish:
 *
 * Returns: (transfer full) (element-type JdJob): every job, all pages
 */
GPtrArray *
jd_control_plane_list_jobs_finish (JdControlPlane  *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_list_jobs_async, error);
}

void
jd_control_plane_list_job_executions_for_job_async (JdControlPlane       *self,
                                                    const char           *job_id,
                                                    JdExecutionStatus  status,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data)
{
  g_autofree char *id = NULL;
  GString *query;
  JdCpRequest *req;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (job_id != NULL);

  id = jd_cp_escape (job_id);
  query = jd_cp_query_new_list (self);
  if (status != JD_EXECUTION_STATUS_UNKNOWN)
    jd_cp_query_add (query, "status", jd_execution_status_to_string (status));
  req = jd_cp_request_new ("GET", g_strconcat ("/jobs/", id, "/things", NULL), jd_cp_query_end (query), NULL, TRUE);
  jd_cp_request_make_list (req, "executionSummaries", parse_execution);
  req->arg1 = g_strdup (job_id);
  jd_cp_request_start (self, req, jd_control_plane_list_job_executions_for_job_async,
                 cancellable, callback, user_data);
}

/**
 * jd_control_plane_list_job_executions_for_job_finish:
 *
 * Returns: (transfer full) (element-type JdJobExecutionInfo): all pages
 */
GPtrArray *
jd_control_plane_list_job_executions_for_job_finish (JdControlPlane  *self,
                                                     GAsyncResult    *result,
                                                     GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_list_job_executions_for_job_async, error);
}

void
jd_control_plane_list_job_executions_for_thing_async (JdControlPlane       *self,
                                                      const char           *thing_name,
                                                      JdExecutionStatus  status,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data)
{
  g_autofree char *name = NULL;
  GString *query;
  JdCpRequest *req;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (thing_name != NULL);

  name = jd_cp_escape (thing_name);
  query = jd_cp_query_new_list (self);
  if (status != JD_EXECUTION_STATUS_UNKNOWN)
    jd_cp_query_add (query, "status", jd_execution_status_to_string (status));
  req = jd_cp_request_new ("GET", g_strconcat ("/things/", name, "/jobs", NULL), jd_cp_query_end (query), NULL, TRUE);
  jd_cp_request_make_list (req, "executionSummaries", parse_execution);
  req->arg2 = g_strdup (thing_name);
  jd_cp_request_start (self, req, jd_control_plane_list_job_executions_for_thing_async,
                 cancellable, callback, user_data);
}

/**
 * jd_control_plane_list_job_executions_for_thing_finish:
 *
 * Returns: (transfer full) (element-type JdJobExecutionInfo): all pages
 */
GPtrArray *
jd_control_plane_list_job_executions_for_thing_finish (JdControlPlane  *self,
                                                       GAsyncResult    *result,
                                                       GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_list_job_executions_for_thing_async, error);
}

void
jd_control_plane_describe_job_execution_async (JdControlPlane      *self,
                                               const char          *thing_name,
                                               const char          *job_id,
                                               gint64               execution_number,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  g_autofree char *name = NULL;
  g_autofree char *id = NULL;
  GString *query = g_string_new (NULL);
  JdCpRequest *req;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (thing_name != NULL);
  g_return_if_fail (job_id != NULL);

  name = jd_cp_escape (thing_name);
  id = jd_cp_escape (job_id);
  if (execution_number >= 0)
    g_string_append_printf (query, "executionNumber=%" G_GINT64_FORMAT, execution_number);
  req = jd_cp_request_new ("GET", g_strconcat ("/things/", name, "/jobs/", id, NULL), jd_cp_query_end (query), NULL, TRUE);
  req->parse = parse_describe_execution;
  req->result_free = g_object_unref;
  req->arg1 = g_strdup (job_id);
  req->arg2 = g_strdup (thing_name);
  jd_cp_request_start (self, req, jd_control_plane_describe_job_execution_async, cancellable, callback, user_data);
}

/**
 * jd_control_plane_describe_job_execution_finish:
 *
 * Returns: (transfer full): the execution
 */
JdJobExecutionInfo *
jd_control_plane_describe_job_execution_finish (JdControlPlane  *self,
                                                GAsyncResult    *result,
                                                GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_describe_job_execution_async, error);
}

void
jd_control_plane_cancel_job_execution_async (JdControlPlane      *self,
                                             const char          *thing_name,
                                             const char          *job_id,
                                             gboolean             force,
                                             gint64               expected_version,
                                             GHashTable          *status_details,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *name = NULL;
  g_autofree char *id = NULL;
  GString *query = g_string_new (NULL);

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (thing_name != NULL);
  g_return_if_fail (job_id != NULL);

  json_builder_begin_object (builder);
  if (expected_version >= 0)
    {
      json_builder_set_member_name (builder, "expectedVersion");
      json_builder_add_int_value (builder, expected_version);
    }
  if (status_details != NULL && g_hash_table_size (status_details) > 0)
    {
      GHashTableIter iter;
      gpointer key, value;

      json_builder_set_member_name (builder, "statusDetails");
      json_builder_begin_object (builder);
      g_hash_table_iter_init (&iter, status_details);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          json_builder_set_member_name (builder, key);
          json_builder_add_string_value (builder, value);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  name = jd_cp_escape (thing_name);
  id = jd_cp_escape (job_id);
  if (force)
    jd_cp_query_add (query, "force", "true");
  jd_cp_request_start (self,
                 jd_cp_request_new ("PUT", g_strconcat ("/things/", name, "/jobs/", id, "/cancel", NULL),
                              jd_cp_query_end (query), jd_cp_json_to_bytes (builder), FALSE),
                 jd_control_plane_cancel_job_execution_async, cancellable, callback, user_data);
}

gboolean
jd_control_plane_cancel_job_execution_finish (JdControlPlane  *self,
                                              GAsyncResult    *result,
                                              GError         **error)
{
  return jd_cp_finish_boolean (self, result, jd_control_plane_cancel_job_execution_async, error);
}

void
jd_control_plane_delete_job_execution_async (JdControlPlane      *self,
                                             const char          *thing_name,
                                             const char          *job_id,
                                             gint64               execution_number,
                                             gboolean             force,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_autofree char *name = NULL;
  g_autofree char *id = NULL;
  g_autofree char *number = NULL;
  GString *query = g_string_new (NULL);

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (thing_name != NULL);
  g_return_if_fail (job_id != NULL);

  name = jd_cp_escape (thing_name);
  id = jd_cp_escape (job_id);
  number = g_strdup_printf ("%" G_GINT64_FORMAT, execution_number);
  if (force)
    jd_cp_query_add (query, "force", "true");
  jd_cp_request_start (self,
                 jd_cp_request_new ("DELETE",
                              g_strconcat ("/things/", name, "/jobs/", id, "/executionNumber/", number, NULL),
                              jd_cp_query_end (query), NULL, FALSE),
                 jd_control_plane_delete_job_execution_async, cancellable, callback, user_data);
}

gboolean
jd_control_plane_delete_job_execution_finish (JdControlPlane  *self,
                                              GAsyncResult    *result,
                                              GError         **error)
{
  return jd_cp_finish_boolean (self, result, jd_control_plane_delete_job_execution_async, error);
}

/* ---- things ---- */

void
jd_control_plane_create_thing_async (JdControlPlane      *self,
                                     const char          *thing_name,
                                     GHashTable          *attributes,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *name = NULL;
  JdCpRequest *req;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (thing_name != NULL);

  json_builder_begin_object (builder);
  if (attributes != NULL && g_hash_table_size (attributes) > 0)
    {
      GHashTableIter iter;
      gpointer key, value;

      json_builder_set_member_name (builder, "attributePayload");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "attributes");
      json_builder_begin_object (builder);
      g_hash_table_iter_init (&iter, attributes);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          json_builder_set_member_name (builder, key);
          json_builder_add_string_value (builder, value);
        }
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  name = jd_cp_escape (thing_name);
  req = jd_cp_request_new ("POST", g_strconcat ("/things/", name, NULL), NULL, jd_cp_json_to_bytes (builder), FALSE);
  req->parse = parse_thing;
  req->result_free = g_object_unref;
  jd_cp_request_start (self, req, jd_control_plane_create_thing_async, cancellable, callback, user_data);
}

/**
 * jd_control_plane_create_thing_finish:
 *
 * Returns: (transfer full): the thing's name, ARN and id
 */
JdThing *
jd_control_plane_create_thing_finish (JdControlPlane  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_create_thing_async, error);
}

void
jd_control_plane_describe_thing_async (JdControlPlane      *self,
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
  req = jd_cp_request_new ("GET", g_strconcat ("/things/", name, NULL), NULL, NULL, TRUE);
  req->parse = parse_thing;
  req->result_free = g_object_unref;
  jd_cp_request_start (self, req, jd_control_plane_describe_thing_async, cancellable, callback, user_data);
}

/**
 * jd_control_plane_describe_thing_finish:
 *
 * Returns: (transfer full): the thing
 */
JdThing *
jd_control_plane_describe_thing_finish (JdControlPlane  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_describe_thing_async, error);
}

void
jd_control_plane_list_things_async (JdControlPlane      *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  JdCpRequest *req;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));

  req = jd_cp_request_new ("GET", g_strdup ("/things"), jd_cp_query_end (jd_cp_query_new_list (self)), NULL, TRUE);
  jd_cp_request_make_list (req, "things", parse_thing);
  jd_cp_request_start (self, req, jd_control_plane_list_things_async, cancellable, callback, user_data);
}

/**
 * jd_control_plane_list_things_finish:
 *
 * Returns: (transfer full) (element-type JdThing): every thing, all pages
 */
GPtrArray *
jd_control_plane_list_things_finish (JdControlPlane  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_list_things_async, error);
}

void
jd_control_plane_delete_thing_async (JdControlPlane      *self,
                                     const char          *thing_name,
                                     gint64               expected_version,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autofree char *name = NULL;
  GString *query = g_string_new (NULL);

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (thing_name != NULL);

  name = jd_cp_escape (thing_name);
  if (expected_version >= 0)
    g_string_append_printf (query, "expectedVersion=%" G_GINT64_FORMAT, expected_version);
  /* AWS answers DeleteThing for a missing thing with success: safe to retry. */
  jd_cp_request_start (self,
                 jd_cp_request_new ("DELETE", g_strconcat ("/things/", name, NULL), jd_cp_query_end (query), NULL, TRUE),
                 jd_control_plane_delete_thing_async, cancellable, callback, user_data);
}

gboolean
jd_control_plane_delete_thing_finish (JdControlPlane  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return jd_cp_finish_boolean (self, result, jd_control_plane_delete_thing_async, error);
}

static void
ensure_thing_created_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JdThing) thing = NULL;
  GError *error = NULL;

  thing = jd_control_plane_create_thing_finish (JD_CONTROL_PLANE (object), result, &error);
  if (thing == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_strdup (jd_thing_get_thing_arn (thing)), g_free);
}

static void
ensure_thing_described_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JdThing) thing = NULL;
  g_autoptr(GError) error = NULL;

  thing = jd_control_plane_describe_thing_finish (JD_CONTROL_PLANE (object), result, &error);
  if (thing != NULL)
    {
      g_task_return_pointer (task, g_strdup (jd_thing_get_thing_arn (thing)), g_free);
      return;
    }
  if (!g_error_matches (error, JD_JOBS_ERROR, JD_JOBS_ERROR_RESOURCE_NOT_FOUND_EXCEPTION))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  jd_control_plane_create_thing_async (JD_CONTROL_PLANE (object), g_task_get_task_data (task), NULL,
                                       g_task_get_cancellable (task),
                                       ensure_thing_created_cb, g_object_ref (task));
}

void
jd_control_plane_ensure_thing_async (JdControlPlane      *self,
                                     const char          *thing_name,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));
  g_return_if_fail (thing_name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_control_plane_ensure_thing_async);
  g_task_set_task_data (task, g_strdup (thing_name), g_free);
  jd_control_plane_describe_thing_async (self, thing_name, cancellable,
                                         ensure_thing_described_cb, task);
}

/**
 * jd_control_plane_ensure_thing_finish:
 *
 * Returns: (transfer full): the thing's ARN
 */
char *
jd_control_plane_ensure_thing_finish (JdControlPlane  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_ensure_thing_async, error);
}

void
jd_control_plane_describe_endpoint_async (JdControlPlane      *self,
                                          const char          *endpoint_type,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  GString *query = g_string_new (NULL);
  JdCpRequest *req;

  g_return_if_fail (JD_IS_CONTROL_PLANE (self));

  jd_cp_query_add (query, "endpointType", endpoint_type != NULL ? endpoint_type : "iot:Data-ATS");
  req = jd_cp_request_new ("GET", g_strdup ("/endpoint"), jd_cp_query_end (query), NULL, TRUE);
  req->parse = parse_endpoint;
  req->result_free = g_free;
  jd_cp_request_start (self, req, jd_control_plane_describe_endpoint_async, cancellable, callback, user_data);
}

/**
 * jd_control_plane_describe_endpoint_finish:
 *
 * Returns: (transfer full): the endpoint's host name
 */
char *
jd_control_plane_describe_endpoint_finish (JdControlPlane  *self,
                                           GAsyncResult    *result,
                                           GError         **error)
{
  return jd_cp_finish_pointer (self, result, jd_control_plane_describe_endpoint_async, error);
}
