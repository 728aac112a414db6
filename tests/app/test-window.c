/* test-window.c — the application shell under a real display: actions open the
 * windows they should, settings round-trip, and every window finalizes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "jd-application.h"
#include "jd-preferences-window.h"
#include "jd-window.h"
#include "jd-test-ui.h"

/* One application per process, as in the real program; registered once. */
static JdApplication *app;

static void
register_app (void)
{
  g_autoptr(GError) error = NULL;

  app = jd_application_new ();
  /* Tests run in parallel on one session bus: never be a single instance. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
    }

  return NULL;
}

static void
destroy_all_toplevels (void)
{
  GtkWindow *window;

  while ((window = find_toplevel (GTK_TYPE_WINDOW)) != NULL)
    gtk_window_destroy (window);
  jd_test_ui_spin (20);
}

static gboolean
window_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static void
test_window_actions (void)
{
  GSettings *settings = jd_application_get_settings (app);
  GtkWindow *window;
  GtkWindow *prefs;
  GtkWindow *about;
  GtkWindow *shortcuts;

  g_application_activate (G_APPLICATION (app));
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (JD_IS_WINDOW (window));
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  jd_test_ui_spin (50);

  /* Preferences: the style row writes the setting, and the setting drives libadwaita. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  jd_test_ui_spin (50);
  prefs = find_toplevel (JD_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (prefs);
  g_assert_true (gtk_window_get_transient_for (prefs) == window);

  g_settings_set_string (settings, "color-scheme", "dark");
  jd_test_ui_spin (20);
  g_assert_cmpint (adw_style_manager_get_color_scheme (adw_style_manager_get_default ()), ==,
                   ADW_COLOR_SCHEME_FORCE_DARK);
  g_settings_set_string (settings, "color-scheme", "default");
  jd_test_ui_spin (20);
  g_assert_cmpint (adw_style_manager_get_color_scheme (adw_style_manager_get_default ()), ==,
                   ADW_COLOR_SCHEME_DEFAULT);

  g_object_add_weak_pointer (G_OBJECT (prefs), (gpointer *) &prefs);
  gtk_window_destroy (prefs);
  jd_test_ui_spin (20);
  g_assert_null (prefs);

  /* About. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  jd_test_ui_spin (50);
  about = find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_object_add_weak_pointer (G_OBJECT (about), (gpointer *) &about);
  gtk_window_destroy (about);
  jd_test_ui_spin (20);
  g_assert_null (about);

  /* Keyboard shortcuts (the help overlay GtkApplication loads from our resources). */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
  jd_test_ui_spin (50);
  shortcuts = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (shortcuts);
  gtk_window_close (shortcuts);
  jd_test_ui_spin (20);

  /* The accelerators GNOME users expect. */
  {
    g_auto(GStrv) quit = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
    g_auto(GStrv) prefs_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.preferences");
    g_auto(GStrv) help = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay");

    g_assert_true (g_strv_contains ((const char * const *) quit, "<Control>q"));
    g_assert_true (g_strv_contains ((const char * const *) prefs_accels, "<Control>comma"));
    g_assert_true (g_strv_contains ((const char * const *) help, "<Control>question"));
  }

  gtk_window_close (window);
  g_assert_true (jd_test_ui_wait_for (window_gone, &window, 15000));
  destroy_all_toplevels ();
}

static void
test_window_remembers_size (void)
{
  GSettings *settings = jd_application_get_settings (app);
  JdWindow *window;
  int width, height;

  g_settings_set_int (settings, "window-width", 900);
  g_settings_set_int (settings, "window-height", 600);
  g_settings_set_boolean (settings, "window-maximized", FALSE);

  window = jd_window_new (app);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 600);

  gtk_window_set_default_size (GTK_WINDOW (window), 700, 500);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 700);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 500);

  /* Its session's start-up is cancelled and lets go of it. */
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (jd_test_ui_wait_for (window_gone, &window, 15000));
}

static void
test_window_quit_closes_windows (void)
{
  GtkWindow *window;

  g_application_activate (G_APPLICATION (app));
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_nonnull (window);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);

  /* Quitting stops the sandbox's broker first, then the window goes. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  g_assert_true (jd_test_ui_wait_for (window_gone, &window, 15000));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = jd_test_ui_make_data_home ();
  int ret;

  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display: run the UI tests under Xvfb (build-aux/jobdeck.sh test)\n");
      return 0;
    }
  g_test_init (&argc, &argv, NULL);
  adw_init ();

  register_app ();

  g_test_add_func ("/app/window/actions", test_window_actions);
  g_test_add_func ("/app/window/remembers-size", test_window_remembers_size);
  g_test_add_func ("/app/window/quit-closes-windows", test_window_quit_closes_windows);

  ret = g_test_run ();
  jd_test_ui_remove_tree (data_home);
  g_clear_object (&app);
  return ret;
}
