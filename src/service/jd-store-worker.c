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
 * Group commit: the calls that wait when the worker is free run in one
 * write transaction (each call's own transactions become savepoints in it,
 * jd-store-tx.c), at most GROUP_MAX_CALLS or GROUP_MAX_US of work, and their
 * results and signals go to the main context together after the one COMMIT
 * — a device's 16 requests in flight cost one WAL commit and one wake-up of
 * the main loop, not 16. Nothing is answered before it is committed. Should
 * the group's transaction fail as a whole (its COMMIT, or an error that
 * made SQLite roll it all back), its calls' results are thrown away and
 * each call runs again alone, as it would have without grouping.
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

#define GROUP_MAX_CALLS 64
#define GROUP_MAX_US    4000

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
static void
complete_call (JdStore *self,
               Call    *call)
{
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
}

/* On the main context: every call the worker finished since the last time,
 * in order. */
static gboolean
complete_cb (gpointer data)
{
  JdStore *self = g_object_ref (data);   /* the last call may hold the last reference */
  GQueue done = G_QUEUE_INIT;
  Call *call;

  g_mutex_lock (&self->done_lock);
  done = self->done;
  g_queue_init (&self->done);
  self->done_source_pending = FALSE;
  g_mutex_unlock (&self->done_lock);

  while ((call = g_queue_pop_head (&done)) != NULL)
    complete_call (self, call);
  g_object_unref (self);
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

/* On the worker, holding the store: runs @call, its signals deferred. */
static void
run_call (JdStore *self,
          Call    *call)
{
  self->deferring = TRUE;
  self->deferred = g_ptr_array_new_with_free_func (emission_free);
  call->result = call->func (self, call->data, &call->error);
  prepare_changes (self, self->deferred);
  call->emissions = g_steal_pointer (&self->deferred);
  self->deferring = FALSE;
}

/* Forgets what a run of @call produced, so that it can run again. */
static void
reset_call (Call *call)
{
  if (call->result_free != NULL && call->result != NULL)
    call->result_free (call->result);
  call->result = NULL;
  g_clear_error (&call->error);
  g_clear_pointer (&call->emissions, g_ptr_array_unref);
}

/* On the worker: hands @calls to the main context (one wake-up for all). */
static void
post_done (JdStore   *self,
           GPtrArray *calls)
{
  gboolean attach;

  if (calls->len == 0)
    return;
  g_mutex_lock (&self->done_lock);
  for (guint i = 0; i < calls->len; i++)
    g_queue_push_tail (&self->done, g_ptr_array_index (calls, i));
  attach = !self->done_source_pending;
  self->done_source_pending = TRUE;
  g_mutex_unlock (&self->done_lock);

  /* Not g_main_context_invoke(): from a thread without a thread-default
   * context it runs the function right here whenever it can acquire the
   * global default context. */
  if (attach)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, complete_cb, self, NULL);
      g_source_set_static_name (source, "[jobdeck] store calls completed");
      g_source_attach (source, self->context);
      g_source_unref (source);
    }
}

/* On the worker, holding the store: the calls waiting now (at least
 * @first), in one transaction when more than one waits. */
static void
run_group (JdStore   *self,
           Call      *first,
           GPtrArray *ran)
{
  gint64 deadline = g_get_monotonic_time () + GROUP_MAX_US;
  gboolean grouped = FALSE;
  gboolean failed = FALSE;
  Call *call = first;

  if (g_async_queue_length (self->calls) > 0 && !self->group_disabled_for_test)
    grouped = _jd_store_group_begin (self);

  do
    {
      /* Completed (and freed: the last reference to the store may go with
       * it) on the main context even when cancelled. */
      if (!g_cancellable_set_error_if_cancelled (g_task_get_cancellable (call->task), &call->error))
        run_call (self, call);
      g_ptr_array_add (ran, call);
      if (grouped && !_jd_store_group_alive (self))
        {
          failed = TRUE;
          break;
        }
    }
  while (grouped && ran->len < GROUP_MAX_CALLS && g_get_monotonic_time () < deadline
         && (call = g_async_queue_try_pop (self->calls)) != NULL);

  if (grouped && !failed && !_jd_store_group_commit (self))
    failed = TRUE;
  if (!failed)
    return;

  /* The group's transaction is gone: nothing of it was committed. Each
   * call runs again in its own transactions. */
  g_debug ("a group of %u store calls failed as a whole; running each alone", ran->len);
  _jd_store_group_abandon (self);
  for (guint i = 0; i < ran->len; i++)
    {
      Call *again = g_ptr_array_index (ran, i);

      reset_call (again);
      if (!g_cancellable_set_error_if_cancelled (g_task_get_cancellable (again->task), &again->error))
        run_call (self, again);
    }
}

/* The thread pool's function: one token per call asked, and each run takes
 * every call waiting, so a token may find none. */
static void
worker_cb (gpointer data,
           gpointer user_data)
{
  JdStore *self = user_data;
  Call *call;

  while ((call = g_async_queue_try_pop (self->calls)) != NULL)
    {
      g_autoptr(GPtrArray) ran = g_ptr_array_new ();

      g_rec_mutex_lock (&self->lock);
      run_group (self, call, ran);
      g_rec_mutex_unlock (&self->lock);
      post_done (self, ran);
    }
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
  g_async_queue_push (self->calls, call);
  g_thread_pool_push (pool, GUINT_TO_POINTER (1), NULL);
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
