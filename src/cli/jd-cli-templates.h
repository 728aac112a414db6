/* jd-cli-templates.h — jobdeck-cli's job-template, managed-template and
 * event-configuration commands, and create-job --template (jd-cli-templates.c).
 * Private to the CLI.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jd-cli-private.h"

G_BEGIN_DECLS

extern const JdCliOption jd_cli_create_template_options[];
extern const JdCliOption jd_cli_list_managed_options[];
extern const JdCliOption jd_cli_describe_managed_options[];

void jd_cli_cmd_create_job_template             (JdCli *self, JdCliInvocation *invocation);
void jd_cli_cmd_describe_job_template           (JdCli *self, JdCliInvocation *invocation);
void jd_cli_cmd_list_job_templates              (JdCli *self, JdCliInvocation *invocation);
void jd_cli_cmd_delete_job_template             (JdCli *self, JdCliInvocation *invocation);
void jd_cli_cmd_list_managed_job_templates      (JdCli *self, JdCliInvocation *invocation);
void jd_cli_cmd_describe_managed_job_template   (JdCli *self, JdCliInvocation *invocation);
void jd_cli_cmd_update_event_configurations     (JdCli *self, JdCliInvocation *invocation);
void jd_cli_cmd_describe_event_configurations   (JdCli *self, JdCliInvocation *invocation);
/* create-job with --template (and --param NAME=VALUE…). */
void jd_cli_cmd_create_job_from_template        (JdCli *self, JdCliInvocation *invocation);

G_END_DECLS
