/* jd-control-plane-handlers.c — the control-plane operations as pure
 * handlers (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-service-http"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "jd-control-plane-handlers.h"
#include "jd-control-plane-request.h"
#include "jd-control-plane-templates.h"
#include "jd-device-api.h"
#include "jd-job-config.h"
#include "jd-rules.h"
#include "jd-service-error.h"
#include "jd-service-json.h"


/* ---- operations: jobs ---- */

static gboolean
op_create_job (Request    *r,
               const char *job_id)
{
  const JdCpContext *self = r->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) things = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JdStoreJob) job = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *arn = NULL;
  JdStoreJobSpec spec = { 0 };
  const char *document = NULL;
  const char *document_source = NULL;
  const char *description = NULL;
  const char *target_selection = NULL;
  g_autoptr(JdJobConfig) config = NULL;
  g_autofree char *config_text = NULL;
  g_autoptr(CpTemplateUse) template_use = NULL;
  gint64 timeout = 0;

  if (!cp_check_job_id (r, job_id))
    return FALSE;
  /* With jobTemplateArn, the body becomes the one the template makes. */
  if (!cp_templates_prepare_job (r, &template_use))
    return FALSE;

  if (!cp_parse_targets (r, targets, things, groups))
    return FALSE;

  if (!cp_body_string (r, "document", MAX_DOCUMENT, &document)
      || !cp_body_string (r, "documentSource", 1350, &document_source)
      || !cp_body_string (r, "description", MAX_DESCRIPTION, &description)
      || !cp_body_string (r, "targetSelection", 0, &target_selection))
    return FALSE;

  if (document == NULL && document_source == NULL)
    return cp_invalid (r, "Either document or documentSource must be specified");
  if (document == NULL)
    return cp_invalid (r, "documentSource (%s) cannot be read by the local sandbox; pass the document itself",
                       document_source);
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, document, -1, NULL)
      || json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return cp_invalid (r, "The job document must be a valid JSON object");
  if (target_selection != NULL && strcmp (target_selection, "SNAPSHOT") != 0
      && strcmp (target_selection, "CONTINUOUS") != 0)
    return cp_invalid (r, "1 validation error detected: Value '%s' at 'targetSelection' failed to satisfy constraint: "
                       "Member must satisfy enum value set: [CONTINUOUS, SNAPSHOT]", target_selection);
  if (description != NULL)
    for (const char *p = description; *p != '\0'; p++)
      if ((guchar) *p < 0x20)
        return cp_invalid (r, "The description must not contain control characters");

  /* The settings (rollout, abort, timeout, retries, scheduling, presigned
   * URLs) are validated by the core's rules, as the app and the CLI do. */
  config = jd_job_config_parse_aws (r->json, g_get_real_time () / G_USEC_PER_SEC, &error);
  if (config == NULL)
    return cp_invalid (r, "%s", error->message);
  timeout = config->in_progress_timeout;
  config_text = cp_job_config_to_store (config);

  spec.job_id = job_id;
  spec.targets = (const char *const *) targets->pdata;
  spec.thing_names = (const char *const *) things->pdata;
  spec.group_names = (const char *const *) groups->pdata;
  spec.document = document;
  spec.description = description;
  spec.target_selection = target_selection;
  spec.in_progress_timeout_minutes = timeout;
  spec.config = config_text;

  arn = cp_job_arn (self, job_id);
  job = cp_templates_create_job (r, template_use, &spec, &error);
  if (job == NULL)
    return cp_reply_gerror (r, error, job_id, arn);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "jobArn", arn);
  jd_service_json_add_string (builder, "jobId", job->job_id);
  jd_service_json_add_string (builder, "description", job->description);
  json_builder_end_object (builder);
  cp_reply_builder (r, builder);
  return TRUE;
}

static gboolean
op_describe_job (Request    *r,
                 const char *job_id,
                 gboolean    document_only)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreJob) job = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gboolean before_substitution;

  if (!cp_check_job_id (r, job_id) || !cp_query_bool (r, "beforeSubstitution", &before_substitution))
    return FALSE;

  job = jd_store_get_job (r->self->store, job_id, &error);
  if (job == NULL)
    return cp_reply_gerror (r, error, NULL, NULL);

  json_builder_begin_object (builder);
  if (document_only)
    {
      g_autofree char *substituted = NULL;

      if (before_substitution)
        substituted = cp_templates_document_before (r, job_id);
      else if (r->self->file_store != NULL && job->document != NULL)
        substituted = jd_file_store_substitute (r->self->file_store, job->document,
                                                g_get_real_time () / G_USEC_PER_SEC,
                                                JD_FILE_STORE_DEFAULT_EXPIRES);
      jd_service_json_add_string (builder, "document", substituted != NULL ? substituted : job->document);
    }
  else
    {
      jd_service_json_add_string (builder, "documentSource", job->document_source);
      g_autoptr(JsonBuilder) job_builder = json_builder_new ();
      g_autoptr(JsonNode) job_node = NULL;

      cp_add_job (r->self, job_builder, job);
      job_node = json_builder_get_root (job_builder);
      cp_templates_add_job_members (r, job_id, json_node_get_object (job_node));
      json_builder_set_member_name (builder, "job");
      json_builder_add_value (builder, g_steal_pointer (&job_node));
    }
  json_builder_end_object (builder);
  cp_reply_builder (r, builder);
  return TRUE;
}

static gboolean
op_list_jobs (Request *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *after = NULL;
  const char *status = cp_query (r, "status");
  const char *selection = cp_query (r, "targetSelection");
  gboolean more = FALSE;
  guint limit = 0;

  if (!cp_page_params (r, &limit, &after))
    return FALSE;
  if (status != NULL && jd_job_status_from_string (status) == JD_JOB_STATUS_UNKNOWN)
    return cp_invalid (r, "1 validation error detected: Value '%s' at 'status' failed to satisfy constraint: "
                       "Member must satisfy enum value set: [IN_PROGRESS, CANCELED, COMPLETED, DELETION_IN_PROGRESS, SCHEDULED]",
                       status);
  if (selection != NULL && strcmp (selection, "SNAPSHOT") != 0 && strcmp (selection, "CONTINUOUS") != 0)
    return cp_invalid (r, "1 validation error detected: Value '%s' at 'targetSelection' failed to satisfy constraint: "
                       "Member must satisfy enum value set: [CONTINUOUS, SNAPSHOT]", selection);

  if (cp_query (r, "thingGroupName") != NULL && !cp_check_group_name (r, "thingGroupName", cp_query (r, "thingGroupName")))
    return FALSE;
  jobs = jd_store_list_jobs_for_thing_group (r->self->store, cp_query (r, "thingGroupName"), cp_query (r, "thingGroupId"),
                                             status, selection, after, limit, &more, &error);
  if (jobs == NULL)
    return cp_reply_gerror (r, error, NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "jobs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < jobs->len; i++)
    cp_add_job_summary (r->self, builder, g_ptr_array_index (jobs, i));
  json_builder_end_array (builder);
  cp_add_next_token (builder, more, jobs->len > 0 ? ((JdStoreJob *) g_ptr_array_index (jobs, jobs->len - 1))->job_id : NULL);
  json_builder_end_object (builder);
  cp_reply_builder (r, builder);
  return TRUE;
}

static gboolean
op_cancel_job (Request    *r,
               const char *job_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreJob) job = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *arn = NULL;
  const char *reason_code = NULL;
  const char *comment = NULL;
  gboolean force;

  if (!cp_check_job_id (r, job_id) || !cp_query_bool (r, "force", &force)
      || !cp_body_string (r, "reasonCode", 128, &reason_code)
      || !cp_body_string (r, "comment", MAX_DESCRIPTION, &comment))
    return FALSE;
  for (const char *p = reason_code; p != NULL && *p != '\0'; p++)
    if (!(g_ascii_isupper (*p) || g_ascii_isdigit (*p) || *p == '_'))
      return cp_invalid (r, "1 validation error detected: Value '%s' at 'reasonCode' failed to satisfy constraint: "
                         "Member must satisfy regular expression pattern: [\\p{Upper}\\p{Digit}_]+", reason_code);

  job = jd_store_cancel_job (r->self->store, job_id, force, reason_code, comment, &error);
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

/* UpdateJob: PATCH /jobs/{jobId}; an empty 200 reply. */
static gboolean
op_update_job (Request    *r,
               const char *job_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdJobConfig) probe = NULL;
  g_autofree char *arn = NULL;
  const char *description = NULL;
  const char *namespace_id = cp_query (r, "namespaceId");

  if (!cp_check_job_id (r, job_id)
      || !cp_body_string (r, "description", MAX_DESCRIPTION, &description))
    return FALSE;
  for (const char *p = namespace_id; p != NULL && (*p != '\0' || p == namespace_id); p++)
    if (!(g_ascii_isalnum (*p) || *p == '_' || *p == '-'))
      return cp_invalid (r, "1 validation error detected: Value '%s' at 'namespaceId' failed to satisfy constraint: "
                       "Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+", namespace_id);
  if (description != NULL)
    for (const char *p = description; *p != '\0'; p++)
      if ((guchar) *p < 0x20)
        return cp_invalid (r, "The description must not contain control characters");
  /* UpdateJob has no schedulingConfig member (the schedule is fixed). */
  if (json_object_has_member (r->json, "schedulingConfig"))
    return cp_invalid (r, "UpdateJob cannot change schedulingConfig");

  /* The ranges in AWS's validation words (the core's rules, as CreateJob
   * checks them); the store then applies what only UpdateJob refuses
   * (retries other than 0). */
  probe = jd_job_config_parse_aws (r->json, g_get_real_time () / G_USEC_PER_SEC, &error);
  if (probe == NULL)
    return cp_invalid (r, "%s", error->message);

  arn = cp_job_arn (r->self, job_id);
  if (!jd_store_update_job (r->self->store, job_id, description, r->json, &error))
    return cp_reply_gerror (r, error, job_id, arn);
  cp_reply_empty (r);
  return TRUE;
}

static gboolean
op_delete_job (Request    *r,
               const char *job_id)
{
  g_autoptr(GError) error = NULL;
  gboolean force;

  if (!cp_check_job_id (r, job_id) || !cp_query_bool (r, "force", &force))
    return FALSE;
  if (!jd_store_delete_job (r->self->store, job_id, force, &error))
    return cp_reply_gerror (r, error, NULL, NULL);
  cp_reply_empty (r);
  return TRUE;
}

/* ---- operations: executions ---- */

static gboolean
check_exec_status (Request *r)
{
  const char *status = cp_query (r, "status");

  if (status == NULL || jd_execution_status_from_string (status) != JD_EXECUTION_STATUS_UNKNOWN)
    return TRUE;
  return cp_invalid (r, "1 validation error detected: Value '%s' at 'status' failed to satisfy constraint: "
                     "Member must satisfy enum value set: [QUEUED, IN_PROGRESS, SUCCEEDED, FAILED, TIMED_OUT, REJECTED, REMOVED, CANCELED]",
                     status);
}

static gboolean
op_list_executions_for_job (Request    *r,
                            const char *job_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *after = NULL;
  gboolean more = FALSE;
  guint limit = 0;

  if (!cp_check_job_id (r, job_id) || !check_exec_status (r) || !cp_page_params (r, &limit, &after))
    return FALSE;

  list = jd_store_list_executions_for_job (r->self->store, job_id, cp_query (r, "status"), after, limit, &more, &error);
  if (list == NULL)
    return cp_reply_gerror (r, error, NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "executionSummaries");
  json_builder_begin_array (builder);
  for (guint i = 0; i < list->len; i++)
    {
      JdStoreExecution *e = g_ptr_array_index (list, i);
      g_autofree char *arn = cp_thing_arn (r->self, e->thing_name);

      json_builder_begin_object (builder);
      jd_service_json_add_string (builder, "thingArn", arn);
      cp_add_execution_summary (builder, e);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  cp_add_next_token (builder, more,
                     list->len > 0 ? ((JdStoreExecution *) g_ptr_array_index (list, list->len - 1))->thing_name : NULL);
  json_builder_end_object (builder);
  cp_reply_builder (r, builder);
  return TRUE;
}

static gboolean
op_list_executions_for_thing (Request    *r,
                              const char *thing_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JdStoreThing) thing = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *after = NULL;
  const char *job_id = cp_query (r, "jobId");
  gboolean more = FALSE;
  guint limit = 0;

  if (!cp_check_thing_name (r, thing_name) || !check_exec_status (r) || !cp_page_params (r, &limit, &after))
    return FALSE;
  if (job_id != NULL && !cp_check_job_id (r, job_id))
    return FALSE;

  thing = jd_store_get_thing (r->self->store, thing_name, &error);
  if (thing == NULL)
    return cp_reply_gerror (r, error, NULL, NULL);
  list = jd_store_list_executions_for_thing (r->self->store, thing_name, cp_query (r, "status"), job_id,
                                             after, limit, &more, &error);
  if (list == NULL)
    return cp_reply_gerror (r, error, NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "executionSummaries");
  json_builder_begin_array (builder);
  for (guint i = 0; i < list->len; i++)
    {
      JdStoreExecution *e = g_ptr_array_index (list, i);

      json_builder_begin_object (builder);
      jd_service_json_add_string (builder, "jobId", e->job_id);
      cp_add_execution_summary (builder, e);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  cp_add_next_token (builder, more,
                     list->len > 0 ? ((JdStoreExecution *) g_ptr_array_index (list, list->len - 1))->job_id : NULL);
  json_builder_end_object (builder);
  cp_reply_builder (r, builder);
  return TRUE;
}

static gboolean
op_describe_execution (Request    *r,
                       const char *thing_name,
                       const char *job_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreExecution) e = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *arn = NULL;
  gint64 number;

  if (!cp_check_thing_name (r, thing_name) || !cp_check_job_id (r, job_id)
      || !cp_query_int (r, "executionNumber", 1, G_MAXINT64, -1, &number))
    return FALSE;

  e = jd_store_get_execution (r->self->store, thing_name, job_id, number, &error);
  if (e == NULL)
    return cp_reply_gerror (r, error, NULL, NULL);

  arn = cp_thing_arn (r->self, thing_name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "execution");
  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "jobId", e->job_id);
  jd_service_json_add_string (builder, "status", jd_execution_status_to_string (e->status));
  jd_service_json_add_bool (builder, "forceCanceled", e->force_canceled);
  json_builder_set_member_name (builder, "statusDetails");
  json_builder_begin_object (builder);
  if (e->status_details != NULL)
    cp_add_object (builder, "detailsMap", e->status_details);
  json_builder_end_object (builder);
  jd_service_json_add_string (builder, "thingArn", arn);
  jd_service_json_add_int (builder, "queuedAt", e->queued_at);
  if (e->started_at > 0)
    jd_service_json_add_int (builder, "startedAt", e->started_at);
  jd_service_json_add_int (builder, "lastUpdatedAt", e->last_updated_at);
  jd_service_json_add_int (builder, "executionNumber", e->execution_number);
  jd_service_json_add_int (builder, "versionNumber", e->version_number);
  if (e->seconds_before_timeout >= 0)
    jd_service_json_add_int (builder, "approximateSecondsBeforeTimedOut", e->seconds_before_timeout);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  cp_reply_builder (r, builder);
  return TRUE;
}

static gboolean
op_cancel_execution (Request    *r,
                     const char *thing_name,
                     const char *job_id)
{
  g_autoptr(GError) error = NULL;
  JsonObject *details = NULL;
  JsonNode *node;
  gboolean force;
  gboolean has_version = FALSE;
  gint64 version = -1;

  if (!cp_check_thing_name (r, thing_name) || !cp_check_job_id (r, job_id) || !cp_query_bool (r, "force", &force)
      || !cp_body_int (r, r->json, "expectedVersion", &has_version, &version))
    return FALSE;

  node = json_object_get_member (r->json, "statusDetails");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!cp_check_string_map (r, node, "statusDetails", TRUE, 1024))
        return FALSE;
      details = json_node_get_object (node);
    }

  if (!jd_store_cancel_execution (r->self->store, thing_name, job_id, force,
                                  has_version ? version : -1, details, &error))
    return cp_reply_gerror (r, error, NULL, NULL);
  cp_reply_empty (r);
  return TRUE;
}

static gboolean
op_delete_execution (Request    *r,
                     const char *thing_name,
                     const char *job_id,
                     const char *number_text)
{
  g_autoptr(GError) error = NULL;
  char *end = NULL;
  gint64 number;
  gboolean force;

  if (!cp_check_thing_name (r, thing_name) || !cp_check_job_id (r, job_id) || !cp_query_bool (r, "force", &force))
    return FALSE;
  errno = 0;
  number = g_ascii_strtoll (number_text, &end, 10);
  if (*number_text == '\0' || *end != '\0' || errno != 0 || number < 1)
    return cp_invalid (r, "The executionNumber '%s' is not a positive integer", number_text);

  if (!jd_store_delete_execution (r->self->store, thing_name, job_id, number, force, &error))
    return cp_reply_gerror (r, error, NULL, NULL);
  cp_reply_empty (r);
  return TRUE;
}

/* ---- operations: things and endpoint ---- */

static gboolean
op_create_thing (Request    *r,
                 const char *thing_name)
{
  const JdCpContext *self = r->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreThing) thing = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *arn = NULL;
  const char *thing_type = NULL;
  const char *billing_group = NULL;
  JsonObject *attributes = NULL;
  JsonNode *node;
  gboolean created = FALSE;

  if (!cp_check_thing_name (r, thing_name)
      || !cp_body_string (r, "thingTypeName", 128, &thing_type)
      || !cp_body_string (r, "billingGroupName", 128, &billing_group))
    return FALSE;

  /* The sandbox has no thing types or billing groups. */
  if (thing_type != NULL)
    return cp_reply_error (r, 404, "ResourceNotFoundException",
                           "Thing type %s cannot be found.", thing_type);
  if (billing_group != NULL)
    return cp_reply_error (r, 404, "ResourceNotFoundException",
                           "Billing group %s cannot be found.", billing_group);

  node = json_object_get_member (r->json, "attributePayload");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonNode *attrs;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return cp_invalid (r, "Value for 'attributePayload' must be an object");
      attrs = json_object_get_member (json_node_get_object (node), "attributes");
      if (attrs != NULL && !JSON_NODE_HOLDS_NULL (attrs))
        {
          if (!cp_check_string_map (r, attrs, "attributes", FALSE, 800))
            return FALSE;
          attributes = json_node_get_object (attrs);
        }
    }

  arn = cp_thing_arn (self, thing_name);
  thing = jd_store_create_thing (self->store, thing_name, NULL, attributes, &created, &error);
  if (thing == NULL)
    return cp_reply_gerror (r, error, thing_name, arn);

  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "thingName", thing->thing_name);
  jd_service_json_add_string (builder, "thingArn", arn);
  jd_service_json_add_string (builder, "thingId", thing->thing_id);
  json_builder_end_object (builder);
  cp_reply_builder (r, builder);

  if (created)
    r->resp->thing_created = g_strdup (thing_name);
  return TRUE;
}

static gboolean
op_describe_thing (Request    *r,
                   const char *thing_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreThing) thing = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!cp_check_thing_name (r, thing_name))
    return FALSE;
  thing = jd_store_get_thing (r->self->store, thing_name, &error);
  if (thing == NULL)
    return cp_reply_gerror (r, error, NULL, NULL);
  cp_add_thing (r->self, builder, thing, TRUE);
  cp_reply_builder (r, builder);
  return TRUE;
}

static gboolean
op_list_things (Request *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) things = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *after = NULL;
  gboolean more = FALSE;
  gboolean prefix = FALSE;
  guint limit = 0;

  if (!cp_page_params (r, &limit, &after) || !cp_query_bool (r, "usePrefixAttributeValue", &prefix))
    return FALSE;
  if (cp_query (r, "attributeName") != NULL)
    {
      const char *p = cp_query (r, "attributeName");
      gboolean ok = *p != '\0' && strlen (p) <= 128;

      for (; *p != '\0'; p++)
        ok &= g_ascii_isalnum (*p) || strchr ("_.,@/:#-", *p) != NULL;
      if (!ok)
        return cp_invalid (r, "1 validation error detected: Value '%s' at 'attributeName' failed to satisfy constraint: "
                           "Member must satisfy regular expression pattern: [a-zA-Z0-9_.,@/:#-]+",
                           cp_query (r, "attributeName"));
    }

  things = jd_store_list_things (r->self->store, after, limit, cp_query (r, "attributeName"),
                                 cp_query (r, "attributeValue"), cp_query (r, "thingTypeName"), &more, &error);
  if (things == NULL)
    return cp_reply_gerror (r, error, NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "things");
  json_builder_begin_array (builder);
  for (guint i = 0; i < things->len; i++)
    cp_add_thing (r->self, builder, g_ptr_array_index (things, i), FALSE);
  json_builder_end_array (builder);
  cp_add_next_token (builder, more,
                     things->len > 0 ? ((JdStoreThing *) g_ptr_array_index (things, things->len - 1))->thing_name : NULL);
  json_builder_end_object (builder);
  cp_reply_builder (r, builder);
  return TRUE;
}

static gboolean
op_delete_thing (Request    *r,
                 const char *thing_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreThing) existing = NULL;
  gint64 version;

  if (!cp_check_thing_name (r, thing_name)
      || !cp_query_int (r, "expectedVersion", 0, G_MAXINT64, -1, &version))
    return FALSE;

  existing = jd_store_get_thing (r->self->store, thing_name, NULL);
  if (!jd_store_delete_thing (r->self->store, thing_name, version, &error))
    return cp_reply_gerror (r, error, NULL, NULL);
  cp_reply_text (r, 200, "{}");

  if (existing != NULL)
    r->resp->thing_deleted = g_strdup (thing_name);
  return TRUE;
}

static gboolean
op_describe_endpoint (Request *r)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *type = cp_query (r, "endpointType");

  if (type != NULL && strcmp (type, "iot:Data") != 0 && strcmp (type, "iot:Data-ATS") != 0
      && strcmp (type, "iot:CredentialProvider") != 0 && strcmp (type, "iot:Jobs") != 0)
    return cp_invalid (r, "Endpoint type %s is not valid. Valid types are iot:Data, iot:Data-ATS, "
                       "iot:CredentialProvider and iot:Jobs", type);

  json_builder_begin_object (builder);
  /* iot:Jobs is the HTTPS jobs data plane's own listener (AWS: its own
   * `…jobs.iot.REGION.amazonaws.com` host); every other type the broker's. */
  jd_service_json_add_string (builder, "endpointAddress",
                              type != NULL && strcmp (type, "iot:Jobs") == 0 && r->self->jobs_endpoint_address != NULL
                              ? r->self->jobs_endpoint_address : r->self->endpoint_address);
  json_builder_end_object (builder);
  cp_reply_builder (r, builder);
  return TRUE;
}

/* ---- dispatch ---- */

static gboolean
is (Request    *r,
    const char *method,
    guint       n_segments,
    ...)
{
  va_list args;
  gboolean match;

  if (strcmp (r->method, method) != 0 || r->n_segments != n_segments)
    return FALSE;

  /* The pattern lists a literal per segment, or NULL for a label. */
  match = TRUE;
  va_start (args, n_segments);
  for (guint i = 0; i < n_segments; i++)
    {
      const char *literal = va_arg (args, const char *);

      if (literal != NULL && strcmp (literal, r->segments[i]) != 0)
        match = FALSE;
    }
  va_end (args);
  return match;
}

static void
dispatch (Request *r)
{
  char **s = r->segments;

  if (is (r, "GET", 1, "endpoint"))
    op_describe_endpoint (r);
  else if (is (r, "GET", 1, "jobs"))
    op_list_jobs (r);
  else if (is (r, "PUT", 2, "jobs", NULL))
    op_create_job (r, s[1]);
  else if (is (r, "GET", 2, "jobs", NULL))
    op_describe_job (r, s[1], FALSE);
  else if (is (r, "DELETE", 2, "jobs", NULL))
    op_delete_job (r, s[1]);
  else if (is (r, "PATCH", 2, "jobs", NULL))
    op_update_job (r, s[1]);
  else if (is (r, "PUT", 3, "jobs", NULL, "cancel"))
    op_cancel_job (r, s[1]);
  else if (is (r, "GET", 3, "jobs", NULL, "job-document"))
    op_describe_job (r, s[1], TRUE);
  else if (is (r, "GET", 3, "jobs", NULL, "things"))
    op_list_executions_for_job (r, s[1]);
  else if (is (r, "POST", 3, "jobs", NULL, "targets"))
    cp_op_associate_targets (r, s[1]);
  else if (is (r, "GET", 1, "job-templates"))
    cp_op_list_job_templates (r);
  else if (is (r, "PUT", 2, "job-templates", NULL))
    cp_op_create_job_template (r, s[1]);
  else if (is (r, "GET", 2, "job-templates", NULL))
    cp_op_describe_job_template (r, s[1]);
  else if (is (r, "DELETE", 2, "job-templates", NULL))
    cp_op_delete_job_template (r, s[1]);
  else if (is (r, "GET", 1, "managed-job-templates"))
    cp_op_list_managed_job_templates (r);
  else if (is (r, "GET", 2, "managed-job-templates", NULL))
    cp_op_describe_managed_job_template (r, s[1]);
  else if (is (r, "PATCH", 1, "event-configurations"))
    cp_op_update_event_configurations (r);
  else if (is (r, "GET", 1, "event-configurations"))
    cp_op_describe_event_configurations (r);
  else if (is (r, "GET", 1, "thing-groups"))
    cp_op_list_thing_groups (r);
  else if (is (r, "PUT", 2, "thing-groups", "addThingToThingGroup"))
    cp_op_change_membership (r, TRUE);
  else if (is (r, "PUT", 2, "thing-groups", "removeThingFromThingGroup"))
    cp_op_change_membership (r, FALSE);
  else if (is (r, "POST", 2, "thing-groups", NULL))
    cp_op_create_thing_group (r, s[1]);
  else if (is (r, "GET", 2, "thing-groups", NULL))
    cp_op_describe_thing_group (r, s[1]);
  else if (is (r, "DELETE", 2, "thing-groups", NULL))
    cp_op_delete_thing_group (r, s[1]);
  else if (is (r, "GET", 3, "thing-groups", NULL, "things"))
    cp_op_list_things_in_thing_group (r, s[1]);
  else if (is (r, "GET", 3, "things", NULL, "thing-groups"))
    cp_op_list_thing_groups_for_thing (r, s[1]);
  else if (is (r, "GET", 1, "things"))
    op_list_things (r);
  else if (is (r, "POST", 2, "things", NULL))
    op_create_thing (r, s[1]);
  else if (is (r, "GET", 2, "things", NULL))
    op_describe_thing (r, s[1]);
  else if (is (r, "DELETE", 2, "things", NULL))
    op_delete_thing (r, s[1]);
  else if (is (r, "GET", 3, "things", NULL, "jobs"))
    op_list_executions_for_thing (r, s[1]);
  else if (is (r, "GET", 4, "things", NULL, "jobs", NULL))
    op_describe_execution (r, s[1], s[3]);
  else if (is (r, "PUT", 5, "things", NULL, "jobs", NULL, "cancel"))
    op_cancel_execution (r, s[1], s[3]);
  else if (is (r, "DELETE", 6, "things", NULL, "jobs", NULL, "executionNumber", NULL))
    op_delete_execution (r, s[1], s[3], s[5]);
  else
    cp_reply_error (r, 404, "UnknownOperationException",
                    "No operation matches %s /%s", r->method,
                    r->n_segments > 0 ? s[0] : "");
}

/* Splits the raw path into decoded segments; FALSE on a bad escape. */
static gboolean
split_path (Request    *r,
            const char *raw_path)
{
  g_auto(GStrv) raw = g_strsplit (raw_path[0] == '/' ? raw_path + 1 : raw_path, "/", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = g_strv_length (raw);

  /* A trailing slash adds no segment. */
  if (n > 0 && raw[n - 1][0] == '\0')
    n--;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *decoded = g_uri_unescape_string (raw[i], NULL);

      if (decoded == NULL)
        return FALSE;
      g_strv_builder_add (builder, decoded);
    }
  r->segments = g_strv_builder_end (builder);
  r->n_segments = g_strv_length (r->segments);
  return TRUE;
}


/* ---- public API ---- */

void
jd_control_plane_handlers_handle (const JdCpContext *context,
                                  const JdCpRequest *request,
                                  JdCpResponse      *response)
{
  g_auto(Request) r = { 0 };
  g_autoptr(GError) error = NULL;

  g_return_if_fail (context != NULL && JD_IS_STORE (context->store));
  g_return_if_fail (request != NULL && request->method != NULL && request->path != NULL);
  g_return_if_fail (response != NULL);

  r.self = context;
  r.resp = response;
  r.method = request->method;

  if (request->query != NULL && request->query[0] != '\0')
    {
      r.query = g_uri_parse_params (request->query, -1, "&", G_URI_PARAMS_NONE, &error);
      if (r.query == NULL)
        {
          cp_invalid (&r, "The query string could not be parsed: %s", error->message);
          return;
        }
    }

  if (!split_path (&r, request->path))
    {
      cp_invalid (&r, "The path %s has an invalid percent-encoding", request->path);
      return;
    }

  if (request->body_len == 0)
    r.json = json_object_new ();
  else
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      const char *text = (const char *) request->body;

      if (!g_utf8_validate_len (text, request->body_len, NULL)
          || !json_parser_load_from_data (parser, text, (gssize) request->body_len, NULL)
          || json_parser_get_root (parser) == NULL
          || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          cp_invalid (&r, "The request body must be a JSON object");
          return;
        }
      /* What json-glib would read wrongly: NUL-cut strings, wrapped integers. */
      if (!jd_rules_check_request_text (text, request->body_len, &error))
        {
          cp_invalid (&r, "%s", error->message);
          return;
        }
      r.json = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
    }

  dispatch (&r);
}

void
jd_control_plane_handlers_error (JdCpResponse *response,
                                 guint         status,
                                 const char   *type,
                                 const char   *message)
{
  Request r = { 0 };

  g_return_if_fail (response != NULL && type != NULL && message != NULL);

  r.resp = response;
  cp_reply_error_full (&r, status, type, message, NULL, NULL);
}

void
jd_cp_response_clear (JdCpResponse *response)
{
  g_clear_pointer (&response->error_type, g_free);
  g_clear_pointer (&response->body, g_free);
  g_clear_pointer (&response->thing_created, g_free);
  g_clear_pointer (&response->thing_deleted, g_free);
  response->status = 0;
}
