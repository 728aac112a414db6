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

/* Which words a refusal uses: the core's own (the app's dialogs, the CLI)
 * or AWS's request validation, "1 validation error detected: Value 'X' at
 * 'a.b' failed to satisfy constraint: Member must …" (the sandbox's
 * CreateJob answers as AWS does). The rule checked is the same. */
typedef struct {
  gboolean aws;
} Words;

static const Words plain_words = { FALSE };
static const Words aws_words = { TRUE };

static gboolean G_GNUC_PRINTF (3, 4)
refuse (const Words *w,
        GError     **error,
        const char  *format,
        ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (w->aws)
    g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST, "1 validation error detected: %s", message);
  else
    g_set_error_literal (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST, message);
  return FALSE;
}

/* A missing required member. */
static gboolean
refuse_missing (const Words *w,
                GError     **error,
                const char  *path)
{
  if (w->aws)
    return refuse (w, error, "Value null at '%s' failed to satisfy constraint: Member must not be null", path);
  return invalid (error, "%s is required", path);
}

/* A number beyond a bound: AWS's words name the bound crossed; the core's
 * give the whole range (@plain). */
static gboolean
refuse_bound (const Words *w,
              GError     **error,
              const char  *path,
              const char  *value,
              gboolean     below,
              const char  *bound,
              const char  *plain)
{
  if (w->aws)
    return refuse (w, error, "Value '%s' at '%s' failed to satisfy constraint: Member must have value %s than "
                   "or equal to %s", value, path, below ? "greater" : "less", bound);
  return invalid (error, "%s", plain);
}

/* A double as Java prints it in AWS's messages (1.0, 100.5). */
static char *
java_double (double v)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_dtostr (buffer, sizeof buffer, v);
  if (strpbrk (buffer, ".eEn") == NULL)
    return g_strconcat (buffer, ".0", NULL);
  return g_strdup (buffer);
}

/* An optional object member: NULL when absent; an error when present but not
 * an object. */
static gboolean
get_object (const Words *w,
            JsonObject  *parent,
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
get_int (const Words *w,
         JsonObject *object,
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
        return refuse_missing (w, error, path);
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
        {
          g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, v);
          g_autofree char *bound = g_strdup_printf ("%" G_GINT64_FORMAT, v < min ? min : max);
          g_autofree char *plain = g_strdup_printf ("%s must be from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT
                                                    ", not %" G_GINT64_FORMAT, path, min, max, v);

          return refuse_bound (w, error, path, value, v < min, bound, plain);
        }
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
get_double (const Words *w,
            JsonObject *object,
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
    return refuse_missing (w, error, path);
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type == G_TYPE_INT64)
    v = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    v = json_node_get_double (node);
  else
    return invalid (error, "%s must be a number", path);

  if (isfinite (v) && (v < min || v > max))
    {
      g_autofree char *value = java_double (v);
      g_autofree char *bound = g_strdup_printf ("%g", v < min ? min : max);
      g_autofree char *plain = g_strdup_printf ("%s must be from %g to %g", path, min, max);

      return refuse_bound (w, error, path, value, v < min, bound, plain);
    }
  if (!isfinite (v))
    return invalid (error, "%s must be from %g to %g", path, min, max);
  scaled = v * pow (10, decimals);
  if (fabs (scaled - round (scaled)) > 1e-6)
    return invalid (error, "%s may have at most %d digit%s after the decimal point",
                    path, decimals, decimals == 1 ? "" : "s");
  *out = v;
  return TRUE;
}

static gboolean
get_string (const Words *w,
            JsonObject  *object,
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
        return refuse_missing (w, error, path);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, "%s must be a string", path);
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
get_array (const Words *w,
           JsonObject  *object,
           const char  *member,
           const char  *path,
           JsonArray  **out,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return refuse_missing (w, error, path);
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
get_failure_type (const Words *w,
                  JsonObject    *object,
                  const char    *path,
                  gboolean       allow_rejected,
                  JdFailureType *out,
                  GError       **error)
{
  const char *word;

  if (!get_string (w, object, "failureType", path, TRUE, &word, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (failure_words); i++)
    if (g_strcmp0 (word, failure_words[i]) == 0 &&
        (allow_rejected || i != JD_FAILURE_TYPE_REJECTED))
      {
        *out = (JdFailureType) i;
        return TRUE;
      }
  if (w->aws)
    return refuse (w, error, "Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value "
                   "set: [%s]", word, path, allow_rejected ? "FAILED, REJECTED, TIMED_OUT, ALL" : "FAILED, TIMED_OUT, ALL");
  return invalid (error, "%s must be one of %s, not \"%s\"", path,
                  allow_rejected ? "FAILED, REJECTED, TIMED_OUT, ALL" : "FAILED, TIMED_OUT, ALL",
                  word);
}

/* ---- the members ---- */

static gboolean
parse_rollout (const Words *w,
               JdJobConfig *config,
               JsonObject  *rollout,
               GError     **error)
{
  JsonObject *exp = NULL;
  gboolean present;

  config->has_rollout = TRUE;
  config->maximum_per_minute = 0;
  config->has_exponential = FALSE;

  if (!get_int (w, rollout, "maximumPerMinute", "jobExecutionsRolloutConfig.maximumPerMinute",
                1, JD_ROLLOUT_MAX_PER_MINUTE, FALSE, &config->maximum_per_minute, &present, error))
    return FALSE;
  if (!get_object (w, rollout, "exponentialRate", "jobExecutionsRolloutConfig.exponentialRate", &exp, error))
    return FALSE;
  if (exp != NULL)
    {
      JsonObject *criteria = NULL;

      config->has_exponential = TRUE;
      if (!get_int (w, exp, "baseRatePerMinute", "jobExecutionsRolloutConfig.exponentialRate.baseRatePerMinute",
                    JD_ROLLOUT_BASE_RATE_MIN, JD_ROLLOUT_BASE_RATE_MAX, TRUE,
                    &config->base_rate_per_minute, NULL, error) ||
          !get_double (w, exp, "incrementFactor", "jobExecutionsRolloutConfig.exponentialRate.incrementFactor",
                       JD_ROLLOUT_FACTOR_MIN, JD_ROLLOUT_FACTOR_MAX, 1,
                       &config->increment_factor, error) ||
          !get_object (w, exp, "rateIncreaseCriteria", "jobExecutionsRolloutConfig.exponentialRate.rateIncreaseCriteria",
                       &criteria, error))
        return FALSE;
      if (criteria == NULL)
        return refuse_missing (w, error, "jobExecutionsRolloutConfig.exponentialRate.rateIncreaseCriteria");
      config->notified_threshold = 0;
      config->succeeded_threshold = 0;
      if (!get_int (w, criteria, "numberOfNotifiedThings",
                    "jobExecutionsRolloutConfig.exponentialRate.rateIncreaseCriteria.numberOfNotifiedThings",
                    1, G_MAXINT32, FALSE, &config->notified_threshold, NULL, error) ||
          !get_int (w, criteria, "numberOfSucceededThings",
                    "jobExecutionsRolloutConfig.exponentialRate.rateIncreaseCriteria.numberOfSucceededThings",
                    1, G_MAXINT32, FALSE, &config->succeeded_threshold, NULL, error))
        return FALSE;
      if (config->notified_threshold == 0 && config->succeeded_threshold == 0)
        return invalid (error, "rateIncreaseCriteria needs numberOfNotifiedThings or numberOfSucceededThings");
    }
  return TRUE;
}

static gboolean
parse_abort (const Words *w,
             JdJobConfig *config,
             JsonObject  *abort_config,
             GError     **error)
{
  JsonArray *list;

  if (!get_array (w, abort_config, "criteriaList", "abortConfig.criteriaList", &list, error))
    return FALSE;
  if (json_array_get_length (list) == 0)
    {
      if (w->aws)
        return refuse (w, error, "Value '[]' at 'abortConfig.criteriaList' failed to satisfy constraint: "
                       "Member must have length greater than or equal to 1");
      return invalid (error, "abortConfig.criteriaList needs at least one criterion");
    }

  g_array_set_size (config->abort_criteria, 0);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      JdAbortCriterion c = { 0 };
      const char *action;
      JsonObject *o;
      /* AWS names a list element `list.N.member` (from 1). */
      g_autofree char *item = g_strdup_printf ("abortConfig.criteriaList.%u.member", i + 1);
      g_autofree char *type_path = g_strconcat (item, ".failureType", NULL);
      g_autofree char *action_path = g_strconcat (item, ".action", NULL);
      g_autofree char *threshold_path = g_strconcat (item, ".thresholdPercentage", NULL);
      g_autofree char *min_path = g_strconcat (item, ".minNumberOfExecutedThings", NULL);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, "abortConfig.criteriaList[%u] must be an object", i);
      o = json_node_get_object (node);
      if (!get_failure_type (w, o, type_path, TRUE, &c.failure_type, error) ||
          !get_string (w, o, "action", action_path, TRUE, &action, error))
        return FALSE;
      if (g_strcmp0 (action, "CANCEL") != 0)
        {
          if (w->aws)
            return refuse (w, error, "Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum "
                           "value set: [CANCEL]", action, action_path);
          return invalid (error, "abortConfig.criteriaList.action must be CANCEL, not \"%s\"", action);
        }
      if (!get_double (w, o, "thresholdPercentage", threshold_path,
                       0, JD_ABORT_THRESHOLD_MAX, 2, &c.threshold_percentage, error) ||
          !get_int (w, o, "minNumberOfExecutedThings", min_path,
                    1, G_MAXINT32, TRUE, &c.min_executed, NULL, error))
        return FALSE;
      g_array_append_val (config->abort_criteria, c);
    }
  return TRUE;
}

static gboolean
parse_retry (const Words *w,
             JdJobConfig *config,
             JsonObject  *retry,
             GError     **error)
{
  JsonArray *list;
  int total = 0;

  if (!get_array (w, retry, "criteriaList", "jobExecutionsRetryConfig.criteriaList", &list, error))
    return FALSE;
  if (json_array_get_length (list) < 1 || json_array_get_length (list) > JD_RETRY_CRITERIA_MAX)
    {
      if (w->aws && json_array_get_length (list) < 1)
        return refuse (w, error, "Value '[]' at 'jobExecutionsRetryConfig.criteriaList' failed to satisfy "
                       "constraint: Member must have length greater than or equal to 1");
      if (w->aws)
        return refuse (w, error, "Value at 'jobExecutionsRetryConfig.criteriaList' failed to satisfy constraint: "
                       "Member must have length less than or equal to %d", JD_RETRY_CRITERIA_MAX);
      return invalid (error, "jobExecutionsRetryConfig.criteriaList takes 1 or 2 criteria");
    }

  g_array_set_size (config->retry_criteria, 0);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      JdRetryCriterion c = { 0 };
      gint64 n = 0;
      g_autofree char *item = g_strdup_printf ("jobExecutionsRetryConfig.criteriaList.%u.member", i + 1);
      g_autofree char *type_path = g_strconcat (item, ".failureType", NULL);
      g_autofree char *retries_path = g_strconcat (item, ".numberOfRetries", NULL);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, "jobExecutionsRetryConfig.criteriaList[%u] must be an object", i);
      if (!get_failure_type (w, json_node_get_object (node), type_path, FALSE, &c.failure_type, error) ||
          !get_int (w, json_node_get_object (node), "numberOfRetries", retries_path,
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
parse_window (const Words *w,
              JsonNode             *node,
              JdMaintenanceWindow **out,
              GError              **error)
{
  g_autoptr(JdCron) cron = NULL;
  const char *start;
  gint64 duration = 0;
  JdMaintenanceWindow *window;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "schedulingConfig.maintenanceWindows entries must be objects");
  if (!get_string (w, json_node_get_object (node), "startTime", "maintenanceWindows.startTime", TRUE, &start, error) ||
      !get_int (w, json_node_get_object (node), "durationInMinutes", "maintenanceWindows.durationInMinutes",
                JD_WINDOW_DURATION_MIN, JD_WINDOW_DURATION_MAX, TRUE, &duration, NULL, error))
    return FALSE;
  if (strlen (start) < 1 || strlen (start) > 256)
    return invalid (error, "maintenanceWindows.startTime must be 1 to 256 characters");
  cron = jd_cron_parse (start, error);
  if (cron == NULL)
    return FALSE;

  window = g_new0 (JdMaintenanceWindow, 1);
  window->cron_text = g_strdup (start);
  window->cron = g_steal_pointer (&cron);
  window->duration_minutes = (int) duration;
  *out = window;
  return TRUE;
}

static gboolean
parse_windows (const Words *w,
               JdJobConfig *config,
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
      JdMaintenanceWindow *window = NULL;

      if (!parse_window (w, json_array_get_element (list, i), &window, error))
        return FALSE;
      g_ptr_array_add (config->windows, window);
    }
  return TRUE;
}

static gboolean
parse_scheduling (const Words *w,
                  JdJobConfig *config,
                  JsonObject  *sched,
                  gint64       now,
                  gboolean     check_clock,
                  GError     **error)
{
  const char *start = NULL, *end = NULL, *behavior = NULL;

  config->has_scheduling = TRUE;
  if (!get_string (w, sched, "startTime", "schedulingConfig.startTime", FALSE, &start, error) ||
      !get_string (w, sched, "endTime", "schedulingConfig.endTime", FALSE, &end, error) ||
      !get_string (w, sched, "endBehavior", "schedulingConfig.endBehavior", FALSE, &behavior, error))
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

  return parse_windows (w, config, json_object_get_member (sched, "maintenanceWindows"), error);
}

static gboolean
parse_members (const Words *w,
               JdJobConfig *config,
               JsonObject  *body,
               gint64       now,
               gboolean     check_clock,
               gboolean     is_update,
               GError     **error)
{
  JsonObject *o = NULL;

  if (!get_object (w, body, "jobExecutionsRolloutConfig", "jobExecutionsRolloutConfig", &o, error))
    return FALSE;
  if (o != NULL && !parse_rollout (w, config, o, error))
    return FALSE;

  if (!get_object (w, body, "abortConfig", "abortConfig", &o, error))
    return FALSE;
  if (o != NULL && !parse_abort (w, config, o, error))
    return FALSE;

  if (!get_object (w, body, "timeoutConfig", "timeoutConfig", &o, error))
    return FALSE;
  if (o != NULL)
    {
      gint64 minutes = 0;

      if (!get_int (w, o, "inProgressTimeoutInMinutes", "timeoutConfig.inProgressTimeoutInMinutes",
                    JD_TIMEOUT_MINUTES_MIN, JD_TIMEOUT_MINUTES_MAX, FALSE, &minutes, NULL, error))
        return FALSE;
      config->in_progress_timeout = minutes;
    }

  if (!get_object (w, body, "jobExecutionsRetryConfig", "jobExecutionsRetryConfig", &o, error))
    return FALSE;
  if (o != NULL)
    {
      if (is_update)
        {
          g_autoptr(JdJobConfig) probe = jd_job_config_new ();

          if (!parse_retry (w, probe, o, error))
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
      else if (!parse_retry (w, config, o, error))
        return FALSE;
    }

  if (!get_object (w, body, "presignedUrlConfig", "presignedUrlConfig", &o, error))
    return FALSE;
  if (o != NULL)
    {
      const char *role = NULL;
      gint64 expires = 0;

      if (!get_string (w, o, "roleArn", "presignedUrlConfig.roleArn", FALSE, &role, error) ||
          !get_int (w, o, "expiresInSec", "presignedUrlConfig.expiresInSec",
                    JD_PRESIGNED_EXPIRES_MIN, JD_PRESIGNED_EXPIRES_MAX, FALSE, &expires, NULL, error))
        return FALSE;
      g_free (config->presigned_role_arn);
      config->presigned_role_arn = g_strdup (role);
      config->presigned_expires = expires;
    }

  if (!is_update)
    {
      if (!get_object (w, body, "schedulingConfig", "schedulingConfig", &o, error))
        return FALSE;
      if (o != NULL && !parse_scheduling (w, config, o, now, check_clock, error))
        return FALSE;
      /* Templates carry maintenance windows at the top level. */
      if (o == NULL && json_object_has_member (body, "maintenanceWindows") &&
          !parse_windows (w, config, json_object_get_member (body, "maintenanceWindows"), error))
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

  if (!parse_members (&plain_words, config, body, now, TRUE, FALSE, error))
    return NULL;
  return g_steal_pointer (&config);
}

JdJobConfig *
jd_job_config_parse_aws (JsonObject *body,
                         gint64      now,
                         GError    **error)
{
  g_autoptr(JdJobConfig) config = jd_job_config_new ();

  g_return_val_if_fail (body != NULL, NULL);

  if (!parse_members (&aws_words, config, body, now, TRUE, FALSE, error))
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
  if (!parse_members (&plain_words, copy, body, 0, FALSE, TRUE, error))
    return FALSE;
  return parse_members (&plain_words, config, body, 0, FALSE, TRUE, error);
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

  if (!parse_members (&plain_words, config, object, 0, FALSE, FALSE, error))
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
  if (!parse_members (&plain_words, config, json_node_get_object (root), 0, FALSE, FALSE, error))
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
