/* jd-device-api.c — request handlers and payload builders of the Jobs device API.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-device-api"

#include <errno.h>
#include <string.h>

#include "jd-service-json.h"
#include "jd-device-api.h"
#include "jd-json.h"
#include "jd-rules.h"
#include "jd-topic.h"

/* The two device wires: MQTT topics and the HTTPS data plane (iot-jobs-data). */
typedef enum {
  JD_DEVICE_WIRE_MQTT,
  JD_DEVICE_WIRE_HTTPS,
} JdDeviceWire;

/* A rejected reply being built. */
typedef struct {
  const char       *code;
  char             *message;
  JdStoreExecution *state;      /* executionState, or NULL */
} Rejection;

static void
rejection_clear (Rejection *r)
{
  g_clear_pointer (&r->message, g_free);
  g_clear_pointer (&r->state, jd_store_execution_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Rejection, rejection_clear)

G_GNUC_PRINTF (3, 4)
static gboolean
reject (Rejection  *r,
        const char *code,
        const char *format,
        ...)
{
  va_list args;

  va_start (args, format);
  g_free (r->message);
  r->code = code;
  r->message = g_strdup_vprintf (format, args);
  va_end (args);
  return FALSE;
}

/* ---- identifiers and topics ---- */

gboolean
jd_device_api_is_valid_thing_name (const char *name)
{
  return jd_rules_is_valid_thing_name (name, -1);
}

gboolean
jd_device_api_is_valid_job_id (const char *job_id)
{
  return jd_rules_is_valid_job_id (job_id, -1);
}

JdDeviceTopicKind
jd_device_api_parse_topic (const char  *topic,
                           char       **thing_name,
                           JdDeviceOp  *op,
                           char       **job_id)
{
  JdTopicParts parts;

  g_return_val_if_fail (topic != NULL, JD_DEVICE_TOPIC_NONE);

  switch (jd_topic_parse_request (topic, -1, &parts))
    {
    case JD_TOPIC_PARSE_OK:
      break;
    case JD_TOPIC_PARSE_INVALID_TOPIC:
      if (thing_name != NULL)
        *thing_name = jd_topic_parts_dup_thing_name (&parts);
      return JD_DEVICE_TOPIC_INVALID;
    case JD_TOPIC_PARSE_NOT_JOBS:
    default:
      return JD_DEVICE_TOPIC_NONE;
    }

  if (thing_name != NULL)
    *thing_name = jd_topic_parts_dup_thing_name (&parts);
  if (job_id != NULL)
    *job_id = jd_topic_parts_dup_job_id (&parts);
  if (op != NULL)
    switch (parts.operation)
      {
      case JD_TOPIC_OP_GET_PENDING: *op = JD_DEVICE_OP_GET_PENDING; break;
      case JD_TOPIC_OP_START_NEXT:  *op = JD_DEVICE_OP_START_NEXT; break;
      case JD_TOPIC_OP_DESCRIBE:    *op = JD_DEVICE_OP_DESCRIBE; break;
      case JD_TOPIC_OP_UPDATE:      *op = JD_DEVICE_OP_UPDATE; break;
      case JD_TOPIC_OP_NONE:
      case JD_TOPIC_OP_NOTIFY:
      case JD_TOPIC_OP_NOTIFY_NEXT:
      default:
        g_assert_not_reached ();
      }
  return JD_DEVICE_TOPIC_REQUEST;
}

char *
jd_device_api_reply_topic (const char *request_topic,
                           gboolean    accepted)
{
  g_return_val_if_fail (request_topic != NULL, NULL);

  return jd_topic_build_reply (request_topic, accepted ? JD_TOPIC_KIND_ACCEPTED : JD_TOPIC_KIND_REJECTED);
}

/* ---- JSON output ---- */

static char *
builder_to_text (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static void
add_status_details (JsonBuilder      *builder,
                    JdStoreExecution *e)
{
  g_autoptr(JsonNode) node = NULL;

  if (e->status_details == NULL)
    return;
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, e->status_details);
  json_builder_set_member_name (builder, "statusDetails");
  json_builder_add_value (builder, g_steal_pointer (&node));
}

/* The job document as JSON (an object over MQTT; a document that is not
 * JSON goes out as a string), or as the JSON text in a string over HTTPS
 * (the data plane model's `jobDocument` is a string). */
typedef struct {
  char     *text;
  JsonNode *node;   /* NULL: @text is not JSON */
} ParsedDocument;

static void
parsed_document_free (gpointer data)
{
  ParsedDocument *parsed = data;

  g_free (parsed->text);
  g_clear_pointer (&parsed->node, json_node_unref);
  g_free (parsed);
}

/* The last document parsed on this thread: a job's notify-next goes to
 * each of its things (10,000 for a large group), all with one document. The
 * node is made immutable (json_node_seal), so the builders that take it
 * share it and none can change it. */
static GPrivate last_document = G_PRIVATE_INIT (parsed_document_free);

static JsonNode *
parse_document (const char *document)
{
  ParsedDocument *parsed = g_private_get (&last_document);
  g_autoptr(JsonParser) parser = NULL;

  if (parsed != NULL && strcmp (parsed->text, document) == 0)
    return parsed->node != NULL ? json_node_ref (parsed->node) : NULL;

  parsed = g_new0 (ParsedDocument, 1);
  parsed->text = g_strdup (document);
  parser = json_parser_new_immutable ();
  if (json_parser_load_from_data (parser, document, -1, NULL) && json_parser_get_root (parser) != NULL)
    {
      parsed->node = json_node_ref (json_parser_get_root (parser));
      json_node_seal (parsed->node);
    }
  g_private_replace (&last_document, parsed);
  return parsed->node != NULL ? json_node_ref (parsed->node) : NULL;
}

static void
add_job_document (JsonBuilder  *builder,
                  JdDeviceWire  wire,
                  const char   *document)
{
  JsonNode *node = NULL;

  json_builder_set_member_name (builder, "jobDocument");
  if (wire == JD_DEVICE_WIRE_HTTPS)
    json_builder_add_string_value (builder, document != NULL ? document : "");
  else if (document != NULL && (node = parse_document (document)) != NULL)
    json_builder_add_value (builder, node);
  else
    json_builder_add_string_value (builder, document != NULL ? document : "");
}

/* JobExecutionSummary, in the field order of the captures. */
static void
add_summary (JsonBuilder      *builder,
             JdStoreExecution *e)
{
  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "jobId", e->job_id);
  jd_service_json_add_int (builder, "queuedAt", e->queued_at);
  jd_service_json_add_int (builder, "lastUpdatedAt", e->last_updated_at);
  if (e->started_at > 0)
    jd_service_json_add_int (builder, "startedAt", e->started_at);
  jd_service_json_add_int (builder, "executionNumber", e->execution_number);
  jd_service_json_add_int (builder, "versionNumber", e->version_number);
  json_builder_end_object (builder);
}

/* JobExecution as the device API returns it: over MQTT without thingName,
 * as captured; over HTTPS with it, as the data plane model has it. */
static void
add_execution (JsonBuilder      *builder,
               JdDeviceWire      wire,
               JdStoreExecution *e,
               gboolean          include_document)
{
  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "jobId", e->job_id);
  if (wire == JD_DEVICE_WIRE_HTTPS)
    jd_service_json_add_string (builder, "thingName", e->thing_name);
  jd_service_json_add_string (builder, "status", jd_execution_status_to_string (e->status));
  add_status_details (builder, e);
  jd_service_json_add_int (builder, "queuedAt", e->queued_at);
  if (e->started_at > 0)
    jd_service_json_add_int (builder, "startedAt", e->started_at);
  jd_service_json_add_int (builder, "lastUpdatedAt", e->last_updated_at);
  jd_service_json_add_int (builder, "versionNumber", e->version_number);
  jd_service_json_add_int (builder, "executionNumber", e->execution_number);
  if (e->seconds_before_timeout >= 0)
    jd_service_json_add_int (builder, "approximateSecondsBeforeTimedOut", e->seconds_before_timeout);
  if (include_document)
    add_job_document (builder, wire, e->job_document);
  json_builder_end_object (builder);
}

static void
add_execution_state (JsonBuilder      *builder,
                     JdStoreExecution *e)
{
  json_builder_set_member_name (builder, "executionState");
  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "status", jd_execution_status_to_string (e->status));
  add_status_details (builder, e);
  jd_service_json_add_int (builder, "versionNumber", e->version_number);
  json_builder_end_object (builder);
}

static char *
build_rejected (Rejection  *r,
                const char *client_token,
                gint64      timestamp)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "code", r->code);
  jd_service_json_add_string (builder, "message", r->message != NULL ? r->message : "");
  if (client_token != NULL)
    jd_service_json_add_string (builder, "clientToken", client_token);
  jd_service_json_add_int (builder, "timestamp", timestamp);
  if (r->state != NULL)
    add_execution_state (builder, r->state);
  json_builder_end_object (builder);

  return builder_to_text (builder);
}

/* ---- lenient request parsing ---- */

/* Parses @payload (empty = {}) into an object; InvalidJson otherwise. */
static JsonObject *
parse_payload (const char *payload,
               gsize       len,
               Rejection  *r)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  gsize i;

  if (len > JD_DEVICE_PAYLOAD_MAX)
    {
      reject (r, "InvalidRequest", "The request payload of %" G_GSIZE_FORMAT " bytes exceeds the limit of %d bytes",
              len, JD_DEVICE_PAYLOAD_MAX);
      return NULL;
    }

  for (i = 0; i < len && g_ascii_isspace (payload[i]); i++)
    ;
  if (i == len)
    return json_object_new ();

  if (!g_utf8_validate_len (payload, len, NULL))
    {
      reject (r, "InvalidJson", "The request payload is not valid UTF-8 JSON");
      return NULL;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, payload, (gssize) len, &error))
    {
      reject (r, "InvalidJson", "The request payload could not be parsed as JSON: %s", error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    return json_object_new ();
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      reject (r, "InvalidRequest", "The request payload must be a JSON object");
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

static JsonNode *
get_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return node;
}

/* The integer members of the requests and their ranges. */
static const JdRulesRange step_timeout_range = { "stepTimeoutInMinutes", 1, JD_STEP_TIMEOUT_MINUTES_MAX };
static const JdRulesRange expected_version_range = { "expectedVersion", 0, G_MAXINT64 };
static const JdRulesRange execution_number_range = { "executionNumber", 1, G_MAXINT64 };

/* An integer, given as a number or as a numeric string: the client's own
 * lenient reader, so both sides accept the same spellings. (An integer
 * literal beyond 64 bits was refused from the text already.) */
static gboolean
get_integer (JsonObject         *object,
             const JdRulesRange *range,
             gboolean           *present,
             gint64             *value,
             Rejection          *r)
{
  if (jd_json_read_int64 (object, range->member, present, value, NULL))
    return TRUE;

  return reject (r, "InvalidRequest",
                 "Value for '%s' must be an integer between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT,
                 range->member, range->min, range->max);
}

static gboolean
get_boolean (JsonObject *object,
             const char *name,
             gboolean   *value,
             Rejection  *r)
{
  JsonNode *node = get_member (object, name);

  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_BOOLEAN)
        {
          *value = json_node_get_boolean (node);
          return TRUE;
        }
      if (type == G_TYPE_STRING)
        {
          const char *s = json_node_get_string (node);

          if (g_ascii_strcasecmp (s, "true") == 0 || g_ascii_strcasecmp (s, "false") == 0)
            {
              *value = g_ascii_strcasecmp (s, "true") == 0;
              return TRUE;
            }
        }
    }

  return reject (r, "InvalidRequest", "Value for '%s' must be a boolean", name);
}

/* clientToken: a string of at most 64 characters; *token stays NULL if absent or bad. */
static gboolean
get_client_token (JsonObject  *object,
                  const char **token,
                  Rejection   *r)
{
  JsonNode *node = get_member (object, "clientToken");
  const char *s;

  *token = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return reject (r, "InvalidRequest", "Value for 'clientToken' must be a string");

  s = json_node_get_string (node);
  if (!jd_rules_is_valid_client_token (s, -1))
    return reject (r, "InvalidRequest",
                   "Value for 'clientToken' failed to satisfy constraint: Member must have length less than or equal to %d",
                   JD_CLIENT_TOKEN_MAX);
  *token = s;
  return TRUE;
}

/* statusDetails: string → string, keys [a-zA-Z0-9:_-]{1,128}, values 1–1024
 * characters without control characters. */
static gboolean
get_status_details (JsonObject  *object,
                    JsonObject **details,
                    Rejection   *r)
{
  JsonNode *node = get_member (object, "statusDetails");
  g_autoptr(GList) members = NULL;
  JsonObject *map;

  *details = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return reject (r, "InvalidRequest", "Value for 'statusDetails' must be an object of strings");

  map = json_node_get_object (node);
  members = json_object_get_members (map);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *value = json_object_get_member (map, key);

      if (!jd_rules_is_valid_status_details_key (key, -1))
        return reject (r, "InvalidRequest",
                       "statusDetails key '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+ and have length 1 to %d",
                       key, JD_STATUS_DETAILS_KEY_MAX);
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        return reject (r, "InvalidRequest", "statusDetails value of '%s' must be a string", key);
      if (!jd_rules_is_valid_status_details_value (json_node_get_string (value), -1))
        return reject (r, "InvalidRequest",
                       "statusDetails value of '%s' failed to satisfy constraint: Member must have length 1 to %d and no control characters",
                       key, JD_STATUS_DETAILS_VALUE_MAX);
    }

  *details = json_object_ref (map);
  return TRUE;
}

static gboolean
get_step_timeout (JsonObject *object,
                  gboolean    allow_clear,
                  gint64     *minutes,
                  Rejection  *r)
{
  gboolean present = FALSE;
  gint64 value = 0;

  *minutes = 0;
  if (!get_integer (object, &step_timeout_range, &present, &value, r))
    return FALSE;
  if (!present)
    return TRUE;
  if (jd_rules_is_valid_step_timeout (value, allow_clear))
    {
      *minutes = value;
      return TRUE;
    }
  return reject (r, "InvalidRequest",
                 "Value %" G_GINT64_FORMAT " for 'stepTimeoutInMinutes' failed to satisfy constraint: Member must be between 1 and %d%s",
                 value, JD_STEP_TIMEOUT_MINUTES_MAX, allow_clear ? ", or -1" : "");
}

/* What json-glib cannot see: a NUL inside any string (it cuts the string
 * there) and an integer beyond 64 bits in a member the operation reads (it
 * wraps it). A NUL in the clientToken itself means no token is echoed. */
static gboolean
check_text (JdDeviceOp   op,
            const char  *payload,
            gsize        len,
            const char **client_token,
            Rejection   *r)
{
  static const char *const no_integers[] = { NULL };
  JdRulesRange ranges[3];
  gsize n_ranges = 0;
  g_autoptr(GError) error = NULL;

  if (op == JD_DEVICE_OP_START_NEXT || op == JD_DEVICE_OP_UPDATE)
    ranges[n_ranges++] = step_timeout_range;
  if (op == JD_DEVICE_OP_UPDATE)
    ranges[n_ranges++] = expected_version_range;
  if (op == JD_DEVICE_OP_DESCRIBE || op == JD_DEVICE_OP_UPDATE)
    ranges[n_ranges++] = execution_number_range;

  if (len == 0 || jd_rules_check_json_text (payload, len, ranges, n_ranges, &error))
    return TRUE;

  if (*client_token != NULL)
    {
      g_autofree char *path = NULL;

      if (jd_json_check_text (payload, len, no_integers, &path, NULL) == JD_JSON_TEXT_NUL_IN_STRING
          && g_strcmp0 (path, "clientToken") == 0)
        *client_token = NULL;
    }
  return reject (r, "InvalidRequest", "%s", error->message);
}

/* ---- store errors → rejected codes ---- */

static gboolean
reject_from_error (Rejection *r,
                   GError    *error)
{
  const char *code = "InternalError";

  if (error->domain == JD_SERVICE_ERROR)
    {
      switch ((JdServiceErrorCode) error->code)
        {
        case JD_SERVICE_ERROR_INVALID_REQUEST: code = "InvalidRequest"; break;
        case JD_SERVICE_ERROR_NOT_FOUND: code = "ResourceNotFound"; break;
        case JD_SERVICE_ERROR_INVALID_STATE_TRANSITION: code = "InvalidStateTransition"; break;
        case JD_SERVICE_ERROR_VERSION_CONFLICT: code = "VersionMismatch"; break;
        case JD_SERVICE_ERROR_TERMINAL_STATE: code = "TerminalStateReached"; break;
        case JD_SERVICE_ERROR_ALREADY_EXISTS:
        case JD_SERVICE_ERROR_LIMIT_EXCEEDED:
        case JD_SERVICE_ERROR_STORAGE:
        default:
          code = "InternalError";
          break;
        }
    }

  return reject (r, code, "%s", error->message);
}

/* ---- operations ---- */

static gboolean
handle_get_pending (JdStore     *store,
                    const char  *thing_name,
                    JsonBuilder *builder,
                    Rejection   *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) running = NULL;
  g_autoptr(GPtrArray) queued = NULL;

  guint budget = JD_GET_PENDING_JOBS_MAX;

  if (!jd_store_get_pending (store, thing_name, &running, &queued, &error))
    return reject_from_error (r, error);

  /* At most JD_GET_PENDING_JOBS_MAX in all, as AWS returns: 10,000 pending
   * executions made a 1.1 MB reply, which the broker (AWS's 128 KB limit)
   * refused, so the device never heard back. */
  json_builder_set_member_name (builder, "inProgressJobs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < running->len && budget > 0; i++, budget--)
    add_summary (builder, g_ptr_array_index (running, i));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "queuedJobs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < queued->len && budget > 0; i++, budget--)
    add_summary (builder, g_ptr_array_index (queued, i));
  json_builder_end_array (builder);

  return TRUE;
}

static gboolean
handle_start_next (JdStore     *store,
                   JdDeviceWire wire,
                   const char  *thing_name,
                   JsonObject  *request,
                   JsonBuilder *builder,
                   Rejection   *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) details = NULL;
  g_autoptr(JdStoreExecution) execution = NULL;
  gint64 step = 0;

  if (!get_status_details (request, &details, r) || !get_step_timeout (request, FALSE, &step, r))
    return FALSE;

  if (!jd_store_start_next (store, thing_name, details, step, &execution, &error))
    return reject_from_error (r, error);

  if (execution != NULL)
    {
      json_builder_set_member_name (builder, "execution");
      add_execution (builder, wire, execution, TRUE);
    }
  return TRUE;
}

static gboolean
handle_describe (JdStore     *store,
                 JdDeviceWire wire,
                 const char  *thing_name,
                 const char  *job_id,
                 JsonObject  *request,
                 JsonBuilder *builder,
                 Rejection   *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdStoreExecution) execution = NULL;
  gboolean include_document = TRUE;
  gboolean has_number = FALSE;
  gint64 number = -1;

  if (!get_integer (request, &execution_number_range, &has_number, &number, r)
      || !get_boolean (request, "includeJobDocument", &include_document, r))
    return FALSE;
  if (has_number && number < 1)
    return reject (r, "InvalidRequest", "Value for 'executionNumber' must be at least 1");

  if (jd_rules_is_next_job_id (job_id, -1))
    {
      execution = jd_store_get_next (store, thing_name, &error);
      if (error != NULL)
        return reject_from_error (r, error);
    }
  else
    {
      execution = jd_store_get_execution (store, thing_name, job_id, has_number ? number : -1, &error);
      if (execution == NULL)
        return reject_from_error (r, error);
      if (jd_execution_status_is_terminal (execution->status))
        return reject (r, "TerminalStateReached",
                       "The job execution of job %s on thing %s is in the terminal state %s",
                       job_id, thing_name, jd_execution_status_to_string (execution->status));
    }

  if (execution != NULL)
    {
      json_builder_set_member_name (builder, "execution");
      add_execution (builder, wire, execution, include_document);
    }
  return TRUE;
}

static gboolean
handle_update (JdStore     *store,
               JdDeviceWire wire,
               const char  *thing_name,
               const char  *job_id,
               JsonObject  *request,
               JsonBuilder *builder,
               Rejection   *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) details = NULL;
  g_autoptr(JdStoreExecution) execution = NULL;
  JdStoreExecution *current = NULL;
  JdStoreUpdate update = { JD_EXECUTION_STATUS_QUEUED, NULL, -1, -1, 0 };
  gboolean include_state = FALSE;
  gboolean include_document = FALSE;
  gboolean has_version = FALSE;
  gboolean has_number = FALSE;
  gint64 version = -1;
  gint64 number = -1;
  JsonNode *status_node;
  const char *status;

  if (jd_rules_is_next_job_id (job_id, -1))
    return reject (r, "InvalidRequest", "UpdateJobExecution needs a job id, not $next");

  status_node = get_member (request, "status");
  if (status_node == NULL)
    return reject (r, "InvalidRequest", "Value null at 'status' failed to satisfy constraint: Member must not be null");
  if (!JSON_NODE_HOLDS_VALUE (status_node) || json_node_get_value_type (status_node) != G_TYPE_STRING)
    return reject (r, "InvalidRequest", "Value for 'status' must be a string");
  status = json_node_get_string (status_node);
  if ((update.status = jd_execution_status_from_string (status)) == JD_EXECUTION_STATUS_UNKNOWN)
    return reject (r, "InvalidRequest",
                   "Value '%s' at 'status' failed to satisfy constraint: Member must satisfy enum value set: "
                   "[QUEUED, IN_PROGRESS, SUCCEEDED, FAILED, TIMED_OUT, REJECTED, REMOVED, CANCELED]",
                   status);
  if (update.status == JD_EXECUTION_STATUS_TIMED_OUT || update.status == JD_EXECUTION_STATUS_REMOVED || update.status == JD_EXECUTION_STATUS_CANCELED)
    return reject (r, "InvalidRequest",
                   "The status %s can only be set by the Jobs service; a device may set IN_PROGRESS, SUCCEEDED, FAILED or REJECTED",
                   status);

  if (!get_status_details (request, &details, r)
      || !get_integer (request, &expected_version_range, &has_version, &version, r)
      || !get_integer (request, &execution_number_range, &has_number, &number, r)
      || !get_boolean (request, "includeJobExecutionState", &include_state, r)
      || !get_boolean (request, "includeJobDocument", &include_document, r)
      || !get_step_timeout (request, TRUE, &update.step_timeout_minutes, r))
    return FALSE;
  if (has_version && version < 0)
    return reject (r, "InvalidRequest", "Value for 'expectedVersion' must not be negative");
  if (has_number && number < 1)
    return reject (r, "InvalidRequest", "Value for 'executionNumber' must be at least 1");

  update.status_details = details;
  update.expected_version = has_version ? version : -1;
  update.execution_number = has_number ? number : -1;

  execution = jd_store_update_execution (store, thing_name, job_id, &update, &current, &error);
  if (execution == NULL)
    {
      reject_from_error (r, error);
      r->state = current;
      return FALSE;
    }

  if (include_state)
    add_execution_state (builder, execution);
  if (include_document)
    add_job_document (builder, wire, execution->job_document);
  return TRUE;
}

/* The checks and the operation both wires share; adds the operation's
 * members to @builder (an open object). */
static gboolean
run_operation (JdStore      *store,
               JdDeviceWire  wire,
               const char   *thing_name,
               JdDeviceOp    op,
               const char   *job_id,
               JsonObject   *request,
               JsonBuilder  *builder,
               Rejection    *r)
{
  if (!jd_rules_is_valid_thing_name (thing_name, -1))
    {
      reject (r, "InvalidRequest",
              "Thing name '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+",
              thing_name);
      return FALSE;
    }
  if ((op == JD_DEVICE_OP_DESCRIBE || op == JD_DEVICE_OP_UPDATE)
      && (job_id == NULL || (!jd_rules_is_next_job_id (job_id, -1) && !jd_rules_is_valid_job_id (job_id, -1))))
    {
      reject (r, "InvalidRequest",
              "Job id '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+ and have length 1 to 64",
              job_id != NULL ? job_id : "");
      return FALSE;
    }

  if (!jd_store_admit_request (store, (guint) op))
    {
      reject (r, "RequestThrottled", "Rate exceeded");
      return FALSE;
    }

  switch (op)
    {
    case JD_DEVICE_OP_GET_PENDING:
      return handle_get_pending (store, thing_name, builder, r);
    case JD_DEVICE_OP_START_NEXT:
      return handle_start_next (store, wire, thing_name, request, builder, r);
    case JD_DEVICE_OP_DESCRIBE:
      return handle_describe (store, wire, thing_name, job_id, request, builder, r);
    case JD_DEVICE_OP_UPDATE:
      return handle_update (store, wire, thing_name, job_id, request, builder, r);
    default:
      return reject (r, "InvalidTopic", "Unknown operation");
    }
}

void
jd_device_api_handle (JdStore     *store,
                      const char  *thing_name,
                      JdDeviceOp   op,
                      const char  *job_id,
                      const char  *payload,
                      gsize        len,
                      gboolean    *accepted,
                      char       **reply_json)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonObject) request = NULL;
  g_auto(Rejection) r = { NULL, NULL, NULL };
  const char *client_token = NULL;
  gboolean ok = FALSE;

  g_return_if_fail (JD_IS_STORE (store));
  g_return_if_fail (thing_name != NULL);
  g_return_if_fail (accepted != NULL && reply_json != NULL);
  g_return_if_fail (payload != NULL || len == 0);

  json_builder_begin_object (builder);

  request = parse_payload (payload, len, &r);
  if (request == NULL)
    goto done;
  if (!get_client_token (request, &client_token, &r))
    goto done;
  if (!check_text (op, payload, len, &client_token, &r))
    goto done;
  if (client_token != NULL)
    jd_service_json_add_string (builder, "clientToken", client_token);
  /* The reply's timestamp follows clientToken, as in the captures. */
  jd_service_json_add_int (builder, "timestamp", jd_store_now (store));

  ok = run_operation (store, JD_DEVICE_WIRE_MQTT, thing_name, op, job_id, request, builder, &r);

done:
  json_builder_end_object (builder);
  *accepted = ok;
  if (ok)
    *reply_json = builder_to_text (builder);
  else
    *reply_json = build_rejected (&r, client_token, jd_store_now (store));
}

/* One member of @request per query parameter the body does not set:
 * DescribeJobExecution's includeJobDocument and executionNumber travel in
 * the query, and the lenient readers accept their text. */
static void
merge_query (JsonObject *request,
             GHashTable *query)
{
  GHashTableIter iter;
  gpointer key, value;

  if (query == NULL)
    return;
  g_hash_table_iter_init (&iter, query);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!json_object_has_member (request, key))
      json_object_set_string_member (request, key, value);
}

/**
 * jd_device_api_handle_https:
 * @store: the state
 * @thing_name: the thing of the path
 * @op: the operation the path and method name
 * @job_id: (nullable): the job of the path (describe, update), maybe `$next`
 * @query: (nullable) (element-type utf8 utf8): the decoded query parameters
 * @body: (nullable): the request body
 * @len: its length
 * @code: (out): on failure, the rejected code as over MQTT ("InvalidRequest", …)
 * @reply_json: (out) (transfer full): the response body, or on failure the
 *   error's members (`message`, and `executionState` when there is one)
 *
 * The same operation as jd_device_api_handle() (the same checks, store calls
 * and request budgets) with the HTTPS data plane's shapes: no clientToken or
 * timestamp, JobExecution with thingName, jobDocument as a JSON string.
 *
 * Returns: whether the request succeeded
 */
gboolean
jd_device_api_handle_https (JdStore     *store,
                            const char  *thing_name,
                            JdDeviceOp   op,
                            const char  *job_id,
                            GHashTable  *query,
                            const char  *body,
                            gsize        len,
                            const char **code,
                            char       **reply_json)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonObject) request = NULL;
  g_auto(Rejection) r = { NULL, NULL, NULL };
  gboolean ok = FALSE;

  g_return_val_if_fail (JD_IS_STORE (store), FALSE);
  g_return_val_if_fail (thing_name != NULL, FALSE);
  g_return_val_if_fail (code != NULL && reply_json != NULL, FALSE);
  g_return_val_if_fail (body != NULL || len == 0, FALSE);

  *code = NULL;
  json_builder_begin_object (builder);

  request = parse_payload (body, len, &r);
  if (request != NULL)
    {
      const char *no_token = NULL;

      merge_query (request, query);
      if (check_text (op, body, len, &no_token, &r))
        ok = run_operation (store, JD_DEVICE_WIRE_HTTPS, thing_name, op, job_id, request, builder, &r);
    }
  json_builder_end_object (builder);

  if (ok)
    {
      *reply_json = builder_to_text (builder);
      return TRUE;
    }

  g_clear_object (&builder);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  jd_service_json_add_string (builder, "message", r.message != NULL ? r.message : "");
  if (r.state != NULL)
    add_execution_state (builder, r.state);
  json_builder_end_object (builder);

  /* JSON that is not JSON is a bad request over HTTPS. */
  *code = g_strcmp0 (r.code, "InvalidJson") == 0 ? "InvalidRequest" : r.code;
  *reply_json = builder_to_text (builder);
  return FALSE;
}

char *
jd_device_api_build_invalid_topic (const char *topic,
                                   const char *payload,
                                   gsize       len)
{
  g_auto(Rejection) r = { NULL, NULL, NULL };
  g_auto(Rejection) ignored = { NULL, NULL, NULL };
  g_autoptr(JsonObject) request = NULL;
  const char *client_token = NULL;

  g_return_val_if_fail (topic != NULL, NULL);

  request = payload != NULL ? parse_payload (payload, len, &ignored) : NULL;
  if (request != NULL)
    get_client_token (request, &client_token, &ignored);

  reject (&r, "InvalidTopic", "The topic %s does not match any Jobs operation", topic);
  return build_rejected (&r, client_token, g_get_real_time () / G_USEC_PER_SEC);
}

/* ---- notifications ---- */

static char *
notify_from_pending (JdStore   *store,
                     GPtrArray *running,
                     GPtrArray *queued)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint budget = JD_NOTIFY_JOBS_MAX;

  json_builder_begin_object (builder);
  jd_service_json_add_int (builder, "timestamp", jd_store_now (store));
  json_builder_set_member_name (builder, "jobs");
  json_builder_begin_object (builder);
  for (guint k = 0; k < 2; k++)
    {
      GPtrArray *list = k == 0 ? running : queued;

      if (list->len == 0 || budget == 0)
        continue;
      json_builder_set_member_name (builder, k == 0 ? "IN_PROGRESS" : "QUEUED");
      json_builder_begin_array (builder);
      for (guint i = 0; i < list->len && budget > 0; i++, budget--)
        add_summary (builder, g_ptr_array_index (list, i));
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return builder_to_text (builder);
}

static char *
notify_next_from (JdStore          *store,
                  JdStoreExecution *next)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  jd_service_json_add_int (builder, "timestamp", jd_store_now (store));
  if (next != NULL)
    {
      json_builder_set_member_name (builder, "execution");
      add_execution (builder, JD_DEVICE_WIRE_MQTT, next, TRUE);
    }
  json_builder_end_object (builder);

  return builder_to_text (builder);
}

char *
jd_device_api_build_notify (JdStore     *store,
                            const char  *thing_name,
                            GError     **error)
{
  g_autofree char *notify = NULL;

  if (!jd_device_api_build_notifications (store, thing_name, &notify, NULL, error))
    return NULL;
  return g_steal_pointer (&notify);
}

char *
jd_device_api_build_notify_next (JdStore     *store,
                                 const char  *thing_name,
                                 GError     **error)
{
  g_autofree char *next = NULL;

  if (!jd_device_api_build_notifications (store, thing_name, NULL, &next, error))
    return NULL;
  return g_steal_pointer (&next);
}

gboolean
jd_device_api_build_notifications (JdStore     *store,
                                   const char  *thing_name,
                                   char       **notify,
                                   char       **notify_next,
                                   GError     **error)
{
  g_autoptr(GPtrArray) running = NULL;
  g_autoptr(GPtrArray) queued = NULL;
  g_autoptr(JdStoreExecution) next = NULL;

  g_return_val_if_fail (JD_IS_STORE (store), FALSE);
  g_return_val_if_fail (thing_name != NULL, FALSE);

  if (!jd_store_get_pending_and_next (store, thing_name, &running, &queued,
                                      notify_next != NULL ? &next : NULL, error))
    return FALSE;
  if (notify != NULL)
    *notify = notify_from_pending (store, running, queued);
  if (notify_next != NULL)
    *notify_next = notify_next_from (store, next);
  return TRUE;
}

/* ---- fleet events ---- */

char *
jd_device_api_build_event (const JdStoreEvent *event,
                           const char         *region,
                           const char         *account_id,
                           char              **topic)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *event_id = g_uuid_string_random ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (event != NULL, NULL);
  g_return_val_if_fail (region != NULL && account_id != NULL && topic != NULL, NULL);

  json_builder_begin_object (builder);
  if (event->kind == JD_STORE_EVENT_JOB_EXECUTION)
    {
      JdStoreExecution *e = event->execution;
      g_autofree char *arn = g_strdup_printf ("arn:aws:iot:%s:%s:thing/%s", region, account_id, e->thing_name);

      g_return_val_if_fail (e != NULL, NULL);
      *topic = jd_topic_build_event (TRUE, e->job_id, event->operation);
      jd_service_json_add_string (builder, "eventType", "JOB_EXECUTION");
      jd_service_json_add_string (builder, "eventId", event_id);
      jd_service_json_add_int (builder, "timestamp", now);
      jd_service_json_add_string (builder, "operation", event->operation);
      jd_service_json_add_string (builder, "jobId", e->job_id);
      jd_service_json_add_string (builder, "thingArn", arn);
      jd_service_json_add_string (builder, "status", jd_execution_status_to_string (e->status));
      add_status_details (builder, e);
    }
  else
    {
      JdStoreJob *job = event->job;

      g_return_val_if_fail (job != NULL, NULL);
      *topic = jd_topic_build_event (FALSE, job->job_id, event->operation);
      jd_service_json_add_string (builder, "eventType", "JOB");
      jd_service_json_add_string (builder, "eventId", event_id);
      jd_service_json_add_int (builder, "timestamp", now);
      jd_service_json_add_string (builder, "operation", event->operation);
      jd_service_json_add_string (builder, "jobId", job->job_id);
      jd_service_json_add_string (builder, "status", strcmp (event->operation, "deleted") == 0
                                     ? "DELETED" : jd_job_status_to_string (job->status));
      jd_service_json_add_string (builder, "targetSelection", job->target_selection);
      json_builder_set_member_name (builder, "targets");
      json_builder_begin_array (builder);
      for (guint i = 0; job->targets != NULL && job->targets[i] != NULL; i++)
        json_builder_add_string_value (builder, job->targets[i]);
      json_builder_end_array (builder);
      if (job->description != NULL)
        jd_service_json_add_string (builder, "description", job->description);
      /* The documented job events carry these three in milliseconds. */
      jd_service_json_add_int (builder, "createdAt", job->created_at * 1000);
      jd_service_json_add_int (builder, "lastUpdatedAt", job->last_updated_at * 1000);
      if (job->completed_at > 0)
        jd_service_json_add_int (builder, "completedAt", job->completed_at * 1000);
      if (strcmp (event->operation, "completed") == 0)
        {
          json_builder_set_member_name (builder, "jobProcessDetails");
          json_builder_begin_object (builder);
          jd_service_json_add_int (builder, "numberOfCanceledThings", job->n_canceled);
          jd_service_json_add_int (builder, "numberOfRejectedThings", job->n_rejected);
          jd_service_json_add_int (builder, "numberOfFailedThings", job->n_failed);
          jd_service_json_add_int (builder, "numberOfRemovedThings", job->n_removed);
          jd_service_json_add_int (builder, "numberOfSucceededThings", job->n_succeeded);
          jd_service_json_add_int (builder, "numberOfTimedOutThings", job->n_timed_out);
          json_builder_end_object (builder);
        }
      if ((strcmp (event->operation, "deleted") == 0 || strcmp (event->operation, "canceled") == 0)
          && job->comment != NULL)
        jd_service_json_add_string (builder, "comment", job->comment);
    }
  json_builder_end_object (builder);

  return builder_to_text (builder);
}
