/* jd-fleet-poller.c — polling a job's executions into a JdFleetModel.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-fleet-poller"

#include "jd-jobs-error.h"
#include "jd-fleet-poller.h"

struct _JdFleetPoller
{
  GObject         parent_instance;

  JdControlPlane *control_plane;
  JdFleetModel   *model;
  GCancellable   *cancellable;
  gboolean        running;
  gboolean        listing;
  gboolean        changed;        /* something changed in this round */
  gboolean        live;           /* events keep the model current */

  guint           min_ms;
  guint           max_ms;
  guint           interval;
  guint           poll_id;

  GQueue          to_describe;    /* thing names */
  GHashTable     *queued;         /* thing names in to_describe */
  guint           in_flight;
  gint64          window_start;   /* describes in the current second */
  guint           window_count;
  guint           pace_id;

  GDateTime      *last_refresh;
  GError         *error;
  guint           n_lists;
  guint           n_describes;
};

G_DEFINE_FINAL_TYPE (JdFleetPoller, jd_fleet_poller, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_INTERVAL,
  PROP_LAST_REFRESH,
  PROP_ERROR,
  PROP_LIVE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void poll_now         (JdFleetPoller *self);
static void pump_describes   (JdFleetPoller *self);

static void
set_error (JdFleetPoller *self,
           const GError  *error)
{
  if (self->error == NULL && error == NULL)
    return;
  g_clear_error (&self->error);
  if (error != NULL)
    self->error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
set_interval (JdFleetPoller *self,
              guint          interval)
{
  if (self->live)
    interval = MAX (JD_FLEET_POLL_LIVE_MS, self->max_ms);
  else
    interval = CLAMP (interval, self->min_ms, self->max_ms);
  if (interval == self->interval)
    return;
  self->interval = interval;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
}

static gboolean
poll_cb (gpointer user_data)
{
  JdFleetPoller *self = user_data;

  self->poll_id = 0;
  poll_now (self);
  return G_SOURCE_REMOVE;
}

/* A round is over when the list is in and every describe it asked for
 * answered: then the next round is timed. */
static void
maybe_round_done (JdFleetPoller *self)
{
  if (!self->running || self->listing || self->in_flight > 0 || self->to_describe.length > 0)
    return;

  g_clear_pointer (&self->last_refresh, g_date_time_unref);
  self->last_refresh = g_date_time_new_now_utc ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_REFRESH]);

  if (self->error != NULL)
    set_interval (self, self->interval * 2);
  else if (self->changed)
    set_interval (self, self->min_ms);
  else
    set_interval (self, self->interval * 2);

  g_clear_handle_id (&self->poll_id, g_source_remove);
  self->poll_id = g_timeout_add (self->interval, poll_cb, self);
}

static void
describe_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(JdFleetPoller) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdJobExecutionInfo) info = NULL;

  info = jd_control_plane_describe_job_execution_finish (JD_CONTROL_PLANE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->in_flight--;
  if (info != NULL)
    jd_fleet_model_merge_execution (self->model, info);
  else if (!g_error_matches (error, JD_JOBS_ERROR, JD_JOBS_ERROR_RESOURCE_NOT_FOUND_EXCEPTION))
    set_error (self, error);

  pump_describes (self);
  maybe_round_done (self);
}

static gboolean
pace_cb (gpointer user_data)
{
  JdFleetPoller *self = user_data;

  self->pace_id = 0;
  pump_describes (self);
  return G_SOURCE_REMOVE;
}

static void
pump_describes (JdFleetPoller *self)
{
  while (self->running && self->to_describe.length > 0 && self->in_flight < JD_FLEET_DESCRIBES_IN_FLIGHT)
    {
      gint64 now = g_get_monotonic_time ();
      g_autofree char *thing = NULL;

      if (now - self->window_start >= G_USEC_PER_SEC)
        {
          self->window_start = now;
          self->window_count = 0;
        }
      if (self->window_count >= JD_FLEET_DESCRIBES_PER_SEC)
        {
          /* AWS's rate: wait for the next second. */
          if (self->pace_id == 0)
            self->pace_id = g_timeout_add (MAX (1, (guint) ((self->window_start + G_USEC_PER_SEC - now) / 1000)),
                                           pace_cb, self);
          return;
        }

      thing = g_queue_pop_head (&self->to_describe);
      g_hash_table_remove (self->queued, thing);
      self->window_count++;
      self->in_flight++;
      self->n_describes++;
      jd_control_plane_describe_job_execution_async (self->control_plane, thing,
                                                     jd_fleet_model_get_job_id (self->model), -1,
                                                     self->cancellable, describe_cb, g_object_ref (self));
    }
}

static void
queue_describe (JdFleetPoller *self,
                const char    *thing)
{
  if (g_hash_table_contains (self->queued, thing))
    return;
  g_hash_table_add (self->queued, g_strdup (thing));
  g_queue_push_tail (&self->to_describe, g_strdup (thing));
}

static void
list_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(JdFleetPoller) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) infos = NULL;

  infos = jd_control_plane_list_job_executions_for_job_finish (JD_CONTROL_PLANE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->listing = FALSE;

  set_error (self, error);
  if (infos != NULL)
    for (guint i = 0; i < infos->len; i++)
      {
        JdJobExecutionInfo *info = g_ptr_array_index (infos, i);
        const char *thing = jd_job_execution_info_get_thing_name (info);
        JdFleetRow *row = thing != NULL ? jd_fleet_model_lookup (self->model, thing) : NULL;
        JdExecutionStatus before = row != NULL ? jd_fleet_row_get_status (row) : JD_EXECUTION_STATUS_UNKNOWN;
        gint64 number_before = row != NULL ? jd_fleet_row_get_execution_number (row) : -1;
        GDateTime *updated = row != NULL ? jd_fleet_row_get_last_updated_at (row) : NULL;
        g_autoptr(GDateTime) updated_before = updated != NULL ? g_date_time_ref (updated) : NULL;
        GDateTime *updated_after;
        gboolean moved;

        row = jd_fleet_model_merge_summary (self->model, info);
        if (row == NULL)
          continue;
        updated_after = jd_fleet_row_get_last_updated_at (row);
        moved = before != jd_fleet_row_get_status (row) ||
                number_before != jd_fleet_row_get_execution_number (row) ||
                (updated_after != NULL &&
                 (updated_before == NULL || !g_date_time_equal (updated_before, updated_after)));
        self->changed |= moved;
        /* Summaries carry no statusDetails: describe the rows that moved,
         * and those never described. QUEUED rows have none to show. */
        if ((moved || !jd_fleet_row_get_details_known (row)) &&
            jd_fleet_row_get_status (row) != JD_EXECUTION_STATUS_QUEUED)
          queue_describe (self, thing);
      }

  pump_describes (self);
  maybe_round_done (self);
}

static void
poll_now (JdFleetPoller *self)
{
  if (!self->running || self->listing)
    return;
  self->listing = TRUE;
  self->changed = FALSE;
  self->n_lists++;
  jd_control_plane_list_job_executions_for_job_async (self->control_plane,
                                                      jd_fleet_model_get_job_id (self->model),
                                                      JD_EXECUTION_STATUS_UNKNOWN, self->cancellable,
                                                      list_cb, g_object_ref (self));
}

static void
jd_fleet_poller_dispose (GObject *object)
{
  JdFleetPoller *self = JD_FLEET_POLLER (object);

  jd_fleet_poller_stop (self);
  g_clear_object (&self->control_plane);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (jd_fleet_poller_parent_class)->dispose (object);
}

static void
jd_fleet_poller_finalize (GObject *object)
{
  JdFleetPoller *self = JD_FLEET_POLLER (object);

  g_queue_clear_full (&self->to_describe, g_free);
  g_hash_table_unref (self->queued);
  g_clear_pointer (&self->last_refresh, g_date_time_unref);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (jd_fleet_poller_parent_class)->finalize (object);
}

static void
jd_fleet_poller_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  JdFleetPoller *self = JD_FLEET_POLLER (object);

  switch (prop_id)
    {
    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval);
      break;
    case PROP_LAST_REFRESH:
      g_value_set_boxed (value, self->last_refresh);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    case PROP_LIVE:
      g_value_set_boolean (value, self->live);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_fleet_poller_class_init (JdFleetPollerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = jd_fleet_poller_dispose;
  object_class->finalize = jd_fleet_poller_finalize;
  object_class->get_property = jd_fleet_poller_get_property;

  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL, 0, G_MAXUINT, JD_FLEET_POLL_MIN_MS, flags);
  properties[PROP_LAST_REFRESH] =
    g_param_spec_boxed ("last-refresh", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, flags);
  properties[PROP_LIVE] =
    g_param_spec_boolean ("live", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jd_fleet_poller_init (JdFleetPoller *self)
{
  self->min_ms = JD_FLEET_POLL_MIN_MS;
  self->max_ms = JD_FLEET_POLL_MAX_MS;
  self->interval = JD_FLEET_POLL_MIN_MS;
  self->queued = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->to_describe);
}

JdFleetPoller *
jd_fleet_poller_new (JdControlPlane *control_plane,
                     JdFleetModel   *model)
{
  JdFleetPoller *self;

  g_return_val_if_fail (JD_IS_CONTROL_PLANE (control_plane), NULL);
  g_return_val_if_fail (JD_IS_FLEET_MODEL (model), NULL);

  self = g_object_new (JD_TYPE_FLEET_POLLER, NULL);
  self->control_plane = g_object_ref (control_plane);
  self->model = g_object_ref (model);
  return self;
}

void
jd_fleet_poller_set_bounds (JdFleetPoller *self,
                            guint          min_ms,
                            guint          max_ms)
{
  g_return_if_fail (JD_IS_FLEET_POLLER (self));
  g_return_if_fail (min_ms > 0 && min_ms <= max_ms);

  self->min_ms = min_ms;
  self->max_ms = max_ms;
  set_interval (self, min_ms);
}

void
jd_fleet_poller_start (JdFleetPoller *self)
{
  g_return_if_fail (JD_IS_FLEET_POLLER (self));

  if (self->running)
    return;
  self->running = TRUE;
  self->cancellable = g_cancellable_new ();
  poll_now (self);
}

void
jd_fleet_poller_stop (JdFleetPoller *self)
{
  g_return_if_fail (JD_IS_FLEET_POLLER (self));

  self->running = FALSE;
  self->listing = FALSE;
  self->in_flight = 0;
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_handle_id (&self->pace_id, g_source_remove);
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
  g_queue_clear_full (&self->to_describe, g_free);
  g_queue_init (&self->to_describe);
  g_hash_table_remove_all (self->queued);
}

void
jd_fleet_poller_refresh (JdFleetPoller *self)
{
  g_return_if_fail (JD_IS_FLEET_POLLER (self));

  set_interval (self, self->min_ms);
  if (!self->running || self->listing)
    return;
  g_clear_handle_id (&self->poll_id, g_source_remove);
  poll_now (self);
}

void
jd_fleet_poller_set_live (JdFleetPoller *self,
                          gboolean       live)
{
  g_return_if_fail (JD_IS_FLEET_POLLER (self));

  live = !!live;
  if (self->live == live)
    return;
  self->live = live;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIVE]);

  if (live)
    {
      /* The next poll only as a safety net. */
      set_interval (self, 0);
      if (self->poll_id != 0)
        {
          g_clear_handle_id (&self->poll_id, g_source_remove);
          self->poll_id = g_timeout_add (self->interval, poll_cb, self);
        }
    }
  else
    /* Events may have been missed while they stopped: catch up now. */
    jd_fleet_poller_refresh (self);
}

gboolean
jd_fleet_poller_get_live (JdFleetPoller *self)
{
  g_return_val_if_fail (JD_IS_FLEET_POLLER (self), FALSE);
  return self->live;
}

guint
jd_fleet_poller_get_interval (JdFleetPoller *self)
{
  g_return_val_if_fail (JD_IS_FLEET_POLLER (self), 0);
  return self->interval;
}

GDateTime *
jd_fleet_poller_get_last_refresh (JdFleetPoller *self)
{
  g_return_val_if_fail (JD_IS_FLEET_POLLER (self), NULL);
  return self->last_refresh;
}

const GError *
jd_fleet_poller_get_error (JdFleetPoller *self)
{
  g_return_val_if_fail (JD_IS_FLEET_POLLER (self), NULL);
  return self->error;
}

guint
jd_fleet_poller_get_n_lists (JdFleetPoller *self)
{
  g_return_val_if_fail (JD_IS_FLEET_POLLER (self), 0);
  return self->n_lists;
}

guint
jd_fleet_poller_get_n_describes (JdFleetPoller *self)
{
  g_return_val_if_fail (JD_IS_FLEET_POLLER (self), 0);
  return self->n_describes;
}
