/* jd-store-worker.c — JdStore off the main loop: jd_store_call_async() runs
 * a function of the store on the store's worker thread (one thread, calls in
 * order) and completes on the main context of jd_store_open(). While a call
 * runs on the worker, the store's signals are queued and emitted on the main
 * context just before the call completes, so handlers (the MQTT side's
 * publishes) keep running where they always did. A lock held on the database
 * by another process, a slow disk or an fsync then costs the worker, not the
 * loop: after the busy timeout the call fails with JD_SERVICE_ERROR_STORAGE.
 * Once the worker exists, the timers run on it too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-store"

#include "jd-store-private.h"

typedef struct {
  guint      signal;
  GPtrArray *payload;
} Emission;

typedef struct {
  JdStoreCallFunc  func;
  gpointer         data;
  GDestroyNotify   data_free;
  GDestroyNotify   result_free;
  GTask           *task;
  gpointer         result;
  GError          *error;
  GPtrArray       *emissions;   /* Emission * */
} Call;

static void
emission_free (gpointer data)
{
  Emission *emission = data;

  g_ptr_array_unref (emission->payload);
  g_free (emission);
}

static void
call_free (Call *call)
{
  if (call->data_free != NULL && call->data != NULL)
    call->data_free (call->data);
  if (call->result_free != NULL && call->result != NULL)
    call->result_free (call->result);
  g_clear_error (&call->error);
  g_clear_pointer (&call->emissions, g_ptr_array_unref);
  g_clear_object (&call->task);
  g_free (call);
}

void
_jd_store_emit (JdStore   *self,
                guint      signal,
                GPtrArray *payload)
{
  Emission *emission;

  if (!self->deferring)
    {
      g_signal_emit (self, jd_store_signals[signal], 0, payload);
      return;
    }
  emission = g_new0 (Emission, 1);
  emission->signal = signal;
  emission->payload = g_ptr_array_ref (payload);
  g_ptr_array_add (self->deferred, emission);
}

/* On the main context: the call's signals, then its result. */
static gboolean
complete_cb (gpointer data)
{
  Call *call = data;
  JdStore *self = g_task_get_source_object (call->task);

  for (guint i = 0; call->emissions != NULL && i < call->emissions->len; i++)
    {
      Emission *emission = g_ptr_array_index (call->emissions, i);

      g_signal_emit (self, jd_store_signals[emission->signal], 0, emission->payload);
    }

  if (call->error != NULL)
    g_task_return_error (call->task, g_steal_pointer (&call->error));
  else
    g_task_return_pointer (call->task, g_steal_pointer (&call->result), call->result_free);
  call_free (call);
  return G_SOURCE_REMOVE;
}

/* On the worker, holding the store: the preparer fills the payloads of the
 * things-changed entries the call made. */
static void
prepare_changes (JdStore   *self,
                 GPtrArray *emissions)
{
  if (self->preparer == NULL)
    return;
  for (guint i = 0; i < emissions->len; i++)
    {
      Emission *emission = g_ptr_array_index (emissions, i);

      if (emission->signal != JD_STORE_SIGNAL_THINGS_CHANGED)
        continue;
      for (guint j = 0; j < emission->payload->len; j++)
        self->preparer (self, g_ptr_array_index (emission->payload, j), self->preparer_data);
    }
}

/**
 * jd_store_set_change_preparer:
 * @self: a #JdStore
 * @func: (nullable): the preparer, or %NULL for none
 * @user_data: for @func; must outlive the store's calls
 */
void
jd_store_set_change_preparer (JdStore               *self,
                              JdStoreChangePreparer  func,
                              gpointer               user_data)
{
  g_return_if_fail (JD_IS_STORE (self));

  JD_STORE_LOCKED (self);
  self->preparer = func;
  self->preparer_data = user_data;
}

/* On the worker. */
static void
worker_cb (gpointer data,
           gpointer user_data)
{
  Call *call = data;
  JdStore *self = user_data;
  GSource *source;

  /* Completed (and freed: the last reference to the store may go with it)
   * on the main context even when cancelled. */
  if (!g_cancellable_set_error_if_cancelled (g_task_get_cancellable (call->task), &call->error))
    {
      g_rec_mutex_lock (&self->lock);
      self->deferring = TRUE;
      self->deferred = g_ptr_array_new_with_free_func (emission_free);
      call->result = call->func (self, call->data, &call->error);
      prepare_changes (self, self->deferred);
      call->emissions = g_steal_pointer (&self->deferred);
      self->deferring = FALSE;
      g_rec_mutex_unlock (&self->lock);
    }

  /* Not g_main_context_invoke(): from a thread without a thread-default
   * context it runs the function right here whenever it can acquire the
   * global default context. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, complete_cb, call, NULL);
  g_source_set_static_name (source, "[jobdeck] store call completed");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

/**
 * jd_store_call_async:
 * @self: a #JdStore
 * @func: what to run with the store, on its worker thread
 * @data: (nullable): passed to @func
 * @data_free: (nullable): frees @data after the call
 * @result_free: (nullable): frees @func's result if nobody takes it
 * @cancellable: (nullable): a call cancelled before it starts does not run
 * @callback: called on the main context of jd_store_open()
 * @user_data: for @callback
 *
 * Runs @func (which calls the store's synchronous operations) on the
 * store's worker thread, one call at a time in the order asked; the
 * signals those operations emit arrive on the main context before
 * @callback. While the worker holds the store, synchronous calls from other
 * threads wait for it.
 */
void
jd_store_call_async (JdStore             *self,
                     JdStoreCallFunc      func,
                     gpointer             data,
                     GDestroyNotify       data_free,
                     GDestroyNotify       result_free,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  Call *call;
  GThreadPool *pool;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (JD_IS_STORE (self));
  g_return_if_fail (func != NULL);

  call = g_new0 (Call, 1);
  call->func = func;
  call->data = data;
  call->data_free = data_free;
  call->result_free = result_free;
  call->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (call->task, jd_store_call_async);

  /* The store's lock only to make the worker: taking it for every call
   * made the main loop wait while the worker ran its queue — GRecMutex is
   * not fair, and a worker going from call to call took it back each time
   * (10,000 device requests queued at once held the loop about a second). */
  pool = g_atomic_pointer_get (&self->worker);
  if (pool == NULL)
    {
      JD_STORE_LOCKED (self);

      pool = self->worker;
      if (pool == NULL)
        {
          pool = g_thread_pool_new (worker_cb, self, 1, FALSE, &error);
          g_atomic_pointer_set (&self->worker, pool);
        }
    }
  if (pool == NULL)
    {
      g_task_return_new_error (call->task, JD_SERVICE_ERROR, JD_SERVICE_ERROR_STORAGE,
                               "Cannot start the jobs database's thread: %s", error->message);
      call_free (call);
      return;
    }
  g_thread_pool_push (pool, call, NULL);
}

/**
 * jd_store_call_finish:
 * @self: a #JdStore
 * @result: the #GAsyncResult
 * @error: return location for the error @func set
 *
 * Returns: (transfer full) (nullable): what @func returned; %NULL with
 *   @error set when it failed
 */
gpointer
jd_store_call_finish (JdStore       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == jd_store_call_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
retry_cb (gpointer data)
{
  _jd_store_worker_time_out (data);
  return G_SOURCE_REMOVE;
}

static gpointer
time_out_call (JdStore  *self,
               gpointer  data,
               GError  **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!_jd_store_time_out_due (self, &local_error))
    {
      /* Try again a little later (the next commit re-arms it sooner). */
      g_debug ("timing out executions failed: %s", local_error->message);
      _jd_store_stop_timer (self);
      self->timer = g_timeout_source_new (1000);
      g_source_set_callback (self->timer, retry_cb, self, NULL);
      g_source_attach (self->timer, self->context);
    }
  return NULL;
}

/* The timer's callback when the worker exists: the timing out runs there.
 * FALSE (nothing asked) without a worker. */
gboolean
_jd_store_worker_time_out (JdStore *self)
{
  if (g_atomic_pointer_get (&self->worker) == NULL)
    return FALSE;
  jd_store_call_async (self, time_out_call, NULL, NULL, NULL, NULL, NULL, NULL);
  return TRUE;
}

/* Waits for the calls asked so far (the store is being finalized: none can
 * be pending, as each holds a reference). */
void
_jd_store_worker_stop (JdStore *self)
{
  if (self->worker != NULL)
    g_thread_pool_free (g_steal_pointer (&self->worker), FALSE, TRUE);
}
