/* jd-store.h — JdStore: the local jobs service's state in SQLite (things, jobs,
 * job executions). It alone owns the execution state machine, version and
 * execution numbers, the `$next` order, job completion, cancel/delete rules,
 * process-detail counters and the step / in-progress timers. Every public call
 * is one transaction; after each commit the store emits ::things-changed
 * listing, per thing, whether its pending set and its `$next` execution changed
 * (reference §6), so the MQTT side knows what to publish.
 *
 * When ::jobs-events has a handler, the store also reports, after each commit,
 * the job and job-execution events of AWS's fleet events (jobs-device-api.md
 * §1.3); nothing is computed for them otherwise.
 *
 * Static thing groups (jd-store-groups.c) form a hierarchy: a thing in a
 * group is, for job targeting, in every ancestor of that group too. A job
 * that targets a group targets those things when it is created; a
 * CONTINUOUS job also follows later membership changes (a thing that joins
 * gets a QUEUED execution, one that leaves has its QUEUED execution
 * REMOVED), reported through ::things-changed like any other change.
 *
 * A job's settings (JdStoreJobSpec.config) act by themselves: a rollout
 * releases the job's things at its rate (a thing not yet released has no
 * execution), an abort criterion that trips cancels the job and its queued
 * executions, and a FAILED or TIMED_OUT execution is retried as a new QUEUED
 * execution numbered one more, and a schedule keeps the job SCHEDULED
 * until its startTime, releases only while a maintenance window is open and
 * applies its endBehavior at endTime — all reported through
 * ::things-changed.
 *
 * Times are epoch seconds. Timers run on the thread-default main context of
 * jd_store_open(), on a clock the wall clock's steps do not move; the
 * environment variable JOBDECK_TIME_SCALE (tests only) scales them, e.g.
 * 0.001 turns a minute into 60 ms.
 *
 * The operations below are synchronous. jd_store_call_async() runs them on
 * the store's worker thread instead, with the signals and the result on the
 * main context; the store is locked per operation, so both may be used. A
 * damaged database is refused by jd_store_open().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "jd-execution.h"
#include "jd-job.h"
#include "jd-service-error.h"

G_BEGIN_DECLS

/* Statuses are the client library's: JdExecutionStatus (jd-execution.h) and
 * JdJobStatus (jd-job.h); the store keeps AWS's spellings in its tables. */

/* One job execution as stored. */
typedef struct {
  char         *job_id;
  char         *thing_name;
  JdExecutionStatus  status;
  JsonObject   *status_details;      /* string → string; NULL when never set */
  gint64        queued_at;
  gint64        started_at;          /* 0 until first IN_PROGRESS */
  gint64        last_updated_at;
  gint64        version_number;
  gint64        execution_number;
  gboolean      force_canceled;
  gint64        seconds_before_timeout;  /* -1 when no timer runs */
  char         *job_document;        /* the job's document text */
  gint64        retry_attempt;       /* 0 for a first attempt, n for the n-th retry */
} JdStoreExecution;

void              jd_store_execution_free (JdStoreExecution *execution);
JdStoreExecution *jd_store_execution_copy (const JdStoreExecution *execution);

typedef struct {
  char        *job_id;
  JdJobStatus  status;
  char        *target_selection;      /* "SNAPSHOT" | "CONTINUOUS" */
  char       **targets;               /* ARNs as given */
  char        *description;           /* nullable */
  char        *document;
  char        *document_source;       /* nullable */
  gboolean     force_canceled;
  char        *reason_code;           /* nullable */
  char        *comment;               /* nullable */
  gint64       created_at;
  gint64       last_updated_at;
  gint64       completed_at;          /* 0 unless COMPLETED / CANCELED */
  gint64       in_progress_timeout_minutes;  /* 0 = none */
  /* jobProcessDetails, counted over the latest execution per thing. */
  gint64       n_queued, n_in_progress, n_succeeded, n_failed, n_timed_out,
               n_rejected, n_removed, n_canceled;
  char        *config;                /* nullable: jd_job_config_serialize() of
                                       * its rollout, abort, retry,
                                       * scheduling and presigned-URL
                                       * settings */
  gint64       n_waiting;             /* things the rollout has not released yet */
} JdStoreJob;

void jd_store_job_free (JdStoreJob *job);

typedef struct {
  char       *thing_name;
  char       *thing_id;
  char       *thing_type_name;        /* nullable */
  JsonObject *attributes;             /* never NULL; string → string */
  gint64      version;
} JdStoreThing;

void jd_store_thing_free (JdStoreThing *thing);

/* One static thing group. */
typedef struct {
  char        *group_name;
  char        *group_id;
  char        *parent_name;           /* nullable: a root group */
  char        *description;           /* nullable */
  JsonObject  *attributes;            /* never NULL; string → string */
  gint64       version;
  gint64       created_at;
  char       **root_to_parent;        /* the ancestors, root first (empty for a
                                       * root group); NULL in lists */
} JdStoreThingGroup;

void jd_store_thing_group_free (JdStoreThingGroup *group);

/* What a CreateJob asks for. */
typedef struct {
  const char        *job_id;
  const char *const *targets;         /* ARNs, for DescribeJob */
  const char *const *thing_names;     /* the things those ARNs name; each must exist */
  const char        *document;
  const char        *document_source; /* nullable */
  const char        *description;     /* nullable */
  const char        *target_selection;/* NULL = "SNAPSHOT" */
  gint64             in_progress_timeout_minutes;  /* 0 = none */
  const char *const *group_names;     /* nullable: the thing groups those ARNs
                                       * name; each must exist; their things
                                       * and their descendants' are targeted */
  const char        *config;          /* nullable: jd_job_config_serialize() of
                                       * the job's settings; with a rollout,
                                       * the things are released at its rate,
                                       * with abort and retry settings the
                                       * store applies them */
} JdStoreJobSpec;

/* A device's UpdateJobExecution. */
typedef struct {
  JdExecutionStatus  status;
  JsonObject   *status_details;       /* NULL = keep the stored map */
  gint64        expected_version;     /* -1 = not given */
  gint64        execution_number;     /* -1 = latest */
  gint64        step_timeout_minutes; /* 0 = not given, -1 = clear the step timer */
} JdStoreUpdate;

/* One element of ::things-changed. */
typedef struct {
  char     *thing_name;
  gboolean  pending_changed;          /* publish `notify` */
  gboolean  next_changed;             /* publish `notify-next` */
  /* Filled on the store's worker by the change preparer (below) when the
   * change was made there; NULL otherwise. */
  char     *notify_payload;
  char     *notify_next_payload;
} JdStoreThingChange;

/* One element of ::jobs-events: what AWS publishes on `$aws/events/job/…`
 * (kind JOB) and `$aws/events/jobExecution/…` (kind JOB_EXECUTION). */
typedef enum {
  JD_STORE_EVENT_JOB,
  JD_STORE_EVENT_JOB_EXECUTION,
} JdStoreEventKind;

typedef struct {
  JdStoreEventKind  kind;
  const char       *operation;   /* as in the topic: "succeeded", "failed", "rejected",
                                  * "canceled", "timed_out", "removed", "deleted"
                                  * (executions); "completed", "canceled", "deleted" (jobs) */
  JdStoreJob       *job;         /* JOB: the job now, or as it was before deletion */
  JdStoreExecution *execution;   /* JOB_EXECUTION: the execution now, or as it was */
} JdStoreEvent;

#define JD_TYPE_STORE (jd_store_get_type ())

G_DECLARE_FINAL_TYPE (JdStore, jd_store, JD, STORE, GObject)

JdStore          *jd_store_open                 (const char   *path,      /* or ":memory:" */
                                                 GError      **error);
void              jd_store_open_async           (const char          *path,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
JdStore          *jd_store_open_finish          (GAsyncResult        *result,
                                                 GError             **error);

/* ---- things ---- */
/* Idempotent: same name and same configuration returns the existing thing
 * (*created = FALSE); a different configuration is ALREADY_EXISTS. */
JdStoreThing     *jd_store_create_thing         (JdStore      *self,
                                                 const char   *thing_name,
                                                 const char   *thing_type_name,  /* nullable */
                                                 JsonObject   *attributes,       /* nullable */
                                                 gboolean     *created,          /* out, optional */
                                                 GError      **error);
JdStoreThing     *jd_store_get_thing            (JdStore      *self,
                                                 const char   *thing_name,
                                                 GError      **error);
/* Things whose name sorts after @after (NULL = from the start), at most
 * @limit; *more tells whether more follow. Filters may be NULL. */
GPtrArray        *jd_store_list_things          (JdStore      *self,
                                                 const char   *after,
                                                 guint         limit,
                                                 const char   *attribute_name,
                                                 const char   *attribute_value,
                                                 const char   *thing_type_name,
                                                 gboolean     *more,
                                                 GError      **error);
/* Succeeds when the thing does not exist (as AWS does); pending executions of
 * a deleted thing become REMOVED. @expected_version -1 = not given. */
gboolean          jd_store_delete_thing         (JdStore      *self,
                                                 const char   *thing_name,
                                                 gint64        expected_version,
                                                 GError      **error);

/* ---- jobs (control plane) ---- */
JdStoreJob       *jd_store_create_job           (JdStore              *self,
                                                 const JdStoreJobSpec *spec,
                                                 GError              **error);
JdStoreJob       *jd_store_get_job              (JdStore      *self,
                                                 const char   *job_id,
                                                 GError      **error);
/* Jobs in creation order after the job @after (NULL = from the start). */
GPtrArray        *jd_store_list_jobs            (JdStore      *self,
                                                 const char   *status,            /* nullable filter */
                                                 const char   *target_selection,  /* nullable filter */
                                                 const char   *after,
                                                 guint         limit,
                                                 gboolean     *more,
                                                 GError      **error);
/* The same, only jobs that target the thing group named @group_name and/or
 * whose id is @group_id (both nullable; ListJobs' thingGroupName and
 * thingGroupId). */
GPtrArray        *jd_store_list_jobs_for_thing_group (JdStore      *self,
                                                 const char   *group_name,
                                                 const char   *group_id,
                                                 const char   *status,
                                                 const char   *target_selection,
                                                 const char   *after,
                                                 guint         limit,
                                                 gboolean     *more,
                                                 GError      **error);
JdStoreJob       *jd_store_cancel_job           (JdStore      *self,
                                                 const char   *job_id,
                                                 gboolean      force,
                                                 const char   *reason_code,       /* nullable */
                                                 const char   *comment,           /* nullable */
                                                 GError      **error);
/* UpdateJob: @description (NULL = keep) and the settings of @settings (an
 * UpdateJob body: rollout, abort, timeout, retries, presigned URLs; NULL =
 * none) replace the job's, as jd_job_config_update() applies them; they
 * govern what is still to be released (executions already IN_PROGRESS
 * keep their deadlines). NOT_FOUND for an unknown job; INVALID_REQUEST for
 * a COMPLETED, CANCELED or DELETION_IN_PROGRESS job and for settings the
 * rules refuse. */
gboolean          jd_store_update_job           (JdStore      *self,
                                                 const char   *job_id,
                                                 const char   *description,       /* nullable */
                                                 JsonObject   *settings,          /* nullable */
                                                 GError      **error);
gboolean          jd_store_delete_job           (JdStore      *self,
                                                 const char   *job_id,
                                                 gboolean      force,
                                                 GError      **error);

/* AssociateTargetsWithJob: adds @targets (ARNs, for DescribeJob) naming
 * @thing_names and @group_names (either may be NULL) to a CONTINUOUS job
 * that is IN_PROGRESS, and queues the things they bring. INVALID_REQUEST
 * for any other job, NOT_FOUND for an unknown job, thing or group,
 * LIMIT_EXCEEDED beyond JD_JOB_TARGETS_MAX targets. */
JdStoreJob       *jd_store_associate_targets    (JdStore            *self,
                                                 const char         *job_id,
                                                 const char *const  *targets,
                                                 const char *const  *thing_names,
                                                 const char *const  *group_names,
                                                 GError            **error);

/* ---- thing groups (static) ---- */
/* Idempotent like CreateThing: the same parent, description and attributes
 * return the existing group (*created = FALSE); anything else is
 * ALREADY_EXISTS. An unknown parent is INVALID_REQUEST (AWS models no 404
 * for CreateThingGroup). */
JdStoreThingGroup *jd_store_create_thing_group  (JdStore      *self,
                                                 const char   *group_name,
                                                 const char   *parent_name,      /* nullable */
                                                 const char   *description,      /* nullable */
                                                 JsonObject   *attributes,       /* nullable */
                                                 gboolean     *created,          /* out, optional */
                                                 GError      **error);
/* With root_to_parent filled. */
JdStoreThingGroup *jd_store_get_thing_group     (JdStore      *self,
                                                 const char   *group_name,
                                                 GError      **error);
/* Groups in name order after @after: all of them, or @parent_name's
 * children (with @recursive, all its descendants); @name_prefix filters. */
GPtrArray        *jd_store_list_thing_groups    (JdStore      *self,
                                                 const char   *parent_name,      /* nullable */
                                                 const char   *name_prefix,      /* nullable */
                                                 gboolean      recursive,
                                                 const char   *after,
                                                 guint         limit,
                                                 gboolean     *more,
                                                 GError      **error);
/* Succeeds when the group does not exist; INVALID_REQUEST while it has
 * child groups; VERSION_CONFLICT when @expected_version (-1 = not given)
 * differs. Its things leave it (continuous jobs see them go). */
gboolean          jd_store_delete_thing_group   (JdStore      *self,
                                                 const char   *group_name,
                                                 gint64        expected_version,
                                                 GError      **error);
/* Both idempotent; NOT_FOUND for an unknown group or thing. Adding refuses
 * (INVALID_REQUEST) a second group of one hierarchy and an eleventh group. */
gboolean          jd_store_add_thing_to_thing_group      (JdStore      *self,
                                                          const char   *group_name,
                                                          const char   *thing_name,
                                                          GError      **error);
gboolean          jd_store_remove_thing_from_thing_group (JdStore      *self,
                                                          const char   *group_name,
                                                          const char   *thing_name,
                                                          GError      **error);
/* Thing names (char *) in name order after @after; with @recursive also the
 * things of descendant groups. */
GPtrArray        *jd_store_list_things_in_thing_group    (JdStore      *self,
                                                          const char   *group_name,
                                                          gboolean      recursive,
                                                          const char   *after,
                                                          guint         limit,
                                                          gboolean     *more,
                                                          GError      **error);
/* The groups @thing_name is directly in, in name order after @after. */
GPtrArray        *jd_store_list_thing_groups_for_thing   (JdStore      *self,
                                                          const char   *thing_name,
                                                          const char   *after,
                                                          guint         limit,
                                                          gboolean     *more,
                                                          GError      **error);

/* ---- job templates and event configurations (jd-store-templates.c) ---- */

/* One custom job template (CreateJobTemplate). */
typedef struct {
  char   *template_id;
  char   *description;
  char   *document;                      /* nullable when document_source is set */
  char   *document_source;               /* nullable */
  char   *config;                        /* nullable: jd_job_config_serialize() */
  char   *maintenance_windows;           /* nullable: the JSON array as given */
  char   *destination_package_versions;  /* nullable: the JSON array as given */
  gint64  created_at;
} JdStoreJobTemplate;

void jd_store_job_template_free (JdStoreJobTemplate *template_);

/* What a job made from a template remembers. */
typedef struct {
  char       *template_arn;
  JsonObject *document_parameters;       /* nullable */
  char       *document_before;           /* nullable: the document before substitution */
} JdStoreTemplateUse;

void jd_store_template_use_free (JdStoreTemplateUse *use);

/* ALREADY_EXISTS when the id is taken (created_at of @spec is ignored). */
JdStoreJobTemplate *jd_store_create_job_template (JdStore                  *self,
                                                  const JdStoreJobTemplate *spec,
                                                  GError                  **error);
/* NOT_FOUND when there is none. */
JdStoreJobTemplate *jd_store_get_job_template    (JdStore      *self,
                                                  const char   *template_id,
                                                  GError      **error);
/* Templates in creation order after the template @after (NULL = from the
 * start); without document and settings. */
GPtrArray          *jd_store_list_job_templates  (JdStore      *self,
                                                  const char   *after,
                                                  guint         limit,
                                                  gboolean     *more,
                                                  GError      **error);
/* NOT_FOUND when there is none. Jobs made from it keep their document,
 * settings and jobTemplateArn. */
gboolean            jd_store_delete_job_template (JdStore      *self,
                                                  const char   *template_id,
                                                  GError      **error);
/* jd_store_create_job() that also remembers, in the same transaction, the
 * template the job was made from. */
JdStoreJob         *jd_store_create_job_from_template (JdStore              *self,
                                                       const JdStoreJobSpec *spec,
                                                       const char           *template_arn,
                                                       JsonObject           *document_parameters,  /* nullable */
                                                       const char           *document_before,      /* nullable */
                                                       GError              **error);
/* NULL without an error when the job was not made from a template. */
JdStoreTemplateUse *jd_store_get_template_use    (JdStore      *self,
                                                  const char   *job_id,
                                                  GError      **error);

/* AWS's event types (UpdateEventConfigurations' keys), NULL-terminated. */
const char *const  *jd_store_event_types         (void);
/* Every type → {"Enabled": bool} (false when never set), and when the
 * configuration was created and last changed (epoch seconds). */
JsonObject         *jd_store_get_event_configurations    (JdStore      *self,
                                                          gint64       *created_at,
                                                          gint64       *last_modified_at,
                                                          GError      **error);
/* @configurations: type → {"Enabled": bool}, types of
 * jd_store_event_types() only (checked by the caller); merged into what is
 * stored. Emits ::event-configurations-changed when a setting changed. */
gboolean            jd_store_update_event_configurations (JdStore      *self,
                                                          JsonObject   *configurations,
                                                          GError      **error);
/* Whether JOB ("JOB") or JOB_EXECUTION events are enabled; cheap, any thread. */
gboolean            jd_store_event_type_enabled          (JdStore      *self,
                                                          const char   *type);

/* ---- executions (control plane) ---- */
JdStoreExecution *jd_store_get_execution        (JdStore      *self,
                                                 const char   *thing_name,
                                                 const char   *job_id,
                                                 gint64        execution_number,  /* -1 = latest */
                                                 GError      **error);
/* The executions of a job, ordered by thing name, after the thing @after
 * (NULL = from the start). */
GPtrArray        *jd_store_list_executions_for_job   (JdStore    *self,
                                                      const char *job_id,
                                                      const char *status,   /* nullable */
                                                      const char *after,
                                                      guint       limit,
                                                      gboolean   *more,
                                                      GError    **error);
/* Executions of a thing, in queue order, after the job @after. */
GPtrArray        *jd_store_list_executions_for_thing (JdStore    *self,
                                                      const char *thing_name,
                                                      const char *status,   /* nullable */
                                                      const char *job_id,   /* nullable filter */
                                                      const char *after,
                                                      guint       limit,
                                                      gboolean   *more,
                                                      GError    **error);
gboolean          jd_store_cancel_execution     (JdStore      *self,
                                                 const char   *thing_name,
                                                 const char   *job_id,
                                                 gboolean      force,
                                                 gint64        expected_version,  /* -1 = not given */
                                                 JsonObject   *status_details,    /* nullable */
                                                 GError      **error);
gboolean          jd_store_delete_execution     (JdStore      *self,
                                                 const char   *thing_name,
                                                 const char   *job_id,
                                                 gint64        execution_number,
                                                 gboolean      force,
                                                 GError      **error);

/* ---- the device side ---- */
/* Pending executions: IN_PROGRESS first, then QUEUED, each in queue order. */
gboolean          jd_store_get_pending          (JdStore      *self,
                                                 const char   *thing_name,
                                                 GPtrArray   **in_progress,
                                                 GPtrArray   **queued,
                                                 GError      **error);
/* Both at once, in one query (the notify and notify-next of a change). */
gboolean          jd_store_get_pending_and_next (JdStore           *self,
                                                 const char        *thing_name,
                                                 GPtrArray        **in_progress,
                                                 GPtrArray        **queued,
                                                 JdStoreExecution **next,
                                                 GError           **error);
/* The `$next` execution, or NULL (with no error) when nothing is pending. */
JdStoreExecution *jd_store_get_next             (JdStore      *self,
                                                 const char   *thing_name,
                                                 GError      **error);
/* StartNextPendingJobExecution: *execution = NULL when nothing is pending.
 * @step_timeout_minutes 0 = none. */
gboolean          jd_store_start_next           (JdStore      *self,
                                                 const char   *thing_name,
                                                 JsonObject   *status_details,    /* nullable */
                                                 gint64        step_timeout_minutes,
                                                 JdStoreExecution **execution,
                                                 GError      **error);
/* UpdateJobExecution. Returns the execution after the update; on
 * INVALID_STATE_TRANSITION and VERSION_CONFLICT errors *current receives the
 * execution as it is (for the reply's executionState). */
JdStoreExecution *jd_store_update_execution     (JdStore             *self,
                                                 const char          *thing_name,
                                                 const char          *job_id,
                                                 const JdStoreUpdate *update,
                                                 JdStoreExecution   **current,
                                                 GError             **error);

/* Request rate limit of the device API, per operation (0–3, the caller's
 * numbering), like AWS's per-account data-plane quota: @per_second requests
 * per second with a burst of as many; 0 = unlimited. Default 200. */
#define JD_STORE_DEFAULT_REQUEST_RATE 200
void              jd_store_set_request_rate     (JdStore      *self,
                                                 guint         per_second);
/* Takes one request of @operation (< 4) from its budget; FALSE = throttled. */
gboolean          jd_store_admit_request        (JdStore      *self,
                                                 guint         operation);

/* ---- off the main loop ---- */
/* A function of the store, run on its worker thread: it calls the
 * synchronous operations above and returns their result (NULL with @error
 * set on failure). */
/* Called on the worker, with the store held, for each ::things-changed
 * entry made by a call there, before the signal goes to the main context: it
 * may read the store to fill the entry's payloads, so the main context never
 * reads (nor waits for) the database to publish them. */
typedef void (*JdStoreChangePreparer) (JdStore            *store,
                                       JdStoreThingChange *change,
                                       gpointer            user_data);

void              jd_store_set_change_preparer  (JdStore               *self,
                                                 JdStoreChangePreparer  func,
                                                 gpointer               user_data);

typedef gpointer (*JdStoreCallFunc) (JdStore   *store,
                                     gpointer   data,
                                     GError   **error);
/* Runs @func on the store's worker thread (one call at a time, in order);
 * the store's signals and @callback arrive on the main context of
 * jd_store_open(). A lock held by another process makes the call fail with
 * JD_SERVICE_ERROR_STORAGE after the busy timeout, without holding the loop. */
void              jd_store_call_async           (JdStore             *self,
                                                 JdStoreCallFunc      func,
                                                 gpointer             data,
                                                 GDestroyNotify       data_free,
                                                 GDestroyNotify       result_free,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gpointer          jd_store_call_finish          (JdStore             *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* The current time as the store sees it (epoch seconds). */
gint64            jd_store_now                  (JdStore      *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdStoreJobTemplate, jd_store_job_template_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdStoreTemplateUse, jd_store_template_use_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdStoreExecution, jd_store_execution_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdStoreJob, jd_store_job_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdStoreThing, jd_store_thing_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdStoreThingGroup, jd_store_thing_group_free)

G_END_DECLS
