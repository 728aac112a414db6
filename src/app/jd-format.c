/* jd-format.c — how the app words times ("2 min ago", exact on hover),
 * execution statuses (translated labels, the stock colour of each) and JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "jd-control-plane.h"
#include "jd-format.h"
#include "jd-jobs-error.h"

/**
 * jd_format_relative_time:
 * @when: (nullable): a time
 * @now: (nullable): the present, or %NULL for the clock's
 *
 * Returns: (transfer full): "just now", "5 min ago", "3 h ago", "yesterday",
 *   or a date; "—" for %NULL
 */
char *
jd_format_relative_time (GDateTime *when,
                         GDateTime *now)
{
  g_autoptr(GDateTime) local_now = NULL;
  GTimeSpan span;
  gint64 minutes;

  if (when == NULL)
    return g_strdup ("—");

  if (now == NULL)
    now = local_now = g_date_time_new_now_utc ();

  span = g_date_time_difference (now, when);
  if (span < 0)
    span = 0;

  if (span < 60 * G_TIME_SPAN_SECOND)
    return g_strdup (_("just now"));

  minutes = span / G_TIME_SPAN_MINUTE;
  if (minutes < 60)
    /* Translators: a time in the past, in minutes */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d min ago", "%d min ago", minutes),
                            (int) minutes);

  if (minutes < 24 * 60)
    /* Translators: a time in the past, in hours */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d h ago", "%d h ago", minutes / 60),
                            (int) (minutes / 60));

  if (minutes < 48 * 60)
    return g_strdup (_("yesterday"));

  {
    g_autoptr(GDateTime) local = g_date_time_to_local (when);
    /* Translators: a date, see g_date_time_format() */
    return g_date_time_format (local, _("%b %-d, %Y"));
  }
}

/**
 * jd_format_exact_time:
 * @when: (nullable): a time
 *
 * Returns: (transfer full): the local date and time to the second, for tooltips
 */
char *
jd_format_exact_time (GDateTime *when)
{
  g_autoptr(GDateTime) local = NULL;

  if (when == NULL)
    return g_strdup (_("Never"));

  local = g_date_time_to_local (when);
  /* Translators: an exact date and time, see g_date_time_format() */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M:%S %Z"));
}

const char *
jd_format_status_label (JdExecutionStatus status)
{
  switch (status)
    {
    case JD_EXECUTION_STATUS_QUEUED:
      return _("Queued");
    case JD_EXECUTION_STATUS_IN_PROGRESS:
      return _("In Progress");
    case JD_EXECUTION_STATUS_SUCCEEDED:
      return _("Succeeded");
    case JD_EXECUTION_STATUS_FAILED:
      return _("Failed");
    case JD_EXECUTION_STATUS_TIMED_OUT:
      return _("Timed Out");
    case JD_EXECUTION_STATUS_REJECTED:
      return _("Rejected");
    case JD_EXECUTION_STATUS_REMOVED:
      return _("Removed");
    case JD_EXECUTION_STATUS_CANCELED:
      return _("Canceled");
    case JD_EXECUTION_STATUS_UNKNOWN:
    default:
      return _("Unknown");
    }
}

/**
 * jd_format_status_style:
 *
 * Returns: the libadwaita style class of a status's colour
 */
const char *
jd_format_status_style (JdExecutionStatus status)
{
  switch (status)
    {
    case JD_EXECUTION_STATUS_IN_PROGRESS:
      return "accent";
    case JD_EXECUTION_STATUS_SUCCEEDED:
      return "success";
    case JD_EXECUTION_STATUS_FAILED:
    case JD_EXECUTION_STATUS_TIMED_OUT:
    case JD_EXECUTION_STATUS_REJECTED:
      return "error";
    case JD_EXECUTION_STATUS_CANCELED:
    case JD_EXECUTION_STATUS_REMOVED:
      return "warning";
    case JD_EXECUTION_STATUS_QUEUED:
    case JD_EXECUTION_STATUS_UNKNOWN:
    default:
      return "dim-label";
    }
}

static void
set_pill (GtkLabel   *label,
          const char *style,
          const char *text)
{
  static const char *styles[] = { "accent", "success", "error", "warning", "dim-label" };

  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (label), styles[i]);

  gtk_widget_add_css_class (GTK_WIDGET (label), "status-pill");
  gtk_widget_add_css_class (GTK_WIDGET (label), style);
  gtk_label_set_label (label, text);
}


/**
 * jd_format_status_pill:
 *
 * Turns @label into a small pill showing @status in its colour.
 */
void
jd_format_status_pill (GtkLabel          *label,
                       JdExecutionStatus  status)
{
  set_pill (label, jd_format_status_style (status), jd_format_status_label (status));
}

/**
 * jd_format_json_pretty:
 * @node: (nullable): JSON
 *
 * Returns: (transfer full): @node indented by two spaces, or "" for %NULL
 */
char *
jd_format_json_pretty (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = NULL;

  if (node == NULL)
    return g_strdup ("");

  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

static void
apply_json_scheme (GtkSourceView *view)
{
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));
  const char *scheme = adw_style_manager_get_dark (adw_style_manager_get_default ()) ? "Adwaita-dark" : "Adwaita";

  gtk_source_buffer_set_style_scheme (buffer,
                                      gtk_source_style_scheme_manager_get_scheme (gtk_source_style_scheme_manager_get_default (),
                                                                                  scheme));
}

/**
 * jd_format_json_view:
 * @view: a source view
 *
 * Highlights @view's text as JSON in the Adwaita scheme that matches the
 * light or dark style, now and whenever the style changes.
 */
void
jd_format_json_view (GtkSourceView *view)
{
  GtkSourceBuffer *buffer;

  g_return_if_fail (GTK_SOURCE_IS_VIEW (view));

  buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));
  gtk_source_buffer_set_language (buffer,
                                  gtk_source_language_manager_get_language (gtk_source_language_manager_get_default (),
                                                                            "json"));
  apply_json_scheme (view);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (apply_json_scheme), view, G_CONNECT_SWAPPED);
}

/**
 * jd_format_add_column:
 * @view: a column view
 * @title: the column's header
 * @column: an id the callbacks read back with jd_format_column_of()
 * @expand: whether the column takes the spare width
 * @fixed_width: a width in pixels, or -1
 * @callbacks: the factory's signal handlers
 * @user_data: passed to them; they are disconnected when it goes away
 *
 * Returns: (transfer none): the column's factory
 */
GtkListItemFactory *
jd_format_add_column (GtkColumnView           *view,
                      const char              *title,
                      int                      column,
                      gboolean                 expand,
                      int                      fixed_width,
                      const JdColumnCallbacks *callbacks,
                      gpointer                 user_data)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *col;

  g_object_set_data (G_OBJECT (factory), "jd-column", GINT_TO_POINTER (column));
  g_signal_connect_object (factory, "setup", callbacks->setup, user_data, 0);
  g_signal_connect_object (factory, "bind", callbacks->bind, user_data, 0);
  if (callbacks->unbind != NULL)
    g_signal_connect_object (factory, "unbind", callbacks->unbind, user_data, 0);

  col = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (col, expand);
  gtk_column_view_column_set_resizable (col, TRUE);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (col, fixed_width);
  gtk_column_view_append_column (view, col);
  g_object_unref (col);

  return factory;
}

/**
 * jd_format_column_of:
 *
 * Returns: the column id jd_format_add_column() gave @factory
 */
int
jd_format_column_of (GtkListItemFactory *factory)
{
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "jd-column"));
}

/**
 * jd_format_job_status_label:
 *
 * Returns: a job's status in words
 */
const char *
jd_format_job_status_label (JdJobStatus status)
{
  switch (status)
    {
    case JD_JOB_STATUS_IN_PROGRESS:
      return _("In Progress");
    case JD_JOB_STATUS_CANCELED:
      return _("Canceled");
    case JD_JOB_STATUS_COMPLETED:
      return _("Completed");
    case JD_JOB_STATUS_DELETION_IN_PROGRESS:
      return _("Deleting");
    case JD_JOB_STATUS_SCHEDULED:
      return _("Scheduled");
    case JD_JOB_STATUS_UNKNOWN:
    default:
      return _("Unknown");
    }
}

/**
 * jd_format_job_status_style:
 *
 * Returns: the libadwaita style class of a job status's colour
 */
const char *
jd_format_job_status_style (JdJobStatus status)
{
  switch (status)
    {
    case JD_JOB_STATUS_IN_PROGRESS:
      return "accent";
    case JD_JOB_STATUS_COMPLETED:
      return "success";
    case JD_JOB_STATUS_CANCELED:
      return "warning";
    case JD_JOB_STATUS_DELETION_IN_PROGRESS:
      return "error";
    case JD_JOB_STATUS_SCHEDULED:
    case JD_JOB_STATUS_UNKNOWN:
    default:
      return "dim-label";
    }
}

/**
 * jd_format_job_status_pill:
 *
 * Turns @label into a small pill showing the job @status in its colour.
 */
void
jd_format_job_status_pill (GtkLabel    *label,
                           JdJobStatus  status)
{
  set_pill (label, jd_format_job_status_style (status), jd_format_job_status_label (status));
}

const char *
jd_format_target_selection_label (JdTargetSelection selection)
{
  switch (selection)
    {
    case JD_TARGET_SELECTION_CONTINUOUS:
      return _("Continuous");
    case JD_TARGET_SELECTION_SNAPSHOT:
    default:
      return _("Snapshot");
    }
}

/**
 * jd_format_thing_name_from_arn:
 * @arn: (nullable): "arn:aws:iot:REGION:ACCOUNT:thing/NAME", or a thing group ARN
 *
 * Returns: (transfer full): the thing's name, "Group NAME" for a thing group,
 *   or @arn itself when it is neither
 */
char *
jd_format_thing_name_from_arn (const char *arn)
{
  const char *resource;

  if (arn == NULL)
    return g_strdup ("");

  /* arn:PARTITION:iot:REGION:ACCOUNT:RESOURCE; thing names may hold ':'. */
  resource = arn;
  for (guint colons = 0; colons < 5; colons++)
    {
      resource = strchr (resource, ':');
      if (resource == NULL)
        return g_strdup (arn);
      resource++;
    }

  if (g_str_has_prefix (resource, "thing/") && resource[strlen ("thing/")] != '\0')
    return g_strdup (resource + strlen ("thing/"));

  if (g_str_has_prefix (resource, "thinggroup/") && resource[strlen ("thinggroup/")] != '\0')
    /* Translators: a thing group among a job's targets */
    return g_strdup_printf (_("Group %s"), resource + strlen ("thinggroup/"));

  return g_strdup (arn);
}

/**
 * jd_format_add_toast:
 * @widget: a widget inside a window with an AdwToastOverlay
 * @toast: (transfer full): the toast
 */
void
jd_format_add_toast (GtkWidget *widget,
                     AdwToast  *toast)
{
  GtkWidget *overlay;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (ADW_IS_TOAST (toast));

  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL)
    {
      g_debug ("No toast overlay for: %s", adw_toast_get_title (toast));
      g_object_unref (toast);
      return;
    }
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

/**
 * jd_format_toast_error:
 * @title: what failed, in words
 * @error: why; AWS's code and message go behind Details
 */
void
jd_format_toast_error (GtkWidget    *widget,
                       const char   *title,
                       const GError *error)
{
  AdwToast *toast = adw_toast_new (title);
  g_autofree char *details = NULL;
  const char *aws_code = NULL;

  if (jd_jobs_error_get_group (error) == JD_JOBS_ERROR_GROUP_CONTROL_PLANE)
    aws_code = jd_control_plane_error_get_aws_type (error);
  else if (error->domain == JD_JOBS_ERROR)
    aws_code = jd_jobs_error_get_aws_code (error);

  details = aws_code ? g_strdup_printf ("%s: %s", aws_code, error->message) : g_strdup (error->message);

  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (toast, 8);
  adw_toast_set_button_label (toast, _("_Details"));
  adw_toast_set_action_name (toast, "win.show-details");
  adw_toast_set_action_target_value (toast, g_variant_new ("(ss)", title, details));
  jd_format_add_toast (widget, toast);
}

/**
 * jd_format_hint_style:
 * @hint: the label under a field
 * @error: whether it says what is wrong
 *
 * Errors in the error style, other words dimmed.
 */
void
jd_format_hint_style (GtkLabel *hint,
                      gboolean  error)
{
  if (error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (hint), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (hint), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (hint), "error");
      gtk_widget_add_css_class (GTK_WIDGET (hint), "dim-label");
    }
}

/**
 * jd_format_hint:
 * @hint: the label under a field
 * @text: (nullable): its words; %NULL or empty hides it
 * @error: whether they say what is wrong
 */
void
jd_format_hint (GtkLabel   *hint,
                const char *text,
                gboolean    error)
{
  gtk_label_set_label (hint, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (hint), text != NULL && text[0] != '\0');
  jd_format_hint_style (hint, error);
}
