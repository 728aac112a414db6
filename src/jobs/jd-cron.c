/* jd-cron.c — AWS's six-field cron expressions for maintenance windows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-cron"

#include <string.h>

#include "jd-cron.h"
#include "jd-jobs-error.h"

#define YEAR_MIN 1970
#define YEAR_MAX 2199

struct _JdCron
{
  gboolean minutes[60];
  gboolean hours[24];
  gboolean dom[32];          /* 1–31 */
  gboolean dom_any;          /* `?` */
  gboolean dom_last;         /* `L` */
  gboolean months[13];       /* 1–12 */
  gboolean dow[8];           /* 1–7, SUN = 1 */
  gboolean dow_any;          /* `?` */
  int      dow_nth_day;      /* `n#k`: n (1–7), or 0 */
  int      dow_nth_week;     /* k (1–5) */
  gboolean years[YEAR_MAX - YEAR_MIN + 1];
};

static const char *month_names[] = { "JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                     "JUL", "AUG", "SEP", "OCT", "NOV", "DEC", NULL };
static const char *day_names[] = { "SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", NULL };

static gboolean
parse_value (const char  *text,
             int          min,
             int          max,
             const char **names,
             int         *out)
{
  char *end = NULL;
  gint64 v;

  if (names != NULL)
    for (int i = 0; names[i] != NULL; i++)
      if (g_ascii_strcasecmp (text, names[i]) == 0)
        {
          *out = i + 1;
          return TRUE;
        }

  if (!g_ascii_isdigit (text[0]))
    return FALSE;
  v = g_ascii_strtoll (text, &end, 10);
  if (end == NULL || *end != '\0' || v < min || v > max)
    return FALSE;
  *out = (int) v;
  return TRUE;
}

/* One comma-separated field into `bits` (indexed by value; `offset` is the
 * value of bits[0]). `*` and `?` are handled by the caller for `?`. */
static gboolean
parse_field (const char  *field,
             const char  *what,
             int          min,
             int          max,
             const char **names,
             gboolean    *bits,
             int          offset,
             GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (field, ",", -1);

  for (int i = 0; parts[i] != NULL; i++)
    {
      char *part = parts[i];
      char *slash = strchr (part, '/');
      int lo = min, hi = max, step = 1;

      if (slash != NULL)
        {
          *slash = '\0';
          if (!parse_value (slash + 1, 1, max - min + 1, NULL, &step))
            goto bad;
        }

      if (g_strcmp0 (part, "*") == 0)
        ;
      else
        {
          char *dash = strchr (part, '-');

          if (dash != NULL)
            {
              *dash = '\0';
              if (!parse_value (part, min, max, names, &lo) ||
                  !parse_value (dash + 1, min, max, names, &hi) || hi < lo)
                goto bad;
            }
          else
            {
              if (!parse_value (part, min, max, names, &lo))
                goto bad;
              hi = slash != NULL ? max : lo;
            }
        }

      for (int v = lo; v <= hi; v += step)
        bits[v - offset] = TRUE;
    }
  return TRUE;

bad:
  g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST,
               "Invalid cron expression: the %s field \"%s\" is not a value, list, range or step from %d to %d",
               what, field, min, max);
  return FALSE;
}

JdCron *
jd_cron_parse (const char  *expression,
               GError     **error)
{
  g_autoptr(JdCron) cron = g_new0 (JdCron, 1);
  g_autofree char *body = NULL;
  g_auto(GStrv) fields = NULL;
  guint n = 0;

  g_return_val_if_fail (expression != NULL, NULL);

  body = g_strstrip (g_strdup (expression));
  if (g_str_has_prefix (body, "cron(") && g_str_has_suffix (body, ")"))
    {
      char *inner = g_strndup (body + 5, strlen (body) - 6);
      g_free (body);
      body = g_strstrip (inner);
    }

  fields = g_strsplit_set (body, " \t", -1);
  for (guint i = 0; fields[i] != NULL; i++)
    if (fields[i][0] != '\0')
      fields[n++] = fields[i];
    else
      g_free (fields[i]);
  fields[n] = NULL;

  if (n != 6)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST,
                   "Invalid cron expression \"%s\": AWS cron has six fields "
                   "(minutes hours day-of-month month day-of-week year), this has %u",
                   expression, n);
      return NULL;
    }

  if (!parse_field (fields[0], "minutes", 0, 59, NULL, cron->minutes, 0, error) ||
      !parse_field (fields[1], "hours", 0, 23, NULL, cron->hours, 0, error) ||
      !parse_field (fields[3], "month", 1, 12, month_names, cron->months, 0, error))
    return NULL;

  /* Day of month. */
  if (g_strcmp0 (fields[2], "?") == 0)
    cron->dom_any = TRUE;
  else if (g_strcmp0 (fields[2], "L") == 0)
    cron->dom_last = TRUE;
  else if (!parse_field (fields[2], "day-of-month", 1, 31, NULL, cron->dom, 0, error))
    return NULL;

  /* Day of week. */
  if (g_strcmp0 (fields[4], "?") == 0)
    cron->dow_any = TRUE;
  else if (strchr (fields[4], '#') != NULL)
    {
      g_auto(GStrv) nth = g_strsplit (fields[4], "#", 2);

      if (!parse_value (nth[0], 1, 7, day_names, &cron->dow_nth_day) ||
          nth[1] == NULL || !parse_value (nth[1], 1, 5, NULL, &cron->dow_nth_week))
        {
          g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST,
                       "Invalid cron expression: the day-of-week field \"%s\" must be DAY#N with N from 1 to 5",
                       fields[4]);
          return NULL;
        }
    }
  else if (!parse_field (fields[4], "day-of-week", 1, 7, day_names, cron->dow, 0, error))
    return NULL;

  if (cron->dom_any == cron->dow_any)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REQUEST,
                   "Invalid cron expression \"%s\": exactly one of day-of-month and day-of-week must be \"?\"",
                   expression);
      return NULL;
    }

  if (!parse_field (fields[5], "year", YEAR_MIN, YEAR_MAX, NULL, cron->years, YEAR_MIN, error))
    return NULL;

  return g_steal_pointer (&cron);
}

void
jd_cron_free (JdCron *cron)
{
  g_free (cron);
}

static int
days_in_month (int year,
               int month)
{
  return g_date_get_days_in_month ((GDateMonth) month, (GDateYear) year);
}

static gboolean
day_matches (const JdCron *cron,
             GDateTime    *t)
{
  int y = g_date_time_get_year (t);
  int m = g_date_time_get_month (t);
  int d = g_date_time_get_day_of_month (t);

  if (cron->dow_any)
    return cron->dom_last ? d == days_in_month (y, m) : cron->dom[d];

  /* GLib: Monday = 1 … Sunday = 7; AWS: Sunday = 1 … Saturday = 7. */
  {
    int aws = g_date_time_get_day_of_week (t) % 7 + 1;

    if (cron->dow_nth_day != 0)
      return aws == cron->dow_nth_day && (d - 1) / 7 + 1 == cron->dow_nth_week;
    return cron->dow[aws];
  }
}

gint64
jd_cron_next (const JdCron *cron,
              gint64        after)
{
  g_autoptr(GDateTime) t = NULL;

  g_return_val_if_fail (cron != NULL, -1);

  /* Round up to a whole minute. */
  if (after % 60 != 0)
    after += 60 - ((after % 60) + 60) % 60;
  t = g_date_time_new_from_unix_utc (after);

  while (t != NULL && g_date_time_get_year (t) <= YEAR_MAX)
    {
      int y = g_date_time_get_year (t);
      int mo = g_date_time_get_month (t);
      int d = g_date_time_get_day_of_month (t);
      int h = g_date_time_get_hour (t);
      int mi = g_date_time_get_minute (t);
      GDateTime *next;

      if (y < YEAR_MIN || !cron->years[y - YEAR_MIN])
        next = g_date_time_new_utc (y + 1, 1, 1, 0, 0, 0);
      else if (!cron->months[mo])
        next = mo == 12 ? g_date_time_new_utc (y + 1, 1, 1, 0, 0, 0)
                        : g_date_time_new_utc (y, mo + 1, 1, 0, 0, 0);
      else if (!day_matches (cron, t))
        {
          g_autoptr(GDateTime) day = g_date_time_new_utc (y, mo, d, 0, 0, 0);
          next = g_date_time_add_days (day, 1);
        }
      else if (!cron->hours[h])
        {
          g_autoptr(GDateTime) hour = g_date_time_new_utc (y, mo, d, h, 0, 0);
          next = g_date_time_add_hours (hour, 1);
        }
      else if (!cron->minutes[mi])
        next = g_date_time_add_minutes (t, 1);
      else
        return g_date_time_to_unix (t);

      g_date_time_unref (t);
      t = next;
    }

  return -1;
}
