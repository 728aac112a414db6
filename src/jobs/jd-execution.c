/* jd-execution.c — one AWS IoT job execution as a GObject, parsed from and
 * written to AWS's JSON shapes (JobExecution, JobExecutionSummary,
 * JobExecutionState). Updates happen in place so that rows bound to the
 * object refresh through `notify`; a property notifies only when it changes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-execution"

#include <string.h>

#include "jd-execution.h"
#include "jd-json.h"
#include "jd-jobs-error.h"
#include "jd-topic.h"

struct _JdExecution
{
  GObject            parent_instance;

  char              *job_id;
  char              *thing_name;
  JdExecutionStatus  status;
  char              *status_string;   /* AWS's spelling, kept for unknown values */
  GHashTable        *status_details;  /* string → string, never NULL */
  GDateTime         *queued_at;
  GDateTime         *started_at;
  GDateTime         *last_updated_at;
  gint64             version_number;
  gint64             execution_number;
  gint64             seconds_before_timed_out;  /* -1: no timer */
  JsonNode          *job_document;
  gboolean           is_next;
};

G_DEFINE_FINAL_TYPE (JdExecution, jd_execution, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_JOB_ID,
  PROP_THING_NAME,
  PROP_STATUS,
  PROP_STATUS_DETAILS,
  PROP_QUEUED_AT,
  PROP_STARTED_AT,
  PROP_LAST_UPDATED_AT,
  PROP_VERSION_NUMBER,
  PROP_EXECUTION_NUMBER,
  PROP_APPROXIMATE_SECONDS_BEFORE_TIMED_OUT,
  PROP_JOB_DOCUMENT,
  PROP_IS_NEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const struct {
  JdExecutionStatus  status;
  const char        *aws;
  const char        *nick;
} status_names[] = {
  { JD_EXECUTION_STATUS_UNKNOWN, "UNKNOWN", "unknown" },
  { JD_EXECUTION_STATUS_QUEUED, "QUEUED", "queued" },
  { JD_EXECUTION_STATUS_IN_PROGRESS, "IN_PROGRESS", "in-progress" },
  { JD_EXECUTION_STATUS_SUCCEEDED, "SUCCEEDED", "succeeded" },
  { JD_EXECUTION_STATUS_FAILED, "FAILED", "failed" },
  { JD_EXECUTION_STATUS_TIMED_OUT, "TIMED_OUT", "timed-out" },
  { JD_EXECUTION_STATUS_REJECTED, "REJECTED", "rejected" },
  { JD_EXECUTION_STATUS_REMOVED, "REMOVED", "removed" },
  { JD_EXECUTION_STATUS_CANCELED, "CANCELED", "canceled" },
};

G_DEFINE_ENUM_TYPE (JdExecutionStatus, jd_execution_status,
  G_DEFINE_ENUM_VALUE (JD_EXECUTION_STATUS_UNKNOWN, "unknown"),
  G_DEFINE_ENUM_VALUE (JD_EXECUTION_STATUS_QUEUED, "queued"),
  G_DEFINE_ENUM_VALUE (JD_EXECUTION_STATUS_IN_PROGRESS, "in-progress"),
  G_DEFINE_ENUM_VALUE (JD_EXECUTION_STATUS_SUCCEEDED, "succeeded"),
  G_DEFINE_ENUM_VALUE (JD_EXECUTION_STATUS_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (JD_EXECUTION_STATUS_TIMED_OUT, "timed-out"),
  G_DEFINE_ENUM_VALUE (JD_EXECUTION_STATUS_REJECTED, "rejected"),
  G_DEFINE_ENUM_VALUE (JD_EXECUTION_STATUS_REMOVED, "removed"),
  G_DEFINE_ENUM_VALUE (JD_EXECUTION_STATUS_CANCELED, "canceled"))

/**
 * jd_execution_status_from_string:
 * @status: (nullable): AWS's spelling, e.g. "IN_PROGRESS"
 *
 * Returns: the status, or %JD_EXECUTION_STATUS_UNKNOWN for anything else
 */
JdExecutionStatus
jd_execution_status_from_string (const char *status)
{
  if (status == NULL)
    return JD_EXECUTION_STATUS_UNKNOWN;

  for (guint i = 1; i < G_N_ELEMENTS (status_names); i++)
    if (strcmp (status_names[i].aws, status) == 0)
      return status_names[i].status;

  return JD_EXECUTION_STATUS_UNKNOWN;
}

/**
 * jd_execution_status_to_string:
 * @status: a status
 *
 * Returns: AWS's spelling ("UNKNOWN" for the unknown value or out of range)
 */
const char *
jd_execution_status_to_string (JdExecutionStatus status)
{
  if ((guint) status < G_N_ELEMENTS (status_names))
    return status_names[status].aws;
  return status_names[0].aws;
}

/**
 * jd_execution_status_is_terminal:
 * @status: a status
 *
 * Returns: whether no further change can happen (reference §5)
 */
gboolean
jd_execution_status_is_terminal (JdExecutionStatus status)
{
  switch (status)
    {
    case JD_EXECUTION_STATUS_SUCCEEDED:
    case JD_EXECUTION_STATUS_FAILED:
    case JD_EXECUTION_STATUS_TIMED_OUT:
    case JD_EXECUTION_STATUS_REJECTED:
    case JD_EXECUTION_STATUS_REMOVED:
    case JD_EXECUTION_STATUS_CANCELED:
      return TRUE;
    case JD_EXECUTION_STATUS_UNKNOWN:
    case JD_EXECUTION_STATUS_QUEUED:
    case JD_EXECUTION_STATUS_IN_PROGRESS:
    default:
      return FALSE;
    }
}

/**
 * jd_execution_status_is_pending:
 * @status: a status
 *
 * Returns: whether @status is QUEUED or IN_PROGRESS
 */
gboolean
jd_execution_status_is_pending (JdExecutionStatus status)
{
  return status == JD_EXECUTION_STATUS_QUEUED || status == JD_EXECUTION_STATUS_IN_PROGRESS;
}

/* ---- helpers ---- */

static gboolean
details_equal (GHashTable *a,
               GHashTable *b)
{
  GHashTableIter iter;
  gpointer key, value;

  if (g_hash_table_size (a) != g_hash_table_size (b))
    return FALSE;

  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_strcmp0 (value, g_hash_table_lookup (b, key)) != 0)
      return FALSE;

  return TRUE;
}

static GHashTable *
details_copy (GHashTable *src)
{
  GHashTable *copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, value;

  if (src != NULL)
    {
      g_hash_table_iter_init (&iter, src);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (copy, g_strdup (key), g_strdup (value));
    }

  return copy;
}

static gboolean
set_date_time (GDateTime **field,
               GDateTime  *when)
{
  if (*field == when || (*field != NULL && when != NULL && g_date_time_equal (*field, when)))
    return FALSE;

  g_clear_pointer (field, g_date_time_unref);
  *field = when ? g_date_time_ref (when) : NULL;
  return TRUE;
}

/* ---- GObject ---- */

static void
jd_execution_finalize (GObject *object)
{
  JdExecution *self = (JdExecution *) object;

  g_clear_pointer (&self->job_id, g_free);
  g_clear_pointer (&self->thing_name, g_free);
  g_clear_pointer (&self->status_string, g_free);
  g_clear_pointer (&self->status_details, g_hash_table_unref);
  g_clear_pointer (&self->queued_at, g_date_time_unref);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  g_clear_pointer (&self->last_updated_at, g_date_time_unref);
  g_clear_pointer (&self->job_document, json_node_unref);

  G_OBJECT_CLASS (jd_execution_parent_class)->finalize (object);
}

static void
jd_execution_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  JdExecution *self = JD_EXECUTION (object);

  switch (prop_id)
    {
    case PROP_JOB_ID:
      g_value_set_string (value, self->job_id);
      break;
    case PROP_THING_NAME:
      g_value_set_string (value, self->thing_name);
      break;
    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case PROP_STATUS_DETAILS:
      g_value_set_boxed (value, self->status_details);
      break;
    case PROP_QUEUED_AT:
      g_value_set_boxed (value, self->queued_at);
      break;
    case PROP_STARTED_AT:
      g_value_set_boxed (value, self->started_at);
      break;
    case PROP_LAST_UPDATED_AT:
      g_value_set_boxed (value, self->last_updated_at);
      break;
    case PROP_VERSION_NUMBER:
      g_value_set_int64 (value, self->version_number);
      break;
    case PROP_EXECUTION_NUMBER:
      g_value_set_int64 (value, self->execution_number);
      break;
    case PROP_APPROXIMATE_SECONDS_BEFORE_TIMED_OUT:
      g_value_set_int64 (value, self->seconds_before_timed_out);
      break;
    case PROP_JOB_DOCUMENT:
      g_value_set_boxed (value, self->job_document);
      break;
    case PROP_IS_NEXT:
      g_value_set_boolean (value, self->is_next);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_execution_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  JdExecution *self = JD_EXECUTION (object);

  switch (prop_id)
    {
    case PROP_JOB_ID:
      self->job_id = g_value_dup_string (value);
      break;
    case PROP_THING_NAME:
      jd_execution_set_thing_name (self, g_value_get_string (value));
      break;
    case PROP_STATUS:
      jd_execution_set_status (self, g_value_get_enum (value));
      break;
    case PROP_STATUS_DETAILS:
      jd_execution_set_status_details (self, g_value_get_boxed (value));
      break;
    case PROP_QUEUED_AT:
      jd_execution_set_queued_at (self, g_value_get_boxed (value));
      break;
    case PROP_STARTED_AT:
      jd_execution_set_started_at (self, g_value_get_boxed (value));
      break;
    case PROP_LAST_UPDATED_AT:
      jd_execution_set_last_updated_at (self, g_value_get_boxed (value));
      break;
    case PROP_VERSION_NUMBER:
      jd_execution_set_version_number (self, g_value_get_int64 (value));
      break;
    case PROP_EXECUTION_NUMBER:
      jd_execution_set_execution_number (self, g_value_get_int64 (value));
      break;
    case PROP_APPROXIMATE_SECONDS_BEFORE_TIMED_OUT:
      jd_execution_set_approximate_seconds_before_timed_out (self, g_value_get_int64 (value));
      break;
    case PROP_JOB_DOCUMENT:
      jd_execution_set_job_document (self, g_value_get_boxed (value));
      break;
    case PROP_IS_NEXT:
      jd_execution_set_is_next (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_execution_class_init (JdExecutionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = jd_execution_finalize;
  object_class->get_property = jd_execution_get_property;
  object_class->set_property = jd_execution_set_property;

  properties[PROP_JOB_ID] =
    g_param_spec_string ("job-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_THING_NAME] =
    g_param_spec_string ("thing-name", NULL, NULL, NULL, rw);
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, JD_TYPE_EXECUTION_STATUS,
                       JD_EXECUTION_STATUS_UNKNOWN, rw);
  properties[PROP_STATUS_DETAILS] =
    g_param_spec_boxed ("status-details", NULL, NULL, G_TYPE_HASH_TABLE, rw);
  properties[PROP_QUEUED_AT] =
    g_param_spec_boxed ("queued-at", NULL, NULL, G_TYPE_DATE_TIME, rw);
  properties[PROP_STARTED_AT] =
    g_param_spec_boxed ("started-at", NULL, NULL, G_TYPE_DATE_TIME, rw);
  properties[PROP_LAST_UPDATED_AT] =
    g_param_spec_boxed ("last-updated-at", NULL, NULL, G_TYPE_DATE_TIME, rw);
  properties[PROP_VERSION_NUMBER] =
    g_param_spec_int64 ("version-number", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_EXECUTION_NUMBER] =
    g_param_spec_int64 ("execution-number", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_APPROXIMATE_SECONDS_BEFORE_TIMED_OUT] =
    g_param_spec_int64 ("approximate-seconds-before-timed-out", NULL, NULL,
                        -1, G_MAXINT64, -1, rw);
  properties[PROP_JOB_DOCUMENT] =
    g_param_spec_boxed ("job-document", NULL, NULL, JSON_TYPE_NODE, rw);
  properties[PROP_IS_NEXT] =
    g_param_spec_boolean ("is-next", NULL, NULL, FALSE, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jd_execution_init (JdExecution *self)
{
  self->status_details = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->seconds_before_timed_out = -1;
}

/* ---- public API ---- */

/**
 * jd_execution_new:
 * @job_id: the job id
 *
 * Returns: (transfer full): a new execution with status unknown
 */
JdExecution *
jd_execution_new (const char *job_id)
{
  g_return_val_if_fail (job_id != NULL, NULL);

  return g_object_new (JD_TYPE_EXECUTION, "job-id", job_id, NULL);
}

static const char *
read_job_id (JsonObject  *object,
             GError     **error)
{
  const char *job_id = NULL;
  gboolean present;

  if (!jd_json_read_string (object, "jobId", &present, &job_id, error))
    return NULL;

  if (!present || !jd_topic_is_valid_job_id (job_id, -1))
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REPLY,
                   "the execution has no valid “jobId”");
      return NULL;
    }

  return job_id;
}

/**
 * jd_execution_new_from_json:
 * @object: a JobExecution object (`execution` of a reply or notify-next)
 * @error: return location for a %JD_JOBS_ERROR_INVALID_REPLY error
 *
 * Returns: (transfer full) (nullable): the execution, or %NULL on error
 */
JdExecution *
jd_execution_new_from_json (JsonObject  *object,
                            GError     **error)
{
  g_autoptr(JdExecution) self = NULL;
  const char *job_id;

  g_return_val_if_fail (object != NULL, NULL);

  if ((job_id = read_job_id (object, error)) == NULL)
    return NULL;

  self = jd_execution_new (job_id);
  if (!jd_execution_update_from_json (self, object, JD_EXECUTION_PARSE_FULL, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * jd_execution_new_from_summary:
 * @object: a JobExecutionSummary (an entry of get-pending or notify lists)
 * @status: the status of the list it came from
 * @error: return location for a %JD_JOBS_ERROR_INVALID_REPLY error
 *
 * Returns: (transfer full) (nullable): the execution, or %NULL on error
 */
JdExecution *
jd_execution_new_from_summary (JsonObject         *object,
                               JdExecutionStatus   status,
                               GError            **error)
{
  g_autoptr(JdExecution) self = NULL;
  const char *job_id;

  g_return_val_if_fail (object != NULL, NULL);

  if ((job_id = read_job_id (object, error)) == NULL)
    return NULL;

  self = jd_execution_new (job_id);
  if (!jd_execution_update_from_json (self, object, JD_EXECUTION_PARSE_MERGE, error))
    return NULL;
  jd_execution_set_status (self, status);

  return g_steal_pointer (&self);
}

/**
 * jd_execution_update_from_json:
 * @self: an execution
 * @object: a JobExecution or JobExecutionSummary of the same job
 * @flags: how to treat missing fields
 * @error: return location for a %JD_JOBS_ERROR_INVALID_REPLY error
 *
 * Updates @self in place, notifying only the properties that change. The
 * object is checked fully before anything changes, so on error @self is
 * untouched. A `jobId` other than @self's is an error.
 *
 * Returns: %TRUE on success
 */
gboolean
jd_execution_update_from_json (JdExecution            *self,
                               JsonObject             *object,
                               JdExecutionParseFlags   flags,
                               GError                **error)
{
  const char *job_id = NULL, *thing_name = NULL, *status = NULL;
  gboolean has_job_id, has_thing, has_status, has_details, has_queued, has_started;
  gboolean has_updated, has_version, has_number, has_seconds;
  g_autoptr(GHashTable) details = NULL;
  g_autoptr(GDateTime) queued_at = NULL;
  g_autoptr(GDateTime) started_at = NULL;
  g_autoptr(GDateTime) last_updated_at = NULL;
  gint64 version = 0, number = 0, seconds = -1;
  JsonNode *document;

  g_return_val_if_fail (JD_IS_EXECUTION (self), FALSE);
  g_return_val_if_fail (object != NULL, FALSE);

  if (!jd_json_read_string (object, "jobId", &has_job_id, &job_id, error) ||
      !jd_json_read_string (object, "thingName", &has_thing, &thing_name, error) ||
      !jd_json_read_string (object, "status", &has_status, &status, error) ||
      !jd_json_read_details (object, "statusDetails", &has_details, &details, error) ||
      !jd_json_read_time (object, "queuedAt", &has_queued, &queued_at, error) ||
      !jd_json_read_time (object, "startedAt", &has_started, &started_at, error) ||
      !jd_json_read_time (object, "lastUpdatedAt", &has_updated, &last_updated_at, error) ||
      !jd_json_read_int64 (object, "versionNumber", &has_version, &version, error) ||
      !jd_json_read_int64 (object, "executionNumber", &has_number, &number, error) ||
      !jd_json_read_int64 (object, "approximateSecondsBeforeTimedOut", &has_seconds, &seconds, error))
    return FALSE;

  if (has_job_id && g_strcmp0 (job_id, self->job_id) != 0)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REPLY,
                   "the reply is about job “%s”, not “%s”", job_id, self->job_id);
      return FALSE;
    }

  if ((has_version && version < 0) || (has_number && number < 0))
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REPLY,
                   "the reply has a negative version or execution number");
      return FALSE;
    }

  document = json_object_get_member (object, "jobDocument");

  g_object_freeze_notify (G_OBJECT (self));

  if (has_thing)
    jd_execution_set_thing_name (self, thing_name);
  if (has_status)
    {
      JdExecutionStatus parsed = jd_execution_status_from_string (status);

      jd_execution_set_status (self, parsed);
      if (parsed == JD_EXECUTION_STATUS_UNKNOWN)
        {
          g_free (self->status_string);
          self->status_string = g_strdup (status);
        }
    }
  if (has_details)
    jd_execution_set_status_details (self, details);
  else if (flags & JD_EXECUTION_PARSE_FULL)
    jd_execution_set_status_details (self, NULL);
  if (has_queued)
    jd_execution_set_queued_at (self, queued_at);
  if (has_started)
    jd_execution_set_started_at (self, started_at);
  if (has_updated)
    jd_execution_set_last_updated_at (self, last_updated_at);
  if (has_version)
    jd_execution_set_version_number (self, version);
  if (has_number)
    jd_execution_set_execution_number (self, number);
  if (has_seconds)
    jd_execution_set_approximate_seconds_before_timed_out (self, MAX (seconds, 0));
  else if (flags & JD_EXECUTION_PARSE_FULL)
    jd_execution_set_approximate_seconds_before_timed_out (self, -1);

  if (document != NULL && !JSON_NODE_HOLDS_NULL (document))
    {
      /* The HTTP data plane sends the document as a string; MQTT as an object. */
      if (JSON_NODE_HOLDS_VALUE (document) && json_node_get_value_type (document) == G_TYPE_STRING)
        {
          g_autoptr(JsonParser) parser = json_parser_new ();

          if (json_parser_load_from_data (parser, json_node_get_string (document), -1, NULL) &&
              json_parser_get_root (parser) != NULL)
            jd_execution_set_job_document (self, json_parser_get_root (parser));
          else
            jd_execution_set_job_document (self, document);
        }
      else
        jd_execution_set_job_document (self, document);
    }

  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

/**
 * jd_execution_update_from_state:
 * @self: an execution
 * @state: a JobExecutionState (`executionState` of an update reply)
 * @error: return location for a %JD_JOBS_ERROR_INVALID_REPLY error
 *
 * Applies `status`, `statusDetails` and `versionNumber`.
 *
 * Returns: %TRUE on success
 */
gboolean
jd_execution_update_from_state (JdExecution  *self,
                                JsonObject   *state,
                                GError      **error)
{
  g_return_val_if_fail (JD_IS_EXECUTION (self), FALSE);
  g_return_val_if_fail (state != NULL, FALSE);

  return jd_execution_update_from_json (self, state, JD_EXECUTION_PARSE_MERGE, error);
}

static void
add_time (JsonBuilder *builder,
          const char  *member,
          GDateTime   *when)
{
  if (when == NULL)
    return;
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, g_date_time_to_unix (when));
}

static void
add_details (JsonBuilder *builder,
             GHashTable  *details)
{
  g_autoptr(GList) keys = NULL;

  if (g_hash_table_size (details) == 0)
    return;

  /* Sorted, so the output is stable. */
  keys = g_list_sort (g_hash_table_get_keys (details), (GCompareFunc) strcmp);
  json_builder_set_member_name (builder, "statusDetails");
  json_builder_begin_object (builder);
  for (const GList *l = keys; l != NULL; l = l->next)
    {
      json_builder_set_member_name (builder, l->data);
      json_builder_add_string_value (builder, g_hash_table_lookup (details, l->data));
    }
  json_builder_end_object (builder);
}

/**
 * jd_execution_to_json:
 * @self: an execution
 *
 * Writes the JobExecution shape as AWS sends it over MQTT: times in epoch
 * seconds, the job document as JSON, optional fields only when set.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
jd_execution_to_json (JdExecution *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (JD_IS_EXECUTION (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "jobId");
  json_builder_add_string_value (builder, self->job_id);
  if (self->thing_name != NULL)
    {
      json_builder_set_member_name (builder, "thingName");
      json_builder_add_string_value (builder, self->thing_name);
    }
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, jd_execution_get_status_string (self));
  add_details (builder, self->status_details);
  add_time (builder, "queuedAt", self->queued_at);
  add_time (builder, "startedAt", self->started_at);
  add_time (builder, "lastUpdatedAt", self->last_updated_at);
  json_builder_set_member_name (builder, "versionNumber");
  json_builder_add_int_value (builder, self->version_number);
  json_builder_set_member_name (builder, "executionNumber");
  json_builder_add_int_value (builder, self->execution_number);
  if (self->seconds_before_timed_out >= 0)
    {
      json_builder_set_member_name (builder, "approximateSecondsBeforeTimedOut");
      json_builder_add_int_value (builder, self->seconds_before_timed_out);
    }
  if (self->job_document != NULL)
    {
      json_builder_set_member_name (builder, "jobDocument");
      json_builder_add_value (builder, json_node_copy (self->job_document));
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * jd_execution_to_summary_json:
 * @self: an execution
 *
 * Returns: (transfer full): the JobExecutionSummary shape of @self
 */
JsonNode *
jd_execution_to_summary_json (JdExecution *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (JD_IS_EXECUTION (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "jobId");
  json_builder_add_string_value (builder, self->job_id);
  add_time (builder, "queuedAt", self->queued_at);
  add_time (builder, "lastUpdatedAt", self->last_updated_at);
  add_time (builder, "startedAt", self->started_at);
  json_builder_set_member_name (builder, "executionNumber");
  json_builder_add_int_value (builder, self->execution_number);
  json_builder_set_member_name (builder, "versionNumber");
  json_builder_add_int_value (builder, self->version_number);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

const char *
jd_execution_get_job_id (JdExecution *self)
{
  g_return_val_if_fail (JD_IS_EXECUTION (self), NULL);
  return self->job_id;
}

const char *
jd_execution_get_thing_name (JdExecution *self)
{
  g_return_val_if_fail (JD_IS_EXECUTION (self), NULL);
  return self->thing_name;
}

void
jd_execution_set_thing_name (JdExecution *self,
                             const char  *thing_name)
{
  g_return_if_fail (JD_IS_EXECUTION (self));

  if (g_strcmp0 (self->thing_name, thing_name) == 0)
    return;

  g_free (self->thing_name);
  self->thing_name = g_strdup (thing_name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THING_NAME]);
}

JdExecutionStatus
jd_execution_get_status (JdExecution *self)
{
  g_return_val_if_fail (JD_IS_EXECUTION (self), JD_EXECUTION_STATUS_UNKNOWN);
  return self->status;
}

void
jd_execution_set_status (JdExecution       *self,
                         JdExecutionStatus  status)
{
  g_return_if_fail (JD_IS_EXECUTION (self));

  if ((guint) status > JD_EXECUTION_STATUS_CANCELED)
    status = JD_EXECUTION_STATUS_UNKNOWN;

  g_clear_pointer (&self->status_string, g_free);
  if (self->status == status)
    return;

  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

/**
 * jd_execution_get_status_string:
 * @self: an execution
 *
 * Returns: AWS's spelling of the status; for a status this client does not
 *   know, the text that arrived
 */
const char *
jd_execution_get_status_string (JdExecution *self)
{
  g_return_val_if_fail (JD_IS_EXECUTION (self), NULL);

  if (self->status == JD_EXECUTION_STATUS_UNKNOWN && self->status_string != NULL)
    return self->status_string;
  return jd_execution_status_to_string (self->status);
}

/**
 * jd_execution_get_status_details:
 * @self: an execution
 *
 * Returns: (transfer none) (element-type utf8 utf8): the status details,
 *   possibly empty, never %NULL
 */
GHashTable *
jd_execution_get_status_details (JdExecution *self)
{
  g_return_val_if_fail (JD_IS_EXECUTION (self), NULL);
  return self->status_details;
}

/**
 * jd_execution_set_status_details:
 * @self: an execution
 * @details: (nullable) (element-type utf8 utf8): new details, copied
 */
void
jd_execution_set_status_details (JdExecution *self,
                                 GHashTable  *details)
{
  g_autoptr(GHashTable) empty = NULL;

  g_return_if_fail (JD_IS_EXECUTION (self));

  if (details == NULL)
    details = empty = g_hash_table_new (g_str_hash, g_str_equal);

  if (details_equal (self->status_details, details))
    return;

  g_hash_table_unref (self->status_details);
  self->status_details = details_copy (details);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_DETAILS]);
}

GDateTime *
jd_execution_get_queued_at (JdExecution *self)
{
  g_return_val_if_fail (JD_IS_EXECUTION (self), NULL);
  return self->queued_at;
}

void
jd_execution_set_queued_at (JdExecution *self,
                            GDateTime   *when)
{
  g_return_if_fail (JD_IS_EXECUTION (self));

  if (set_date_time (&self->queued_at, when))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUEUED_AT]);
}

GDateTime *
jd_execution_get_started_at (JdExecution *self)
{
  g_return_val_if_fail (JD_IS_EXECUTION (self), NULL);
  return self->started_at;
}

void
jd_execution_set_started_at (JdExecution *self,
                             GDateTime   *when)
{
  g_return_if_fail (JD_IS_EXECUTION (self));

  if (set_date_time (&self->started_at, when))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STARTED_AT]);
}

GDateTime *
jd_execution_get_last_updated_at (JdExecution *self)
{
  g_return_val_if_fail (JD_IS_EXECUTION (self), NULL);
  return self->last_updated_at;
}

void
jd_execution_set_last_updated_at (JdExecution *self,
                                  GDateTime   *when)
{
  g_return_if_fail (JD_IS_EXECUTION (self));

  if (set_date_time (&self->last_updated_at, when))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_UPDATED_AT]);
}

gint64
jd_execution_get_version_number (JdExecution *self)
{
  g_return_val_if_fail (JD_IS_EXECUTION (self), 0);
  return self->version_number;
}

void
jd_execution_set_version_number (JdExecution *self,
                                 gint64       version)
{
  g_return_if_fail (JD_IS_EXECUTION (self));
  g_return_if_fail (version >= 0);

  if (self->version_number == version)
    return;
  self->version_number = version;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERSION_NUMBER]);
}

gint64
jd_execution_get_execution_number (JdExecution *self)
{
  g_return_val_if_fail (JD_IS_EXECUTION (self), 0);
  return self->execution_number;
}

void
jd_execution_set_execution_number (JdExecution *self,
                                   gint64       number)
{
  g_return_if_fail (JD_IS_EXECUTION (self));
  g_return_if_fail (number >= 0);

  if (self->execution_number == number)
    return;
  self->execution_number = number;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXECUTION_NUMBER]);
}

/**
 * jd_execution_get_approximate_seconds_before_timed_out:
 * @self: an execution
 *
 * Returns: the seconds left on the execution's timer, or -1 if none runs
 */
gint64
jd_execution_get_approximate_seconds_before_timed_out (JdExecution *self)
{
  g_return_val_if_fail (JD_IS_EXECUTION (self), -1);
  return self->seconds_before_timed_out;
}

void
jd_execution_set_approximate_seconds_before_timed_out (JdExecution *self,
                                                       gint64       seconds)
{
  g_return_if_fail (JD_IS_EXECUTION (self));

  seconds = MAX (seconds, -1);
  if (self->seconds_before_timed_out == seconds)
    return;
  self->seconds_before_timed_out = seconds;
  g_object_notify_by_pspec (G_OBJECT (self),
                            properties[PROP_APPROXIMATE_SECONDS_BEFORE_TIMED_OUT]);
}

/**
 * jd_execution_get_job_document:
 * @self: an execution
 *
 * Returns: (transfer none) (nullable): the job document, usually an object
 */
JsonNode *
jd_execution_get_job_document (JdExecution *self)
{
  g_return_val_if_fail (JD_IS_EXECUTION (self), NULL);
  return self->job_document;
}

/**
 * jd_execution_set_job_document:
 * @self: an execution
 * @document: (nullable): the document, copied
 */
void
jd_execution_set_job_document (JdExecution *self,
                               JsonNode    *document)
{
  g_return_if_fail (JD_IS_EXECUTION (self));

  if (self->job_document == document ||
      (self->job_document != NULL && document != NULL &&
       json_node_equal (self->job_document, document)))
    return;

  g_clear_pointer (&self->job_document, json_node_unref);
  self->job_document = document ? json_node_copy (document) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOB_DOCUMENT]);
}

/**
 * jd_execution_get_is_next:
 * @self: an execution
 *
 * Returns: whether this is the execution `$next` names (set by the live model)
 */
gboolean
jd_execution_get_is_next (JdExecution *self)
{
  g_return_val_if_fail (JD_IS_EXECUTION (self), FALSE);
  return self->is_next;
}

void
jd_execution_set_is_next (JdExecution *self,
                          gboolean     is_next)
{
  g_return_if_fail (JD_IS_EXECUTION (self));

  is_next = !!is_next;
  if (self->is_next == is_next)
    return;
  self->is_next = is_next;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_NEXT]);
}

/**
 * jd_execution_merge:
 * @dst: the execution to update
 * @src: what a newer message says about the same job
 * @full: whether @src is a whole JobExecution (a summary carries no details,
 *   document or timer)
 *
 * Copies what @src knows into @dst, notifying what changes. Times and the
 * document are only ever filled in, never cleared.
 */
void
jd_execution_merge (JdExecution *dst,
                     JdExecution *src,
                     gboolean     full)
{
  g_return_if_fail (JD_IS_EXECUTION (dst));
  g_return_if_fail (JD_IS_EXECUTION (src));
  g_return_if_fail (g_strcmp0 (dst->job_id, src->job_id) == 0);

  g_object_freeze_notify (G_OBJECT (dst));

  if (src->thing_name != NULL)
    jd_execution_set_thing_name (dst, src->thing_name);
  if (src->status != JD_EXECUTION_STATUS_UNKNOWN || src->status_string != NULL)
    {
      jd_execution_set_status (dst, src->status);
      if (src->status_string != NULL)
        dst->status_string = g_strdup (src->status_string);
    }
  if (src->queued_at != NULL)
    jd_execution_set_queued_at (dst, src->queued_at);
  if (src->started_at != NULL)
    jd_execution_set_started_at (dst, src->started_at);
  if (src->last_updated_at != NULL)
    jd_execution_set_last_updated_at (dst, src->last_updated_at);
  jd_execution_set_version_number (dst, src->version_number);
  if (src->execution_number != 0)
    jd_execution_set_execution_number (dst, src->execution_number);
  if (full)
    {
      jd_execution_set_status_details (dst, src->status_details);
      jd_execution_set_approximate_seconds_before_timed_out (dst, src->seconds_before_timed_out);
    }
  if (src->job_document != NULL)
    jd_execution_set_job_document (dst, src->job_document);

  g_object_thaw_notify (G_OBJECT (dst));
}
