/* jd-execution-history.c — an execution's changes as the app saw them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <string.h>

#include "jd-execution-history.h"

struct _JdExecutionHistory
{
  GObject            parent_instance;

  GPtrArray         *entries;   /* of JdHistoryEntry, oldest first */
  JdExecutionStatus  status;
  gint64             version_number;
  GHashTable        *details;   /* the last seen statusDetails */
};

G_DEFINE_FINAL_TYPE (JdExecutionHistory, jd_execution_history, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
entry_free (gpointer data)
{
  JdHistoryEntry *entry = data;

  g_clear_pointer (&entry->at, g_date_time_unref);
  g_strfreev (entry->added);
  g_strfreev (entry->changed);
  g_strfreev (entry->removed);
  g_free (entry);
}

static char **
strv_from (GPtrArray *array)
{
  g_ptr_array_sort (array, (GCompareFunc) g_strcmp0);
  g_ptr_array_add (array, NULL);
  return (char **) g_ptr_array_free (array, FALSE);
}

static void
jd_execution_history_finalize (GObject *object)
{
  JdExecutionHistory *self = JD_EXECUTION_HISTORY (object);

  g_ptr_array_unref (self->entries);
  g_hash_table_unref (self->details);

  G_OBJECT_CLASS (jd_execution_history_parent_class)->finalize (object);
}

static void
jd_execution_history_class_init (JdExecutionHistoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = jd_execution_history_finalize;

  /**
   * JdExecutionHistory::changed:
   *
   * An entry was added.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
jd_execution_history_init (JdExecutionHistory *self)
{
  self->entries = g_ptr_array_new_with_free_func (entry_free);
  self->details = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->status = JD_EXECUTION_STATUS_UNKNOWN;
  self->version_number = -1;
}

JdExecutionHistory *
jd_execution_history_new (void)
{
  return g_object_new (JD_TYPE_EXECUTION_HISTORY, NULL);
}

/**
 * jd_execution_history_record:
 * @execution: the execution as it is now
 *
 * Adds an entry if its status, version or statusDetails differ from the
 * last one seen.
 *
 * Returns: whether an entry was added
 */
gboolean
jd_execution_history_record (JdExecutionHistory *self,
                             JdExecution        *execution)
{
  GHashTable *details;
  GPtrArray *added, *changed, *removed;
  JdHistoryEntry *entry;
  GHashTableIter iter;
  gpointer key, value;
  GDateTime *updated;

  g_return_val_if_fail (JD_IS_EXECUTION_HISTORY (self), FALSE);
  g_return_val_if_fail (JD_IS_EXECUTION (execution), FALSE);

  details = jd_execution_get_status_details (execution);
  added = g_ptr_array_new ();
  changed = g_ptr_array_new ();
  removed = g_ptr_array_new ();

  if (details != NULL)
    {
      g_hash_table_iter_init (&iter, details);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          const char *old = g_hash_table_lookup (self->details, key);

          if (old == NULL)
            g_ptr_array_add (added, g_strdup_printf ("%s=%s", (char *) key, (char *) value));
          else if (strcmp (old, value) != 0)
            g_ptr_array_add (changed, g_strdup_printf ("%s: %s → %s", (char *) key, old, (char *) value));
        }
      g_hash_table_iter_init (&iter, self->details);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (!g_hash_table_contains (details, key))
          g_ptr_array_add (removed, g_strdup (key));
    }

  if (jd_execution_get_status (execution) == self->status &&
      jd_execution_get_version_number (execution) == self->version_number &&
      added->len + changed->len + removed->len == 0)
    {
      g_ptr_array_free (added, TRUE);
      g_ptr_array_free (changed, TRUE);
      g_ptr_array_free (removed, TRUE);
      return FALSE;
    }

  self->status = jd_execution_get_status (execution);
  self->version_number = jd_execution_get_version_number (execution);
  if (details != NULL)
    {
      g_hash_table_remove_all (self->details);
      g_hash_table_iter_init (&iter, details);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (self->details, g_strdup (key), g_strdup (value));
    }

  updated = jd_execution_get_last_updated_at (execution);
  entry = g_new0 (JdHistoryEntry, 1);
  entry->at = updated ? g_date_time_ref (updated) : g_date_time_new_now_utc ();
  entry->status = self->status;
  entry->version_number = self->version_number;
  entry->added = strv_from (added);
  entry->changed = strv_from (changed);
  entry->removed = strv_from (removed);
  g_ptr_array_add (self->entries, entry);

  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

/**
 * jd_execution_history_get_entries:
 *
 * Returns: (transfer none) (element-type JdHistoryEntry): the changes, oldest first
 */
GPtrArray *
jd_execution_history_get_entries (JdExecutionHistory *self)
{
  g_return_val_if_fail (JD_IS_EXECUTION_HISTORY (self), NULL);

  return self->entries;
}
