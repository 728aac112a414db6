/* jd-fleet-model.c — every thing's execution of one job, merged by thing
 * from events, summaries and descriptions.
 *
 * Which source wins: a higher executionNumber (a retry) replaces the row's
 * execution; for the same execution a higher versionNumber wins, and where a
 * source has no version (summaries, events) a lastUpdatedAt at or after the
 * row's. So a late, duplicated or reordered event never moves a row back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-fleet-model"

#include <stdlib.h>
#include <string.h>

#include "jd-fleet-model.h"
#include "jd-jobs-error.h"
#include "jd-topic.h"

/* ---- JdFleetRow ---- */

struct _JdFleetRow
{
  GObject            parent_instance;

  char              *thing_name;
  JdExecutionStatus  status;
  gint64             execution_number;   /* -1 unknown */
  gint64             version_number;     /* -1 unknown */
  gint               retry_attempt;
  GHashTable        *details;
  gboolean           details_known;
  GDateTime         *queued_at;
  GDateTime         *started_at;
  GDateTime         *last_updated_at;
  GPtrArray         *history;            /* of JdFleetChange */
};

G_DEFINE_FINAL_TYPE (JdFleetRow, jd_fleet_row, G_TYPE_OBJECT)

enum {
  ROW_PROP_0,
  ROW_PROP_THING_NAME,
  ROW_PROP_STATUS,
  ROW_PROP_EXECUTION_NUMBER,
  ROW_PROP_VERSION_NUMBER,
  ROW_PROP_RETRY_ATTEMPT,
  ROW_PROP_STATUS_DETAILS,
  ROW_PROP_STARTED_AT,
  ROW_PROP_LAST_UPDATED_AT,
  ROW_N_PROPS
};

static GParamSpec *row_properties[ROW_N_PROPS];

static void
change_free (gpointer data)
{
  JdFleetChange *change = data;

  g_strfreev (change->added);
  g_strfreev (change->changed);
  g_strfreev (change->removed);
  g_free (change);
}

static void
jd_fleet_row_finalize (GObject *object)
{
  JdFleetRow *self = JD_FLEET_ROW (object);

  g_free (self->thing_name);
  g_hash_table_unref (self->details);
  g_clear_pointer (&self->queued_at, g_date_time_unref);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  g_clear_pointer (&self->last_updated_at, g_date_time_unref);
  g_ptr_array_unref (self->history);

  G_OBJECT_CLASS (jd_fleet_row_parent_class)->finalize (object);
}

static void
jd_fleet_row_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  JdFleetRow *self = JD_FLEET_ROW (object);

  switch (prop_id)
    {
    case ROW_PROP_THING_NAME:
      g_value_set_string (value, self->thing_name);
      break;
    case ROW_PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case ROW_PROP_EXECUTION_NUMBER:
      g_value_set_int64 (value, self->execution_number);
      break;
    case ROW_PROP_VERSION_NUMBER:
      g_value_set_int64 (value, self->version_number);
      break;
    case ROW_PROP_RETRY_ATTEMPT:
      g_value_set_int (value, self->retry_attempt);
      break;
    case ROW_PROP_STATUS_DETAILS:
      g_value_set_boxed (value, self->details);
      break;
    case ROW_PROP_STARTED_AT:
      g_value_set_boxed (value, self->started_at);
      break;
    case ROW_PROP_LAST_UPDATED_AT:
      g_value_set_boxed (value, self->last_updated_at);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_fleet_row_class_init (JdFleetRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = jd_fleet_row_finalize;
  object_class->get_property = jd_fleet_row_get_property;

  row_properties[ROW_PROP_THING_NAME] =
    g_param_spec_string ("thing-name", NULL, NULL, NULL, flags);
  row_properties[ROW_PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, JD_TYPE_EXECUTION_STATUS, JD_EXECUTION_STATUS_UNKNOWN, flags);
  row_properties[ROW_PROP_EXECUTION_NUMBER] =
    g_param_spec_int64 ("execution-number", NULL, NULL, -1, G_MAXINT64, -1, flags);
  row_properties[ROW_PROP_VERSION_NUMBER] =
    g_param_spec_int64 ("version-number", NULL, NULL, -1, G_MAXINT64, -1, flags);
  row_properties[ROW_PROP_RETRY_ATTEMPT] =
    g_param_spec_int ("retry-attempt", NULL, NULL, 0, G_MAXINT, 0, flags);
  row_properties[ROW_PROP_STATUS_DETAILS] =
    g_param_spec_boxed ("status-details", NULL, NULL, G_TYPE_HASH_TABLE, flags);
  row_properties[ROW_PROP_STARTED_AT] =
    g_param_spec_boxed ("started-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  row_properties[ROW_PROP_LAST_UPDATED_AT] =
    g_param_spec_boxed ("last-updated-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  g_object_class_install_properties (object_class, ROW_N_PROPS, row_properties);
}

static void
jd_fleet_row_init (JdFleetRow *self)
{
  self->status = JD_EXECUTION_STATUS_UNKNOWN;
  self->execution_number = -1;
  self->version_number = -1;
  self->details = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->history = g_ptr_array_new_with_free_func (change_free);
}

const char *
jd_fleet_row_get_thing_name (JdFleetRow *self)
{
  g_return_val_if_fail (JD_IS_FLEET_ROW (self), NULL);
  return self->thing_name;
}

JdExecutionStatus
jd_fleet_row_get_status (JdFleetRow *self)
{
  g_return_val_if_fail (JD_IS_FLEET_ROW (self), JD_EXECUTION_STATUS_UNKNOWN);
  return self->status;
}

gint64
jd_fleet_row_get_execution_number (JdFleetRow *self)
{
  g_return_val_if_fail (JD_IS_FLEET_ROW (self), -1);
  return self->execution_number;
}

gint64
jd_fleet_row_get_version_number (JdFleetRow *self)
{
  g_return_val_if_fail (JD_IS_FLEET_ROW (self), -1);
  return self->version_number;
}

gint
jd_fleet_row_get_retry_attempt (JdFleetRow *self)
{
  g_return_val_if_fail (JD_IS_FLEET_ROW (self), 0);
  return self->retry_attempt;
}

GHashTable *
jd_fleet_row_get_status_details (JdFleetRow *self)
{
  g_return_val_if_fail (JD_IS_FLEET_ROW (self), NULL);
  return self->details;
}

const char *
jd_fleet_row_get_detail (JdFleetRow *self,
                         const char *key)
{
  g_return_val_if_fail (JD_IS_FLEET_ROW (self), NULL);
  return g_hash_table_lookup (self->details, key);
}

GDateTime *
jd_fleet_row_get_queued_at (JdFleetRow *self)
{
  g_return_val_if_fail (JD_IS_FLEET_ROW (self), NULL);
  return self->queued_at;
}

GDateTime *
jd_fleet_row_get_started_at (JdFleetRow *self)
{
  g_return_val_if_fail (JD_IS_FLEET_ROW (self), NULL);
  return self->started_at;
}

GDateTime *
jd_fleet_row_get_last_updated_at (JdFleetRow *self)
{
  g_return_val_if_fail (JD_IS_FLEET_ROW (self), NULL);
  return self->last_updated_at;
}

gboolean
jd_fleet_row_get_details_known (JdFleetRow *self)
{
  g_return_val_if_fail (JD_IS_FLEET_ROW (self), FALSE);
  return self->details_known;
}

GPtrArray *
jd_fleet_row_get_history (JdFleetRow *self)
{
  g_return_val_if_fail (JD_IS_FLEET_ROW (self), NULL);
  return self->history;
}

double
jd_fleet_parse_progress (const char *value)
{
  char *end = NULL;
  gint64 n, m;
  double p;

  if (value == NULL)
    return -1;
  while (g_ascii_isspace (*value))
    value++;
  if (!g_ascii_isdigit (*value))
    return -1;

  n = g_ascii_strtoll (value, &end, 10);
  if (end != NULL && *end == '/')
    {
      const char *rest = end + 1;

      if (!g_ascii_isdigit (*rest))
        return -1;
      m = g_ascii_strtoll (rest, &end, 10);
      while (end != NULL && g_ascii_isspace (*end))
        end++;
      if (end == NULL || *end != '\0' || m <= 0 || n < 0 || n > m)
        return -1;
      return (double) n / (double) m;
    }

  p = g_ascii_strtod (value, &end);
  while (end != NULL && *end == ' ')
    end++;
  if (end != NULL && *end == '%')
    {
      end++;
      while (g_ascii_isspace (*end))
        end++;
      if (*end == '\0' && p >= 0 && p <= 100)
        return p / 100.0;
    }
  return -1;
}

/* ---- JdFleetModel ---- */

struct _JdFleetModel
{
  GObject     parent_instance;

  char       *job_id;
  GPtrArray  *rows;           /* shown, sorted by thing name */
  GPtrArray  *waiting;        /* new rows not yet shown */
  GHashTable *by_thing;       /* thing → row (shown or waiting) */
  GHashTable *detail_keys;    /* statusDetails key → rows that have it */
  guint       counts[JD_EXECUTION_STATUS_CANCELED + 1];
  guint       batch_interval;
  guint       flush_id;
};

static void jd_fleet_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JdFleetModel, jd_fleet_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, jd_fleet_model_list_model_init))

enum {
  COUNTS_CHANGED,
  DETAIL_KEYS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GType
jd_fleet_model_get_item_type (GListModel *model)
{
  return JD_TYPE_FLEET_ROW;
}

static guint
jd_fleet_model_get_n_items (GListModel *model)
{
  return JD_FLEET_MODEL (model)->rows->len;
}

static gpointer
jd_fleet_model_get_item (GListModel *model,
                         guint       position)
{
  JdFleetModel *self = JD_FLEET_MODEL (model);

  if (position >= self->rows->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->rows, position));
}

static void
jd_fleet_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = jd_fleet_model_get_item_type;
  iface->get_n_items = jd_fleet_model_get_n_items;
  iface->get_item = jd_fleet_model_get_item;
}

static void
jd_fleet_model_dispose (GObject *object)
{
  JdFleetModel *self = JD_FLEET_MODEL (object);

  g_clear_handle_id (&self->flush_id, g_source_remove);

  G_OBJECT_CLASS (jd_fleet_model_parent_class)->dispose (object);
}

static void
jd_fleet_model_finalize (GObject *object)
{
  JdFleetModel *self = JD_FLEET_MODEL (object);

  g_free (self->job_id);
  g_ptr_array_unref (self->rows);
  g_ptr_array_unref (self->waiting);
  g_hash_table_unref (self->by_thing);
  g_hash_table_unref (self->detail_keys);

  G_OBJECT_CLASS (jd_fleet_model_parent_class)->finalize (object);
}

static void
jd_fleet_model_class_init (JdFleetModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jd_fleet_model_dispose;
  object_class->finalize = jd_fleet_model_finalize;

  /**
   * JdFleetModel::counts-changed:
   *
   * The number of rows per status changed.
   */
  signals[COUNTS_CHANGED] =
    g_signal_new ("counts-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * JdFleetModel::detail-keys-changed:
   *
   * A row has a statusDetails key no row had before (a new column).
   */
  signals[DETAIL_KEYS_CHANGED] =
    g_signal_new ("detail-keys-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
jd_fleet_model_init (JdFleetModel *self)
{
  self->rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_thing = g_hash_table_new (g_str_hash, g_str_equal);
  self->detail_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->batch_interval = 100;
}

JdFleetModel *
jd_fleet_model_new (const char *job_id)
{
  JdFleetModel *self;

  g_return_val_if_fail (job_id != NULL, NULL);

  self = g_object_new (JD_TYPE_FLEET_MODEL, NULL);
  self->job_id = g_strdup (job_id);
  return self;
}

const char *
jd_fleet_model_get_job_id (JdFleetModel *self)
{
  g_return_val_if_fail (JD_IS_FLEET_MODEL (self), NULL);
  return self->job_id;
}

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  JdFleetRow *ra = *(JdFleetRow **) a;
  JdFleetRow *rb = *(JdFleetRow **) b;

  return strcmp (ra->thing_name, rb->thing_name);
}

void
jd_fleet_model_flush (JdFleetModel *self)
{
  guint old_len, first;
  g_autoptr(GPtrArray) merged = NULL;
  guint i = 0, j = 0;

  g_return_if_fail (JD_IS_FLEET_MODEL (self));

  g_clear_handle_id (&self->flush_id, g_source_remove);
  if (self->waiting->len == 0)
    return;

  /* Merge the sorted waiting rows into the sorted shown rows, in one pass. */
  g_ptr_array_sort (self->waiting, compare_rows);
  old_len = self->rows->len;
  merged = g_ptr_array_new_full (old_len + self->waiting->len, g_object_unref);
  first = G_MAXUINT;
  while (i < old_len || j < self->waiting->len)
    {
      gboolean take_waiting = j < self->waiting->len &&
        (i >= old_len || compare_rows (&self->waiting->pdata[j], &self->rows->pdata[i]) < 0);

      if (take_waiting)
        {
          if (first == G_MAXUINT)
            first = merged->len;
          g_ptr_array_add (merged, g_object_ref (self->waiting->pdata[j++]));
        }
      else
        g_ptr_array_add (merged, g_object_ref (self->rows->pdata[i++]));
    }
  g_ptr_array_set_size (self->waiting, 0);
  g_ptr_array_unref (self->rows);
  self->rows = g_steal_pointer (&merged);

  g_list_model_items_changed (G_LIST_MODEL (self), first, old_len - first, self->rows->len - first);
}

static gboolean
flush_cb (gpointer user_data)
{
  JdFleetModel *self = user_data;

  self->flush_id = 0;
  jd_fleet_model_flush (self);
  return G_SOURCE_REMOVE;
}

void
jd_fleet_model_set_batch_interval (JdFleetModel *self,
                                   guint         interval_ms)
{
  g_return_if_fail (JD_IS_FLEET_MODEL (self));

  self->batch_interval = interval_ms;
  if (interval_ms == 0)
    jd_fleet_model_flush (self);
}

static JdFleetRow *
ensure_row (JdFleetModel *self,
            const char   *thing_name)
{
  JdFleetRow *row = g_hash_table_lookup (self->by_thing, thing_name);

  if (row != NULL)
    return row;

  row = g_object_new (JD_TYPE_FLEET_ROW, NULL);
  row->thing_name = g_strdup (thing_name);
  g_ptr_array_add (self->waiting, row);
  g_hash_table_insert (self->by_thing, row->thing_name, row);
  self->counts[JD_EXECUTION_STATUS_UNKNOWN]++;

  if (self->batch_interval == 0)
    ;  /* flushed by the caller once the row is filled */
  else if (self->flush_id == 0)
    self->flush_id = g_timeout_add (self->batch_interval, flush_cb, self);
  return row;
}

static const char *
string_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
same_time (GDateTime *a,
           GDateTime *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_date_time_equal (a, b);
}

static void
set_time (JdFleetRow  *row,
          GDateTime  **field,
          GDateTime   *value,
          guint        prop)
{
  if (value == NULL || same_time (*field, value))
    return;
  g_clear_pointer (field, g_date_time_unref);
  *field = g_date_time_ref (value);
  if (prop != 0)
    g_object_notify_by_pspec (G_OBJECT (row), row_properties[prop]);
}

/* What one source says about an execution. */
typedef struct {
  JdExecutionStatus  status;
  gint64             execution_number;   /* -1 unknown */
  gint64             version_number;     /* -1 unknown */
  gint               retry_attempt;      /* -1 unknown */
  GHashTable        *details;            /* NULL: the source has none */
  GDateTime         *queued_at;
  GDateTime         *started_at;
  GDateTime         *last_updated_at;
  gint64             seen_at;            /* for the history when no time is given */
} Observation;

static gboolean
observation_is_newer (JdFleetRow        *row,
                      const Observation *o)
{
  if (row->status == JD_EXECUTION_STATUS_UNKNOWN)
    return TRUE;
  if (o->execution_number >= 0 && row->execution_number >= 0 &&
      o->execution_number != row->execution_number)
    return o->execution_number > row->execution_number;
  if (o->version_number >= 0 && row->version_number >= 0)
    return o->version_number > row->version_number ||
           (o->version_number == row->version_number && o->details != NULL && !row->details_known);
  if (o->last_updated_at != NULL && row->last_updated_at != NULL)
    return g_date_time_compare (o->last_updated_at, row->last_updated_at) >= 0;
  return TRUE;
}

static char **
strv_from (GPtrArray *array)
{
  g_ptr_array_add (array, NULL);
  return (char **) g_ptr_array_free (array, FALSE);
}

static void
merge (JdFleetModel      *self,
       JdFleetRow        *row,
       const Observation *o)
{
  gboolean status_changed, details_changed = FALSE, new_keys = FALSE;
  JdExecutionStatus old_status = row->status;
  JdFleetChange *change;
  GPtrArray *added, *changed, *removed;

  if (!observation_is_newer (row, o))
    return;

  added = g_ptr_array_new ();
  changed = g_ptr_array_new ();
  removed = g_ptr_array_new ();

  if (o->details != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, o->details);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          const char *old = g_hash_table_lookup (row->details, key);

          if (old == NULL)
            g_ptr_array_add (added, g_strdup_printf ("%s=%s", (char *) key, (char *) value));
          else if (strcmp (old, value) != 0)
            g_ptr_array_add (changed, g_strdup_printf ("%s: %s → %s", (char *) key, old, (char *) value));
        }
      g_hash_table_iter_init (&iter, row->details);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (!g_hash_table_contains (o->details, key))
          g_ptr_array_add (removed, g_strdup (key));

      details_changed = added->len + changed->len + removed->len > 0;
      if (details_changed || !row->details_known)
        {
          g_hash_table_iter_init (&iter, row->details);
          while (g_hash_table_iter_next (&iter, &key, NULL))
            {
              guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->detail_keys, key));

              g_assert (n > 0);
              g_hash_table_insert (self->detail_keys, g_strdup (key), GUINT_TO_POINTER (n - 1));
            }
          g_hash_table_remove_all (row->details);
          g_hash_table_iter_init (&iter, o->details);
          while (g_hash_table_iter_next (&iter, &key, &value))
            {
              guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->detail_keys, key));

              g_hash_table_insert (row->details, g_strdup (key), g_strdup (value));
              g_hash_table_insert (self->detail_keys, g_strdup (key), GUINT_TO_POINTER (n + 1));
              new_keys |= n == 0;
            }
        }
      row->details_known = TRUE;
    }

  status_changed = o->status != JD_EXECUTION_STATUS_UNKNOWN && o->status != row->status;
  if (status_changed)
    {
      self->counts[row->status]--;
      self->counts[o->status]++;
      row->status = o->status;
    }

  /* History: a change of status, details or execution. */
  if (status_changed || details_changed ||
      (o->execution_number >= 0 && o->execution_number != row->execution_number && row->execution_number >= 0))
    {
      change = g_new0 (JdFleetChange, 1);
      change->at = o->last_updated_at != NULL ? g_date_time_to_unix (o->last_updated_at) : o->seen_at;
      change->status = row->status;
      change->version_number = o->version_number;
      change->execution_number = o->execution_number;
      change->added = strv_from (added);
      change->changed = strv_from (changed);
      change->removed = strv_from (removed);
      g_ptr_array_add (row->history, change);
    }
  else
    {
      g_ptr_array_free (added, TRUE);
      g_ptr_array_free (changed, TRUE);
      g_ptr_array_free (removed, TRUE);
    }

  g_object_freeze_notify (G_OBJECT (row));
  if (status_changed)
    g_object_notify_by_pspec (G_OBJECT (row), row_properties[ROW_PROP_STATUS]);
  if (details_changed)
    g_object_notify_by_pspec (G_OBJECT (row), row_properties[ROW_PROP_STATUS_DETAILS]);
  if (o->execution_number >= 0 && o->execution_number != row->execution_number)
    {
      row->execution_number = o->execution_number;
      g_object_notify_by_pspec (G_OBJECT (row), row_properties[ROW_PROP_EXECUTION_NUMBER]);
    }
  if (o->version_number >= 0 && o->version_number != row->version_number)
    {
      row->version_number = o->version_number;
      g_object_notify_by_pspec (G_OBJECT (row), row_properties[ROW_PROP_VERSION_NUMBER]);
    }
  if (o->retry_attempt >= 0 && o->retry_attempt != row->retry_attempt)
    {
      row->retry_attempt = o->retry_attempt;
      g_object_notify_by_pspec (G_OBJECT (row), row_properties[ROW_PROP_RETRY_ATTEMPT]);
    }
  set_time (row, &row->queued_at, o->queued_at, 0);
  set_time (row, &row->started_at, o->started_at, ROW_PROP_STARTED_AT);
  set_time (row, &row->last_updated_at, o->last_updated_at, ROW_PROP_LAST_UPDATED_AT);
  g_object_thaw_notify (G_OBJECT (row));

  (void) old_status;
  if (new_keys)
    g_signal_emit (self, signals[DETAIL_KEYS_CHANGED], 0);
  if (status_changed)
    g_signal_emit (self, signals[COUNTS_CHANGED], 0);
}

static JdFleetRow *
merge_info (JdFleetModel       *self,
            JdJobExecutionInfo *info,
            gboolean            with_details)
{
  Observation o = { 0 };
  JdFleetRow *row;
  const char *thing;
  gboolean is_new;

  g_return_val_if_fail (JD_IS_FLEET_MODEL (self), NULL);
  g_return_val_if_fail (JD_IS_JOB_EXECUTION_INFO (info), NULL);

  thing = jd_job_execution_info_get_thing_name (info);
  if (thing == NULL)
    return NULL;
  if (jd_job_execution_info_get_job_id (info) != NULL &&
      g_strcmp0 (jd_job_execution_info_get_job_id (info), self->job_id) != 0)
    return NULL;

  is_new = !g_hash_table_contains (self->by_thing, thing);
  row = ensure_row (self, thing);
  o.status = jd_job_execution_info_get_status (info);
  o.execution_number = jd_job_execution_info_get_execution_number (info);
  if (o.execution_number <= 0)
    o.execution_number = -1;   /* not given: AWS counts from 1 */
  o.version_number = with_details ? jd_job_execution_info_get_version_number (info) : -1;
  if (o.version_number == 0)
    o.version_number = -1;
  o.retry_attempt = jd_job_execution_info_get_retry_attempt (info);
  o.details = with_details ? jd_job_execution_info_get_status_details (info) : NULL;
  o.queued_at = jd_job_execution_info_get_queued_at (info);
  o.started_at = jd_job_execution_info_get_started_at (info);
  o.last_updated_at = jd_job_execution_info_get_last_updated_at (info);
  o.seen_at = g_get_real_time () / G_USEC_PER_SEC;

  /* A description always carries details, if only an empty map. */
  if (with_details && o.details == NULL)
    {
      g_autoptr(GHashTable) none = g_hash_table_new (g_str_hash, g_str_equal);

      o.details = none;
      merge (self, row, &o);
    }
  else
    merge (self, row, &o);

  if (is_new && self->batch_interval == 0)
    jd_fleet_model_flush (self);
  return row;
}

JdFleetRow *
jd_fleet_model_merge_summary (JdFleetModel       *self,
                              JdJobExecutionInfo *info)
{
  return merge_info (self, info, FALSE);
}

JdFleetRow *
jd_fleet_model_merge_execution (JdFleetModel       *self,
                                JdJobExecutionInfo *info)
{
  return merge_info (self, info, TRUE);
}

/* Reads an optional integer member; FALSE when present but not a
 * non-negative integer. */
static gboolean
optional_count (JsonObject  *payload,
                const char  *member,
                gint64      *value,
                GError     **error)
{
  JsonNode *node = json_object_get_member (payload, member);

  *value = -1;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < 0)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_JSON,
                   "job execution event: “%s” is not a non-negative integer", member);
      return FALSE;
    }
  *value = json_node_get_int (node);
  return TRUE;
}

gboolean
jd_fleet_model_apply_event (JdFleetModel  *self,
                            const char    *topic,
                            JsonObject    *payload,
                            GError       **error)
{
  g_autoptr(GHashTable) details = NULL;
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *job_id = NULL;
  g_autofree char *operation = NULL;
  Observation o = { 0 };
  const char *arn, *thing, *status;
  gboolean execution = FALSE;
  JsonNode *node;
  JdFleetRow *row;
  gboolean is_new;

  g_return_val_if_fail (JD_IS_FLEET_MODEL (self), FALSE);
  g_return_val_if_fail (topic != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!jd_topic_parse_event (topic, -1, &execution, &job_id, &operation) ||
      !execution || strcmp (job_id, self->job_id) != 0)
    return FALSE;

  /* Everything is checked before the row is touched: a malformed event
   * changes nothing, and what the row shows stays. */
  if (payload == NULL)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_JSON,
                   "job execution event on %s: the payload is not a JSON object", topic);
      return FALSE;
    }
  if (g_strcmp0 (string_member (payload, "eventType"), "JOB_EXECUTION") != 0)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_JSON,
                   "job execution event on %s: eventType is not “JOB_EXECUTION”", topic);
      return FALSE;
    }
  arn = string_member (payload, "thingArn");
  thing = arn != NULL ? strrchr (arn, '/') : NULL;
  if (thing == NULL || thing[1] == '\0')
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_JSON,
                   "job execution event on %s: no thing in “thingArn”", topic);
      return FALSE;
    }
  thing++;

  status = string_member (payload, "status");
  o.status = jd_execution_status_from_string (status);
  if (o.status == JD_EXECUTION_STATUS_UNKNOWN)
    {
      /* A deleted execution keeps its row as last seen; the next poll
       * tells the rest. */
      if (g_strcmp0 (operation, "deleted") == 0)
        return TRUE;
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_JSON,
                   "job execution event on %s: unknown status “%s”", topic, status != NULL ? status : "");
      return FALSE;
    }
  o.retry_attempt = -1;
  if (!optional_count (payload, "executionNumber", &o.execution_number, error) ||
      !optional_count (payload, "versionNumber", &o.version_number, error))
    return FALSE;
  if (o.execution_number == 0)
    o.execution_number = -1;   /* AWS counts from 1 */
  if (o.version_number == 0)
    o.version_number = -1;

  node = json_object_get_member (payload, "statusDetails");
  details = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonObjectIter iter;
      const char *key;
      JsonNode *value;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_JSON,
                       "job execution event on %s: statusDetails is not an object", topic);
          return FALSE;
        }
      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &key, &value))
        {
          /* AWS's statusDetails map strings to strings; dropping one
           * value would read as a removed key. */
          if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
            {
              g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_JSON,
                           "job execution event on %s: statusDetails “%s” is not a string", topic, key);
              return FALSE;
            }
          g_hash_table_insert (details, g_strdup (key), g_strdup (json_node_get_string (value)));
        }
    }
  o.details = details;

  node = json_object_get_member (payload, "timestamp");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    {
      gint64 t = json_node_get_int (node);

      /* Seconds, or milliseconds from a source that sends them. */
      if (t > 100000000000LL)
        t /= 1000;
      when = g_date_time_new_from_unix_utc (t);
    }
  o.last_updated_at = when;
  o.seen_at = g_get_real_time () / G_USEC_PER_SEC;

  is_new = !g_hash_table_contains (self->by_thing, thing);
  row = ensure_row (self, thing);
  merge (self, row, &o);
  if (is_new && self->batch_interval == 0)
    jd_fleet_model_flush (self);
  return TRUE;
}

JdFleetRow *
jd_fleet_model_lookup (JdFleetModel *self,
                       const char   *thing_name)
{
  g_return_val_if_fail (JD_IS_FLEET_MODEL (self), NULL);
  g_return_val_if_fail (thing_name != NULL, NULL);
  return g_hash_table_lookup (self->by_thing, thing_name);
}

guint
jd_fleet_model_count_status (JdFleetModel      *self,
                             JdExecutionStatus  status)
{
  g_return_val_if_fail (JD_IS_FLEET_MODEL (self), 0);
  g_return_val_if_fail (status <= JD_EXECUTION_STATUS_CANCELED, 0);
  return self->counts[status];
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

GStrv
jd_fleet_model_dup_detail_keys (JdFleetModel *self)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, n;

  g_return_val_if_fail (JD_IS_FLEET_MODEL (self), NULL);

  g_hash_table_iter_init (&iter, self->detail_keys);
  while (g_hash_table_iter_next (&iter, &key, &n))
    if (GPOINTER_TO_UINT (n) > 0)
      g_ptr_array_add (list, g_strdup (key));
  g_ptr_array_sort (list, compare_strings);
  g_ptr_array_add (list, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&list), FALSE);
}
