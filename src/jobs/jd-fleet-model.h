/* jd-fleet-model.h — every thing's execution of one job, live: a GListModel
 * of JdFleetRow (one per target thing, kept by thing name, object identity
 * kept across updates), fed by AWS's job-execution events or by polling
 * ListJobExecutionsForJob and DescribeJobExecution (JdFleetPoller) — the
 * view cannot tell which. New rows reach the view in batches (one
 * items-changed per batch); changes to existing rows are property
 * notifications. Each row keeps the history of the changes seen.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "jd-execution.h"
#include "jd-job.h"

G_BEGIN_DECLS

/* One change of an execution as seen. */
typedef struct {
  gint64             at;               /* epoch seconds (the source's time, else when seen) */
  JdExecutionStatus  status;
  gint64             version_number;   /* -1 when the source did not say */
  gint64             execution_number; /* -1 when the source did not say */
  char             **added;            /* statusDetails keys added, as "key=value" */
  char             **changed;          /* "key: old → new" */
  char             **removed;          /* keys */
} JdFleetChange;

#define JD_TYPE_FLEET_ROW (jd_fleet_row_get_type ())
G_DECLARE_FINAL_TYPE (JdFleetRow, jd_fleet_row, JD, FLEET_ROW, GObject)

const char        *jd_fleet_row_get_thing_name       (JdFleetRow *self);
JdExecutionStatus  jd_fleet_row_get_status           (JdFleetRow *self);
gint64             jd_fleet_row_get_execution_number (JdFleetRow *self);
gint64             jd_fleet_row_get_version_number   (JdFleetRow *self);
gint               jd_fleet_row_get_retry_attempt    (JdFleetRow *self);
/* string → string; never NULL (empty until known). */
GHashTable        *jd_fleet_row_get_status_details   (JdFleetRow *self);
const char        *jd_fleet_row_get_detail           (JdFleetRow *self,
                                                      const char *key);
GDateTime         *jd_fleet_row_get_queued_at        (JdFleetRow *self);
GDateTime         *jd_fleet_row_get_started_at       (JdFleetRow *self);
GDateTime         *jd_fleet_row_get_last_updated_at  (JdFleetRow *self);
/* Whether statusDetails came from a source that has them (events,
 * DescribeJobExecution), not only from a summary. */
gboolean           jd_fleet_row_get_details_known    (JdFleetRow *self);
/* The changes seen, oldest first (element-type JdFleetChange). */
GPtrArray         *jd_fleet_row_get_history          (JdFleetRow *self);

/* A statusDetails value read as progress: "n/m" or "p%" (0–100). Returns
 * the fraction from 0 to 1, or -1 when the value is not progress. */
double             jd_fleet_parse_progress           (const char *value);

#define JD_TYPE_FLEET_MODEL (jd_fleet_model_get_type ())
G_DECLARE_FINAL_TYPE (JdFleetModel, jd_fleet_model, JD, FLEET_MODEL, GObject)

JdFleetModel *jd_fleet_model_new              (const char          *job_id);
const char   *jd_fleet_model_get_job_id       (JdFleetModel        *self);

/* A summary from ListJobExecutionsForJob (no statusDetails). Returns the
 * row (owned by the model). */
JdFleetRow   *jd_fleet_model_merge_summary    (JdFleetModel        *self,
                                               JdJobExecutionInfo  *info);
/* A whole execution from DescribeJobExecution. */
JdFleetRow   *jd_fleet_model_merge_execution  (JdFleetModel        *self,
                                               JdJobExecutionInfo  *info);
/* An event on $aws/events/jobExecution/<jobId>/<operation>: status,
 * statusDetails, and executionNumber and versionNumber where given. Returns
 * TRUE for a well-formed event of this job (also when it changes nothing:
 * duplicates and events older than what a row shows, as AWS delivers at
 * least once, unordered); FALSE without @error for another job's or kind's
 * topic, and FALSE with JD_JOBS_ERROR_INVALID_JSON for a malformed payload,
 * which changes no row. */
gboolean      jd_fleet_model_apply_event      (JdFleetModel        *self,
                                               const char          *topic,
                                               JsonObject          *payload,
                                               GError             **error);

/* Rows reach the view in batches: at most one items-changed per
 * @interval_ms (0: at once). Default 100 ms. */
void          jd_fleet_model_set_batch_interval (JdFleetModel      *self,
                                                 guint              interval_ms);
/* Emits what is waiting now. */
void          jd_fleet_model_flush            (JdFleetModel        *self);

JdFleetRow   *jd_fleet_model_lookup           (JdFleetModel        *self,
                                               const char          *thing_name);
/* Rows per status (also those not yet flushed). */
guint         jd_fleet_model_count_status     (JdFleetModel        *self,
                                               JdExecutionStatus    status);
/* The statusDetails keys any row has, sorted, for columns
 * (JdFleetModel::detail-keys-changed says when one is new). */
GStrv         jd_fleet_model_dup_detail_keys  (JdFleetModel        *self);

G_END_DECLS
