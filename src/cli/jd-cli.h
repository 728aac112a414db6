/* jd-cli.h — jobdeck-cli: the JobsSandbox commands as an interactive shell
 * (also driven through a pipe) and as one-shot commands, on the same
 * src/jobs clients as the app (JdControlPlane for the operator, JdJobsClient
 * over JdMqttConnection for the device).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Exit codes of one-shot mode. */
#define JD_CLI_EXIT_OK        0
#define JD_CLI_EXIT_FAILED    1   /* rejected, failed, or nothing to connect to */
#define JD_CLI_EXIT_USAGE     2

#define JD_TYPE_CLI (jd_cli_get_type ())
G_DECLARE_FINAL_TYPE (JdCli, jd_cli, JD, CLI, GObject)

JdCli *jd_cli_new        (void);

/* Parses @argv (options, then an optional command and its arguments), runs
 * the shell or the one command in a main loop on the thread-default context,
 * and returns the exit code. */
int    jd_cli_run        (JdCli  *self,
                          int     argc,
                          char  **argv);

/* The help text: every command with its arguments. */
char  *jd_cli_dup_help   (const char *command);

G_END_DECLS
