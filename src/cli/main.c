/* main.c — jobdeck-cli's entry point; everything else is in libjobdeck-cli.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "jd-cli.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JdCli) cli = jd_cli_new ();

  return jd_cli_run (cli, argc, argv);
}
