/* jd-job-list.c — the operator's live list of jobs.
 *
 * A refresh is ListJobs (all pages) merged by job id into the objects
 * already listed (so bound rows follow `notify` instead of being rebuilt,
 * and a selection survives), with at most one `items-changed`; then, one
 * after the other so as to stay far from AWS's rate limits, DescribeJob for
 * each job whose counters may have moved (never described, not finished, or
 * changed in this refresh). Polling backs off while nothing changes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-job-list"

#include "jd-job-list.h"

struct _JdJobList
{
  GObject         parent_instance;

  GPtrArray      *items;          /* JdJob, in ListJobs' order */
  GHashTable     *by_id;          /* job id → JdJob (borrowed from items) */

  JdControlPlane *control_plane;
  JdJobStatus     status_filter;
  GCancellable   *cancellable;    /* the refresh running, or NULL */
  GPtrArray      *to_describe;    /* job ids still to describe in this refresh */
  gboolean        changed;        /* whether this refresh changed anything */
  GDateTime      *last_refreshed;

  gboolean        following;
  guint           poll_min_ms;
  guint           poll_max_ms;
  guint           poll_ms;        /* the interval now */
  guint           poll_id;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JdJobList, jd_job_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_N_ITEMS,
  PROP_CONTROL_PLANE,
  PROP_STATUS_FILTER,
  PROP_LOADING,
  PROP_LAST_REFRESHED,
  PROP_FOLLOWING,
  PROP_POLL_INTERVAL,
  N_PROPS
};

enum {
  REFRESHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void describe_next (JdJobList *self);

/* Helpers */

static gboolean
needs_counters (JdJob *job)
{
  switch (jd_job_get_status (job))
    {
    case JD_JOB_STATUS_DELETION_IN_PROGRESS:
      return FALSE;
    case JD_JOB_STATUS_IN_PROGRESS:
    case JD_JOB_STATUS_SCHEDULED:
    case JD_JOB_STATUS_UNKNOWN:
      return TRUE;
    case JD_JOB_STATUS_COMPLETED:
    case JD_JOB_STATUS_CANCELED:
    default:
      return jd_job_get_process_details (job) == NULL;
    }
}

static void
set_poll_ms (JdJobList *self,
             guint      poll_ms)
{
  guint old_seconds = jd_job_list_get_poll_interval (self);

  self->poll_ms = poll_ms;
  if (jd_job_list_get_poll_interval (self) != old_seconds)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POLL_INTERVAL]);
}

static void start_refresh (JdJobList *self);

static gboolean
poll_cb (gpointer user_data)
{
  JdJobList *self = user_data;

  self->poll_id = 0;
  /* Keeps the current rate: the refresh's outcome decides the next one. */
  if (self->cancellable == NULL && self->control_plane != NULL)
    start_refresh (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_poll (JdJobList *self)
{
  g_clear_handle_id (&self->poll_id, g_source_remove);
  if (!self->following || self->control_plane == NULL || self->cancellable != NULL)
    return;
  self->poll_id = g_timeout_add (self->poll_ms, poll_cb, self);
}

/* After a refresh: faster when it brought news, slower when not. */
static void
back_off (JdJobList *self,
          gboolean   changed)
{
  if (changed)
    set_poll_ms (self, self->poll_min_ms);
  else
    set_poll_ms (self, MIN (self->poll_ms * 2, self->poll_max_ms));
}

static void
refresh_done (JdJobList *self,
              GError    *error)
{
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->to_describe, g_ptr_array_unref);

  if (error == NULL)
    {
      g_clear_pointer (&self->last_refreshed, g_date_time_unref);
      self->last_refreshed = g_date_time_new_now_utc ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_REFRESHED]);
    }
  back_off (self, error == NULL && self->changed);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  g_signal_emit (self, signals[REFRESHED], 0, error);
  schedule_poll (self);
}

static void
described_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(JdJobList) self = user_data;
  g_autoptr(JdJob) job = NULL;
  g_autoptr(GError) error = NULL;
  JdJob *listed;

  job = jd_control_plane_describe_job_only_finish (JD_CONTROL_PLANE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (job != NULL && (listed = g_hash_table_lookup (self->by_id, jd_job_get_job_id (job))) != NULL)
    self->changed |= jd_job_update (listed, job);
  else if (job == NULL)
    /* Deleted meanwhile, or throttled: the next refresh tries again. */
    g_debug ("DescribeJob failed: %s", error->message);

  describe_next (self);
}

static void
describe_next (JdJobList *self)
{
  g_autofree char *job_id = NULL;

  if (self->to_describe == NULL || self->to_describe->len == 0)
    {
      refresh_done (self, NULL);
      return;
    }

  job_id = g_ptr_array_steal_index (self->to_describe, 0);
  jd_control_plane_describe_job_only_async (self->control_plane, job_id, self->cancellable,
                                            described_cb, g_object_ref (self));
}

static void
listed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(JdJobList) self = user_data;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GError) error = NULL;

  jobs = jd_control_plane_list_jobs_finish (JD_CONTROL_PLANE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (jobs == NULL)
    {
      refresh_done (self, error);
      return;
    }

  self->to_describe = g_ptr_array_new_with_free_func (g_free);
  self->changed = FALSE;
  for (guint i = 0; i < jobs->len; i++)
    {
      JdJob *incoming = g_ptr_array_index (jobs, i);
      JdJob *listed = g_hash_table_lookup (self->by_id, jd_job_get_job_id (incoming));
      gboolean news = listed == NULL || jd_job_update (listed, incoming);

      self->changed |= news;
      if (news || (listed != NULL && needs_counters (listed)) || needs_counters (incoming))
        if (jd_job_get_status (incoming) != JD_JOB_STATUS_DELETION_IN_PROGRESS)
          g_ptr_array_add (self->to_describe, g_strdup (jd_job_get_job_id (incoming)));
    }
  self->changed |= jd_job_list_replace (self, jobs);
  describe_next (self);
}

static void
start_refresh (JdJobList *self)
{
  g_assert (self->control_plane != NULL);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->to_describe, g_ptr_array_unref);
  g_clear_handle_id (&self->poll_id, g_source_remove);

  self->cancellable = g_cancellable_new ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  jd_control_plane_list_jobs_async (self->control_plane, self->status_filter, self->cancellable,
                                    listed_cb, g_object_ref (self));
}

static void
stop_refresh (JdJobList *self)
{
  gboolean was_loading = self->cancellable != NULL;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->to_describe, g_ptr_array_unref);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  if (was_loading)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* GListModel */

static GType
jd_job_list_get_item_type (GListModel *model)
{
  return JD_TYPE_JOB;
}

static guint
jd_job_list_get_n_items (GListModel *model)
{
  return JD_JOB_LIST (model)->items->len;
}

static gpointer
jd_job_list_get_item (GListModel *model,
                      guint       position)
{
  JdJobList *self = JD_JOB_LIST (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = jd_job_list_get_item_type;
  iface->get_n_items = jd_job_list_get_n_items;
  iface->get_item = jd_job_list_get_item;
}

/* GObject */

static void
jd_job_list_dispose (GObject *object)
{
  JdJobList *self = (JdJobList *) object;

  stop_refresh (self);
  g_clear_object (&self->control_plane);

  G_OBJECT_CLASS (jd_job_list_parent_class)->dispose (object);
}

static void
jd_job_list_finalize (GObject *object)
{
  JdJobList *self = (JdJobList *) object;

  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->last_refreshed, g_date_time_unref);

  G_OBJECT_CLASS (jd_job_list_parent_class)->finalize (object);
}

static void
jd_job_list_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  JdJobList *self = JD_JOB_LIST (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;
    case PROP_CONTROL_PLANE:
      g_value_set_object (value, self->control_plane);
      break;
    case PROP_STATUS_FILTER:
      g_value_set_enum (value, self->status_filter);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->cancellable != NULL);
      break;
    case PROP_LAST_REFRESHED:
      g_value_set_boxed (value, self->last_refreshed);
      break;
    case PROP_FOLLOWING:
      g_value_set_boolean (value, self->following);
      break;
    case PROP_POLL_INTERVAL:
      g_value_set_uint (value, jd_job_list_get_poll_interval (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_job_list_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  JdJobList *self = JD_JOB_LIST (object);

  switch (prop_id)
    {
    case PROP_CONTROL_PLANE:
      jd_job_list_set_control_plane (self, g_value_get_object (value));
      break;
    case PROP_STATUS_FILTER:
      jd_job_list_set_status_filter (self, g_value_get_enum (value));
      break;
    case PROP_FOLLOWING:
      jd_job_list_set_following (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_job_list_class_init (JdJobListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jd_job_list_dispose;
  object_class->finalize = jd_job_list_finalize;
  object_class->get_property = jd_job_list_get_property;
  object_class->set_property = jd_job_list_set_property;

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CONTROL_PLANE] =
    g_param_spec_object ("control-plane", NULL, NULL, JD_TYPE_CONTROL_PLANE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATUS_FILTER] =
    g_param_spec_enum ("status-filter", NULL, NULL, JD_TYPE_JOB_STATUS, JD_JOB_STATUS_UNKNOWN,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LAST_REFRESHED] =
    g_param_spec_boxed ("last-refreshed", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FOLLOWING] =
    g_param_spec_boolean ("following", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_POLL_INTERVAL] =
    g_param_spec_uint ("poll-interval", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * JdJobList::refreshed:
   * @error: (nullable): why the refresh failed; the jobs listed stay
   *
   * A refresh (asked for or polled) has finished.
   */
  signals[REFRESHED] =
    g_signal_new ("refreshed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
jd_job_list_init (JdJobList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->poll_min_ms = JD_JOB_LIST_POLL_MIN_SECONDS * 1000;
  self->poll_max_ms = JD_JOB_LIST_POLL_MAX_SECONDS * 1000;
  self->poll_ms = self->poll_min_ms;
}

/* Public API */

JdJobList *
jd_job_list_new (void)
{
  return g_object_new (JD_TYPE_JOB_LIST, NULL);
}

JdControlPlane *
jd_job_list_get_control_plane (JdJobList *self)
{
  g_return_val_if_fail (JD_IS_JOB_LIST (self), NULL);
  return self->control_plane;
}

/**
 * jd_job_list_set_control_plane:
 * @control_plane: (nullable): where the jobs come from
 *
 * Drops the jobs of the previous control plane and lists the new one's.
 */
void
jd_job_list_set_control_plane (JdJobList      *self,
                               JdControlPlane *control_plane)
{
  g_return_if_fail (JD_IS_JOB_LIST (self));
  g_return_if_fail (control_plane == NULL || JD_IS_CONTROL_PLANE (control_plane));

  if (self->control_plane == control_plane)
    return;

  stop_refresh (self);
  g_set_object (&self->control_plane, control_plane);
  jd_job_list_clear (self);
  g_clear_pointer (&self->last_refreshed, g_date_time_unref);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROL_PLANE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_REFRESHED]);
  if (control_plane != NULL)
    jd_job_list_refresh (self);
}

JdJobStatus
jd_job_list_get_status_filter (JdJobList *self)
{
  g_return_val_if_fail (JD_IS_JOB_LIST (self), JD_JOB_STATUS_UNKNOWN);
  return self->status_filter;
}

/**
 * jd_job_list_set_status_filter:
 * @status: the status ListJobs asks for, or %JD_JOB_STATUS_UNKNOWN for all
 */
void
jd_job_list_set_status_filter (JdJobList   *self,
                               JdJobStatus  status)
{
  g_return_if_fail (JD_IS_JOB_LIST (self));

  if (self->status_filter == status)
    return;

  self->status_filter = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_FILTER]);
  if (self->control_plane != NULL)
    jd_job_list_refresh (self);
}

void
jd_job_list_refresh (JdJobList *self)
{
  g_return_if_fail (JD_IS_JOB_LIST (self));

  if (self->control_plane == NULL)
    return;
  set_poll_ms (self, self->poll_min_ms);
  start_refresh (self);
}

gboolean
jd_job_list_get_loading (JdJobList *self)
{
  g_return_val_if_fail (JD_IS_JOB_LIST (self), FALSE);
  return self->cancellable != NULL;
}

/**
 * jd_job_list_get_last_refreshed:
 *
 * Returns: (transfer none) (nullable): when the last refresh succeeded
 */
GDateTime *
jd_job_list_get_last_refreshed (JdJobList *self)
{
  g_return_val_if_fail (JD_IS_JOB_LIST (self), NULL);
  return self->last_refreshed;
}

gboolean
jd_job_list_get_following (JdJobList *self)
{
  g_return_val_if_fail (JD_IS_JOB_LIST (self), FALSE);
  return self->following;
}

void
jd_job_list_set_following (JdJobList *self,
                           gboolean   following)
{
  guint old_seconds;

  g_return_if_fail (JD_IS_JOB_LIST (self));

  following = !!following;
  if (self->following == following)
    return;

  old_seconds = jd_job_list_get_poll_interval (self);
  self->following = following;
  if (following)
    schedule_poll (self);
  else
    g_clear_handle_id (&self->poll_id, g_source_remove);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOWING]);
  if (jd_job_list_get_poll_interval (self) != old_seconds)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POLL_INTERVAL]);
}

guint
jd_job_list_get_poll_interval (JdJobList *self)
{
  g_return_val_if_fail (JD_IS_JOB_LIST (self), 0);
  return self->following ? (self->poll_ms + 999) / 1000 : 0;
}

void
jd_job_list_set_poll_range_ms (JdJobList *self,
                               guint      min_ms,
                               guint      max_ms)
{
  g_return_if_fail (JD_IS_JOB_LIST (self));
  g_return_if_fail (min_ms >= 1 && min_ms <= max_ms);

  self->poll_min_ms = min_ms;
  self->poll_max_ms = max_ms;
  set_poll_ms (self, CLAMP (self->poll_ms, min_ms, max_ms));
  if (self->poll_id != 0)
    schedule_poll (self);
}

/**
 * jd_job_list_lookup:
 *
 * Returns: (transfer none) (nullable): the listed job of @job_id
 */
JdJob *
jd_job_list_lookup (JdJobList  *self,
                    const char *job_id)
{
  g_return_val_if_fail (JD_IS_JOB_LIST (self), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);

  return g_hash_table_lookup (self->by_id, job_id);
}

gboolean
jd_job_list_replace (JdJobList *self,
                     GPtrArray *jobs)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GHashTable) by_id = NULL;
  gboolean changed = FALSE;
  guint old_len, prefix = 0, suffix = 0;

  g_return_val_if_fail (JD_IS_JOB_LIST (self), FALSE);
  g_return_val_if_fail (jobs != NULL, FALSE);

  items = g_ptr_array_new_full (jobs->len, g_object_unref);
  by_id = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < jobs->len; i++)
    {
      JdJob *incoming = g_ptr_array_index (jobs, i);
      const char *job_id = jd_job_get_job_id (incoming);
      JdJob *existing;

      if (g_hash_table_contains (by_id, job_id))
        continue;   /* a job seen twice across pages: the first word counts */

      existing = g_hash_table_lookup (self->by_id, job_id);
      if (existing != NULL)
        {
          changed |= jd_job_update (existing, incoming);
          incoming = existing;
        }
      g_ptr_array_add (items, g_object_ref (incoming));
      g_hash_table_insert (by_id, (gpointer) jd_job_get_job_id (incoming), incoming);
    }

  /* The smallest range that differs: rows around it are not touched. */
  old_len = self->items->len;
  while (prefix < old_len && prefix < items->len &&
         g_ptr_array_index (self->items, prefix) == g_ptr_array_index (items, prefix))
    prefix++;
  while (suffix < old_len - prefix && suffix < items->len - prefix &&
         g_ptr_array_index (self->items, old_len - 1 - suffix) ==
         g_ptr_array_index (items, items->len - 1 - suffix))
    suffix++;

  g_ptr_array_unref (self->items);
  self->items = g_steal_pointer (&items);
  g_hash_table_unref (self->by_id);
  self->by_id = g_steal_pointer (&by_id);

  if (prefix + suffix < MAX (old_len, self->items->len))
    {
      g_list_model_items_changed (G_LIST_MODEL (self), prefix,
                                  old_len - prefix - suffix, self->items->len - prefix - suffix);
      if (old_len != self->items->len)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
      changed = TRUE;
    }

  return changed;
}

void
jd_job_list_clear (JdJobList *self)
{
  guint old_len;

  g_return_if_fail (JD_IS_JOB_LIST (self));

  old_len = self->items->len;
  if (old_len == 0)
    return;
  g_hash_table_remove_all (self->by_id);
  g_ptr_array_set_size (self->items, 0);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}
