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
#include "jd-device-api.h"
#include "jd-rules.h"
#include "jd-service-error.h"
#include "jd-service-json.h"

#define DEFAULT_PAGE_SIZE 250
#define MAX_PAGE_SIZE 250
#define MAX_DOCUMENT 32768
#define MAX_DESCRIPTION 2028
#define MAX_TIMEOUT_MINUTES 10080

/* One request being answered. */
typedef struct {
  const JdCpContext *self;
  JdCpResponse      *resp;
  const char        *method;
  GHashTable        *query;      /* decoded name → value */
  JsonObject        *json;       /* the parsed body, {} when empty */
  char             **segments;   /* decoded path segments, without the leading "" */
  guint              n_segments;
} Request;

static void
request_clear (Request *r)
{
  g_clear_pointer (&r->query, g_hash_table_unref);
  g_clear_pointer (&r->json, json_object_unref);
  g_clear_pointer (&r->segments, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Request, request_clear)

/* ---- replies ---- */

static void
reply_text (Request    *r,
            guint       status,
            const char *text)
{
  r->resp->status = status;
  g_free (r->resp->body);
  r->resp->body = g_strdup (text != NULL ? text : "");
}

static void
reply_builder (Request     *r,
               JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  reply_text (r, 200, text);
}

static void
reply_empty (Request *r)
{
  reply_text (r, 200, "");
}

/* AWS's error shape: status, x-amzn-ErrorType, {"message": …} (+ extras). */
static void
reply_error_full (Request    *r,
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
  reply_text (r, status, text);
}

G_GNUC_PRINTF (4, 5)
static gboolean
reply_error (Request    *r,
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
  reply_error_full (r, status, type, message, NULL, NULL);
  return FALSE;
}

G_GNUC_PRINTF (2, 3)
static gboolean
invalid (Request    *r,
         const char *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  reply_error_full (r, 400, "InvalidRequestException", message, NULL, NULL);
  return FALSE;
}

static gboolean
reply_gerror (Request    *r,
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
  reply_error_full (r, status, type, error->message, resource_id, resource_arn);
  return FALSE;
}

/* ---- helpers ---- */

static char *
thing_arn (const JdCpContext *self,
           const char    *thing_name)
{
  return g_strdup_printf ("arn:aws:iot:%s:%s:thing/%s", self->region, self->account_id, thing_name);
}

static char *
job_arn (const JdCpContext *self,
         const char    *job_id)
{
  return g_strdup_printf ("arn:aws:iot:%s:%s:job/%s", self->region, self->account_id, job_id);
}

static char *
group_arn (const JdCpContext *self,
           const char        *group_name)
{
  return g_strdup_printf ("arn:aws:iot:%s:%s:thinggroup/%s", self->region, self->account_id, group_name);
}

static void
add_object (JsonBuilder *builder,
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
static char *
quote_value (const char *value)
{
  if (strlen (value) <= 256)
    return g_strdup (value);
  return g_strdup_printf ("%.256s… (%" G_GSIZE_FORMAT " bytes)", value, strlen (value));
}

static gboolean
check_job_id (Request    *r,
              const char *job_id)
{
  if (jd_device_api_is_valid_job_id (job_id))
    return TRUE;
  return invalid (r, "1 validation error detected: Value '%s' at 'jobId' failed to satisfy constraint: "
                  "Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+ and have length 1 to 64",
                  job_id);
}

static gboolean
check_thing_name (Request    *r,
                  const char *thing_name)
{
  g_autofree char *quoted = NULL;

  if (jd_device_api_is_valid_thing_name (thing_name))
    return TRUE;
  quoted = quote_value (thing_name);
  return invalid (r, "1 validation error detected: Value '%s' at 'thingName' failed to satisfy constraint: "
                  "Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+ and have length 1 to 128",
                  quoted);
}

static gboolean
check_group_name (Request    *r,
                  const char *member,
                  const char *group_name)
{
  g_autofree char *quoted = NULL;

  if (jd_rules_is_valid_thing_group_name (group_name, -1))
    return TRUE;
  quoted = quote_value (group_name);
  return invalid (r, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: "
                  "Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+ and have length 1 to %d",
                  quoted, member, JD_THING_GROUP_NAME_MAX);
}

static const char *
query (Request    *r,
       const char *name)
{
  return r->query != NULL ? g_hash_table_lookup (r->query, name) : NULL;
}

static gboolean
query_bool (Request    *r,
            const char *name,
            gboolean   *value)
{
  const char *text = query (r, name);

  *value = FALSE;
  if (text == NULL)
    return TRUE;
  if (strcmp (text, "true") == 0 || strcmp (text, "false") == 0)
    {
      *value = strcmp (text, "true") == 0;
      return TRUE;
    }
  return invalid (r, "Value '%s' for '%s' is not a boolean", text, name);
}

/* An integer query parameter in [min, max]; *value stays @fallback when absent. */
static gboolean
query_int (Request    *r,
           const char *name,
           gint64      min,
           gint64      max,
           gint64      fallback,
           gint64     *value)
{
  const char *text = query (r, name);
  char *end = NULL;
  gint64 v;

  *value = fallback;
  if (text == NULL)
    return TRUE;
  errno = 0;
  v = g_ascii_strtoll (text, &end, 10);
  if (*text == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
    return invalid (r, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: "
                    "Member must be between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT,
                    text, name, min, max);
  *value = v;
  return TRUE;
}

/* Pagination: maxResults 1–250 and an opaque nextToken naming the last key. */
static gboolean
page_params (Request  *r,
             guint    *limit,
             char    **after)
{
  const char *token = query (r, "nextToken");
  gint64 max_results;

  *after = NULL;
  if (!query_int (r, "maxResults", 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, &max_results))
    return FALSE;
  *limit = (guint) max_results;

  if (token != NULL)
    {
      gsize len = 0;
      g_autofree guchar *raw = g_base64_decode (token, &len);

      if (raw == NULL || len < 4 || memcmp (raw, "jd1:", 4) != 0 || !g_utf8_validate_len ((const char *) raw + 4, len - 4, NULL))
        return invalid (r, "The nextToken '%s' is not valid", token);
      *after = g_strndup ((const char *) raw + 4, len - 4);
    }
  return TRUE;
}

static void
add_next_token (JsonBuilder *builder,
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
static gboolean
body_string (Request     *r,
             const char  *name,
             gsize        max,
             const char **value)
{
  JsonNode *node = json_object_get_member (r->json, name);

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (r, "Value for '%s' must be a string", name);
  *value = json_node_get_string (node);
  if (max > 0 && strlen (*value) > max)
    return invalid (r, "1 validation error detected: Value at '%s' failed to satisfy constraint: "
                    "Member must have length less than or equal to %" G_GSIZE_FORMAT, name, max);
  return TRUE;
}

static gboolean
body_int (Request    *r,
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
    return invalid (r, "Value for '%s' must be an integer", name);
  *present = TRUE;
  *value = json_node_get_int (node);
  return TRUE;
}

/* A string → string map whose keys match [a-zA-Z0-9:_-]{1,128}. */
static gboolean
check_string_map (Request    *r,
                  JsonNode   *node,
                  const char *name,
                  gboolean    key_pattern,
                  gsize       max_value)
{
  JsonObject *map;
  g_autoptr(GList) members = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (r, "Value for '%s' must be an object", name);
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
        return invalid (r, "1 validation error detected: Key '%s' in '%s' failed to satisfy constraint", key, name);
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        return invalid (r, "Values of '%s' must be strings", name);
      if (strlen (json_node_get_string (value)) > max_value
          || (key_pattern && json_node_get_string (value)[0] == '\0'))
        return invalid (r, "1 validation error detected: Value of '%s' in '%s' failed to satisfy constraint", key, name);
    }
  return TRUE;
}

/* ---- shapes ---- */

static void
add_job (const JdCpContext *self,
         JsonBuilder   *builder,
         JdStoreJob    *job)
{
  g_autofree char *arn = job_arn (self, job->job_id);

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
  json_builder_set_member_name (builder, "processingTargets");
  json_builder_begin_array (builder);
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
  jd_service_json_add_bool (builder, "isConcurrent", FALSE);
  json_builder_end_object (builder);
}

static void
add_job_summary (const JdCpContext *self,
                 JsonBuilder   *builder,
                 JdStoreJob    *job)
{
  g_autofree char *arn = job_arn (self, job->job_id);

  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "jobArn", arn);
  jd_service_json_add_string (builder, "jobId", job->job_id);
  jd_service_json_add_string (builder, "targetSelection", job->target_selection);
  jd_service_json_add_string (builder, "status", jd_job_status_to_string (job->status));
  jd_service_json_add_int (builder, "createdAt", job->created_at);
  jd_service_json_add_int (builder, "lastUpdatedAt", job->last_updated_at);
  if (job->completed_at > 0)
    jd_service_json_add_int (builder, "completedAt", job->completed_at);
  jd_service_json_add_bool (builder, "isConcurrent", FALSE);
  json_builder_end_object (builder);
}

static void
add_execution_summary (JsonBuilder      *builder,
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
  jd_service_json_add_int (builder, "retryAttempt", 0);
  json_builder_end_object (builder);
}

static void
add_thing (const JdCpContext *self,
           JsonBuilder   *builder,
           JdStoreThing  *thing,
           gboolean       full)
{
  g_autofree char *arn = thing_arn (self, thing->thing_name);

  json_builder_begin_object (builder);
  if (full)
    jd_service_json_add_string (builder, "defaultClientId", thing->thing_name);
  jd_service_json_add_string (builder, "thingName", thing->thing_name);
  if (full)
    jd_service_json_add_string (builder, "thingId", thing->thing_id);
  jd_service_json_add_string (builder, "thingArn", arn);
  jd_service_json_add_string (builder, "thingTypeName", thing->thing_type_name);
  add_object (builder, "attributes", thing->attributes);
  jd_service_json_add_int (builder, "version", thing->version);
  json_builder_end_object (builder);
}

/* ---- operations: jobs ---- */

/* The name a `thing/NAME` or `thinggroup/NAME` ARN of this account and
 * region gives. An ARN of another account or region names nothing here
 * (404); anything else is not such an ARN (400). */
typedef enum {
  TARGET_THING,
  TARGET_GROUP,
} TargetKind;

static gboolean
parse_arn (Request     *r,
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
    return invalid (r, "1 validation error detected: Value at '%s' failed to satisfy constraint: "
                    "Member must have length less than or equal to %d", member, JD_JOB_TARGET_ARN_MAX);
  if (g_strv_length (parts) != 6 || strcmp (parts[0], "arn") != 0 || strcmp (parts[2], "iot") != 0)
    return invalid (r, "The %s '%s' is not %s", member, arn, what);
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
    return invalid (r, "The %s '%s' is not %s", member, arn, what);

  if (!g_str_has_prefix (arn, prefix))
    {
      g_clear_pointer (name, g_free);
      return reply_error (r, 404, "ResourceNotFoundException",
                          "The %s '%s' is not in account %s, region %s", member, arn, self->account_id, self->region);
    }
  return TRUE;
}

/* The `targets` member of CreateJob and AssociateTargetsWithJob: at least
 * one ARN, each of a thing or a thing group; fills the three arrays
 * (NULL-terminated) in the order given. */
static gboolean
parse_targets (Request    *r,
               GPtrArray  *targets,
               GPtrArray  *things,
               GPtrArray  *groups)
{
  JsonNode *node = json_object_get_member (r->json, "targets");
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
    return invalid (r, "1 validation error detected: Value null at 'targets' failed to satisfy constraint: "
                    "Member must not be null and must have at least 1 element");
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *t = json_array_get_element (array, i);
      TargetKind kind;
      char *name = NULL;

      if (!JSON_NODE_HOLDS_VALUE (t) || json_node_get_value_type (t) != G_TYPE_STRING)
        return invalid (r, "Each target must be an ARN of at most %d characters", JD_JOB_TARGET_ARN_MAX);
      if (!parse_arn (r, json_node_get_string (t), "target", TRUE, TRUE, &kind, &name))
        return FALSE;
      g_ptr_array_add (targets, g_strdup (json_node_get_string (t)));
      g_ptr_array_add (kind == TARGET_THING ? things : groups, name);
    }
  g_ptr_array_add (targets, NULL);
  g_ptr_array_add (things, NULL);
  g_ptr_array_add (groups, NULL);
  return TRUE;
}

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
  JsonNode *node;
  gint64 timeout = 0;

  if (!check_job_id (r, job_id))
    return FALSE;

  if (!parse_targets (r, targets, things, groups))
    return FALSE;

  if (!body_string (r, "document", MAX_DOCUMENT, &document)
      || !body_string (r, "documentSource", 1350, &document_source)
      || !body_string (r, "description", MAX_DESCRIPTION, &description)
      || !body_string (r, "targetSelection", 0, &target_selection))
    return FALSE;

  if (document == NULL && document_source == NULL)
    return invalid (r, "Either document or documentSource must be specified");
  if (document == NULL)
    return invalid (r, "documentSource (%s) cannot be read by the local sandbox; pass the document itself",
                    document_source);
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, document, -1, NULL)
      || json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return invalid (r, "The job document must be a valid JSON object");
  if (target_selection != NULL && strcmp (target_selection, "SNAPSHOT") != 0
      && strcmp (target_selection, "CONTINUOUS") != 0)
    return invalid (r, "1 validation error detected: Value '%s' at 'targetSelection' failed to satisfy constraint: "
                    "Member must satisfy enum value set: [CONTINUOUS, SNAPSHOT]", target_selection);
  if (description != NULL)
    for (const char *p = description; *p != '\0'; p++)
      if ((guchar) *p < 0x20)
        return invalid (r, "The description must not contain control characters");

  node = json_object_get_member (r->json, "timeoutConfig");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      gboolean present = FALSE;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (r, "Value for 'timeoutConfig' must be an object");
      if (!body_int (r, json_node_get_object (node), "inProgressTimeoutInMinutes", &present, &timeout))
        return FALSE;
      if (present && (timeout < 1 || timeout > MAX_TIMEOUT_MINUTES))
        return invalid (r, "inProgressTimeoutInMinutes must be between 1 and %d", MAX_TIMEOUT_MINUTES);
    }

  spec.job_id = job_id;
  spec.targets = (const char *const *) targets->pdata;
  spec.thing_names = (const char *const *) things->pdata;
  spec.group_names = (const char *const *) groups->pdata;
  spec.document = document;
  spec.description = description;
  spec.target_selection = target_selection;
  spec.in_progress_timeout_minutes = timeout;

  arn = job_arn (self, job_id);
  job = jd_store_create_job (self->store, &spec, &error);
  if (job == NULL)
    return reply_gerror (r, error, job_id, arn);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "jobArn", arn);
  jd_service_json_add_string (builder, "jobId", job->job_id);
  jd_service_json_add_string (builder, "description", job->description);
  json_builder_end_object (builder);
  reply_builder (r, builder);
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

  if (!check_job_id (r, job_id) || !query_bool (r, "beforeSubstitution", &before_substitution))
    return FALSE;

  job = jd_store_get_job (r->self->store, job_id, &error);
  if (job == NULL)
    return reply_gerror (r, error, NULL, NULL);

  json_builder_begin_object (builder);
  if (document_only)
    {
      g_autofree char *substituted = NULL;

      if (!before_substitution && r->self->file_store != NULL && job->document != NULL)
        substituted = jd_file_store_substitute (r->self->file_store, job->document,
                                                g_get_real_time () / G_USEC_PER_SEC,
                                                JD_FILE_STORE_DEFAULT_EXPIRES);
      jd_service_json_add_string (builder, "document", substituted != NULL ? substituted : job->document);
    }
  else
    {
      jd_service_json_add_string (builder, "documentSource", job->document_source);
      json_builder_set_member_name (builder, "job");
      add_job (r->self, builder, job);
    }
  json_builder_end_object (builder);
  reply_builder (r, builder);
  return TRUE;
}

static gboolean
op_list_jobs (Request *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *after = NULL;
  const char *status = query (r, "status");
  const char *selection = query (r, "targetSelection");
  gboolean more = FALSE;
  guint limit = 0;

  if (!page_params (r, &limit, &after))
    return FALSE;
  if (status != NULL && jd_job_status_from_string (status) == JD_JOB_STATUS_UNKNOWN)
    return invalid (r, "1 validation error detected: Value '%s' at 'status' failed to satisfy constraint: "
                    "Member must satisfy enum value set: [IN_PROGRESS, CANCELED, COMPLETED, DELETION_IN_PROGRESS, SCHEDULED]",
                    status);
  if (selection != NULL && strcmp (selection, "SNAPSHOT") != 0 && strcmp (selection, "CONTINUOUS") != 0)
    return invalid (r, "1 validation error detected: Value '%s' at 'targetSelection' failed to satisfy constraint: "
                    "Member must satisfy enum value set: [CONTINUOUS, SNAPSHOT]", selection);

  if (query (r, "thingGroupName") != NULL && !check_group_name (r, "thingGroupName", query (r, "thingGroupName")))
    return FALSE;
  jobs = jd_store_list_jobs_for_thing_group (r->self->store, query (r, "thingGroupName"), query (r, "thingGroupId"),
                                             status, selection, after, limit, &more, &error);
  if (jobs == NULL)
    return reply_gerror (r, error, NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "jobs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < jobs->len; i++)
    add_job_summary (r->self, builder, g_ptr_array_index (jobs, i));
  json_builder_end_array (builder);
  add_next_token (builder, more, jobs->len > 0 ? ((JdStoreJob *) g_ptr_array_index (jobs, jobs->len - 1))->job_id : NULL);
  json_builder_end_object (builder);
  reply_builder (r, builder);
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

  if (!check_job_id (r, job_id) || !query_bool (r, "force", &force)
      || !body_string (r, "reasonCode", 128, &reason_code)
      || !body_string (r, "comment", MAX_DESCRIPTION, &comment))
    return FALSE;
  for (const char *p = reason_code; p != NULL && *p != '\0'; p++)
    if (!(g_ascii_isupper (*p) || g_ascii_isdigit (*p) || *p == '_'))
      return invalid (r, "1 validation error detected: Value '%s' at 'reasonCode' failed to satisfy constraint: "
                      "Member must satisfy regular expression pattern: [\\p{Upper}\\p{Digit}_]+", reason_code);

  job = jd_store_cancel_job (r->self->store, job_id, force, reason_code, comment, &error);
  if (job == NULL)
    return reply_gerror (r, error, NULL, NULL);

  arn = job_arn (r->self, job_id);
  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "jobArn", arn);
  jd_service_json_add_string (builder, "jobId", job->job_id);
  jd_service_json_add_string (builder, "description", job->description);
  json_builder_end_object (builder);
  reply_builder (r, builder);
  return TRUE;
}

static gboolean
op_delete_job (Request    *r,
               const char *job_id)
{
  g_autoptr(GError) error = NULL;
  gboolean force;

  if (!check_job_id (r, job_id) || !query_bool (r, "force", &force))
    return FALSE;
  if (!jd_store_delete_job (r->self->store, job_id, force, &error))
    return reply_gerror (r, error, NULL, NULL);
  reply_empty (r);
  return TRUE;
}

/* ---- operations: executions ---- */

static gboolean
check_exec_status (Request *r)
{
  const char *status = query (r, "status");

  if (status == NULL || jd_execution_status_from_string (status) != JD_EXECUTION_STATUS_UNKNOWN)
    return TRUE;
  return invalid (r, "1 validation error detected: Value '%s' at 'status' failed to satisfy constraint: "
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

  if (!check_job_id (r, job_id) || !check_exec_status (r) || !page_params (r, &limit, &after))
    return FALSE;

  list = jd_store_list_executions_for_job (r->self->store, job_id, query (r, "status"), after, limit, &more, &error);
  if (list == NULL)
    return reply_gerror (r, error, NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "executionSummaries");
  json_builder_begin_array (builder);
  for (guint i = 0; i < list->len; i++)
    {
      JdStoreExecution *e = g_ptr_array_index (list, i);
      g_autofree char *arn = thing_arn (r->self, e->thing_name);

      json_builder_begin_object (builder);
      jd_service_json_add_string (builder, "thingArn", arn);
      add_execution_summary (builder, e);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  add_next_token (builder, more,
                  list->len > 0 ? ((JdStoreExecution *) g_ptr_array_index (list, list->len - 1))->thing_name : NULL);
  json_builder_end_object (builder);
  reply_builder (r, builder);
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
  const char *job_id = query (r, "jobId");
  gboolean more = FALSE;
  guint limit = 0;

  if (!check_thing_name (r, thing_name) || !check_exec_status (r) || !page_params (r, &limit, &after))
    return FALSE;
  if (job_id != NULL && !check_job_id (r, job_id))
    return FALSE;

  thing = jd_store_get_thing (r->self->store, thing_name, &error);
  if (thing == NULL)
    return reply_gerror (r, error, NULL, NULL);
  list = jd_store_list_executions_for_thing (r->self->store, thing_name, query (r, "status"), job_id,
                                             after, limit, &more, &error);
  if (list == NULL)
    return reply_gerror (r, error, NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "executionSummaries");
  json_builder_begin_array (builder);
  for (guint i = 0; i < list->len; i++)
    {
      JdStoreExecution *e = g_ptr_array_index (list, i);

      json_builder_begin_object (builder);
      jd_service_json_add_string (builder, "jobId", e->job_id);
      add_execution_summary (builder, e);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  add_next_token (builder, more,
                  list->len > 0 ? ((JdStoreExecution *) g_ptr_array_index (list, list->len - 1))->job_id : NULL);
  json_builder_end_object (builder);
  reply_builder (r, builder);
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

  if (!check_thing_name (r, thing_name) || !check_job_id (r, job_id)
      || !query_int (r, "executionNumber", 1, G_MAXINT64, -1, &number))
    return FALSE;

  e = jd_store_get_execution (r->self->store, thing_name, job_id, number, &error);
  if (e == NULL)
    return reply_gerror (r, error, NULL, NULL);

  arn = thing_arn (r->self, thing_name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "execution");
  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "jobId", e->job_id);
  jd_service_json_add_string (builder, "status", jd_execution_status_to_string (e->status));
  jd_service_json_add_bool (builder, "forceCanceled", e->force_canceled);
  json_builder_set_member_name (builder, "statusDetails");
  json_builder_begin_object (builder);
  if (e->status_details != NULL)
    add_object (builder, "detailsMap", e->status_details);
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
  reply_builder (r, builder);
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

  if (!check_thing_name (r, thing_name) || !check_job_id (r, job_id) || !query_bool (r, "force", &force)
      || !body_int (r, r->json, "expectedVersion", &has_version, &version))
    return FALSE;

  node = json_object_get_member (r->json, "statusDetails");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!check_string_map (r, node, "statusDetails", TRUE, 1024))
        return FALSE;
      details = json_node_get_object (node);
    }

  if (!jd_store_cancel_execution (r->self->store, thing_name, job_id, force,
                                  has_version ? version : -1, details, &error))
    return reply_gerror (r, error, NULL, NULL);
  reply_empty (r);
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

  if (!check_thing_name (r, thing_name) || !check_job_id (r, job_id) || !query_bool (r, "force", &force))
    return FALSE;
  errno = 0;
  number = g_ascii_strtoll (number_text, &end, 10);
  if (*number_text == '\0' || *end != '\0' || errno != 0 || number < 1)
    return invalid (r, "The executionNumber '%s' is not a positive integer", number_text);

  if (!jd_store_delete_execution (r->self->store, thing_name, job_id, number, force, &error))
    return reply_gerror (r, error, NULL, NULL);
  reply_empty (r);
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

  if (!check_thing_name (r, thing_name)
      || !body_string (r, "thingTypeName", 128, &thing_type)
      || !body_string (r, "billingGroupName", 128, &billing_group))
    return FALSE;

  /* The sandbox has no thing types or billing groups. */
  if (thing_type != NULL)
    return reply_error (r, 404, "ResourceNotFoundException",
                        "Thing type %s cannot be found.", thing_type);
  if (billing_group != NULL)
    return reply_error (r, 404, "ResourceNotFoundException",
                        "Billing group %s cannot be found.", billing_group);

  node = json_object_get_member (r->json, "attributePayload");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonNode *attrs;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (r, "Value for 'attributePayload' must be an object");
      attrs = json_object_get_member (json_node_get_object (node), "attributes");
      if (attrs != NULL && !JSON_NODE_HOLDS_NULL (attrs))
        {
          if (!check_string_map (r, attrs, "attributes", FALSE, 800))
            return FALSE;
          attributes = json_node_get_object (attrs);
        }
    }

  arn = thing_arn (self, thing_name);
  thing = jd_store_create_thing (self->store, thing_name, NULL, attributes, &created, &error);
  if (thing == NULL)
    return reply_gerror (r, error, thing_name, arn);

  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "thingName", thing->thing_name);
  jd_service_json_add_string (builder, "thingArn", arn);
  jd_service_json_add_string (builder, "thingId", thing->thing_id);
  json_builder_end_object (builder);
  reply_builder (r, builder);

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

  if (!check_thing_name (r, thing_name))
    return FALSE;
  thing = jd_store_get_thing (r->self->store, thing_name, &error);
  if (thing == NULL)
    return reply_gerror (r, error, NULL, NULL);
  add_thing (r->self, builder, thing, TRUE);
  reply_builder (r, builder);
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

  if (!page_params (r, &limit, &after) || !query_bool (r, "usePrefixAttributeValue", &prefix))
    return FALSE;
  if (query (r, "attributeName") != NULL)
    {
      const char *p = query (r, "attributeName");
      gboolean ok = *p != '\0' && strlen (p) <= 128;

      for (; *p != '\0'; p++)
        ok &= g_ascii_isalnum (*p) || strchr ("_.,@/:#-", *p) != NULL;
      if (!ok)
        return invalid (r, "1 validation error detected: Value '%s' at 'attributeName' failed to satisfy constraint: "
                        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.,@/:#-]+",
                        query (r, "attributeName"));
    }

  things = jd_store_list_things (r->self->store, after, limit, query (r, "attributeName"),
                                 query (r, "attributeValue"), query (r, "thingTypeName"), &more, &error);
  if (things == NULL)
    return reply_gerror (r, error, NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "things");
  json_builder_begin_array (builder);
  for (guint i = 0; i < things->len; i++)
    add_thing (r->self, builder, g_ptr_array_index (things, i), FALSE);
  json_builder_end_array (builder);
  add_next_token (builder, more,
                  things->len > 0 ? ((JdStoreThing *) g_ptr_array_index (things, things->len - 1))->thing_name : NULL);
  json_builder_end_object (builder);
  reply_builder (r, builder);
  return TRUE;
}

static gboolean
op_delete_thing (Request    *r,
                 const char *thing_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreThing) existing = NULL;
  gint64 version;

  if (!check_thing_name (r, thing_name)
      || !query_int (r, "expectedVersion", 0, G_MAXINT64, -1, &version))
    return FALSE;

  existing = jd_store_get_thing (r->self->store, thing_name, NULL);
  if (!jd_store_delete_thing (r->self->store, thing_name, version, &error))
    return reply_gerror (r, error, NULL, NULL);
  reply_text (r, 200, "{}");

  if (existing != NULL)
    r->resp->thing_deleted = g_strdup (thing_name);
  return TRUE;
}

static gboolean
op_describe_endpoint (Request *r)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *type = query (r, "endpointType");

  if (type != NULL && strcmp (type, "iot:Data") != 0 && strcmp (type, "iot:Data-ATS") != 0
      && strcmp (type, "iot:CredentialProvider") != 0 && strcmp (type, "iot:Jobs") != 0)
    return invalid (r, "Endpoint type %s is not valid. Valid types are iot:Data, iot:Data-ATS, "
                    "iot:CredentialProvider and iot:Jobs", type);

  json_builder_begin_object (builder);
  /* iot:Jobs is the HTTPS jobs data plane's own listener (AWS: its own
   * `…jobs.iot.REGION.amazonaws.com` host); every other type the broker's. */
  jd_service_json_add_string (builder, "endpointAddress",
                              type != NULL && strcmp (type, "iot:Jobs") == 0 && r->self->jobs_endpoint_address != NULL
                              ? r->self->jobs_endpoint_address : r->self->endpoint_address);
  json_builder_end_object (builder);
  reply_builder (r, builder);
  return TRUE;
}

/* ---- operations: thing groups ---- */

static void
add_group_ref (const JdCpContext *self,
               JsonBuilder       *builder,
               const char        *group_name)
{
  g_autofree char *arn = group_arn (self, group_name);

  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "groupName", group_name);
  jd_service_json_add_string (builder, "groupArn", arn);
  json_builder_end_object (builder);
}

static gboolean
op_create_thing_group (Request    *r,
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

  if (!check_group_name (r, "thingGroupName", group_name)
      || !body_string (r, "parentGroupName", 0, &parent))
    return FALSE;
  if (parent != NULL && !check_group_name (r, "parentGroupName", parent))
    return FALSE;

  node = json_object_get_member (r->json, "thingGroupProperties");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonObject *properties;
      JsonNode *text;
      JsonNode *payload;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (r, "Value for 'thingGroupProperties' must be an object");
      properties = json_node_get_object (node);
      text = json_object_get_member (properties, "thingGroupDescription");
      if (text != NULL && !JSON_NODE_HOLDS_NULL (text))
        {
          if (!JSON_NODE_HOLDS_VALUE (text) || json_node_get_value_type (text) != G_TYPE_STRING)
            return invalid (r, "Value for 'thingGroupProperties.thingGroupDescription' must be a string");
          description = json_node_get_string (text);
          if (!jd_rules_is_valid_thing_group_description (description))
            return invalid (r, "1 validation error detected: Value at 'thingGroupProperties.thingGroupDescription' "
                            "failed to satisfy constraint: Member must have length less than or equal to %d and "
                            "satisfy regular expression pattern: [\\p{Graph}\\x20]*", JD_THING_GROUP_DESCRIPTION_MAX);
        }
      payload = json_object_get_member (properties, "attributePayload");
      if (payload != NULL && !JSON_NODE_HOLDS_NULL (payload))
        {
          JsonNode *attrs;

          if (!JSON_NODE_HOLDS_OBJECT (payload))
            return invalid (r, "Value for 'thingGroupProperties.attributePayload' must be an object");
          attrs = json_object_get_member (json_node_get_object (payload), "attributes");
          if (attrs != NULL && !JSON_NODE_HOLDS_NULL (attrs))
            {
              if (!check_string_map (r, attrs, "attributes", FALSE, 800))
                return FALSE;
              attributes = json_node_get_object (attrs);
            }
        }
    }
  /* Tags are accepted and not kept: the sandbox has no tagging API. */
  node = json_object_get_member (r->json, "tags");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node) && !JSON_NODE_HOLDS_ARRAY (node))
    return invalid (r, "Value for 'tags' must be a list");

  arn = group_arn (self, group_name);
  group = jd_store_create_thing_group (self->store, group_name, parent, description, attributes, NULL, &error);
  if (group == NULL)
    return reply_gerror (r, error, group_name, arn);

  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "thingGroupName", group->group_name);
  jd_service_json_add_string (builder, "thingGroupArn", arn);
  jd_service_json_add_string (builder, "thingGroupId", group->group_id);
  json_builder_end_object (builder);
  reply_builder (r, builder);
  return TRUE;
}

static gboolean
op_describe_thing_group (Request    *r,
                         const char *group_name)
{
  const JdCpContext *self = r->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreThingGroup) group = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *arn = NULL;

  if (!check_group_name (r, "thingGroupName", group_name))
    return FALSE;
  group = jd_store_get_thing_group (self->store, group_name, &error);
  if (group == NULL)
    return reply_gerror (r, error, NULL, NULL);

  arn = group_arn (self, group->group_name);
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
      add_object (builder, "attributes", group->attributes);
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
  reply_builder (r, builder);
  return TRUE;
}

static gboolean
op_list_thing_groups (Request *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *after = NULL;
  const char *parent = query (r, "parentGroup");
  const char *prefix = query (r, "namePrefixFilter");
  gboolean recursive = FALSE;
  gboolean more = FALSE;
  guint limit = 0;

  if (!page_params (r, &limit, &after) || !query_bool (r, "recursive", &recursive))
    return FALSE;
  if (parent != NULL && !check_group_name (r, "parentGroup", parent))
    return FALSE;
  if (prefix != NULL && !check_group_name (r, "namePrefixFilter", prefix))
    return FALSE;

  groups = jd_store_list_thing_groups (r->self->store, parent, prefix, recursive, after, limit, &more, &error);
  if (groups == NULL)
    return reply_gerror (r, error, NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "thingGroups");
  json_builder_begin_array (builder);
  for (guint i = 0; i < groups->len; i++)
    add_group_ref (r->self, builder, ((JdStoreThingGroup *) g_ptr_array_index (groups, i))->group_name);
  json_builder_end_array (builder);
  add_next_token (builder, more,
                  groups->len > 0 ? ((JdStoreThingGroup *) g_ptr_array_index (groups, groups->len - 1))->group_name : NULL);
  json_builder_end_object (builder);
  reply_builder (r, builder);
  return TRUE;
}

static gboolean
op_delete_thing_group (Request    *r,
                       const char *group_name)
{
  g_autoptr(GError) error = NULL;
  gint64 version;

  if (!check_group_name (r, "thingGroupName", group_name)
      || !query_int (r, "expectedVersion", 0, G_MAXINT64, -1, &version))
    return FALSE;
  if (!jd_store_delete_thing_group (r->self->store, group_name, version, &error))
    return reply_gerror (r, error, NULL, NULL);
  reply_text (r, 200, "{}");
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

  if (!body_string (r, name_member, 0, &by_name) || !body_string (r, arn_member, 0, &by_arn))
    return FALSE;
  if (by_name != NULL
      && !(group ? check_group_name (r, name_member, by_name) : check_thing_name (r, by_name)))
    return FALSE;
  if (by_arn != NULL && !parse_arn (r, by_arn, arn_member, !group, group, &kind, &from_arn))
    return FALSE;
  if (by_name == NULL && from_arn == NULL)
    return invalid (r, "Either %s or %s must be specified", name_member, arn_member);
  if (by_name != NULL && from_arn != NULL && strcmp (by_name, from_arn) != 0)
    return invalid (r, "%s '%s' and %s '%s' name different resources", name_member, by_name, arn_member, by_arn);
  *name = by_name != NULL ? g_strdup (by_name) : g_steal_pointer (&from_arn);
  return TRUE;
}

static gboolean
op_change_membership (Request  *r,
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
    return invalid (r, "Value for 'overrideDynamicGroups' must be a boolean");

  ok = add ? jd_store_add_thing_to_thing_group (r->self->store, group, thing, &error)
           : jd_store_remove_thing_from_thing_group (r->self->store, group, thing, &error);
  if (!ok)
    return reply_gerror (r, error, NULL, NULL);
  reply_text (r, 200, "{}");
  return TRUE;
}

static gboolean
op_list_things_in_thing_group (Request    *r,
                               const char *group_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) things = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *after = NULL;
  gboolean recursive = FALSE;
  gboolean more = FALSE;
  guint limit = 0;

  if (!check_group_name (r, "thingGroupName", group_name) || !page_params (r, &limit, &after)
      || !query_bool (r, "recursive", &recursive))
    return FALSE;

  things = jd_store_list_things_in_thing_group (r->self->store, group_name, recursive, after, limit, &more, &error);
  if (things == NULL)
    return reply_gerror (r, error, NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "things");
  json_builder_begin_array (builder);
  for (guint i = 0; i < things->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (things, i));
  json_builder_end_array (builder);
  add_next_token (builder, more, things->len > 0 ? g_ptr_array_index (things, things->len - 1) : NULL);
  json_builder_end_object (builder);
  reply_builder (r, builder);
  return TRUE;
}

static gboolean
op_list_thing_groups_for_thing (Request    *r,
                                const char *thing_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *after = NULL;
  gboolean more = FALSE;
  guint limit = 0;

  if (!check_thing_name (r, thing_name) || !page_params (r, &limit, &after))
    return FALSE;

  groups = jd_store_list_thing_groups_for_thing (r->self->store, thing_name, after, limit, &more, &error);
  if (groups == NULL)
    return reply_gerror (r, error, NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "thingGroups");
  json_builder_begin_array (builder);
  for (guint i = 0; i < groups->len; i++)
    add_group_ref (r->self, builder, ((JdStoreThingGroup *) g_ptr_array_index (groups, i))->group_name);
  json_builder_end_array (builder);
  add_next_token (builder, more,
                  groups->len > 0 ? ((JdStoreThingGroup *) g_ptr_array_index (groups, groups->len - 1))->group_name : NULL);
  json_builder_end_object (builder);
  reply_builder (r, builder);
  return TRUE;
}

static gboolean
op_associate_targets (Request    *r,
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

  if (!check_job_id (r, job_id) || !parse_targets (r, targets, things, groups)
      || !body_string (r, "comment", MAX_DESCRIPTION, &comment))
    return FALSE;
  for (const char *p = comment; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return invalid (r, "1 validation error detected: Value at 'comment' failed to satisfy constraint: "
                      "Member must satisfy regular expression pattern: [^\\p{C}]+");

  job = jd_store_associate_targets (r->self->store, job_id, (const char *const *) targets->pdata,
                                    (const char *const *) things->pdata, (const char *const *) groups->pdata, &error);
  if (job == NULL)
    return reply_gerror (r, error, NULL, NULL);

  arn = job_arn (r->self, job_id);
  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "jobArn", arn);
  jd_service_json_add_string (builder, "jobId", job->job_id);
  jd_service_json_add_string (builder, "description", job->description);
  json_builder_end_object (builder);
  reply_builder (r, builder);
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
  else if (is (r, "PUT", 3, "jobs", NULL, "cancel"))
    op_cancel_job (r, s[1]);
  else if (is (r, "GET", 3, "jobs", NULL, "job-document"))
    op_describe_job (r, s[1], TRUE);
  else if (is (r, "GET", 3, "jobs", NULL, "things"))
    op_list_executions_for_job (r, s[1]);
  else if (is (r, "POST", 3, "jobs", NULL, "targets"))
    op_associate_targets (r, s[1]);
  else if (is (r, "GET", 1, "thing-groups"))
    op_list_thing_groups (r);
  else if (is (r, "PUT", 2, "thing-groups", "addThingToThingGroup"))
    op_change_membership (r, TRUE);
  else if (is (r, "PUT", 2, "thing-groups", "removeThingFromThingGroup"))
    op_change_membership (r, FALSE);
  else if (is (r, "POST", 2, "thing-groups", NULL))
    op_create_thing_group (r, s[1]);
  else if (is (r, "GET", 2, "thing-groups", NULL))
    op_describe_thing_group (r, s[1]);
  else if (is (r, "DELETE", 2, "thing-groups", NULL))
    op_delete_thing_group (r, s[1]);
  else if (is (r, "GET", 3, "thing-groups", NULL, "things"))
    op_list_things_in_thing_group (r, s[1]);
  else if (is (r, "GET", 3, "things", NULL, "thing-groups"))
    op_list_thing_groups_for_thing (r, s[1]);
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
    reply_error (r, 404, "UnknownOperationException",
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
          invalid (&r, "The query string could not be parsed: %s", error->message);
          return;
        }
    }

  if (!split_path (&r, request->path))
    {
      invalid (&r, "The path %s has an invalid percent-encoding", request->path);
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
          invalid (&r, "The request body must be a JSON object");
          return;
        }
      /* What json-glib would read wrongly: NUL-cut strings, wrapped integers. */
      if (!jd_rules_check_request_text (text, request->body_len, &error))
        {
          invalid (&r, "%s", error->message);
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
  reply_error_full (&r, status, type, message, NULL, NULL);
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
