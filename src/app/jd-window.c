/* jd-window.c — the main Jobdeck window: header bar, toasts, and the state shown
 * while no connection exists. Remembers its size and maximized state.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <glib/gi18n.h>

#include "jd-window.h"

struct _JdWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  AdwStatusPage        *offline_page;
  GtkMenuButton        *primary_menu_button;
};

G_DEFINE_FINAL_TYPE (JdWindow, jd_window, ADW_TYPE_APPLICATION_WINDOW)

static void
jd_window_constructed (GObject *object)
{
  JdWindow *self = JD_WINDOW (object);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  G_OBJECT_CLASS (jd_window_parent_class)->constructed (object);

  if (JD_IS_APPLICATION (app))
    self->settings = g_object_ref (jd_application_get_settings (JD_APPLICATION (app)));
  else
    self->settings = g_settings_new (APPLICATION_ID_BASE);

  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

static void
jd_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), JD_TYPE_WINDOW);

  G_OBJECT_CLASS (jd_window_parent_class)->dispose (object);
}

static void
jd_window_finalize (GObject *object)
{
  JdWindow *self = JD_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (jd_window_parent_class)->finalize (object);
}

static void
jd_window_class_init (JdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = jd_window_constructed;
  object_class->dispose = jd_window_dispose;
  object_class->finalize = jd_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/jd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, JdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, JdWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, JdWindow, offline_page);
  gtk_widget_class_bind_template_child (widget_class, JdWindow, primary_menu_button);
}

static void
jd_window_init (JdWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

JdWindow *
jd_window_new (JdApplication *application)
{
  g_return_val_if_fail (JD_IS_APPLICATION (application), NULL);

  return g_object_new (JD_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/**
 * jd_window_add_toast:
 * @self: a window
 * @title: the toast's text, already translated
 *
 * Shows a short message over the window's content.
 */
void
jd_window_add_toast (JdWindow   *self,
                     const char *title)
{
  g_return_if_fail (JD_IS_WINDOW (self));
  g_return_if_fail (title != NULL);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}
