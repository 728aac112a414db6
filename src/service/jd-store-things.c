/* jd-store-things.c — JdStore: things (CreateThing, DescribeThing, ListThings,
 * DeleteThing). Deleting a thing removes its pending executions and its
 * thing-group memberships.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-store"

#include <string.h>

#include "jd-store-private.h"

JdStoreThing *
_jd_store_find_thing (JdStore     *self,
                      const char  *thing_name,
                      GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    _jd_store_prepare (self, "SELECT name, thing_id, thing_type, attributes, version FROM things WHERE name = ?1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  _jd_store_bind_text (stmt, 1, thing_name);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return _jd_store_thing_from_row (stmt);
  if (rc != SQLITE_DONE)
    _jd_store_set_db_error (self, rc, error);
  else
    g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND,
                 "Thing %s cannot be found.", thing_name);
  return NULL;
}

JdStoreThing *
jd_store_create_thing (JdStore     *self,
                       const char  *thing_name,
                       const char  *thing_type_name,
                       JsonObject  *attributes,
                       gboolean    *created,
                       GError     **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(JdStoreTx) tx = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *attributes_text = NULL;
  g_autofree char *thing_id = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  JdStoreThing *existing;

  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (thing_name != NULL, NULL);

  if (created != NULL)
    *created = FALSE;

  attributes_text = _jd_store_object_to_text (attributes);

  tx = _jd_store_tx_begin (self, error);
  if (tx == NULL)
    return NULL;

  existing = _jd_store_find_thing (self, thing_name, &local_error);
  if (existing != NULL)
    {
      g_autofree char *existing_text = _jd_store_object_to_text (existing->attributes);

      if (g_strcmp0 (existing->thing_type_name, thing_type_name) == 0
          && strcmp (existing_text, attributes_text) == 0)
        return existing;

      jd_store_thing_free (existing);
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_ALREADY_EXISTS,
                   "Thing %s already exists in account with different attributes", thing_name);
      return NULL;
    }
  if (!g_error_matches (local_error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  thing_id = g_uuid_string_random ();
  stmt = _jd_store_prepare (self,
                            "INSERT INTO things (name, thing_id, thing_type, attributes, version, created_at) "
                            "VALUES (?1, ?2, ?3, ?4, 1, ?5)",
                            error);
  if (stmt == NULL)
    return NULL;
  _jd_store_bind_text (stmt, 1, thing_name);
  _jd_store_bind_text (stmt, 2, thing_id);
  _jd_store_bind_text (stmt, 3, thing_type_name);
  _jd_store_bind_text (stmt, 4, attributes_text);
  sqlite3_bind_int64 (stmt, 5, jd_store_now (self));
  if (!_jd_store_step_done (self, stmt, error))
    return NULL;
  g_clear_pointer (&stmt, _jd_store_stmt_release);

  if (!_jd_store_tx_commit (&tx, error))
    return NULL;

  if (created != NULL)
    *created = TRUE;
  return jd_store_get_thing (self, thing_name, error);
}

JdStoreThing *
jd_store_get_thing (JdStore     *self,
                    const char  *thing_name,
                    GError     **error)
{
  JD_STORE_LOCKED (self);
  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (thing_name != NULL, NULL);

  return _jd_store_find_thing (self, thing_name, error);
}

GPtrArray *
jd_store_list_things (JdStore     *self,
                      const char  *after,
                      guint        limit,
                      const char  *attribute_name,
                      const char  *attribute_value,
                      const char  *thing_type_name,
                      gboolean    *more,
                      GError     **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) jd_store_thing_free);
  int rc;

  g_return_val_if_fail (JD_IS_STORE (self), NULL);

  stmt = _jd_store_prepare (self,
                            "SELECT name, thing_id, thing_type, attributes, version FROM things "
                            "WHERE (?1 IS NULL OR name > ?1) AND (?2 IS NULL OR thing_type = ?2) "
                            "AND (?3 IS NULL OR json_extract(attributes, '$.\"' || ?3 || '\"') IS NOT NULL) "
                            "AND (?4 IS NULL OR json_extract(attributes, '$.\"' || ?3 || '\"') = ?4) "
                            "ORDER BY name LIMIT ?5",
                            error);
  if (stmt == NULL)
    return NULL;
  _jd_store_bind_text (stmt, 1, after);
  _jd_store_bind_text (stmt, 2, thing_type_name);
  _jd_store_bind_text (stmt, 3, attribute_name);
  _jd_store_bind_text (stmt, 4, attribute_name != NULL ? attribute_value : NULL);
  sqlite3_bind_int64 (stmt, 5, (gint64) limit + 1);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (result, _jd_store_thing_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      _jd_store_set_db_error (self, rc, error);
      return NULL;
    }

  if (more != NULL)
    *more = result->len > limit;
  if (result->len > limit)
    g_ptr_array_set_size (result, limit);
  return g_steal_pointer (&result);
}

gboolean
jd_store_delete_thing (JdStore     *self,
                       const char  *thing_name,
                       gint64       expected_version,
                       GError     **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(JdStoreTx) tx = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  JdStoreThing *thing;

  g_return_val_if_fail (JD_IS_STORE (self), FALSE);
  g_return_val_if_fail (thing_name != NULL, FALSE);

  tx = _jd_store_tx_begin (self, error);
  if (tx == NULL)
    return FALSE;

  thing = _jd_store_find_thing (self, thing_name, &local_error);
  if (thing == NULL)
    {
      if (g_error_matches (local_error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (expected_version >= 0 && expected_version != thing->version)
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_VERSION_CONFLICT,
                   "The expected version %" G_GINT64_FORMAT " of thing %s does not match its version %" G_GINT64_FORMAT,
                   expected_version, thing_name, thing->version);
      jd_store_thing_free (thing);
      return FALSE;
    }
  jd_store_thing_free (thing);

  _jd_store_touch (self, thing_name);
  if (!_jd_store_end_pending (self, thing_name, NULL, TRUE, JD_EXECUTION_STATUS_REMOVED, FALSE, error)
      || !_jd_store_forget_memberships (self, thing_name, error))
    return FALSE;

  stmt = _jd_store_prepare (self, "DELETE FROM things WHERE name = ?1", error);
  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, thing_name);
  if (!_jd_store_step_done (self, stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, _jd_store_stmt_release);

  return _jd_store_tx_commit (&tx, error);
}

