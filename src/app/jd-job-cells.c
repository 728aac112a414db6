/* jd-job-cells.c — a job's status, targets and progress in words.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <string.h>

#include <glib/gi18n.h>

#include "jd-format.h"
#include "jd-job-cells.h"

static guint
n_failed (const JdJobProcessDetails *d)
{
  return d->failed + d->rejected + d->timed_out;
}

static guint
n_canceled (const JdJobProcessDetails *d)
{
  return d->canceled + d->removed;
}

char *
jd_job_cells_status_text (JdJob *job)
{
  const JdJobProcessDetails *d;
  const char *status;

  g_return_val_if_fail (JD_IS_JOB (job), NULL);

  status = jd_format_job_status_label (jd_job_get_status (job));
  d = jd_job_get_process_details (job);
  if (d == NULL)
    return g_strdup (status);

  switch (jd_job_get_outcome (job))
    {
    case JD_JOB_OUTCOME_FAILED:
      /* Translators: a job's status and how many of its executions failed,
       * were rejected or timed out, e.g. "Completed · 1 failed" */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u failed", "%s · %u failed", n_failed (d)),
                              status, n_failed (d));
    case JD_JOB_OUTCOME_CANCELED:
      if (jd_job_get_status (job) == JD_JOB_STATUS_CANCELED)
        return g_strdup (status);
      /* Translators: a job's status and how many of its executions were
       * canceled or removed, e.g. "Completed · 2 canceled" */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u canceled", "%s · %u canceled", n_canceled (d)),
                              status, n_canceled (d));
    case JD_JOB_OUTCOME_NONE:
      if (jd_job_get_status (job) == JD_JOB_STATUS_COMPLETED)
        /* Translators: a completed job that had no executions */
        return g_strdup_printf (_("%s · no executions"), status);
      return g_strdup (status);
    case JD_JOB_OUTCOME_SUCCEEDED:
    case JD_JOB_OUTCOME_RUNNING:
    case JD_JOB_OUTCOME_UNKNOWN:
    default:
      return g_strdup (status);
    }
}

const char *
jd_job_cells_status_style (JdJob *job)
{
  JdJobStatus status;

  g_return_val_if_fail (JD_IS_JOB (job), "dim-label");

  status = jd_job_get_status (job);
  switch (jd_job_get_outcome (job))
    {
    case JD_JOB_OUTCOME_FAILED:
      return "error";
    case JD_JOB_OUTCOME_CANCELED:
      return "warning";
    case JD_JOB_OUTCOME_SUCCEEDED:
      return status == JD_JOB_STATUS_COMPLETED ? "success" : jd_format_job_status_style (status);
    case JD_JOB_OUTCOME_NONE:
      return status == JD_JOB_STATUS_COMPLETED ? "dim-label" : jd_format_job_status_style (status);
    case JD_JOB_OUTCOME_UNKNOWN:
      /* Not green before the counters say nothing failed. */
      return status == JD_JOB_STATUS_COMPLETED ? "dim-label" : jd_format_job_status_style (status);
    case JD_JOB_OUTCOME_RUNNING:
    default:
      return jd_format_job_status_style (status);
    }
}

void
jd_job_cells_status_pill (GtkLabel *label,
                          JdJob    *job)
{
  static const char *styles[] = { "accent", "success", "error", "warning", "dim-label" };
  g_autofree char *text = NULL;

  g_return_if_fail (GTK_IS_LABEL (label));
  g_return_if_fail (JD_IS_JOB (job));

  text = jd_job_cells_status_text (job);
  jd_format_job_status_pill (label, jd_job_get_status (job));
  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (label), styles[i]);
  gtk_widget_add_css_class (GTK_WIDGET (label), jd_job_cells_status_style (job));
  gtk_label_set_label (label, text);
}

char *
jd_job_cells_targets_text (JdJob *job)
{
  const char *const *targets;
  g_autoptr(GString) text = NULL;

  g_return_val_if_fail (JD_IS_JOB (job), NULL);

  targets = jd_job_get_targets (job);
  if (targets == NULL || targets[0] == NULL)
    return NULL;

  text = g_string_new (NULL);
  for (guint i = 0; targets[i] != NULL; i++)
    {
      const char *group = strstr (targets[i], ":thinggroup/");
      g_autofree char *name = NULL;

      if (text->len > 0)
        g_string_append (text, ", ");
      if (group != NULL)
        /* Translators: a thing group among a job's targets */
        g_string_append_printf (text, _("group %s"), group + strlen (":thinggroup/"));
      else
        {
          name = jd_format_thing_name_from_arn (targets[i]);
          g_string_append (text, name);
        }
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

double
jd_job_cells_progress (JdJob  *job,
                       char  **text)
{
  const JdJobProcessDetails *d;
  guint total, done;

  g_return_val_if_fail (JD_IS_JOB (job), -1);

  d = jd_job_get_process_details (job);
  if (d == NULL)
    {
      if (text != NULL)
        *text = g_strdup ("—");
      return -1;
    }

  total = d->queued + d->in_progress + d->succeeded + n_failed (d) + n_canceled (d);
  done = total - d->queued - d->in_progress;
  if (text != NULL)
    {
      g_autoptr(GString) words = g_string_new (NULL);

      /* Translators: finished executions of all, e.g. "3 of 5" */
      g_string_printf (words, _("%u of %u"), done, total);
      if (d->succeeded > 0)
        /* Translators: joined to "3 of 5", e.g. "3 of 5 · 2 succeeded" */
        g_string_append_printf (words, _(" · %u succeeded"), d->succeeded);
      if (n_failed (d) > 0)
        /* Translators: joined to "3 of 5", e.g. "3 of 5 · 1 failed" */
        g_string_append_printf (words, _(" · %u failed"), n_failed (d));
      *text = g_string_free (g_steal_pointer (&words), FALSE);
    }
  return total > 0 ? (double) done / total : 0;
}
