/* jd-cli-https.c — the device commands over the HTTPS jobs data plane
 * (--device-api https): GetPendingJobExecutions, StartNextPendingJobExecution,
 * DescribeJobExecution and UpdateJobExecution as AWS's `iot-jobs-data` API
 * (SigV4-signed, at DescribeEndpoint iot:Jobs) serves them, through
 * JdJobsDataClient. What the service answers is printed as it came, as the
 * MQTT commands print the accepted topic's payload.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jobdeck-cli"

#include "jd-cli-private.h"

typedef struct {
  JdCli           *self;
  JdCliInvocation *invocation;
} HttpsCall;

static HttpsCall *
https_call_new (JdCli           *self,
                JdCliInvocation *invocation)
{
  HttpsCall *call = g_new0 (HttpsCall, 1);

  call->self = g_object_ref (self);
  call->invocation = invocation;
  return call;
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  HttpsCall *call = user_data;
  g_autoptr(JdCli) self = call->self;
  JdCliInvocation *invocation = call->invocation;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = jd_jobs_data_client_finish (JD_JOBS_DATA_CLIENT (source), result, &error);
  int status;

  g_free (call);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (body != NULL)
    {
      jd_cli_output_response (self->output, invocation->command->aws_name, body);
      status = JD_CLI_EXIT_OK;
    }
  else
    status = jd_cli_report_control_plane_error (self, invocation->command->aws_name, error);
  jd_cli_command_finished (self, invocation, status);
}

void
jd_cli_https_get_pending (JdCli           *self,
                          JdCliInvocation *invocation)
{
  jd_jobs_data_client_get_pending_async (self->jobs_data, jd_cli_get_thing_name (self), self->cancellable,
                                         done_cb, https_call_new (self, invocation));
}

void
jd_cli_https_start_next (JdCli           *self,
                         JdCliInvocation *invocation)
{
  jd_jobs_data_client_start_next_async (self->jobs_data, jd_cli_get_thing_name (self),
                                        g_hash_table_size (invocation->details) > 0 ? invocation->details : NULL,
                                        invocation->step_timeout, self->cancellable,
                                        done_cb, https_call_new (self, invocation));
}

void
jd_cli_https_describe_execution (JdCli           *self,
                                 JdCliInvocation *invocation)
{
  jd_jobs_data_client_describe_async (self->jobs_data, jd_cli_get_thing_name (self),
                                      jd_cli_invocation_arg (invocation, 0), invocation->execution_number,
                                      !jd_cli_parsed_has (invocation->parsed, "no-document"),
                                      self->cancellable, done_cb, https_call_new (self, invocation));
}

void
jd_cli_https_update_execution (JdCli           *self,
                               JdCliInvocation *invocation)
{
  JdUpdateOptions options = JD_UPDATE_OPTIONS_INIT;

  options.status_details = g_hash_table_size (invocation->details) > 0 ? invocation->details : NULL;
  options.step_timeout_in_minutes = invocation->step_timeout;
  options.expected_version = invocation->expected_version;
  jd_jobs_data_client_update_async (self->jobs_data, jd_cli_get_thing_name (self),
                                    jd_cli_invocation_arg (invocation, 0), invocation->status, &options,
                                    self->cancellable, done_cb, https_call_new (self, invocation));
}
