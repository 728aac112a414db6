/* jd-application.c — the Jobdeck AdwApplication: app-wide actions (among
 * them app.show-fleet, the default action of the job notifications that
 * the fleet view and the job watcher send), their accelerators, the settings object and the colour
 * scheme.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <glib/gi18n.h>

#include "jd-application.h"
#include "jd-fleet-window.h"
#include "jd-preferences-window.h"
#include "jd-window.h"

struct _JdApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (JdApplication, jd_application, ADW_TYPE_APPLICATION)

static void
apply_color_scheme (JdApplication *self)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  g_autofree char *scheme = g_settings_get_string (self->settings, "color-scheme");
  AdwColorScheme value = ADW_COLOR_SCHEME_DEFAULT;

  if (g_strcmp0 (scheme, "light") == 0)
    value = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_strcmp0 (scheme, "dark") == 0)
    value = ADW_COLOR_SCHEME_FORCE_DARK;

  adw_style_manager_set_color_scheme (style_manager, value);
}

static void
color_scheme_changed_cb (GSettings     *settings,
                         const char    *key,
                         JdApplication *self)
{
  apply_color_scheme (self);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  JdApplication *self = user_data;
  GList *windows;

  /* Close windows first so each can save its state and cancel its work. */
  windows = g_list_copy_deep (gtk_application_get_windows (GTK_APPLICATION (self)),
                              (GCopyFunc) g_object_ref, NULL);
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free_full (windows, g_object_unref);

  g_application_quit (G_APPLICATION (self));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  JdApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  static const char *developers[] = { "The Jobdeck developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "application-name", _("Jobdeck"),
                        "application-icon", APPLICATION_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Jobdeck developers"),
                        "developers", developers,
                        "website", PACKAGE_URL,
                        "issue-url", PACKAGE_BUGREPORT,
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", "© 2026 The Jobdeck developers",
                        "comments", _("Watch and drive AWS IoT Jobs as a device and as an operator, "
                                      "on AWS or on a local sandbox."),
                        /* Translators: put your names here, one per line. */
                        "translator-credits", _("translator-credits"),
                        "transient-for", parent,
                        "modal", parent != NULL,
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  JdApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  JdPreferencesWindow *prefs = jd_preferences_window_new (self->settings);

  gtk_window_set_transient_for (GTK_WINDOW (prefs), parent);
  gtk_window_set_modal (GTK_WINDOW (prefs), parent != NULL);
  gtk_window_present (GTK_WINDOW (prefs));
}

/* The fleet view of a job (a notification's default action): the open
 * one brought forward, else a new one on the main window's session. */
static void
show_fleet_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  JdApplication *self = user_data;
  const char *job_id = g_variant_get_string (parameter, NULL);
  JdControlPlane *control_plane = NULL;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));
  JdFleetWindow *fleet;

  fleet = jd_fleet_window_find (GTK_APPLICATION (self), job_id);
  if (fleet != NULL)
    {
      gtk_window_present (GTK_WINDOW (fleet));
      return;
    }
  for (GList *l = windows; l != NULL && control_plane == NULL; l = l->next)
    if (JD_IS_WINDOW (l->data) && jd_window_get_session (l->data) != NULL)
      control_plane = jd_session_get_control_plane (jd_window_get_session (l->data));
  if (control_plane == NULL)
    {
      /* Started by the notification: the main window first; its session
       * is not up yet, so the fleet view cannot open now. */
      g_application_activate (G_APPLICATION (self));
      return;
    }
  fleet = jd_fleet_window_new (GTK_APPLICATION (self), control_plane, job_id);
  gtk_window_present (GTK_WINDOW (fleet));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "preferences", preferences_action },
  { "show-fleet", show_fleet_action, "s" },
};

/* The window's actions and the keys GNOME users expect for them. */
static const struct {
  const char *action;
  const char *accels[3];
} window_accels[] = {
  { "win.new-job", { "<primary>n", NULL } },
  { "win.refresh", { "<primary>r", "F5", NULL } },
  { "win.start-next", { "<primary><shift>n", NULL } },
  { "win.export-events", { "<primary>e", NULL } },
  { "win.show-view::device", { "<alt>1", NULL } },
  { "win.show-view::jobs", { "<alt>2", NULL } },
  { "win.show-view::events", { "<alt>3", NULL } },
  { "exec.update", { "<primary>u", NULL } },
  { "exec.describe", { "<primary><shift>r", NULL } },
};

static void
jd_application_activate (GApplication *app)
{
  JdApplication *self = JD_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (jd_window_new (self));

  gtk_window_present (window);
}

static void
jd_application_startup (GApplication *app)
{
  JdApplication *self = JD_APPLICATION (app);
  static const char *quit_accels[] = { "<primary>q", NULL };
  static const char *prefs_accels[] = { "<primary>comma", NULL };
  static const char *close_accels[] = { "<primary>w", NULL };

  G_APPLICATION_CLASS (jd_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);

  for (guint i = 0; i < G_N_ELEMENTS (window_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), window_accels[i].action,
                                           window_accels[i].accels);

  apply_color_scheme (self);
}

static void
jd_application_finalize (GObject *object)
{
  JdApplication *self = JD_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (jd_application_parent_class)->finalize (object);
}

static void
jd_application_class_init (JdApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = jd_application_finalize;
  app_class->activate = jd_application_activate;
  app_class->startup = jd_application_startup;
}

static void
jd_application_init (JdApplication *self)
{
  self->settings = g_settings_new (APPLICATION_ID_BASE);
  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (color_scheme_changed_cb), self, 0);
}

JdApplication *
jd_application_new (void)
{
  return g_object_new (JD_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "resource-base-path", RESOURCE_PREFIX,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

/**
 * jd_application_get_settings:
 *
 * Returns: (transfer none): the application's settings
 */
GSettings *
jd_application_get_settings (JdApplication *self)
{
  g_return_val_if_fail (JD_IS_APPLICATION (self), NULL);

  return self->settings;
}
