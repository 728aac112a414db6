/* jd-job-config.c — a fleet job's settings: parsing with AWS's validation,
 * storage form, and the rules that act on them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-job-config"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "jd-job-config.h"
#include "jd-jobs-error.h"

static void
window_free (gpointer data)
{
  JdMaintenanceWindow *w = data;

  g_free (w->cron_text);
  g_clear_pointer (&w->cron, jd_cron_free);
  g_free (w);
}

JdJobConfig *
jd_job_config_new (void)
{
  JdJobConfig *config = g_new0 (JdJobConfig, 1);

  config->abort_criteria = g_array_new (FALSE, TRUE, sizeof (JdAbortCriterion));
  config->retry_criteria = g_array_new (FALSE, TRUE, sizeof (JdRetryCriterion));
  config->windows = g_ptr_array_new_with_free_func (window_free);
  config->start_time = -1;
  config->end_time = -1;
  return config;
}

void
jd_job_config_free (JdJobConfig *config)
{
  if (config == NULL)
    return;
  g_array_unref (config->abort_criteria);
  g_array_unref (config->retry_criteria);
  g_ptr_array_unref (config->windows);
  g_free (config->start_time_text);
  g_free (config->end_time_text);
  g_free (config->presigned_role_arn);
  g_free (config);
}

/* ---- reading members ---- */

static gboolean G_GNUC_PRINTF (2, 3)
invalid (GError    **error,
         const char *format,
         ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST, message);
  return FALSE;
}

/* An optional object member: NULL when absent; an error when present but not
 * an object. */
static gboolean
get_object (JsonObject  *parent,
            const char  *member,
            const char  *path,
            JsonObject **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (parent, member);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "%s must be an object", path);
  *out = json_node_get_object (node);
  return TRUE;
}

/* An integer member within [min, max]; `present` says whether it was there.
 * A number out of range (also one that does not fit 64 bits, which json-glib
 * reads as a double) is refused with the range, never wrapped. */
static gboolean
get_int (JsonObject *object,
         const char *member,
         const char *path,
         gint64      min,
         gint64      max,
         gboolean    required,
         gint64     *out,
         gboolean   *present,
         GError    **error)
{
  JsonNode *node = json_object_get_member (object, member);
  GType type;

  if (present != NULL)
    *present = FALSE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return invalid (error, "%s is required", path);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node))
    return invalid (error, "%s must be a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                    path, min, max);

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    {
      gint64 v = json_node_get_int (node);

      if (v < min || v > max)
        return invalid (error, "%s must be from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT
                        ", not %" G_GINT64_FORMAT, path, min, max, v);
      *out = v;
    }
  else if (type == G_TYPE_DOUBLE)
    {
      double v = json_node_get_double (node);

      if (!isfinite (v) || v != floor (v) || v < (double) min || v > (double) max)
        return invalid (error, "%s must be a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                        path, min, max);
      *out = (gint64) v;
    }
  else
    return invalid (error, "%s must be a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                    path, min, max);

  if (present != NULL)
    *present = TRUE;
  return TRUE;
}

static gboolean
get_double (JsonObject *object,
            const char *member,
            const char *path,
            double      min,
            double      max,
            int         decimals,
            double     *out,
            GError    **error)
{
  JsonNode *node = json_object_get_member (object, member);
  GType type;
  double v, scaled;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return invalid (error, "%s is required", path);
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type == G_TYPE_INT64)
    v = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    v = json_node_get_double (node);
  else
    return invalid (error, "%s must be a number", path);

  if (!isfinite (v) || v < min || v > max)
    return invalid (error, "%s must be from %g to %g", path, min, max);
  scaled = v * pow (10, decimals);
  if (fabs (scaled - round (scaled)) > 1e-6)
    return invalid (error, "%s may have at most %d digit%s after the decimal point",
                    path, decimals, decimals == 1 ? "" : "s");
  *out = v;
  return TRUE;
}

static gboolean
get_string (JsonObject  *object,
            const char  *member,
            const char  *path,
            gboolean     required,
            const char **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return invalid (error, "%s is required", path);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, "%s must be a string", path);
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
get_array (JsonObject  *object,
           const char  *member,
           const char  *path,
           JsonArray  **out,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return invalid (error, "%s is required", path);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, "%s must be a list", path);
  *out = json_node_get_array (node);
  return TRUE;
}

static const char *failure_words[] = { "FAILED", "REJECTED", "TIMED_OUT", "ALL" };
static const char *end_words[] = { NULL, "STOP_ROLLOUT", "CANCEL", "FORCE_CANCEL" };

const char *
jd_failure_type_to_string (JdFailureType type)
{
  g_return_val_if_fail (type <= JD_FAILURE_TYPE_ALL, NULL);
  return failure_words[type];
}

const char *
jd_end_behavior_to_string (JdEndBehavior behavior)
{
  g_return_val_if_fail (behavior <= JD_END_BEHAVIOR_FORCE_CANCEL, NULL);
  return end_words[behavior];
}

static gboolean
get_failure_type (JsonObject    *object,
                  const char    *path,
                  gboolean       allow_rejected,
                  JdFailureType *out,
                  GError       **error)
{
  const char *word;

  if (!get_string (object, "failureType", path, TRUE, &word, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (failure_words); i++)
    if (g_strcmp0 (word, failure_words[i]) == 0 &&
        (allow_rejected || i != JD_FAILURE_TYPE_REJECTED))
      {
        *out = (JdFailureType) i;
        return TRUE;
      }
  return invalid (error, "%s must be one of %s, not \"%s\"", path,
                  allow_rejected ? "FAILED, REJECTED, TIMED_OUT, ALL" : "FAILED, TIMED_OUT, ALL",
                  word);
}

/* ---- the members ---- */

static gboolean
parse_rollout (JdJobConfig *config,
               JsonObject  *rollout,
               GError     **error)
{
  JsonObject *exp = NULL;
  gboolean present;

  config->has_rollout = TRUE;
  config->maximum_per_minute = 0;
  config->has_exponential = FALSE;

  if (!get_int (rollout, "maximumPerMinute", "jobExecutionsRolloutConfig.maximumPerMinute",
                1, JD_ROLLOUT_MAX_PER_MINUTE, FALSE, &config->maximum_per_minute, &present, error))
    return FALSE;
  if (!get_object (rollout, "exponentialRate", "jobExecutionsRolloutConfig.exponentialRate", &exp, error))
    return FALSE;
  if (exp != NULL)
    {
      JsonObject *criteria = NULL;

      config->has_exponential = TRUE;
      if (!get_int (exp, "baseRatePerMinute", "exponentialRate.baseRatePerMinute",
                    JD_ROLLOUT_BASE_RATE_MIN, JD_ROLLOUT_BASE_RATE_MAX, TRUE,
                    &config->base_rate_per_minute, NULL, error) ||
          !get_double (exp, "incrementFactor", "exponentialRate.incrementFactor",
                       JD_ROLLOUT_FACTOR_MIN, JD_ROLLOUT_FACTOR_MAX, 1,
                       &config->increment_factor, error) ||
          !get_object (exp, "rateIncreaseCriteria", "exponentialRate.rateIncreaseCriteria", &criteria, error))
        return FALSE;
      if (criteria == NULL)
        return invalid (error, "exponentialRate.rateIncreaseCriteria is required");
      config->notified_threshold = 0;
      config->succeeded_threshold = 0;
      if (!get_int (criteria, "numberOfNotifiedThings", "rateIncreaseCriteria.numberOfNotifiedThings",
                    1, G_MAXINT32, FALSE, &config->notified_threshold, NULL, error) ||
          !get_int (criteria, "numberOfSucceededThings", "rateIncreaseCriteria.numberOfSucceededThings",
                    1, G_MAXINT32, FALSE, &config->succeeded_threshold, NULL, error))
        return FALSE;
      if (config->notified_threshold == 0 && config->succeeded_threshold == 0)
        return invalid (error, "rateIncreaseCriteria needs numberOfNotifiedThings or numberOfSucceededThings");
    }
  return TRUE;
}

static gboolean
parse_abort (JdJobConfig *config,
             JsonObject  *abort_config,
             GError     **error)
{
  JsonArray *list;

  if (!get_array (abort_config, "criteriaList", "abortConfig.criteriaList", &list, error))
    return FALSE;
  if (json_array_get_length (list) == 0)
    return invalid (error, "abortConfig.criteriaList needs at least one criterion");

  g_array_set_size (config->abort_criteria, 0);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      JdAbortCriterion c = { 0 };
      const char *action;
      JsonObject *o;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, "abortConfig.criteriaList[%u] must be an object", i);
      o = json_node_get_object (node);
      if (!get_failure_type (o, "abortConfig.criteriaList.failureType", TRUE, &c.failure_type, error) ||
          !get_string (o, "action", "abortConfig.criteriaList.action", TRUE, &action, error))
        return FALSE;
      if (g_strcmp0 (action, "CANCEL") != 0)
        return invalid (error, "abortConfig.criteriaList.action must be CANCEL, not \"%s\"", action);
      if (!get_double (o, "thresholdPercentage", "abortConfig.criteriaList.thresholdPercentage",
                       0, JD_ABORT_THRESHOLD_MAX, 2, &c.threshold_percentage, error) ||
          !get_int (o, "minNumberOfExecutedThings", "abortConfig.criteriaList.minNumberOfExecutedThings",
                    1, G_MAXINT32, TRUE, &c.min_executed, NULL, error))
        return FALSE;
      g_array_append_val (config->abort_criteria, c);
    }
  return TRUE;
}

static gboolean
parse_retry (JdJobConfig *config,
             JsonObject  *retry,
             GError     **error)
{
  JsonArray *list;
  int total = 0;

  if (!get_array (retry, "criteriaList", "jobExecutionsRetryConfig.criteriaList", &list, error))
    return FALSE;
  if (json_array_get_length (list) < 1 || json_array_get_length (list) > JD_RETRY_CRITERIA_MAX)
    return invalid (error, "jobExecutionsRetryConfig.criteriaList takes 1 or 2 criteria");

  g_array_set_size (config->retry_criteria, 0);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      JdRetryCriterion c = { 0 };
      gint64 n = 0;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, "jobExecutionsRetryConfig.criteriaList[%u] must be an object", i);
      if (!get_failure_type (json_node_get_object (node), "jobExecutionsRetryConfig.criteriaList.failureType",
                             FALSE, &c.failure_type, error) ||
          !get_int (json_node_get_object (node), "numberOfRetries",
                    "jobExecutionsRetryConfig.criteriaList.numberOfRetries",
                    0, JD_RETRY_ATTEMPTS_MAX, TRUE, &n, NULL, error))
        return FALSE;
      for (guint j = 0; j < config->retry_criteria->len; j++)
        if (g_array_index (config->retry_criteria, JdRetryCriterion, j).failure_type == c.failure_type)
          return invalid (error, "jobExecutionsRetryConfig.criteriaList names %s twice",
                          jd_failure_type_to_string (c.failure_type));
      c.retries = (int) n;
      total += c.retries;
      g_array_append_val (config->retry_criteria, c);
    }
  if (total > JD_RETRY_ATTEMPTS_MAX)
    return invalid (error, "jobExecutionsRetryConfig allows at most %d retries in all, not %d",
                    JD_RETRY_ATTEMPTS_MAX, total);
  return TRUE;
}

gint64
jd_job_config_parse_time (const char *text)
{
  int y, mo, d, h, mi, n = 0;
  double s = 0;
  const char *p;
  g_autoptr(GDateTime) t = NULL;
  int offset = 0;

  if (text == NULL)
    return -1;
  if (sscanf (text, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
    return -1;
  p = text + n;
  if (*p != 'T' && *p != ' ')
    return -1;
  p++;
  if (sscanf (p, "%2d:%2d%n", &h, &mi, &n) != 2 || n != 5)
    return -1;
  p += n;
  if (*p == ':')
    {
      char *end = NULL;

      if (!g_ascii_isdigit (p[1]) || !g_ascii_isdigit (p[2]))
        return -1;
      s = g_ascii_strtod (p + 1, &end);
      if (end == NULL || s >= 60)
        return -1;
      p = end;
    }
  if (*p == 'Z')
    p++;
  else if (*p == '+' || *p == '-')
    {
      int oh, om = 0;

      if (sscanf (p + 1, "%2d:%2d%n", &oh, &om, &n) == 2 && n == 5)
        ;
      else if (sscanf (p + 1, "%2d%2d%n", &oh, &om, &n) == 2 && n == 4)
        ;
      else
        return -1;
      if (oh > 14 || om > 59)
        return -1;
      offset = (*p == '-' ? -1 : 1) * (oh * 3600 + om * 60);
      p += 1 + n;
    }
  if (*p != '\0')
    return -1;

  t = g_date_time_new_utc (y, mo, d, h, mi, (int) s);
  if (t == NULL || h > 23 || mi > 59)
    return -1;
  return g_date_time_to_unix (t) - offset;
}

static gboolean
parse_window (JsonNode             *node,
              JdMaintenanceWindow **out,
              GError              **error)
{
  g_autoptr(JdCron) cron = NULL;
  const char *start;
  gint64 duration = 0;
  JdMaintenanceWindow *w;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "schedulingConfig.maintenanceWindows entries must be objects");
  if (!get_string (json_node_get_object (node), "startTime", "maintenanceWindows.startTime", TRUE, &start, error) ||
      !get_int (json_node_get_object (node), "durationInMinutes", "maintenanceWindows.durationInMinutes",
                JD_WINDOW_DURATION_MIN, JD_WINDOW_DURATION_MAX, TRUE, &duration, NULL, error))
    return FALSE;
  if (strlen (start) < 1 || strlen (start) > 256)
    return invalid (error, "maintenanceWindows.startTime must be 1 to 256 characters");
  cron = jd_cron_parse (start, error);
  if (cron == NULL)
    return FALSE;

  w = g_new0 (JdMaintenanceWindow, 1);
  w->cron_text = g_strdup (start);
  w->cron = g_steal_pointer (&cron);
  w->duration_minutes = (int) duration;
  *out = w;
  return TRUE;
}

static gboolean
parse_windows (JdJobConfig *config,
               JsonNode    *node,
               GError     **error)
{
  JsonArray *list;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, "maintenanceWindows must be a list");
  list = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JdMaintenanceWindow *w = NULL;

      if (!parse_window (json_array_get_element (list, i), &w, error))
        return FALSE;
      g_ptr_array_add (config->windows, w);
    }
  return TRUE;
}

static gboolean
parse_scheduling (JdJobConfig *config,
                  JsonObject  *sched,
                  gint64       now,
                  gboolean     check_clock,
                  GError     **error)
{
  const char *start = NULL, *end = NULL, *behavior = NULL;

  config->has_scheduling = TRUE;
  if (!get_string (sched, "startTime", "schedulingConfig.startTime", FALSE, &start, error) ||
      !get_string (sched, "endTime", "schedulingConfig.endTime", FALSE, &end, error) ||
      !get_string (sched, "endBehavior", "schedulingConfig.endBehavior", FALSE, &behavior, error))
    return FALSE;

  if (start != NULL)
    {
      config->start_time = jd_job_config_parse_time (start);
      if (config->start_time < 0)
        return invalid (error, "schedulingConfig.startTime \"%s\" is not a date and time "
                        "such as 2026-12-31T23:30 (UTC)", start);
      config->start_time_text = g_strdup (start);
      if (check_clock &&
          (config->start_time < now + JD_SCHEDULE_LEAD_MIN_SECONDS ||
           config->start_time > now + JD_SCHEDULE_START_MAX_SECONDS))
        return invalid (error, "schedulingConfig.startTime must be at least 30 minutes and at most "
                        "one year from now");
    }
  if (end != NULL)
    {
      gint64 from = config->start_time >= 0 ? config->start_time : now;

      config->end_time = jd_job_config_parse_time (end);
      if (config->end_time < 0)
        return invalid (error, "schedulingConfig.endTime \"%s\" is not a date and time "
                        "such as 2026-12-31T23:30 (UTC)", end);
      config->end_time_text = g_strdup (end);
      if (check_clock &&
          (config->end_time < from + JD_SCHEDULE_LEAD_MIN_SECONDS ||
           config->end_time > from + JD_SCHEDULE_END_MAX_SECONDS))
        return invalid (error, "schedulingConfig.endTime must be at least 30 minutes and at most "
                        "two years after the start time");
    }
  if (behavior != NULL)
    {
      config->end_behavior = JD_END_BEHAVIOR_NONE;
      for (guint i = 1; i < G_N_ELEMENTS (end_words); i++)
        if (g_strcmp0 (behavior, end_words[i]) == 0)
          config->end_behavior = (JdEndBehavior) i;
      if (config->end_behavior == JD_END_BEHAVIOR_NONE)
        return invalid (error, "schedulingConfig.endBehavior must be STOP_ROLLOUT, CANCEL or "
                        "FORCE_CANCEL, not \"%s\"", behavior);
    }

  return parse_windows (config, json_object_get_member (sched, "maintenanceWindows"), error);
}

static gboolean
parse_members (JdJobConfig *config,
               JsonObject  *body,
               gint64       now,
               gboolean     check_clock,
               gboolean     is_update,
               GError     **error)
{
  JsonObject *o = NULL;

  if (!get_object (body, "jobExecutionsRolloutConfig", "jobExecutionsRolloutConfig", &o, error))
    return FALSE;
  if (o != NULL && !parse_rollout (config, o, error))
    return FALSE;

  if (!get_object (body, "abortConfig", "abortConfig", &o, error))
    return FALSE;
  if (o != NULL && !parse_abort (config, o, error))
    return FALSE;

  if (!get_object (body, "timeoutConfig", "timeoutConfig", &o, error))
    return FALSE;
  if (o != NULL)
    {
      gint64 minutes = 0;

      if (!get_int (o, "inProgressTimeoutInMinutes", "timeoutConfig.inProgressTimeoutInMinutes",
                    JD_TIMEOUT_MINUTES_MIN, JD_TIMEOUT_MINUTES_MAX, FALSE, &minutes, NULL, error))
        return FALSE;
      config->in_progress_timeout = minutes;
    }

  if (!get_object (body, "jobExecutionsRetryConfig", "jobExecutionsRetryConfig", &o, error))
    return FALSE;
  if (o != NULL)
    {
      if (is_update)
        {
          g_autoptr(JdJobConfig) probe = jd_job_config_new ();

          if (!parse_retry (probe, o, error))
            return FALSE;
          for (guint i = 0; i < probe->retry_criteria->len; i++)
            if (g_array_index (probe->retry_criteria, JdRetryCriterion, i).retries != 0)
              return invalid (error, "UpdateJob can only set numberOfRetries to 0");
          /* Zero retries for the named types. */
          for (guint i = 0; i < probe->retry_criteria->len; i++)
            {
              JdRetryCriterion *p = &g_array_index (probe->retry_criteria, JdRetryCriterion, i);
              for (guint j = 0; j < config->retry_criteria->len; j++)
                {
                  JdRetryCriterion *c = &g_array_index (config->retry_criteria, JdRetryCriterion, j);
                  if (c->failure_type == p->failure_type || p->failure_type == JD_FAILURE_TYPE_ALL)
                    c->retries = 0;
                }
            }
        }
      else if (!parse_retry (config, o, error))
        return FALSE;
    }

  if (!get_object (body, "presignedUrlConfig", "presignedUrlConfig", &o, error))
    return FALSE;
  if (o != NULL)
    {
      const char *role = NULL;
      gint64 expires = 0;

      if (!get_string (o, "roleArn", "presignedUrlConfig.roleArn", FALSE, &role, error) ||
          !get_int (o, "expiresInSec", "presignedUrlConfig.expiresInSec",
                    JD_PRESIGNED_EXPIRES_MIN, JD_PRESIGNED_EXPIRES_MAX, FALSE, &expires, NULL, error))
        return FALSE;
      g_free (config->presigned_role_arn);
      config->presigned_role_arn = g_strdup (role);
      config->presigned_expires = expires;
    }

  if (!is_update)
    {
      if (!get_object (body, "schedulingConfig", "schedulingConfig", &o, error))
        return FALSE;
      if (o != NULL && !parse_scheduling (config, o, now, check_clock, error))
        return FALSE;
      /* Templates carry maintenance windows at the top level. */
      if (o == NULL && json_object_has_member (body, "maintenanceWindows") &&
          !parse_windows (config, json_object_get_member (body, "maintenanceWindows"), error))
        return FALSE;
    }
  else if (json_object_has_member (body, "schedulingConfig"))
    return invalid (error, "UpdateJob cannot change schedulingConfig");

  return TRUE;
}

JdJobConfig *
jd_job_config_parse (JsonObject *body,
                     gint64      now,
                     GError    **error)
{
  g_autoptr(JdJobConfig) config = jd_job_config_new ();

  g_return_val_if_fail (body != NULL, NULL);

  if (!parse_members (config, body, now, TRUE, FALSE, error))
    return NULL;
  return g_steal_pointer (&config);
}

gboolean
jd_job_config_update (JdJobConfig *config,
                      JsonObject  *body,
                      GError     **error)
{
  g_autoptr(JdJobConfig) copy = NULL;
  g_autofree char *saved = NULL;

  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (body != NULL, FALSE);

  /* All or nothing: apply to a copy first. */
  saved = jd_job_config_serialize (config);
  copy = jd_job_config_deserialize (saved, NULL);
  g_assert (copy != NULL);
  if (!parse_members (copy, body, 0, FALSE, TRUE, error))
    return FALSE;
  return parse_members (config, body, 0, FALSE, TRUE, error);
}

/* ---- writing ---- */

static void
write_failure_list (JsonBuilder *b,
                    GArray      *criteria,
                    gboolean     is_abort)
{
  json_builder_set_member_name (b, "criteriaList");
  json_builder_begin_array (b);
  for (guint i = 0; i < criteria->len; i++)
    {
      json_builder_begin_object (b);
      if (is_abort)
        {
          JdAbortCriterion *c = &g_array_index (criteria, JdAbortCriterion, i);

          json_builder_set_member_name (b, "failureType");
          json_builder_add_string_value (b, jd_failure_type_to_string (c->failure_type));
          json_builder_set_member_name (b, "action");
          json_builder_add_string_value (b, "CANCEL");
          json_builder_set_member_name (b, "thresholdPercentage");
          json_builder_add_double_value (b, c->threshold_percentage);
          json_builder_set_member_name (b, "minNumberOfExecutedThings");
          json_builder_add_int_value (b, c->min_executed);
        }
      else
        {
          JdRetryCriterion *c = &g_array_index (criteria, JdRetryCriterion, i);

          json_builder_set_member_name (b, "failureType");
          json_builder_add_string_value (b, jd_failure_type_to_string (c->failure_type));
          json_builder_set_member_name (b, "numberOfRetries");
          json_builder_add_int_value (b, c->retries);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
write_windows (JsonBuilder *b,
               GPtrArray   *windows)
{
  json_builder_set_member_name (b, "maintenanceWindows");
  json_builder_begin_array (b);
  for (guint i = 0; i < windows->len; i++)
    {
      JdMaintenanceWindow *w = g_ptr_array_index (windows, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "startTime");
      json_builder_add_string_value (b, w->cron_text);
      json_builder_set_member_name (b, "durationInMinutes");
      json_builder_add_int_value (b, w->duration_minutes);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

void
jd_job_config_to_json (const JdJobConfig *config,
                       JsonBuilder       *b)
{
  g_return_if_fail (config != NULL);
  g_return_if_fail (JSON_IS_BUILDER (b));

  if (config->has_rollout)
    {
      json_builder_set_member_name (b, "jobExecutionsRolloutConfig");
      json_builder_begin_object (b);
      if (config->maximum_per_minute > 0)
        {
          json_builder_set_member_name (b, "maximumPerMinute");
          json_builder_add_int_value (b, config->maximum_per_minute);
        }
      if (config->has_exponential)
        {
          json_builder_set_member_name (b, "exponentialRate");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "baseRatePerMinute");
          json_builder_add_int_value (b, config->base_rate_per_minute);
          json_builder_set_member_name (b, "incrementFactor");
          json_builder_add_double_value (b, config->increment_factor);
          json_builder_set_member_name (b, "rateIncreaseCriteria");
          json_builder_begin_object (b);
          if (config->notified_threshold > 0)
            {
              json_builder_set_member_name (b, "numberOfNotifiedThings");
              json_builder_add_int_value (b, config->notified_threshold);
            }
          if (config->succeeded_threshold > 0)
            {
              json_builder_set_member_name (b, "numberOfSucceededThings");
              json_builder_add_int_value (b, config->succeeded_threshold);
            }
          json_builder_end_object (b);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
    }

  if (config->abort_criteria->len > 0)
    {
      json_builder_set_member_name (b, "abortConfig");
      json_builder_begin_object (b);
      write_failure_list (b, config->abort_criteria, TRUE);
      json_builder_end_object (b);
    }

  if (config->in_progress_timeout > 0)
    {
      json_builder_set_member_name (b, "timeoutConfig");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "inProgressTimeoutInMinutes");
      json_builder_add_int_value (b, config->in_progress_timeout);
      json_builder_end_object (b);
    }

  if (config->retry_criteria->len > 0)
    {
      json_builder_set_member_name (b, "jobExecutionsRetryConfig");
      json_builder_begin_object (b);
      write_failure_list (b, config->retry_criteria, FALSE);
      json_builder_end_object (b);
    }

  if (config->has_scheduling)
    {
      json_builder_set_member_name (b, "schedulingConfig");
      json_builder_begin_object (b);
      if (config->start_time_text != NULL)
        {
          json_builder_set_member_name (b, "startTime");
          json_builder_add_string_value (b, config->start_time_text);
        }
      if (config->end_time_text != NULL)
        {
          json_builder_set_member_name (b, "endTime");
          json_builder_add_string_value (b, config->end_time_text);
        }
      if (config->end_behavior != JD_END_BEHAVIOR_NONE)
        {
          json_builder_set_member_name (b, "endBehavior");
          json_builder_add_string_value (b, jd_end_behavior_to_string (config->end_behavior));
        }
      if (config->windows->len > 0)
        write_windows (b, config->windows);
      json_builder_end_object (b);
    }
  else if (config->windows->len > 0)
    write_windows (b, config->windows);

  if (config->presigned_role_arn != NULL || config->presigned_expires > 0)
    {
      json_builder_set_member_name (b, "presignedUrlConfig");
      json_builder_begin_object (b);
      if (config->presigned_role_arn != NULL)
        {
          json_builder_set_member_name (b, "roleArn");
          json_builder_add_string_value (b, config->presigned_role_arn);
        }
      if (config->presigned_expires > 0)
        {
          json_builder_set_member_name (b, "expiresInSec");
          json_builder_add_int_value (b, config->presigned_expires);
        }
      json_builder_end_object (b);
    }
}

char *
jd_job_config_serialize (const JdJobConfig *config)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (config != NULL, NULL);

  json_builder_begin_object (b);
  jd_job_config_to_json (config, b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

JdJobConfig *
jd_job_config_read (JsonObject  *object,
                    GError     **error)
{
  g_autoptr(JdJobConfig) config = jd_job_config_new ();

  g_return_val_if_fail (object != NULL, NULL);

  if (!parse_members (config, object, 0, FALSE, FALSE, error))
    return NULL;
  return g_steal_pointer (&config);
}

JdJobConfig *
jd_job_config_deserialize (const char *text,
                           GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JdJobConfig) config = jd_job_config_new ();
  JsonNode *root;

  g_return_val_if_fail (text != NULL, NULL);

  if (!json_parser_load_from_data (parser, text, -1, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      invalid (error, "a stored job configuration is not an object");
      return NULL;
    }
  if (!parse_members (config, json_node_get_object (root), 0, FALSE, FALSE, error))
    return NULL;
  return g_steal_pointer (&config);
}

/* ---- the rules ---- */

gint64
jd_job_config_rollout_rate (const JdJobConfig *config,
                            gint64             notified,
                            gint64             succeeded)
{
  double rate;
  gint64 cap;

  g_return_val_if_fail (config != NULL, 0);

  cap = config->maximum_per_minute > 0 ? config->maximum_per_minute : JD_ROLLOUT_MAX_PER_MINUTE;
  if (!config->has_exponential)
    return cap;

  rate = (double) config->base_rate_per_minute;
  /* Step k is reached at k × the threshold (cumulative), by either count. */
  for (gint64 step = 1; rate < (double) cap; step++)
    {
      gboolean by_notified = config->notified_threshold > 0 &&
                             notified >= step * config->notified_threshold;
      gboolean by_succeeded = config->succeeded_threshold > 0 &&
                              succeeded >= step * config->succeeded_threshold;

      if (!by_notified && !by_succeeded)
        break;
      rate *= config->increment_factor;
    }
  return MIN ((gint64) floor (rate), cap);
}

gint64
jd_job_config_rollout_budget (const JdJobConfig *config,
                              gint64             notified,
                              gint64             succeeded,
                              gint64             released_last_minute)
{
  gint64 rate = jd_job_config_rollout_rate (config, notified, succeeded);

  return MAX (0, rate - released_last_minute);
}

int
jd_job_config_abort_check (const JdJobConfig   *config,
                           const JdAbortCounts *counts)
{
  gint64 completed;

  g_return_val_if_fail (config != NULL, -1);
  g_return_val_if_fail (counts != NULL, -1);

  completed = counts->succeeded + counts->failed + counts->rejected + counts->timed_out;
  for (guint i = 0; i < config->abort_criteria->len; i++)
    {
      const JdAbortCriterion *c = &g_array_index (config->abort_criteria, JdAbortCriterion, i);
      gint64 failures = 0;

      if (completed < c->min_executed)
        continue;
      switch (c->failure_type)
        {
        case JD_FAILURE_TYPE_FAILED:    failures = counts->failed; break;
        case JD_FAILURE_TYPE_REJECTED:  failures = counts->rejected; break;
        case JD_FAILURE_TYPE_TIMED_OUT: failures = counts->timed_out; break;
        case JD_FAILURE_TYPE_ALL:
        default:
          failures = counts->failed + counts->rejected + counts->timed_out;
          break;
        }
      /* Compare in hundredths of a percent, exactly. */
      if (failures * 10000 >= (gint64) llround (c->threshold_percentage * 100) * completed)
        return (int) i;
    }
  return -1;
}

gboolean
jd_job_config_should_retry (const JdJobConfig *config,
                            const char        *status,
                            int                failed_attempts,
                            int                timed_out_attempts)
{
  JdFailureType type;
  int allowed_own = 0, allowed_all = 0;
  gboolean has_own = FALSE, has_all = FALSE;
  int used;

  g_return_val_if_fail (config != NULL, FALSE);

  if (g_strcmp0 (status, "FAILED") == 0)
    type = JD_FAILURE_TYPE_FAILED;
  else if (g_strcmp0 (status, "TIMED_OUT") == 0)
    type = JD_FAILURE_TYPE_TIMED_OUT;
  else
    return FALSE;    /* REJECTED, REMOVED, CANCELED are never retried */

  for (guint i = 0; i < config->retry_criteria->len; i++)
    {
      const JdRetryCriterion *c = &g_array_index (config->retry_criteria, JdRetryCriterion, i);

      if (c->failure_type == type)
        {
          has_own = TRUE;
          allowed_own = c->retries;
        }
      else if (c->failure_type == JD_FAILURE_TYPE_ALL)
        {
          has_all = TRUE;
          allowed_all = c->retries;
        }
    }

  if (failed_attempts + timed_out_attempts >= JD_RETRY_ATTEMPTS_MAX)
    return FALSE;
  /* A criterion for this very type wins over ALL. */
  if (has_own)
    {
      used = type == JD_FAILURE_TYPE_FAILED ? failed_attempts : timed_out_attempts;
      return used < allowed_own;
    }
  if (has_all)
    return failed_attempts + timed_out_attempts < allowed_all;
  return FALSE;
}

gboolean
jd_job_config_window_open (const JdJobConfig *config,
                           gint64             t,
                           gint64            *window_end)
{
  gint64 best_end = -1;

  g_return_val_if_fail (config != NULL, FALSE);

  if (window_end != NULL)
    *window_end = -1;
  if (config->windows->len == 0)
    return TRUE;

  for (guint i = 0; i < config->windows->len; i++)
    {
      JdMaintenanceWindow *w = g_ptr_array_index (config->windows, i);
      gint64 span = (gint64) w->duration_minutes * 60;
      gint64 start = jd_cron_next (w->cron, t - span + 1);

      if (start >= 0 && start <= t)
        best_end = MAX (best_end, start + span);
    }
  if (best_end < 0)
    return FALSE;
  if (window_end != NULL)
    *window_end = best_end;
  return TRUE;
}

gint64
jd_job_config_next_window (const JdJobConfig *config,
                           gint64             t)
{
  gint64 best = -1;

  g_return_val_if_fail (config != NULL, -1);

  for (guint i = 0; i < config->windows->len; i++)
    {
      JdMaintenanceWindow *w = g_ptr_array_index (config->windows, i);
      gint64 start = jd_cron_next (w->cron, t);

      if (start >= 0 && (best < 0 || start < best))
        best = start;
    }
  return best;
}
