/* jd-device-view.c — the Device view.
 *
 * A GtkColumnView (data-table) over the live model of pending executions,
 * which the jobs client keeps in AWS's order (IN_PROGRESS, then QUEUED, oldest
 * first), and a JdExecutionDetails for the selected row, in an AdwLeaflet that
 * folds the details over the table when the window is narrow. Cells follow their
 * JdExecution's notify signals; relative times are refreshed every 30 seconds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <glib/gi18n.h>

#include "jd-device-view.h"
#include "jd-execution-details.h"
#include "jd-format.h"

typedef enum {
  COLUMN_JOB,
  COLUMN_STATUS,
  COLUMN_VERSION,
  COLUMN_QUEUED,
  COLUMN_STARTED,
  COLUMN_UPDATED,
} Column;

struct _JdDeviceView
{
  GtkWidget            parent_instance;

  GListModel          *model;
  GtkSingleSelection  *selection;
  GHashTable          *bound_time_cells;   /* GtkListItem → Column, for the clock */
  guint                clock_id;
  gboolean             user_selected;

  /* Template children */
  AdwLeaflet          *leaflet;
  GtkStack            *list_stack;
  GtkColumnView       *column_view;
  JdExecutionDetails  *details;
  GtkWidget           *details_page;
  GtkButton           *back_button;
};

G_DEFINE_FINAL_TYPE (JdDeviceView, jd_device_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_SELECTED_EXECUTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
refresh_cell (GtkListItem *item,
              Column       column)
{
  JdExecution *e = gtk_list_item_get_item (item);
  GtkWidget *child = gtk_list_item_get_child (item);
  GDateTime *when = NULL;

  if (e == NULL || child == NULL)
    return;

  switch (column)
    {
    case COLUMN_JOB:
      {
        GtkWidget *label = gtk_widget_get_first_child (child);
        GtkWidget *badge = gtk_widget_get_next_sibling (label);

        gtk_label_set_label (GTK_LABEL (label), jd_execution_get_job_id (e));
        gtk_widget_set_visible (badge, jd_execution_get_is_next (e));
      }
      return;

    case COLUMN_STATUS:
      jd_format_status_pill (GTK_LABEL (child), jd_execution_get_status (e));
      return;

    case COLUMN_VERSION:
      {
        g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, jd_execution_get_version_number (e));
        gtk_label_set_label (GTK_LABEL (child), text);
      }
      return;

    case COLUMN_QUEUED:
      when = jd_execution_get_queued_at (e);
      break;

    case COLUMN_STARTED:
      when = jd_execution_get_started_at (e);
      break;

    case COLUMN_UPDATED:
      when = jd_execution_get_last_updated_at (e);
      break;

    default:
      g_assert_not_reached ();
    }

  {
    g_autofree char *relative = jd_format_relative_time (when, NULL);
    g_autofree char *exact = jd_format_exact_time (when);

    gtk_label_set_label (GTK_LABEL (child), relative);
    gtk_widget_set_tooltip_text (child, when ? exact : NULL);
  }
}

static Column
factory_column (GtkListItemFactory *factory)
{
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "jd-column"));
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          JdDeviceView             *self)
{
  GtkWidget *child;

  switch (factory_column (GTK_LIST_ITEM_FACTORY (factory)))
    {
    case COLUMN_JOB:
      {
        GtkWidget *label = gtk_label_new (NULL);
        GtkWidget *badge = gtk_label_new (_("Next"));

        child = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
        gtk_label_set_xalign (GTK_LABEL (label), 0);
        gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
        gtk_widget_add_css_class (label, "job-id");
        gtk_widget_add_css_class (badge, "next-badge");
        gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
        gtk_widget_set_tooltip_text (badge, _("The execution $next returns and Start Next starts"));
        gtk_box_append (GTK_BOX (child), label);
        gtk_box_append (GTK_BOX (child), badge);
      }
      break;

    case COLUMN_STATUS:
      child = gtk_label_new (NULL);
      gtk_widget_set_halign (child, GTK_ALIGN_START);
      break;

    case COLUMN_VERSION:
      child = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (child), 1);
      gtk_widget_add_css_class (child, "numeric");
      break;

    case COLUMN_QUEUED:
    case COLUMN_STARTED:
    case COLUMN_UPDATED:
    default:
      child = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (child), 0);
      gtk_widget_add_css_class (child, "dim-label");
      break;
    }

  gtk_list_item_set_child (item, child);
}

static void
item_notify_cb (GtkListItem *item)
{
  refresh_cell (item, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (item), "jd-column")));
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         JdDeviceView             *self)
{
  Column column = factory_column (GTK_LIST_ITEM_FACTORY (factory));
  JdExecution *e = gtk_list_item_get_item (item);

  g_object_set_data (G_OBJECT (item), "jd-column", GINT_TO_POINTER (column));
  g_signal_connect_object (e, "notify", G_CALLBACK (item_notify_cb), item, G_CONNECT_SWAPPED);
  if (column >= COLUMN_QUEUED)
    g_hash_table_add (self->bound_time_cells, item);

  refresh_cell (item, column);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           JdDeviceView             *self)
{
  JdExecution *e = gtk_list_item_get_item (item);

  if (e != NULL)
    g_signal_handlers_disconnect_by_func (e, item_notify_cb, item);
  g_hash_table_remove (self->bound_time_cells, item);
}

static gboolean
clock_tick_cb (gpointer user_data)
{
  JdDeviceView *self = user_data;
  GHashTableIter iter;
  gpointer item;

  g_hash_table_iter_init (&iter, self->bound_time_cells);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    item_notify_cb (item);

  return G_SOURCE_CONTINUE;
}

static void
add_column (JdDeviceView *self,
            Column        column,
            const char   *title,
            gboolean      expand,
            int           fixed_width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *col;

  g_object_set_data (G_OBJECT (factory), "jd-column", GINT_TO_POINTER (column));
  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_cb), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_cb), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_cb), self, 0);

  col = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (col, expand);
  gtk_column_view_column_set_resizable (col, TRUE);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (col, fixed_width);
  gtk_column_view_append_column (self->column_view, col);
  g_object_unref (col);
}

static void
update_list_page (JdDeviceView *self)
{
  gboolean empty = self->model == NULL || g_list_model_get_n_items (self->model) == 0;

  gtk_stack_set_visible_child_name (self->list_stack, empty ? "empty" : "list");
}

static void
selection_changed_cb (JdDeviceView *self)
{
  JdExecution *e = gtk_single_selection_get_selected_item (self->selection);

  jd_execution_details_set_execution (self->details, e);
  gtk_widget_set_visible (self->details_page, e != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_EXECUTION]);
}

static void
items_changed_cb (JdDeviceView *self)
{
  update_list_page (self);
}

static void
activate_cb (GtkColumnView *view,
             guint          position,
             JdDeviceView  *self)
{
  gtk_single_selection_set_selected (self->selection, position);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
back_clicked_cb (JdDeviceView *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
jd_device_view_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  JdDeviceView *self = JD_DEVICE_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;

    case PROP_SELECTED_EXECUTION:
      g_value_set_object (value, jd_device_view_get_selected_execution (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_device_view_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  JdDeviceView *self = JD_DEVICE_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      jd_device_view_set_model (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_device_view_dispose (GObject *object)
{
  JdDeviceView *self = JD_DEVICE_VIEW (object);
  GtkWidget *child;

  g_clear_handle_id (&self->clock_id, g_source_remove);
  if (self->selection != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);

  gtk_widget_dispose_template (GTK_WIDGET (object), JD_TYPE_DEVICE_VIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (jd_device_view_parent_class)->dispose (object);
}

static void
jd_device_view_finalize (GObject *object)
{
  JdDeviceView *self = JD_DEVICE_VIEW (object);

  g_clear_pointer (&self->bound_time_cells, g_hash_table_unref);

  G_OBJECT_CLASS (jd_device_view_parent_class)->finalize (object);
}

static void
jd_device_view_class_init (JdDeviceViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jd_device_view_dispose;
  object_class->finalize = jd_device_view_finalize;
  object_class->get_property = jd_device_view_get_property;
  object_class->set_property = jd_device_view_set_property;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_EXECUTION] =
    g_param_spec_object ("selected-execution", NULL, NULL,
                         JD_TYPE_EXECUTION,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (JD_TYPE_EXECUTION_DETAILS);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/jd-device-view.ui");
  gtk_widget_class_bind_template_child (widget_class, JdDeviceView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, JdDeviceView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, JdDeviceView, column_view);
  gtk_widget_class_bind_template_child (widget_class, JdDeviceView, details);
  gtk_widget_class_bind_template_child (widget_class, JdDeviceView, details_page);
  gtk_widget_class_bind_template_child (widget_class, JdDeviceView, back_button);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
}

static void
jd_device_view_init (JdDeviceView *self)
{
  self->bound_time_cells = g_hash_table_new (NULL, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  add_column (self, COLUMN_JOB, _("Job"), TRUE, 180);
  add_column (self, COLUMN_STATUS, _("Status"), FALSE, 110);
  add_column (self, COLUMN_VERSION, _("Version"), FALSE, 70);
  add_column (self, COLUMN_QUEUED, _("Queued"), FALSE, 100);
  add_column (self, COLUMN_STARTED, _("Started"), FALSE, 100);

  self->clock_id = g_timeout_add_seconds (30, clock_tick_cb, self);

  jd_device_view_set_model (self, NULL);
}

GtkWidget *
jd_device_view_new (void)
{
  return g_object_new (JD_TYPE_DEVICE_VIEW, NULL);
}

/**
 * jd_device_view_get_model:
 *
 * Returns: (transfer none) (nullable): the executions shown
 */
GListModel *
jd_device_view_get_model (JdDeviceView *self)
{
  g_return_val_if_fail (JD_IS_DEVICE_VIEW (self), NULL);

  return self->model;
}

/**
 * jd_device_view_set_model:
 * @model: (nullable): a #GListModel of #JdExecution, in display order
 */
void
jd_device_view_set_model (JdDeviceView *self,
                          GListModel   *model)
{
  g_return_if_fail (JD_IS_DEVICE_VIEW (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (self->model != NULL && self->model == model)
    return;

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_set_object (&self->model, model);

  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_clear_object (&self->selection);

  if (model != NULL)
    {
      self->selection = gtk_single_selection_new (g_object_ref (model));
      g_signal_connect_object (model, "items-changed", G_CALLBACK (items_changed_cb),
                               self, G_CONNECT_SWAPPED);
    }
  else
    {
      self->selection = gtk_single_selection_new (G_LIST_MODEL (g_list_store_new (JD_TYPE_EXECUTION)));
    }

  gtk_single_selection_set_autoselect (self->selection, TRUE);
  gtk_single_selection_set_can_unselect (self->selection, FALSE);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  update_list_page (self);
  selection_changed_cb (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

/**
 * jd_device_view_get_selected_execution:
 *
 * Returns: (transfer none) (nullable): the selected execution
 */
JdExecution *
jd_device_view_get_selected_execution (JdDeviceView *self)
{
  g_return_val_if_fail (JD_IS_DEVICE_VIEW (self), NULL);

  return self->selection ? gtk_single_selection_get_selected_item (self->selection) : NULL;
}

/**
 * jd_device_view_select_job:
 *
 * Returns: whether an execution of @job_id is shown and now selected
 */
gboolean
jd_device_view_select_job (JdDeviceView *self,
                           const char   *job_id)
{
  g_return_val_if_fail (JD_IS_DEVICE_VIEW (self), FALSE);

  if (self->model == NULL)
    return FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (self->model); i++)
    {
      g_autoptr(JdExecution) e = g_list_model_get_item (self->model, i);

      if (g_strcmp0 (jd_execution_get_job_id (e), job_id) == 0)
        {
          gtk_single_selection_set_selected (self->selection, i);
          return TRUE;
        }
    }

  return FALSE;
}
