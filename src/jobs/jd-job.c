/* jd-job.c — JdJob, JdJobExecutionInfo and JdThing parsed from the control
 * plane's JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-job"

#include <math.h>
#include <string.h>

#include "jd-jobs-error.h"
#include "jd-job.h"

struct _JdJob
{
  GObject parent_instance;

  char *job_id;
  char *job_arn;
  JdJobStatus status;
  JdTargetSelection target_selection;
  char *description;
  char *comment;
  char *template_arn;
  char *reason_code;
  gboolean force_canceled;
  char **targets;
  char *document;
  GDateTime *created_at;
  GDateTime *last_updated_at;
  GDateTime *completed_at;
  gint64 timeout_minutes;
  gboolean has_process_details;
  JdJobProcessDetails process_details;
  JdJobConfig *config;
};

struct _JdJobExecutionInfo
{
  GObject parent_instance;

  char *job_id;
  char *thing_name;
  char *thing_arn;
  JdExecutionStatus status;
  gboolean force_canceled;
  GHashTable *status_details;
  GDateTime *queued_at;
  GDateTime *started_at;
  GDateTime *last_updated_at;
  gint64 execution_number;
  gint64 version_number;
  gint64 seconds_before_timed_out;
  gint retry_attempt;
};

struct _JdThing
{
  GObject parent_instance;

  char *thing_name;
  char *thing_arn;
  char *thing_id;
  char *thing_type_name;
  char *default_client_id;
  gint64 version;
  GHashTable *attributes;
};

G_DEFINE_FINAL_TYPE (JdJob, jd_job, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE (JdJobExecutionInfo, jd_job_execution_info, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE (JdThing, jd_thing, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (JdJobStatus, jd_job_status,
  G_DEFINE_ENUM_VALUE (JD_JOB_STATUS_UNKNOWN, "unknown"),
  G_DEFINE_ENUM_VALUE (JD_JOB_STATUS_IN_PROGRESS, "in-progress"),
  G_DEFINE_ENUM_VALUE (JD_JOB_STATUS_CANCELED, "canceled"),
  G_DEFINE_ENUM_VALUE (JD_JOB_STATUS_COMPLETED, "completed"),
  G_DEFINE_ENUM_VALUE (JD_JOB_STATUS_DELETION_IN_PROGRESS, "deletion-in-progress"),
  G_DEFINE_ENUM_VALUE (JD_JOB_STATUS_SCHEDULED, "scheduled"))

G_DEFINE_ENUM_TYPE (JdTargetSelection, jd_target_selection,
  G_DEFINE_ENUM_VALUE (JD_TARGET_SELECTION_SNAPSHOT, "snapshot"),
  G_DEFINE_ENUM_VALUE (JD_TARGET_SELECTION_CONTINUOUS, "continuous"))

enum {
  JOB_PROP_0,
  JOB_PROP_JOB_ID,
  JOB_PROP_JOB_ARN,
  JOB_PROP_STATUS,
  JOB_PROP_DESCRIPTION,
  JOB_PROP_DOCUMENT,
  JOB_PROP_LAST_UPDATED_AT,
  JOB_PROP_COMPLETED_AT,
  JOB_PROP_PROCESS_DETAILS,
  JOB_N_PROPS
};

static GParamSpec *job_properties[JOB_N_PROPS];

static const char *const job_status_names[] = {
  [JD_JOB_STATUS_UNKNOWN] = "UNKNOWN",
  [JD_JOB_STATUS_IN_PROGRESS] = "IN_PROGRESS",
  [JD_JOB_STATUS_CANCELED] = "CANCELED",
  [JD_JOB_STATUS_COMPLETED] = "COMPLETED",
  [JD_JOB_STATUS_DELETION_IN_PROGRESS] = "DELETION_IN_PROGRESS",
  [JD_JOB_STATUS_SCHEDULED] = "SCHEDULED",
};

/* Helpers */

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
get_number (JsonObject *object,
            const char *member,
            double     *out)
{
  JsonNode *node = json_object_get_member (object, member);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *out = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else
    return FALSE;
  return TRUE;
}

static gint64
get_int (JsonObject *object,
         const char *member,
         gint64      fallback)
{
  double value;

  return get_number (object, member, &value) ? (gint64) value : fallback;
}

static gboolean
get_bool (JsonObject *object,
          const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (node);
}

static JsonObject *
get_object (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return (node != NULL && JSON_NODE_HOLDS_OBJECT (node)) ? json_node_get_object (node) : NULL;
}

/* Timestamps are epoch seconds, possibly fractional. */
static GDateTime *
get_time (JsonObject *object,
          const char *member)
{
  g_autoptr(GDateTime) whole = NULL;
  double value;
  double secs;

  if (!get_number (object, member, &value) || !isfinite (value) || value < 0)
    return NULL;
  secs = floor (value);
  whole = g_date_time_new_from_unix_utc ((gint64) secs);
  if (whole == NULL)
    return NULL;
  return g_date_time_add (whole, (GTimeSpan) ((value - secs) * G_USEC_PER_SEC));
}

static GHashTable *
get_string_map (JsonObject *object)
{
  GHashTable *map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (object == NULL)
    return map;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &node))
    if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
      g_hash_table_insert (map, g_strdup (name), g_strdup (json_node_get_string (node)));
  return map;
}

static void
set_invalid (GError     **error,
             const char  *what,
             const char  *member)
{
  g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_RESPONSE,
               "The control plane sent a %s without “%s”.", what, member);
}

/* The part after the last '/' of "arn:aws:iot:region:account:thing/NAME". */
static char *
name_from_arn (const char *arn)
{
  const char *slash;

  if (arn == NULL)
    return NULL;
  slash = strchr (arn, '/');
  return slash != NULL ? g_strdup (slash + 1) : NULL;
}

/* Enums */

const char *
jd_job_status_to_string (JdJobStatus status)
{
  if ((guint) status < G_N_ELEMENTS (job_status_names))
    return job_status_names[status];
  return job_status_names[JD_JOB_STATUS_UNKNOWN];
}

JdJobStatus
jd_job_status_from_string (const char *str)
{
  for (guint i = 1; str != NULL && i < G_N_ELEMENTS (job_status_names); i++)
    if (strcmp (job_status_names[i], str) == 0)
      return (JdJobStatus) i;
  return JD_JOB_STATUS_UNKNOWN;
}

const char *
jd_target_selection_to_string (JdTargetSelection selection)
{
  return selection == JD_TARGET_SELECTION_CONTINUOUS ? "CONTINUOUS" : "SNAPSHOT";
}


/* JdJob */

static void
jd_job_finalize (GObject *object)
{
  JdJob *self = (JdJob *) object;

  g_free (self->job_id);
  g_free (self->job_arn);
  g_free (self->description);
  g_free (self->comment);
  g_free (self->template_arn);
  g_free (self->reason_code);
  g_strfreev (self->targets);
  g_free (self->document);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->last_updated_at, g_date_time_unref);
  g_clear_pointer (&self->completed_at, g_date_time_unref);
  g_clear_pointer (&self->config, jd_job_config_free);

  G_OBJECT_CLASS (jd_job_parent_class)->finalize (object);
}

static void
jd_job_get_property (GObject    *object,
                     guint       prop_id,
                     GValue     *value,
                     GParamSpec *pspec)
{
  JdJob *self = JD_JOB (object);

  switch (prop_id)
    {
    case JOB_PROP_JOB_ID:
      g_value_set_string (value, self->job_id);
      break;
    case JOB_PROP_JOB_ARN:
      g_value_set_string (value, self->job_arn);
      break;
    case JOB_PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case JOB_PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case JOB_PROP_DOCUMENT:
      g_value_set_string (value, self->document);
      break;
    case JOB_PROP_LAST_UPDATED_AT:
      g_value_set_boxed (value, self->last_updated_at);
      break;
    case JOB_PROP_COMPLETED_AT:
      g_value_set_boxed (value, self->completed_at);
      break;
    case JOB_PROP_PROCESS_DETAILS:
      g_value_set_pointer (value, self->has_process_details ? &self->process_details : NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_job_class_init (JdJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = jd_job_finalize;
  object_class->get_property = jd_job_get_property;

  job_properties[JOB_PROP_JOB_ID] =
    g_param_spec_string ("job-id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  job_properties[JOB_PROP_JOB_ARN] =
    g_param_spec_string ("job-arn", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  job_properties[JOB_PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, JD_TYPE_JOB_STATUS, JD_JOB_STATUS_UNKNOWN,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  job_properties[JOB_PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  job_properties[JOB_PROP_LAST_UPDATED_AT] =
    g_param_spec_boxed ("last-updated-at", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  job_properties[JOB_PROP_COMPLETED_AT] =
    g_param_spec_boxed ("completed-at", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* A const JdJobProcessDetails *, or NULL for a summary. */
  job_properties[JOB_PROP_PROCESS_DETAILS] =
    g_param_spec_pointer ("process-details", NULL, NULL,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  job_properties[JOB_PROP_DOCUMENT] =
    g_param_spec_string ("document", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, JOB_N_PROPS, job_properties);
}

static void
jd_job_init (JdJob *self)
{
}

/**
 * jd_job_new_from_json:
 * @object: a Job, JobSummary or CreateJob reply
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the job, or %NULL when "jobId" is missing
 */
JdJob *
jd_job_new_from_json (JsonObject  *object,
                      GError     **error)
{
  g_autoptr(JdJob) self = NULL;
  JsonObject *details;
  JsonObject *timeout;
  JsonNode *targets;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (object != NULL, NULL);

  if (get_string (object, "jobId") == NULL)
    {
      set_invalid (error, "job", "jobId");
      return NULL;
    }

  self = g_object_new (JD_TYPE_JOB, NULL);
  self->job_id = g_strdup (get_string (object, "jobId"));
  self->job_arn = g_strdup (get_string (object, "jobArn"));
  self->status = jd_job_status_from_string (get_string (object, "status"));
  self->target_selection = g_strcmp0 (get_string (object, "targetSelection"), "CONTINUOUS") == 0
                           ? JD_TARGET_SELECTION_CONTINUOUS : JD_TARGET_SELECTION_SNAPSHOT;
  self->description = g_strdup (get_string (object, "description"));
  self->comment = g_strdup (get_string (object, "comment"));
  self->template_arn = g_strdup (get_string (object, "jobTemplateArn"));
  self->reason_code = g_strdup (get_string (object, "reasonCode"));
  self->force_canceled = get_bool (object, "forceCanceled");
  self->created_at = get_time (object, "createdAt");
  self->last_updated_at = get_time (object, "lastUpdatedAt");
  self->completed_at = get_time (object, "completedAt");
  /* Settings AWS reports in a shape this version does not read stay unset:
   * a job is shown even when one of them is odd. */
  self->config = jd_job_config_read (object, NULL);
  if (self->config == NULL)
    self->config = jd_job_config_new ();

  targets = json_object_get_member (object, "targets");
  if (targets != NULL && JSON_NODE_HOLDS_ARRAY (targets))
    {
      JsonArray *array = json_node_get_array (targets);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (node));
        }
    }
  self->targets = g_strv_builder_end (builder);

  timeout = get_object (object, "timeoutConfig");
  if (timeout != NULL)
    self->timeout_minutes = get_int (timeout, "inProgressTimeoutInMinutes", 0);

  details = get_object (object, "jobProcessDetails");
  if (details != NULL)
    {
      self->has_process_details = TRUE;
      self->process_details.queued = get_int (details, "numberOfQueuedThings", 0);
      self->process_details.in_progress = get_int (details, "numberOfInProgressThings", 0);
      self->process_details.succeeded = get_int (details, "numberOfSucceededThings", 0);
      self->process_details.failed = get_int (details, "numberOfFailedThings", 0);
      self->process_details.rejected = get_int (details, "numberOfRejectedThings", 0);
      self->process_details.canceled = get_int (details, "numberOfCanceledThings", 0);
      self->process_details.removed = get_int (details, "numberOfRemovedThings", 0);
      self->process_details.timed_out = get_int (details, "numberOfTimedOutThings", 0);
    }

  return g_steal_pointer (&self);
}

const char *
jd_job_get_job_id (JdJob *self)
{
  g_return_val_if_fail (JD_IS_JOB (self), NULL);
  return self->job_id;
}

const char *
jd_job_get_job_arn (JdJob *self)
{
  g_return_val_if_fail (JD_IS_JOB (self), NULL);
  return self->job_arn;
}

JdJobStatus
jd_job_get_status (JdJob *self)
{
  g_return_val_if_fail (JD_IS_JOB (self), JD_JOB_STATUS_UNKNOWN);
  return self->status;
}

JdTargetSelection
jd_job_get_target_selection (JdJob *self)
{
  g_return_val_if_fail (JD_IS_JOB (self), JD_TARGET_SELECTION_SNAPSHOT);
  return self->target_selection;
}

const char *
jd_job_get_description (JdJob *self)
{
  g_return_val_if_fail (JD_IS_JOB (self), NULL);
  return self->description;
}

const char *
jd_job_get_comment (JdJob *self)
{
  g_return_val_if_fail (JD_IS_JOB (self), NULL);
  return self->comment;
}

/**
 * jd_job_get_template_arn:
 *
 * Returns: (nullable): the job template the job was made from
 *   (jobTemplateArn, custom or managed)
 */
const char *
jd_job_get_template_arn (JdJob *self)
{
  g_return_val_if_fail (JD_IS_JOB (self), NULL);

  return self->template_arn;
}

const char *
jd_job_get_reason_code (JdJob *self)
{
  g_return_val_if_fail (JD_IS_JOB (self), NULL);
  return self->reason_code;
}

gboolean
jd_job_get_force_canceled (JdJob *self)
{
  g_return_val_if_fail (JD_IS_JOB (self), FALSE);
  return self->force_canceled;
}

const char *const *
jd_job_get_targets (JdJob *self)
{
  g_return_val_if_fail (JD_IS_JOB (self), NULL);
  return (const char *const *) self->targets;
}

const char *
jd_job_get_document (JdJob *self)
{
  g_return_val_if_fail (JD_IS_JOB (self), NULL);
  return self->document;
}

void
jd_job_set_document (JdJob      *self,
                     const char *document)
{
  g_return_if_fail (JD_IS_JOB (self));

  if (g_strcmp0 (self->document, document) == 0)
    return;
  g_free (self->document);
  self->document = g_strdup (document);
  g_object_notify_by_pspec (G_OBJECT (self), job_properties[JOB_PROP_DOCUMENT]);
}

GDateTime *
jd_job_get_created_at (JdJob *self)
{
  g_return_val_if_fail (JD_IS_JOB (self), NULL);
  return self->created_at;
}

GDateTime *
jd_job_get_last_updated_at (JdJob *self)
{
  g_return_val_if_fail (JD_IS_JOB (self), NULL);
  return self->last_updated_at;
}

GDateTime *
jd_job_get_completed_at (JdJob *self)
{
  g_return_val_if_fail (JD_IS_JOB (self), NULL);
  return self->completed_at;
}

gint64
jd_job_get_in_progress_timeout_minutes (JdJob *self)
{
  g_return_val_if_fail (JD_IS_JOB (self), 0);
  return self->timeout_minutes;
}

const JdJobProcessDetails *
jd_job_get_process_details (JdJob *self)
{
  g_return_val_if_fail (JD_IS_JOB (self), NULL);
  return self->has_process_details ? &self->process_details : NULL;
}

static gboolean
same_time (GDateTime *a,
           GDateTime *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_date_time_equal (a, b);
}

static gboolean
take_string (char       **field,
             const char  *value)
{
  if (value == NULL || g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/* A time @other lacks is unknown there, not gone: a job never loses its
 * completedAt, and a ListJobs summary may not carry it. */
static gboolean
take_time (GDateTime **field,
           GDateTime  *value)
{
  if (value == NULL || same_time (*field, value))
    return FALSE;
  g_clear_pointer (field, g_date_time_unref);
  *field = value != NULL ? g_date_time_ref (value) : NULL;
  return TRUE;
}

/**
 * jd_job_update:
 * @self: a job
 * @other: a newer word on the same job: a ListJobs summary or a DescribeJob
 *   answer
 *
 * Takes what @other knows into @self, so that a listed job keeps its
 * identity. What @other lacks (a summary has no targets, counters or
 * document) stays as it was. Notifies each property that changed.
 *
 * Returns: whether anything changed
 */
gboolean
jd_job_update (JdJob *self,
               JdJob *other)
{
  gboolean status = FALSE, description = FALSE, updated = FALSE, completed = FALSE;
  gboolean details = FALSE, document = FALSE, rest = FALSE;

  g_return_val_if_fail (JD_IS_JOB (self), FALSE);
  g_return_val_if_fail (JD_IS_JOB (other), FALSE);
  g_return_val_if_fail (g_strcmp0 (self->job_id, other->job_id) == 0, FALSE);

  if (self == other)
    return FALSE;

  g_object_freeze_notify (G_OBJECT (self));

  if (other->status != JD_JOB_STATUS_UNKNOWN && other->status != self->status)
    {
      self->status = other->status;
      status = TRUE;
    }
  description = take_string (&self->description, other->description);
  updated = take_time (&self->last_updated_at, other->last_updated_at);
  completed = take_time (&self->completed_at, other->completed_at);
  rest |= take_string (&self->job_arn, other->job_arn);
  rest |= take_string (&self->comment, other->comment);
  rest |= take_string (&self->template_arn, other->template_arn);
  rest |= take_string (&self->reason_code, other->reason_code);
  rest |= take_time (&self->created_at, other->created_at);
  if (self->target_selection != other->target_selection || self->force_canceled != other->force_canceled)
    {
      self->target_selection = other->target_selection;
      self->force_canceled = other->force_canceled;
      rest = TRUE;
    }
  if (other->targets != NULL && other->targets[0] != NULL &&
      !g_strv_equal ((const char *const *) self->targets, (const char *const *) other->targets))
    {
      g_strfreev (self->targets);
      self->targets = g_strdupv (other->targets);
      rest = TRUE;
    }
  if (other->timeout_minutes > 0 && other->timeout_minutes != self->timeout_minutes)
    {
      self->timeout_minutes = other->timeout_minutes;
      rest = TRUE;
    }
  if (other->has_process_details &&
      (!self->has_process_details ||
       memcmp (&self->process_details, &other->process_details, sizeof (JdJobProcessDetails)) != 0))
    {
      self->has_process_details = TRUE;
      self->process_details = other->process_details;
      details = TRUE;
    }
  if (other->document != NULL && g_strcmp0 (self->document, other->document) != 0)
    {
      g_free (self->document);
      self->document = g_strdup (other->document);
      document = TRUE;
    }

  if (status)
    g_object_notify_by_pspec (G_OBJECT (self), job_properties[JOB_PROP_STATUS]);
  if (description)
    g_object_notify_by_pspec (G_OBJECT (self), job_properties[JOB_PROP_DESCRIPTION]);
  if (updated)
    g_object_notify_by_pspec (G_OBJECT (self), job_properties[JOB_PROP_LAST_UPDATED_AT]);
  if (completed)
    g_object_notify_by_pspec (G_OBJECT (self), job_properties[JOB_PROP_COMPLETED_AT]);
  if (details)
    g_object_notify_by_pspec (G_OBJECT (self), job_properties[JOB_PROP_PROCESS_DETAILS]);
  if (document)
    g_object_notify_by_pspec (G_OBJECT (self), job_properties[JOB_PROP_DOCUMENT]);

  g_object_thaw_notify (G_OBJECT (self));

  return status || description || updated || completed || details || document || rest;
}

JdJobOutcome
jd_job_process_details_get_outcome (const JdJobProcessDetails *details)
{
  if (details == NULL)
    return JD_JOB_OUTCOME_UNKNOWN;
  if (details->failed + details->rejected + details->timed_out > 0)
    return JD_JOB_OUTCOME_FAILED;
  if (details->queued + details->in_progress > 0)
    return JD_JOB_OUTCOME_RUNNING;
  if (details->canceled + details->removed > 0)
    return JD_JOB_OUTCOME_CANCELED;
  if (details->succeeded > 0)
    return JD_JOB_OUTCOME_SUCCEEDED;
  return JD_JOB_OUTCOME_NONE;
}

JdJobOutcome
jd_job_get_outcome (JdJob *self)
{
  g_return_val_if_fail (JD_IS_JOB (self), JD_JOB_OUTCOME_UNKNOWN);
  return jd_job_process_details_get_outcome (jd_job_get_process_details (self));
}

/* JdJobExecutionInfo */

static void
jd_job_execution_info_finalize (GObject *object)
{
  JdJobExecutionInfo *self = (JdJobExecutionInfo *) object;

  g_free (self->job_id);
  g_free (self->thing_name);
  g_free (self->thing_arn);
  g_clear_pointer (&self->status_details, g_hash_table_unref);
  g_clear_pointer (&self->queued_at, g_date_time_unref);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  g_clear_pointer (&self->last_updated_at, g_date_time_unref);

  G_OBJECT_CLASS (jd_job_execution_info_parent_class)->finalize (object);
}

static void
jd_job_execution_info_class_init (JdJobExecutionInfoClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = jd_job_execution_info_finalize;
}

static void
jd_job_execution_info_init (JdJobExecutionInfo *self)
{
  self->version_number = -1;
}

/**
 * jd_job_execution_info_new_from_json:
 *
 * Returns: (transfer full): the execution, or %NULL when the shape has no status
 */
JdJobExecutionInfo *
jd_job_execution_info_new_from_json (JsonObject  *object,
                                     const char  *job_id,
                                     const char  *thing_name,
                                     GError     **error)
{
  g_autoptr(JdJobExecutionInfo) self = NULL;
  JsonObject *summary;
  JsonObject *details;

  g_return_val_if_fail (object != NULL, NULL);

  /* List items nest the fields in "jobExecutionSummary". */
  summary = get_object (object, "jobExecutionSummary");
  if (summary == NULL)
    summary = object;

  if (get_string (summary, "status") == NULL)
    {
      set_invalid (error, "job execution", "status");
      return NULL;
    }

  self = g_object_new (JD_TYPE_JOB_EXECUTION_INFO, NULL);
  self->job_id = g_strdup (get_string (object, "jobId"));
  if (self->job_id == NULL)
    self->job_id = g_strdup (job_id);
  self->thing_arn = g_strdup (get_string (object, "thingArn"));
  self->thing_name = g_strdup (get_string (object, "thingName"));
  if (self->thing_name == NULL)
    self->thing_name = name_from_arn (self->thing_arn);
  if (self->thing_name == NULL)
    self->thing_name = g_strdup (thing_name);

  self->status = jd_execution_status_from_string (get_string (summary, "status"));
  self->force_canceled = get_bool (summary, "forceCanceled");
  self->queued_at = get_time (summary, "queuedAt");
  self->started_at = get_time (summary, "startedAt");
  self->last_updated_at = get_time (summary, "lastUpdatedAt");
  self->execution_number = get_int (summary, "executionNumber", 0);
  self->version_number = get_int (summary, "versionNumber", -1);
  self->seconds_before_timed_out = get_int (summary, "approximateSecondsBeforeTimedOut", 0);
  self->retry_attempt = (gint) get_int (summary, "retryAttempt", 0);

  details = get_object (summary, "statusDetails");
  if (details != NULL && get_object (details, "detailsMap") != NULL)
    details = get_object (details, "detailsMap");
  self->status_details = get_string_map (details);

  return g_steal_pointer (&self);
}

const char *
jd_job_execution_info_get_job_id (JdJobExecutionInfo *self)
{
  g_return_val_if_fail (JD_IS_JOB_EXECUTION_INFO (self), NULL);
  return self->job_id;
}

const char *
jd_job_execution_info_get_thing_name (JdJobExecutionInfo *self)
{
  g_return_val_if_fail (JD_IS_JOB_EXECUTION_INFO (self), NULL);
  return self->thing_name;
}

const char *
jd_job_execution_info_get_thing_arn (JdJobExecutionInfo *self)
{
  g_return_val_if_fail (JD_IS_JOB_EXECUTION_INFO (self), NULL);
  return self->thing_arn;
}

JdExecutionStatus
jd_job_execution_info_get_status (JdJobExecutionInfo *self)
{
  g_return_val_if_fail (JD_IS_JOB_EXECUTION_INFO (self), JD_EXECUTION_STATUS_UNKNOWN);
  return self->status;
}

gboolean
jd_job_execution_info_get_force_canceled (JdJobExecutionInfo *self)
{
  g_return_val_if_fail (JD_IS_JOB_EXECUTION_INFO (self), FALSE);
  return self->force_canceled;
}

GHashTable *
jd_job_execution_info_get_status_details (JdJobExecutionInfo *self)
{
  g_return_val_if_fail (JD_IS_JOB_EXECUTION_INFO (self), NULL);
  return self->status_details;
}

GDateTime *
jd_job_execution_info_get_queued_at (JdJobExecutionInfo *self)
{
  g_return_val_if_fail (JD_IS_JOB_EXECUTION_INFO (self), NULL);
  return self->queued_at;
}

GDateTime *
jd_job_execution_info_get_started_at (JdJobExecutionInfo *self)
{
  g_return_val_if_fail (JD_IS_JOB_EXECUTION_INFO (self), NULL);
  return self->started_at;
}

GDateTime *
jd_job_execution_info_get_last_updated_at (JdJobExecutionInfo *self)
{
  g_return_val_if_fail (JD_IS_JOB_EXECUTION_INFO (self), NULL);
  return self->last_updated_at;
}

gint64
jd_job_execution_info_get_execution_number (JdJobExecutionInfo *self)
{
  g_return_val_if_fail (JD_IS_JOB_EXECUTION_INFO (self), 0);
  return self->execution_number;
}

gint64
jd_job_execution_info_get_version_number (JdJobExecutionInfo *self)
{
  g_return_val_if_fail (JD_IS_JOB_EXECUTION_INFO (self), -1);
  return self->version_number;
}

gint64
jd_job_execution_info_get_approximate_seconds_before_timed_out (JdJobExecutionInfo *self)
{
  g_return_val_if_fail (JD_IS_JOB_EXECUTION_INFO (self), 0);
  return self->seconds_before_timed_out;
}

gint
jd_job_execution_info_get_retry_attempt (JdJobExecutionInfo *self)
{
  g_return_val_if_fail (JD_IS_JOB_EXECUTION_INFO (self), 0);
  return self->retry_attempt;
}

/* JdThing */

static void
jd_thing_finalize (GObject *object)
{
  JdThing *self = (JdThing *) object;

  g_free (self->thing_name);
  g_free (self->thing_arn);
  g_free (self->thing_id);
  g_free (self->thing_type_name);
  g_free (self->default_client_id);
  g_clear_pointer (&self->attributes, g_hash_table_unref);

  G_OBJECT_CLASS (jd_thing_parent_class)->finalize (object);
}

static void
jd_thing_class_init (JdThingClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = jd_thing_finalize;
}

static void
jd_thing_init (JdThing *self)
{
  self->version = -1;
}

/**
 * jd_thing_new_from_json:
 *
 * Returns: (transfer full): the thing, or %NULL when "thingName" is missing
 */
JdThing *
jd_thing_new_from_json (JsonObject  *object,
                        GError     **error)
{
  JdThing *self;

  g_return_val_if_fail (object != NULL, NULL);

  if (get_string (object, "thingName") == NULL)
    {
      set_invalid (error, "thing", "thingName");
      return NULL;
    }

  self = g_object_new (JD_TYPE_THING, NULL);
  self->thing_name = g_strdup (get_string (object, "thingName"));
  self->thing_arn = g_strdup (get_string (object, "thingArn"));
  self->thing_id = g_strdup (get_string (object, "thingId"));
  self->thing_type_name = g_strdup (get_string (object, "thingTypeName"));
  self->default_client_id = g_strdup (get_string (object, "defaultClientId"));
  self->version = get_int (object, "version", -1);
  self->attributes = get_string_map (get_object (object, "attributes"));
  return self;
}

const char *
jd_thing_get_thing_name (JdThing *self)
{
  g_return_val_if_fail (JD_IS_THING (self), NULL);
  return self->thing_name;
}

const char *
jd_thing_get_thing_arn (JdThing *self)
{
  g_return_val_if_fail (JD_IS_THING (self), NULL);
  return self->thing_arn;
}

const char *
jd_thing_get_thing_id (JdThing *self)
{
  g_return_val_if_fail (JD_IS_THING (self), NULL);
  return self->thing_id;
}

const char *
jd_thing_get_thing_type_name (JdThing *self)
{
  g_return_val_if_fail (JD_IS_THING (self), NULL);
  return self->thing_type_name;
}

const char *
jd_thing_get_default_client_id (JdThing *self)
{
  g_return_val_if_fail (JD_IS_THING (self), NULL);
  return self->default_client_id;
}

gint64
jd_thing_get_version (JdThing *self)
{
  g_return_val_if_fail (JD_IS_THING (self), -1);
  return self->version;
}

GHashTable *
jd_thing_get_attributes (JdThing *self)
{
  g_return_val_if_fail (JD_IS_THING (self), NULL);
  return self->attributes;
}

const JdJobConfig *
jd_job_get_config (JdJob *self)
{
  g_return_val_if_fail (JD_IS_JOB (self), NULL);
  if (self->config == NULL)
    self->config = jd_job_config_new ();
  return self->config;
}
