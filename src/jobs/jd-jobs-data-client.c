/* jd-jobs-data-client.c — the HTTPS device API client (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-jobs-data"

#include "jd-control-plane-private.h"
#include "jd-jobs-data-client.h"

struct _JdJobsDataClient
{
  GObject         parent_instance;

  JdControlPlane *transport;
};

G_DEFINE_FINAL_TYPE (JdJobsDataClient, jd_jobs_data_client, G_TYPE_OBJECT)

static void
jd_jobs_data_client_dispose (GObject *object)
{
  JdJobsDataClient *self = JD_JOBS_DATA_CLIENT (object);

  g_clear_object (&self->transport);
  G_OBJECT_CLASS (jd_jobs_data_client_parent_class)->dispose (object);
}

static void
jd_jobs_data_client_class_init (JdJobsDataClientClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = jd_jobs_data_client_dispose;
}

static void
jd_jobs_data_client_init (JdJobsDataClient *self)
{
}

JdJobsDataClient *
jd_jobs_data_client_new (const char     *region,
                         const char     *endpoint_url,
                         const char     *ca_path,
                         JdCredentials  *credentials,
                         GError        **error)
{
  g_autoptr(JdControlPlane) transport = NULL;
  JdJobsDataClient *self;

  g_return_val_if_fail (region != NULL && endpoint_url != NULL, NULL);

  transport = jd_control_plane_new (region, endpoint_url, ca_path, credentials, error);
  if (transport == NULL)
    return NULL;
  jd_cp_set_signing_service (transport, JD_JOBS_DATA_SIGNING_SERVICE);
  self = g_object_new (JD_TYPE_JOBS_DATA_CLIENT, NULL);
  self->transport = g_steal_pointer (&transport);
  return self;
}

JdJobsDataClient *
jd_jobs_data_client_new_for_control_plane (JdControlPlane  *control_plane,
                                           const char      *endpoint_url,
                                           GError         **error)
{
  g_autoptr(JdControlPlane) transport = NULL;
  JdJobsDataClient *self;

  g_return_val_if_fail (JD_IS_CONTROL_PLANE (control_plane), NULL);
  g_return_val_if_fail (endpoint_url != NULL, NULL);

  transport = jd_cp_new_sibling (control_plane, endpoint_url, error);
  if (transport == NULL)
    return NULL;
  jd_cp_set_signing_service (transport, JD_JOBS_DATA_SIGNING_SERVICE);
  self = g_object_new (JD_TYPE_JOBS_DATA_CLIENT, NULL);
  self->transport = g_steal_pointer (&transport);
  return self;
}


static void
transport_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  JsonNode *body = jd_cp_finish_pointer (JD_CONTROL_PLANE (source), result,
                                         g_task_get_task_data (task), &error);

  if (body == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, body, (GDestroyNotify) json_node_unref);
}

/* Takes @path, @query and @body. */
static void
start (JdJobsDataClient    *self,
       const char          *method,
       char                *path,
       char                *query,
       GBytes              *body,
       gboolean             idempotent,
       gpointer             source_tag,
       GCancellable        *cancellable,
       GAsyncReadyCallback  callback,
       gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  JdCpRequest *req = jd_cp_request_new (method, path, query, body, idempotent);

  g_task_set_source_tag (task, jd_jobs_data_client_finish);
  /* The transport's own tag for this request: the operation's. */
  g_task_set_task_data (task, source_tag, NULL);
  jd_cp_request_start_reply (self->transport, req, source_tag, cancellable, transport_done_cb, task);
}

static char *
things_path (const char *thing_name,
             const char *job_id)
{
  g_autofree char *thing = jd_cp_escape (thing_name);
  g_autofree char *job = job_id != NULL ? jd_cp_escape (job_id) : NULL;

  return job != NULL ? g_strdup_printf ("/things/%s/jobs/%s", thing, job)
                     : g_strdup_printf ("/things/%s/jobs", thing);
}

void
jd_jobs_data_client_get_pending_async (JdJobsDataClient    *self,
                                       const char          *thing_name,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (JD_IS_JOBS_DATA_CLIENT (self));
  g_return_if_fail (thing_name != NULL);

  start (self, "GET", things_path (thing_name, NULL), NULL, NULL, TRUE,
         jd_jobs_data_client_get_pending_async, cancellable, callback, user_data);
}

void
jd_jobs_data_client_start_next_async (JdJobsDataClient    *self,
                                      const char          *thing_name,
                                      GHashTable          *status_details,
                                      gint64               step_timeout_in_minutes,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_if_fail (JD_IS_JOBS_DATA_CLIENT (self));
  g_return_if_fail (thing_name != NULL);

  json_builder_begin_object (builder);
  jd_jobs_request_add_status_details (builder, status_details);
  if (step_timeout_in_minutes != 0)
    {
      json_builder_set_member_name (builder, "stepTimeoutInMinutes");
      json_builder_add_int_value (builder, step_timeout_in_minutes);
    }
  json_builder_end_object (builder);
  /* Not idempotent: a retry could start a second execution. */
  start (self, "PUT", things_path (thing_name, "$next"), NULL, jd_cp_json_to_bytes (builder), FALSE,
         jd_jobs_data_client_start_next_async, cancellable, callback, user_data);
}

void
jd_jobs_data_client_describe_async (JdJobsDataClient    *self,
                                    const char          *thing_name,
                                    const char          *job_id,
                                    gint64               execution_number,
                                    gboolean             include_job_document,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GString *query = g_string_new (NULL);

  g_return_if_fail (JD_IS_JOBS_DATA_CLIENT (self));
  g_return_if_fail (thing_name != NULL && job_id != NULL);

  jd_cp_query_add (query, "includeJobDocument", include_job_document ? "true" : "false");
  if (execution_number >= 0)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, execution_number);

      jd_cp_query_add (query, "executionNumber", number);
    }
  start (self, "GET", things_path (thing_name, job_id), jd_cp_query_end (query), NULL, TRUE,
         jd_jobs_data_client_describe_async, cancellable, callback, user_data);
}

void
jd_jobs_data_client_update_async (JdJobsDataClient      *self,
                                  const char            *thing_name,
                                  const char            *job_id,
                                  JdExecutionStatus      status,
                                  const JdUpdateOptions *options,
                                  GCancellable          *cancellable,
                                  GAsyncReadyCallback    callback,
                                  gpointer               user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_if_fail (JD_IS_JOBS_DATA_CLIENT (self));
  g_return_if_fail (thing_name != NULL && job_id != NULL);

  json_builder_begin_object (builder);
  jd_jobs_request_add_update_members (builder, status, options);
  json_builder_end_object (builder);
  start (self, "POST", things_path (thing_name, job_id), NULL, jd_cp_json_to_bytes (builder), FALSE,
         jd_jobs_data_client_update_async, cancellable, callback, user_data);
}

/**
 * jd_jobs_data_client_finish:
 *
 * Returns: (transfer full): AWS's reply body, or %NULL with @error
 *   (JD_JOBS_ERROR, the exception type kept)
 */
JsonNode *
jd_jobs_data_client_finish (JdJobsDataClient  *self,
                            GAsyncResult      *result,
                            GError           **error)
{
  g_return_val_if_fail (JD_IS_JOBS_DATA_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
