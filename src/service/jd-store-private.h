/* jd-store-private.h — what the pieces of JdStore share (jd-store.c: the
 * object, records and rows; jd-store-db.c: the connection, statement cache
 * and migrations; jd-store-tx.c: the transaction guard and change reports;
 * jd-store-things.c, jd-store-jobs.c, jd-store-executions.c,
 * jd-store-groups.c: the operations; jd-store-rollout.c: rollout, abort,
 * retries and scheduling; jd-store-timers.c: the clock and the execution timers), and
 * the hooks the tests of libjobdeck-service use. Not installed; included
 * only inside libjobdeck-service and its tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "jd-store.h"

G_BEGIN_DECLS

/* ---- test hooks ---- */

/* Runs raw SQL on the store's connection (e.g. PRAGMA query_only to simulate
 * a read-only database, PRAGMA max_page_count to simulate a full disk). */
gboolean jd_store_exec_for_test  (JdStore     *self,
                                  const char  *sql,
                                  GError     **error);
double   jd_store_get_time_scale (JdStore     *self);
/* Moves the wall clock the store reads by @offset_ms from the system's (a
 * clock step, forwards or backwards); 0 undoes it. */
void     jd_store_set_clock_offset_for_test (JdStore *self,
                                             gint64   offset_ms);

/* ---- internals ---- */

/* The transaction guard: _jd_store_tx_begin() returns it (or NULL with
 * @error set); _jd_store_tx_commit() ends it; going out of scope without a
 * commit rolls the transaction back. Declare it before the statements of the
 * transaction, so they are reset before the rollback runs:
 *
 *   g_autoptr(JdStoreTx) tx = _jd_store_tx_begin (self, error);
 *   if (tx == NULL) return FALSE;
 *   …                               (any return rolls back)
 *   return _jd_store_tx_commit (&tx, error);
 */
typedef struct _JdStoreTx JdStoreTx;

struct _JdStoreTx
{
  JdStore *store;
};

enum {
  JD_STORE_SIGNAL_THINGS_CHANGED,
  JD_STORE_SIGNAL_JOBS_EVENTS,
  JD_STORE_SIGNAL_EVENT_CONFIGURATIONS_CHANGED,
  JD_STORE_N_SIGNALS
};

extern guint jd_store_signals[JD_STORE_N_SIGNALS];

struct _JdStore
{
  GObject       parent_instance;

  sqlite3      *db;
  char         *path;
  double        time_scale;     /* JOBDECK_TIME_SCALE; 1.0 in production */
  GMainContext *context;
  GSource      *timer;
  /* The deadline clock (jd-store-timers.c): the wall clock at opening and
   * the monotonic time then; the test hook's wall-clock offset. */
  gint64        anchor_wall_ms;
  gint64        anchor_monotonic_us;
  gint64        clock_offset_us;

  /* Held by every operation: the worker thread and the thread that opened
   * the store may both call in (jd-store-worker.c). Recursive, as public
   * operations call one another. */
  GRecMutex     lock;
  GThreadPool  *worker;         /* one thread, created by the first call_async */
  GAsyncQueue  *calls;          /* the calls asked, oldest first (jd-store-worker.c) */
  GMutex        done_lock;      /* guards the two below */
  GQueue        done;           /* calls finished on the worker, for the main context */
  gboolean      done_source_pending;
  gboolean      in_group;       /* the worker's group transaction is open */
  gboolean      group_disabled_for_test;
  gboolean      commit_fails_for_test;   /* the group's COMMIT "fails" */
  guint         n_commits;      /* COMMITs that succeeded, for tests */
  gboolean      deferring;      /* on the worker: signals wait for the main context */
  GPtrArray    *deferred;       /* JdStoreEmission *, while deferring */
  JdStoreChangePreparer preparer;   /* run on the worker over deferred changes */
  gpointer      preparer_data;

  JdStoreTx     tx;             /* the guard of the open transaction */
  gboolean      in_tx;
  /* Per transaction: thing name → "before" snapshot (pending key, next key). */
  GHashTable   *touched;
  /* Per transaction, only while someone listens to ::jobs-events: job id →
   * the job before the transaction. */
  GHashTable   *touched_jobs;

  /* Idle prepared statements: the caller's SQL text (its address, not
   * owned) → sqlite3_stmt (owned); and the key of each statement in use. */
  GHashTable   *stmts;
  GHashTable   *stmt_keys;

  /* Whether the JOB and JOB_EXECUTION event configurations are enabled
   * (jd-store-templates.c): JD_STORE_EVENTS_* bits, read without the lock. */
  gint          event_flags;

  /* Token buckets of the device-API rate limit. */
  guint         request_rate;
  double        tokens[4];
  gint64        refilled_at[4];
};

/* Takes the store's lock until the end of the enclosing scope; the first
 * line of every operation (before the transaction guard, so a rollback runs
 * under the lock). */
#define JD_STORE_LOCKED(self) \
  g_autoptr(GRecMutexLocker) G_PASTE (jd_store_locker_, __LINE__) = g_rec_mutex_locker_new (&(self)->lock)

/* The columns of an execution (execution_from_row), without the job's
 * document (NULL) or with it; the pending order. Lists, pending sets and
 * snapshots never read the document: only replies that carry it do. */
#define JD_STORE_EXEC_FIELDS \
  "e.job_id, e.thing_name, e.status, e.status_details, e.queued_at, e.started_at, " \
  "e.last_updated_at, e.version_number, e.execution_number, e.force_canceled, " \
  "e.step_deadline_ms, e.progress_deadline_ms, e.retry_attempt, "
#define JD_STORE_EXEC_COLUMNS JD_STORE_EXEC_FIELDS "NULL FROM executions e "
#define JD_STORE_EXEC_DOC_COLUMNS \
  JD_STORE_EXEC_FIELDS "j.document FROM executions e JOIN jobs j ON j.job_id = e.job_id "
#define JD_STORE_PENDING_ORDER " ORDER BY (e.status = 'IN_PROGRESS') DESC, e.seq "

/* How many things of a job its rollout has not released yet (an index
 * range of rollout_queue). */
#define JD_STORE_JOB_WAITING "(SELECT COUNT(*) FROM rollout_queue q WHERE q.job_id = j.job_id)"

/* The columns of a job (job_from_row), with its targets and document, and
 * without them (NULL) for ListJobs. */
#define JD_STORE_JOB_COLUMNS \
  "j.job_id, j.status, j.target_selection, t.targets, j.description, j.document, j.document_source, " \
  "j.force_canceled, j.reason_code, j.comment, j.created_at, j.last_updated_at, j.completed_at, " \
  "j.in_progress_timeout, j.config, " JD_STORE_JOB_WAITING " FROM jobs j LEFT JOIN job_targets t ON t.job_id = j.job_id "
#define JD_STORE_JOB_SUMMARY_COLUMNS \
  "j.job_id, j.status, j.target_selection, NULL, j.description, NULL, j.document_source, " \
  "j.force_canceled, j.reason_code, j.comment, j.created_at, j.last_updated_at, j.completed_at, " \
  "j.in_progress_timeout, NULL, " JD_STORE_JOB_WAITING " FROM jobs j "

/* jd-store-db.c */
void          _jd_store_stmt_release   (sqlite3_stmt  *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, _jd_store_stmt_release)

gboolean      _jd_store_db_open        (JdStore       *self,
                                        GError       **error);
void          _jd_store_db_close       (JdStore       *self);
gboolean      _jd_store_set_db_error   (JdStore       *self,
                                        int            rc,
                                        GError       **error);
sqlite3_stmt *_jd_store_prepare        (JdStore       *self,
                                        const char    *sql,
                                        GError       **error);
gboolean      _jd_store_exec_sql       (JdStore       *self,
                                        const char    *sql,
                                        GError       **error);
gboolean      _jd_store_exec_cached    (JdStore       *self,
                                        const char    *sql,
                                        GError       **error);
gboolean      _jd_store_step_done      (JdStore       *self,
                                        sqlite3_stmt  *stmt,
                                        GError       **error);
void          _jd_store_bind_text      (sqlite3_stmt  *stmt,
                                        int            index,
                                        const char    *text);
char         *_jd_store_column_text    (sqlite3_stmt  *stmt,
                                        int            column);

/* jd-store.c: JSON text and rows */
char         *_jd_store_object_to_text (JsonObject         *object);
JsonObject   *_jd_store_object_from_text (const char       *text);
char         *_jd_store_strv_to_text   (const char *const  *strv);
char        **_jd_store_strv_from_text (const char         *text);
JdStoreExecution *_jd_store_execution_from_row (JdStore      *self,
                                                sqlite3_stmt *stmt);
JdStoreJob   *_jd_store_job_from_row   (sqlite3_stmt       *stmt);
JdStoreThing *_jd_store_thing_from_row (sqlite3_stmt       *stmt);
GPtrArray    *_jd_store_query_executions (JdStore           *self,
                                          const char        *sql,
                                          const char *const *params,
                                          guint              n_params,
                                          gint64             limit,
                                          GError           **error);
GPtrArray    *_jd_store_page           (GPtrArray          *items,
                                        guint               limit,
                                        gboolean           *more);

/* jd-store-tx.c */
JdStoreTx    *_jd_store_tx_begin       (JdStore            *self,
                                        GError            **error);
void          _jd_store_tx_rollback    (JdStoreTx          *tx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdStoreTx, _jd_store_tx_rollback)
/* Completes SNAPSHOT jobs whose executions all ended, commits, re-arms the
 * timers and reports what changed. Always consumes *@tx. */
gboolean      _jd_store_tx_commit_full (JdStoreTx         **tx,
                                        gboolean            may_end_executions,
                                        gboolean            may_move_deadlines,
                                        GError            **error);
gboolean      _jd_store_tx_commit      (JdStoreTx         **tx,
                                        GError            **error);
/* Record a thing's (or a job's) state before the transaction changes it. */
void          _jd_store_touch          (JdStore            *self,
                                        const char         *thing_name);
void          _jd_store_touch_job      (JdStore            *self,
                                        const char         *job_id);
void          _jd_store_snapshot_free  (gpointer            data);

/* jd-store-things.c */
JdStoreThing *_jd_store_find_thing     (JdStore            *self,
                                        const char         *thing_name,
                                        GError            **error);

/* jd-store-jobs.c */
JdStoreJob   *_jd_store_find_job       (JdStore            *self,
                                        const char         *job_id,
                                        GError            **error);

/* FALSE with a NOT_FOUND error when the job does not exist. */
gboolean      _jd_store_job_exists     (JdStore            *self,
                                        const char         *job_id,
                                        GError            **error);

/* jd-store-executions.c */
GPtrArray    *_jd_store_pending_of     (JdStore            *self,
                                        const char         *thing_name,
                                        gboolean            with_document,
                                        GError            **error);
GPtrArray    *_jd_store_executions_of_thing (JdStore       *self,
                                             const char    *thing_name);
gboolean      _jd_store_end_pending    (JdStore            *self,
                                        const char         *thing_name,
                                        const char         *job_id,
                                        gboolean            include_in_progress,
                                        JdExecutionStatus   status,
                                        gboolean            force_canceled,
                                        GError            **error);

/* jd-store-groups.c */
/* FALSE with NOT_FOUND ("Thing group … cannot be found.") when @group_name
 * does not exist. */
gboolean      _jd_store_group_exists   (JdStore            *self,
                                        const char         *group_name,
                                        GError            **error);
/* Adds to @things (a set of names) the things of each group of
 * @group_names and of its descendants. */
gboolean      _jd_store_expand_groups  (JdStore            *self,
                                        const char *const  *group_names,
                                        GHashTable         *things,
                                        GError            **error);
/* Remembers what @job_id targets by name: its groups, and for a CONTINUOUS
 * job its things. */
gboolean      _jd_store_record_targets (JdStore            *self,
                                        const char         *job_id,
                                        gboolean            continuous,
                                        const char *const  *thing_names,
                                        const char *const  *group_names,
                                        GError            **error);
/* Queues a new execution of @job_id for @thing_name unless it has one: none
 * yet gives number 1, a REMOVED one (the thing left and came back) the next
 * number; any other keeps the thing's execution as it is. */
gboolean      _jd_store_queue_execution (JdStore           *self,
                                         const char        *job_id,
                                         const char        *thing_name,
                                         GError           **error);
/* A deleted thing leaves its groups. */
gboolean      _jd_store_forget_memberships (JdStore        *self,
                                            const char     *thing_name,
                                            GError        **error);

/* jd-store-rollout.c */
/* jobs.schedule_state (schema 6): where a job's schedulingConfig is. */
enum {
  JD_STORE_SCHEDULE_NONE,        /* no schedule */
  JD_STORE_SCHEDULE_WAITING,     /* SCHEDULED: startTime (or a window) to come */
  JD_STORE_SCHEDULE_STARTED,     /* rolling out; endTime to come */
  JD_STORE_SCHEDULE_ENDED,       /* endTime applied */
};

/* Before a commit that may have ended executions: for each job this
 * transaction created, ended an execution of, or whose rollout is due
 * (temp.ended_jobs), queues the retries its retry config allows, cancels it
 * when an abort criterion trips, and releases what its rollout rate allows
 * now. */
gboolean      _jd_store_apply_job_rules (JdStore           *self,
                                         GError           **error);
/* Puts the jobs whose rollout may release more at @now_ms into
 * temp.ended_jobs, so the commit releases them. */
gboolean      _jd_store_mark_due_rollouts (JdStore         *self,
                                           gint64           now_ms,
                                           GError         **error);
/* Touches every thing with a pending execution of @job_id. */
gboolean      _jd_store_touch_things_of_job (JdStore       *self,
                                             const char    *job_id,
                                             GError       **error);

/* jd-store-templates.c */
/* Reads the JOB / JOB_EXECUTION event configurations into event_flags. */
gboolean      _jd_store_load_event_flags (JdStore          *self,
                                          GError          **error);

/* jd-store-worker.c */
/* Emits ::things-changed or ::jobs-events now, or — on the worker — queues
 * it for the main context, where it is emitted before the call completes. */
void          _jd_store_emit           (JdStore            *self,
                                        guint               signal,
                                        GPtrArray          *payload);
/* jd-store-tx.c: the worker's group transaction, in which each
 * transaction of a call is a savepoint. */
gboolean      _jd_store_group_begin    (JdStore            *self);
gboolean      _jd_store_group_alive    (JdStore            *self);
gboolean      _jd_store_group_commit   (JdStore            *self);
void          _jd_store_group_abandon  (JdStore            *self);
/* Tests: no groups (each call commits alone), or every group's COMMIT
 * failing (the fallback: each call again alone). Set before calls are asked. */
void          _jd_store_set_group_for_test (JdStore        *self,
                                            gboolean        enabled,
                                            gboolean        commit_fails);
guint         _jd_store_get_commits_for_test (JdStore      *self);

/* Runs the due timers on the worker (when it exists). */
gboolean      _jd_store_worker_time_out (JdStore           *self);
void          _jd_store_worker_stop    (JdStore            *self);

/* jd-store-timers.c */
gboolean      _jd_store_time_out_due   (JdStore            *self,
                                        GError            **error);
void          _jd_store_anchor_clock   (JdStore            *self);
gint64        _jd_store_deadline_clock_ms (JdStore         *self);
gint64        _jd_store_minutes_to_ms  (JdStore            *self,
                                        gint64              minutes);
void          _jd_store_schedule_timer (JdStore            *self);
void          _jd_store_stop_timer     (JdStore            *self);

G_END_DECLS
