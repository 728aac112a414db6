/* jd-job-settings.h — "Rollout and Safety": a fleet job's rollout, abort,
 * retry, timeout and scheduling settings as rows, turned into AWS's CreateJob
 * members and checked by the core (jd_job_config_parse), whose message is
 * shown at the section it is about.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "jd-job-config.h"

G_BEGIN_DECLS

typedef enum {
  JD_JOB_SETTINGS_NONE,
  JD_JOB_SETTINGS_ROLLOUT,
  JD_JOB_SETTINGS_ABORT,
  JD_JOB_SETTINGS_RETRY,
  JD_JOB_SETTINGS_TIMEOUT,
  JD_JOB_SETTINGS_SCHEDULING,
} JdJobSettingsSection;

#define JD_JOB_SETTINGS_ABORT_SLOTS 4
#define JD_JOB_SETTINGS_RETRY_SLOTS 2

#define JD_TYPE_JOB_SETTINGS (jd_job_settings_get_type ())
G_DECLARE_FINAL_TYPE (JdJobSettings, jd_job_settings, JD, JOB_SETTINGS, GtkWidget)

GtkWidget           *jd_job_settings_new              (void);

/* Checks the settings with the core's rules at @now (epoch seconds); the
 * problem, if any, is shown at its section. Returns: (transfer full)
 * (nullable): the settings, NULL when refused. */
JdJobConfig         *jd_job_settings_validate         (JdJobSettings *self,
                                                       gint64         now);
/* The CreateJob members of the settings, as JSON (an object). */
JsonNode            *jd_job_settings_build            (JdJobSettings *self);
const char          *jd_job_settings_get_problem      (JdJobSettings *self);
JdJobSettingsSection jd_job_settings_get_problem_section (JdJobSettings *self);
void                 jd_job_settings_focus_problem    (JdJobSettings *self);

/* What the rows do, for callers and tests (each sets the widgets). */
void                 jd_job_settings_set_constant_rollout    (JdJobSettings *self,
                                                              gint64         maximum_per_minute);
void                 jd_job_settings_set_exponential_rollout (JdJobSettings *self,
                                                              gint64         base_rate,
                                                              double         factor,
                                                              gboolean       by_succeeded,
                                                              gint64         things,
                                                              gint64         maximum_per_minute);
void                 jd_job_settings_clear_rollout   (JdJobSettings *self);
/* @type: FAILED, REJECTED, TIMED_OUT or ALL. FALSE when every slot is used. */
gboolean             jd_job_settings_add_abort       (JdJobSettings *self,
                                                      JdFailureType  type,
                                                      double         threshold_percentage,
                                                      gint64         min_executed);
/* @type: FAILED, TIMED_OUT or ALL. */
gboolean             jd_job_settings_add_retry       (JdJobSettings *self,
                                                      JdFailureType  type,
                                                      int            retries);
void                 jd_job_settings_set_timeout     (JdJobSettings *self,
                                                      gint64         minutes);
gint64               jd_job_settings_get_timeout     (JdJobSettings *self);
/* @start, @end: "2026-12-31 23:30" (UTC) or NULL. */
void                 jd_job_settings_set_schedule    (JdJobSettings *self,
                                                      const char    *start,
                                                      const char    *end,
                                                      JdEndBehavior  behavior);

G_END_DECLS
