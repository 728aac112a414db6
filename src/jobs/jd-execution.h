/* jd-execution.h — one AWS IoT job execution (JobExecution, reference §3.5) as
 * a GObject whose properties notify, so bound rows refresh when it changes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  JD_EXECUTION_STATUS_UNKNOWN,      /* a status this client does not know */
  JD_EXECUTION_STATUS_QUEUED,
  JD_EXECUTION_STATUS_IN_PROGRESS,
  JD_EXECUTION_STATUS_SUCCEEDED,
  JD_EXECUTION_STATUS_FAILED,
  JD_EXECUTION_STATUS_TIMED_OUT,
  JD_EXECUTION_STATUS_REJECTED,
  JD_EXECUTION_STATUS_REMOVED,
  JD_EXECUTION_STATUS_CANCELED,
} JdExecutionStatus;

#define JD_TYPE_EXECUTION_STATUS (jd_execution_status_get_type ())
GType              jd_execution_status_get_type    (void) G_GNUC_CONST;

JdExecutionStatus  jd_execution_status_from_string (const char        *status);
const char        *jd_execution_status_to_string   (JdExecutionStatus  status);
gboolean           jd_execution_status_is_terminal (JdExecutionStatus  status);
gboolean           jd_execution_status_is_pending  (JdExecutionStatus  status);

typedef enum {
  /* Fields missing from the JSON keep their current value. */
  JD_EXECUTION_PARSE_MERGE   = 0,
  /* A whole JobExecution: a missing statusDetails or
   * approximateSecondsBeforeTimedOut means there is none. */
  JD_EXECUTION_PARSE_FULL    = 1 << 0,
} JdExecutionParseFlags;

#define JD_TYPE_EXECUTION (jd_execution_get_type ())
G_DECLARE_FINAL_TYPE (JdExecution, jd_execution, JD, EXECUTION, GObject)

JdExecution       *jd_execution_new                (const char        *job_id);
JdExecution       *jd_execution_new_from_json      (JsonObject        *object,
                                                    GError           **error);
JdExecution       *jd_execution_new_from_summary   (JsonObject        *object,
                                                    JdExecutionStatus  status,
                                                    GError           **error);
gboolean           jd_execution_update_from_json   (JdExecution       *self,
                                                    JsonObject        *object,
                                                    JdExecutionParseFlags flags,
                                                    GError           **error);
gboolean           jd_execution_update_from_state  (JdExecution       *self,
                                                    JsonObject        *state,
                                                    GError           **error);
JsonNode          *jd_execution_to_json            (JdExecution       *self);
JsonNode          *jd_execution_to_summary_json    (JdExecution       *self);

const char        *jd_execution_get_job_id         (JdExecution       *self);
const char        *jd_execution_get_thing_name     (JdExecution       *self);
void               jd_execution_set_thing_name     (JdExecution       *self,
                                                    const char        *thing_name);
JdExecutionStatus  jd_execution_get_status         (JdExecution       *self);
void               jd_execution_set_status         (JdExecution       *self,
                                                    JdExecutionStatus  status);
const char        *jd_execution_get_status_string  (JdExecution       *self);
GHashTable        *jd_execution_get_status_details (JdExecution       *self);
void               jd_execution_set_status_details (JdExecution       *self,
                                                    GHashTable        *details);
GDateTime         *jd_execution_get_queued_at      (JdExecution       *self);
void               jd_execution_set_queued_at      (JdExecution       *self,
                                                    GDateTime         *when);
GDateTime         *jd_execution_get_started_at     (JdExecution       *self);
void               jd_execution_set_started_at     (JdExecution       *self,
                                                    GDateTime         *when);
GDateTime         *jd_execution_get_last_updated_at (JdExecution      *self);
void               jd_execution_set_last_updated_at (JdExecution      *self,
                                                    GDateTime         *when);
gint64             jd_execution_get_version_number (JdExecution       *self);
void               jd_execution_set_version_number (JdExecution       *self,
                                                    gint64             version);
gint64             jd_execution_get_execution_number (JdExecution     *self);
void               jd_execution_set_execution_number (JdExecution     *self,
                                                    gint64             number);
gint64             jd_execution_get_approximate_seconds_before_timed_out (JdExecution *self);
void               jd_execution_set_approximate_seconds_before_timed_out (JdExecution *self,
                                                    gint64             seconds);
JsonNode          *jd_execution_get_job_document   (JdExecution       *self);
void               jd_execution_set_job_document   (JdExecution       *self,
                                                    JsonNode          *document);
gboolean           jd_execution_get_is_next        (JdExecution       *self);
void               jd_execution_set_is_next        (JdExecution       *self,
                                                    gboolean           is_next);

void               jd_execution_merge              (JdExecution       *dst,
                                                    JdExecution       *src,
                                                    gboolean           full);

G_END_DECLS
