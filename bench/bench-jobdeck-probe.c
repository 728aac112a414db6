/* bench-jobdeck-probe.c — Jobdeck's own main() (src/app/main.c) plus the
 * first-frame hook (jd-bench-frame.h): the real application and window, built
 * from the same library as the jobdeck executable, quitting on its window's
 * first frame.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "bench-jobdeck-probe"

#include <glib/gi18n.h>

#include "jd-application.h"
#include "jd-bench-frame.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JdApplication) app = NULL;

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = jd_application_new ();
  jd_bench_frame_watch_application (GTK_APPLICATION (app));
  return g_application_run (G_APPLICATION (app), argc, argv);
}
