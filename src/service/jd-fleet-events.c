/* jd-fleet-events.c — fleet events for jobs, derived from pending-set changes.
 *
 * Payloads follow the reference (§1.3): `timestamp` in seconds; the job
 * event's createdAt / lastUpdatedAt / completedAt in milliseconds, as in AWS's
 * examples. An execution that vanished (its job was deleted with force) gets
 * operation `deleted` without a `status`, since DELETED is no execution status.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-fleet-events"

#include <string.h>
#include <json-glib/json-glib.h>

#include "jd-fleet-events.h"

#define LIST_PAGE 250

struct _JdFleetEvents
{
  JdStore    *store;
  char       *region;
  char       *account_id;
  GHashTable *pending;      /* thing → (job id → NULL) */
  GHashTable *jobs;         /* job id → JdJobStatus, for jobs seen pending */
};

void
jd_fleet_event_free (JdFleetEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->topic);
  g_free (event->payload);
  g_free (event);
}

static GHashTable *
job_set_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* The thing's pending job ids now (empty when the thing is gone). */
static GHashTable *
pending_now (JdFleetEvents *self,
             const char    *thing_name)
{
  g_autoptr(GPtrArray) in_progress = NULL;
  g_autoptr(GPtrArray) queued = NULL;
  GHashTable *set = job_set_new ();

  if (!jd_store_get_pending (self->store, thing_name, &in_progress, &queued, NULL))
    return set;
  for (guint i = 0; i < in_progress->len; i++)
    g_hash_table_add (set, g_strdup (((JdStoreExecution *) g_ptr_array_index (in_progress, i))->job_id));
  for (guint i = 0; i < queued->len; i++)
    g_hash_table_add (set, g_strdup (((JdStoreExecution *) g_ptr_array_index (queued, i))->job_id));
  return set;
}

static void
remember_job (JdFleetEvents *self,
              const char    *job_id)
{
  g_autoptr(JdStoreJob) job = NULL;

  if (g_hash_table_contains (self->jobs, job_id))
    return;
  job = jd_store_get_job (self->store, job_id, NULL);
  if (job != NULL)
    g_hash_table_insert (self->jobs, g_strdup (job_id), GINT_TO_POINTER (job->status));
}

static JdFleetEvent *
event_new (const char  *kind,
           const char  *job_id,
           const char  *operation,
           JsonBuilder *builder)
{
  JdFleetEvent *event = g_new0 (JdFleetEvent, 1);
  g_autoptr(JsonNode) root = NULL;

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  event->topic = g_strdup_printf ("$aws/events/%s/%s/%s", kind, job_id, operation);
  event->payload = json_to_string (root, FALSE);
  return event;
}

static JsonBuilder *
begin (const char *event_type,
       const char *operation,
       const char *job_id,
       gint64      now)
{
  JsonBuilder *builder = json_builder_new ();
  g_autofree char *event_id = g_uuid_string_random ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "eventType");
  json_builder_add_string_value (builder, event_type);
  json_builder_set_member_name (builder, "eventId");
  json_builder_add_string_value (builder, event_id);
  json_builder_set_member_name (builder, "timestamp");
  json_builder_add_int_value (builder, now);
  json_builder_set_member_name (builder, "operation");
  json_builder_add_string_value (builder, operation);
  json_builder_set_member_name (builder, "jobId");
  json_builder_add_string_value (builder, job_id);
  return builder;
}

static JdFleetEvent *
execution_event (JdFleetEvents *self,
                 const char    *thing_name,
                 const char    *job_id,
                 gint64         now)
{
  g_autoptr(JdStoreExecution) execution = jd_store_get_execution (self->store, thing_name, job_id, -1, NULL);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *operation = NULL;
  g_autofree char *arn = g_strdup_printf ("arn:aws:iot:%s:%s:thing/%s", self->region, self->account_id,
                                          thing_name);

  if (execution != NULL && !jd_exec_status_is_terminal (execution->status))
    return NULL;
  operation = execution != NULL ? g_ascii_strdown (jd_exec_status_to_string (execution->status), -1)
                                : g_strdup ("deleted");
  builder = begin ("JOB_EXECUTION", operation, job_id, now);
  json_builder_set_member_name (builder, "thingArn");
  json_builder_add_string_value (builder, arn);
  if (execution != NULL)
    {
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, jd_exec_status_to_string (execution->status));
      json_builder_set_member_name (builder, "statusDetails");
      if (execution->status_details != NULL)
        {
          g_autoptr(JsonNode) details = json_node_init_object (json_node_alloc (), execution->status_details);

          json_builder_add_value (builder, g_steal_pointer (&details));
        }
      else
        {
          json_builder_begin_object (builder);
          json_builder_end_object (builder);
        }
    }
  return event_new ("jobExecution", job_id, operation, builder);
}

static void
add_count (JsonBuilder *builder,
           const char  *name,
           gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static JdFleetEvent *
job_event (JdFleetEvents *self,
           const char    *job_id,
           gint64         now)
{
  g_autoptr(JdStoreJob) job = jd_store_get_job (self->store, job_id, NULL);
  g_autoptr(JsonBuilder) builder = NULL;
  gpointer known;

  if (!g_hash_table_lookup_extended (self->jobs, job_id, NULL, &known))
    return NULL;

  if (job == NULL)
    {
      g_hash_table_remove (self->jobs, job_id);
      builder = begin ("JOB", "deleted", job_id, now);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, "DELETED");
      return event_new ("job", job_id, "deleted", builder);
    }

  if ((JdJobStatus) GPOINTER_TO_INT (known) == job->status ||
      (job->status != JD_JOB_COMPLETED && job->status != JD_JOB_CANCELED))
    {
      g_hash_table_insert (self->jobs, g_strdup (job_id), GINT_TO_POINTER (job->status));
      return NULL;
    }
  g_hash_table_insert (self->jobs, g_strdup (job_id), GINT_TO_POINTER (job->status));

  {
    const char *operation = job->status == JD_JOB_COMPLETED ? "completed" : "canceled";

    builder = begin ("JOB", operation, job_id, now);
    json_builder_set_member_name (builder, "status");
    json_builder_add_string_value (builder, jd_job_status_to_string (job->status));
    json_builder_set_member_name (builder, "targetSelection");
    json_builder_add_string_value (builder, job->target_selection);
    json_builder_set_member_name (builder, "targets");
    json_builder_begin_array (builder);
    for (guint i = 0; job->targets != NULL && job->targets[i] != NULL; i++)
      json_builder_add_string_value (builder, job->targets[i]);
    json_builder_end_array (builder);
    if (job->description != NULL)
      {
        json_builder_set_member_name (builder, "description");
        json_builder_add_string_value (builder, job->description);
      }
    json_builder_set_member_name (builder, "createdAt");
    json_builder_add_int_value (builder, job->created_at * 1000);
    json_builder_set_member_name (builder, "lastUpdatedAt");
    json_builder_add_int_value (builder, job->last_updated_at * 1000);
    json_builder_set_member_name (builder, "completedAt");
    json_builder_add_int_value (builder, job->completed_at * 1000);
    if (job->status == JD_JOB_COMPLETED)
      {
        json_builder_set_member_name (builder, "jobProcessDetails");
        json_builder_begin_object (builder);
        add_count (builder, "numberOfCanceledThings", job->n_canceled);
        add_count (builder, "numberOfRejectedThings", job->n_rejected);
        add_count (builder, "numberOfFailedThings", job->n_failed);
        add_count (builder, "numberOfRemovedThings", job->n_removed);
        add_count (builder, "numberOfSucceededThings", job->n_succeeded);
        add_count (builder, "numberOfTimedOutThings", job->n_timed_out);
        json_builder_end_object (builder);
      }
    if (job->comment != NULL)
      {
        json_builder_set_member_name (builder, "comment");
        json_builder_add_string_value (builder, job->comment);
      }
    return event_new ("job", job_id, operation, builder);
  }
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

JdFleetEvents *
jd_fleet_events_new (JdStore    *store,
                     const char *region,
                     const char *account_id)
{
  JdFleetEvents *self;

  g_return_val_if_fail (JD_IS_STORE (store), NULL);
  g_return_val_if_fail (region != NULL && account_id != NULL, NULL);

  self = g_new0 (JdFleetEvents, 1);
  self->store = g_object_ref (store);
  self->region = g_strdup (region);
  self->account_id = g_strdup (account_id);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_hash_table_unref);
  self->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return self;
}

void
jd_fleet_events_free (JdFleetEvents *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->store);
  g_free (self->region);
  g_free (self->account_id);
  g_hash_table_unref (self->pending);
  g_hash_table_unref (self->jobs);
  g_free (self);
}

gboolean
jd_fleet_events_snapshot (JdFleetEvents  *self,
                          GError        **error)
{
  g_autofree char *after = NULL;
  gboolean more = TRUE;

  g_return_val_if_fail (self != NULL, FALSE);

  g_hash_table_remove_all (self->pending);
  g_hash_table_remove_all (self->jobs);
  while (more)
    {
      g_autoptr(GPtrArray) things = jd_store_list_things (self->store, after, LIST_PAGE, NULL, NULL, NULL,
                                                          &more, error);

      if (things == NULL)
        return FALSE;
      for (guint i = 0; i < things->len; i++)
        {
          const char *name = ((JdStoreThing *) g_ptr_array_index (things, i))->thing_name;
          GHashTable *set = pending_now (self, name);
          GHashTableIter iter;
          gpointer job_id;

          g_hash_table_iter_init (&iter, set);
          while (g_hash_table_iter_next (&iter, &job_id, NULL))
            remember_job (self, job_id);
          g_hash_table_insert (self->pending, g_strdup (name), set);
          g_free (after);
          after = g_strdup (name);
        }
      if (things->len == 0)
        break;
    }
  return TRUE;
}

GPtrArray *
jd_fleet_events_update (JdFleetEvents *self,
                        const char    *thing_name)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) jd_fleet_event_free);
  GHashTable *before;
  GHashTable *now;
  g_autoptr(GPtrArray) left = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer job_id;
  gint64 timestamp;

  g_return_val_if_fail (self != NULL, events);
  g_return_val_if_fail (thing_name != NULL, events);

  timestamp = jd_store_now (self->store);
  now = pending_now (self, thing_name);
  before = g_hash_table_lookup (self->pending, thing_name);

  if (before != NULL)
    {
      g_hash_table_iter_init (&iter, before);
      while (g_hash_table_iter_next (&iter, &job_id, NULL))
        if (!g_hash_table_contains (now, job_id))
          g_ptr_array_add (left, g_strdup (job_id));
    }
  /* Deterministic order for the subscribers (and the tests). */
  g_ptr_array_sort (left, compare_ids);

  for (guint i = 0; i < left->len; i++)
    {
      JdFleetEvent *event = execution_event (self, thing_name, g_ptr_array_index (left, i), timestamp);

      if (event != NULL)
        g_ptr_array_add (events, event);
    }
  for (guint i = 0; i < left->len; i++)
    {
      JdFleetEvent *event = job_event (self, g_ptr_array_index (left, i), timestamp);

      if (event != NULL)
        g_ptr_array_add (events, event);
    }

  g_hash_table_iter_init (&iter, now);
  while (g_hash_table_iter_next (&iter, &job_id, NULL))
    remember_job (self, job_id);
  g_hash_table_insert (self->pending, g_strdup (thing_name), now);
  return events;
}
