/* jd-execution-list.c — the live GListModel of pending executions.
 *
 * Objects keep their identity across updates (a resync merges into the
 * existing JdExecution of each job), so bound rows refresh through `notify`
 * instead of being rebuilt. A whole resync emits at most one
 * `items-changed`, however many executions it brings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-execution-list"

#include "jd-execution-list.h"
#include "jd-execution.h"

struct _JdExecutionList
{
  GObject     parent_instance;

  GPtrArray  *items;    /* JdExecution, in display order */
  GHashTable *by_id;    /* job id → JdExecution (borrowed from items) */
  JdExecution *next;    /* the item marked is_next (a ref), or NULL */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (JdExecutionList, jd_execution_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static int
group_of (JdExecution *execution)
{
  switch (jd_execution_get_status (execution))
    {
    case JD_EXECUTION_STATUS_IN_PROGRESS:
      return 0;
    case JD_EXECUTION_STATUS_QUEUED:
      return 1;
    default:
      return 2;
    }
}

/* Whether @other is listed after an execution of @group queued at @queued:
 * it is of a later group, or of the same group and queued later. */
static gboolean
goes_after (JdExecution *other,
            int          group,
            GDateTime   *queued)
{
  int other_group = group_of (other);
  GDateTime *other_queued;

  if (other_group != group)
    return other_group > group;
  other_queued = jd_execution_get_queued_at (other);
  return queued != NULL && other_queued != NULL && g_date_time_compare (other_queued, queued) > 0;
}

/* Where a single execution goes: after everything of an earlier group and
 * after the ones of its group queued no later than it. The list is kept in
 * that order (replace() takes AWS's order, every insertion comes here), so a
 * binary search finds it; a linear scan was most of a move's time with
 * 10,000 executions (bench/bench-model). */
static guint
insert_position (JdExecutionList *self,
                 JdExecution     *execution)
{
  int group = group_of (execution);
  GDateTime *queued = jd_execution_get_queued_at (execution);
  guint lo = 0;
  guint hi = self->items->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (goes_after (g_ptr_array_index (self->items, mid), group, queued))
        hi = mid;
      else
        lo = mid + 1;
    }
  return lo;
}

/* Whether @execution at @position is in order with its neighbours: the one
 * before does not go after it, and it does not go after the one behind. */
static gboolean
fits_at (JdExecutionList *self,
         JdExecution     *execution,
         guint            position)
{
  if (position > 0 &&
      goes_after (g_ptr_array_index (self->items, position - 1),
                  group_of (execution), jd_execution_get_queued_at (execution)))
    return FALSE;
  if (position + 1 < self->items->len)
    {
      JdExecution *after = g_ptr_array_index (self->items, position + 1);

      if (goes_after (execution, group_of (after), jd_execution_get_queued_at (after)))
        return FALSE;
    }
  return TRUE;
}

/* Only the head is marked next: mark it and unmark the previous head, rather
 * than setting the flag on every item at each change. */
static void
update_next (JdExecutionList *self)
{
  JdExecution *head = self->items->len > 0 ? g_ptr_array_index (self->items, 0) : NULL;

  if (self->next != NULL && self->next != head)
    jd_execution_set_is_next (self->next, FALSE);
  if (head != NULL)
    jd_execution_set_is_next (head, TRUE);
  g_set_object (&self->next, head);
}

static void
emit_changed (JdExecutionList *self,
              guint            position,
              guint            removed,
              guint            added)
{
  update_next (self);
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static GType
jd_execution_list_get_item_type (GListModel *model)
{
  return JD_TYPE_EXECUTION;
}

static guint
jd_execution_list_get_n_items (GListModel *model)
{
  return JD_EXECUTION_LIST (model)->items->len;
}

static gpointer
jd_execution_list_get_item (GListModel *model,
                            guint       position)
{
  JdExecutionList *self = JD_EXECUTION_LIST (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = jd_execution_list_get_item_type;
  iface->get_n_items = jd_execution_list_get_n_items;
  iface->get_item = jd_execution_list_get_item;
}

static void
jd_execution_list_finalize (GObject *object)
{
  JdExecutionList *self = (JdExecutionList *) object;

  g_clear_object (&self->next);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (jd_execution_list_parent_class)->finalize (object);
}

static void
jd_execution_list_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  JdExecutionList *self = JD_EXECUTION_LIST (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_execution_list_class_init (JdExecutionListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = jd_execution_list_finalize;
  object_class->get_property = jd_execution_list_get_property;

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jd_execution_list_init (JdExecutionList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

/**
 * jd_execution_list_new:
 *
 * Returns: (transfer full): an empty list
 */
JdExecutionList *
jd_execution_list_new (void)
{
  return g_object_new (JD_TYPE_EXECUTION_LIST, NULL);
}

/**
 * jd_execution_list_lookup:
 * @self: a list
 * @job_id: a job id
 *
 * Returns: (transfer none) (nullable): the pending execution of @job_id
 */
JdExecution *
jd_execution_list_lookup (JdExecutionList *self,
                          const char      *job_id)
{
  g_return_val_if_fail (JD_IS_EXECUTION_LIST (self), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);

  return g_hash_table_lookup (self->by_id, job_id);
}

/**
 * jd_execution_list_get_next:
 * @self: a list
 *
 * Returns: (transfer none) (nullable): the execution `$next` names
 */
JdExecution *
jd_execution_list_get_next (JdExecutionList *self)
{
  g_return_val_if_fail (JD_IS_EXECUTION_LIST (self), NULL);

  return self->items->len > 0 ? g_ptr_array_index (self->items, 0) : NULL;
}

/**
 * jd_execution_list_replace:
 * @self: a list
 * @executions: (element-type JdExecution): the whole pending set, in AWS's
 *   order (IN_PROGRESS oldest first, then QUEUED oldest first)
 *
 * A resync. Executions already listed are updated in place (as summaries:
 * their documents and details stay); the rest come and go. Emits one
 * `items-changed` if the order of jobs changed, none otherwise.
 */
void
jd_execution_list_replace (JdExecutionList *self,
                           GPtrArray       *executions)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GHashTable) by_id = NULL;
  gboolean same;
  guint old_len;

  g_return_if_fail (JD_IS_EXECUTION_LIST (self));
  g_return_if_fail (executions != NULL);

  items = g_ptr_array_new_full (executions->len, g_object_unref);
  by_id = g_hash_table_new (g_str_hash, g_str_equal);

  /* Stable: pending groups first, in the given order within each. */
  for (int group = 0; group < 2; group++)
    for (guint i = 0; i < executions->len; i++)
      {
        JdExecution *incoming = g_ptr_array_index (executions, i);
        JdExecution *existing;
        const char *job_id = jd_execution_get_job_id (incoming);

        if (group_of (incoming) != group || g_hash_table_contains (by_id, job_id))
          continue;

        existing = g_hash_table_lookup (self->by_id, job_id);
        if (existing != NULL)
          {
            jd_execution_merge (existing, incoming, FALSE);
            incoming = existing;
          }

        g_ptr_array_add (items, g_object_ref (incoming));
        g_hash_table_insert (by_id, (gpointer) jd_execution_get_job_id (incoming), incoming);
      }

  same = items->len == self->items->len;
  for (guint i = 0; same && i < items->len; i++)
    same = g_ptr_array_index (items, i) == g_ptr_array_index (self->items, i);

  for (guint i = 0; i < self->items->len; i++)
    {
      JdExecution *old = g_ptr_array_index (self->items, i);

      if (g_hash_table_lookup (by_id, jd_execution_get_job_id (old)) != old)
        jd_execution_set_is_next (old, FALSE);
    }

  old_len = self->items->len;
  g_ptr_array_unref (self->items);
  self->items = g_steal_pointer (&items);
  g_hash_table_unref (self->by_id);
  self->by_id = g_steal_pointer (&by_id);

  if (same)
    update_next (self);
  else
    emit_changed (self, 0, old_len, self->items->len);
}

/**
 * jd_execution_list_upsert:
 * @self: a list
 * @execution: an execution
 * @full: whether @execution is a whole JobExecution (else a summary)
 *
 * Merges @execution into the listed one of its job, or adds it; one that is
 * not pending (any more) is removed.
 *
 * Returns: (transfer none) (nullable): the listed execution, or %NULL if
 *   @execution is not pending
 */
JdExecution *
jd_execution_list_upsert (JdExecutionList *self,
                          JdExecution     *execution,
                          gboolean         full)
{
  JdExecution *existing;
  const char *job_id;

  g_return_val_if_fail (JD_IS_EXECUTION_LIST (self), NULL);
  g_return_val_if_fail (JD_IS_EXECUTION (execution), NULL);

  job_id = jd_execution_get_job_id (execution);
  existing = g_hash_table_lookup (self->by_id, job_id);

  if (existing != NULL && existing != execution)
    jd_execution_merge (existing, execution, full);
  else if (existing == NULL)
    {
      guint position;

      if (!jd_execution_status_is_pending (jd_execution_get_status (execution)))
        return NULL;

      position = insert_position (self, execution);
      g_ptr_array_insert (self->items, position, g_object_ref (execution));
      g_hash_table_insert (self->by_id, (gpointer) job_id, execution);
      emit_changed (self, position, 0, 1);
      return execution;
    }

  jd_execution_list_changed (self, existing);
  return g_hash_table_lookup (self->by_id, job_id);
}

/**
 * jd_execution_list_changed:
 * @self: a list
 * @execution: a listed execution whose status may have changed
 *
 * Moves it to where its status puts it, or removes it when it is no longer
 * pending.
 */
void
jd_execution_list_changed (JdExecutionList *self,
                           JdExecution     *execution)
{
  g_autoptr(JdExecution) held = NULL;
  guint position, target;

  g_return_if_fail (JD_IS_EXECUTION_LIST (self));
  g_return_if_fail (JD_IS_EXECUTION (execution));

  if (!g_ptr_array_find (self->items, execution, &position))
    return;

  if (!jd_execution_status_is_pending (jd_execution_get_status (execution)))
    {
      jd_execution_list_remove (self, jd_execution_get_job_id (execution));
      return;
    }

  /* Where it is still fits its status: it stays. Executions queued in the
   * same second tie on queuedAt, and moving one behind its ties put the
   * wrong one first (the Next marker disagreed with `$next`). */
  if (fits_at (self, execution, position))
    return;

  held = g_object_ref (execution);
  g_ptr_array_remove_index (self->items, position);
  target = insert_position (self, execution);
  g_ptr_array_insert (self->items, target, g_object_ref (execution));

  if (target != position)
    {
      guint first = MIN (target, position);
      guint count = MAX (target, position) - first + 1;

      emit_changed (self, first, count, count);
    }
}

/**
 * jd_execution_list_remove:
 * @self: a list
 * @job_id: a job id
 *
 * Returns: whether it was listed
 */
gboolean
jd_execution_list_remove (JdExecutionList *self,
                          const char      *job_id)
{
  JdExecution *execution;
  guint position;

  g_return_val_if_fail (JD_IS_EXECUTION_LIST (self), FALSE);
  g_return_val_if_fail (job_id != NULL, FALSE);

  execution = g_hash_table_lookup (self->by_id, job_id);
  if (execution == NULL || !g_ptr_array_find (self->items, execution, &position))
    return FALSE;

  jd_execution_set_is_next (execution, FALSE);
  g_hash_table_remove (self->by_id, job_id);
  g_ptr_array_remove_index (self->items, position);
  emit_changed (self, position, 1, 0);
  return TRUE;
}

/**
 * jd_execution_list_clear:
 * @self: a list
 *
 * Nothing is pending.
 */
void
jd_execution_list_clear (JdExecutionList *self)
{
  guint old_len;

  g_return_if_fail (JD_IS_EXECUTION_LIST (self));

  old_len = self->items->len;
  if (old_len == 0)
    return;

  for (guint i = 0; i < old_len; i++)
    jd_execution_set_is_next (g_ptr_array_index (self->items, i), FALSE);
  g_hash_table_remove_all (self->by_id);
  g_ptr_array_set_size (self->items, 0);
  emit_changed (self, 0, old_len, 0);
}

/**
 * jd_execution_list_set_next:
 * @self: a list
 * @execution: the listed execution AWS names next (notify-next, `$next`)
 *
 * AWS's word wins: @execution goes first if it is not there already.
 */
void
jd_execution_list_set_next (JdExecutionList *self,
                            JdExecution     *execution)
{
  guint position;

  g_return_if_fail (JD_IS_EXECUTION_LIST (self));
  g_return_if_fail (JD_IS_EXECUTION (execution));

  if (!g_ptr_array_find (self->items, execution, &position) || position == 0)
    return;

  g_object_ref (execution);
  g_ptr_array_remove_index (self->items, position);
  g_ptr_array_insert (self->items, 0, execution);
  emit_changed (self, 0, position + 1, position + 1);
}
