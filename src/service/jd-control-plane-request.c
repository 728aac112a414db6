/* jd-control-plane-request.c — one control-plane request: reading its
 * path, query and body, replying in AWS's shapes (see the header).
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


void
cp_request_clear (Request *r)
{
  g_clear_pointer (&r->query, g_hash_table_unref);
  g_clear_pointer (&r->json, json_object_unref);
  g_clear_pointer (&r->segments, g_strfreev);
}


/* ---- replies ---- */

void
cp_reply_text (Request    *r,
               guint       status,
               const char *text)
{
  r->resp->status = status;
  g_free (r->resp->body);
  r->resp->body = g_strdup (text != NULL ? text : "");
}

void
cp_reply_builder (Request     *r,
                  JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  cp_reply_text (r, 200, text);
}

void
cp_reply_empty (Request *r)
{
  cp_reply_text (r, 200, "");
}

/* AWS's error shape: status, x-amzn-ErrorType, {"message": …} (+ extras). */
void
cp_reply_error_full (Request    *r,
                     guint       status,
                     const char *type,
                     const char *message,
                     const char *resource_id,
                     const char *resource_arn)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  /* A message may quote the request's raw path or values, which need not be
   * UTF-8 (found by fuzz-control-plane): the reply is JSON, so it is. */
  g_autofree char *valid_message = g_utf8_make_valid (message, -1);
  g_autofree char *valid_id = resource_id != NULL ? g_utf8_make_valid (resource_id, -1) : NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, valid_message);
  if (valid_id != NULL)
    {
      json_builder_set_member_name (builder, "resourceId");
      json_builder_add_string_value (builder, valid_id);
    }
  if (resource_arn != NULL)
    {
      json_builder_set_member_name (builder, "resourceArn");
      json_builder_add_string_value (builder, resource_arn);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);

  g_free (r->resp->error_type);
  r->resp->error_type = g_strdup (type);
  cp_reply_text (r, status, text);
}

G_GNUC_PRINTF (4, 5)
gboolean
cp_reply_error (Request    *r,
                guint       status,
                const char *type,
                const char *format,
                ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  cp_reply_error_full (r, status, type, message, NULL, NULL);
  return FALSE;
}

G_GNUC_PRINTF (2, 3)
gboolean
cp_invalid (Request    *r,
            const char *format,
            ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  cp_reply_error_full (r, 400, "InvalidRequestException", message, NULL, NULL);
  return FALSE;
}

gboolean
cp_reply_gerror (Request    *r,
                 GError     *error,
                 const char *resource_id,
                 const char *resource_arn)
{
  guint status = 503;
  const char *type = "ServiceUnavailableException";

  if (error->domain == JD_SERVICE_ERROR)
    {
      switch ((JdServiceErrorCode) error->code)
        {
        case JD_SERVICE_ERROR_INVALID_REQUEST:
          status = 400;
          type = "InvalidRequestException";
          break;
        case JD_SERVICE_ERROR_NOT_FOUND:
          status = 404;
          type = "ResourceNotFoundException";
          break;
        case JD_SERVICE_ERROR_ALREADY_EXISTS:
          status = 409;
          type = "ResourceAlreadyExistsException";
          break;
        case JD_SERVICE_ERROR_INVALID_STATE_TRANSITION:
          status = 409;
          type = "InvalidStateTransitionException";
          break;
        case JD_SERVICE_ERROR_VERSION_CONFLICT:
          status = 409;
          type = "VersionConflictException";
          break;
        case JD_SERVICE_ERROR_TERMINAL_STATE:
          status = 410;
          type = "TerminalStateException";
          break;
        case JD_SERVICE_ERROR_LIMIT_EXCEEDED:
          status = 410;
          type = "LimitExceededException";
          break;
        case JD_SERVICE_ERROR_STORAGE:
        default:
          break;
        }
    }

  if (status != 409 || error->code != JD_SERVICE_ERROR_ALREADY_EXISTS)
    resource_id = resource_arn = NULL;
  cp_reply_error_full (r, status, type, error->message, resource_id, resource_arn);
  return FALSE;
}

/* ---- helpers ---- */

char *
cp_thing_arn (const JdCpContext *self,
              const char    *thing_name)
{
  return g_strdup_printf ("arn:aws:iot:%s:%s:thing/%s", self->region, self->account_id, thing_name);
}

char *
cp_job_arn (const JdCpContext *self,
            const char    *job_id)
{
  return g_strdup_printf ("arn:aws:iot:%s:%s:job/%s", self->region, self->account_id, job_id);
}

char *
cp_group_arn (const JdCpContext *self,
              const char        *group_name)
{
  return g_strdup_printf ("arn:aws:iot:%s:%s:thinggroup/%s", self->region, self->account_id, group_name);
}

void
cp_add_object (JsonBuilder *builder,
               const char  *name,
               JsonObject  *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  json_builder_set_member_name (builder, name);
  json_builder_add_value (builder, g_steal_pointer (&node));
}

/* A value quoted in a refusal: at most 256 bytes of it (a 1 MiB name is
 * not repeated back). */
char *
cp_quote_value (const char *value)
{
  if (strlen (value) <= 256)
    return g_strdup (value);
  return g_strdup_printf ("%.256s… (%" G_GSIZE_FORMAT " bytes)", value, strlen (value));
}

gboolean
cp_check_job_id (Request    *r,
                 const char *job_id)
{
  if (jd_device_api_is_valid_job_id (job_id))
    return TRUE;
  return cp_invalid (r, "1 validation error detected: Value '%s' at 'jobId' failed to satisfy constraint: "
                     "Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+ and have length 1 to 64",
                     job_id);
}

gboolean
cp_check_thing_name (Request    *r,
                     const char *thing_name)
{
  g_autofree char *quoted = NULL;

  if (jd_device_api_is_valid_thing_name (thing_name))
    return TRUE;
  quoted = cp_quote_value (thing_name);
  return cp_invalid (r, "1 validation error detected: Value '%s' at 'thingName' failed to satisfy constraint: "
                     "Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+ and have length 1 to 128",
                     quoted);
}

gboolean
cp_check_group_name (Request    *r,
                     const char *member,
                     const char *group_name)
{
  g_autofree char *quoted = NULL;

  if (jd_rules_is_valid_thing_group_name (group_name, -1))
    return TRUE;
  quoted = cp_quote_value (group_name);
  return cp_invalid (r, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: "
                     "Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+ and have length 1 to %d",
                     quoted, member, JD_THING_GROUP_NAME_MAX);
}

const char *
cp_query (Request    *r,
          const char *name)
{
  return r->query != NULL ? g_hash_table_lookup (r->query, name) : NULL;
}

gboolean
cp_query_bool (Request    *r,
               const char *name,
               gboolean   *value)
{
  const char *text = cp_query (r, name);

  *value = FALSE;
  if (text == NULL)
    return TRUE;
  if (strcmp (text, "true") == 0 || strcmp (text, "false") == 0)
    {
      *value = strcmp (text, "true") == 0;
      return TRUE;
    }
  return cp_invalid (r, "Value '%s' for '%s' is not a boolean", text, name);
}

/* An integer query parameter in [min, max]; *value stays @fallback when absent. */
gboolean
cp_query_int (Request    *r,
              const char *name,
              gint64      min,
              gint64      max,
              gint64      fallback,
              gint64     *value)
{
  const char *text = cp_query (r, name);
  char *end = NULL;
  gint64 v;

  *value = fallback;
  if (text == NULL)
    return TRUE;
  errno = 0;
  v = g_ascii_strtoll (text, &end, 10);
  if (*text == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
    return cp_invalid (r, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: "
                       "Member must be between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT,
                       text, name, min, max);
  *value = v;
  return TRUE;
}

/* Pagination: maxResults 1–250 and an opaque nextToken naming the last key. */
gboolean
cp_page_params (Request  *r,
                guint    *limit,
                char    **after)
{
  const char *token = cp_query (r, "nextToken");
  gint64 max_results;

  *after = NULL;
  if (!cp_query_int (r, "maxResults", 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, &max_results))
    return FALSE;
  *limit = (guint) max_results;

  if (token != NULL)
    {
      gsize len = 0;
      g_autofree guchar *raw = g_base64_decode (token, &len);

      if (raw == NULL || len < 4 || memcmp (raw, "jd1:", 4) != 0 || !g_utf8_validate_len ((const char *) raw + 4, len - 4, NULL))
        return cp_invalid (r, "The nextToken '%s' is not valid", token);
      *after = g_strndup ((const char *) raw + 4, len - 4);
    }
  return TRUE;
}

void
cp_add_next_token (JsonBuilder *builder,
                   gboolean     more,
                   const char  *last_key)
{
  g_autofree char *raw = NULL;
  g_autofree char *token = NULL;

  if (!more || last_key == NULL)
    return;
  raw = g_strconcat ("jd1:", last_key, NULL);
  token = g_base64_encode ((const guchar *) raw, strlen (raw));
  jd_service_json_add_string (builder, "nextToken", token);
}

/* Body members with type checks. */
gboolean
cp_body_string (Request     *r,
                const char  *name,
                gsize        max,
                const char **value)
{
  JsonNode *node = json_object_get_member (r->json, name);

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return cp_invalid (r, "Value for '%s' must be a string", name);
  *value = json_node_get_string (node);
  if (max > 0 && strlen (*value) > max)
    return cp_invalid (r, "1 validation error detected: Value at '%s' failed to satisfy constraint: "
                       "Member must have length less than or equal to %" G_GSIZE_FORMAT, name, max);
  return TRUE;
}

gboolean
cp_body_int (Request    *r,
             JsonObject *object,
             const char *name,
             gboolean   *present,
             gint64     *value)
{
  JsonNode *node = json_object_get_member (object, name);

  *present = FALSE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return cp_invalid (r, "Value for '%s' must be an integer", name);
  *present = TRUE;
  *value = json_node_get_int (node);
  return TRUE;
}

/* A string → string map whose keys match [a-zA-Z0-9:_-]{1,128}. */
gboolean
cp_check_string_map (Request    *r,
                     JsonNode   *node,
                     const char *name,
                     gboolean    key_pattern,
                     gsize       max_value)
{
  JsonObject *map;
  g_autoptr(GList) members = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return cp_invalid (r, "Value for '%s' must be an object", name);
  map = json_node_get_object (node);
  members = json_object_get_members (map);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *value = json_object_get_member (map, l->data);
      const char *key = l->data;
      gsize key_len = strlen (key);
      gboolean key_ok = key_len >= 1 && key_len <= 128;

      for (const char *p = key; key_pattern && *p != '\0'; p++)
        key_ok &= g_ascii_isalnum (*p) || *p == ':' || *p == '_' || *p == '-';
      if (!key_ok)
        return cp_invalid (r, "1 validation error detected: Key '%s' in '%s' failed to satisfy constraint", key, name);
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        return cp_invalid (r, "Values of '%s' must be strings", name);
      if (strlen (json_node_get_string (value)) > max_value
          || (key_pattern && json_node_get_string (value)[0] == '\0'))
        return cp_invalid (r, "1 validation error detected: Value of '%s' in '%s' failed to satisfy constraint", key, name);
    }
  return TRUE;
}

/* ---- shapes ---- */

/* What the store keeps of a CreateJob's settings (JdStoreJobSpec.config):
 * rollout, abort, retries, scheduling and presigned URLs — NULL when none
 * is set. The in-progress timeout has its own column. */
char *
cp_job_config_to_store (const JdJobConfig *config)
{
  g_autofree char *text = NULL;
  g_autoptr(JdJobConfig) kept = NULL;

  text = jd_job_config_serialize (config);
  kept = jd_job_config_deserialize (text, NULL);
  g_assert (kept != NULL);
  kept->in_progress_timeout = 0;
  if (!kept->has_rollout && kept->abort_criteria->len == 0 && kept->retry_criteria->len == 0
      && !kept->has_scheduling && kept->presigned_role_arn == NULL && kept->presigned_expires == 0)
    return NULL;
  return jd_job_config_serialize (kept);
}

void
cp_add_job (const JdCpContext *self,
            JsonBuilder   *builder,
            JdStoreJob    *job)
{
  g_autofree char *arn = cp_job_arn (self, job->job_id);

  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "jobArn", arn);
  jd_service_json_add_string (builder, "jobId", job->job_id);
  jd_service_json_add_string (builder, "targetSelection", job->target_selection);
  jd_service_json_add_string (builder, "status", jd_job_status_to_string (job->status));
  jd_service_json_add_bool (builder, "forceCanceled", job->force_canceled);
  jd_service_json_add_string (builder, "reasonCode", job->reason_code);
  jd_service_json_add_string (builder, "comment", job->comment);
  json_builder_set_member_name (builder, "targets");
  json_builder_begin_array (builder);
  for (guint i = 0; job->targets[i] != NULL; i++)
    json_builder_add_string_value (builder, job->targets[i]);
  json_builder_end_array (builder);
  jd_service_json_add_string (builder, "description", job->description);
  jd_service_json_add_int (builder, "createdAt", job->created_at);
  jd_service_json_add_int (builder, "lastUpdatedAt", job->last_updated_at);
  if (job->completed_at > 0)
    jd_service_json_add_int (builder, "completedAt", job->completed_at);

  json_builder_set_member_name (builder, "jobProcessDetails");
  json_builder_begin_object (builder);
  /* The targets being rolled out: all of the job's while its rollout still
   * has things to release (README: AWS counts no waiting things). */
  json_builder_set_member_name (builder, "processingTargets");
  json_builder_begin_array (builder);
  for (guint i = 0; job->n_waiting > 0 && job->targets[i] != NULL; i++)
    json_builder_add_string_value (builder, job->targets[i]);
  json_builder_end_array (builder);
  jd_service_json_add_int (builder, "numberOfCanceledThings", job->n_canceled);
  jd_service_json_add_int (builder, "numberOfSucceededThings", job->n_succeeded);
  jd_service_json_add_int (builder, "numberOfFailedThings", job->n_failed);
  jd_service_json_add_int (builder, "numberOfRejectedThings", job->n_rejected);
  jd_service_json_add_int (builder, "numberOfQueuedThings", job->n_queued);
  jd_service_json_add_int (builder, "numberOfInProgressThings", job->n_in_progress);
  jd_service_json_add_int (builder, "numberOfRemovedThings", job->n_removed);
  jd_service_json_add_int (builder, "numberOfTimedOutThings", job->n_timed_out);
  json_builder_end_object (builder);

  if (job->in_progress_timeout_minutes > 0)
    {
      json_builder_set_member_name (builder, "timeoutConfig");
      json_builder_begin_object (builder);
      jd_service_json_add_int (builder, "inProgressTimeoutInMinutes", job->in_progress_timeout_minutes);
      json_builder_end_object (builder);
    }
  if (job->config != NULL)
    {
      g_autoptr(JdJobConfig) config = jd_job_config_deserialize (job->config, NULL);

      if (config != NULL)
        jd_job_config_to_json (config, builder);
    }
  jd_service_json_add_bool (builder, "isConcurrent", job->n_waiting > 0);
  json_builder_end_object (builder);
}

void
cp_add_job_summary (const JdCpContext *self,
                    JsonBuilder   *builder,
                    JdStoreJob    *job)
{
  g_autofree char *arn = cp_job_arn (self, job->job_id);

  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "jobArn", arn);
  jd_service_json_add_string (builder, "jobId", job->job_id);
  jd_service_json_add_string (builder, "targetSelection", job->target_selection);
  jd_service_json_add_string (builder, "status", jd_job_status_to_string (job->status));
  jd_service_json_add_int (builder, "createdAt", job->created_at);
  jd_service_json_add_int (builder, "lastUpdatedAt", job->last_updated_at);
  if (job->completed_at > 0)
    jd_service_json_add_int (builder, "completedAt", job->completed_at);
  jd_service_json_add_bool (builder, "isConcurrent", job->n_waiting > 0);
  json_builder_end_object (builder);
}

void
cp_add_execution_summary (JsonBuilder      *builder,
                          JdStoreExecution *e)
{
  json_builder_set_member_name (builder, "jobExecutionSummary");
  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "status", jd_execution_status_to_string (e->status));
  jd_service_json_add_int (builder, "queuedAt", e->queued_at);
  if (e->started_at > 0)
    jd_service_json_add_int (builder, "startedAt", e->started_at);
  jd_service_json_add_int (builder, "lastUpdatedAt", e->last_updated_at);
  jd_service_json_add_int (builder, "executionNumber", e->execution_number);
  jd_service_json_add_int (builder, "retryAttempt", e->retry_attempt);
  json_builder_end_object (builder);
}

void
cp_add_thing (const JdCpContext *self,
              JsonBuilder   *builder,
              JdStoreThing  *thing,
              gboolean       full)
{
  g_autofree char *arn = cp_thing_arn (self, thing->thing_name);

  json_builder_begin_object (builder);
  if (full)
    jd_service_json_add_string (builder, "defaultClientId", thing->thing_name);
  jd_service_json_add_string (builder, "thingName", thing->thing_name);
  if (full)
    jd_service_json_add_string (builder, "thingId", thing->thing_id);
  jd_service_json_add_string (builder, "thingArn", arn);
  jd_service_json_add_string (builder, "thingTypeName", thing->thing_type_name);
  cp_add_object (builder, "attributes", thing->attributes);
  jd_service_json_add_int (builder, "version", thing->version);
  json_builder_end_object (builder);
}

gboolean
cp_parse_arn (Request     *r,
              const char  *arn,
              const char  *member,
              gboolean     thing_ok,
              gboolean     group_ok,
              TargetKind  *kind,
              char       **name)
{
  const JdCpContext *self = r->self;
  g_autofree char *prefix = g_strdup_printf ("arn:aws:iot:%s:%s:", self->region, self->account_id);
  g_auto(GStrv) parts = g_strsplit (arn, ":", 6);
  const char *resource;
  const char *what = thing_ok && group_ok ? "a thing or thing group ARN" : thing_ok ? "a thing ARN" : "a thing group ARN";

  if (strlen (arn) > JD_JOB_TARGET_ARN_MAX)
    return cp_invalid (r, "1 validation error detected: Value at '%s' failed to satisfy constraint: "
                       "Member must have length less than or equal to %d", member, JD_JOB_TARGET_ARN_MAX);
  if (g_strv_length (parts) != 6 || strcmp (parts[0], "arn") != 0 || strcmp (parts[2], "iot") != 0)
    return cp_invalid (r, "The %s '%s' is not %s", member, arn, what);
  resource = parts[5];
  if (thing_ok && g_str_has_prefix (resource, "thing/")
      && jd_rules_is_valid_thing_name (resource + strlen ("thing/"), -1))
    {
      *kind = TARGET_THING;
      *name = g_strdup (resource + strlen ("thing/"));
    }
  else if (group_ok && g_str_has_prefix (resource, "thinggroup/")
           && jd_rules_is_valid_thing_group_name (resource + strlen ("thinggroup/"), -1))
    {
      *kind = TARGET_GROUP;
      *name = g_strdup (resource + strlen ("thinggroup/"));
    }
  else
    return cp_invalid (r, "The %s '%s' is not %s", member, arn, what);

  if (!g_str_has_prefix (arn, prefix))
    {
      g_clear_pointer (name, g_free);
      return cp_reply_error (r, 404, "ResourceNotFoundException",
                             "The %s '%s' is not in account %s, region %s", member, arn, self->account_id, self->region);
    }
  return TRUE;
}

/* The `targets` member of CreateJob and AssociateTargetsWithJob: at least
 * one ARN, each of a thing or a thing group; fills the three arrays
 * (NULL-terminated) in the order given. */
gboolean
cp_parse_targets (Request    *r,
                  GPtrArray  *targets,
                  GPtrArray  *things,
                  GPtrArray  *groups)
{
  JsonNode *node = json_object_get_member (r->json, "targets");
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
    return cp_invalid (r, "1 validation error detected: Value null at 'targets' failed to satisfy constraint: "
                       "Member must not be null and must have at least 1 element");
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *t = json_array_get_element (array, i);
      TargetKind kind;
      char *name = NULL;

      if (!JSON_NODE_HOLDS_VALUE (t) || json_node_get_value_type (t) != G_TYPE_STRING)
        return cp_invalid (r, "Each target must be an ARN of at most %d characters", JD_JOB_TARGET_ARN_MAX);
      if (!cp_parse_arn (r, json_node_get_string (t), "target", TRUE, TRUE, &kind, &name))
        return FALSE;
      g_ptr_array_add (targets, g_strdup (json_node_get_string (t)));
      g_ptr_array_add (kind == TARGET_THING ? things : groups, name);
    }
  g_ptr_array_add (targets, NULL);
  g_ptr_array_add (things, NULL);
  g_ptr_array_add (groups, NULL);
  return TRUE;
}

