/* jd-test-ui.c — helpers shared by the UI tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "jd-test-ui.h"

/* Whether some visible label, row title or row subtitle in @widget's tree is
 * exactly @text. Hidden subtrees (e.g. a stack's other pages) do not count. */
gboolean
jd_test_ui_tree_shows (GtkWidget  *widget,
                       const char *text)
{
  if (!GTK_IS_ROOT (widget) && (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget)))
    return FALSE;

  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return TRUE;

  if (ADW_IS_PREFERENCES_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), text) == 0)
    return TRUE;

  if (ADW_IS_ACTION_ROW (widget) &&
      g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)), text) == 0)
    return TRUE;

  if (ADW_IS_STATUS_PAGE (widget) &&
      g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (widget)), text) == 0)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (jd_test_ui_tree_shows (child, text))
      return TRUE;

  return FALSE;
}

/* How many visible GtkLabels in @widget's tree say exactly @text. */
guint
jd_test_ui_count_labels (GtkWidget  *widget,
                         const char *text)
{
  guint count = 0;

  if (!GTK_IS_ROOT (widget) && (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget)))
    return 0;

  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    count++;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    count += jd_test_ui_count_labels (child, text);

  return count;
}

JdExecution *
jd_test_ui_execution_from_json (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(GError) error = NULL;
  JdExecution *execution;

  g_assert_nonnull (node);
  execution = jd_execution_new_from_json (json_node_get_object (node), &error);
  g_assert_no_error (error);
  return execution;
}

/* Runs the main context for @ms milliseconds: lets layout, list item
 * factories and idle handlers do their work. */
void
jd_test_ui_spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}
