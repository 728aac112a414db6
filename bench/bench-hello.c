/* bench-hello.c — the cold-start baseline: a hello-world libadwaita window
 * (an AdwApplicationWindow with a header bar and an AdwStatusPage), measured
 * like Jobdeck's window by the first-frame hook (jd-bench-frame.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "bench-hello"

#include <adwaita.h>

#include "jd-bench-frame.h"

static void
activate_cb (GtkApplication *application)
{
  GtkWidget *window = adw_application_window_new (application);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *page = adw_status_page_new ();

  adw_status_page_set_title (ADW_STATUS_PAGE (page), "Hello, world");
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (page), "face-smile-symbolic");
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), page);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 960, 640);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) application = adw_application_new ("io.github.jobdeck.BenchHello",
                                                               G_APPLICATION_NON_UNIQUE);

  jd_bench_frame_watch_application (GTK_APPLICATION (application));
  g_signal_connect (application, "activate", G_CALLBACK (activate_cb), NULL);
  return g_application_run (G_APPLICATION (application), argc, argv);
}
