/* main.c — jobdeck-service: the local sandbox as a daemon.
 *
 *   jobdeck-service --data-dir DIR [--thing NAME]... [--mqtt-port N] [--https-port N]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jobdeck-service"

#include "jd-service-main.h"

int
main (int   argc,
      char *argv[])
{
  return jd_service_main (argc, argv);
}
