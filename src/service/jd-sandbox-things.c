/* jd-sandbox-things.c — the sandbox's things: each has a certificate and
 * key in DIR/things, an entry in sandbox.json and the ACL, and a row in the
 * store. Made in batches in a worker thread (a fleet, CreateThing), brought
 * together with the store at start, and removed after DeleteThing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-sandbox"

#include <glib/gstdio.h>

#include "jd-sandbox-folder.h"
#include "jd-sandbox-private.h"

/* ---- many things at once ---- */

/* What a batch of things needs off the main loop; the worker never touches
 * the JdSandbox. */
typedef struct
{
  char          *ca_path;
  char          *ca_key_path;
  char          *things_dir;
  char          *acl_path;
  char          *data_dir;
  GStrv          names;           /* every thing asked for, for the store */
  GStrv          new_names;       /* those without a certificate yet */
  GStrv          all_names;       /* every thing after the batch: the ACL's */
  JdSandboxInfo *info;            /* sandbox.json after the batch */
  guint          serial;          /* things_serial when the batch began */
} AddThings;

static void
add_things_free (AddThings *data)
{
  g_free (data->ca_path);
  g_free (data->ca_key_path);
  g_free (data->things_dir);
  g_free (data->acl_path);
  g_free (data->data_dir);
  g_strfreev (data->names);
  g_strfreev (data->new_names);
  g_strfreev (data->all_names);
  g_clear_pointer (&data->info, jd_sandbox_info_free);
  g_free (data);
}

/* Keys, certificates, the ACL and sandbox.json: each file once per batch,
 * one sync for all the keys (jd_sandbox_issue_things()). */
static void
add_things_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  AddThings *data = task_data;
  g_autoptr(JdSandboxCa) ca = NULL;
  g_autofree char *acl = NULL;
  GError *error = NULL;

  /* Its own copy of the CA: the main loop may issue one for CreateThing
   * meanwhile, and a GnuTLS key is not shared across threads here. */
  ca = jd_sandbox_ca_load_or_create (data->ca_path, data->ca_key_path, &error);
  if (ca == NULL ||
      !jd_sandbox_issue_things (ca, data->things_dir, (const char * const *) data->new_names,
                                cancellable, &error))
    goto fail;
  acl = jd_sandbox_build_acl_for (data->data_dir, (const char * const *) data->all_names);
  if (!jd_sandbox_write_private_text (data->acl_path, acl, &error) ||
      !jd_sandbox_info_save (data->info, data->data_dir, &error))
    goto fail;
  g_task_return_boolean (task, TRUE);
  return;

fail:
  g_task_return_error (task, error);
}

/* On the store's worker: one transaction per thing, none on the main loop. */
static gpointer
register_things (JdStore   *store,
                 gpointer   user_data,
                 GError   **error)
{
  char **names = user_data;

  for (guint i = 0; names[i] != NULL; i++)
    {
      JdStoreThing *thing = jd_store_get_thing (store, names[i], NULL);

      if (thing == NULL)
        thing = jd_store_create_thing (store, names[i], NULL, NULL, NULL, error);
      if (thing == NULL)
        return NULL;
      jd_store_thing_free (thing);
    }
  return GINT_TO_POINTER (TRUE);
}

static void
things_registered_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (jd_store_call_finish (JD_STORE (source), result, &error) == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
things_written_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JdSandbox *self = JD_SANDBOX (source);
  AddThings *data = g_task_get_task_data (task);
  GCancellable *cancellable;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (!self->running || self->service == NULL)
    {
      g_task_return_new_error (task, JD_SERVICE_ERROR, JD_SERVICE_ERROR_BUSY,
                               "The sandbox stopped while its things were being made");
      return;
    }
  for (guint i = 0; data->new_names[i] != NULL; i++)
    g_hash_table_add (self->things, g_strdup (data->new_names[i]));
  if (self->things_serial != data->serial)
    {
      /* Things came or went meanwhile: the files just written miss them. */
      if (!jd_sandbox_update_acl (self, &error) || !jd_sandbox_write_info (self, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }
  else if (data->new_names[0] != NULL)
    jd_sandbox_broker_reload (self->broker);
  if (data->new_names[0] != NULL)
    {
      self->things_serial++;
      g_signal_emit (self, jd_sandbox_signals[JD_SANDBOX_SIGNAL_THINGS_CHANGED], 0);
    }
  cancellable = g_task_get_cancellable (task);
  jd_store_call_async (jd_service_get_store (self->service), register_things,
                       g_strdupv (data->names), (GDestroyNotify) g_strfreev, NULL,
                       cancellable, things_registered_cb, g_steal_pointer (&task));
}

static void
thing_created_cb (JdService  *service,
                  const char *thing_name,
                  JdSandbox  *self)
{
  g_autoptr(GError) error = NULL;

  /* CreateThing already answered; a thing whose name the broker cannot take
   * as an identity simply gets no certificate. */
  if (!jd_sandbox_ensure_thing (self, thing_name, &error))
    g_message ("No certificate for thing %s: %s", thing_name, error->message);
}

static void
thing_deleted_cb (JdService  *service,
                  const char *thing_name,
                  JdSandbox  *self)
{
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autoptr(GError) error = NULL;

  /* Its identity goes too: otherwise the next start would bring the thing back
   * from its certificate. A client already connected stays connected, as on
   * AWS until its certificate is revoked. */
  if (!g_hash_table_remove (self->things, thing_name))
    return;
  self->things_serial++;
  jd_sandbox_thing_paths (self->things_dir, thing_name, &cert_path, &key_path);
  g_unlink (cert_path);
  g_unlink (key_path);
  if (self->running && (!jd_sandbox_update_acl (self, &error) || !jd_sandbox_write_info (self, &error)))
    g_message ("Could not rewrite %s: %s", self->info_path, error->message);
  g_signal_emit (self, jd_sandbox_signals[JD_SANDBOX_SIGNAL_THINGS_CHANGED], 0);
}

/* Every thing with a certificate exists in the store, and every thing in the
 * store has a certificate (things created while another tool held the folder). */
static gboolean
sync_things (JdSandbox  *self,
             GError    **error)
{
  JdStore *store = jd_service_get_store (self->service);
  g_auto(GStrv) names = jd_sandbox_dup_thing_names (self);
  g_autoptr(GPtrArray) things = NULL;
  g_autofree char *after = NULL;
  gboolean more = TRUE;

  for (guint i = 0; names[i] != NULL; i++)
    if (!jd_service_ensure_thing (self->service, names[i], error))
      return FALSE;

  while (more)
    {
      things = jd_store_list_things (store, after, 100, NULL, NULL, NULL, &more, error);
      if (things == NULL)
        return FALSE;
      for (guint i = 0; i < things->len; i++)
        {
          JdStoreThing *thing = g_ptr_array_index (things, i);

          if (jd_sandbox_check_thing_name (thing->thing_name, NULL) &&
              !g_hash_table_contains (self->things, thing->thing_name) &&
              !jd_sandbox_issue_thing (self->ca, self->things_dir, thing->thing_name, error))
            return FALSE;
          g_hash_table_add (self->things, g_strdup (thing->thing_name));
          g_free (after);
          after = g_strdup (thing->thing_name);
        }
      g_clear_pointer (&things, g_ptr_array_unref);
    }
  return TRUE;
}

/* ---- following the service ---- */

gboolean
jd_sandbox_things_attach (JdSandbox  *self,
                          GError    **error)
{
  if (!sync_things (self, error))
    return FALSE;
  self->thing_created_id = g_signal_connect (self->service, "thing-created",
                                             G_CALLBACK (thing_created_cb), self);
  self->thing_deleted_id = g_signal_connect (self->service, "thing-deleted",
                                             G_CALLBACK (thing_deleted_cb), self);
  return TRUE;
}

void
jd_sandbox_things_detach (JdSandbox *self)
{
  g_clear_signal_handler (&self->thing_created_id, self->service);
  g_clear_signal_handler (&self->thing_deleted_id, self->service);
}

/* ---- public API ---- */

gboolean
jd_sandbox_ensure_thing (JdSandbox   *self,
                         const char  *thing_name,
                         GError     **error)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), FALSE);

  if (!jd_sandbox_check_thing_name (thing_name, error))
    return FALSE;
  if (self->service != NULL && !jd_service_ensure_thing (self->service, thing_name, error))
    return FALSE;
  if (g_hash_table_contains (self->things, thing_name))
    return TRUE;
  if (self->ca == NULL)
    {
      g_set_error (error, JD_SERVICE_ERROR, JD_SERVICE_ERROR_BUSY,
                   "The sandbox must be started before it can issue certificates");
      return FALSE;
    }
  /* One ECDSA P-256 key and two small files: a millisecond, fine on the main
   * loop, and it keeps CreateThing's reply after the files exist. */
  if (!jd_sandbox_issue_thing (self->ca, self->things_dir, thing_name, error))
    return FALSE;
  g_hash_table_add (self->things, g_strdup (thing_name));
  self->things_serial++;
  if (self->running && (!jd_sandbox_update_acl (self, error) || !jd_sandbox_write_info (self, error)))
    return FALSE;
  g_signal_emit (self, jd_sandbox_signals[JD_SANDBOX_SIGNAL_THINGS_CHANGED], 0);
  return TRUE;
}

/**
 * jd_sandbox_add_things_async:
 * @self: a running sandbox
 * @thing_names: the things (valid names; some may exist already)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when every thing is served
 * @user_data: data for @callback
 *
 * jd_sandbox_ensure_thing() for many things at once: the keys and
 * certificates of the new ones, the ACL and sandbox.json are written in a
 * worker thread, each file once for the whole batch, and the things enter
 * the store on its worker; the broker reloads its ACL once. The main loop
 * only gathers names.
 */
void
jd_sandbox_add_things_async (JdSandbox           *self,
                             const char * const  *thing_names,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) new_names = NULL;
  g_auto(GStrv) current = NULL;
  g_autoptr(GPtrArray) all = NULL;
  GError *error = NULL;
  AddThings *data;

  g_return_if_fail (JD_IS_SANDBOX (self));
  g_return_if_fail (thing_names != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_sandbox_add_things_async);

  if (!self->running || self->service == NULL || self->ca == NULL)
    {
      g_task_return_new_error (task, JD_SERVICE_ERROR, JD_SERVICE_ERROR_BUSY,
                               "The sandbox must be running before it can add things");
      return;
    }

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  names = g_ptr_array_new_with_free_func (g_free);
  new_names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; thing_names[i] != NULL; i++)
    {
      const char *name = thing_names[i];

      if (!jd_sandbox_check_thing_name (name, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      if (!g_hash_table_add (seen, (gpointer) name))
        continue;
      g_ptr_array_add (names, g_strdup (name));
      if (!g_hash_table_contains (self->things, name))
        g_ptr_array_add (new_names, g_strdup (name));
    }
  g_ptr_array_add (names, NULL);
  g_ptr_array_add (new_names, NULL);

  data = g_new0 (AddThings, 1);
  data->ca_path = g_strdup (self->ca_path);
  data->ca_key_path = g_strdup (self->ca_key_path);
  data->things_dir = g_strdup (self->things_dir);
  data->acl_path = g_strdup (self->acl_path);
  data->data_dir = g_strdup (self->data_dir);
  data->info = jd_sandbox_dup_info (self);
  current = jd_sandbox_dup_thing_names (self);
  all = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; current[i] != NULL; i++)
    g_ptr_array_add (all, g_strdup (current[i]));
  for (guint i = 0; g_ptr_array_index (new_names, i) != NULL; i++)
    {
      const char *name = g_ptr_array_index (new_names, i);
      g_autofree char *cert_path = NULL;
      g_autofree char *key_path = NULL;

      jd_sandbox_thing_paths (self->things_dir, name, &cert_path, &key_path);
      jd_sandbox_info_set_thing (data->info, name, cert_path, key_path);
      g_ptr_array_add (all, g_strdup (name));
    }
  g_ptr_array_sort (all, jd_sandbox_compare_names);
  g_ptr_array_add (all, NULL);
  data->names = (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
  data->new_names = (GStrv) g_ptr_array_free (g_steal_pointer (&new_names), FALSE);
  data->all_names = (GStrv) g_ptr_array_free (g_steal_pointer (&all), FALSE);
  data->serial = self->things_serial;
  g_task_set_task_data (task, data, (GDestroyNotify) add_things_free);

  inner = g_task_new (self, cancellable, things_written_cb, g_steal_pointer (&task));
  g_task_set_source_tag (inner, add_things_thread);
  g_task_set_task_data (inner, data, NULL);
  g_task_run_in_thread (inner, add_things_thread);
}

gboolean
jd_sandbox_add_things_finish (JdSandbox     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
jd_sandbox_get_thing_files (JdSandbox   *self,
                            const char  *thing_name,
                            char       **cert_path,
                            char       **key_path)
{
  g_return_val_if_fail (JD_IS_SANDBOX (self), FALSE);
  g_return_val_if_fail (thing_name != NULL, FALSE);

  if (!g_hash_table_contains (self->things, thing_name))
    return FALSE;
  jd_sandbox_thing_paths (self->things_dir, thing_name, cert_path, key_path);
  return TRUE;
}
