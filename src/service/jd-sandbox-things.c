/* jd-sandbox-things.c — the sandbox's things: each has a certificate and
 * key in DIR/things, an entry in sandbox.json and the ACL, and a row in the
 * store. Their files change in batches in a worker thread, one batch at a
 * time (a fleet, CreateThing, DeleteThing: what waits meanwhile becomes the
 * next batch), so no two threads write the ACL or sandbox.json and the main
 * loop never does; the things are brought together with the store at start
 * the same way (the store's side on its worker).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-sandbox"

#include <glib/gstdio.h>

#include "jd-sandbox-folder.h"
#include "jd-sandbox-private.h"
#include "jd-service-http.h"

/* ---- many things at once ---- */

/* What a batch of things needs off the main loop; the worker never touches
 * the JdSandbox. */
/* How long a batch waits for mosquitto to say it read the new ACL. */
#define BROKER_RELOAD_WAIT_MS 5000

typedef struct
{
  JdSandbox     *sandbox;         /* a reference, until the batch is done */
  char          *ca_path;
  char          *ca_key_path;
  char          *things_dir;
  char          *acl_path;
  char          *data_dir;
  GStrv          names;           /* every thing asked for, for the store */
  GStrv          new_names;       /* those without a certificate yet */
  GStrv          removed;         /* things deleted since the last batch: their files go */
  GStrv          all_names;       /* every thing after the batch: the ACL's */
  JdSandboxInfo *info;            /* sandbox.json after the batch */
  int            broker_pid;      /* reloaded by the batch (0: none running) */
  char          *broker_log;
  guint16        broker_port;     /* to wake it for the reload */
  GPtrArray     *callers;         /* the GTasks this batch answers */
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
  g_strfreev (data->removed);
  g_strfreev (data->all_names);
  g_free (data->broker_log);
  g_clear_pointer (&data->info, jd_sandbox_info_free);
  g_clear_pointer (&data->callers, g_ptr_array_unref);
  g_clear_object (&data->sandbox);
  g_free (data);
}

static void run_next_batch (JdSandbox *self);

/* Answers every caller of the batch (@error: NULL, or taken), and starts
 * the one that waited meanwhile. */
static void
batch_done (JdSandbox *self,
            AddThings *data,
            GError    *error)
{
  g_assert (self->adding);
  self->adding = FALSE;
  for (guint i = 0; i < data->callers->len; i++)
    {
      GTask *task = g_ptr_array_index (data->callers, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
  g_clear_error (&error);
  add_things_free (data);
  run_next_batch (self);
}

/* Keys and certificates made or removed, the ACL and sandbox.json: each
 * file once per batch, one sync for all the keys (jd_sandbox_issue_things()). */
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
  for (guint i = 0; data->removed[i] != NULL; i++)
    {
      g_autofree char *cert_path = NULL;
      g_autofree char *key_path = NULL;

      jd_sandbox_thing_paths (data->things_dir, data->removed[i], &cert_path, &key_path);
      g_unlink (cert_path);
      g_unlink (key_path);
    }
  acl = jd_sandbox_build_acl_for (data->data_dir, (const char * const *) data->all_names);
  if (!jd_sandbox_write_private_text (data->acl_path, acl, &error))
    goto fail;
  /* The broker takes the new ACL before anyone hears of the things (from
   * sandbox.json or CreateThing's answer): a client that connects then must
   * be let in. */
  if (data->broker_pid > 0 && data->broker_log != NULL &&
      !jd_sandbox_broker_reload_and_wait (data->broker_pid, data->broker_log, data->broker_port,
                                          BROKER_RELOAD_WAIT_MS, NULL))
    g_message ("mosquitto did not log its reload within %u ms", BROKER_RELOAD_WAIT_MS);
  if (!jd_sandbox_info_save (data->info, data->data_dir, &error))
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
  AddThings *data = user_data;
  GError *error = NULL;

  jd_store_call_finish (JD_STORE (source), result, &error);
  batch_done (data->sandbox, data, error);
}

/* Whether batches may run: the service is up (running, or starting and
 * bringing its things together). */
static gboolean
can_write (JdSandbox *self)
{
  return self->service != NULL && self->ca != NULL && (self->running || self->start_task != NULL);
}

static void
things_written_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  JdSandbox *self = JD_SANDBOX (source);
  AddThings *data = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      batch_done (self, data, error);
      return;
    }
  if (!can_write (self))
    {
      batch_done (self, data, g_error_new (JD_SERVICE_ERROR, JD_SERVICE_ERROR_BUSY,
                                           "The sandbox stopped while its things were being made"));
      return;
    }
  /* A thing deleted while the batch ran is in the files just written; it
   * waits in removed_things, so the next batch writes them again. */
  for (guint i = 0; data->new_names[i] != NULL; i++)
    g_hash_table_add (self->things, g_strdup (data->new_names[i]));
  if (data->new_names[0] != NULL)
    g_signal_emit (self, jd_sandbox_signals[JD_SANDBOX_SIGNAL_THINGS_CHANGED], 0);
  if (data->names[0] == NULL)
    {
      batch_done (self, data, NULL);
      return;
    }
  jd_store_call_async (jd_service_get_store (self->service), register_things,
                       g_strdupv (data->names), (GDestroyNotify) g_strfreev, NULL,
                       NULL, things_registered_cb, data);
}

/* Every request that waited and every thing deleted meanwhile become one
 * batch: the new things' keys and certificates, the deleted ones' removed,
 * then the ACL and sandbox.json once, in a worker thread. One batch at a
 * time, so no two threads write those files, and each batch starts from
 * what the last one made. */
static void
run_next_batch (JdSandbox *self)
{
  g_autoptr(GTask) inner = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) new_names = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_auto(GStrv) current = NULL;
  AddThings *data;
  GTask *task;

  if (self->adding || (g_queue_is_empty (&self->add_queue) && self->removed_things->len == 0))
    return;

  data = g_new0 (AddThings, 1);
  data->sandbox = g_object_ref (self);
  data->callers = g_ptr_array_new_with_free_func (g_object_unref);
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  names = g_ptr_array_new_with_free_func (g_free);
  new_names = g_ptr_array_new_with_free_func (g_free);
  while ((task = g_queue_pop_head (&self->add_queue)) != NULL)
    {
      const char * const *asked = g_task_get_task_data (task);

      g_ptr_array_add (data->callers, task);
      for (guint i = 0; asked[i] != NULL; i++)
        {
          if (!g_hash_table_add (seen, (gpointer) asked[i]))
            continue;
          g_ptr_array_add (names, g_strdup (asked[i]));
          if (!g_hash_table_contains (self->things, asked[i]))
            g_ptr_array_add (new_names, g_strdup (asked[i]));
        }
    }
  g_ptr_array_add (names, NULL);
  g_ptr_array_add (new_names, NULL);
  g_ptr_array_add (self->removed_things, NULL);
  data->removed = (GStrv) g_ptr_array_steal (self->removed_things, NULL);
  self->adding = TRUE;

  if (!can_write (self))
    {
      batch_done (self, data, g_error_new (JD_SERVICE_ERROR, JD_SERVICE_ERROR_BUSY,
                                           "The sandbox must be running before it can add things"));
      return;
    }

  data->ca_path = g_strdup (self->ca_path);
  data->ca_key_path = g_strdup (self->ca_key_path);
  data->things_dir = g_strdup (self->things_dir);
  data->acl_path = g_strdup (self->acl_path);
  data->data_dir = g_strdup (self->data_dir);
  data->info = jd_sandbox_dup_info (self);
  if (self->broker != NULL && jd_sandbox_broker_get_running (self->broker))
    {
      data->broker_pid = jd_sandbox_broker_get_pid (self->broker);
      data->broker_log = g_strdup (jd_sandbox_broker_get_log_path (self->broker));
      data->broker_port = jd_sandbox_get_mqtt_port (self);
    }
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

  /* No cancellable: the batch serves every caller in it; a caller that
   * cancels gets G_IO_ERROR_CANCELLED from its own task. */
  inner = g_task_new (self, NULL, things_written_cb, data);
  g_task_set_source_tag (inner, add_things_thread);
  g_task_set_task_data (inner, data, NULL);
  g_task_run_in_thread (inner, add_things_thread);
}

/* ---- CreateThing and DeleteThing ---- */

static void
thing_identity_made_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) reply = user_data;
  GError *error = NULL;

  if (jd_sandbox_add_things_finish (JD_SANDBOX (source), result, &error))
    g_task_return_boolean (reply, TRUE);
  else
    g_task_return_error (reply, error);
}

/* JdServiceHttp's hook: CreateThing's reply waits for @reply. */
static void
thing_created (const char *thing_name,
               GTask      *reply,
               gpointer    user_data)
{
  JdSandbox *self = user_data;
  const char *names[] = { thing_name, NULL };

  jd_sandbox_add_things_async (self, names, NULL, thing_identity_made_cb, reply);
}

static void
thing_deleted_cb (JdService  *service,
                  const char *thing_name,
                  JdSandbox  *self)
{
  /* Its identity goes too (in the next batch): otherwise the next start
   * would bring the thing back from its certificate. A client already
   * connected stays connected, as on AWS until its certificate is revoked. */
  if (!g_hash_table_remove (self->things, thing_name))
    return;
  g_ptr_array_add (self->removed_things, g_strdup (thing_name));
  g_signal_emit (self, jd_sandbox_signals[JD_SANDBOX_SIGNAL_THINGS_CHANGED], 0);
  run_next_batch (self);
}

/* ---- at start ---- */

/* On the store's worker: every thing with a certificate (@data, the names)
 * is in the store; returns the things of the store without one (created
 * while another tool held the folder), a GStrv. */
static gpointer
sync_store (JdStore   *store,
            gpointer   user_data,
            GError   **error)
{
  char **names = user_data;
  g_autoptr(GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *after = NULL;
  gboolean more = TRUE;

  if (register_things (store, names, error) == NULL)
    return NULL;
  for (guint i = 0; names[i] != NULL; i++)
    g_hash_table_add (known, names[i]);
  while (more)
    {
      g_autoptr(GPtrArray) things = jd_store_list_things (store, after, 100, NULL, NULL, NULL, &more, error);

      if (things == NULL)
        return NULL;
      for (guint i = 0; i < things->len; i++)
        {
          JdStoreThing *thing = g_ptr_array_index (things, i);

          if (jd_sandbox_check_thing_name (thing->thing_name, NULL) &&
              !g_hash_table_contains (known, thing->thing_name))
            g_ptr_array_add (missing, g_strdup (thing->thing_name));
          g_free (after);
          after = g_strdup (thing->thing_name);
        }
    }
  g_ptr_array_add (missing, NULL);
  return g_ptr_array_free (g_steal_pointer (&missing), FALSE);
}

static void
attach_written_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JdSandbox *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!jd_sandbox_add_things_finish (self, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  jd_service_http_set_thing_hook (jd_service_get_http (self->service), thing_created, self);
  self->thing_deleted_id = g_signal_connect (self->service, "thing-deleted",
                                             G_CALLBACK (thing_deleted_cb), self);
  g_task_return_boolean (task, TRUE);
}

static void
store_synced_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JdSandbox *self = g_task_get_source_object (task);
  g_auto(GStrv) missing = NULL;
  GError *error = NULL;

  missing = jd_store_call_finish (JD_STORE (source), result, &error);
  if (missing == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!can_write (self))
    {
      g_task_return_new_error (task, JD_SERVICE_ERROR, JD_SERVICE_ERROR_BUSY,
                               "The sandbox stopped while its things were being made");
      return;
    }
  /* One batch: the missing things' identities (if any), then the ACL and
   * sandbox.json as the service now runs. */
  jd_sandbox_add_things_async (self, (const char * const *) missing, NULL, attach_written_cb,
                               g_steal_pointer (&task));
}

/* ---- following the service ---- */

void
jd_sandbox_things_attach_async (JdSandbox           *self,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, jd_sandbox_things_attach_async);
  jd_store_call_async (jd_service_get_store (self->service), sync_store,
                       jd_sandbox_dup_thing_names (self), (GDestroyNotify) g_strfreev,
                       (GDestroyNotify) g_strfreev, NULL, store_synced_cb, task);
}

gboolean
jd_sandbox_things_attach_finish (JdSandbox     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
jd_sandbox_things_detach (JdSandbox *self)
{
  GTask *task;

  if (jd_service_get_http (self->service) != NULL)
    jd_service_http_set_thing_hook (jd_service_get_http (self->service), NULL, NULL);
  g_clear_signal_handler (&self->thing_deleted_id, self->service);
  /* A batch being written finishes by itself (and fails: not running). */
  while ((task = g_queue_pop_head (&self->add_queue)) != NULL)
    {
      g_task_return_new_error (task, JD_SERVICE_ERROR, JD_SERVICE_ERROR_BUSY,
                               "The sandbox stopped before its things were made");
      g_object_unref (task);
    }
}

/* ---- public API ---- */

/**
 * jd_sandbox_add_things_async:
 * @self: a running sandbox
 * @thing_names: the things (valid names; some may exist already)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when every thing is served
 * @user_data: data for @callback
 *
 * Makes sure the things exist in the store and have a certificate and key,
 * listed in the ACL and sandbox.json: the keys and certificates of the new
 * ones, the ACL and sandbox.json are written in a worker thread, each file
 * once for the whole batch, and the things enter the store on its worker;
 * the broker reloads its ACL once. The main loop only gathers names.
 * Batches run one at a time: calls made while one runs become the next
 * batch together (CreateThings arriving at once share one).
 */
void
jd_sandbox_add_things_async (JdSandbox           *self,
                             const char * const  *thing_names,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (JD_IS_SANDBOX (self));
  g_return_if_fail (thing_names != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_sandbox_add_things_async);

  if (!can_write (self))
    {
      g_task_return_new_error (task, JD_SERVICE_ERROR, JD_SERVICE_ERROR_BUSY,
                               "The sandbox must be running before it can add things");
      return;
    }
  for (guint i = 0; thing_names[i] != NULL; i++)
    if (!jd_sandbox_check_thing_name (thing_names[i], &error))
      {
        g_task_return_error (task, error);
        return;
      }

  g_task_set_task_data (task, g_strdupv ((char **) thing_names), (GDestroyNotify) g_strfreev);
  g_queue_push_tail (&self->add_queue, g_steal_pointer (&task));
  run_next_batch (self);
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
