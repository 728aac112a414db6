/* jd-fuzz-common.c — the log setup shared by the fuzz targets.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-fuzz"

#include <stdlib.h>

#include "jd-fuzz.h"

/* GLib stops on a fatal message with SIGTRAP, which libFuzzer does not catch;
 * abort() is, so the input is saved. */
static GLogWriterOutput
abort_on_warnings (GLogLevelFlags   log_level,
                   const GLogField *fields,
                   gsize            n_fields,
                   gpointer         user_data)
{
  GLogWriterOutput output = g_log_writer_default (log_level, fields, n_fields, user_data);

  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort ();
  return output;
}

void
jd_fuzz_init_logging (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      g_log_set_writer_func (abort_on_warnings, NULL, NULL);
      g_once_init_leave (&done, 1);
    }
}
