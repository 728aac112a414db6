/* jd-store-templates.c — JdStore's custom job templates, what a job made
 * from a template remembers (its template ARN, documentParameters and the
 * document before substitution), and the account's event configurations
 * (UpdateEventConfigurations). Managed templates are data of the core
 * (src/jobs/jd-job-template.c), not rows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-store"

#include <string.h>

#include "jd-store-private.h"

/* event_flags bits */
#define EVENTS_JOB            (1 << 0)
#define EVENTS_JOB_EXECUTION  (1 << 1)

#define TEMPLATE_COLUMNS \
  "template_id, description, document, document_source, config, maintenance_windows, " \
  "destination_package_versions, created_at FROM job_templates "

/* The model's EventType enum. */
static const char *const event_types[] = {
  "THING", "THING_GROUP", "THING_TYPE", "THING_GROUP_MEMBERSHIP", "THING_GROUP_HIERARCHY",
  "THING_TYPE_ASSOCIATION", "JOB", "JOB_EXECUTION", "POLICY", "CERTIFICATE", "CA_CERTIFICATE",
  NULL
};

void
jd_store_job_template_free (JdStoreJobTemplate *template_)
{
  if (template_ == NULL)
    return;
  g_free (template_->template_id);
  g_free (template_->description);
  g_free (template_->document);
  g_free (template_->document_source);
  g_free (template_->config);
  g_free (template_->maintenance_windows);
  g_free (template_->destination_package_versions);
  g_free (template_);
}

void
jd_store_template_use_free (JdStoreTemplateUse *use)
{
  if (use == NULL)
    return;
  g_free (use->template_arn);
  g_clear_pointer (&use->document_parameters, json_object_unref);
  g_free (use->document_before);
  g_free (use);
}

static JdStoreJobTemplate *
template_from_row (sqlite3_stmt *stmt)
{
  JdStoreJobTemplate *template_ = g_new0 (JdStoreJobTemplate, 1);

  template_->template_id = _jd_store_column_text (stmt, 0);
  template_->description = _jd_store_column_text (stmt, 1);
  template_->document = _jd_store_column_text (stmt, 2);
  template_->document_source = _jd_store_column_text (stmt, 3);
  template_->config = _jd_store_column_text (stmt, 4);
  template_->maintenance_windows = _jd_store_column_text (stmt, 5);
  template_->destination_package_versions = _jd_store_column_text (stmt, 6);
  template_->created_at = sqlite3_column_int64 (stmt, 7);
  return template_;
}

static JdStoreJobTemplate *
find_template (JdStore     *self,
               const char  *template_id,
               GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = _jd_store_prepare (self, "SELECT " TEMPLATE_COLUMNS "WHERE template_id = ?1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  _jd_store_bind_text (stmt, 1, template_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return template_from_row (stmt);
  if (rc != SQLITE_DONE)
    {
      _jd_store_set_db_error (self, rc, error);
      return NULL;
    }
  g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND,
               "The job template %s does not exist.", template_id);
  return NULL;
}

JdStoreJobTemplate *
jd_store_create_job_template (JdStore                  *self,
                              const JdStoreJobTemplate *spec,
                              GError                  **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(JdStoreTx) tx = NULL;
  g_autoptr(sqlite3_stmt) exists = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;

  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (spec != NULL && spec->template_id != NULL && spec->description != NULL, NULL);

  tx = _jd_store_tx_begin (self, error);
  if (tx == NULL)
    return NULL;

  exists = _jd_store_prepare (self, "SELECT 1 FROM job_templates WHERE template_id = ?1", error);
  if (exists == NULL)
    return NULL;
  _jd_store_bind_text (exists, 1, spec->template_id);
  switch (sqlite3_step (exists))
    {
    case SQLITE_ROW:
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_ALREADY_EXISTS,
                   "The job template %s already exists.", spec->template_id);
      return NULL;
    case SQLITE_DONE:
      break;
    default:
      _jd_store_set_db_error (self, sqlite3_errcode (self->db), error);
      return NULL;
    }

  insert = _jd_store_prepare (self,
                              "INSERT INTO job_templates (template_id, description, document, document_source, config, "
                              "maintenance_windows, destination_package_versions, created_at) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                              error);
  if (insert == NULL)
    return NULL;
  _jd_store_bind_text (insert, 1, spec->template_id);
  _jd_store_bind_text (insert, 2, spec->description);
  _jd_store_bind_text (insert, 3, spec->document);
  _jd_store_bind_text (insert, 4, spec->document_source);
  _jd_store_bind_text (insert, 5, spec->config);
  _jd_store_bind_text (insert, 6, spec->maintenance_windows);
  _jd_store_bind_text (insert, 7, spec->destination_package_versions);
  sqlite3_bind_int64 (insert, 8, jd_store_now (self));
  if (!_jd_store_step_done (self, insert, error))
    return NULL;
  g_clear_pointer (&insert, _jd_store_stmt_release);
  g_clear_pointer (&exists, _jd_store_stmt_release);

  if (!_jd_store_tx_commit (&tx, error))
    return NULL;
  return jd_store_get_job_template (self, spec->template_id, error);
}

JdStoreJobTemplate *
jd_store_get_job_template (JdStore     *self,
                           const char  *template_id,
                           GError     **error)
{
  JD_STORE_LOCKED (self);

  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (template_id != NULL, NULL);

  return find_template (self, template_id, error);
}

GPtrArray *
jd_store_list_job_templates (JdStore     *self,
                             const char  *after,
                             guint        limit,
                             gboolean    *more,
                             GError     **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) jd_store_job_template_free);
  int rc;

  g_return_val_if_fail (JD_IS_STORE (self), NULL);

  stmt = _jd_store_prepare (self,
                            "SELECT template_id, description, NULL, NULL, NULL, NULL, NULL, created_at "
                            "FROM job_templates "
                            "WHERE seq > COALESCE((SELECT seq FROM job_templates WHERE template_id = ?1), 0) "
                            "ORDER BY seq LIMIT ?2",
                            error);
  if (stmt == NULL)
    return NULL;
  _jd_store_bind_text (stmt, 1, after);
  sqlite3_bind_int64 (stmt, 2, (gint64) limit + 1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (items, template_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      _jd_store_set_db_error (self, rc, error);
      return NULL;
    }
  return _jd_store_page (g_steal_pointer (&items), limit, more);
}

gboolean
jd_store_delete_job_template (JdStore     *self,
                              const char  *template_id,
                              GError     **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(JdStoreTx) tx = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (JD_IS_STORE (self), FALSE);
  g_return_val_if_fail (template_id != NULL, FALSE);

  tx = _jd_store_tx_begin (self, error);
  if (tx == NULL)
    return FALSE;
  stmt = _jd_store_prepare (self, "DELETE FROM job_templates WHERE template_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  _jd_store_bind_text (stmt, 1, template_id);
  if (!_jd_store_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_NOT_FOUND,
                   "The job template %s does not exist.", template_id);
      return FALSE;
    }
  g_clear_pointer (&stmt, _jd_store_stmt_release);
  return _jd_store_tx_commit (&tx, error);
}

JdStoreJob *
jd_store_create_job_from_template (JdStore              *self,
                                   const JdStoreJobSpec *spec,
                                   const char           *template_arn,
                                   JsonObject           *document_parameters,
                                   const char           *document_before,
                                   GError              **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(sqlite3_stmt) pending = NULL;
  g_autoptr(sqlite3_stmt) clear = NULL;
  g_autofree char *parameters_text = NULL;
  JdStoreJob *job;

  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (spec != NULL && spec->job_id != NULL && template_arn != NULL, NULL);

  /* The temporary row is this connection's, and the lock keeps every other
   * operation out until it is gone again; the job's insertion copies it
   * (trigger job_from_template), so both land in one transaction. */
  if (document_parameters != NULL)
    parameters_text = _jd_store_object_to_text (document_parameters);
  pending = _jd_store_prepare (self,
                               "INSERT OR REPLACE INTO temp.template_pending (job_id, template_arn, "
                               "document_parameters, document_before) VALUES (?1, ?2, ?3, ?4)",
                               error);
  if (pending == NULL)
    return NULL;
  _jd_store_bind_text (pending, 1, spec->job_id);
  _jd_store_bind_text (pending, 2, template_arn);
  _jd_store_bind_text (pending, 3, parameters_text);
  _jd_store_bind_text (pending, 4, document_before);
  if (!_jd_store_step_done (self, pending, error))
    return NULL;
  g_clear_pointer (&pending, _jd_store_stmt_release);

  job = jd_store_create_job (self, spec, error);

  clear = _jd_store_prepare (self, "DELETE FROM temp.template_pending", NULL);
  if (clear == NULL || sqlite3_step (clear) != SQLITE_DONE)
    g_warning ("Could not clear the pending template of job %s", spec->job_id);
  return job;
}

JdStoreTemplateUse *
jd_store_get_template_use (JdStore     *self,
                           const char  *job_id,
                           GError     **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *parameters = NULL;
  JdStoreTemplateUse *use;
  int rc;

  g_return_val_if_fail (JD_IS_STORE (self), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);

  stmt = _jd_store_prepare (self,
                            "SELECT template_arn, document_parameters, document_before FROM job_template_uses "
                            "WHERE job_id = ?1",
                            error);
  if (stmt == NULL)
    return NULL;
  _jd_store_bind_text (stmt, 1, job_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      _jd_store_set_db_error (self, rc, error);
      return NULL;
    }
  use = g_new0 (JdStoreTemplateUse, 1);
  use->template_arn = _jd_store_column_text (stmt, 0);
  parameters = _jd_store_column_text (stmt, 1);
  if (parameters != NULL)
    use->document_parameters = _jd_store_object_from_text (parameters);
  use->document_before = _jd_store_column_text (stmt, 2);
  return use;
}

/* ---- event configurations ---- */

const char *const *
jd_store_event_types (void)
{
  return event_types;
}

gboolean
_jd_store_load_event_flags (JdStore  *self,
                            GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = _jd_store_prepare (self,
                                                    "SELECT type FROM event_configurations "
                                                    "WHERE enabled AND type IN ('JOB', 'JOB_EXECUTION')",
                                                    error);
  gint flags = 0;
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    flags |= strcmp ((const char *) sqlite3_column_text (stmt, 0), "JOB") == 0 ? EVENTS_JOB : EVENTS_JOB_EXECUTION;
  if (rc != SQLITE_DONE)
    return _jd_store_set_db_error (self, rc, error);
  g_atomic_int_set (&self->event_flags, flags);
  return TRUE;
}

JsonObject *
jd_store_get_event_configurations (JdStore  *self,
                                   gint64   *created_at,
                                   gint64   *last_modified_at,
                                   GError  **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) dates = NULL;
  g_autoptr(JsonObject) result = json_object_new ();
  int rc;

  g_return_val_if_fail (JD_IS_STORE (self), NULL);

  for (guint i = 0; event_types[i] != NULL; i++)
    {
      JsonObject *entry = json_object_new ();

      json_object_set_boolean_member (entry, "Enabled", FALSE);
      json_object_set_object_member (result, event_types[i], entry);
    }
  stmt = _jd_store_prepare (self, "SELECT type, enabled FROM event_configurations", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *entry = json_object_get_object_member (result, (const char *) sqlite3_column_text (stmt, 0));

      if (entry != NULL)
        json_object_set_boolean_member (entry, "Enabled", sqlite3_column_int (stmt, 1) != 0);
    }
  if (rc != SQLITE_DONE)
    {
      _jd_store_set_db_error (self, rc, error);
      return NULL;
    }

  dates = _jd_store_prepare (self, "SELECT created_at, last_modified_at FROM event_configuration_dates", error);
  if (dates == NULL)
    return NULL;
  rc = sqlite3_step (dates);
  if (rc != SQLITE_ROW)
    {
      _jd_store_set_db_error (self, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, error);
      return NULL;
    }
  if (created_at != NULL)
    *created_at = sqlite3_column_int64 (dates, 0);
  if (last_modified_at != NULL)
    *last_modified_at = sqlite3_column_int64 (dates, 1);
  return g_steal_pointer (&result);
}

gboolean
jd_store_update_event_configurations (JdStore     *self,
                                      JsonObject  *configurations,
                                      GError     **error)
{
  JD_STORE_LOCKED (self);
  g_autoptr(JdStoreTx) tx = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) dates = NULL;
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func (g_free);
  JsonObjectIter iter;
  const char *type;
  JsonNode *node;

  g_return_val_if_fail (JD_IS_STORE (self), FALSE);
  g_return_val_if_fail (configurations != NULL, FALSE);

  before = jd_store_get_event_configurations (self, NULL, NULL, error);
  if (before == NULL)
    return FALSE;
  tx = _jd_store_tx_begin (self, error);
  if (tx == NULL)
    return FALSE;

  stmt = _jd_store_prepare (self,
                            "INSERT INTO event_configurations (type, enabled) VALUES (?1, ?2) "
                            "ON CONFLICT (type) DO UPDATE SET enabled = excluded.enabled",
                            error);
  if (stmt == NULL)
    return FALSE;
  json_object_iter_init (&iter, configurations);
  while (json_object_iter_next (&iter, &type, &node))
    {
      JsonObject *was = json_object_get_object_member (before, type);
      gboolean enabled = json_object_get_boolean_member_with_default (json_node_get_object (node), "Enabled", FALSE);

      g_return_val_if_fail (was != NULL, FALSE);
      if (json_object_get_boolean_member (was, "Enabled") != enabled)
        g_ptr_array_add (changed, g_strdup (type));
      sqlite3_reset (stmt);
      _jd_store_bind_text (stmt, 1, type);
      sqlite3_bind_int (stmt, 2, enabled ? 1 : 0);
      if (!_jd_store_step_done (self, stmt, error))
        return FALSE;
    }
  g_clear_pointer (&stmt, _jd_store_stmt_release);

  dates = _jd_store_prepare (self, "UPDATE event_configuration_dates SET last_modified_at = ?1", error);
  if (dates == NULL)
    return FALSE;
  sqlite3_bind_int64 (dates, 1, jd_store_now (self));
  if (!_jd_store_step_done (self, dates, error))
    return FALSE;
  g_clear_pointer (&dates, _jd_store_stmt_release);

  if (!_jd_store_tx_commit (&tx, error))
    return FALSE;
  if (!_jd_store_load_event_flags (self, error))
    return FALSE;
  if (changed->len > 0)
    _jd_store_emit (self, JD_STORE_SIGNAL_EVENT_CONFIGURATIONS_CHANGED, changed);
  return TRUE;
}

gboolean
jd_store_event_type_enabled (JdStore    *self,
                             const char *type)
{
  gint flags;

  g_return_val_if_fail (JD_IS_STORE (self), FALSE);
  g_return_val_if_fail (type != NULL, FALSE);

  flags = g_atomic_int_get (&self->event_flags);
  if (strcmp (type, "JOB") == 0)
    return (flags & EVENTS_JOB) != 0;
  if (strcmp (type, "JOB_EXECUTION") == 0)
    return (flags & EVENTS_JOB_EXECUTION) != 0;
  return FALSE;
}
