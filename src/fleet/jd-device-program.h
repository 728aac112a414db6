/* jd-device-program.h — what a simulated device makes of a job document,
 * read as the AWS IoT Device Client reads it: schema "1.0" (`steps`,
 * `finalStep`, `runHandler` / `runCommand` actions, `conditions`,
 * `includeStdOut`) or the legacy form (`operation`, when `version` is
 * absent). Nothing is ever executed: the steps are only named and timed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The Device Client's words for a document it cannot run (statusDetails
 * `reason` of the REJECTED update). */
#define JD_DEVICE_PROGRAM_INVALID_REASON "Unable to execute job, invalid job document provided!"

typedef struct {
  char     *name;            /* the action's name */
  char     *type;            /* "runHandler" or "runCommand" */
  char     *what;            /* the handler file, or the command's first token */
  char     *command_line;    /* handler and args, or the command, as a shell would show it */
  gboolean  ignore_failure;  /* ignoreStepFailure "true" */
  gboolean  is_final;        /* finalStep */
} JdDeviceStep;

typedef struct {
  char      *schema;         /* "1.0" (whatever `version` says) or "0.0" for the legacy form */
  GPtrArray *steps;          /* of JdDeviceStep, finalStep last */
  gboolean   include_stdout; /* includeStdOut is the string "true" */
} JdDeviceProgram;

/* NULL when the document is not one the Device Client runs; `problem`
 * (optional) then says what is wrong, for logs and tests. */
JdDeviceProgram *jd_device_program_parse (JsonNode         *document,
                                          char            **problem);
void             jd_device_program_free  (JdDeviceProgram  *program);

/* Keeps the last `max` bytes of `text` (whole UTF-8 characters), as the
 * Device Client keeps stdout and stderr tails, with lines joined by " | "
 * and other control characters made spaces, as statusDetails values must
 * be. */
char            *jd_device_program_tail  (const char       *text,
                                          gsize             max);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdDeviceProgram, jd_device_program_free)

G_END_DECLS
