/* jd-store-groups.c — JdStore: static thing groups (CreateThingGroup,
 * DescribeThingGroup, ListThingGroups, DeleteThingGroup,
 * AddThingToThingGroup, RemoveThingFromThingGroup, ListThingsInThingGroup,
 * ListThingGroupsForThing), the expansion of group targets, and what
 * CONTINUOUS jobs do when a group's membership changes: a thing that joins a
 * targeted group (or a descendant of one) gets a QUEUED execution, a thing
 * that leaves and is no longer a target has its QUEUED execution REMOVED.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-store"

#include <string.h>

#include "jd-rules.h"
#include "jd-store-private.h"

#define GROUP_COLUMNS "name, group_id, parent, description, attributes, version, created_at FROM thing_groups "

/* The group and its ancestors, as a common table `anc(name)`. */
#define ANCESTORS_OF(param) \
  "WITH RECURSIVE anc(name) AS (SELECT " param " UNION " \
  "  SELECT g.parent FROM thing_groups g JOIN anc ON g.name = anc.name WHERE g.parent IS NOT NULL) "
/* The group and its descendants, as `sub(name)`. */
#define DESCENDANTS_OF(param) \
  "WITH RECURSIVE sub(name) AS (SELECT " param " UNION " \
  "  SELECT g.name FROM thing_groups g JOIN sub ON g.parent = sub.name) "

void
jd_store_thing_group_free (JdStoreThingGroup *group)
{
  if (group == NULL)
    return;
  g_free (group->group_name);
  g_free (group->group_id);
  g_free (group->parent_name);
  g_free (group->description);
  g_clear_pointer (&group->attributes, json_object_unref);
  g_strfreev (group->root_to_parent);
  g_free (group);
}

static JdStoreThingGroup *
group_from_row (sqlite3_stmt *stmt)
{
  JdStoreThingGroup *group = g_new0 (JdStoreThingGroup, 1);
  g_autofree char *attributes = _jd_store_column_text (stmt, 4);

  group->group_name = _jd_store_column_text (stmt, 0);
  group->group_id = _jd_store_column_text (stmt, 1);
  group->parent_name = _jd_store_column_text (stmt, 2);
  group->description = _jd_store_column_text (stmt, 3);
  group->attributes = _jd_store_object_from_text (attributes);
  if (group->attributes == NULL)
    group->attributes = json_object_new ();
  group->version = sqlite3_column_int64 (stmt, 5);
  group->created_at = sqlite3_column_int64 (stmt, 6);
  return group;
}

/* Runs @stmt (bound) to its end, collecting column 0 as strings. */
static GPtrArray *
collect_names (JdStore       *self,
               sqlite3_stmt  *stmt,
               GError       **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (names, _jd_store_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      _jd_store_set_db_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&names);
}

static JdStoreThingGroup *
find_group (JdStore     *self,
            const char  *group_name,
            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = _jd_store_prepare (self, "SELECT " GROUP_COLUMNS "WHERE name = ?1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  _jd_store_bind_text (stmt, 1, group_name);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return group_from_row (stmt);
  if (rc != SQLITE_DONE)
    _jd_store_set_db_error (self, rc, error);
  else
    g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND,
                 "Thing group %s cannot be found.", group_name);
  return NULL;
}

gboolean
_jd_store_group_exists (JdStore     *self,
                        const char  *group_name,
                        GError     **error)
{
  g_autoptr(JdStoreThingGroup) group = find_group (self, group_name, error);

  return group != NULL;
}

/* The root of @group_name's hierarchy (the group itself for a root). */
static char *
root_of (JdStore     *self,
         const char  *group_name,
         GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    _jd_store_prepare (self,
                       "WITH RECURSIVE up(name, parent) AS ("
                       "  SELECT name, parent FROM thing_groups WHERE name = ?1 UNION "
                       "  SELECT g.name, g.parent FROM thing_groups g JOIN up ON g.name = up.parent) "
                       "SELECT name FROM up WHERE parent IS NULL",
                       error);
  int rc;

  if (stmt == NULL)
    return NULL;
  _jd_store_bind_text (stmt, 1, group_name);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return _jd_store_column_text (stmt, 0);
  if (rc != SQLITE_DONE)
    _jd_store_set_db_error (self, rc, error);
  else
    g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND,
                 "Thing group %s cannot be found.", group_name);
  return NULL;
}

gboolean
_jd_store_expand_groups (JdStore            *self,
                         const char *const  *group_names,
                         GHashTable         *things,
                         GError            **error)
{
  for (guint i = 0; group_names != NULL && group_names[i] != NULL; i++)
    {
      g_autoptr(sqlite3_stmt) stmt =
        _jd_store_prepare (self,
                           DESCENDANTS_OF ("?1")
                           "SELECT DISTINCT m.thing_name FROM thing_group_members m JOIN sub ON m.group_name = sub.name",
                           error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      _jd_store_bind_text (stmt, 1, group_names[i]);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_hash_table_add (things, _jd_store_column_text (stmt, 0));
      if (rc != SQLITE_DONE)
        return _jd_store_set_db_error (self, rc, error);
    }
  return TRUE;
}

static gboolean
insert_target_name (JdStore     *self,
                    const char  *job_id,
                    const char  *kind,
                    const char  *name,
                    GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    _jd_store_prepare (self, "INSERT OR IGNORE INTO job_target_names (job_id, kind, name) VALUES (?1, ?2, ?3)", error);

  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, job_id);
  _jd_store_bind_text (stmt, 2, kind);
  _jd_store_bind_text (stmt, 3, name);
  return _jd_store_step_done (self, stmt, error);
}

gboolean
_jd_store_record_targets (JdStore            *self,
                          const char         *job_id,
                          gboolean            continuous,
                          const char *const  *thing_names,
                          const char *const  *group_names,
                          GError            **error)
{
  for (guint i = 0; group_names != NULL && group_names[i] != NULL; i++)
    if (!insert_target_name (self, job_id, "group", group_names[i], error))
      return FALSE;
  for (guint i = 0; continuous && thing_names != NULL && thing_names[i] != NULL; i++)
    if (!insert_target_name (self, job_id, "thing", thing_names[i], error))
      return FALSE;
  return TRUE;
}

gboolean
_jd_store_queue_execution (JdStore     *self,
                           const char  *job_id,
                           const char  *thing_name,
                           GError     **error)
{
  g_autoptr(sqlite3_stmt) latest = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  gint64 number = 1;
  gint64 now;
  int rc;

  latest = _jd_store_prepare (self,
                              "SELECT status, execution_number FROM executions WHERE job_id = ?1 AND thing_name = ?2 "
                              "ORDER BY execution_number DESC LIMIT 1",
                              error);
  if (latest == NULL)
    return FALSE;
  _jd_store_bind_text (latest, 1, job_id);
  _jd_store_bind_text (latest, 2, thing_name);
  rc = sqlite3_step (latest);
  if (rc == SQLITE_ROW)
    {
      if (g_strcmp0 ((const char *) sqlite3_column_text (latest, 0), "REMOVED") != 0)
        return TRUE;
      number = sqlite3_column_int64 (latest, 1) + 1;
    }
  else if (rc != SQLITE_DONE)
    return _jd_store_set_db_error (self, rc, error);
  g_clear_pointer (&latest, _jd_store_stmt_release);

  _jd_store_touch (self, thing_name);
  now = jd_store_now (self);
  insert = _jd_store_prepare (self,
                              "INSERT INTO executions (job_id, thing_name, execution_number, status, "
                              "queued_at, last_updated_at, version_number) VALUES (?1, ?2, ?3, 'QUEUED', ?4, ?4, 1)",
                              error);
  if (insert == NULL)
    return FALSE;
  _jd_store_bind_text (insert, 1, job_id);
  _jd_store_bind_text (insert, 2, thing_name);
  sqlite3_bind_int64 (insert, 3, number);
  sqlite3_bind_int64 (insert, 4, now);
  return _jd_store_step_done (self, insert, error);
}

/* The IN_PROGRESS CONTINUOUS jobs that target @group_name or one of its
 * ancestors, in creation order. */
static GPtrArray *
continuous_jobs_of_group (JdStore     *self,
                          const char  *group_name,
                          GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    _jd_store_prepare (self,
                       ANCESTORS_OF ("?1")
                       "SELECT j.job_id FROM jobs j WHERE j.target_selection = 'CONTINUOUS' "
                       "AND j.status = 'IN_PROGRESS' AND EXISTS (SELECT 1 FROM job_target_names t JOIN anc "
                       "  ON t.kind = 'group' AND t.name = anc.name WHERE t.job_id = j.job_id) "
                       "ORDER BY j.seq",
                       error);

  if (stmt == NULL)
    return NULL;
  _jd_store_bind_text (stmt, 1, group_name);
  return collect_names (self, stmt, error);
}

/* Whether @job_id still targets @thing_name: by name, or through a group
 * the thing is in (directly or below). */
static gboolean
still_targeted (JdStore     *self,
                const char  *job_id,
                const char  *thing_name,
                gboolean    *targeted,
                GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    _jd_store_prepare (self,
                       "WITH RECURSIVE anc(name) AS (SELECT group_name FROM thing_group_members WHERE thing_name = ?2 "
                       "  UNION SELECT g.parent FROM thing_groups g JOIN anc ON g.name = anc.name "
                       "  WHERE g.parent IS NOT NULL) "
                       "SELECT EXISTS (SELECT 1 FROM job_target_names WHERE job_id = ?1 AND kind = 'thing' AND name = ?2) "
                       "  OR EXISTS (SELECT 1 FROM job_target_names t JOIN anc ON t.name = anc.name "
                       "             WHERE t.job_id = ?1 AND t.kind = 'group')",
                       error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, job_id);
  _jd_store_bind_text (stmt, 2, thing_name);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return _jd_store_set_db_error (self, rc, error);
  *targeted = sqlite3_column_int (stmt, 0) != 0;
  return TRUE;
}

/* After @thing_name left @group_name (the membership row is gone): its
 * QUEUED executions of the continuous jobs it is no longer a target of
 * become REMOVED. An IN_PROGRESS execution runs on (README). */
static gboolean
thing_left (JdStore     *self,
            const char  *group_name,
            const char  *thing_name,
            GError     **error)
{
  g_autoptr(GPtrArray) jobs = continuous_jobs_of_group (self, group_name, error);

  if (jobs == NULL)
    return FALSE;
  for (guint i = 0; i < jobs->len; i++)
    {
      const char *job_id = g_ptr_array_index (jobs, i);
      gboolean targeted = FALSE;

      if (!still_targeted (self, job_id, thing_name, &targeted, error))
        return FALSE;
      if (targeted)
        continue;
      _jd_store_touch (self, thing_name);
      _jd_store_touch_job (self, job_id);
      if (!_jd_store_end_pending (self, thing_name, job_id, FALSE, JD_EXECUTION_STATUS_REMOVED, FALSE, error))
        return FALSE;
    }
  return TRUE;
}

/* After @thing_name joined @group_name: a QUEUED execution of every
 * continuous job that now targets it. */
static gboolean
thing_joined (JdStore     *self,
              const char  *group_name,
              const char  *thing_name,
              GError     **error)
{
  g_autoptr(GPtrArray) jobs = continuous_jobs_of_group (self, group_name, error);

  if (jobs == NULL)
    return FALSE;
  for (guint i = 0; i < jobs->len; i++)
    {
      _jd_store_touch_job (self, g_ptr_array_index (jobs, i));
      if (!_jd_store_queue_execution (self, g_ptr_array_index (jobs, i), thing_name, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
_jd_store_forget_memberships (JdStore     *self,
                              const char  *thing_name,
                              GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    _jd_store_prepare (self, "DELETE FROM thing_group_members WHERE thing_name = ?1", error);

  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, thing_name);
  return _jd_store_step_done (self, stmt, error);
}

/* ---- public API ---- */

JdStoreThingGroup *
jd_store_create_thing_group (JdStore     *self,
                             const char  *group_name,
                             const char  *parent_name,
                             const char  *description,
                             JsonObject  *attributes,
                             gboolean    *created,
                             GError     **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(JdStoreTx) tx = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JdStoreThingGroup) existing = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *attributes_text = NULL;
  g_autofree char *group_id = NULL;

  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (group_name != NULL, NULL);

  if (created != NULL)
    *created = FALSE;
  attributes_text = _jd_store_object_to_text (attributes);

  tx = _jd_store_tx_begin (self, error);
  if (tx == NULL)
    return NULL;

  existing = find_group (self, group_name, &local_error);
  if (existing != NULL)
    {
      g_autofree char *existing_text = _jd_store_object_to_text (existing->attributes);

      if (g_strcmp0 (existing->parent_name, parent_name) == 0
          && g_strcmp0 (existing->description, description) == 0
          && strcmp (existing_text, attributes_text) == 0)
        {
          g_clear_pointer (&tx, _jd_store_tx_rollback);
          return jd_store_get_thing_group (self, group_name, error);
        }
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_ALREADY_EXISTS,
                   "Thing group %s already exists with different tags or properties", group_name);
      return NULL;
    }
  if (!g_error_matches (local_error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  g_clear_error (&local_error);

  if (parent_name != NULL && !_jd_store_group_exists (self, parent_name, &local_error))
    {
      if (g_error_matches (local_error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND))
        g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_REQUEST,
                     "The parent thing group %s cannot be found.", parent_name);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  group_id = g_uuid_string_random ();
  stmt = _jd_store_prepare (self,
                            "INSERT INTO thing_groups (name, group_id, parent, description, attributes, version, created_at) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6)",
                            error);
  if (stmt == NULL)
    return NULL;
  _jd_store_bind_text (stmt, 1, group_name);
  _jd_store_bind_text (stmt, 2, group_id);
  _jd_store_bind_text (stmt, 3, parent_name);
  _jd_store_bind_text (stmt, 4, description);
  _jd_store_bind_text (stmt, 5, attributes_text);
  sqlite3_bind_int64 (stmt, 6, jd_store_now (self));
  if (!_jd_store_step_done (self, stmt, error))
    return NULL;
  g_clear_pointer (&stmt, _jd_store_stmt_release);

  if (!_jd_store_tx_commit (&tx, error))
    return NULL;
  if (created != NULL)
    *created = TRUE;
  return jd_store_get_thing_group (self, group_name, error);
}

JdStoreThingGroup *
jd_store_get_thing_group (JdStore     *self,
                          const char  *group_name,
                          GError     **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(JdStoreThingGroup) group = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) ancestors = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (group_name != NULL, NULL);

  group = find_group (self, group_name, error);
  if (group == NULL)
    return NULL;

  /* The ancestors, nearest first (depth counts up from the parent). */
  stmt = _jd_store_prepare (self,
                            "WITH RECURSIVE up(name, parent, depth) AS ("
                            "  SELECT name, parent, 0 FROM thing_groups WHERE name = ?1 UNION "
                            "  SELECT g.name, g.parent, up.depth + 1 FROM thing_groups g JOIN up ON g.name = up.parent) "
                            "SELECT name FROM up WHERE depth > 0 ORDER BY depth",
                            error);
  if (stmt == NULL)
    return NULL;
  _jd_store_bind_text (stmt, 1, group_name);
  ancestors = collect_names (self, stmt, error);
  if (ancestors == NULL)
    return NULL;
  for (guint i = ancestors->len; i > 0; i--)
    g_strv_builder_add (builder, g_ptr_array_index (ancestors, i - 1));
  group->root_to_parent = g_strv_builder_end (builder);
  return g_steal_pointer (&group);
}

GPtrArray *
jd_store_list_thing_groups (JdStore     *self,
                            const char  *parent_name,
                            const char  *name_prefix,
                            gboolean     recursive,
                            const char  *after,
                            guint        limit,
                            gboolean    *more,
                            GError     **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) jd_store_thing_group_free);
  int rc;

  g_return_val_if_fail (JD_IS_STORE (self), NULL);

  if (parent_name != NULL && !_jd_store_group_exists (self, parent_name, error))
    return NULL;

  /* ?1 parent (NULL: every group), ?2 recursive, ?3 prefix, ?4 after. */
  stmt = _jd_store_prepare (self,
                            DESCENDANTS_OF ("?1")
                            "SELECT " GROUP_COLUMNS
                            "WHERE (?1 IS NULL OR (?2 AND name IN (SELECT name FROM sub WHERE name <> ?1)) "
                            "       OR (NOT ?2 AND parent = ?1)) "
                            "AND (?3 IS NULL OR substr(name, 1, length(?3)) = ?3) "
                            "AND (?4 IS NULL OR name > ?4) ORDER BY name LIMIT ?5",
                            error);
  if (stmt == NULL)
    return NULL;
  _jd_store_bind_text (stmt, 1, parent_name);
  sqlite3_bind_int (stmt, 2, recursive);
  _jd_store_bind_text (stmt, 3, name_prefix);
  _jd_store_bind_text (stmt, 4, after);
  sqlite3_bind_int64 (stmt, 5, (gint64) limit + 1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (result, group_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      _jd_store_set_db_error (self, rc, error);
      return NULL;
    }
  return _jd_store_page (g_steal_pointer (&result), limit, more);
}

gboolean
jd_store_delete_thing_group (JdStore     *self,
                             const char  *group_name,
                             gint64       expected_version,
                             GError     **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(JdStoreTx) tx = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JdStoreThingGroup) group = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) members = NULL;
  int rc;

  g_return_val_if_fail (JD_IS_STORE (self), FALSE);
  g_return_val_if_fail (group_name != NULL, FALSE);

  tx = _jd_store_tx_begin (self, error);
  if (tx == NULL)
    return FALSE;

  group = find_group (self, group_name, &local_error);
  if (group == NULL)
    {
      if (g_error_matches (local_error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (expected_version >= 0 && expected_version != group->version)
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_VERSION_CONFLICT,
                   "The expected version %" G_GINT64_FORMAT " of thing group %s does not match its version %" G_GINT64_FORMAT,
                   expected_version, group_name, group->version);
      return FALSE;
    }

  stmt = _jd_store_prepare (self, "SELECT 1 FROM thing_groups WHERE parent = ?1 LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, group_name);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_REQUEST,
                   "Cannot delete thing group : %s when there are still child groups attached to it.", group_name);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return _jd_store_set_db_error (self, rc, error);
  g_clear_pointer (&stmt, _jd_store_stmt_release);

  /* Its things leave it, as by RemoveThingFromThingGroup; the jobs forget
   * it, so a new group of the same name is not their target. */
  stmt = _jd_store_prepare (self, "SELECT thing_name FROM thing_group_members WHERE group_name = ?1 ORDER BY thing_name",
                            error);
  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, group_name);
  members = collect_names (self, stmt, error);
  if (members == NULL)
    return FALSE;
  g_clear_pointer (&stmt, _jd_store_stmt_release);

  stmt = _jd_store_prepare (self, "DELETE FROM thing_group_members WHERE group_name = ?1", error);
  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, group_name);
  if (!_jd_store_step_done (self, stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, _jd_store_stmt_release);

  for (guint i = 0; i < members->len; i++)
    if (!thing_left (self, group_name, g_ptr_array_index (members, i), error))
      return FALSE;

  stmt = _jd_store_prepare (self, "DELETE FROM job_target_names WHERE kind = 'group' AND name = ?1", error);
  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, group_name);
  if (!_jd_store_step_done (self, stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, _jd_store_stmt_release);

  stmt = _jd_store_prepare (self, "DELETE FROM thing_groups WHERE name = ?1", error);
  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, group_name);
  if (!_jd_store_step_done (self, stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, _jd_store_stmt_release);

  return _jd_store_tx_commit (&tx, error);
}

gboolean
jd_store_add_thing_to_thing_group (JdStore     *self,
                                   const char  *group_name,
                                   const char  *thing_name,
                                   GError     **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(JdStoreTx) tx = NULL;
  g_autoptr(JdStoreThing) thing = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autofree char *root = NULL;

  g_return_val_if_fail (JD_IS_STORE (self), FALSE);
  g_return_val_if_fail (group_name != NULL && thing_name != NULL, FALSE);

  tx = _jd_store_tx_begin (self, error);
  if (tx == NULL)
    return FALSE;

  root = root_of (self, group_name, error);
  if (root == NULL)
    return FALSE;
  thing = _jd_store_find_thing (self, thing_name, error);
  if (thing == NULL)
    return FALSE;

  stmt = _jd_store_prepare (self, "SELECT group_name FROM thing_group_members WHERE thing_name = ?1 ORDER BY group_name",
                            error);
  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, thing_name);
  groups = collect_names (self, stmt, error);
  if (groups == NULL)
    return FALSE;
  g_clear_pointer (&stmt, _jd_store_stmt_release);

  for (guint i = 0; i < groups->len; i++)
    {
      const char *other = g_ptr_array_index (groups, i);
      g_autofree char *other_root = NULL;

      if (strcmp (other, group_name) == 0)
        return _jd_store_tx_commit (&tx, error);   /* already a member */
      other_root = root_of (self, other, error);
      if (other_root == NULL)
        return FALSE;
      if (strcmp (other_root, root) == 0)
        {
          g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_REQUEST,
                       "Thing %s cannot be added to thing group %s: it is already in thing group %s "
                       "of the same hierarchy.", thing_name, group_name, other);
          return FALSE;
        }
    }
  if (groups->len >= JD_THING_GROUPS_PER_THING_MAX)
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_INVALID_REQUEST,
                   "Thing %s is already in %d thing groups, the most a thing can be in.",
                   thing_name, JD_THING_GROUPS_PER_THING_MAX);
      return FALSE;
    }

  stmt = _jd_store_prepare (self, "INSERT INTO thing_group_members (group_name, thing_name) VALUES (?1, ?2)", error);
  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, group_name);
  _jd_store_bind_text (stmt, 2, thing_name);
  if (!_jd_store_step_done (self, stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, _jd_store_stmt_release);

  if (!thing_joined (self, group_name, thing_name, error))
    return FALSE;
  return _jd_store_tx_commit (&tx, error);
}

gboolean
jd_store_remove_thing_from_thing_group (JdStore     *self,
                                        const char  *group_name,
                                        const char  *thing_name,
                                        GError     **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(JdStoreTx) tx = NULL;
  g_autoptr(JdStoreThing) thing = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (JD_IS_STORE (self), FALSE);
  g_return_val_if_fail (group_name != NULL && thing_name != NULL, FALSE);

  tx = _jd_store_tx_begin (self, error);
  if (tx == NULL)
    return FALSE;

  if (!_jd_store_group_exists (self, group_name, error))
    return FALSE;
  thing = _jd_store_find_thing (self, thing_name, error);
  if (thing == NULL)
    return FALSE;

  stmt = _jd_store_prepare (self, "DELETE FROM thing_group_members WHERE group_name = ?1 AND thing_name = ?2", error);
  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, group_name);
  _jd_store_bind_text (stmt, 2, thing_name);
  if (!_jd_store_step_done (self, stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, _jd_store_stmt_release);

  /* Not a member: nothing changed (idempotent, README). */
  if (sqlite3_changes (self->db) == 0)
    return _jd_store_tx_commit (&tx, error);

  if (!thing_left (self, group_name, thing_name, error))
    return FALSE;
  return _jd_store_tx_commit (&tx, error);
}

GPtrArray *
jd_store_list_things_in_thing_group (JdStore     *self,
                                     const char  *group_name,
                                     gboolean     recursive,
                                     const char  *after,
                                     guint        limit,
                                     gboolean    *more,
                                     GError     **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GPtrArray *names;

  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (group_name != NULL, NULL);

  if (!_jd_store_group_exists (self, group_name, error))
    return NULL;

  stmt = _jd_store_prepare (self,
                            DESCENDANTS_OF ("?1")
                            "SELECT DISTINCT m.thing_name FROM thing_group_members m "
                            "WHERE (m.group_name = ?1 OR (?2 AND m.group_name IN (SELECT name FROM sub))) "
                            "AND (?3 IS NULL OR m.thing_name > ?3) ORDER BY m.thing_name LIMIT ?4",
                            error);
  if (stmt == NULL)
    return NULL;
  _jd_store_bind_text (stmt, 1, group_name);
  sqlite3_bind_int (stmt, 2, recursive);
  _jd_store_bind_text (stmt, 3, after);
  sqlite3_bind_int64 (stmt, 4, (gint64) limit + 1);
  names = collect_names (self, stmt, error);
  return names != NULL ? _jd_store_page (names, limit, more) : NULL;
}

GPtrArray *
jd_store_list_thing_groups_for_thing (JdStore     *self,
                                      const char  *thing_name,
                                      const char  *after,
                                      guint        limit,
                                      gboolean    *more,
                                      GError     **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(JdStoreThing) thing = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) jd_store_thing_group_free);
  int rc;

  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (thing_name != NULL, NULL);

  thing = _jd_store_find_thing (self, thing_name, error);
  if (thing == NULL)
    return NULL;

  stmt = _jd_store_prepare (self,
                            "SELECT " GROUP_COLUMNS
                            "WHERE name IN (SELECT group_name FROM thing_group_members WHERE thing_name = ?1) "
                            "AND (?2 IS NULL OR name > ?2) ORDER BY name LIMIT ?3",
                            error);
  if (stmt == NULL)
    return NULL;
  _jd_store_bind_text (stmt, 1, thing_name);
  _jd_store_bind_text (stmt, 2, after);
  sqlite3_bind_int64 (stmt, 3, (gint64) limit + 1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (result, group_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      _jd_store_set_db_error (self, rc, error);
      return NULL;
    }
  return _jd_store_page (g_steal_pointer (&result), limit, more);
}
